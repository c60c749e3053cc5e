"""Laying out the blocks of an article: the editor's note, titles,
headings, paragraphs, quotes, figures and tables, each into atoms of whole
grid lines (a mixin of ``layout.Layout``, which holds the geometry and the
run styles these use).
"""

from __future__ import annotations

import re
from math import ceil
from pathlib import Path

from bulletin.diagnostics import BulletinError, Diagnostic
from bulletin.i18n import N_
from bulletin.model import Figure, Heading, Para, Quote, Src, Table, plain_text
from bulletin.text import Run, break_paragraph
from bulletin.text.titles import title_lines

from bulletin.writers.pdf.items import ASCENT, EPS, MM, Atom, Picture, Rule, TextLine, VRule, _align

_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])")
# A space with a hanzi on either side (图1 古江…): the breaker drops ASCII
# spaces next to hanzi, so a caption's space is set as a full cell.
_MIXED_SPACE = re.compile(r"(?<=[^\x00-\x7f]) +(?=\S)|(?<=\S) +(?=[^\x00-\x7f])")


class Blocks:
    """The article blocks; mixed into ``Layout``."""

    def note(self, spans) -> None:
        label = self.el("note_label")
        runs = [Run(str(label.get("text", "编者按：")), self.role("note_label"))] + self.runs(spans, "note")
        self.paragraph(runs, "note", None)

    # -- articles -----------------------------------------------------------------
    def article(self, art, label: str | None) -> None:
        title_el = self.el("article_title")
        if not self.fresh:
            self.blank(title_el.before)
        if label:
            self.paragraph([Run(label, self.role("column_label"))], "column_label", art.src, keep=True, first=0)
        self.title(art.title, art.src, art.subtitle)
        for block in art.blocks:
            BLOCK_RULES[type(block)](self, block)
        if art.attribution:
            # The space between unit and names: a full cell (U+3000); the
            # breaker drops ASCII spaces next to hanzi.
            text = _CJK_SPACE.sub("\u3000", art.attribution)
            if self.atoms and not self.atoms[-1].blank:
                self.atoms[-1].keep = True  # the attribution stays with the article's last line
            self.paragraph([Run(text, self.role("attribution"))], "attribution", art.src,
                           first=0, align="right")

    def title(self, text: str, src: Src | None, subtitle: str | None = None) -> None:
        """The title block: the title's lines (二号, broken at phrase
        boundaries), then the subtitle's (led by one ——), one grid line
        each, plus ``pad_lines`` grid lines of air split above and below
        them: one atom of whole grid lines, kept with two lines of the text."""
        el = self.el("article_title")
        role = self.role("article_title")
        size = el.size
        cell = self.cell_for(size)
        rows = []
        for part in title_lines(text, self.width / cell):  # where to break: shared with the DOCX writer
            for line in break_paragraph([Run(part, role)], measure=self.measure, line_width=self.width,
                                        cell=cell, align="center"):
                rows.append((line, size, "article_title", self.left))
        if subtitle:
            sub = self.el("subtitle")
            lead = str(sub.get("lead", "——"))
            text = subtitle if subtitle.startswith(lead) else lead + subtitle  # one lead, never two
            lines, x = self.break_lines([Run(text, self.role("subtitle"))], "subtitle", first=0,
                                        align=sub.align)
            rows += [(line, sub.size, "subtitle", x) for line in lines]
        pad = max(0, round(float(el.get("pad_lines", 1))))
        shift = pad * self.pitch / 2
        items = [TextLine(x, self.baseline(sz) - shift - k * self.pitch, line.glyphs, kind, src, row=k)
                 for k, (line, sz, kind, x) in enumerate(rows)]
        self.add(Atom(len(rows) + pad, items))
        self.keep_following()
        self.fresh = False

    def heading(self, block: Heading) -> None:
        name = f"heading{min(max(block.level, 1), 3)}"
        # A heading has one look; emphasis inside it (`## **二、…**`) adds nothing.
        self.paragraph([Run(plain_text(block.spans), self.role(name))], name, block.src, keep=True)
        self.keep_following()

    def para(self, block: Para, name: str = "body") -> None:
        runs = [Run(s.text, self.role("lead")) for s in block.lead if s.text] + self.runs(block.spans, name)
        self.paragraph(runs, name, block.src)

    def quote(self, block: Quote) -> None:
        for p in block.paras:
            self.para(p if p.src else Para(p.spans, p.lead, block.src), "quote")

    def figure(self, block: Figure) -> None:
        from reportlab.lib.utils import ImageReader

        path = (self.root / block.path) if not Path(block.path).is_absolute() else Path(block.path)
        src = block.src
        try:
            reader = ImageReader(str(path))
            px_w, px_h = reader.getSize()
        except Exception as err:  # noqa: BLE001 — PIL raises many kinds
            where = (src.path, src.line) if src else ("issues", 1)
            raise BulletinError([Diagnostic(where[0], where[1], 1, "E033",
                                            N_("figure {path} cannot be read: {reason}", path=str(block.path), reason=str(err)))]) from None
        fig = self.el("caption")
        # Optional `elements.figure` in the style: image_dpi (pixels per inch
        # when the image does not say; default 96), max_width (of the block; 1).
        settings = self.style.data.get("elements", {}).get("figure") or {}
        dpi = float(settings.get("image_dpi", 96))
        w, h = px_w * 72 / dpi, px_h * 72 / dpi
        caption_lines, cx = ([], self.left)
        if block.caption:
            caption = _MIXED_SPACE.sub("\u3000", block.caption)
            caption_lines, cx = self.break_lines([Run(caption, self.role("caption"))], "caption",
                                                 first=0, align=fig.align or "center")
        max_w = self.width * min(1.0, float(settings.get("max_width", 1.0)))
        max_h = (self.lines - len(caption_lines)) * self.pitch - self.box_gap
        scale = min(1.0, max_w / w, max_h / h)
        w, h = w * scale, h * scale
        lines = max(1, ceil((h + self.box_gap) / self.pitch - EPS))
        pad = (lines * self.pitch - self.box_gap - h) / 2
        items: list = [Picture(path, self.left + (self.width - w) / 2, -pad - h, w, h)]
        atom = self.add(Atom(lines, items, keep=bool(caption_lines)))
        self.fresh = False
        size = fig.size
        for i, line in enumerate(caption_lines):
            self.add(Atom(1, [TextLine(cx, self.baseline(size), line.glyphs, "caption", src)],
                          keep=i < len(caption_lines) - 1))
        return atom

    def table(self, block: Table) -> None:
        el = self.el("table")
        size = el.size
        rule_w = float(el.get("rule_pt", 0.5))
        pad = float(el.get("pad_mm", 1.5)) * MM  # inside a cell, left and right
        vpad = float(el.get("pad_v_mm", 1.0)) * MM  # above and below a cell's text
        leading = float(el.get("leading", 1.5)) * size
        header_bold = bool(el.get("header_bold", True))
        cols = max([len(block.header)] + [len(r) for r in block.rows] + [1])
        rows = [(tuple(block.header) + ((),) * (cols - len(block.header)), True)] if block.header else []
        rows += [(tuple(r) + ((),) * (cols - len(r)), False) for r in block.rows]

        def cell_runs(spans, header: bool):
            return [Run(s.text, self.role("table", bold=True if (header and header_bold) or s.bold else None,
                                         italic=s.italic)) for s in spans if s.text]

        def natural(runs) -> tuple[float, float]:
            if not runs:
                return 0.0, 0.0
            line = break_paragraph(runs, measure=self.measure, line_width=1e9, cell=size, align="left")[0]
            widest = max((self.measure(g.text, g.role) if g.script == "latin" else size) for g in line.glyphs)
            return line.width, widest

        cells = [[cell_runs(c, header) for c in cells_] for cells_, header in rows]
        nat = [0.0] * cols
        least = [2 * size] * cols
        for r in cells:
            for i, runs in enumerate(r):
                w, widest = natural(runs)
                nat[i] = max(nat[i], w)
                least[i] = max(least[i], min(widest, 6 * size))
        widths = _column_widths([n + 2 * pad for n in nat], [m + 2 * pad for m in least], self.width)
        xs = [self.left]
        for w in widths:
            xs.append(xs[-1] + w)
        aligns = list(block.aligns) + [""] * cols
        group = object()
        header_atom = None
        src = block.src
        color = self.style.color("black")
        for (cells_, header), runs_row in zip(rows, cells):
            laid = []
            for i, runs in enumerate(runs_row):
                align = "center" if header else {"left": "justify", "right": "right", "center": "center"}.get(
                    aligns[i], str(el.get("align", "center")))
                lines = break_paragraph(runs, measure=self.measure, line_width=max(widths[i] - 2 * pad, size),
                                        cell=size, align=_align(align)) if runs else []
                laid.append(lines)
            n = max([len(x) for x in laid] + [1])
            h = max(1, ceil((n * leading + 2 * vpad) / self.pitch - EPS))

            def row_items(height: float, laid=laid) -> list:
                items: list = []
                for i, lines in enumerate(laid):
                    top = (height - len(lines) * leading) / 2
                    for k, line in enumerate(lines):
                        y = -(top + k * leading + (leading - size) / 2 + ASCENT * size)
                        items.append(TextLine(xs[i] + pad, y, line.glyphs, "table", src, row=k))
                items.append(Rule(xs[0] - rule_w / 2, xs[-1] + rule_w / 2, -height, rule_w, color))
                for x in xs:
                    items.append(VRule(x, 0.0, -height, rule_w, color))
                return items

            atom = Atom(h, row_items(h * self.pitch), keep=header, header=header_atom, group=group,
                        top_rule=Rule(xs[0] - rule_w / 2, xs[-1] + rule_w / 2, 0.0, rule_w, color),
                        build=row_items)
            if header:
                header_atom = atom
            self.add(atom)
        self.fresh = False


