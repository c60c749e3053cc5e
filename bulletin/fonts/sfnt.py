"""Identifying font files without fontTools (whose import alone costs
~35 ms): a minimal sfnt reader, table directory + name table, nothing else."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from bulletin.fonts.face import stats

@dataclass(frozen=True)
class _Entry:
    """One installed face as listed by fontconfig or read from its file."""

    families: tuple[str, ...]
    styles: tuple[str, ...]
    fullnames: tuple[str, ...]
    path: str
    index: int
    outline: str  # "glyf" | "cff"


def _decode_name(platform: int, encoding: int, raw: bytes) -> str | None:
    try:
        if platform == 0 or (platform == 3 and encoding in (0, 1, 10)):
            return raw.decode("utf_16_be")
        if platform == 3 and encoding in (3, 4):
            # Old Chinese fonts store GBK/Big5 bytes in 16-bit slots; the
            # zero high bytes of single-byte characters must go.
            return raw.replace(b"\0", b"").decode("gbk" if encoding == 3 else "big5")
        if platform == 1 and encoding == 0:
            return raw.decode("mac_roman")
        if platform == 1 and encoding == 25:
            return raw.decode("gb2312")
    except UnicodeDecodeError:
        return None
    return None


def _read_names(f, offset: int, length: int) -> dict[int, list[str]]:
    f.seek(offset)
    data = f.read(length)
    _fmt, count, strings = struct.unpack_from(">HHH", data, 0)
    names: dict[int, list[str]] = {}
    for i in range(count):
        pid, eid, _lang, nid, ln, off = struct.unpack_from(">6H", data, 6 + 12 * i)
        if nid not in (1, 2, 4, 16, 17):
            continue
        text = _decode_name(pid, eid, data[strings + off : strings + off + ln])
        if text and text.strip():
            bucket = names.setdefault(nid, [])
            if text.strip() not in bucket:
                bucket.append(text.strip())
    return names


def _table_directory(f, offset: int) -> dict[bytes, tuple[int, int]]:
    """tag → (offset, length) for the face starting at ``offset``."""
    f.seek(offset)
    head = f.read(12)
    if len(head) < 12:
        return {}
    num_tables = struct.unpack_from(">H", head, 4)[0]
    records = f.read(16 * num_tables)
    tables = {}
    for i in range(len(records) // 16):
        tag, _sum, toff, tlen = struct.unpack_from(">4sLLL", records, 16 * i)
        tables[tag] = (toff, tlen)
    return tables


def _read_face(f, path: str, index: int, offset: int) -> _Entry | None:
    tables = _table_directory(f, offset)
    if b"glyf" in tables:
        outline = "glyf"
    elif b"CFF " in tables or b"CFF2" in tables:
        outline = "cff"
    else:
        return None  # bitmap-only (e.g. colour emoji): useless for reportlab
    if b"name" not in tables:
        return None
    names = _read_names(f, *tables[b"name"])
    families = tuple(dict.fromkeys(names.get(16, []) + names.get(1, [])))
    if not families:
        return None
    styles = tuple(dict.fromkeys(names.get(17, []) + names.get(2, [])))
    return _Entry(families, styles, tuple(names.get(4, [])), path, index, outline)


def read_font_file(path: str | os.PathLike) -> list[_Entry]:
    """Every usable face of a .ttf/.otf/.ttc/.otc file ([] if unreadable)."""
    path = str(path)
    stats["files_scanned"] += 1
    try:
        with open(path, "rb") as f:
            tag = f.read(4)
            if tag == b"ttcf":
                f.seek(8)
                (count,) = struct.unpack(">L", f.read(4))
                offsets = struct.unpack(f">{count}L", f.read(4 * count))
            elif tag in (b"\0\1\0\0", b"OTTO", b"true"):
                offsets = (0,)
            else:
                return []
            faces = [_read_face(f, path, i, off) for i, off in enumerate(offsets)]
    except (OSError, struct.error):
        return []
    return [face for face in faces if face is not None]


def table_directory_at(data, offset: int) -> dict[bytes, tuple[int, int]]:
    """tag → (offset, length) for the face at ``offset`` of mapped font data."""
    (num_tables,) = struct.unpack_from(">H", data, offset + 4)
    tables = {}
    for i in range(num_tables):
        tag, _sum, toff, tlen = struct.unpack_from(">4sLLL", data, offset + 12 + 16 * i)
        tables[tag] = (toff, tlen)
    return tables


def postscript_name(data, offset: int, length: int) -> str | None:
    """Name ID 6 of the name table at ``offset`` (ASCII by definition)."""
    _fmt, count, strings = struct.unpack_from(">HHH", data, offset)
    for i in range(count):
        pid, eid, _lang, nid, ln, off = struct.unpack_from(">6H", data, offset + 6 + 12 * i)
        if nid == 6:
            text = _decode_name(pid, eid, bytes(data[offset + strings + off : offset + strings + off + ln]))
            if text and text.strip():
                return "".join(c for c in text.strip() if 33 <= ord(c) < 127 and c not in "[](){}<>/%#")
    return None

