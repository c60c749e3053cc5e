"""Character sets: the base set (GB2312 and the marks bulletins use) a
cached subset always holds, and normalising what callers pass."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def _charset(chars: Iterable[str] | None) -> set[str]:
    """Accept a set of characters or whole strings of text."""
    if chars is None:
        return set()
    if isinstance(chars, str):
        return set(chars)
    out: set[str] = set()
    for item in chars:
        out.update(item)
    return out


_BASE_CHARSET: frozenset[str] | None = None

# Marks bulletins use that GB2312 lacks or maps elsewhere.
_EXTRA_BASE = (
    "—–―‒…‥·•‧‘’“”‹›«»‰‱′″℃℉№™©®§¶†‡※→←↑↓√∞±×÷≈≠≤≥"
    "〇〈〉《》「」『』【】〔〕〖〗〘〙〝〞〟・ー"
    "！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～｟｠￠￡￢￣￤￥"
    + "".join(chr(c) for c in range(0x2460, 0x24A0))  # ①…⑳ ⑴…⒇ ⒈…⒛
    + "".join(chr(c) for c in range(0x2160, 0x2180))  # Ⅰ…Ⅻ ⅰ…ⅻ
    + "".join(chr(c) for c in range(0x3220, 0x3244))  # ㈠…㈩ ...
    + "".join(chr(c) for c in range(0x3000, 0x3040))  # CJK symbols and punctuation
)


def base_charset() -> frozenset[str]:
    """GB2312 (symbols + level 1 + level 2 hanzi), printable ASCII, extras.

    One conversion of this set serves nearly every issue; other characters
    grow a face's cached conversion when a document needs them.
    """
    global _BASE_CHARSET
    if _BASE_CHARSET is None:
        chars = {chr(c) for c in range(0x20, 0x7F)} | set(_EXTRA_BASE)
        for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
            for lo in range(0xA1, 0xFF):
                try:
                    chars.add(bytes((hi, lo)).decode("gb2312"))
                except UnicodeDecodeError:
                    pass
        _BASE_CHARSET = frozenset(chars)
    return _BASE_CHARSET


def _printable(chars: set[str]) -> set[str]:
    # Control characters (newlines, tabs) are never drawn, so never missing.
    return {c for c in chars if unicodedata.category(c) != "Cc"}
