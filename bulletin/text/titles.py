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
    """As few lines as fit, then the most even ones.

    Two passes over the break candidates, each looking back only at the
    candidates within one line's width (a line holds at most 2·cap + 1
    characters: none is narrower than ½ em), so the work is O(n · cap), linear
    in the title's length.  The first pass finds the least number of lines
    reaching each candidate.  Every prefix of a least-lines breaking of the
    whole title is itself a least-lines breaking of that prefix (a shorter
    prefix would make the whole shorter), so the second pass, choosing the
    cheapest predecessor among those one line fewer, finds the cheapest
    least-lines breaking: the same one a search over every line count and
    every set of breaks would find."""
    widths = [em_width(c) for c in text]
    total = sum(widths)
    if total <= cap + 1e-9:
        return [text]
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    n = len(text)
    nodes = [0, *(k for k in range(1, n) if _can_break(text, k)), n]
    # first[i]: the first candidate a line ending at nodes[i] may start from
    # (one pointer moving forward: the widths are positive).
    first, j = [], 0
    for k in nodes:
        while prefix[k] - prefix[nodes[j]] > cap + 1e-9:
            j += 1
        first.append(j)

    lines: list[int | None] = [0] + [None] * (len(nodes) - 1)
    for i in range(1, len(nodes)):
        k = nodes[i]
        reachable = [lines[j] for j in range(first[i], i) if lines[j] is not None and k - nodes[j] >= 2]
        lines[i] = min(reachable) + 1 if reachable else None
    count = lines[-1]
    if count is None:
        return [text]  # nothing fits (a single unbreakable run): one overfull line
    target = total / count

    def bonus(k: int) -> float:
        return _BREAK_BONUS if text[k - 1] in CLOSING_CHARS or text[k] in OPENING_CHARS else 0.0

    cost: list[float] = [0.0] + [inf] * (len(nodes) - 1)
    back = [-1] * len(nodes)
    for i in range(1, len(nodes)):
        k = nodes[i]
        if lines[i] is None:
            continue
        reward = bonus(k) if k < n else 0.0
        for j in range(first[i], i):
            if lines[j] != lines[i] - 1 or k - nodes[j] < 2:
                continue
            c = cost[j] + (prefix[k] - prefix[nodes[j]] - target) ** 2 - reward
            if c < cost[i]:
                cost[i], back[i] = c, j
    edges, i = [], len(nodes) - 1
    while i > 0:
        edges.append(nodes[i])
        i = back[i]
    edges.append(0)
    edges.reverse()
    return [text[a:b] for a, b in pairwise(edges)]


def _can_break(text: str, k: int) -> bool:
    before, after = text[k - 1], text[k]
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return False  # inside a Latin/digit run
    return before not in NO_END_CHARS and after not in NO_START_CHARS
