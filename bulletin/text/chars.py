"""Character classes for Chinese line breaking.

Every unit of a paragraph gets a one-letter *kind*.  A paragraph's kinds are
kept as one string, so the breaker can look for kinsoku conflicts and
adjacent punctuation with ``str``/``re`` operations that run in C instead of
looping over characters in Python.

Kinds of CJK units (each takes one grid cell, "——"/"……" take two):

  H  ordinary: hanzi, kana, symbols, U+3000 ideographic space, "——"
  C  closing punctuation whose glyph sits in the LEFT half of its em box
     (。，、；：）》」』”’ …): may not start a line; its right half can be
     squeezed away
  O  opening punctuation whose glyph sits in the RIGHT half (（《「『“‘ …):
     may not end a line; its left half can be squeezed away
  P  centred punctuation (？！·…, "……"): may not start a line and is never
     squeezed, because mainland fonts centre these glyphs
  K  other marks that may not start a line but are not punctuation
     (small kana, ー, 々, ％, ‰, ℃ …): never squeezed

Kinds of Latin units (natural width, drawn in the Latin font):

  L  a Latin/digit run with no kinsoku constraint ("2018", "APP")
  A  a Latin run whose first character may not start a line (",", ")")
  Z  a Latin run whose last character may not end a line ("(")
  X  both A and Z (a lone "(" cannot be, but "(…" + ")" can; kept for rigour)
  U  a continuation piece of an over-long run (a URL) that was cut so it can
     wrap: a line may break before it, yet no justification space goes there
  V  like U, but its last character may not end a line
  S  an ASCII space kept between two Latin units (stretchable)
"""

from __future__ import annotations

import re

ORDINARY = "H"
CLOSING = "C"
OPENING = "O"
CENTRED = "P"
NO_START_MARK = "K"
LATIN = "L"
LATIN_NO_START = "A"
LATIN_NO_END = "Z"
LATIN_NO_START_NO_END = "X"
LATIN_CONTINUATION = "U"
LATIN_CONTINUATION_NO_END = "V"
SPACE = "S"

# --- CJK punctuation by glyph position (mainland GB style) -------------------
CLOSING_CHARS = (
    "、。，．；：）》〉」』】〕〗〙〛”’〞〟"
    "\uff0c\uff0e\uff1a\uff1b\uff09\uff3d\uff5d\uff60"  # ，．：；）］｝｠ full-width forms
)
OPENING_CHARS = (
    "（《〈「『【〔〖〘〚“‘〝"
    "\uff08\uff3b\uff5b\uff5f"  # （［｛｟ full-width forms
)
CENTRED_CHARS = (
    "？！·・‧…‥⋯‼⁇⁈⁉"
    "\uff1f\uff01\uff61\uff64"  # ？！ and half-width ｡､
)
NO_START_MARK_CHARS = (
    "ー々〻ゝゞヽヾ％‰‱℃℉°′″ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
)

# --- half-width (Latin) kinsoku ----------------------------------------------
NO_START_LATIN = ",.;:?!)]}%"
NO_END_LATIN = "([{"

# The human-readable rule sets (used by tests and by anyone auditing the rules).
NO_START_CHARS = frozenset(CLOSING_CHARS + CENTRED_CHARS + NO_START_MARK_CHARS + NO_START_LATIN)
NO_END_CHARS = frozenset(OPENING_CHARS + NO_END_LATIN)

# The same rules expressed on kinds, which is what the breaker looks at.
NO_START_KINDS = frozenset(CLOSING + CENTRED + NO_START_MARK + LATIN_NO_START + LATIN_NO_START_NO_END)
NO_END_KINDS = frozenset(OPENING + LATIN_NO_END + LATIN_NO_START_NO_END + LATIN_CONTINUATION_NO_END)
LATIN_WORD_KINDS = frozenset(
    LATIN + LATIN_NO_START + LATIN_NO_END + LATIN_NO_START_NO_END + LATIN_CONTINUATION + LATIN_CONTINUATION_NO_END
)
LATIN_KINDS = LATIN_WORD_KINDS | {SPACE}
CONTINUATION_KINDS = frozenset(LATIN_CONTINUATION + LATIN_CONTINUATION_NO_END)

