"""The volume's own pages on the PDF writer's grid: cover, contents, index.

Each is laid out with the PDF writer's ``Layout`` (its roles, line breaker,
atoms and pagination), so these pages share the issues' 22-line grid and
faces.  Element names the default style does not define (``toc_entry``,
``toc_page`` …) fall back to the body's values there, so an office can
restyle them in style.yaml without code.

A contents or index entry is the title (justified over the lines it
needs), the county (or issue) in 楷体 after it, dot leaders, and the page
number flush right in a column of its own.  The column's width does not
depend on the numbers, so the number of contents pages is known before any
page number is — the volume numbers its pages in one pass.
"""

from __future__ import annotations

from dataclasses import replace

from bulletin.text import Glyph, Run, break_paragraph
from bulletin.writers.pdf.items import Atom, Rule, TextLine
from bulletin.writers.pdf.layout import Layout
from bulletin.writers.volume.matter import CONTENTS_TITLE, INDEX_TITLE, Cover, Entry, IssueContents

LEADER = "·"
NUMBER_CELLS = 3  # the page-number column, in grid cells


def cover_pages(lay: Layout, c: Cover) -> list:
    """One page: the publication's title in red, the year, 汇编, the issues it holds, the editor."""
    space = lambda n: lay.add(Atom(n, []))  # noqa: E731 - kept at the top of the page, unlike blank lines
    space(3)
    el = lay.el("masthead_title")
    size = el.size
    role = lay.role("masthead_title")
    natural = break_paragraph([Run(c.title, role)], measure=lay.measure, line_width=1e9, cell=size,
                              align="left")[0].width
    if natural > lay.width:  # a long title: shrunk to one line, as on the masthead
        size = el.size * lay.width / natural * (1 - 1e-9)
        role = lay.role("masthead_title", size=size)
    h = 2 if size > lay.pitch else 1
    for line in break_paragraph([Run(c.title, role)], measure=lay.measure, line_width=lay.width + 1e-3,
                                cell=size, align="center"):
        lay.add(Atom(h, [TextLine(lay.left, lay.baseline(size, h), line.glyphs, "cover_title")]))
    rule = lay.el("masthead_rule")
    lay.add(Atom(1, [Rule(lay.left, lay.right, -lay.pitch / 2, float(rule.get("width_pt", 1.5)), rule.color)]))
    space(2)
    big = lay.el("article_title").size * 1.5
    for text in (c.year, c.label):
        role = _role(lay, "cover_label", "article_title", size=big)
        line = break_paragraph([Run(text, role)], measure=lay.measure, line_width=lay.width, cell=big,
                               align="center")[0]
        lay.add(Atom(2, [TextLine(lay.left, lay.baseline(big, 2), line.glyphs, "cover_label")]))
    space(1)
    lay.paragraph([Run(c.numbers, lay.role("issue_line"))], "issue_line", None, align="center", first=0)
    used = sum(a.h for a in lay.atoms)
    if used + 2 < lay.lines:
        space(lay.lines - 2 - used)  # the editor on the last line but one
    lay.paragraph([Run(c.editor, lay.role("editor_line"))], "editor_line", None, align="center", first=0)
    return lay.paginate()


def _role(lay: Layout, name: str, fallback: str, **kw) -> str:
    """The style's own element ``name`` when it has one, else ``fallback``'s look."""
    return lay.role(name if name in lay.style.data.get("elements", {}) else fallback, **kw)


def _heading(lay: Layout, text: str) -> None:
    """目　录 / the index's title: one centred line in the title face, a blank line under it.
    (Not ``Layout.title``: its title breaker takes the U+3000 in 目　录 for the writer's line break.)"""
    role = lay.role("article_title")
    size = lay.roles[role].size
    line = break_paragraph([Run(text, role)], measure=lay.measure, line_width=lay.width, cell=lay.cell_for(size),
                           align="center")[0]
    lay.add(Atom(1, [TextLine(lay.left, lay.baseline(size), line.glyphs, "toc_title")]))
    lay.add(Atom(1, []))


