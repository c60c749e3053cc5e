"""OpenType/CFF faces for reportlab, embedded as they are.

reportlab embeds only TrueType (glyf) outlines.  An OpenType face with
CID-keyed CFF outlines (Fandol, Noto CJK, Source Han) is embedded here the
way Typst and WeasyPrint do it: a Type0 font with Identity-H encoding over a
CIDFontType0 whose program (FontFile3, CIDFontType0C) is a subset of the
face's CFF table holding exactly the glyphs the document draws.  The codes
in the page streams are the glyphs' CIDs, so they do not depend on which
other glyphs a document uses; the subset depends only on the set of glyphs.
Nothing is converted: subsetting copies charstrings byte for byte (~3 ms
for 800 glyphs of FandolFang); deflating the subset costs more (~5 ms), so
the deflated program is kept in the cache folder by face and glyph set, for
rebuilds of the same issue.  Empty or warm, the bytes are the same.

``CFFFont`` offers what reportlab and bulletin's PDF writer use of a
reportlab ``TTFont``: ``fontName``, ``face`` (``charWidths``,
``charToGlyph``, ``defaultWidth``, ``name``), ``splitString``,
``getSubsetInternalName``, ``stringWidth`` and ``addObjects``.
"""

from __future__ import annotations

import hashlib
import mmap
import struct
import zlib
from weakref import WeakKeyDictionary


class CFFFace:
    """The metrics and maps of one OpenType/CFF face, read on demand."""

    def __init__(self, path: str, index: int = 0):
        from bulletin.fonts.lazyttf import _Cmap, best_cmap_offset
        from bulletin.fonts.sfnt import table_directory_at

        with open(path, "rb") as fh:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        offset = 0
        if data[:4] == b"ttcf":
            (offset,) = struct.unpack_from(">L", data, 12 + 4 * index)
        self.filename, self.index, self._data = path, index, data
        self.tables = tables = table_directory_at(data, offset)
        for tag in (b"CFF ", b"cmap", b"head", b"hhea", b"hmtx"):
            if tag not in tables:
                raise ValueError(f"no {tag.decode().strip()} table")
        head = tables[b"head"][0]
        self.units_per_em = struct.unpack_from(">H", data, head + 18)[0]
        self.bbox = [self._scale(v) for v in struct.unpack_from(">4h", data, head + 36)]
        hhea = tables[b"hhea"][0]
        ascent, descent = struct.unpack_from(">hh", data, hhea + 4)
        self.long_metrics = struct.unpack_from(">H", data, hhea + 34)[0]
        # A positive descent (FandolSong Regular's hhea says +200) means below the baseline.
        self.ascent, self.descent = self._scale(ascent), -abs(self._scale(descent))
        self.cap_height = self.ascent
        if b"OS/2" in tables:
            os2, length = tables[b"OS/2"]
            version = struct.unpack_from(">H", data, os2)[0]
            if version >= 2 and length >= 90:
                self.cap_height = self._scale(struct.unpack_from(">h", data, os2 + 88)[0]) or self.ascent
        self.italic_angle = 0.0
        if b"post" in tables:
            self.italic_angle = struct.unpack_from(">l", data, tables[b"post"][0] + 4)[0] / 65536.0
        cmap_at = best_cmap_offset(data, tables[b"cmap"][0])
        if cmap_at is None:
            raise ValueError("no Unicode cmap")
        self._cmap = _Cmap(data, cmap_at)
        self._cff = None
        self.name = self._postscript_name()
        self.defaultWidth = self._advance(0)
        self.charToGlyph = _Filled()
        self.charWidths = _Filled()
        self.charToGlyph.fill = self.charWidths.fill = self._fill
        self._missing: set[int] = set()

    def _scale(self, v: int) -> int:
        return round(v * 1000 / self.units_per_em)

    def _advance(self, glyph: int) -> float:
        at = self.tables[b"hmtx"][0] + 4 * min(glyph, self.long_metrics - 1)
        return struct.unpack_from(">H", self._data, at)[0] * 1000 / self.units_per_em

    def _fill(self, code) -> bool:
        if code in self._missing or not isinstance(code, int):
            return False
        glyph = self._cmap.glyph(0x20 if code == 0xA0 else code)
        if not glyph:
            self._missing.add(code)
            return False
        dict.__setitem__(self.charToGlyph, code, glyph)
        dict.__setitem__(self.charWidths, code, self._advance(glyph))
        return True

    @property
    def cff(self):
        if self._cff is None:
            from bulletin.fonts.cff import CFF

            start, length = self.tables[b"CFF "]
            self._cff = CFF(memoryview(self._data)[start : start + length])
        return self._cff

    def _postscript_name(self) -> bytes:
        from bulletin.fonts.sfnt import postscript_name

        name = postscript_name(self._data, *self.tables[b"name"]) if b"name" in self.tables else None
        return (name or "Font").encode("ascii")


