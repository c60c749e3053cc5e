"""Reading a source text file: UTF-8 (BOM and CRLF accepted), XML-safe characters only."""

from __future__ import annotations

import re
from pathlib import Path

from bulletin.diagnostics import Collector
from bulletin.files import NotRegularFile, read_regular
from bulletin.sources.charkinds import report_invisible
from bulletin.i18n import N_

# Characters XML 1.0 forbids (tab, LF and CR are fine); a DOCX cannot carry them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_BYTES = 32 * 2**20  # a bulletin's text file is kilobytes; this is surely something else
MAX_REPORTED = 10  # control characters reported per file; a binary file would flood the screen

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def read_text(path: Path, rel: str, diags: Collector) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            diags.error("E010", rel, 1, N_("file is {size} MB: a source text file is at most {limit} MB", size=round(size / 2**20), limit=MAX_BYTES // 2**20))
            return None
        raw = read_regular(path, MAX_BYTES)  # a FIFO, a device, a socket: refused, never opened for a blocking read
    except NotRegularFile as exc:
        diags.error("E010", rel, 1, N_("cannot read file: {reason}", reason=exc.args[0]))
        return None
    except IsADirectoryError:
        diags.error("E010", rel, 1, N_("cannot read file: it is a folder"))
        return None
    except OSError as exc:
        diags.error("E010", rel, 1, N_("cannot read file: {reason}", reason=exc.strerror or str(exc)))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.count(0) * 4 > len(raw) > 0:  # UTF-16/32: ASCII would decode, with NULs between
        diags.error("E011", rel, 1, _not_utf8_message(raw, None))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        diags.error("E011", rel, *_where_undecodable(raw, exc.start), _not_utf8_message(raw, exc.start))
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    ok = True
    for n, bad in enumerate(_FORBIDDEN.finditer(text)):
        ok = False
        if n == MAX_REPORTED:
            rest = sum(1 for _ in _FORBIDDEN.finditer(text)) - MAX_REPORTED
            line, col = _line_col(text, bad.start())
            diags.error("E012", rel, line, N_("{count} more control character(s) not listed: is this a text file?", count=rest), col=col)
            break
        line, col = _line_col(text, bad.start())
        diags.error("E012", rel, line, N_("control character U+{code:04X} is not allowed in text", code=ord(bad.group())), col=col)
    return report_invisible(text, rel, diags) if ok else None  # bidi controls, zero-width spaces, U+2028 …


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def _where_undecodable(raw: bytes, pos: int) -> tuple[int]:
    return (raw[:pos].count(b"\n") + 1,)


def _not_utf8_message(raw: bytes, pos: int | None):
    """Name the encoding when it is recognisable: UTF-16/32 by BOM, GBK/GB18030 by decoding."""
    if raw.startswith(_UTF32_BOMS):
        guess = N_(" (it is UTF-32)")
    elif raw.startswith(_UTF16_BOMS) or pos is None:
        # ASCII text: half the bytes are 0 in UTF-16, three quarters in UTF-32
        guess = N_(" (it looks like UTF-32)") if raw.count(0) * 3 > len(raw) * 2 else N_(" (it looks like UTF-16)")
    else:
        try:
            raw.decode("gb18030")
            guess = N_(" (it looks like GBK/GB18030, as saved by older Windows editors)")
        except UnicodeDecodeError:
            guess = ""
    where = N_(": byte 0x{byte:02x} at offset {offset}", byte=raw[pos], offset=pos) if pos is not None else ""
    return N_("file is not UTF-8{guess}{where}; save it as UTF-8", guess=guess, where=where)