def _entry(lay: Layout, title: str, note: str, number: str, indent: int) -> None:
    """The title over as many lines as it needs, the note (county or issue)
    after it — on a line of its own when the last has no room for it whole —
    then leaders and the page number flush right."""
    cell = lay.cell
    role, note_role = _role(lay, "toc_entry", "body"), _role(lay, "toc_note", "attribution")
    num_role = _role(lay, "toc_page", "body")
    x0 = lay.left + indent * cell
    width = lay.width - indent * cell
    text_width = width - (NUMBER_CELLS + 1) * cell
    lines = [list(line.glyphs) for line in
             break_paragraph([Run(title, role)], measure=lay.measure, line_width=text_width, cell=cell,
                             align="justify")]
    tail = break_paragraph([Run(f"（{note}）", note_role)], measure=lay.measure, line_width=1e9, cell=cell,
                           align="left")[0]
    end = _end(lines[-1]) if lines and lines[-1] else 0.0
    if end + tail.width > text_width:
        lines.append([])
        end = 0.0
    lines[-1].extend(replace(g, x=g.x + end) for g in tail.glyphs)
    end += tail.width
    num_w = lay.measure(number, num_role)
    num_x = width - num_w
    step = cell / 2
    dot_w = lay.measure(LEADER, num_role)
    x = (int(end / step) + 2) * step  # on a half-cell grid, so leaders align from line to line
    while x + dot_w <= num_x - step / 2:
        lines[-1].append(Glyph(x + (step - dot_w) / 2, LEADER, num_role, "latin", step))
        x += step
    lines[-1].append(Glyph(num_x, number, num_role, "latin", num_w))
    y = lay.baseline(lay.roles[role].size)
    for k, glyphs in enumerate(lines):
        lay.add(Atom(1, [TextLine(x0, y, tuple(glyphs), "toc_entry")], keep=k < len(lines) - 1))
    lay.fresh = False


def _end(glyphs) -> float:
    last = glyphs[-1]
    return last.x + last.advance


def _issue_line(lay: Layout, part: IssueContents) -> None:
    """2018年第48期（总第210期） flush left, its date flush right, in 黑体; kept with its first entry."""
    role = _role(lay, "toc_issue", "heading1")
    size = lay.roles[role].size
    cell = lay.cell_for(size)
    left = break_paragraph([Run(part.heading, role)], measure=lay.measure, line_width=lay.width, cell=cell,
                           align="left")
    right = break_paragraph([Run(part.date, role)], measure=lay.measure, line_width=lay.width, cell=cell,
                            align="right")[-1]
    y = lay.baseline(size)
    for k, line in enumerate(left):
        items = [TextLine(lay.left, y, line.glyphs, "toc_issue")]
        if k == len(left) - 1 and line.width + cell <= right.glyphs[0].x:
            items.append(TextLine(lay.left, y, right.glyphs, "toc_issue"))
        lay.add(Atom(1, items, keep=True))


def contents_pages(lay: Layout, parts: list[IssueContents], pages: dict) -> list:
    """The contents: each issue's line, then its articles with county and page.
    ``pages`` maps an entry's key to its printed page number."""
    _heading(lay, CONTENTS_TITLE)
    for i, part in enumerate(parts):
        if i:
            lay.blank(1)
        _issue_line(lay, part)
        for e in part.entries:
            _entry(lay, e.title, e.county, str(pages.get(e.key, "")), 1)
    return lay.paginate()


def index_pages(lay: Layout, groups: list[tuple[str, tuple[Entry, ...]]], pages: dict) -> list:
    """County → its articles (title, issue, page)."""
    _heading(lay, INDEX_TITLE)
    for i, (county, entries) in enumerate(groups):
        if i:
            lay.blank(1)
        lay.paragraph([Run(county, lay.role("heading1"))], "heading1", None, keep=True, first=0)
        for e in entries:
            _entry(lay, e.title, e.issue, str(pages.get(e.key, "")), 1)
    return lay.paginate()
