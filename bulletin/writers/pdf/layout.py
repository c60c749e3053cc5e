"""Model + style → pages of positioned lines, rules and pictures.

Nothing here draws; ``draw.py`` turns the result into PDF operators.  The
page follows reference/anatomy.md: a 22-line grid in a 156 × 225 mm block.

The grid.  Line *i* of a page occupies [top − (i+1)·pitch, top − i·pitch]
(pitch = block height / 22 ≈ 28.99 pt).  Every element takes whole grid
lines, so body text of every page sits on the same 22 lines.

Where a line's glyphs sit in their grid line (``page.line_align`` in the
style, default ``top``): the 16 pt em box starts at the top of its grid
line and the remaining 13 pt of the pitch lie below it.  That is GB/T 9704's
own model of a 行 — one character height plus a gap under it — and it puts
the first text line of a page flush with the 版心's top edge (天头 37 mm is
measured to it).  ``center`` centres the em box in the grid line instead
(the text then starts 2.3 mm lower).  Larger type (the 二号 title, the 初号
masthead) follows the same rule inside the grid lines it takes.  The em box
of CJK faces runs from 0.12 em below the baseline to 0.88 em above it.

Titles: every title line takes one whole grid line (as Word users set 二号
titles at the body's fixed line spacing), so the body never leaves the grid.

The 版记 has its own 四号 sub-grid anchored on the 版心's bottom edge: each
of its text lines takes ``imprint.pitch_lines`` (default 0.75) of a grid
line ≈ 21.7 pt, the 14 pt em box centred between the rules.

Page filling: whole grid lines, no stretching.  Blank lines (before titles)
vanish at the top of a page; headings, titles, 栏目 labels and subtitles keep
with the line after them (the page ends early instead); a paragraph splits
anywhere — the 22-line grid wins over widow/orphan rules.  Table rows never
split and the header row repeats on a new page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from math import ceil
from pathlib import Path

from bulletin.diagnostics import BulletinError, Diagnostic
from bulletin.model import Bulletin, Figure, Heading, Para, Quote, Src, Table, plain_text
from bulletin.text import Glyph, Run, break_paragraph
from bulletin.text.titles import title_lines

MM = 72 / 25.4
ASCENT = 0.88  # em box top above the baseline (ideographic em box −0.12 … 0.88 em)
EPS = 1e-6


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RunStyle:
    font: str  # font role
    size: float  # pt
    bold: bool  # bold wanted (simulated when the face has none)
    color: str  # hex RGB
    stroke: float = 0.4  # outline width of simulated bold, pt


@dataclass(slots=True)
class TextLine:
    x: float  # page x of the line's origin (glyph x is relative to it)
    y: float  # baseline, relative to the top of the atom (negative: PDF y grows upwards)
    glyphs: tuple[Glyph, ...]
    kind: str  # element name, for the dump
    src: Src | None = None
    row: int = 0  # grid row inside the atom (dump only)
    justified: bool = False  # stretched to the full measure (tests check the right edge)


@dataclass(slots=True)
class Rule:
    x0: float
    x1: float
    y: float  # centre of the stroke, relative to the atom top
    width: float
    color: str


@dataclass(slots=True)
class VRule:
    x: float
    y0: float  # top, relative to the atom top
    y1: float  # bottom
    width: float
    color: str


@dataclass(slots=True)
class Picture:
    path: Path
    x: float
    y: float  # bottom edge, relative to the atom top
    w: float
    h: float


@dataclass(slots=True, eq=False)
class Atom:
    """Something that takes ``h`` whole grid lines and never splits."""

    h: int
    items: list
    keep: bool = False  # stay on the page of the next atom
    blank: bool = False  # empty lines: dropped at the top and foot of a page
    header: Atom | None = None  # a table row: the header row to repeat on a new page
    group: object = None  # rows of one table share a group
    top_rule: Rule | None = None  # drawn unless the atom follows a row of its own table
    build: object = None  # a table row: height → items, to fit a page's run of rows into its box


@dataclass(slots=True)
class Placed:
    top: float  # page y of the atom's top
    row: int  # first grid row (−1: not on the grid)
    atom: Atom
    draw_top_rule: bool = False
    own_items: list | None = None  # items rebuilt for this page (table rows)

    @property
    def items(self) -> list:
        return self.atom.items if self.own_items is None else self.own_items


@dataclass
class Page:
    number: int
    placed: list[Placed] = field(default_factory=list)
    used: int = 0  # grid lines used


@dataclass
class Document:
    pages: list[Page]
    roles: dict[str, RunStyle]
    title: str
    author: str
    subject: str
    date: str  # ISO issue date


# ---------------------------------------------------------------- layout


_ALIGN = {"left": "left", "right": "right", "center": "center", "centre": "center", "middle": "center",
          "justify": "justify", "both": "justify", "distribute": "justify"}


def _align(value) -> str:
    """A style's alignment word as the breaker names it (unknown: left)."""
    return _ALIGN.get(str(value or "left").lower(), "left")


