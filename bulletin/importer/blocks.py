"""Lines and tables → model blocks: headings from their numbers (typed or
Word's), run-in heads from a bold lead, quotes where marked, GFM-able
tables, figures with their captions.

A heading is recognised by what it says, not by how it was typed: `一、` is
level 1, `（一）` level 2, `1．` level 3, whether typed or printed by Word's
list numbering.  A numbered paragraph is a heading when it stands alone as
one (bold throughout, set in a heading face such as 黑体/楷体, in a heading
style, or short with no sentence inside); a bold number that runs on into
ordinary text is a run-in head (`**二、…。**为解决…`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..i18n import N_
from ..model import Figure, Heading, Para, Quote, Span, Table
from .lines import Line, font_kind, to_lines
from .wordxml import Image, RawPara, RawTable

NUMBER_LEVELS = (
    (re.compile(r"^[一二三四五六七八九十]{1,3}[、，．.]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]"), 2),
    (re.compile(r"^[0-9０-９]{1,2}(?:[．.、](?![0-9])|[)）](?=\S))"), 3),
)
QUOTE_STYLES = {"quote", "intense quote", "block text", "引用", "明显引用"}
CAPTION_STYLES = {"caption", "题注", "图题"}
QUOTE_LEAD = re.compile(r"^[【\[]?(?:编者按|按语|按)[】\]]?[：:]")
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$")


def number_level(text: str) -> int | None:
    for pattern, level in NUMBER_LEVELS:
        if pattern.match(text):
            return level
    return None


def style_level(line: Line) -> int | None:
    m = _HEADING_STYLE.match(line.style)
    if m:
        return int(m.group(1))
    if line.raw.outline is not None and line.raw.outline < 9:
        return line.raw.outline + 1
    return None


@dataclass
class Context:
    """What a whole document says about its body text, and what happened."""

    body_size: float | None = None
    body_font: str = ""
    top_style_level: int = 1
    trust_styles: bool = False  # our own DOCX: its styles say exactly what each paragraph is
    notes: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    tables: int = 0

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def lines_of(items, strong_fonts: frozenset = frozenset()) -> list:
    """RawPara → Lines (empty paragraphs vanish); tables stay tables, except
    a one-cell table, which offices use as a frame: its paragraphs are text."""
    out: list = []
    for item in items:
        if isinstance(item, RawTable):
            if not item.floating and len(item.rows) == 1 and len(item.rows[0]) == 1:
                out.extend(lines_of(item.rows[0][0].paras, strong_fonts))
            else:
                out.append(item)
        else:
            out.extend(to_lines(item, strong_fonts=strong_fonts))
    return out


def context_for(entries) -> Context:
    sizes: Counter = Counter()
    fonts: Counter = Counter()
    levels = []
    for e in entries:
        if isinstance(e, Line):
            n = len(e.text)
            if e.size:
                sizes[e.size] += n
            fonts[font_kind(e.font)] += n
            lv = style_level(e)
            if lv:
                levels.append(lv)
    ctx = Context(sizes.most_common(1)[0][0] if sizes else None, fonts.most_common(1)[0][0] if fonts else "")
    ctx.top_style_level = min(levels) if levels else 1
    return ctx


def is_quote(line: Line, ctx: Context) -> bool:
    if line.style in QUOTE_STYLES:
        return True
    if ctx.trust_styles:
        return False
    if QUOTE_LEAD.match(line.text):
        return True
    kind = font_kind(line.font)
    return kind == "kai" and ctx.body_font not in ("kai", "") and len(line.text) > 20


def heading_level(line: Line, ctx: Context) -> int | None:
    text = line.text
    styled = style_level(line)
    if ctx.trust_styles:
        return min(styled, 3) if styled else None
    numbered = number_level(text)
    if styled is not None:
        if line.lead_end():  # a heading style, but a run-in head all the same
            return None
        return numbered or min(styled - ctx.top_style_level + 1, 3)
    if numbered is None:
        return None
    if line.lead_end():
        return None
    kind = font_kind(line.font)
    if line.all_bold or (kind in ("hei", "kai") and kind != ctx.body_font):
        return numbered
    body = _SENTENCE_INSIDE.search(text.rstrip("。"))
    if len(text) <= 40 and not body:
        ctx.guesses.append(N_("'{text}' taken as a level-{level} heading (short, numbered, not bold)", text=_short(text), level=numbered))
        return numbered
    return None


_SENTENCE_INSIDE = re.compile(r"[。；！？]")


def to_blocks(entries, ctx: Context) -> list:
    out: list = []
    i = 0
    while i < len(entries):
        e = entries[i]
        i += 1
        if isinstance(e, RawTable):
            table = to_table(e, ctx)
            if table is not None:
                out.append(table)
            continue
        if e.text:
            level = heading_level(e, ctx)
            if level is not None:
                out.append(Heading(level, tuple(Span(s.text, False, s.italic) for s in e.spans())))
            elif is_quote(e, ctx):
                para = to_para(e)
                if out and isinstance(out[-1], Quote):
                    out[-1] = Quote(out[-1].paras + (para,))
                else:
                    out.append(Quote((para,)))
            elif e.style in CAPTION_STYLES and out and isinstance(out[-1], Figure) and not out[-1].caption:
                out[-1] = Figure(out[-1].path, " ".join(e.spaced.split()))
            else:
                out.append(to_para(e))
        for image in e.images:
            ctx.images.append(image)
            caption = ""
            nxt = entries[i] if i < len(entries) else None
            if isinstance(nxt, Line) and not nxt.images and _is_caption(nxt):
                caption = " ".join(nxt.spaced.split())  # 图1 乐业县…: the space after the number stays
                i += 1
            out.append(Figure(str(len(ctx.images)), caption))
    return out


def _is_caption(line: Line) -> bool:
    if line.style in CAPTION_STYLES:
        return True
    return line.align == "center" and len(line.text) <= 60 and bool(re.match(r"^(?:图|照片|附图)\s*[0-9０-９一二三四五六七八九十]*", line.text))


def to_para(line: Line) -> Para:
    n = line.lead_end()
    if n:
        return Para(_strip_left(line.spans(n)), _one_run(line.spans(0, n)))
    if line.all_bold:
        return Para((), _one_run(line.spans()))
    return Para(line.spans())


def _one_run(spans):
    """A lead is one bold run: its style sets it apart, italic inside it is not kept."""
    return (Span("".join(s.text for s in spans), True),) if spans else ()


def _strip_left(spans):
    if spans and spans[0].text[:1] == " ":
        spans = (Span(spans[0].text.lstrip(" "), spans[0].bold, spans[0].italic),) + spans[1:]
    return tuple(s for s in spans if s.text)


def cell_spans(paras: list[RawPara], header: bool):
    lines = lines_of(paras)
    out: list[Span] = []
    for line in lines:
        if not isinstance(line, Line):
            continue
        spans = line.spans(bold=False if header else None)
        if out and spans:
            prev, nxt = out[-1].text[-1:], spans[0].text[:1]
            if not (ord(prev) >= 0x2E80 or ord(nxt) >= 0x2E80):
                out.append(Span(" "))
        out.extend(spans)
    merged: list[Span] = []
    for s in out:
        if merged and (merged[-1].bold, merged[-1].italic) == (s.bold, s.italic):
            merged[-1] = Span(merged[-1].text + s.text, s.bold, s.italic)
        else:
            merged.append(s)
    return tuple(merged)


def to_table(raw: RawTable, ctx: Context) -> Table | None:
    ctx.tables += 1
    grid: list[list] = []
    merges: list[str] = []
    aligns_seen: list[Counter] = []
    for r, row in enumerate(raw.rows):
        cells = []
        for cell in row:
            header = r == 0
            spans = cell_spans(cell.paras, header) if cell.vmerge != "continue" else ()
            if cell.vmerge == "continue":
                merges.append(N_("row {row}: a cell merged with the one above is empty in Markdown", row=r + 1))
            col = len(cells)
            cells.append(spans)
            if cell.span > 1:
                text = "".join(s.text for s in spans)
                merges.append(N_("row {row}: '{text}' spanned {span} columns; it sits in the first, the others are empty",
                                 row=r + 1, text=_short(text, 20), span=cell.span))
                cells.extend([()] * (cell.span - 1))
            while len(aligns_seen) < len(cells):
                aligns_seen.append(Counter())
            if r > 0 and cell.paras:
                aligns_seen[col][cell.paras[0].direct_align] += 1  # a style's centring is the style's business
        grid.append(cells)
    grid = [row for row in grid if row]
    if not grid:
        return None
    width = max(len(row) for row in grid)
    grid = [row + [()] * (width - len(row)) for row in grid]
    if merges:
        shown = merges[:3] + ([N_("and {count} more merged cells", count=len(merges) - 3)] if len(merges) > 3 else [])
        ctx.note(N_("table {table}: merged cells cannot be merged in Markdown: {what}", table=ctx.tables,
                    what=_joined(shown)))
    aligns = []
    for c in range(width):
        seen = aligns_seen[c] if c < len(aligns_seen) else Counter()
        top = seen.most_common(1)[0][0] if seen else ""
        aligns.append({"center": "center", "right": "right"}.get(top, ""))
    return Table(tuple(grid[0]), tuple(tuple(r) for r in grid[1:]), tuple(aligns))


def _joined(parts):
    """Messages one after another, each translated when printed."""
    out = parts[0]
    for part in parts[1:]:
        out = N_("{first}; {then}", first=out, then=part)
    return out


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["Context", "lines_of", "context_for", "to_blocks", "to_lines", "number_level", "heading_level"]