class _Filled(dict):
    """code point → value, filled from the face on ``in`` and ``[]``; ``get``
    is the plain dict's (C speed) and so answers only for characters looked
    up before — registration looks up every character of a document first."""

    __slots__ = ("fill",)

    def __missing__(self, code):
        if self.fill(code):
            return dict.__getitem__(self, code)
        raise KeyError(code)

    def __contains__(self, code) -> bool:
        return dict.__contains__(self, code) or self.fill(code)


class CFFFont:
    _dynamicFont = 1
    _multiByte = 1
    shapable = False  # reportlab's canvas asks; text is drawn unshaped
    hex_text = True  # bulletin's PDF writer shows the 2-byte codes as <hex> strings

    def __init__(self, name: str, path: str, index: int = 0):
        self.fontName = name
        self.face = CFFFace(path, index)
        # The CFF table is parsed now so a damaged one fails at registration.
        self.face.cff  # noqa: B018
        self.state = WeakKeyDictionary()
        self._codes: dict[str, bytes] = {}  # character → its 2-byte code (the glyph's CID)

    def ensure(self, chars) -> None:
        """Look up every character of ``chars`` now (so ``get`` knows them)."""
        contains = self.face.charToGlyph.__contains__
        for c in chars:
            contains(ord(c))

    def stringWidth(self, text: str, size: float, encoding="utf8") -> float:
        self.ensure(text)
        get, default = self.face.charWidths.get, self.face.defaultWidth
        return sum(get(ord(c), default) for c in text) * size / 1000.0

    def _state(self, doc):
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = {"name": None, "chars": set()}
        return state

    def _code(self, c: str) -> bytes:
        code = 0x20 if c == "\xa0" else ord(c)
        glyph = self.face.charToGlyph[code] if code in self.face.charToGlyph else 0
        value = self._codes[c] = self.face.cff.cids[glyph].to_bytes(2, "big")
        return value

    def splitString(self, text: str, doc, encoding="utf-8"):
        """One chunk: two bytes per character, the CID of its glyph (0 for
        characters the face lacks, which the coverage check rules out)."""
        codes = self._codes
        try:
            data = b"".join([codes[c] for c in text])
        except KeyError:
            data = b"".join([codes[c] if c in codes else self._code(c) for c in text])
        self._state(doc)["chars"].update(text)
        return [(0, data)]

    def getSubsetInternalName(self, subset: int, doc) -> str:
        state = self._state(doc)
        if state["name"] is None:
            state["name"] = "F" + repr(len(doc.fontMapping) + 1)
            doc.fontMapping[self.fontName] = "/" + state["name"]
            doc.delayedFonts.append(self)
        return "/" + state["name"]

    def addObjects(self, doc) -> None:
        from reportlab.pdfbase import pdfdoc

        state = self._state(doc)
        internal = self.getSubsetInternalName(0, doc)[1:]
        face = self.face
        to_glyph, cids_of = face.charToGlyph, face.cff.cids
        used: dict[int, tuple[int, int]] = {}  # cid → (lowest code point drawn with it, glyph)
        for c in state["chars"]:
            code = 0x20 if c == "\xa0" else ord(c)
            glyph = to_glyph[code] if code in to_glyph else 0
            if glyph:
                cid = cids_of[glyph]
                if cid not in used or code < used[cid][0]:
                    used[cid] = (code, glyph)
        cids = sorted(used)
        program = self._program([used[c][1] for c in cids])
        digest = hashlib.sha256(face.name + b"|" + repr(cids).encode()).digest()
        tag = "".join(chr(65 + b % 26) for b in digest[:6])
        base = f"{tag}+{face.name.decode('ascii')}"

        font_file = pdfdoc.PDFStream(dictionary=pdfdoc.PDFDictionary({"Subtype": pdfdoc.PDFName("CIDFontType0C")}),
                                     content=program)
        font_file.filters = [_DEFLATED]
        descriptor = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("FontDescriptor"),
            "FontName": pdfdoc.PDFName(base),
            "Flags": 4,  # symbolic: glyphs outside the standard Latin set
            "FontBBox": pdfdoc.PDFArray(face.bbox),
            "ItalicAngle": face.italic_angle,
            "Ascent": face.ascent,
            "Descent": face.descent,
            "CapHeight": face.cap_height,
            "StemV": 80,
            "FontFile3": doc.Reference(font_file, f"fontFile:{internal}"),
        })
        widths = face.charWidths
        default = face.defaultWidth
        w_array = []
        for cid in cids:
            w = widths.get(used[cid][0], default)
            if w != 1000:
                w_array.extend([cid, pdfdoc.PDFArray([_num(w)])])
        registry, ordering, supplement = face.cff.ros
        cid_font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("CIDFontType0"),
            "BaseFont": pdfdoc.PDFName(base),
            "CIDSystemInfo": pdfdoc.PDFDictionary({
                "Registry": pdfdoc.PDFString(registry),
                "Ordering": pdfdoc.PDFString(ordering),
                "Supplement": supplement,
            }),
            "FontDescriptor": doc.Reference(descriptor, f"fontDescriptor:{internal}"),
            "DW": 1000,
            "W": pdfdoc.PDFArray(w_array),
        })
        to_unicode = pdfdoc.PDFStream(content=_to_unicode(base, [(cid, used[cid][0]) for cid in cids]))
        if doc.compression:
            to_unicode.filters = [pdfdoc.PDFZCompress]
        font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("Type0"),
            "BaseFont": pdfdoc.PDFName(base),
            "Encoding": pdfdoc.PDFName("Identity-H"),
            "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font, f"cidFont:{internal}")]),
            "ToUnicode": doc.Reference(to_unicode, f"toUnicode:{internal}"),
        })
        doc.idToObject["BasicFonts"].dict[internal] = doc.Reference(font, internal)
        del self.state[doc]

    def _program(self, glyphs: list[int]) -> bytes:
        """The deflated CFF subset of ``glyphs``: from the cache folder when
        this face made it before (compressing is most of its cost), else
        made and kept.  The same glyphs give the same bytes either way."""
        from bulletin.cache import atomic_write, cache_dir

        key = _program_key(self.face, glyphs)
        path = cache_dir() / "cff" / key[:2] / f"{key}.z" if key else None
        if path is not None:
            try:
                return path.read_bytes()
            except OSError:
                pass
        packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, 15, 9, zlib.Z_HUFFMAN_ONLY)
        data = packer.compress(self.face.cff.subset(glyphs)) + packer.flush()
        if path is not None:
            try:
                atomic_write(path, data)
            except OSError:
                pass  # a read-only cache folder only costs speed
        return data


