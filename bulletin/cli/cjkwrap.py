"""Help text wrapped for Chinese: Click's wrapper counts characters and breaks
only at spaces, so a line of hanzi (two columns each, no spaces) runs to
twice the terminal's width.  Here a line may break between any two hanzi,
widths are counted in columns, and closing punctuation never starts a line.
Installed in place of Click's `wrap_text` only when the messages are Chinese."""

from __future__ import annotations

import re
import unicodedata

# Marks that may not start a line (避头): they stay with the character before.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕”’…—·%")
_TOKEN = re.compile(r"\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’…—·]+|\S")


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap_paragraph(text: str, limit: int, first: str, rest: str) -> list[str]:
    lines, line, pending_space = [], first, False
    indent = len(first)
    for token in _TOKEN.findall(" ".join(text.split())):
        if token.isspace():
            pending_space = True
            continue
        gap = " " if pending_space and len(line) > indent else ""
        pending_space = False
        if len(line) > indent and width(line) + width(gap + token) > limit and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line, indent, gap = rest, len(rest), ""
        line += gap + token
    lines.append(line.rstrip())
    return lines


def wrap_text(text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "",
              preserve_paragraphs: bool = False) -> str:
    """Click's `formatting.wrap_text`, for text with hanzi in it."""
    if not any(unicodedata.east_asian_width(c) in "WF" for c in text):
        return _CLICK_WRAP(text, width, initial_indent, subsequent_indent, preserve_paragraphs)
    if not preserve_paragraphs:
        return "\n".join(_wrap_paragraph(text, width, initial_indent, subsequent_indent))
    out = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        if block.startswith("\b"):  # Click's mark for a block not to rewrap
            out.append("\n".join(initial_indent + line for line in block[1:].lstrip("\n").splitlines()))
            continue
        lead = len(block) - len(block.lstrip(" "))
        out.append("\n".join(_wrap_paragraph(block, width, initial_indent + " " * lead, subsequent_indent + " " * lead)))
    return "\n\n".join(out)


_CLICK_WRAP = None


def install() -> None:
    """Use this wrapper for Click's help pages (Chinese messages only)."""
    global _CLICK_WRAP
    from click import formatting

    if formatting.wrap_text is not wrap_text:
        _CLICK_WRAP = formatting.wrap_text
        formatting.wrap_text = wrap_text
