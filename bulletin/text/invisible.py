"""Characters that print as nothing, by kind.

A writer cannot see them in an editor, so a font-coverage message ("U+202E
is not in font …") would name the wrong cause.  Each kind gets its own
treatment, decided here once for the reader (which reports) and for
`check --fix` (which repairs):

- FORMAT: bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE, the Trojan-Source
  trick, and its kin), invisible operators, tags, interlinear annotation
  marks: an error; --fix deletes them.
- ZERO_WIDTH: zero-width space, word joiner, a byte-order mark inside the
  text: no meaning in a bulletin; dropped with a warning, --fix deletes them.
- SEPARATOR: U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (pasted
  from Word and web pages): printed as a line break, with a warning; --fix
  turns them into a new line and a new paragraph.

Format characters that carry meaning stay: the soft hyphen, ZWNJ and ZWJ
(emoji and Indic sequences) and the visible "prepended concatenation marks"
of Arabic and Kaithi.  Variation selectors and combining marks are not
invisible characters of their own: they belong to the character before them
(see ``attaches``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

FORMAT = "format"
ZERO_WIDTH = "zero-width"
SEPARATOR = "separator"

ZERO_WIDTH_CHARS = "\u200b\u2060\ufeff"
SEPARATORS = {"\u2028": "\n", "\u2029": "\n\n"}  # what --fix puts in their place
# Category Cf characters that are fine in text (see above).
ALLOWED_FORMAT = frozenset("\u00ad\u200c\u200d\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
                           "\U000110bd\U000110cd")

# Every category Cf character of Unicode 15 (and 14), a superset the finder
# confirms with unicodedata; plus the two separators.  One C-level search
# answers "nothing here" for an ordinary file.
_CANDIDATES = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


@dataclass(frozen=True)
class Invisible:
    offset: int  # in the text
    char: str
    kind: str  # FORMAT, ZERO_WIDTH or SEPARATOR


def kind_of(ch: str) -> str | None:
    """FORMAT, ZERO_WIDTH, SEPARATOR, or None for a character that is fine."""
    if ch in SEPARATORS:
        return SEPARATOR
    if ch in ZERO_WIDTH_CHARS:
        return ZERO_WIDTH
    if ch in ALLOWED_FORMAT or unicodedata.category(ch) != "Cf":
        return None
    return FORMAT


def find_invisible(text: str) -> list[Invisible]:
    """Every character of the three kinds, in order."""
    out = []
    for m in _CANDIDATES.finditer(text):
        kind = kind_of(m.group())
        if kind is not None:
            out.append(Invisible(m.start(), m.group(), kind))
    return out


def describe(ch: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE' (the code point alone when unnamed)."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def drop_zero_width(text: str) -> str:
    """The text without its zero-width spaces (what the reader keeps)."""
    return text.translate(_DROP) if any(c in text for c in ZERO_WIDTH_CHARS) else text


_DROP = {ord(c): None for c in ZERO_WIDTH_CHARS}


def is_variation_selector(ch: str) -> bool:
    o = ord(ch)
    return 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF or 0x180B <= o <= 0x180D or o == 0x180F


def attaches(ch: str) -> bool:
    """A variation selector or a combining mark: it modifies the character
    before it and is never set on its own."""
    return is_variation_selector(ch) or unicodedata.category(ch) in ("Mn", "Mc", "Me")


# Combining marks of the generic blocks (diacritics, their extensions and
# supplement, marks for symbols, half marks, kana sound marks).  Without a
# shaping engine the PDF cannot attach them to their base; a sequence that
# has a precomposed character (e + U+0301 → é, か + U+3099 → が) is composed
# when read, and what is left is set without the mark (the DOCX keeps it).
MARK_CHAR_CLASS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a"
_CLUSTER = re.compile(f"(.)([{MARK_CHAR_CLASS}]+)", re.DOTALL)
_MARKS = re.compile(f"[{MARK_CHAR_CLASS}]")


@dataclass(frozen=True)
class Mark:
    offset: int  # of the first mark left over, in the text as typed
    base: str
    marks: str  # the marks no precomposed character took in


def compose_marks(text: str) -> tuple[str, list[Mark]]:
    """The text with base + mark sequences composed where Unicode has a
    precomposed character (NFC, on those sequences only: NFC of a whole text
    would also replace CJK compatibility ideographs, which writers use for
    names), and the marks that are left."""
    if not _CLUSTER.search(text):
        return text, []
    left: list[Mark] = []

    def compose(m: re.Match) -> str:
        base, marks = m.group(1), m.group(2)
        if unicodedata.normalize("NFC", base) != base:
            composed = base + marks
        else:
            composed = unicodedata.normalize("NFC", base + marks)
        rest = "".join(_MARKS.findall(composed[1:]))
        if rest:
            left.append(Mark(m.start(2), base, rest))
        return composed

    return _CLUSTER.sub(compose, text), left