# Charstrings repeat little: for 900 glyphs of FandolFang (595 KB) Huffman
# coding alone gives 495 KB in 5 ms, zlib level 1 478 KB in 11 ms, level 6
# 467 KB in 17 ms.  (The page streams keep the writer's level 1.)
_LEVEL = 1


class _Deflated:
    """A stream filter for content that is deflated already (see _program)."""

    pdfname = "FlateDecode"

    def encode(self, data):
        return data


_DEFLATED = _Deflated()


def _program_key(face: CFFFace, glyphs: list[int]) -> str | None:
    import os

    if os.environ.get("BULLETIN_NO_SUBSET_CACHE"):
        return None
    try:
        st = os.stat(face.filename)
        code = os.stat(__file__.replace("cidfont", "cff"))
    except OSError:
        return None
    digest = hashlib.sha256(
        f"{face.filename}|{st.st_size}|{st.st_mtime_ns}|{face.index}|{code.st_size}|{code.st_mtime_ns}|"
        f"{zlib.ZLIB_RUNTIME_VERSION}|{_LEVEL}|huffman|".encode("utf-8", "surrogatepass")
    )
    digest.update(struct.pack(f">{len(glyphs)}H", *glyphs))
    return digest.hexdigest()


def _num(v: float):
    return int(v) if v == int(v) else round(v, 3)


def _utf16(code: int) -> str:
    if code < 0x10000:
        return f"{code:04X}"
    code -= 0x10000
    return f"{0xD800 + (code >> 10):04X}{0xDC00 + (code & 0x3FF):04X}"


def _to_unicode(name: str, pairs: list[tuple[int, int]]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        f"/CMapName /{name.replace('+', '-')}-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for at in range(0, len(pairs), 100):  # at most 100 entries per block
        chunk = pairs[at : at + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{cid:04X}> <{_utf16(code)}>" for cid, code in chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")
