"""Cached TrueType subsets of faces reportlab cannot embed as they are:
CFF outlines redrawn as quadratic glyf (the otf2ttf route), very large glyf
faces copied, each for base_charset() plus the characters documents need."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from bulletin import cache as _cache
from bulletin.fonts.charset import base_charset
from bulletin.fonts.face import FontError, FontFace, _key, _where, _who, stats
from bulletin.i18n import N_

cache_dir = _cache.cache_dir
_atomic_write = _cache.atomic_write

# Bump when the conversion output changes, so old cache entries are ignored.
_CONVERTER_VERSION = 1
# cu2qu tolerance in font units (the otf2ttf default): invisible at print size.
_CU2QU_MAX_ERR = 1.0
# maxp limits written into converted fonts. reportlab copies maxp verbatim into
# every embedded subset, so the values must not depend on which characters a
# conversion happened to hold, or PDFs would differ with the cache state.
# They are upper bounds: the heaviest GB2312 glyph of Noto Serif CJK SC Bold
# has 312 points and 17 contours after conversion.
_MAXP_POINTS = 4096
_MAXP_CONTOURS = 512

_CMAPS: dict[tuple[str, int], frozenset[int]] = {}  # subset faces: source cmap

_FONTTOOLS_VERSION: list[str] = []
_SOURCE_KEYS: dict[tuple[str, int], str] = {}
# Cache listings per source key; dropped whenever this process writes one.
_CONVERSION_LISTS: dict[str, list] = {}


def _fonttools_version() -> str:
    # Reading the version without importing fontTools saves ~5 ms per build.
    if not _FONTTOOLS_VERSION:
        import importlib.util

        version = None
        spec = importlib.util.find_spec("fontTools")
        if spec and spec.origin:
            try:
                text = Path(spec.origin).read_text("utf-8")
                m = re.search(r"""^version\s*=\s*__version__\s*=\s*["']([^"']+)""", text, re.MULTILINE)
                version = m.group(1) if m else None
            except OSError:
                pass
        if version is None:
            import fontTools

            version = fontTools.version
        _FONTTOOLS_VERSION.append(version)
    return _FONTTOOLS_VERSION[0]


def _source_key(face: FontFace) -> str:
    """Names a subset's source: file, size, mtime, face, fontTools, us."""
    import hashlib

    if _key(face) not in _SOURCE_KEYS:
        st = face.path.stat()
        raw = (
            f"{face.path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{face.index}|"
            f"{_fonttools_version()}|{_CONVERTER_VERSION}"
        )
        _SOURCE_KEYS[_key(face)] = hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return _SOURCE_KEYS[_key(face)]


def _set_digest(chars: Iterable[str]) -> str:
    import hashlib

    return hashlib.sha1("".join(sorted(chars)).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _conversions(face: FontFace) -> list:
    """Cached subsets of ``face``: [(ttf path, requested, covered, digest)]."""
    import json

    key = _source_key(face)
    if key in _CONVERSION_LISTS:
        return _CONVERSION_LISTS[key]
    hits = []
    try:
        metas = sorted((cache_dir() / "ttf").glob(key + "-*.json"))
    except OSError:
        metas = []
    for meta in metas:
        ttf = meta.with_suffix(".ttf")
        try:
            info = json.loads(meta.read_text("utf-8"))
            requested, covered = frozenset(info["requested"]), frozenset(info["covered"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # another process is replacing it, or it is damaged
        if ttf.is_file():
            hits.append((ttf, requested, covered, meta.stem.rsplit("-", 1)[-1]))
    _CONVERSION_LISTS[key] = hits
    return hits


def _find_conversion(face: FontFace, needed: set[str]):
    for hit in _conversions(face):
        if needed <= hit[1]:
            return hit
    return None


def _cached_subset(face: FontFace, needed: set[str]):
    """A TrueType subset of ``face`` holding ``needed``: from the cache, or
    made now for needed ∪ base set ∪ everything cached before."""
    import json

    hit = _find_conversion(face, needed)
    if hit is not None:
        return hit
    older = _conversions(face)
    _CONVERSION_LISTS.clear()
    requested = frozenset(base_charset() | needed).union(*(h[1] for h in older))
    try:
        from bulletin.fonts.progress import slow

        with slow(f"converting {face.family} to TrueType for the PDF (once; kept in {cache_dir()})"):
            data, covered = _build_subset(face, requested, [h[0] for h in older])
    except Exception as err:  # noqa: BLE001 - fontTools raises many types on odd fonts
        raise FontError(N_("{who}: making a TrueType subset of {file} failed: {reason}", who=_who(face), file=_where(face), reason=str(err))) from None
    digest = _set_digest(requested)
    stem = cache_dir() / "ttf" / f"{_source_key(face)}-{digest}"
    meta = json.dumps(
        {
            "source": str(face.path),
            "index": face.index,
            "requested": "".join(sorted(requested)),
            "covered": "".join(sorted(covered)),
        },
        ensure_ascii=False,
    ).encode("utf-8")
    try:
        # The .ttf first: a .json is only ever read next to a complete .ttf.
        _atomic_write(stem.with_suffix(".ttf"), data)
        _atomic_write(stem.with_suffix(".json"), meta)
    except OSError:
        import io

        return io.BytesIO(data), requested, covered, digest  # read-only cache
    for old_ttf, *_ in older:  # superseded: their sets are subsets of ours
        for path in (old_ttf.with_suffix(".json"), old_ttf):
            try:
                path.unlink()
            except OSError:
                pass
    return stem.with_suffix(".ttf"), requested, covered, digest


def _reusable_glyphs(paths: list[Path], wanted: dict[int, str]):
    """Already converted glyphs from older cache entries, by source glyph name.

    Growing a CFF conversion by a few characters then costs a fraction of a
    second instead of redrawing thousands of glyphs. The compiled glyph
    bytes are reused as they are, so the result is identical to a fresh
    conversion. Returns ({name: (glyph, (advance, lsb))}, maxPoints, maxContours).
    """
    from fontTools.ttLib import TTFont

    reused: dict = {}
    max_points, max_contours = _MAXP_POINTS, _MAXP_CONTOURS
    for path in paths:
        try:
            with TTFont(str(path), lazy=True) as old:
                old_cmap, old_glyf, old_hmtx = old.getBestCmap(), old["glyf"], old["hmtx"]
                found = {}
                for cp, name in wanted.items():
                    old_name = old_cmap.get(cp)
                    if old_name is not None and name not in reused:
                        found[name] = (old_glyf.glyphs[old_name], old_hmtx[old_name])
                max_points = max(max_points, old["maxp"].maxPoints)
                max_contours = max(max_contours, old["maxp"].maxContours)
            reused.update(found)
        except Exception:  # noqa: BLE001, S112 - a damaged cache entry is simply not reused
            continue
    return reused, max_points, max_contours


def _draw_cff_glyphs(src, order: list[str], reuse: list[Path], wanted: dict[int, str]):
    """CFF → quadratic glyf outlines (the otf2ttf route), only for ``order``."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    reused, max_points, max_contours = _reusable_glyphs(reuse, wanted)
    glyph_set = src.getGlyphSet()
    glyphs, metrics = {}, {}
    for name in order:
        if name in reused:
            glyphs[name], metrics[name] = reused[name]
            continue
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, _CU2QU_MAX_ERR, reverse_direction=True))
        glyph = pen.glyph()
        glyph.recalcBounds(None)
        glyphs[name] = glyph
        metrics[name] = (src["hmtx"][name][0], glyph.xMin if glyph.numberOfContours else 0)
        max_points = max(max_points, len(glyph.coordinates))
        max_contours = max(max_contours, glyph.numberOfContours)

    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    # Floors, or the true maximum in the (rare) case a glyph exceeds them.
    maxp.maxPoints, maxp.maxContours = max_points, max_contours
    for attr in (
        "maxCompositePoints",
        "maxCompositeContours",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 2
    return glyphs, metrics, {"maxp": maxp}


def _copy_glyf_glyphs(src, order: list[str]):
    """glyf → glyf: the source's glyph bytes, hinting and maxp as they are."""
    import copy

    glyf = src["glyf"]
    glyphs = {name: glyf.glyphs[name] for name in order}
    for glyph in glyphs.values():
        if glyph.isComposite():
            glyph.expand(glyf)  # component references are renumbered on save
    metrics = {name: src["hmtx"][name] for name in order}
    tables = {tag: copy.deepcopy(src[tag]) for tag in ("maxp", "cvt ", "fpgm", "prep", "gasp") if tag in src}
    return glyphs, metrics, tables


def _with_components(src, names: set[str]) -> set[str]:
    """``names`` plus every glyph their composites use, recursively."""
    glyf = src["glyf"]
    todo, seen = list(names), set(names)
    while todo:
        glyph = glyf.glyphs[todo.pop()]
        if glyph.isComposite():
            glyph.expand(glyf)
            for component in glyph.components:
                if component.glyphName not in seen:
                    seen.add(component.glyphName)
                    todo.append(component.glyphName)
    return seen


def _build_subset(face: FontFace, chars: Iterable[str], reuse: list[Path] = ()) -> tuple[bytes, frozenset[str]]:
    """A TrueType font holding only the glyphs of ``chars``.

    For CFF sources only the needed glyphs are drawn (the "subset first" of
    the otf2ttf route, without fontTools.subset's slow GSUB closure over a
    CJK font). Everything reportlab copies into embedded subsets (head,
    hhea, maxp, OS/2, name) is kept independent of the character set, so a
    PDF comes out byte-identical whichever cached subset served it.
    """
    from fontTools.ttLib import TTFont

    stats["conversions"] += 1
    with TTFont(str(face.path), fontNumber=face.index, lazy=True) as src:
        return _subset_from(src, face, chars, reuse)


def _subset_from(src, face: FontFace, chars: Iterable[str], reuse: list[Path]) -> tuple[bytes, frozenset[str]]:
    import copy
    import io

    from fontTools.ttLib import TTFont, newTable
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    cmap = src.getBestCmap()
    _CMAPS.setdefault(_key(face), frozenset(cmap))
    wanted = {ord(c): cmap[ord(c)] for c in chars if ord(c) in cmap}
    names = set(wanted.values()) | {".notdef"}
    if "glyf" in src:
        names = _with_components(src, names)
    order = [".notdef"] + sorted(names - {".notdef"}, key=src.getGlyphID)
    if "glyf" in src:
        glyphs, metrics, tables = _copy_glyf_glyphs(src, order)
    else:
        glyphs, metrics, tables = _draw_cff_glyphs(src, order, list(reuse), wanted)

    # Not recalculating keeps the source's whole-font bbox and extents.
    out = TTFont(recalcBBoxes=False, recalcTimestamp=False)
    out.setGlyphOrder(order)
    for tag in ("head", "hhea", "name"):
        out[tag] = copy.deepcopy(src[tag])
    out["head"].glyphDataFormat = 0
    os2 = copy.deepcopy(src["OS/2"])
    os2.updateFirstAndLastCharIndex = lambda ttFont: None  # keep the source's
    out["OS/2"] = os2
    for tag, table in tables.items():
        out[tag] = table

    post = newTable("post")
    post.formatType = 3.0
    for attr in ("italicAngle", "underlinePosition", "underlineThickness", "isFixedPitch"):
        setattr(post, attr, getattr(src["post"], attr))
    post.minMemType42 = post.maxMemType42 = post.minMemType1 = post.maxMemType1 = 0
    out["post"] = post

    hmtx = newTable("hmtx")
    hmtx.metrics = metrics
    out["hmtx"] = hmtx
    out["loca"] = newTable("loca")
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    out["glyf"] = glyf
    out["cmap"] = _cmap_table(wanted, newTable, CmapSubtable)

    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue(), frozenset(chr(cp) for cp in wanted)


def _cmap_table(wanted: dict[int, str], newTable, CmapSubtable):
    subtables = []
    bmp = {cp: g for cp, g in wanted.items() if cp <= 0xFFFF}
    for platform, encoding in ((0, 3), (3, 1)):
        sub = CmapSubtable.newSubtable(4)
        sub.platformID, sub.platEncID, sub.language, sub.cmap = platform, encoding, 0, dict(bmp)
        subtables.append(sub)
    if len(bmp) < len(wanted):  # characters beyond the BMP need format 12
        for platform, encoding in ((0, 4), (3, 10)):
            sub = CmapSubtable.newSubtable(12)
            sub.platformID, sub.platEncID, sub.language, sub.cmap = platform, encoding, 0, dict(wanted)
            subtables.append(sub)
    table = newTable("cmap")
    table.tableVersion = 0
    table.tables = subtables
    return table