# A compiled class for "any Latin kind", to test a line with one C-level search.
LATIN_KIND_RE = re.compile("[" + "".join(sorted(LATIN_KINDS)) + "]")

# --- which characters form Latin runs ------------------------------------------
# ASCII printables, Latin-1 letters, Latin Extended-A/B.
# Everything else (hanzi, CJK punctuation, ·, °, ①, Greek from GB2312 …) stays
# in the CJK font and takes a grid cell: ambiguous-width marks such as “ ” — …
# must not fall into the Latin font (users complain when they do).
LATIN_CHAR_CLASS = "\x21-\x7e\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
SPACE_CHAR_CLASS = " \t\n\r\f\v\u00a0"
# Invisible characters that would otherwise become a visible grid cell.
# Variation selectors too: reportlab draws by code point and cannot pick the
# variant glyph a selector asks for, so the PDF prints the plain character
# (the DOCX keeps the sequence; `check` says when no font has the variant).
# And combining marks (text/invisible.py MARK_CHAR_CLASS): the reader has
# composed those with a precomposed form; the rest cannot be attached to their
# base without a shaping engine, so they are left out (the reader warns, W153).
INVISIBLE_CHAR_CLASS = ("\u00ad\u200b\u200c\u200d\u2060\ufeff\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef"
                        "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a")

# Two-cell units that must never be split across lines.  The "……" family may
# not start a line (GB/T 15834 strict level); "——" may.
PAIRED_MARKS = {"——": ORDINARY, "――": ORDINARY, "……": CENTRED, "⋯⋯": CENTRED}


class _KindTable(dict):
    """``str.translate`` table: code point -> kind letter, default ``H``.

    ``__missing__`` stores its answer, so each distinct hanzi costs one Python
    call once per process and every later lookup happens inside ``translate``.
    """

    def __missing__(self, code_point: int) -> str:
        self[code_point] = ORDINARY
        return ORDINARY


CJK_KIND_TABLE = _KindTable()
for _chars, _kind in (
    (CLOSING_CHARS, CLOSING),
    (OPENING_CHARS, OPENING),
    (CENTRED_CHARS, CENTRED),
    (NO_START_MARK_CHARS, NO_START_MARK),
):
    CJK_KIND_TABLE.update((ord(c), _kind) for c in _chars)


def cjk_kinds(text: str) -> str:
    """The kind letters of a stretch of CJK characters, one per character."""
    return text.translate(CJK_KIND_TABLE)


def latin_kind(text: str) -> str:
    """The kind of a whole Latin run, from its first and last characters."""
    no_start = text[0] in NO_START_LATIN
    no_end = text[-1] in NO_END_LATIN
    if no_start:
        return LATIN_NO_START_NO_END if no_end else LATIN_NO_START
    return LATIN_NO_END if no_end else LATIN


def continuation_kind(piece: str) -> str:
    """The kind of a later piece of a Latin run that was cut to wrap."""
    return LATIN_CONTINUATION_NO_END if piece[-1] in NO_END_LATIN else LATIN_CONTINUATION


def script_of(kind: str) -> str:
    """The font family a unit of this kind is drawn with: "latin" or "cjk"."""
    return "latin" if kind in LATIN_KINDS else "cjk"


def is_cjk(ch: str) -> bool:
    """Han, kana, hangul, CJK and full-width punctuation, and the quotes and
    dashes that Chinese text uses (“ ” ‘ ’ — …)."""
    if not ch:
        return False
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, CJK symbols & punctuation, kana, CJK unified
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3FFFF
        or o in (0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x00B7)
    )
