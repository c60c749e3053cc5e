"""Chinese line breaking and justification on a fixed character grid.

The three steps are kept apart (typst's ``linebreak.rs`` does the same):

1. **Units.**  ``_scan`` turns runs into units: one per CJK character, one per
   Latin/digit run ("2018", "0.5", "100%", "gtxpxcb@163.com",
   "0771—2898117"), one per "——"/"……", and a space unit only where an ASCII
   space separates two Latin units.  Each unit has a one-letter kind
   (``chars.py``); the kinds of a paragraph form one string.
2. **Break opportunities.**  ``_Paragraph.can_break_before`` decides, from the
   kinds on either side, whether a line may end between two units: 行首/行尾禁则
   and "never inside a Latin run".
3. **Fitting.**  One greedy pass on prefix sums of advances.  When the greedy
   break is forbidden, first try *push-in* (squeeze punctuation on the line by
   half cells so the offending marks fit), else *push-out* (move units down
   to the next line).  Then ``_Paragraph.place`` justifies the line by spreading the
   leftover width over the gaps between units, never inside a Latin run.

All widths come from outside: CJK units take ``cell`` (the grid pitch), Latin
units take ``measure(text, role)``.  Nothing here knows about fonts.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from math import ceil, inf
from typing import NamedTuple

from bulletin.text.chars import (
    CENTRED,
    CLOSING,
    CONTINUATION_KINDS,
    INVISIBLE_CHAR_CLASS,
    LATIN_CHAR_CLASS,
    LATIN_KIND_RE,
    LATIN_KINDS,
    LATIN_WORD_KINDS,
    NO_END_KINDS,
    NO_END_LATIN,
    NO_START_KINDS,
    NO_START_LATIN,
    OPENING,
    PAIRED_MARKS,
    SPACE,
    SPACE_CHAR_CLASS,
    cjk_kinds,
    continuation_kind,
    latin_kind,
    script_of,
)

Measure = Callable[[str, str], float]

# Widths are sums of floats; compare with a tolerance far below anything visible.
EPS = 1e-6
# At most this many no-start marks ("。”）") are pulled back onto a line.
MAX_PUSH_IN = 3
ALIGNMENTS = ("justify", "left", "center", "right")

# Pair squeeze of a unit (rule 5), stored per unit in a bytearray.
NO_SQUEEZE, TAIL_SQUEEZE, HEAD_SQUEEZE = 0, 1, 2

CJK = "cjk"


# --------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of paragraph text with one style role."""

    text: str
    role: str  # opaque here ("body", "bold", "kai" …); handed back on glyphs


@dataclass(frozen=True, slots=True)
class Glyph:
    """One placed unit on a line.

    ``x`` is where the writer draws the text (pt from the left edge of the
    text block): the left edge of the em box for CJK, the pen origin for
    Latin.  ``advance`` is the horizontal space the unit occupies after
    squeeze and justification.  The occupied intervals tile the line without
    holes, each starting where the previous one ends, and the last one ends
    at ``Line.width``.  ``x`` is the start of the interval, except for an
    opening mark squeezed on its left (“ after another mark): its ``x`` lies
    half a cell earlier, so a normal one-em glyph drawn there puts its ink in
    the occupied right half.  A closing mark squeezed to half a cell is drawn
    at ``x`` as usual; only its blank right half spills past ``advance``.

    Text is one CJK character, a two-cell "——"/"……" (draw its two characters
    one cell apart), a whole Latin run, or " " (a kept space between Latin
    words; nothing to draw).
    """

    x: float
    text: str
    role: str
    script: str  # "cjk" or "latin"
    advance: float


@dataclass(frozen=True)
class Line:
    glyphs: tuple[Glyph, ...]
    width: float  # right edge of the last glyph's advance (== line_width when justified)
    justified: bool  # stretched to the full measure
    last: bool  # last line of the paragraph


class Unit(NamedTuple):
    """A unit as ``tokenize`` reports it (for tests and diagnostics)."""

    text: str
    role: str
    kind: str  # see chars.py

    @property
    def script(self) -> str:
        return script_of(self.kind)


# --------------------------------------------------------------------------
# Step 1: units
# --------------------------------------------------------------------------

