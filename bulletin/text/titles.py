"""Breaking display titles into lines: one rule for both writers.

A title is set centred, so a long one should break into lines of balanced
length at a sensible place, not fill the first line and leave 员 alone on the
second.  The writer of the article decides where it can: a line break or a
space between two hanzi in the title (`全州县“五心五线”工作法严管厚爱 驻村工作队员`,
the way the printed issue breaks it) is taken as the break.  Otherwise:
as few lines as fit, each as close to the average length as possible,
preferring breaks after closing and before opening punctuation, never
breaking a Latin/digit run, never a line of one character, and following the
line-start/line-end rules.

Widths are in ems: a hanzi or full-width mark is 1, an ASCII character ½
(close enough for choosing breaks; each writer then sets the lines itself).
"""

from __future__ import annotations

import re
from itertools import pairwise
from math import inf

from bulletin.text.chars import CLOSING_CHARS, NO_END_CHARS, NO_START_CHARS, OPENING_CHARS

# A newline, or spaces between two non-ASCII characters: the writer's own break.
_EXPLICIT = re.compile(r"\s*\n\s*|(?<=[^\x00-\x7f])[ \u3000]+(?=[^\x00-\x7f])")
_BREAK_BONUS = 8.0  # ems²: a break after ” or before “ beats a mid-word break of slightly better balance


def explicit_breaks(text: str) -> str:
    """The title with each of its writer's breaks as one newline."""
    return "\n".join(part for part in _EXPLICIT.split(text.strip()) if part)


def em_width(ch: str) -> float:
    return 0.5 if ch.isascii() else 1.0


def title_lines(text: str, ems_per_line: float) -> list[str]:
    """The lines of a display title at `ems_per_line` ems a line."""
    lines: list[str] = []
    for part in _EXPLICIT.split(text.strip()):
        if part:
            lines.extend(_balanced(part, ems_per_line))
    return lines


def _balanced(text: str, cap: float) -> list[str]:
    widths = [em_width(c) for c in text]
    total = sum(widths)
    if total <= cap + 1e-9:
        return [text]
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    n = len(text)
    allowed = [k for k in range(1, n) if _can_break(text, k)]

    def fits(a: int, b: int) -> bool:
        return prefix[b] - prefix[a] <= cap + 1e-9 and b - a >= 2

    # As few lines as possible: the smallest count for which a fitting set of breaks exists.
    for count in range(2, n + 1):
        target = total / count
        best = _best_breaks(allowed, n, count, prefix, target, fits, text)
        if best is not None:
            edges = [0, *best, n]
            return [text[a:b] for a, b in pairwise(edges)]
    return [text]  # nothing fits (a single unbreakable run): one overfull line


def _can_break(text: str, k: int) -> bool:
    before, after = text[k - 1], text[k]
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return False  # inside a Latin/digit run
    return before not in NO_END_CHARS and after not in NO_START_CHARS


def _best_breaks(allowed, n, count, prefix, target, fits, text):
    """Dynamic programme over break positions: minimal squared deviation from
    the average line length, minus a bonus for breaks at punctuation."""
    def bonus(k: int) -> float:
        return _BREAK_BONUS if text[k - 1] in CLOSING_CHARS or text[k] in OPENING_CHARS else 0.0

    # best[j][k] = (cost, previous break) for k = end of line j
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
    for j in range(1, count + 1):
        ends = [n] if j == count else allowed
        row: dict[int, tuple[float, int]] = {}
        for k in ends:
            choice = (inf, -1)
            for a, (cost, _) in best[j - 1].items():
                if a < k and fits(a, k):
                    c = cost + (prefix[k] - prefix[a] - target) ** 2 - (bonus(k) if k < n else 0.0)
                    if c < choice[0]:
                        choice = (c, a)
            if choice[0] < inf:
                row[k] = choice
        best.append(row)
    if n not in best[count]:
        return None
    cuts, k = [], n
    for j in range(count, 0, -1):
        k = best[j][k][1]
        if j > 1:
            cuts.append(k)
    return sorted(cuts)
