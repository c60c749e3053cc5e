"""A reportlab TrueType face that reads only what a document draws.

reportlab's ``TTFontFace`` walks the whole ``cmap``, ``hmtx`` and ``loca``
tables in Python when a face is loaded: 25–100 ms per CJK face (WenQuanYi
Micro Hei has 49,531 glyphs), the largest single cost of a PDF build.  A
bulletin draws a few hundred distinct characters per face.

``load(name, path, index)`` builds the same reportlab ``TTFont`` but parses
only the small tables (names, head, OS/2, post, hhea, maxp).  The character
map and the widths are dicts that fill themselves: a code point asked for
(``in``, ``[]``, ``get``) is looked up once in the raw cmap subtable (a
binary search) and remembered; ``ensure`` does that for many at once.  The
glyph metrics and locations that subsetting needs are read from the raw
tables when asked for.  Everything reportlab touches (``splitString``,
``getCharWidth``, ``makeSubset``) and bulletin.fonts' coverage check work
unchanged; a test compares the result with reportlab's own parse, subset
bytes included.  (Only C code reading the dicts directly — rl_accel's
``stringWidth`` — would see just the characters filled so far.)
"""

from __future__ import annotations

import mmap
import struct
from bisect import bisect_left

_LOADED: dict[tuple[str, int], object] = {}


class _Pairs:
    """``hmetrics[glyph]`` → (advance, lsb), read on demand, exactly as
    reportlab's parse has them: both unsigned (its subsetter packs them back
    as unsigned shorts), and for the glyphs after the last full metric the
    advance in 1/1000 em (a quirk of reportlab kept so subsets are
    byte-identical; the PDF's /Widths decide the advance anyway)."""

    __slots__ = ("count", "data", "long_count", "offset", "scale")

    def __init__(self, data: bytes, offset: int, long_count: int, count: int, scale):
        self.data, self.offset, self.long_count, self.count = data, offset, long_count, count
        self.scale = scale

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, glyph: int) -> tuple[int, int]:
        if not 0 <= glyph < self.count:
            raise IndexError(glyph)
        if glyph < self.long_count:
            return struct.unpack_from(">HH", self.data, self.offset + 4 * glyph)
        advance = self.scale(struct.unpack_from(">H", self.data, self.offset + 4 * (self.long_count - 1))[0])
        lsb = struct.unpack_from(">H", self.data, self.offset + 4 * self.long_count + 2 * (glyph - self.long_count))[0]
        return advance, lsb


class _Locations:
    """``glyphPos[glyph]`` → offset of the glyph in ``glyf``, read on demand."""

    __slots__ = ("count", "data", "long", "offset")

    def __init__(self, data: bytes, offset: int, long: bool, count: int):
        self.data, self.offset, self.long, self.count = data, offset, long, count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, glyph: int) -> int:
        if not 0 <= glyph < self.count:
            raise IndexError(glyph)
        if self.long:
            return struct.unpack_from(">L", self.data, self.offset + 4 * glyph)[0]
        return struct.unpack_from(">H", self.data, self.offset + 2 * glyph)[0] << 1


class _Cmap:
    """One Unicode cmap subtable (format 4 or 12) for single lookups."""

    def __init__(self, data: bytes, offset: int):
        self.data = data
        self.format = fmt = struct.unpack_from(">H", data, offset)[0]
        if fmt == 4:
            seg2 = struct.unpack_from(">H", data, offset + 6)[0]
            n = seg2 // 2
            ends = offset + 14
            self.ends = struct.unpack_from(f">{n}H", data, ends)
            self.starts = struct.unpack_from(f">{n}H", data, ends + seg2 + 2)
            self.deltas = struct.unpack_from(f">{n}h", data, ends + 2 * seg2 + 2)
            self.range_at = ends + 3 * seg2 + 2
            self.ranges = struct.unpack_from(f">{n}H", data, self.range_at)
            self.limit = offset + struct.unpack_from(">H", data, offset + 2)[0]
        elif fmt == 12:
            n = struct.unpack_from(">L", data, offset + 12)[0]
            groups = struct.unpack_from(f">{3 * n}L", data, offset + 16)
            self.starts, self.ends, self.glyphs = groups[0::3], groups[1::3], groups[2::3]
        else:
            raise ValueError(f"cmap format {fmt}")

    def glyph(self, code: int) -> int:
        k = bisect_left(self.ends, code)
        if k >= len(self.ends) or code < self.starts[k]:
            return 0
        if self.format == 12:
            return self.glyphs[k] + code - self.starts[k]
        if code > 0xFFFF:
            return 0
        if self.ranges[k] == 0:
            return (code + self.deltas[k]) & 0xFFFF
        at = self.range_at + 2 * k + self.ranges[k] + 2 * (code - self.starts[k])
        if at + 2 > self.limit:
            return 0
        g = struct.unpack_from(">H", self.data, at)[0]
        return (g + self.deltas[k]) & 0xFFFF if g else 0


