"""document.xml → raw paragraphs and tables, with layout taken out.

What a reader sees is what we keep: accepted text only (w:ins kept, w:del
and w:moveFrom dropped), field results but not field codes, no hidden text,
no comments, and one alternative of mc:AlternateContent (never both).
Formatting is resolved the way Word resolves it — document defaults, the
paragraph style chain, the character style chain, direct formatting — for
the few properties meaning is read from: bold, italic, size, East Asian font,
alignment, outline level, list numbering.  Pictures are taken from the
package's own parts; a picture linked to a file or an address outside the
package is never fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..i18n import N_
from .listlabels import Numbering

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
WPS_TXBX = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}txbx"
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart"

SOFT = "\n"  # a soft line break inside a paragraph (w:br, w:cr)


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    size: float | None = None  # points
    font: str = ""  # East Asian font name


@dataclass
class Image:
    blob: bytes
    ext: str  # ".png"


@dataclass
class RawPara:
    runs: list[Run] = field(default_factory=list)
    style: str = ""  # style name, lower case ("heading 1", "title", "body text" …)
    style_id: str = ""
    outline: int | None = None  # 0-based outline level (headings)
    align: str = ""  # left | center | right | both | ""
    direct_align: str = ""  # the paragraph's own alignment, not its style's (table columns)
    label: str = ""  # list label Word prints before the text (一、)
    label_fmt: str = ""
    label_bold: bool = False
    images: list[Image] = field(default_factory=list)
    indent_left: int = 0  # twips (a block quote is often an indented paragraph)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class RawCell:
    paras: list[RawPara]
    span: int = 1
    vmerge: str = ""  # "" | "restart" | "continue"


@dataclass
class RawTable:
    rows: list[list[RawCell]]
    header_rows: int = 0
    floating: bool = False


def localname(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _on(el) -> bool | None:
    """A w:b / w:i style toggle: present → on unless val is false/0/off."""
    if el is None:
        return None
    val = el.get(W + "val")
    return val not in ("0", "false", "off", "none")


class Styles:
    """Style chains of styles.xml, resolved once per style."""

    def __init__(self, root=None):
        self.raw: dict[str, object] = {}
        self.names: dict[str, str] = {}
        self.default_para = ""
        self.doc_rpr = None
        self.cache: dict[str, dict] = {}
        if root is None:
            return
        defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.doc_rpr = defaults
        for st in root.findall(W + "style"):
            sid = st.get(W + "styleId") or ""
            self.raw[sid] = st
            name = st.find(W + "name")
            self.names[sid] = (name.get(W + "val") if name is not None else sid).lower()
            if st.get(W + "type") == "paragraph" and st.get(W + "default") in ("1", "true"):
                self.default_para = sid

    def resolved(self, sid: str) -> dict:
        """{'bold','italic','size','font','align','outline','num'} of a style, inherited."""
        if sid in self.cache:
            return self.cache[sid]
        self.cache[sid] = {}  # cycle guard
        st = self.raw.get(sid)
        out: dict = {}
        if st is not None:
            based = st.find(W + "basedOn")
            if based is not None and based.get(W + "val") in self.raw:
                out.update(self.resolved(based.get(W + "val")))
            ppr = st.find(W + "pPr")
            if ppr is not None:
                out.update(para_props(ppr))
            rpr = st.find(W + "rPr")
            if rpr is not None:
                out.update(run_props(rpr))
        self.cache[sid] = out
        return out

    def base(self) -> dict:
        out = run_props(self.doc_rpr) if self.doc_rpr is not None else {}
        return out


def run_props(rpr) -> dict:
    out: dict = {}
    for key, tag in (("bold", "b"), ("italic", "i"), ("hidden", "vanish")):
        v = _on(rpr.find(W + tag))
        if v is not None:
            out[key] = v
    sz = rpr.find(W + "sz")
    if sz is not None and (sz.get(W + "val") or "").isdigit():
        out["size"] = int(sz.get(W + "val")) / 2
    fonts = rpr.find(W + "rFonts")
    if fonts is not None:
        name = fonts.get(W + "eastAsia") or fonts.get(W + "hAnsi") or fonts.get(W + "ascii")
        if name:
            out["font"] = name
    return out


def para_props(ppr) -> dict:
    out: dict = {}
    jc = ppr.find(W + "jc")
    if jc is not None:
        out["align"] = {"start": "left", "end": "right", "distribute": "both"}.get(jc.get(W + "val"), jc.get(W + "val"))
    ol = ppr.find(W + "outlineLvl")
    if ol is not None and (ol.get(W + "val") or "").isdigit():
        out["outline"] = int(ol.get(W + "val"))
    num = ppr.find(W + "numPr")
    if num is not None:
        ilvl = num.find(W + "ilvl")
        nid = num.find(W + "numId")
        out["num"] = (nid.get(W + "val") if nid is not None else None,
                      int(ilvl.get(W + "val") or 0) if ilvl is not None else None)
    ind = ppr.find(W + "ind")
    if ind is not None:
        left = ind.get(W + "left") or ind.get(W + "start") or "0"
        out["indent_left"] = int(left) if left.lstrip("-").isdigit() else 0
    return out


class BodyReader:
    """Walks the document body; `items` is the list of RawPara / RawTable."""

    def __init__(self, main_part, styles: Styles, numbering: Numbering):
        self.part = main_part
        self.styles = styles
        self.numbering = numbering
        self.notes: list[str] = []
        self._noted: set[str] = set()
        self.field_depth: list[str] = []  # per open field: "code" until separate, then "result"

    def note(self, text: str) -> None:
        if text not in self._noted:
            self._noted.add(text)
            self.notes.append(text)

    # -- blocks ---------------------------------------------------------------
    def blocks(self, parent) -> list:
        out: list = []
        for child in parent:
            tag = localname(child)
            if tag == "p":
                out.extend(self.paragraph(child))
            elif tag == "tbl":
                out.append(self.table(child))
            elif tag in ("sdt",):
                content = child.find(W + "sdtContent")
                if content is not None:
                    out.extend(self.blocks(content))
            elif tag in ("customXml", "ins", "moveTo"):
                out.extend(self.blocks(child))
            elif tag == "AlternateContent":
                out.extend(self.blocks(_choice(child)))
            elif tag == "altChunk":
                self.note(N_("a part imported from another file (altChunk) was left out: paste its text into the document"))
        return out

    def table(self, tbl) -> RawTable:
        rows: list[list[RawCell]] = []
        header = 0
        tblpr = tbl.find(W + "tblPr")
        floating = tblpr is not None and tblpr.find(W + "tblpPr") is not None
        for tr in _iter_children(tbl, "tr"):
            trpr = tr.find(W + "trPr")
            if trpr is not None and trpr.find(W + "tblHeader") is not None and len(rows) == header:
                header += 1
            cells = []
            for tc in _iter_children(tr, "tc"):
                tcpr = tc.find(W + "tcPr")
                span, vmerge = 1, ""
                if tcpr is not None:
                    gs = tcpr.find(W + "gridSpan")
                    if gs is not None and (gs.get(W + "val") or "").isdigit():
                        span = max(1, int(gs.get(W + "val")))
                    vm = tcpr.find(W + "vMerge")
                    if vm is not None:
                        vmerge = "restart" if vm.get(W + "val") == "restart" else "continue"
                paras: list[RawPara] = []
                for item in self.blocks(tc):
                    if isinstance(item, RawTable):  # a table inside a cell: its text, cell by cell
                        self.note(N_("a table inside a table cell was flattened into the cell's text"))
                        for row in item.rows:
                            for cell in row:
                                paras.extend(cell.paras)
                    else:
                        paras.append(item)
                cells.append(RawCell(paras, span, vmerge))
            rows.append(cells)
        return RawTable(rows, header, floating)

    def paragraph(self, p) -> list:
        ppr = p.find(W + "pPr")
        sid = ""
        direct: dict = {}
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            sid = ps.get(W + "val") if ps is not None else ""
            direct = para_props(ppr)
        sid = sid or self.styles.default_para
        props = {**self.styles.resolved(sid), **direct}
        para = RawPara(style=self.styles.names.get(sid, sid.lower()), style_id=sid,
                       outline=props.get("outline"), align=props.get("align", "") or "",
                       indent_left=props.get("indent_left", 0), direct_align=direct.get("align", "") or "")
        base = {**self.styles.base(), **self.styles.resolved(sid)}
        base.pop("hidden", None)
        self.extra: list = []
        self.inline(p, base, para)
        num_id, ilvl = props.get("num", (None, None))
        if num_id:
            label, fmt = self.numbering.label(num_id, ilvl or 0)
            para.label, para.label_fmt = label, fmt
            mark = ppr.find(f"{W}rPr") if ppr is not None else None
            mark_props = {**base, **(run_props(mark) if mark is not None else {})}
            para.label_bold = bool(mark_props.get("bold"))
        return [para, *self.extra]

    # -- inline content ---------------------------------------------------------
    def inline(self, parent, base: dict, para: RawPara) -> None:
        for child in parent:
            tag = localname(child)
            if tag == "r":
                self.run(child, base, para)
            elif tag in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple", "bdo", "dir"):
                self.inline(child, base, para)
            elif tag == "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.inline(content, base, para)
            elif tag == "AlternateContent":
                self.inline(_choice(child), base, para)
            elif tag in ("oMath", "oMathPara"):
                text = "".join(t.text or "" for t in child.iter() if localname(t) == "t")
                para.runs.append(Run(text))
            # del, moveFrom (deleted text), comment ranges, bookmarks, proofErr: nothing to read

    def run(self, r, base: dict, para: RawPara) -> None:
        rpr = r.find(W + "rPr")
        props = dict(base)
        if rpr is not None:
            rs = rpr.find(W + "rStyle")
            if rs is not None:
                props.update(self.styles.resolved(rs.get(W + "val") or ""))
            props.update(run_props(rpr))
        if props.get("hidden"):
            return
        make = lambda text: Run(text, bool(props.get("bold")), bool(props.get("italic")),  # noqa: E731
                                props.get("size"), props.get("font", ""))
        for child in r:
            tag = localname(child)
            if tag == "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    self.field_depth.append("code")
                elif kind == "separate" and self.field_depth:
                    self.field_depth[-1] = "result"
                elif kind == "end" and self.field_depth:
                    self.field_depth.pop()
                continue
            if self.field_depth and self.field_depth[-1] == "code":
                continue  # the field's instructions, not its displayed result
            if tag == "t":
                para.runs.append(make(child.text or ""))
            elif tag == "tab" or tag == "ptab":
                para.runs.append(make("\t"))
            elif tag in ("br", "cr"):
                if child.get(W + "type") not in ("page", "column"):
                    para.runs.append(make(SOFT))
            elif tag == "noBreakHyphen":
                para.runs.append(make("-"))
            elif tag == "sym":
                code = child.get(W + "char") or ""
                try:
                    ch = chr(int(code, 16))
                except ValueError:
                    continue
                if not (0xE000 <= ord(ch) <= 0xF8FF):  # symbol-font glyphs have no meaning as text
                    para.runs.append(make(ch))
            elif tag in ("drawing", "pict", "object"):
                self.graphic(child, para)
            elif tag == "AlternateContent":
                self.run_alternate(_choice(child), props, para, make)
            elif tag in ("footnoteReference", "endnoteReference"):
                self.note(N_("footnotes and endnotes were left out: a bulletin prints none"))

    def run_alternate(self, chosen, props, para, make) -> None:
        for child in chosen:
            if localname(child) in ("drawing", "pict", "object"):
                self.graphic(child, para)
            elif localname(child) == "t":
                para.runs.append(make(child.text or ""))

    def graphic(self, el, para: RawPara) -> None:
        if localname(el) == "object":
            self.note(N_("embedded objects (OLE) were not opened: only their preview picture, if any, was kept"))
        for node in el.iter():
            name = localname(node)
            if name == "blip" or (name == "imagedata" and node.tag.startswith(V)):
                rid = node.get(R + "embed") or node.get(R + "id")
                if node.get(R + "link") and not rid:
                    self.note(N_("a picture linked to a file or web address outside the document was not fetched: insert the picture itself"))
                    continue
                image = self.image(rid)
                if image is not None:
                    para.images.append(image)
                    if localname(el) != "object":
                        break
            elif node.tag == CHART:
                self.note(N_("a chart cannot be imported as data: paste it into the document as a picture"))
        # text boxes: their paragraphs follow the paragraph that holds them
        for node in el.iter():
            if localname(node) == "txbxContent":
                self.note(N_("text in text boxes was imported as ordinary paragraphs"))
                saved = self.extra
                inner = self.blocks(node)
                self.extra = saved
                self.extra.extend(b for b in inner if isinstance(b, RawPara))
                break

    def image(self, rid: str | None) -> Image | None:
        if not rid:
            return None
        rel = self.part.rels.get(rid)
        if rel is None:
            return None
        if rel.is_external:
            self.note(N_("a picture linked to a file or web address outside the document was not fetched: insert the picture itself"))
            return None
        target = rel.target_part
        ext = PurePosixPath(str(target.partname)).suffix.lower() or ".bin"
        return Image(target.blob, ".jpg" if ext == ".jpeg" else ext)


def _choice(alt):
    """The mc:Choice Word itself would render (the first), else the fallback."""
    choice = alt.find(MC + "Choice")
    if choice is not None:
        return choice
    fallback = alt.find(MC + "Fallback")
    return fallback if fallback is not None else []


def _iter_children(el, name: str):
    """Children named `name`, looking through content controls and custom XML."""
    for child in el:
        tag = localname(child)
        if tag == name:
            yield child
        elif tag in ("sdt",):
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _iter_children(content, name)
        elif tag in ("customXml", "ins"):
            yield from _iter_children(child, name)


def read_document(opened) -> tuple[list, list[str]]:
    """(items, notes): the body's RawPara / RawTable in reading order."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml

    main = opened.main

    def element_of(part):
        el = getattr(part, "element", None)
        if el is None:
            el = getattr(part, "_element", None)
        return el if el is not None else parse_xml(part.blob)

    def related(reltype):
        for rel in main.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                return element_of(rel.target_part)
        return None

    styles = Styles(related(RT.STYLES))
    numbering = Numbering(related(RT.NUMBERING))
    root = element_of(main)
    body = root.find(W + "body")
    reader = BodyReader(main, styles, numbering)
    items = reader.blocks(body) if body is not None else []
    if any(rel.is_external for rel in main.rels.values()):
        reader.note(N_("links to outside files or web addresses were not followed (their text is kept)"))
    if any(rel.reltype == RT.COMMENTS for rel in main.rels.values()):
        reader.note(N_("comments were left out"))
    return items, reader.notes
