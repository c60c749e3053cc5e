"""markdown-it-py set up for Chinese: CommonMark + GFM tables, raw HTML off,
and the CJK-friendly emphasis rule (see reader.py's docstring for why)."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import Delimiter, Scanned, StateInline

from bulletin.text.chars import is_cjk


def _scan_delims_cjk(state: StateInline, start: int, can_split_word: bool) -> Scanned:
    pos, maximum, marker = start, state.posMax, state.src[start]
    last = state.src[start - 1] if start > 0 else " "
    while pos < maximum and state.src[pos] == marker:
        pos += 1
    nxt = state.src[pos] if pos < maximum else " "
    last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
    next_punct = isMdAsciiPunct(ord(nxt)) or isPunctChar(nxt)
    last_ws, next_ws = isWhiteSpace(ord(last)), isWhiteSpace(ord(nxt))
    # CommonMark's flanking rule, plus: a CJK neighbour on the far side counts
    # like whitespace would (Chinese has no spaces to mark word boundaries).
    left = not next_ws and (not next_punct or last_ws or last_punct or is_cjk(last) or is_cjk(nxt))
    right = not last_ws and (not last_punct or next_ws or next_punct or is_cjk(nxt) or is_cjk(last))
    can_open = left and (can_split_word or not right or last_punct)
    can_close = right and (can_split_word or not left or next_punct)
    return Scanned(can_open, can_close, pos - start)


def _emphasis_cjk(state: StateInline, silent: bool) -> bool:
    marker = state.src[state.pos]
    if silent or marker not in ("_", "*"):
        return False
    scanned = _scan_delims_cjk(state, state.pos, marker == "*")
    for _ in range(scanned.length):
        token = state.push("text", "", 0)
        token.content = marker
        state.delimiters.append(
            Delimiter(ord(marker), scanned.length, len(state.tokens) - 1, -1, scanned.can_open, scanned.can_close)
        )
    state.pos += scanned.length
    return True


def make_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.inline.ruler.at("emphasis", _emphasis_cjk)
    return md


_MD: MarkdownIt | None = None


def markdown() -> MarkdownIt:
    global _MD
    if _MD is None:
        _MD = make_markdown()
    return _MD