_DASHES = "—―…⋯"
_TOKEN_RE = re.compile(
    # A Latin/digit run; a single em dash between digits joins a phone number.
    rf"(?P<latin>[{LATIN_CHAR_CLASS}]+(?:(?<=[0-9])—(?=[0-9])[{LATIN_CHAR_CLASS}]+)*)"
    rf"|(?P<space>[{SPACE_CHAR_CLASS}]+)"
    rf"|(?P<pair>——|――|……|⋯⋯)"
    rf"|(?P<invisible>[{INVISIBLE_CHAR_CLASS}]+)"
    # A stretch of CJK text, or a lone dash/ellipsis that did not pair.
    rf"|(?P<cjk>[^{LATIN_CHAR_CLASS}{SPACE_CHAR_CLASS}{INVISIBLE_CHAR_CLASS}{_DASHES}]+|[{_DASHES}])"
)

# Cut an over-long Latin run after a run of these characters (URLs, paths).
_URL_SEGMENT_RE = re.compile(r"[^/.\-_?&=]*[/.\-_?&=]+|[^/.\-_?&=]+")


class _Units:
    """A paragraph's units as parallel lists: no per-unit objects to build."""

    __slots__ = ("advances", "kinds", "roles", "scripts", "texts")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.roles: list[str] = []
        self.scripts: list[str] = []
        self.kinds: list[str] = []  # kind strings, one per CJK stretch or unit
        self.advances: list[float] = []

    def add(self, text: str, role: str, kind: str, advance: float) -> None:
        self.texts.append(text)
        self.roles.append(role)
        self.scripts.append(script_of(kind))
        self.kinds.append(kind)
        self.advances.append(advance)

    def add_cjk_stretch(self, text: str, role: str, cell: float) -> str:
        count = len(text)
        kinds = cjk_kinds(text)
        self.texts.extend(text)
        self.roles += [role] * count
        self.scripts += [CJK] * count
        self.kinds.append(kinds)
        self.advances += [cell] * count
        return kinds[-1]


def _scan(runs: Sequence[Run], cell: float, measure: Measure, split_above: float) -> _Units:
    """Split runs into units with their natural advances.

    Spaces: an ASCII space is kept (as one stretchable space) only between two
    Latin units; next to CJK it is an extraction artefact and 公文 puts no gap
    there, so it is dropped.  A space that must show between hanzi ("黄　彬")
    has to be written as U+3000, which is an ordinary one-cell CJK unit.
    """
    units = _Units()
    widths: dict[tuple[str, str], float] = {}

    def width_of(text: str, role: str) -> float:
        key = (text, role)
        width = widths.get(key)
        if width is None:
            width = widths[key] = measure(text, role)
        return width

    last_kind = ""  # kind of the last unit added; "" before the first
    space_role = None  # role of a space seen since the last unit, if any
    for run in runs:
        role = run.role
        for match in _TOKEN_RE.finditer(run.text):
            group = match.lastgroup
            token = match.group()
            if group == "cjk":
                last_kind = units.add_cjk_stretch(token, role, cell)
                space_role = None
            elif group == "latin":
                if space_role is not None and last_kind in LATIN_WORD_KINDS:
                    units.add(" ", space_role, SPACE, width_of(" ", space_role))
                space_role = None
                last_kind = _add_latin(units, token, role, width_of, split_above)
            elif group == "pair":
                last_kind = PAIRED_MARKS[token]
                units.add(token, role, last_kind, 2 * cell)
                space_role = None
            elif group == "space" and last_kind:
                space_role = role  # kept or dropped once the next unit is known
            # "invisible" (zero-width, soft hyphen) produces no unit at all
    return units


def _add_latin(units: _Units, token: str, role: str, width_of: Measure, split_above: float) -> str:
    """Add one atomic Latin run, cut into wrappable pieces if wider than a line."""
    width = width_of(token, role)
    if width <= split_above:
        kind = latin_kind(token)
        units.add(token, role, kind, width)
        return kind
    pieces = _cut_overlong(token, role, width_of, split_above)
    kind = latin_kind(pieces[0])
    units.add(pieces[0], role, kind, width_of(pieces[0], role))
    for piece in pieces[1:]:
        kind = continuation_kind(piece)
        units.add(piece, role, kind, width_of(piece, role))
    return kind


