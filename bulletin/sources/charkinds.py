"""Invisible characters in a source file and invalid character references
in a Markdown body: each reported as what it is, where it was typed.

The kinds and their treatment are text/invisible.py's; this module turns them
into diagnostics with the file's line and column.  Only article files can be
repaired by `check --fix`, so only there does a finding say it is fixable.
"""

from __future__ import annotations

import re

from bulletin.diagnostics import Collector, Diagnostic
from bulletin.i18n import N_
from bulletin.text.invisible import FORMAT, SEPARATOR, ZERO_WIDTH, compose_marks, describe, drop_zero_width, find_invisible, kind_of

MAX_REPORTED = 20  # per file and kind: a pasted web page may hold hundreds


def invisible_message(ch: str, kind: str):
    name = describe(ch)
    if kind == FORMAT:
        return N_("{char}, invisible: remove it (check --fix does)", char=name)
    if kind == ZERO_WIDTH:
        return N_("{char}, invisible: dropped (check --fix removes it)", char=name)
    if ch == "\u2029":
        return N_("{char}: printed as a line break; check --fix starts a new paragraph there", char=name)
    return N_("{char}: printed as a line break; check --fix makes it a new line", char=name)


CODE = {FORMAT: "E013", ZERO_WIDTH: "W150", SEPARATOR: "W151"}


def report_invisible(text: str, rel: str, diags: Collector) -> str:
    """Report the file's invisible characters; the text as the reader keeps
    it (zero-width spaces dropped; columns of later findings on such a line
    count without them)."""
    text = _report_marks(text, rel, diags)
    found = find_invisible(text)
    if not found:
        return text
    fixable = rel.endswith(".md")
    counts: dict[str, int] = {}
    for item in found:
        n = counts[item.kind] = counts.get(item.kind, 0) + 1
        if n > MAX_REPORTED:
            continue
        line = text.count("\n", 0, item.offset) + 1
        col = item.offset - (text.rfind("\n", 0, item.offset) + 1) + 1
        severity = "error" if item.kind == FORMAT else "warning"
        diags.items.append(Diagnostic(rel, line, col, CODE[item.kind], invisible_message(item.char, item.kind), severity, fix=fixable))
    for kind, n in counts.items():
        if n > MAX_REPORTED:
            first = next(i for i in found if i.kind == kind)
            line = text.count("\n", 0, first.offset) + 1
            severity = "error" if kind == FORMAT else "warning"
            diags.items.append(Diagnostic(rel, line, 1, CODE[kind], N_("{count} more invisible characters of this kind not listed", count=n - MAX_REPORTED), severity, fix=fixable))
    return drop_zero_width(text)


def _report_marks(text: str, rel: str, diags: Collector) -> str:
    """Compose base + combining mark where a precomposed character exists;
    W153 for each mark left (the PDF sets the base without it)."""
    composed, left = compose_marks(text)
    for mark in left[:MAX_REPORTED]:
        line = text.count("\n", 0, mark.offset) + 1
        col = mark.offset - (text.rfind("\n", 0, mark.offset) + 1) + 1
        base = mark.base if mark.base.strip() else " "
        diags.items.append(Diagnostic(rel, line, col, "W153", N_(
            "{marks} after '{base}': no precomposed character; the PDF prints '{base}' without it, the DOCX keeps it",
            marks=" + ".join(describe(m) for m in mark.marks), base=base), "warning"))
    return composed


# &#N; and &#xH; as markdown-it reads them (7 decimal, 6 hex digits at most).
_NUMERIC_REF = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));")
_XML_FORBIDDEN = frozenset([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def _valid_code(c: int) -> bool:
    """What markdown-it decodes (it turns the rest into U+FFFD), less what a
    DOCX cannot hold."""
    return not (
        0xD800 <= c <= 0xDFFF
        or 0xFDD0 <= c <= 0xFDEF
        or (c & 0xFFFF) in (0xFFFE, 0xFFFF)
        or 0x7F <= c <= 0x9F
        or c > 0x10FFFF
        or c in _XML_FORBIDDEN
    )


def check_references(body: str, rel: str, first_line: int, diags: Collector) -> None:
    """E014 for a numeric character reference that is no character (&#0;,
    &#xD800;, &#x110000;), E013 for one that is an invisible format
    character, each at the reference's own line and column."""
    if "&#" not in body:
        return
    for m in _NUMERIC_REF.finditer(body):
        code = int(m.group(1)) if m.group(1) is not None else int(m.group(2), 16)
        line = first_line + body.count("\n", 0, m.start())
        col = m.start() - (body.rfind("\n", 0, m.start()) + 1) + 1
        if not _valid_code(code):
            diags.error("E014", rel, line, N_("character reference '{ref}' is no valid character (U+{code:04X}): write the character itself",
                                              ref=m.group(), code=code), col=col)
        elif kind_of(chr(code)) == FORMAT:
            diags.error("E013", rel, line, N_("'{ref}' is {char}, invisible: remove it", ref=m.group(), char=describe(chr(code))), col=col)
