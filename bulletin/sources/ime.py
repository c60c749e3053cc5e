"""What a Chinese input method slips into YAML: `title：乐业县…` with the
full-width colon, a full-width space (U+3000) around a key.

YAML reads `title：乐业县…` as plain text, not a key, and its complaint
("mapping values are not allowed here") points at the next key's line.  So
the lines are looked at first, as typed: each slip is named on its own line
with what to type instead, and the text with the slips repaired is handed
back so that the other problems of the file are still found in the same run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bulletin.i18n import N_

# A key as people type them: ASCII names (title, contact.phone) and the
# short Chinese labels of the 版记 (报, 送, 抄送).
_KEY = r"(?:[A-Za-z_][A-Za-z0-9_-]*|[\u4e00-\u9fff]{1,4})"
_LINE = re.compile(rf"^(?P<indent>[ \u3000]*)(?P<dash>-[ \u3000]+)?(?P<key>{_KEY})(?P<gap>[ \u3000]*)(?P<colon>[:：])(?P<after>.?)")
_BLOCK = re.compile(r"[:：][ \u3000]*[|>][+-]?[0-9]?[ \u3000]*(?:#.*)?$")
WIDE_SPACE = "\u3000"


@dataclass(frozen=True)
class Slip:
    line: int  # 0-based
    col: int  # 1-based
    message: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" " + WIDE_SPACE))


def ime_slips(text: str) -> tuple[list[Slip], str]:
    """The slips in `text` and the text with them repaired (same lines)."""
    lines = text.split("\n")
    slips: list[Slip] = []
    block_indent = None  # inside a | or > block scalar: its key's indentation
    for n, line in enumerate(lines):
        if block_indent is not None:
            if not line.strip() or _indent(line) > block_indent:
                continue
            block_indent = None
        stripped = line.lstrip(" " + WIDE_SPACE)
        if not stripped or stripped.startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None or (m.group("colon") == ":" and m.group("after") not in ("", " ", WIDE_SPACE, "\t")):
            continue
        key = m.group("key")
        if WIDE_SPACE in m.group("indent") + (m.group("dash") or ""):
            slips.append(Slip(n, line.index(WIDE_SPACE) + 1,
                              N_("full-width space (U+3000) before '{key}': indent with ordinary spaces", key=key)))
        if WIDE_SPACE in m.group("gap"):
            slips.append(Slip(n, m.start("gap") + 1,
                              N_("full-width space (U+3000) after the key '{key}': delete it, write '{key}: '", key=key)))
        if m.group("colon") == "：":
            slips.append(Slip(n, m.start("colon") + 1,
                              N_("'{key}：' has the full-width colon '：' of a Chinese input method: "
                                 "write '{key}: ' (the half-width ':' and a space)", key=key)))
        elif m.group("after") == WIDE_SPACE:
            slips.append(Slip(n, m.start("after") + 1,
                              N_("full-width space (U+3000) after '{key}:': write an ordinary space", key=key)))
        if slips and slips[-1].line == n:
            rest = line[m.end("colon"):]
            if rest.startswith(WIDE_SPACE):
                rest = " " + rest[1:]
            elif rest and not rest.startswith((" ", "\t")):
                rest = " " + rest
            head = m.group("indent").replace(WIDE_SPACE, " ") + (m.group("dash") or "").replace(WIDE_SPACE, " ")
            lines[n] = f"{head}{key}:{rest}"
        if _BLOCK.search(lines[n]):
            block_indent = _indent(line)
    return slips, "\n".join(lines)
