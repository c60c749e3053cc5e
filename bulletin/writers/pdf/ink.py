"""Where a glyph's ink starts, read from the font's outlines.

An opening bracket or quote that starts a line is set with its ink flush
with the line's start (CLREQ's line-start adjustment; XeLaTeX and Typst do
the same): the blank the face leaves before the mark's ink is dropped.  How
much blank that is differs from face to face — （ starts its ink at 0.71 em
in AR PL SungtiL GB, at 0.38 em in WenQuanYi Micro Hei — so it is measured
on the outline (fontTools bounds): once per face file, for every opening
mark, and kept in the cache folder (reading a CJK face's cmap costs about
0.1 s, a warm build's third).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os

from bulletin.cache import atomic_write, cache_dir
from bulletin.text.chars import OPENING_CHARS

_INK: dict[tuple[str, int], dict[str, float]] = {}


def ink_left(face, char: str) -> float:
    """The left edge of ``char``'s ink in ems from its origin (0.0 when the
    face lacks it or the glyph is blank); ``char`` is an opening mark."""
    key = (str(face.path), face.index)
    marks = _INK.get(key)
    if marks is None:
        marks = _INK[key] = _cached(face)
    return marks.get(char, 0.0)


def _cached(face) -> dict[str, float]:
    try:
        st = os.stat(face.path)
    except OSError:
        return {}
    ident = f"{os.path.abspath(face.path)}|{face.index}|{st.st_size}|{st.st_mtime_ns}|{OPENING_CHARS}"
    path = cache_dir() / "ink" / (hashlib.sha256(ident.encode()).hexdigest()[:24] + ".json")
    try:
        marks = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(marks, dict) and all(isinstance(v, float) for v in marks.values()):
            return marks
    except (OSError, ValueError):
        pass
    marks = _measure(face)
    try:
        atomic_write(path, json.dumps(marks, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    except OSError:
        pass  # a read-only cache only costs time
    return marks


def _measure(face) -> dict[str, float]:
    from bulletin.fonts import ink_left_edges

    fast = ink_left_edges(face, OPENING_CHARS)  # CFF faces without fontTools: ~1 ms instead of ~0.3 s
    if fast is not None:
        return fast
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    # fontTools logs harmless complaints about some Debian faces' tables
    # ("too much 'glyf' table data"); they are not the user's business.
    log = logging.getLogger("fontTools")
    level = log.level
    log.setLevel(logging.CRITICAL)
    out: dict[str, float] = {}
    try:
        with TTFont(str(face.path), fontNumber=face.index, lazy=True) as font:
            cmap = font.getBestCmap()
            glyphs = font.getGlyphSet()
            upm = font["head"].unitsPerEm
            for char in OPENING_CHARS:
                name = cmap.get(ord(char))
                if name is None:
                    continue
                pen = BoundsPen(glyphs)
                glyphs[name].draw(pen)
                if pen.bounds is not None:
                    out[char] = max(0.0, pen.bounds[0] / upm)
    finally:
        log.setLevel(level)
    return out
