"""Bulletin → DOCX: a clean, well-styled Word document.

Every paragraph carries a named style defined once in styles.xml from the
style description (docx_styles.py); runs carry no direct formatting except
bold/italic.  Blocks are written through a dispatch table (`BLOCK_RULES`),
one rule per model block type.  The package is lean (no thumbnail, theme,
customXml) and its ZIP deterministic: the same sources give the same bytes.

Layout decisions, measured in LibreOffice 7.4 (tests/test_docx_render.py):
- The line grid: `docGrid type="lines"` with an exact 579-twip line (225 mm /
  22, rounded down so 22 lines always fit) and −5 twips character spacing on
  Normal so 28 cells fit 156 mm.  Word's `linesAndChars` grid doubles CJK
  advances in LibreOffice.  What adds height to a line (the red rule, table
  rules) is taken off its spacing, so the text after it stays on the grid.
- The masthead title is shrunk (never above 初号) to fit one line; the red
  rule is the editor line's bottom border.
- The 版记 is a floating one-column table anchored to the bottom of the text
  block (`tblpPr vertAnchor=margin tblpYSpec=bottom`), so its last rule lies
  on the block's bottom edge of the last page whatever the text above it.  It
  is placed horizontally relative to the *page* (tblpX = left margin):
  LibreOffice keeps a full-width table positioned relative to the margin
  inline (at the top of the page), but floats one positioned on the page.
- Page numbers are real PAGE fields in odd and even footers.
- Keeping together (anatomy.md): widow control on in Normal; keep-with-next
  on titles, subtitles, 栏目 labels and headings and on an article's last
  paragraph (so it stays with its attribution); keep-lines on paragraphs of
  two lines or less (estimated from their characters: 28 cells a line).
- A title block takes whole grid lines, as in the PDF: an empty "Title
  Space" paragraph of half a line (Word and LibreOffice drop space *before*
  at the top of a page, an empty paragraph they keep), the title's lines one
  grid line each (not snapped: LibreOffice would give a 二号 line two), half
  a line after.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.shape import CT_Inline
from lxml import etree

from bulletin.model import Bulletin, Figure, Heading, Imprint, Masthead, Para, Quote, Spans, Table, plain_text
from bulletin.style import Style
from bulletin.text.titles import title_lines
from bulletin.writers.docx.package import deterministic_zip, new_document, related_part, set_properties
from bulletin.writers.docx.styles import Geometry, StyleSheet, em_units
from bulletin.writers.docx.ooxml import PPR_ORDER, add_text, build_props, qn, sub

EMU_PER_TWIP = 635


class DocxWriter:
    """Appends the bulletin to a lean python-docx document, paragraph by
    paragraph, as raw WordprocessingML (one pass, no searches)."""

    def __init__(self, document, style: Style, root: Path, masthead_title: str = "", contact: str = ""):
        self.document = document
        self.style = style
        self.root = root
        self.g = Geometry.of(style)
        self.sheet = StyleSheet(style, self.g, masthead_title, contact)
        self.ids = self.sheet.ids
        self.body = document.element.body
        self.sect = self.body.sectPr
        self.body.remove(self.sect)
        self.part = document.part
        self._shape_id = 0
        self.at_top = True  # nothing written below the masthead yet
        self.cells_per_line = style.page.get("chars", 28)
        self.after_label = False

    # -- primitives ------------------------------------------------------
    def para(self, key: str, **ppr) -> etree._Element:
        p = sub(self.body, "p")
        build_props(p, "pPr", {"pStyle": {"val": self.ids[key]}, **ppr}, PPR_ORDER)
        return p

    def runs(self, p, spans: Spans, rstyle: str | None = None) -> None:
        for span in spans:
            if not span.text:
                continue
            r = sub(p, "r")
            if rstyle or span.bold or span.italic:
                rpr = sub(r, "rPr")
                if rstyle:
                    sub(rpr, "rStyle", val=rstyle)
                if span.bold and not rstyle:
                    sub(rpr, "b")
                if span.italic:
                    sub(rpr, "i")
            add_text(r, span.text)

    def text(self, p, text: str, rstyle: str | None = None) -> None:
        if not text:
            return
        r = sub(p, "r")
        if rstyle:
            sub(sub(r, "rPr"), "rStyle", val=rstyle)
        add_text(r, text)

    def inline_para(self, key: str, para: Para) -> None:
        # A paragraph of two lines never splits (widow control, on in
        # Normal, keeps longer ones from leaving a single line behind).
        text = plain_text(para.lead) + plain_text(para.spans)
        el = self.style.element(key)
        cells = sum(map(em_units, text)) + el.indent_first
        p = self.para(key, **({"keepLines": {}} if cells <= 2 * self.cells_per_line else {}))
        if para.lead:
            self.runs(p, para.lead, self.ids["lead"])
        self.runs(p, para.spans)

    # -- parts of the issue ------------------------------------------------
    def masthead(self, m: Masthead) -> None:
        for mark in m.marks:
            self.text(self.para("marks"), mark)
        self.text(self.para("masthead_title"), m.title)
        self.text(self.para("issue_line"), m.issue_line)
        # editor flush left, date flush right (right tab at the block width),
        # the red rule is this paragraph's bottom border
        self.text(self.para("editor_line"), f"{m.editor}\t{m.date_text}")

    def note(self, spans: Spans) -> None:
        p = self.para("note")
        label = self.style.element("note_label").get("text", "编者按：")
        self.text(p, label, self.ids["note_label"])
        self.runs(p, spans)
        self.at_top = False

    def _gap(self) -> dict:
        """The blank line above a title (or the column label leading it)."""
        line = round(self.style.element("article_title").before * self.g.line)
        return {"spacing": {"before": 0 if self.at_top else line}}

    def column_label(self, label: str) -> None:
        self.text(self.para("column_label", **self._gap()), label)
        self.at_top = False
        self.after_label = True

    def article(self, art) -> None:
        before = 0 if self.after_label else self._gap()["spacing"]["before"]
        self.after_label = False
        self.at_top = False
        title = self.style.element("article_title")
        ems = (self.g.block_w / 20) / (title.size + self.g.char_spacing / 20)
        lines = title_lines(art.title, ems)  # where to break: shared with the PDF writer
        # The title block takes whole grid lines: its lines one grid line
        # each (not snapped to the grid, which LibreOffice would round up to
        # two lines per 二号 line) and `pad_lines` more, half above (an empty
        # Title Space paragraph) and half below (a twip short each, so the
        # body snaps to the very next grid line).
        half = math.floor(max(0, round(float(title.get("pad_lines", 1)))) * self.g.line / 2)
        if half:
            self.para("title_space", spacing={"before": before})
            before = 0
        self.text(self.para("article_title", spacing={"before": before, "after": 0 if art.subtitle else half}),
                  "\n".join(lines))
        if art.subtitle:
            lead = self.style.element("subtitle").get("lead", "——")
            text = art.subtitle if art.subtitle.startswith(lead) else f"{lead}{art.subtitle}"  # one lead
            self.text(self.para("subtitle", spacing={"before": 0, "after": half}), text)
        for block in art.blocks:
            BLOCK_RULES[type(block)](self, block)
        if art.attribution:
            self.keep_with_next()  # the article's last paragraph stays with its attribution
            self.text(self.para("attribution"), art.attribution)

    def keep_with_next(self) -> None:
        """keepNext on the last paragraph written (its pStyle comes first)."""
        last = self.body[-1] if len(self.body) else None
        if last is None or last.tag != qn("w:p"):
            return
        ppr = last[0]
        if ppr.tag == qn("w:pPr") and ppr.find(qn("w:keepNext")) is None:
            ppr.insert(1, ppr.makeelement(qn("w:keepNext"), {}))

    def imprint(self, imp: Imprint) -> None:
        """The 版记: a one-column floating table whose bottom rule sits on the
        bottom edge of the text block: tblpYSpec=bottom relative to the
        margin, Word's own "vertical: bottom, relative to margin", which
        LibreOffice honours too (measured).  Thick rules above and below,
        thin ones between the rows."""
        g, sheet = self.g, self.sheet
        el = self.style.element("imprint")
        thick = max(2, round(float(el.get("rule_thick_mm", 0.35)) * 72 / 25.4 * 8))
        thin = max(2, round(float(el.get("rule_thin_mm", 0.25)) * 72 / 25.4 * 8))
        tbl = sub(self.body, "tbl")
        pr = sub(tbl, "tblPr")
        sub(pr, "tblStyle", val="TableNormal")
        sub(pr, "tblpPr", leftFromText=0, rightFromText=0, topFromText=0, bottomFromText=0,
            vertAnchor="margin", horzAnchor="page", tblpX=g.left, tblpYSpec="bottom")
        sub(pr, "tblOverlap", val="never")
        sub(pr, "tblW", w=g.block_w, type="dxa")
        borders = sub(pr, "tblBorders")
        sub(borders, "top", val="single", sz=thick, space=0, color="000000")
        sub(borders, "left", val="nil")
        sub(borders, "bottom", val="single", sz=thick, space=0, color="000000")
        sub(borders, "right", val="nil")
        sub(borders, "insideH", val="single", sz=thin, space=0, color="000000")
        sub(borders, "insideV", val="nil")
        sub(pr, "tblLayout", type="fixed")
        mar = sub(pr, "tblCellMar")
        for side in ("top", "left", "bottom", "right"):
            sub(mar, side, w=0, type="dxa")
        sub(sub(tbl, "tblGrid"), "gridCol", w=g.block_w)

        def row():
            tr = sub(tbl, "tr")
            sub(sub(tr, "trPr"), "cantSplit")
            tc = sub(tr, "tc")
            sub(sub(tc, "tcPr"), "tcW", w=g.block_w, type="dxa")
            return tc

        side = round(el.indent * g.cell)
        for line in imp.distribution:
            tc = row()
            label = f"{line.label}："
            extra = {}
            if len(label) != 2:
                hang = sheet.label_width(len(label), el)
                extra = {"ind": {"left": side + hang, "right": side, "hanging": hang}}
            p = sub(tc, "p")
            build_props(p, "pPr", {"pStyle": {"val": self.ids["imprint"]}, **extra}, PPR_ORDER)
            self.text(p, label + line.text)
        p = sub(row(), "p")
        build_props(p, "pPr", {"pStyle": {"val": self.ids["imprint_print"]}}, PPR_ORDER)
        self.text(p, f"{imp.issuer}\t{imp.print_date}")
        if imp.contact:
            p = sub(row(), "p")
            build_props(p, "pPr", {"pStyle": {"val": self.ids["imprint_contact"]}}, PPR_ORDER)
            self.text(p, imp.contact)
        # the floating table's anchor: the document's last paragraph
        self.para("imprint_contact")

    # -- blocks ------------------------------------------------------------
    def table(self, block: Table) -> None:
        g = self.g
        rows = [block.header, *block.rows] if block.header else list(block.rows)
        ncols = max((len(r) for r in rows), default=0)
        if not ncols:
            return
        widths = _column_widths(rows, ncols, g.block_w)
        tbl = sub(self.body, "tbl")
        pr = sub(tbl, "tblPr")
        sub(pr, "tblStyle", val=self.ids["table_grid"])
        sub(pr, "tblW", w=sum(widths), type="dxa")
        sub(pr, "jc", val="center")
        sub(pr, "tblLayout", type="fixed")
        sub(pr, "tblLook", val="04A0", firstRow=1, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)
        grid = sub(tbl, "tblGrid")
        for w in widths:
            sub(grid, "gridCol", w=w)
        jc = {"left": "left", "center": "center", "right": "right"}
        for i, cells in enumerate(rows):
            header = bool(block.header) and i == 0
            tr = sub(tbl, "tr")
            trpr = sub(tr, "trPr")
            sub(trpr, "cantSplit")
            if header:
                sub(trpr, "tblHeader")
            for c in range(ncols):
                tc = sub(tr, "tc")
                tcpr = sub(tc, "tcPr")
                sub(tcpr, "tcW", w=widths[c], type="dxa")
                sub(tcpr, "vAlign", val="center")
                extra = {}
                align = block.aligns[c] if c < len(block.aligns) else ""
                if not header and align in jc:
                    extra["jc"] = {"val": jc[align]}
                p = sub(tc, "p")
                build_props(p, "pPr", {"pStyle": {"val": self.ids["table_header" if header else "table"]}, **extra},
                            PPR_ORDER)
                if c < len(cells):
                    self.runs(p, cells[c])

    def figure(self, block: Figure) -> None:
        g = self.g
        path = self.root / block.path
        try:
            rId, image = self.part.get_or_add_image(str(path))
        except UnrecognizedImageError:
            where = f"{block.src}: " if block.src else ""
            raise ValueError(f"{where}figure '{block.path}' is not an image Word can embed "
                             "(PNG, JPEG, GIF, BMP or TIFF)") from None
        cx, cy = int(image.width), int(image.height)
        max_w = g.block_w * EMU_PER_TWIP
        max_h = (g.block_h - 3 * g.line) * EMU_PER_TWIP
        scale = min(1.0, max_w / cx if cx else 1.0, max_h / cy if cy else 1.0)
        cx, cy = int(cx * scale), int(cy * scale)
        self._shape_id += 1
        inline = CT_Inline.new_pic_inline(self._shape_id, rId, image.filename, cx, cy)
        p = self.para("figure")
        sub(sub(p, "r"), "drawing").append(inline)
        if block.caption:
            self.text(self.para("caption"), block.caption)

    # -- the rest of the package --------------------------------------------
    def finish(self, bulletin: Bulletin) -> bytes:
        g, sheet, document = self.g, self.sheet, self.document
        part = self.part
        part._styles_part._element = sheet.styles_xml()
        part._settings_part._element = sheet.settings_xml()
        related_part(part, RT.FONT_TABLE)._blob = etree.tostring(
            sheet.font_table_xml(), xml_declaration=True, encoding="UTF-8", standalone=True)

        self.body.append(self.sect)
        section = document.sections[0]
        for footer, key in ((section.footer, "page_number"), (section.even_page_footer, "page_number_even")):
            footer.is_linked_to_previous = False
            self._page_number(footer.part.element, key)
        sect = self.sect
        for child in list(sect):
            if child.tag != f"{{{sect.nsmap['w']}}}footerReference":
                sect.remove(child)
        sub(sect, "pgSz", w=g.page_w, h=g.page_h)
        sub(sect, "pgMar", top=g.top, right=g.right, bottom=g.bottom, left=g.left,
            header=round(g.top / 2), footer=g.footer, gutter=0)
        sub(sect, "cols", space=425)
        sub(sect, "docGrid", type="lines", linePitch=g.line)

        m = bulletin.masthead
        set_properties(document, title=f"{m.title} {m.issue_line}", author=m.editor,
                       date=bulletin.info.date, company=bulletin.imprint.issuer)
        out = io.BytesIO()
        document.save(out)
        return deterministic_zip(out.getvalue())

    def _page_number(self, ftr, key: str) -> None:
        for child in list(ftr):
            ftr.remove(child)
        dash = self.style.element("page_number").get("dash", "—")
        p = sub(ftr, "p")
        build_props(p, "pPr", {"pStyle": {"val": self.ids[key]}}, PPR_ORDER)
        self.text(p, f"{dash} ")
        sub(sub(p, "r"), "fldChar", fldCharType="begin")
        instr = sub(sub(p, "r"), "instrText")
        instr.text = " PAGE "
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        sub(sub(p, "r"), "fldChar", fldCharType="separate")
        self.text(p, "1")
        sub(sub(p, "r"), "fldChar", fldCharType="end")
        self.text(p, f" {dash}")


# Line-start and line-end prohibitions for the title breaker (GB/T 15834 basic set).


def _column_widths(rows, ncols: int, total: int) -> list[int]:
    """Share the block width among the columns by their widest cell (hanzi 1,
    Latin ½), each at least two characters wide."""
    need = [2.0] * ncols
    for cells in rows:
        for c, spans in enumerate(cells):
            w = sum(map(em_units, plain_text(spans))) + 1
            need[c] = max(need[c], w)
    s = sum(need)
    widths = [int(total * n / s) for n in need]
    widths[-1] += total - sum(widths)
    return widths


# -- the dispatch table: one rule per model block type -----------------------


def _heading(w: DocxWriter, block: Heading) -> None:
    w.runs(w.para(f"heading{min(max(block.level, 1), 3)}"), block.spans)


def _para(w: DocxWriter, block: Para) -> None:
    w.inline_para("body", block)


def _quote(w: DocxWriter, block: Quote) -> None:
    for para in block.paras:
        w.inline_para("quote", para)


def _table(w: DocxWriter, block: Table) -> None:
    w.table(block)


def _figure(w: DocxWriter, block: Figure) -> None:
    w.figure(block)


BLOCK_RULES = {Heading: _heading, Para: _para, Quote: _quote, Table: _table, Figure: _figure}


def write_docx(bulletin: Bulletin, style: Style, root: Path) -> bytes:
    w = DocxWriter(new_document(), style, Path(root), bulletin.masthead.title, bulletin.imprint.contact or "")
    w.masthead(bulletin.masthead)
    if bulletin.note:
        w.note(bulletin.note)
    for group in bulletin.groups:
        if group.label:
            w.column_label(group.label)
        for art in group.articles:
            w.article(art)
    w.imprint(bulletin.imprint)
    return w.finish(bulletin)