def _cut_overlong(token: str, role: str, width_of: Measure, limit: float) -> list[str]:
    """Cut a Latin run wider than a line (a URL) into pieces a line may end after.

    Cuts go after runs of / . - _ ? & = ; a segment still wider than a line is
    cut between any two characters as a last resort.  No cut is made before a
    character that may not start a line or after one that may not end it.
    """
    pieces: list[str] = []
    for segment in _URL_SEGMENT_RE.findall(token):
        if width_of(segment, role) <= limit:
            pieces.append(segment)
        else:
            pieces.extend(segment)
    joined = [pieces[0]]
    for piece in pieces[1:]:
        if piece[0] in NO_START_LATIN or joined[-1][-1] in NO_END_LATIN:
            joined[-1] += piece
        else:
            joined.append(piece)
    return joined


def tokenize(runs: Sequence[Run]) -> list[Unit]:
    """The units of a paragraph, with their kinds (spaces resolved, no widths)."""
    units = _scan(runs, 1.0, lambda text, role: 0.0, inf)
    return [Unit(*fields) for fields in zip(units.texts, units.roles, "".join(units.kinds), strict=True)]


# --------------------------------------------------------------------------
# Steps 2 and 3: break opportunities, fitting, placing
# --------------------------------------------------------------------------

# Rule 5: two adjacent full-width marks take 1.5 cells.  A closing mark before
# another mark loses its empty right half; otherwise an opening mark after a
# mark loses its empty left half.  ？！ are centred, so they are never squeezed
# (but an opening mark after them is).
_TAIL_SQUEEZE_RE = re.compile(f"{CLOSING}(?=[{CLOSING}{OPENING}{CENTRED}])")
_HEAD_SQUEEZE_RE = re.compile(f"(?<=[{OPENING}{CENTRED}]){OPENING}")


