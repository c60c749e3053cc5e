"""Faces registered with reportlab, and which characters a face lacks."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

from bulletin.fonts.charset import _charset, _printable
from bulletin.fonts.convert import _CMAPS, _CONVERSION_LISTS, _cached_subset, _find_conversion
from bulletin.fonts.face import FontError, FontFace, _key, _where, _who
from bulletin.fonts.sfnt import _table_directory

# --------------------------------------------------------------------------
# reportlab
#
# glyf faces of ordinary size are registered as they are. Two kinds go
# through a cached TrueType subset (base_charset() plus the document's
# characters) instead: CFF faces, which reportlab cannot embed, and very
# large glyf faces, because reportlab reads every glyph's metrics when it
# registers a font (WQY Micro Hei, 49,531 glyphs: 55 ms; its 13,254-glyph
# base-set subset: 14 ms).

_DIRECT_GLYPH_LIMIT = 12000
_RL_FONTS: dict[tuple[str, int], object] = {}  # direct faces: reportlab TTFont
# subset faces: (reportlab name, requested chars, covered chars) now registered
_CONVERTED: dict[tuple[str, int], tuple[str, frozenset[str], frozenset[str]]] = {}
_NUM_GLYPHS: dict[tuple[str, int], int] = {}

def _num_glyphs(face: FontFace) -> int:
    key = _key(face)
    if key not in _NUM_GLYPHS:
        count = 0
        try:
            with open(face.path, "rb") as f:
                offset = 0
                if f.read(4) == b"ttcf":
                    f.seek(12 + 4 * face.index)
                    (offset,) = struct.unpack(">L", f.read(4))
                maxp = _table_directory(f, offset).get(b"maxp")
                if maxp:
                    f.seek(maxp[0] + 4)
                    (count,) = struct.unpack(">H", f.read(2))
        except (OSError, struct.error):
            pass  # reportlab will report the unreadable file
        _NUM_GLYPHS[key] = count
    return _NUM_GLYPHS[key]


def _via_subset(face: FontFace) -> bool:
    return face.outline != "glyf" or _num_glyphs(face) > _DIRECT_GLYPH_LIMIT


def _rl_name(face: FontFace, suffix: str = "") -> str:
    # Internal to reportlab (the PDF shows the font's PostScript name), but
    # unique per file and face so two roles sharing a face share one font.
    digest = zlib.crc32(str(face.path).encode("utf-8", "surrogatepass"))
    return f"{face.path.stem}-{face.index}-{digest:08x}{suffix}"


def _load_reportlab(name: str, source, index: int, face: FontFace):
    # lazyttf reads a face's tables on demand: ~1 ms instead of reportlab's
    # 25-100 ms full parse of a CJK face, the largest cost of a PDF build.
    from reportlab.pdfbase.ttfonts import TTFError

    from bulletin.fonts import lazyttf

    try:
        return lazyttf.load(name, str(source), index)
    except (TTFError, OSError, struct.error, ValueError) as err:
        raise FontError(f"{_who(face)}: {_where(face)} cannot be used: {err}") from None


def _rl_font(face: FontFace):
    """reportlab's parse of a direct face, made once per process."""
    key = _key(face)
    if key not in _RL_FONTS:
        _RL_FONTS[key] = _load_reportlab(_rl_name(face), str(face.path), face.index, face)
    return _RL_FONTS[key]


def registered_name(face: FontFace, chars: Iterable[str] | None = None) -> str:
    """Register ``face`` with reportlab (once) and return its reportlab name.

    ``chars`` (a set of characters or strings of text) matters for CFF and
    very large faces, which are registered through a cached TrueType subset
    holding base_charset() and ``chars``; the cache grows when a document
    needs more. Other glyf faces are registered as they are.
    """
    from reportlab.pdfbase import pdfmetrics

    if not _via_subset(face):
        font = _rl_font(face)
        if font.fontName not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(font)
        return font.fontName
    needed = _printable(_charset(chars))
    current = _CONVERTED.get(_key(face))
    if current is not None and needed <= current[1]:
        return current[0]
    for attempt in range(2):
        source, requested, covered, digest = _cached_subset(face, needed)
        name = _rl_name(face, f"-sub{digest[:8]}")
        if name in pdfmetrics.getRegisteredFontNames():
            break
        try:
            pdfmetrics.registerFont(_load_reportlab(name, source, 0, face))
            break
        except FontError:
            # A parallel build may have just replaced this cache entry with
            # a larger one: look again once before giving up.
            _CONVERSION_LISTS.clear()
            if attempt:
                raise
    _CONVERTED[_key(face)] = (name, requested, covered)
    return name


def missing_chars(face: FontFace, chars: Iterable[str]) -> set[str]:
    """Characters of ``chars`` (a set or strings) that ``face`` cannot draw.

    Control characters (newlines, tabs) are never reported.
    """
    want = _printable(_charset(chars))
    if not _via_subset(face):
        # reportlab's parse is needed for the PDF anyway and is faster
        # than fontTools' cmap reader.
        cmap = _rl_font(face).face.charToGlyph
        return {c for c in want if not cmap.get(ord(c))}
    # Answer from a cached subset that asked for these characters if there
    # is one (in memory or on disk), else from the source font's cmap.
    current = _CONVERTED.get(_key(face))
    if current is not None and want <= current[1]:
        return want - current[2]
    hit = _find_conversion(face, want)
    if hit is not None:
        return want - hit[2]
    cmap = _source_cmap(face)
    return {c for c in want if ord(c) not in cmap}


def _source_cmap(face: FontFace) -> frozenset[int]:
    key = _key(face)
    if key not in _CMAPS:
        from fontTools.ttLib import TTFont

        try:
            with TTFont(str(face.path), fontNumber=face.index, lazy=True) as font:
                _CMAPS[key] = frozenset(font.getBestCmap() or {})
        except Exception as err:  # noqa: BLE001 - fontTools raises many types on odd fonts
            raise FontError(f"{_who(face)}: {_where(face)} cannot be read: {err}") from None
    return _CMAPS[key]
