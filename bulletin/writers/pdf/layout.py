"""Model + style → pages of positioned lines, rules and pictures.

Nothing here draws; ``draw.py`` turns the result into PDF operators.  The
page follows reference/anatomy.md: a 22-line grid in a 156 × 225 mm block.

The grid.  Line *i* of a page occupies [top − (i+1)·pitch, top − i·pitch]
(pitch = block height / 22 ≈ 28.99 pt).  Every element takes whole grid
lines, so body text of every page sits on the same 22 lines.

Where a line's glyphs sit in their grid line (``page.line_align`` in the
style, default ``center``): the 16 pt em box centred in its 28.99 pt grid
line, as Word and WPS set a 9704 template with a line grid and as
LibreOffice renders our DOCX — the first line's cell starts at 37 mm and its
hanzi top at ≈ 39.3 mm.  ``top`` puts the em box at the top of the grid line
instead (GB/T 9704's 行 read as one character height plus a gap under it;
the text then starts 2.3 mm higher).  Larger type (the 二号 title, the 初号
masthead) follows the same rule inside the grid lines it takes.  The em box
of CJK faces runs from 0.12 em below the baseline to 0.88 em above it.

Titles: every title and subtitle line takes one whole grid line (as Word
users set 二号 titles at the body's fixed line spacing), and the title block
takes ``article_title.pad_lines`` (default 1) more, half above and half below
its text, so the body after it is on the grid and a title is set off from
its text by more than one line's gap.

Line starts: an opening bracket or quote (（《“‘ …) that starts a line has
its ink flush with the line's start (the face's blank before the ink
dropped, measured on the outline: ``ink.py``); the rest of the line moves up
and a justified line is spread again to the full measure.

The 版记 has its own 四号 sub-grid anchored on the 版心's bottom edge: each
of its text lines takes ``imprint.pitch_lines`` (default 0.75) of a grid
line ≈ 21.7 pt, the 14 pt em box centred between the rules.

Page filling: whole grid lines, no stretching.  Blank lines (before titles)
vanish at the top of a page.  Keeping together (anatomy.md), by ``keep`` on
an atom (no page break after it): no paragraph leaves one line alone at the
foot or head of a page (its first line keeps with its second, its last but
one with its last), so a two- or three-line paragraph never splits; a title,
subtitle, 栏目 label or heading keeps with two lines of what follows; an
attribution with its article's last line.  The page ends a line or more
short instead; the lines that are set stay on the grid.  Table rows never
split and the header row repeats on a new page.  A justified paragraph's
last line holds at least ``page.min_last_chars`` (default 3) characters
where the line before can give it some (that line is then loosened).

Modules: ``items`` (the results: lines, rules, atoms, pages), ``blocks``
(article blocks), ``furniture`` (masthead, 版记, page numbers), and this one
(geometry, run styles, pagination, inspection).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bulletin.model import Bulletin, Src
from bulletin.text import Glyph, Run, break_paragraph
from bulletin.text.chars import OPENING_CHARS

from bulletin.writers.pdf.blocks import BLOCK_RULES, Blocks  # noqa: F401 - BLOCK_RULES re-exported
from bulletin.writers.pdf.furniture import Furniture
from bulletin.writers.pdf.ink import ink_left
from bulletin.writers.pdf.items import (  # noqa: F401 - re-exported: draw.py and the tests name them here
    ASCENT,
    EPS,
    MM,
    Atom,
    Document,
    Page,
    Picture,
    Placed,
    Rule,
    RunStyle,
    TextLine,
    VRule,
    _align,
)

# ---------------------------------------------------------------- layout


class Layout(Blocks, Furniture):
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
        self.valign = 0.0 if str(page.get("line_align", "center")).lower() == "top" else 0.5
        self.min_last = int(page.get("min_last_chars", 3))
        self.grid_size = style.element("body").size  # the size the grid cell is made for
        # A box (table, figure) over grid lines [a, b) spans [top of a, top of b − box_gap]:
        # as far from the text above it as from the text below.  Top-aligned
        # lines: box_gap = pitch − 16 pt (the box ends where a line's em box
        # would); centred lines: 0 (the box fills its lines).
        self.box_gap = (self.pitch - self.grid_size) * (1 - 2 * self.valign)
        self.roles: dict[str, RunStyle] = {}
        self.atoms: list[Atom] = []
        self.fresh = True  # nothing but the masthead so far: no blank line before the next title
        self.hold = 0  # lines still to keep with the title or heading before them

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
        align = _align(align or el.align)
        lines = break_paragraph(
            runs,
            measure=self.measure,
            line_width=(self.width - indent) if width is None else width,
            cell=self.cell_for(size),
            first_indent=el.indent_first * self.cell if first is None else first,
            align=align,
            min_last=self.min_last,
        )
        if align in ("justify", "left"):
            lines = [self.flush_open(line) for line in lines]
        return lines, self.left + indent

    def flush_open(self, line):
        """A line that starts with an opening bracket or quote: the blank the
        face leaves before the mark's ink is dropped, so the ink is flush
        with the line's start (the block's edge, or the first-line indent:
        two cells of ink); the rest of the line moves up with it and, when
        the line is justified, is spread again to the full measure."""
        glyphs = line.glyphs
        first = glyphs[0] if glyphs else None
        if first is None or first.script != "cjk" or first.text not in OPENING_CHARS:
            return line
        rs = self.roles[first.role]
        face = self.fs.faces.get(rs.font)
        shift = ink_left(face, first.text) * rs.size if face is not None else 0.0
        if shift <= EPS:
            return line
        n = len(glyphs)
        spread = shift / (n - 1) if line.justified and n > 1 else 0.0
        out = [Glyph(first.x - shift, first.text, first.role, first.script, first.advance - shift + spread)]
        for i in range(1, n):
            g = glyphs[i]
            out.append(Glyph(g.x - shift + spread * i, g.text, g.role, g.script,
                             g.advance + (spread if i < n - 1 else 0.0)))
        return replace(line, glyphs=tuple(out), width=line.width if line.justified else line.width - shift)

    # -- atoms ----------------------------------------------------------------
    def add(self, atom: Atom) -> Atom:
        if self.hold and not atom.blank:
            self.hold -= 1
            atom.keep = atom.keep or self.hold > 0  # a title or heading keeps two lines after it
        self.atoms.append(atom)
        return atom

    def keep_following(self, lines: int = 2) -> None:
        """The atom just added keeps with ``lines`` lines of what follows."""
        self.atoms[-1].keep = True
        self.hold = lines

    def blank(self, n: float) -> None:
        n = round(n)
        if n > 0:
            self.add(Atom(n, [], blank=True))

    def add_lines(self, lines, x: float, kind: str, size: float, src: Src | None, *, keep: bool = False) -> None:
        """One atom per line.  No single line of a paragraph alone at the foot
        or the head of a page: its first line keeps with its second and its
        last but one with its last (so two or three lines never split)."""
        y = self.baseline(size)
        n = len(lines)
        for k, line in enumerate(lines):
            held = keep or (n > 1 and k in (0, n - 2))
            self.add(Atom(1, [TextLine(x, y, line.glyphs, kind, src, justified=line.justified)], keep=held))
        self.fresh = False

    def paragraph(self, runs, name: str, src: Src | None, *, keep: bool = False, align: str | None = None,
                  first: float | None = None) -> None:
        if not runs:
            return
        lines, x = self.break_lines(runs, name, align=align, first=first)
        self.add_lines(lines, x, name, self.el(name).size, src, keep=keep)

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
            # A chain taller than a page cannot be kept whole, whatever follows:
            # stop there, or 10,000 headings in a row cost n² steps.
            while atoms[j].keep and j + 1 < n and not atoms[j + 1].blank and need <= L:
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
    """A readable layout: one text line per row — page, grid row, baseline,
    x, element, text — and the 版记's rules between its lines."""
    height = doc.layout.page_height  # type: ignore[attr-defined]
    out = ["# page, grid line (1–22; iN: 版记 sub-line N; pn: page number), baseline (pt from the page's top),"
           " x of the first glyph (pt), element, text (版记 rules: width in pt)"]
    for page in doc.pages:
        for p in page.placed:
            for item in p.items:
                if isinstance(item, Rule) and p.row == -1:
                    out.append(f"{page.number:>2} {'':>3} {height - p.top - item.y:7.2f} {item.x0:7.2f} "
                               f"{'rule':<14} {item.width:.2f}")
                if not isinstance(item, TextLine):
                    continue
                if p.row >= 0:
                    row = f"{p.row + item.row + 1:>2}"
                elif p.row == -1:
                    row = f"i{item.row + 1}"
                else:
                    row = "pn"
                x = item.x + (item.glyphs[0].x if item.glyphs else 0.0)
                text = "".join(g.text for g in item.glyphs)
                out.append(f"{page.number:>2} {row:>3} {height - p.top - item.y:7.2f} {x:7.2f} {item.kind:<14} {text}")
    return "\n".join(out) + "\n"
