"""`bulletin check --fix`: apply the safe repairs that lint findings carry.

Only the lines a finding points at change; everything else of the file (its
BOM, its line endings, front matter, other lines) comes back byte for byte.
A file is rewritten through output.write_atomic (temporary file + rename).
Fixes run until nothing fixable is left, so a second `--fix` changes nothing.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from bulletin.commands.lint import Edit, Finding, lint_text
from bulletin.i18n import N_, _, localize
from bulletin.output import write_atomic
from bulletin.files import read_regular
from bulletin.text.invisible import FORMAT, SEPARATOR, SEPARATORS, ZERO_WIDTH, describe, find_invisible

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
MAX_PASSES = 5


@dataclass(frozen=True)
class Change:
    line: int
    col: int
    code: str
    change: str

    def render(self, path: str) -> str:
        return f"{path}:{self.line}:{self.col}: {self.code} " + _("fixed: {change}").format(change=localize(self.change))


def split_lines(text: str) -> tuple[list[str], list[str]]:
    """Line contents and their endings ('\\n', '\\r\\n', '\\r' or '' for the last)."""
    contents, endings = [], []
    for m in _LINE.finditer(text):
        chunk = m.group(0)
        if not chunk:
            break
        body = chunk.rstrip("\r\n")
        contents.append(body)
        endings.append(chunk[len(body):])
    if not contents or endings[-1]:
        contents.append("")
        endings.append("")
    return contents, endings


def apply_edits(contents: list[str], endings: list[str], findings: list[Finding]) -> list[Finding]:
    """Apply the edits of `findings` in place; returns the findings applied.
    A finding whose edit overlaps one already taken waits for the next pass;
    edits on a line go right to left, joins bottom up, so no index moves
    under an edit still to come."""
    taken: dict[int, list[Edit]] = {}
    applied: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.line, f.col)):
        edits = [e for e in f.edits if e.join_to is None and not e.blank_after]
        if any(e.start < o.end and o.start < e.end for e in edits for o in taken.get(e.line, ())):
            continue
        for e in edits:
            taken.setdefault(e.line, []).append(e)
        applied.append(f)
    for n, edits in taken.items():
        line = contents[n]
        for e in sorted(edits, key=lambda e: e.start, reverse=True):
            line = line[: e.start] + e.text + line[e.end:]
        contents[n] = line
    joins = [e for f in applied for e in f.edits if e.join_to is not None or e.blank_after]
    for e in sorted(joins, key=lambda e: -e.line):
        if e.blank_after:  # W113: a paragraph break, with the line's own ending (CRLF stays CRLF)
            contents.insert(e.line + 1, "")
            endings.insert(e.line + 1, endings[e.line])
            continue
        b = e.join_to
        contents[e.line] = contents[e.line].rstrip() + contents[b].lstrip()
        endings[e.line] = endings[b]
        del contents[e.line + 1: b + 1]
        del endings[e.line + 1: b + 1]
    return applied


def invisible_findings(contents: list[str], endings: list[str]) -> list[Finding]:
    """The repairs of text/invisible.py's kinds: format characters and
    zero-width spaces deleted, U+2028/U+2029 made a new line / paragraph
    (with the file's own line ending)."""
    out = []
    for n, line in enumerate(contents):
        for item in find_invisible(line):
            newline = endings[n] or (endings[0] if endings and endings[0] else "\n")
            text = SEPARATORS[item.char].replace("\n", newline) if item.kind == SEPARATOR else ""
            code = {FORMAT: "E013", ZERO_WIDTH: "W150", SEPARATOR: "W151"}[item.kind]
            if not text:
                change = N_("{char} removed", char=describe(item.char))
            elif item.char == "\u2029":
                change = N_("{char} made a paragraph break", char=describe(item.char))
            else:
                change = N_("{char} made a line break", char=describe(item.char))
            out.append(Finding(code, n + 1, item.offset + 1, change, (Edit(n, item.offset, item.offset + 1, text),), change))
    return out


def fix_text(text: str) -> tuple[str, list[Change]]:
    """Text with every safe fix applied, and the changes made (line numbers of
    the text each pass saw: the original's for the first pass)."""
    contents, endings = split_lines(text)
    changes: list[Change] = []
    for _ in range(MAX_PASSES):
        fixable = invisible_findings(contents, endings) + [f for f in lint_text("\n".join(contents)) if f.edits]
        if not fixable:
            break
        applied = apply_edits(contents, endings, fixable)
        changes.extend(Change(f.line, f.col, f.code, f.change) for f in applied)
        if not applied:
            break
        # a separator became a line break: split again, so the next pass's line numbers hold
        contents, endings = split_lines("".join(c + e for c, e in zip(contents, endings)))
    return "".join(c + e for c, e in zip(contents, endings)), changes


def fix_file(path: Path) -> list[Change]:
    """Fix one article file in place (atomically); [] when nothing changed.
    The BOM, if any, every line ending and the file's mode are kept; a
    symlinked article is fixed in its target."""
    path = path.resolve()
    raw = read_regular(path)
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom):].decode("utf-8")
    fixed, changes = fix_text(text)
    if fixed != text:
        mode = stat.S_IMODE(path.stat().st_mode)
        write_atomic(path, bom + fixed.encode("utf-8"))
        os.chmod(path, mode)
    return changes