_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])")


class Layout:
    """One document's layout state: the geometry, the run styles, the atoms."""

    def __init__(self, style, fontset, root: Path):
        self.style = style
        self.fs = fontset
        self.root = root
        page = style.page
        self.page_width = style.page_width
        self.page_height = style.page_height
        self.left = style.margin_left
        self.width = style.block_width
        self.right = self.left + self.width
        self.top = style.page_height - style.margin_top
        self.bottom = self.top - style.block_height
        self.pitch = style.line_pitch
        self.cell = style.cell
        self.lines = style.lines_per_page
        self.valign = 0.5 if str(page.get("line_align", "top")).lower() in ("center", "centre", "middle") else 0.0
        self.grid_size = style.element("body").size  # the size the grid cell is made for
        # A box (table, figure) over grid lines [a, b) spans [top of a, top of b − box_gap]:
        # as far from the text above it as from the text below.  Top-aligned
        # lines: box_gap = pitch − 16 pt (the box ends where a line's em box
        # would); centred lines: 0 (the box fills its lines).
        self.box_gap = (self.pitch - self.grid_size) * (1 - 2 * self.valign)
        self.roles: dict[str, RunStyle] = {}
        self.atoms: list[Atom] = []
        self.fresh = True  # nothing but the masthead so far: no blank line before the next title

    # -- styles -------------------------------------------------------------
    def el(self, name: str):
        """The style's element, or — for a style written before this element
        existed — the body's values under this name."""
        try:
            return self.style.element(name)
        except KeyError:
            from dataclasses import replace

            return replace(self.style.element("body"), name=name, raw={})

    def role(self, name: str, *, bold: bool | None = None, italic: bool = False, size: float | None = None) -> str:
        el = self.el(name)
        want_bold = el.bold if bold is None else bold
        key = name + ("+b" if want_bold and not el.bold else "") + ("+i" if italic else "")
        if size is not None and abs(size - el.size) > EPS:
            key += f"@{size:.3f}"
        if key not in self.roles:
            font = el.get("italic_font", "kai") if italic else el.font
            self.roles[key] = RunStyle(font, el.size if size is None else size, want_bold, el.color,
                                       float(el.get("bold_stroke_pt", 0.4)))
        return key

    def measure(self, text: str, role: str) -> float:
        return self.fs.latin_width(text, self.roles[role].size)

    def cell_for(self, size: float) -> float:
        """CJK advance: the grid cell for body-size type, the em elsewhere."""
        return self.cell if abs(size - self.grid_size) < EPS else size

    def baseline(self, size: float, h: int = 1) -> float:
        return -(self.valign * (h * self.pitch - size) + ASCENT * size)

    def runs(self, spans, name: str, *, styled: bool = True) -> list[Run]:
        out = []
        for s in spans:
            if s.text:
                role = self.role(name, bold=True if (styled and s.bold) else None, italic=styled and s.italic)
                out.append(Run(s.text, role))
        return out

    def break_lines(self, runs, name: str, *, align: str | None = None, first: float | None = None,
                    width: float | None = None, size: float | None = None):
        el = self.el(name)
        indent = el.indent * self.cell
        size = el.size if size is None else size
        return break_paragraph(
            runs,
            measure=self.measure,
            line_width=(self.width - indent) if width is None else width,
            cell=self.cell_for(size),
            first_indent=el.indent_first * self.cell if first is None else first,
            align=_align(align or el.align),
        ), self.left + indent

    # -- atoms ----------------------------------------------------------------
    def add(self, atom: Atom) -> Atom:
        self.atoms.append(atom)
        return atom

    def blank(self, n: float) -> None:
        n = round(n)
        if n > 0:
            self.add(Atom(n, [], blank=True))

    def add_lines(self, lines, x: float, kind: str, size: float, src: Src | None, *, keep: bool = False) -> None:
        y = self.baseline(size)
        for line in lines:
            self.add(Atom(1, [TextLine(x, y, line.glyphs, kind, src, justified=line.justified)], keep=keep))
        self.fresh = False

    def paragraph(self, runs, name: str, src: Src | None, *, keep: bool = False, align: str | None = None,
                  first: float | None = None) -> None:
        if not runs:
            return
        lines, x = self.break_lines(runs, name, align=align, first=first)
        self.add_lines(lines, x, name, self.el(name).size, src, keep=keep)

    # -- masthead -----------------------------------------------------------------
    def masthead(self, m) -> None:
        for mark in m.marks:
            self.paragraph([Run(mark, self.role("marks"))], "marks", None, first=0)
        el = self.el("masthead_title")
        size = el.size
        role = self.role("masthead_title")
        natural = break_paragraph([Run(m.title, role)], measure=self.measure, line_width=1e9, cell=size,
                                  align="left")[0].width
        if natural > self.width + EPS and str(el.get("fit", "shrink")) == "shrink":
            size = el.size * self.width / natural
            role = self.role("masthead_title", size=size)
        lines = break_paragraph([Run(m.title, role)], measure=self.measure, line_width=self.width + 1e-3,
                                cell=size, align="center")
        h = max(1, ceil(size / self.pitch - EPS))
        for line in lines:
            self.add(Atom(h, [TextLine(self.left, self.baseline(size, h), line.glyphs, "masthead_title")]))
        issue = self.el("issue_line")
        self.blank(issue.before)
        self.paragraph([Run(m.issue_line, self.role("issue_line"))], "issue_line", None, align="center", first=0)
        # The editor line: editor flush left, date flush right, one grid line
        # (two when they do not fit side by side).
        ed = self.el("editor_line")
        y = self.baseline(ed.size)
        left, _ = self.break_lines([Run(m.editor, self.role("editor_line"))], "editor_line", align="left", first=0)
        right, _ = self.break_lines([Run(m.date_text, self.role("editor_line"))], "editor_line", align="right", first=0)
        room = right[-1].glyphs[0].x if right[-1].glyphs else self.width  # where the date starts
        if len(left) == 1 and left[0].width + self.cell <= room:
            items = [TextLine(self.left, y, left[0].glyphs, "editor_line"),
                     TextLine(self.left, y, right[-1].glyphs, "editor_line")]
        else:
            for line in left:
                self.add(Atom(1, [TextLine(self.left, y, line.glyphs, "editor_line")]))
            items = [TextLine(self.left, y, line.glyphs, "editor_line") for line in right[-1:]]
        rule = self.el("masthead_rule")
        width = float(rule.get("width_pt", 1.5))
        gap = rule.get("gap_mm")
        # "directly under it": on the bottom edge of the editor line's grid line
        # (13 pt ≈ 4.6 mm under the type, GB/T 9704's 4 mm), or gap_mm under the em box.
        ry = (self.baseline(ed.size) - (1 - ASCENT) * ed.size - float(gap) * MM) if gap is not None \
            else -self.pitch + width / 2
        items.append(Rule(self.left, self.right, ry, width, rule.color))
        self.add(Atom(1, items))
        after = rule.after
        if after:
            self.add(Atom(round(after), []))  # not dropped: the masthead's own space
        self.fresh = True

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
        self.title(art.title, art.src)
        if art.subtitle:
            sub = self.el("subtitle")
            text = str(sub.get("lead", "——")) + art.subtitle
            self.paragraph([Run(text, self.role("subtitle"))], "subtitle", art.src, keep=True, first=0,
                           align=sub.align)
        for block in art.blocks:
            BLOCK_RULES[type(block)](self, block)
        if art.attribution:
            # The space between unit and names: a full cell (U+3000); the
            # breaker drops ASCII spaces next to hanzi.
            text = _CJK_SPACE.sub("\u3000", art.attribution)
            self.paragraph([Run(text, self.role("attribution"))], "attribution", art.src,
                           first=0, align="right")

    def title(self, text: str, src: Src | None) -> None:
        el = self.el("article_title")
        role = self.role("article_title")
        size = el.size
        cell = self.cell_for(size)
        lines = []
        for part in title_lines(text, self.width / cell):  # where to break: shared with the DOCX writer
            lines.extend(break_paragraph([Run(part, role)], measure=self.measure, line_width=self.width,
                                         cell=cell, align="center"))
        y = self.baseline(size)
        for line in lines:
            self.add(Atom(1, [TextLine(self.left, y, line.glyphs, "article_title", src)], keep=True))
        self.fresh = False

    def heading(self, block: Heading) -> None:
        name = f"heading{min(max(block.level, 1), 3)}"
        # A heading has one look; emphasis inside it (`## **二、…**`) adds nothing.
        self.paragraph([Run(plain_text(block.spans), self.role(name))], name, block.src, keep=True)

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
                                            f"figure {block.path} cannot be read: {err}")]) from None
        fig = self.el("caption")
        # Optional `elements.figure` in the style: image_dpi (pixels per inch
        # when the image does not say; default 96), max_width (of the block; 1).
        settings = self.style.data.get("elements", {}).get("figure") or {}
        dpi = float(settings.get("image_dpi", 96))
        w, h = px_w * 72 / dpi, px_h * 72 / dpi
        caption_lines, cx = ([], self.left)
        if block.caption:
            caption_lines, cx = self.break_lines([Run(block.caption, self.role("caption"))], "caption",
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

    # -- the 版记 -----------------------------------------------------------------
    def imprint(self, imp) -> tuple[float, Atom]:
        """The 版记 as one atom whose bottom lies on the 版心's bottom edge."""
        el = self.el("imprint")
        size = el.size
        sub = float(el.get("pitch_lines", 0.75)) * self.pitch
        thick = float(el.get("rule_thick_mm", 0.35)) * MM
        thin = float(el.get("rule_thin_mm", 0.25)) * MM
        inset = el.indent * self.cell
        x0, avail = self.left + inset, self.width - 2 * inset
        color = self.style.color(el.raw.get("rule_color"))
        role = self.role("imprint")
        rows: list[tuple[str, object]] = []  # ("rule", width) | ("line", [TextLine…])
        base = -((sub - size) / 2 + ASCENT * size)  # em box centred in its sub-line
        rows.append(("rule", thick))
        for i, d in enumerate(imp.distribution):
            if i:
                rows.append(("rule", thin))
            label = f"{d.label}："
            label_line = break_paragraph([Run(label, role)], measure=self.measure, line_width=1e9, cell=size,
                                         align="left")[0]
            lw = label_line.width
            lines = break_paragraph([Run(d.text, role)], measure=self.measure, line_width=avail - lw, cell=size,
                                    align="justify")
            for k, line in enumerate(lines):
                items = [TextLine(x0 + lw, base, line.glyphs, "imprint")]
                if k == 0:
                    items.insert(0, TextLine(x0, base, label_line.glyphs, "imprint"))
                rows.append(("line", items))
        if imp.distribution:
            rows.append(("rule", thin))
        left = break_paragraph([Run(imp.issuer, role)], measure=self.measure, line_width=avail, cell=size,
                               align="left")
        right = break_paragraph([Run(imp.print_date, role)], measure=self.measure, line_width=avail, cell=size,
                                align="right")
        rows.append(("line", [TextLine(x0, base, left[0].glyphs, "imprint"),
                              TextLine(x0, base, right[-1].glyphs, "imprint")]))
        if imp.contact:
            natural = break_paragraph([Run(imp.contact, role)], measure=self.measure, line_width=1e9, cell=size,
                                      align="left")[0].width
            crole, csize = role, size
            if natural > avail + EPS:  # too long for one line: shrink the type to fit
                csize = size * avail / natural * (1 - 1e-9)
                crole = self.role("imprint", size=csize)
            line = break_paragraph([Run(imp.contact, crole)], measure=self.measure, line_width=avail + 1e-3,
                                   cell=csize, align="left")[0]
            cbase = -((sub - csize) / 2 + ASCENT * csize)
            rows.append(("line", [TextLine(x0, cbase, line.glyphs, "imprint")]))
        rows.append(("rule", thick))
        n_lines = sum(1 for kind, _ in rows if kind == "line")
        height = n_lines * sub
        items: list = []
        y = 0.0
        row = 0
        for kind, value in rows:
            if kind == "rule":
                items.append(Rule(self.left, self.right, y, value, color))
            else:
                for t in value:
                    t.y += y
                    t.row = row
                    items.append(t)
                y -= sub
                row += 1
        return height, Atom(0, items)

    def page_number_text(self, number: int) -> str:
        dash = str(self.el("page_number").get("dash", "—"))
        return f"{dash} {number} {dash}"

    def page_number(self, number: int, widths) -> TextLine:
        """`— N —` in 宋体 四号, its em box's top ``below_mm`` under the 版心;
        odd pages flush right, even pages flush left, ``indent`` cells in.
        Drawn as one string in the role's face (half-width digits of 宋体)."""
        el = self.el("page_number")
        role = self.role("page_number")
        text = self.page_number_text(number)
        size = el.size
        w = widths.of(text, size)
        inset = el.indent * self.cell
        x = (self.right - inset - w) if number % 2 else (self.left + inset)
        baseline = self.bottom - float(el.get("below_mm", 7)) * MM - ASCENT * size
        return TextLine(x, baseline, (Glyph(0.0, text, role, "raw", w),), "page_number")

    # -- pages --------------------------------------------------------------------
    def paginate(self) -> list[Page]:
        atoms, L = self.atoms, self.lines
        pages = [Page(1)]
        cur = 0
        i, n = 0, len(atoms)

        def new_page() -> None:
            nonlocal cur
            pages[-1].used = cur
            pages.append(Page(len(pages) + 1))
            cur = 0

        def place(atom: Atom) -> None:
            nonlocal cur
            page = pages[-1]
            prev = page.placed[-1].atom if page.placed else None
            top_rule = atom.top_rule is not None and not (prev is not None and prev.group is atom.group)
            page.placed.append(Placed(self.top - cur * self.pitch, cur, atom, top_rule))
            cur += atom.h

        while i < n:
            a = atoms[i]
            if a.blank:
                if 0 < cur and cur + a.h < L:
                    cur += a.h
                elif cur:
                    cur = L  # blank lines at the foot of a page: the page is done
                i += 1
                continue
            need, j = a.h, i
            while atoms[j].keep and j + 1 < n and not atoms[j + 1].blank:
                j += 1
                need += atoms[j].h
            if cur and (cur + a.h > L or (cur + need > L and need <= L)):
                new_page()
                continue
            if cur == 0 and a.header is not None:
                place(a.header)  # a table continues on a new page: repeat its header row
            place(a)
            i += 1
        pages[-1].used = cur
        for page in pages:
            self.fit_tables(page)
        return pages

    def fit_tables(self, page: Page) -> None:
        """The rows of one table on one page fill [top of their first line,
        top of the line after them − box_gap], row heights in proportion to
        their grid lines: the box keeps the same distance to the text above
        and below it."""
        placed = page.placed
        i = 0
        while i < len(placed):
            if placed[i].atom.build is None:
                i += 1
                continue
            j = i
            while j + 1 < len(placed) and placed[j + 1].atom.group is placed[i].atom.group:
                j += 1
            run = placed[i:j + 1]
            lines = sum(p.atom.h for p in run)
            scale = (lines * self.pitch - self.box_gap) / (lines * self.pitch)
            top = run[0].top
            for p in run:
                height = p.atom.h * self.pitch * scale
                p.top = top
                p.own_items = p.atom.build(height)
                top -= height
            i = j + 1




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
    Heading: Layout.heading,
    Para: Layout.para,
    Quote: Layout.quote,
    Table: Layout.table,
    Figure: Layout.figure,
}