def _column_widths(natural: list[float], least: list[float], total: float) -> list[float]:
    """Fill ``total``: natural widths grown in proportion when they fit, else
    columns at or under a fair share keep their natural width and the others
    share the rest in proportion to theirs (never under ``least``)."""
    cols = len(natural)
    if sum(natural) <= total:
        extra = total - sum(natural)
        s = sum(natural) or cols
        return [n + extra * (n / s if sum(natural) else 1 / cols) for n in natural]
    fixed: dict[int, float] = {}
    while True:
        rest = total - sum(fixed.values())
        free = [i for i in range(cols) if i not in fixed]
        share = rest / len(free) if free else 0
        newly = [i for i in free if natural[i] <= share]
        if not newly:
            break
        for i in newly:
            fixed[i] = natural[i]
    rest = total - sum(fixed.values())
    free = [i for i in range(cols) if i not in fixed]
    s = sum(natural[i] for i in free) or 1
    widths = [fixed.get(i, rest * natural[i] / s) for i in range(cols)]
    widths = [max(w, m) for w, m in zip(widths, least)]
    over = sum(widths) - total
    if over > EPS:  # the minimums pushed past the block: take it from the widest
        wide = sorted(range(cols), key=lambda i: -widths[i])
        for i in wide:
            take = min(over, widths[i] - least[i])
            widths[i] -= take
            over -= take
            if over <= EPS:
                break
    return widths


BLOCK_RULES = {
    Heading: Blocks.heading,
    Para: Blocks.para,
    Quote: Blocks.quote,
    Table: Blocks.table,
    Figure: Blocks.figure,
}