class _Paragraph:
    """A tokenised paragraph plus what the fitter needs to answer in O(1)."""

    def __init__(self, units: _Units, cell: float) -> None:
        self.texts = units.texts
        self.roles = units.roles
        self.scripts = units.scripts
        self.kinds = "".join(units.kinds)
        self.count = len(self.texts)
        self.half = cell / 2
        self.squeeze = bytearray(self.count)
        advances = units.advances
        for match in _TAIL_SQUEEZE_RE.finditer(self.kinds):
            self.squeeze[match.start()] = TAIL_SQUEEZE
            advances[match.start()] = self.half
        self.heads = [match.start() for match in _HEAD_SQUEEZE_RE.finditer(self.kinds)]
        for index in self.heads:
            self.squeeze[index] = HEAD_SQUEEZE
            advances[index] = self.half
        self.advances = advances
        self.prefix = list(accumulate(advances, initial=0.0))

    # -- geometry ------------------------------------------------------------

    def trim(self, start: int, end: int) -> int:
        """``end`` moved back past spaces: a line never ends with a space."""
        while end > start and self.kinds[end - 1] == SPACE:
            end -= 1
        return end

    def skip_spaces(self, index: int) -> int:
        """``index`` moved forward past spaces: a line never starts with one."""
        while index < self.count and self.kinds[index] == SPACE:
            index += 1
        return index

    def natural_width(self, start: int, end: int) -> float:
        """Width of units [start, end) set as one line, before justification.

        A pair squeeze needs both marks on the line: an opening mark that
        starts the line, or a closing mark that ends it, gets its half back.
        """
        end = self.trim(start, end)
        if end <= start:
            return 0.0
        width = self.prefix[end] - self.prefix[start]
        if self.squeeze[start] == HEAD_SQUEEZE:
            width += self.half
        if self.squeeze[end - 1] == TAIL_SQUEEZE:
            width += self.half
        return width

    # -- break opportunities -------------------------------------------------

    def can_break_before(self, index: int) -> bool:
        """May a line end just before unit ``index`` (0 < index < count)?"""
        kinds = self.kinds
        before, after = kinds[index - 1], kinds[index]
        # A kept space sits between two Latin units; breaking at it drops it.
        if after == SPACE:
            after = kinds[index + 1]
        elif before == SPACE:
            before = kinds[index - 2]
        elif before in LATIN_WORD_KINDS and after in LATIN_WORD_KINDS and after not in CONTINUATION_KINDS:
            return False  # inside one Latin run split across style runs ("**ab**cd")
        return before not in NO_END_KINDS and after not in NO_START_KINDS

    # -- fitting -------------------------------------------------------------

    def choose_break(self, start: int, avail: float) -> tuple[int, tuple[int, ...]]:
        """End of the line starting at ``start`` and the units squeezed to fit it."""
        end = self._greedy_end(start, avail)
        if end >= self.count:
            return self.count, ()
        if end == start:
            end = start + 1  # one unit wider than the line: it overflows alone
            if end == self.count:
                return end, ()
        if self.can_break_before(end):
            return end, ()
        pushed_in = self._push_in(start, end, avail)
        if pushed_in is not None:
            return pushed_in
        for candidate in range(end - 1, start, -1):  # push-out
            if self.can_break_before(candidate):
                return candidate, ()
        return end, ()  # no legal break on the whole line (a run of punctuation)

    def _greedy_end(self, start: int, avail: float) -> int:
        """The largest end such that units [start, end) fit in ``avail``."""
        limit = self.prefix[start] + avail + EPS
        if self.squeeze[start] == HEAD_SQUEEZE:
            limit -= self.half
        end = max(start, bisect_right(self.prefix, limit, start) - 1)
        while end > start and self.natural_width(start, end) > avail + EPS:
            end -= 1  # the last unit lost its pair squeeze at the line end
        return end

    def _push_in(self, start: int, end: int, avail: float) -> tuple[int, tuple[int, ...]] | None:
        """Pull the no-start marks at ``end`` onto this line by squeezing.

        Policy: push-in only where the overflow is absorbed by the run of
        closing marks at the very end of the line (e.g. ``。”`` taking 1.5
        cells there): the blank halves then fall on the margin, out of sight.
        Squeezing commas in mid-line to pull in one more character makes lines
        visibly denser (the fault peers.md notes in Typst), so otherwise the
        text is pushed out and the shorter line is justified.  An opening mark
        stranded at a line end is always pushed out, as clreq describes.
        """
        stop = end
        while stop < self.count and stop - end < MAX_PUSH_IN and self.kinds[stop] in NO_START_KINDS:
            stop += 1
        if stop == end or (stop < self.count and not self.can_break_before(stop)):
            return None
        overflow = self.natural_width(start, stop) - avail
        needed = max(0, ceil((overflow - EPS) / self.half))
        candidates = self._squeezable(start, self.trim(start, stop))
        if needed > len(candidates):
            return None
        return stop, tuple(candidates[:needed])

    def _squeezable(self, start: int, end: int) -> list[int]:
        """Closing marks of the line's final run of closing marks, from the right."""
        kinds, squeeze = self.kinds, self.squeeze
        found = []
        k = end - 1
        while k > start and kinds[k] == CLOSING:
            if not squeeze[k]:
                found.append(k)
            k -= 1
        return found

    # -- placing -------------------------------------------------------------

    def place(
        self,
        start: int,
        end: int,
        squeezed: tuple[int, ...],
        x0: float,
        avail: float,
        align: str,
        last: bool,
    ) -> Line:
        """Glyphs for units [start, end) (already trimmed), aligned in ``avail``."""
        half = self.half
        advances = self.advances[start:end]
        if self.squeeze[start] == HEAD_SQUEEZE:
            advances[0] += half  # no partner before it on this line
        if self.squeeze[end - 1] == TAIL_SQUEEZE:
            advances[-1] += half  # its partner went to the next line
        shifted = [k - start for k in self.heads[bisect_left(self.heads, start + 1) : bisect_left(self.heads, end)]]
        for k in squeezed:
            advances[k - start] -= half
            if self.kinds[k] == OPENING:
                shifted.append(k - start)

        leftover = avail - sum(advances)
        justified = False
        if align == "justify":
            if not last and leftover > -EPS:
                advances, justified = self._justify(start, end, advances, leftover)
        elif align == "center" and leftover > 0:
            x0 += leftover / 2
        elif align == "right" and leftover > 0:
            x0 += leftover

        xs = list(accumulate(advances, initial=x0))
        right_edge = xs.pop()
        for i in shifted:
            xs[i] -= half  # draw the em box half a cell early: its blank half overlaps
        glyphs = tuple(map(Glyph, xs, self.texts[start:end], self.roles[start:end], self.scripts[start:end], advances))
        return Line(glyphs, right_edge, justified, last)

    def _justify(self, start: int, end: int, advances: list[float], leftover: float) -> tuple[list[float], bool]:
        """Spread ``leftover`` evenly over the stretchable gaps of the line.

        A gap is every boundary between two units except the inside of a Latin
        run; a kept space between Latin words stretches like one gap.
        """
        if LATIN_KIND_RE.search(self.kinds, start, end) is None:  # pure CJK: every boundary
            gaps = end - start - 1
            if gaps <= 0:
                return advances, False
            gap = leftover / gaps
            stretched = [advance + gap for advance in advances]
            stretched[-1] -= gap
            return stretched, True
        weights = self._stretch_weights(start, end)
        gaps = sum(weights)
        if gaps <= 0:
            return advances, False
        gap = leftover / gaps
        return [advance + gap * weight for advance, weight in zip(advances, weights, strict=True)], True

    def _stretch_weights(self, start: int, end: int) -> list[int]:
        """Per unit: how many stretchable gaps follow it on the line (0 to 2)."""
        kinds = self.kinds
        weights = []
        for k in range(start, end - 1):
            here, following = kinds[k], kinds[k + 1]
            inside_latin = here in LATIN_KINDS and following in LATIN_KINDS
            weights.append((here == SPACE) + (not inside_latin))
        weights.append(0)
        return weights