def lay_out(bulletin: Bulletin, style, fontset, root: Path) -> Document:
    lay = Layout(style, fontset, root)
    lay.masthead(bulletin.masthead)
    if bulletin.note:
        lay.note(bulletin.note)
    for group in bulletin.groups:
        for k, art in enumerate(group.articles):
            lay.article(art, group.label if k == 0 else None)
    pages = lay.paginate()
    height, imprint = lay.imprint(bulletin.imprint)
    last = pages[-1]
    if (lay.lines - last.used) * lay.pitch + EPS < height and last.used:
        pages.append(Page(len(pages) + 1))
        last = pages[-1]
    last.placed.append(Placed(lay.bottom + height, -1, imprint))
    doc = Document(pages, lay.roles, bulletin.masthead.title, bulletin.masthead.editor,
                   bulletin.masthead.issue_line, bulletin.info.date)
    doc.layout = lay  # type: ignore[attr-defined]
    return doc


def page_number_chars(doc: Document) -> tuple[str, str]:
    """The font role of the page numbers and every character they use."""
    lay = doc.layout  # type: ignore[attr-defined]
    font = lay.style.element("page_number").font
    return font, "".join(lay.page_number_text(p.number) for p in doc.pages)


def add_page_numbers(doc: Document, fontset) -> None:
    """After registration (the widths of the page-number face are needed)."""
    lay = doc.layout  # type: ignore[attr-defined]
    widths = fontset.widths[lay.style.element("page_number").font]
    for page in doc.pages:
        page.placed.append(Placed(0.0, -2, Atom(0, [lay.page_number(page.number, widths)])))


