"""Faces registered with reportlab, and which characters a face lacks."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

from bulletin.fonts.charset import _charset, _printable
from bulletin.fonts.convert import _CMAPS, _CONVERSION_LISTS, _cached_subset, _find_conversion
from bulletin.fonts.face import FontError, FontFace, _key, _where, _who
from bulletin.fonts.sfnt import _table_directory
from bulletin.i18n import N_

# --------------------------------------------------------------------------
# reportlab
#
# glyf faces of ordinary size are registered as they are (lazyttf), and so
# are faces with CID-keyed CFF outlines (Fandol, Noto CJK, Source Han), which
# cidfont embeds as CFF subsets.  Two kinds go through a cached TrueType
# subset (base_charset() plus the document's characters) instead: other CFF
# faces (name-keyed or CFF2), which reportlab cannot embed, and very large
# glyf faces, because reportlab reads every glyph's metrics when it
# registers a font (WQY Micro Hei, 49,531 glyphs: 55 ms; its 13,254-glyph
# base-set subset: 14 ms).  BULLETIN_CONVERT_CFF=1 sends every CFF face
# through the conversion, for a PDF consumer that cannot read CFF.

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
    if face.outline == "glyf":
        return _num_glyphs(face) > _DIRECT_GLYPH_LIMIT
    return not _embeds_cff(face)


# CFF faces: key → the CFFFont, or None when the outlines are not CID-keyed CFF.
_CFF_FONTS: dict[tuple[str, int], object] = {}


def _embeds_cff(face: FontFace) -> bool:
    """Whether a CFF face is embedded as it is (see cidfont), opened once."""
    import os

    if os.environ.get("BULLETIN_CONVERT_CFF"):
        return False
    key = _key(face)
    if key not in _CFF_FONTS:
        from bulletin.fonts.cidfont import CFFFont

        try:
            _CFF_FONTS[key] = CFFFont(_rl_name(face), str(face.path), face.index)
        except (OSError, ValueError, IndexError, struct.error):
            _CFF_FONTS[key] = None  # CFF2, name-keyed, odd: the conversion route
    return _CFF_FONTS[key] is not None


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
        raise FontError(N_("{who}: {file} cannot be used: {reason}", who=_who(face), file=_where(face), reason=str(err))) from None


def _rl_font(face: FontFace):
    """reportlab's parse of a direct face, made once per process."""
    key = _key(face)
    if face.outline != "glyf" and _embeds_cff(face):
        return _CFF_FONTS[key]
    if key not in _RL_FONTS:
        _RL_FONTS[key] = _load_reportlab(_rl_name(face), str(face.path), face.index, face)
    return _RL_FONTS[key]


def registered_name(face: FontFace, chars: Iterable[str] | None = None) -> str:
    """Register ``face`` with reportlab (once) and return its reportlab name.

    ``chars`` (a set of characters or strings of text) matters for very
    large glyf faces and CFF faces that are not CID-keyed, which are
    registered through a cached TrueType subset holding base_charset() and
    ``chars``; the cache grows when a document needs more. Other faces are
    registered as they are (CID-keyed CFF by cidfont, which looks ``chars``
    up so that drawing finds their widths).
    """
    from reportlab.pdfbase import pdfmetrics

    if not _via_subset(face):
        font = _rl_font(face)
        if font.fontName not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(font)
        if chars is not None and hasattr(font, "ensure"):
            font.ensure(_charset(chars))  # a CFF face's widths answer only for characters looked up
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
        # ``in`` looks a character up in a lazily read face; a glyph 0 entry is missing too.
        cmap = _rl_font(face).face.charToGlyph
        return {c for c in want if not (ord(c) in cmap and cmap[ord(c)])}
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
            raise FontError(N_("{who}: {file} cannot be read: {reason}", who=_who(face), file=_where(face), reason=str(err))) from None
    return _CMAPS[key]