def _effective_alignment(align: str, justify: bool) -> str:
    if align not in ALIGNMENTS:
        raise ValueError(f"align must be one of {', '.join(ALIGNMENTS)}, got {align!r}")
    if align == "justify" and not justify:
        return "left"
    return align


def break_paragraph(
    runs: Sequence[Run],
    *,
    measure: Measure,
    line_width: float,
    cell: float,
    first_indent: float = 0.0,
    justify: bool = True,
    align: str = "justify",
    min_last: int = 0,
) -> list[Line]:
    """Break a paragraph into lines on a grid of ``cell``-wide CJK units.

    ``measure(text, role)`` gives the natural width of a Latin run.  ``align``
    is "justify" (every line but the last spread to ``line_width``), "left",
    "center" or "right"; ``justify=False`` turns "justify" into "left".
    ``first_indent`` shifts the first line only (body text: ``2 * cell``).
    ``min_last``: a justified paragraph whose last line would hold fewer
    characters than this pushes one or more cells' worth of units down from
    the line before (which is then loosened to the full measure), when that
    keeps the number of lines; otherwise the greedy lines stand.
    """
    align = _effective_alignment(align, justify)
    if cell <= 0 or line_width <= 0:
        raise ValueError(f"cell and line_width must be positive, got {cell!r} and {line_width!r}")
    # A Latin run wider than the narrowest line is cut so that it can wrap.
    split_above = line_width - max(first_indent, 0.0)
    paragraph = _Paragraph(_scan(runs, cell, measure, split_above), cell)

    lines = _fit(paragraph, line_width, first_indent, align)
    if min_last and align == "justify" and len(lines) > 1 and _chars(lines[-1]) < min_last:
        for cells in range(1, min_last):
            retry = _fit(paragraph, line_width, first_indent, align, (len(lines) - 2, cells * cell))
            if len(retry) == len(lines) and _chars(retry[-1]) >= min_last:
                return retry
    return lines


def _chars(line: Line) -> int:
    return sum(len(g.text) for g in line.glyphs if not g.text.isspace())


def _fit(paragraph: _Paragraph, line_width: float, first_indent: float, align: str,
         shorten: tuple[int, float] | None = None) -> list[Line]:
    """The lines of ``paragraph``; ``shorten`` = (line index, width): that
    line is broken as if it were ``width`` shorter, then justified in full."""
    lines: list[Line] = []
    start, x0, avail = 0, first_indent, line_width - first_indent
    while start < paragraph.count:
        room = avail - shorten[1] if shorten is not None and len(lines) == shorten[0] else avail
        end, squeezed = paragraph.choose_break(start, room)
        following = paragraph.skip_spaces(end)
        last = following >= paragraph.count
        lines.append(paragraph.place(start, paragraph.trim(start, end), squeezed, x0, avail, align, last))
        start, x0, avail = following, 0.0, line_width
    return lines
