"""Reading a source text file: UTF-8 (BOM and CRLF accepted), XML-safe characters only."""

from __future__ import annotations

import re
from pathlib import Path

from .diagnostics import Collector

# Characters XML 1.0 forbids (tab, LF and CR are fine); a DOCX cannot carry them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def read_text(path: Path, rel: str, diags: Collector) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        diags.error("E010", rel, 1, f"cannot read file: {exc.strerror or exc}")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        diags.error("E011", rel, line, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _FORBIDDEN.search(text)
    ok = True
    for bad in _FORBIDDEN.finditer(text):
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        diags.error("E012", rel, line, f"control character U+{ord(bad.group()):04X} is not allowed in text", col=col)
        ok = False
    return text if ok else None