class _SelfFilling(dict):
    """A dict of code point → value that asks ``fill`` about a missing key."""

    __slots__ = ("fill",)

    def __missing__(self, code):
        if self.fill(code):
            return dict.__getitem__(self, code)
        raise KeyError(code)

    def __contains__(self, code) -> bool:
        return dict.__contains__(self, code) or self.fill(code)

    def get(self, code, default=None):
        if dict.__contains__(self, code) or self.fill(code):
            return dict.__getitem__(self, code)
        return default


def best_cmap_offset(data, base: int) -> int | None:
    """Where the best Unicode subtable of the cmap table at ``base`` starts:
    full repertoire (3,10 / 0,4 / 0,6) first, then BMP; None if none."""
    count = struct.unpack_from(">H", data, base + 2)[0]
    found: dict[int, int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHL", data, base + 4 + 8 * i)
        fmt = struct.unpack_from(">H", data, base + offset)[0]
        rank = {(3, 10): 0, (0, 4): 1, (0, 6): 1, (3, 1): 2, (0, 3): 3}.get((platform, encoding))
        if rank is None and platform == 0:
            rank = 4
        if rank is not None and fmt in (4, 12) and rank not in found:
            found[rank] = base + offset
    return found[min(found)] if found else None


def _unicode_cmap(face) -> _Cmap | None:
    at = best_cmap_offset(face._ttf_data, face.table["cmap"]["offset"])
    return None if at is None else _Cmap(face._ttf_data, at)


def _without_license_text(data: bytes) -> bytes:
    """The ``name`` table minus its license texts (name ID 13).

    reportlab copies the whole table into every 256-glyph subset it embeds;
    the AR PL fonts carry their 13.8 KB license in three languages there, so
    each subset would hold 41 KB of it.  The embedded programs keep every
    other name (family, style, copyright, license URL …)."""
    try:
        fmt, count, offset = struct.unpack_from(">3H", data, 0)
        if fmt != 0:
            return data
        records = [struct.unpack_from(">6H", data, 6 + 12 * i) for i in range(count)]
    except struct.error:
        return data
    kept = [r for r in records if r[3] != 13]
    if len(kept) == len(records):
        return data
    out, strings, seen = [], bytearray(), {}
    for platform, encoding, language, name_id, length, at in kept:
        raw = data[offset + at: offset + at + length]
        if raw not in seen:
            seen[raw] = len(strings)
            strings += raw
        out.append(struct.pack(">6H", platform, encoding, language, name_id, length, seen[raw]))
    return struct.pack(">3H", 0, len(kept), 6 + 12 * len(kept)) + b"".join(out) + bytes(strings)


def load(name: str, path: str, index: int = 0):
    """A reportlab TTFont for face ``index`` of ``path`` with empty character
    maps (see ``ensure``); the full reportlab parse when this face cannot be
    read lazily (an unusual cmap, or a face that forbids subsetting)."""
    from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

    key = (path, index)
    font = _LOADED.get(key)
    if font is not None and font.fontName == name:
        return font

    class _Face(TTFontFace):
        def readFile(self, f):
            # Map the file instead of reading it: a CJK font is 5-20 MB, of
            # which a bulletin touches a few hundred glyphs (8 ms of reads saved).
            if isinstance(f, str):
                with open(f, "rb") as fh:
                    self._ttf_data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                self.filename = f
                self._pos = 0
            else:
                TTFontFace.readFile(self, f)

        def makeSubset(self, subset):
            # The same characters of the same face make the same subset: an
            # issue rebuilt while it is edited reuses its subsets (reportlab
            # builds each in Python, ~1.3 ms apiece, nine for an issue).
            return _cached_subset(self, subset, lambda: TTFontFace.makeSubset(self, subset))

        def extractInfo(self, charInfo=1):
            TTFontFace.extractInfo(self, charInfo=0)

        def get_table(self, tag):
            data = TTFontFace.get_table(self, tag)
            return _without_license_text(data) if tag == "name" else data

    font = TTFont.__new__(TTFont)
    try:
        face = _Face(path, subfontIndex=index)
        cmap = _unicode_cmap(face)
        if cmap is None or face._full_font or "loca" not in face.table or "glyf" not in face.table:
            raise ValueError("not lazily readable")
        data = face._ttf_data
        head = face.table["head"]["offset"]
        hhea = face.table["hhea"]["offset"]
        long_loca = struct.unpack_from(">h", data, head + 50)[0] == 1
        long_count = struct.unpack_from(">H", data, hhea + 34)[0]
        face.hmetrics = _Pairs(data, face.table["hmtx"]["offset"], long_count, face.numGlyphs, face._pdfScale)
        face.glyphPos = _Locations(data, face.table["loca"]["offset"], long_loca, face.numGlyphs + 1)
        face.glyphToChar = {}
        face.defaultWidth = face._pdfScale(face.hmetrics[0][0])
        face._lazy_cmap = cmap
        face.charToGlyph = _SelfFilling()
        face.charWidths = _SelfFilling()
        face.charToGlyph.fill = face.charWidths.fill = _filler(face)
    except Exception:  # noqa: BLE001 — anything odd: let reportlab read it fully
        font = TTFont(name, path, subfontIndex=index)
        _LOADED[key] = font
        return font
    from weakref import WeakKeyDictionary

    from reportlab.pdfbase.ttfonts import TTEncoding

    # What TTFont.__init__ sets, without its parse.  Subsets are filled in
    # drawing order only (no ASCII block reserved in subset 0): smaller
    # subsets for CJK faces, and independent of which characters were ensured.
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = False
    font.shapable = False
    ensure(font, "\0 ")  # reportlab's subset 0 always holds codes 0 and 32
    _LOADED[key] = font
    return font


def _subset_key(face, subset) -> str | None:
    import hashlib
    import os

    if os.environ.get("BULLETIN_NO_SUBSET_CACHE"):
        return None
    try:
        st = os.stat(face.filename)
        code = os.stat(__file__)
    except (OSError, TypeError):
        return None
    digest = hashlib.sha256(
        f"{face.filename}|{st.st_size}|{st.st_mtime_ns}|{getattr(face, 'subfontNameX', b'')!r}|"
        f"{code.st_size}|{code.st_mtime_ns}|".encode("utf-8", "surrogatepass")
    )
    digest.update(",".join(map(str, subset)).encode())
    return digest.hexdigest()


def _cached_subset(face, subset, make) -> bytes:
    """``make()``'s subset font bytes, kept in the cache folder by face and characters."""
    from bulletin.cache import atomic_write, cache_dir

    key = _subset_key(face, subset)
    if key is None:
        return make()
    path = cache_dir() / "subsets" / key[:2] / f"{key}.ttf"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        atomic_write(path, data)
    except OSError:
        pass  # a read-only cache folder only costs speed
    return data


def _filler(face):
    """The lookup behind a lazy face's dicts: True (and both dicts filled)
    when the face maps ``code`` to a real glyph."""
    cmap, hmetrics, scale, count = face._lazy_cmap, face.hmetrics, face._pdfScale, face.numGlyphs
    missing: set[int] = set()

    def fill(code) -> bool:
        if code in missing or not isinstance(code, int):
            return False
        glyph = cmap.glyph(0x20 if code == 0xA0 else code)  # reportlab maps NBSP to the space
        if not glyph or glyph >= count:
            missing.add(code)
            return False
        advance = hmetrics[glyph][0]
        dict.__setitem__(face.charToGlyph, code, glyph)
        dict.__setitem__(face.charWidths, code, scale(advance) if glyph < hmetrics.long_count else advance)
        return True

    return fill


def ensure(font, chars) -> None:
    """Look up every character of ``chars`` now (no-op for a face reportlab
    parsed fully)."""
    face = font.face
    if getattr(face, "_lazy_cmap", None) is None:
        return
    contains = face.charToGlyph.__contains__
    for c in chars:
        contains(ord(c))
