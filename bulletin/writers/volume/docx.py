"""Many Bulletins → one DOCX: the cover, the contents, every issue through
the DOCX writer (each from a new page, with its own masthead and 版记), the
index by county.

Page numbers in the contents and the index are Word ``PAGEREF`` fields
pointing at a bookmark on each article's title, and each field's shown
(cached) result is the page the PDF volume prints.  Why both: the DOCX is
edited further, and a field follows its title wherever the edits move it
(Word updates fields on F9 or when printing, WPS and LibreOffice when they
lay the document out), while the cached number — the DOCX shares the PDF's
22-line grid — is right before anyone updates anything.  A TOC field would
rebuild the list from heading styles and lose the county column.

Two sections: the cover, with no footer, and the rest, numbered from 1 —
the same numbers as the PDF (the cover unnumbered, the first contents page
1).  The writer owns the document's last section properties, so the
restart (``pgNumType start=1``) is added to the saved package afterwards.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

from bulletin.model import Bulletin
from bulletin.writers.volume import matter


def _bookmark(key) -> str:
    # A leading underscore: Word lists the bookmark as hidden, like its own _Toc ones.
    return f"_Vol{key[0]}_{key[1]}"


def write_volume_docx(bulletins: list[Bulletin], style, root: Path, pages: dict | None = None) -> bytes:
    """``pages``: entry key → printed page (the PDF volume's), shown until the fields are updated."""
    from bulletin.writers.docx.package import deterministic_zip, new_document
    from bulletin.writers.docx.writer import DocxWriter

    if pages is None:
        from bulletin.writers.volume.pdf import lay_out_volume

        pages = lay_out_volume(bulletins, style, root).pages
    contacts = [b.imprint.contact or "" for b in bulletins]
    w = DocxWriter(new_document(), style, Path(root), bulletins[0].masthead.title, max(contacts, key=len))
    vol = _Volume(w, pages)
    vol.cover(matter.cover(bulletins))
    vol.contents(matter.contents(bulletins))
    for i, b in enumerate(bulletins):
        vol.issue(i, b)
    vol.index(matter.county_index(bulletins))
    last = bulletins[-1]
    title = matter.metadata(bulletins)[0]
    props = replace(last, masthead=replace(last.masthead, title=title, issue_line=""))
    return deterministic_zip(_restart_numbering(w.finish(props)))


class _Volume:
    def __init__(self, w, pages: dict):
        from bulletin.writers.docx.ooxml import PPR_ORDER, build_props, sub

        self.w, self.pages = w, pages
        self.sub, self.build_props, self.order = sub, build_props, PPR_ORDER
        self.line = w.g.line  # twips per grid line

    def para(self, key: str, text: str, **ppr):
        p = self.w.para(key, **ppr)
        self.w.text(p, text)
        return p

    def gap(self, lines: float) -> dict:
        return {"spacing": {"before": round(lines * self.line)}}

    # -- the cover: its own section, without a footer --------------------------------
    def cover(self, c: matter.Cover) -> None:
        self.para("masthead_title", c.title, **self.gap(3))
        self.para("article_title", c.year, **self.gap(3))
        self.para("article_title", c.label, **self.gap(1))
        self.para("issue_line", c.numbers, **self.gap(1))
        p = self.para("issue_line", c.editor, **self.gap(5))
        g, sub = self.w.g, self.sub
        sect = sub(p.find(_w("pPr")), "sectPr")
        sub(sect, "pgSz", w=g.page_w, h=g.page_h)
        sub(sect, "pgMar", top=g.top, right=g.right, bottom=g.bottom, left=g.left,
            header=round(g.top / 2), footer=g.footer, gutter=0)
        sub(sect, "cols", space=425)
        sub(sect, "docGrid", type="lines", linePitch=g.line)

    # -- contents and index -------------------------------------------------------------
    def entry(self, title: str, note: str, key) -> None:
        g = self.w.g
        cell = round(g.cell)

        def tabs(el):
            self.sub(el, "tab", val="right", leader="dot", pos=g.block_w)

        p = self.w.para("body", tabs=tabs,
                        ind={"left": cell, "right": 0, "firstLineChars": 0, "firstLine": 0},
                        jc={"val": "left"})
        self.w.text(p, f"{title}（{note}）\t")
        self.field(p, f" PAGEREF {_bookmark(key)} \\h ", str(self.pages.get(key, "")))

    def field(self, p, instruction: str, shown: str) -> None:
        sub = self.sub
        sub(sub(p, "r"), "fldChar", fldCharType="begin")
        instr = sub(sub(p, "r"), "instrText")
        instr.text = instruction
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        sub(sub(p, "r"), "fldChar", fldCharType="separate")
        self.w.text(p, shown)
        sub(sub(p, "r"), "fldChar", fldCharType="end")

    def contents(self, parts) -> None:
        self.para("article_title", matter.CONTENTS_TITLE)
        for part in parts:
            self.para("column_label", f"{part.heading}\t{part.date}", **self.gap(1),
                      tabs=lambda el: self.sub(el, "tab", val="right", pos=self.w.g.block_w))
            for e in part.entries:
                self.entry(e.title, e.county, e.key)

    def index(self, groups) -> None:
        self.para("article_title", matter.INDEX_TITLE, pageBreakBefore={})
        for county, entries in groups:
            self.para("column_label", county, **self.gap(1))
            for e in entries:
                self.entry(e.title, e.issue, e.key)

    # -- one issue, as the DOCX writer writes it, from a new page -------------------------
    def issue(self, i: int, b: Bulletin) -> None:
        from bulletin.writers.docx.writer import BLOCK_RULES  # noqa: F401 - the writer's own dispatch, via article()

        w, body = self.w, self.w.body
        w.at_top, w.after_label = True, False
        start = len(body)
        w.masthead(b.masthead)
        _page_break_before(body[start])
        if b.note:
            w.note(b.note)
        title_id = w.ids["article_title"]
        k = 0
        for group in b.groups:
            if group.label:
                w.column_label(group.label)
            for art in group.articles:
                before = len(body)
                w.article(art)
                for p in body[before:]:
                    style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
                    if style is not None and style.get(_w("val")) == title_id:
                        _bookmark_paragraph(p, _bookmark((i, k)), i * 1000 + k + 1)
                        break
                k += 1
        w.imprint(b.imprint)


def _w(tag: str) -> str:
    return f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{tag}"


def _page_break_before(p) -> None:
    """Add <w:pageBreakBefore/> to a paragraph, in schema order (after pStyle, keepNext, keepLines)."""
    from lxml import etree

    ppr = p.find(_w("pPr"))
    at = 0
    for n, child in enumerate(ppr):
        if child.tag in (_w("pStyle"), _w("keepNext"), _w("keepLines")):
            at = n + 1
    ppr.insert(at, etree.Element(_w("pageBreakBefore")))


def _bookmark_paragraph(p, name: str, ident: int) -> None:
    from lxml import etree

    start = etree.Element(_w("bookmarkStart"))
    start.set(_w("id"), str(ident))
    start.set(_w("name"), name)
    ppr = p.find(_w("pPr"))
    p.insert(list(p).index(ppr) + 1 if ppr is not None else 0, start)
    end = etree.SubElement(p, _w("bookmarkEnd"))
    end.set(_w("id"), str(ident))


def _restart_numbering(data: bytes) -> bytes:
    """The last section (after the cover) numbers its pages from 1.  The
    writer put its footers on the document's first section — the cover's —
    so they move to the last one; the cover, a first section without
    footers, then has none."""
    from lxml import etree

    src = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(src.read("word/document.xml"))
    sect = root.find(f"{_w('body')}/{_w('sectPr')}")
    cover = root.find(f"{_w('body')}/{_w('p')}/{_w('pPr')}/{_w('sectPr')}")
    refs = cover.findall(_w("footerReference"))
    for n, ref in enumerate(refs):
        sect.insert(n, ref)  # moved: footer references come first in a sectPr
    num = etree.Element(_w("pgNumType"))
    num.set(_w("start"), "1")
    cols = sect.find(_w("cols"))
    (cols.addprevious(num) if cols is not None else sect.append(num))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            blob = src.read(name)
            if name == "word/document.xml":
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(name, blob)
    return out.getvalue()