# ---------------------------------------------------------------- inspection


def iter_lines(doc: Document):
    """(page, placed, text line) for every text line, in drawing order."""
    for page in doc.pages:
        for p in page.placed:
            for item in p.items:
                if isinstance(item, TextLine):
                    yield page, p, item


def chars_by_font(doc: Document, fontset) -> dict[str, dict[str, Src | None]]:
    """Font role → {character: first source}, as the writer will draw them."""
    out: dict[str, dict[str, Src | None]] = {}
    roles = doc.roles
    latin = "latin"
    for _page, _p, line in iter_lines(doc):
        src = line.src
        for g in line.glyphs:
            font = roles[g.role].font
            if g.script == "latin":
                for piece, in_latin in fontset.latin_pieces(g.text):
                    bucket = out.setdefault(latin if in_latin else font, {})
                    for c in piece:
                        bucket.setdefault(c, src)
            else:
                bucket = out.setdefault(font, {})
                for c in g.text:
                    if c != " " or g.script == "raw":
                        bucket.setdefault(c, src)
    return out


def dump(doc: Document) -> str:
    """A readable layout: one text line per row — page, grid row, x, element, text."""
    out = ["# page, grid line (1–22; iN: 版记 sub-line N; pn: page number), x of the first glyph (pt), element, text"]
    for page, p, line in iter_lines(doc):
        if p.row >= 0:
            row = f"{p.row + line.row + 1:>2}"
        elif p.row == -1:
            row = f"i{line.row + 1}"
        else:
            row = "pn"
        x = line.x + (line.glyphs[0].x if line.glyphs else 0.0)
        text = "".join(g.text for g in line.glyphs)
        out.append(f"{page.number:>2} {row:>3} {x:7.2f} {line.kind:<14} {text}")
    return "\n".join(out) + "\n"
