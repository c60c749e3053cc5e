"""Positioned lines → PDF bytes through a reportlab canvas.

Text is written as PDF operators directly (reportlab's text object measures
every string it shows, which we never need): per page one BT … ET; per
segment one ``Tm``.  A segment is a stretch of glyphs of one run style whose
pen advances are all "glyph width + Tc" for one Tc — on the 28-cell grid a
justified line of hanzi is one segment drawn with Tc = cell − 16 pt + gap.
The last glyph of a line gets its own Tc when it differs, so the pen ends
exactly on the line's right edge.  (Readers such as poppler box a glyph by
its width alone, without Tc: a 16 pt hanzi in a 15.79 pt cell reaches
0.21 pt past the edge, and a squeezed mark drawn at full width would reach
8 pt past it — hence the half-width twin below.)

Bold where the face has none is simulated: text render mode 2 (fill, then
stroke) with a thin outline in the fill colour.

Reproducible: ``invariant=1`` fixes the document ID, and the creation date
is the issue date (00:00 UTC), as SOURCE_DATE_EPOCH would make it.
"""

from __future__ import annotations

import calendar
import datetime
import io

from bulletin.text.chars import CLOSING_CHARS
from bulletin.writers.pdf.faces import is_bold_face
from bulletin.writers.pdf.items import Picture, Rule, TextLine, VRule

_CLOSING = frozenset(CLOSING_CHARS)
_HALT: dict[str, object] = {}  # reportlab font name → its half-width twin


def _half_width_twin(font):
    """The same face with every advance set to half an em: the PDF form of
    OpenType's ``halt`` alternates.  A closing mark squeezed to half a cell
    is drawn with it, so the PDF's /Widths say what the page shows (its
    glyph already sits in the left half of the em box) — text selection and
    extraction then see no overlapping glyphs, and the box of a squeezed
    mark at a line end stops at the margin."""
    twin = _HALT.get(font.fontName)
    if twin is None:
        import copy
        from weakref import WeakKeyDictionary

        face = copy.copy(font.face)
        face.charWidths = {}
        face.defaultWidth = 500.0
        face.name = font.face.name + b"-Halt"
        twin = copy.copy(font)
        twin.fontName = font.fontName + "-halt"
        twin.face = face
        twin.state = WeakKeyDictionary()
        _HALT[font.fontName] = twin
    return twin


def _num(v: float) -> str:
    return repr(round(v, 3) + 0.0)  # + 0.0: no "-0.0"


def _num4(v: float) -> str:
    return repr(round(v, 4) + 0.0)


def _rgb(hex_rgb: str) -> str:
    h = hex_rgb.lstrip("#")
    return " ".join(_num(int(h[i:i + 2], 16) / 255) for i in (0, 2, 4))


class _Face:
    """What drawing needs of one run style."""

    __slots__ = ("fill", "font", "size", "stroke", "widths")

    def __init__(self, font, widths, size, fill, stroke):
        self.font = font  # reportlab TTFont of the run's own (CJK) face
        self.widths = widths
        self.size = size
        self.fill = fill  # "r g b"
        self.stroke = stroke  # simulated-bold outline width, 0 for none


class _TextWriter:
    """PDF text operators with the text state tracked, so each operator is
    written only when its value changes."""

    def __init__(self, doc):
        from reportlab.lib.rl_accel import escapePDF

        self.doc = doc
        self.escape = escapePDF
        self.out: list[str] = []
        self.reset()

    def reset(self) -> None:
        self.out.clear()
        self.fill = None
        self.stroke_rgb = None
        self.line_width = None
        self.mode = 0
        self.tc = 0.0
        self.tf = None

    def show(self, font, size: float, x: float, y: float, text: str, tc: float, fill: str, stroke: float) -> None:
        out = self.out
        if fill != self.fill:
            out.append(f"{fill} rg")
            self.fill = fill
        mode = 2 if stroke else 0
        if mode != self.mode:
            out.append(f"{mode} Tr")
            self.mode = mode
        if stroke:
            if fill != self.stroke_rgb:
                out.append(f"{fill} RG")
                self.stroke_rgb = fill
            if stroke != self.line_width:
                out.append(f"{_num(stroke)} w")
                self.line_width = stroke
        if abs(tc - self.tc) > 5e-5:
            out.append(f"{_num4(tc)} Tc")
            self.tc = tc
        out.append(f"1 0 0 1 {_num(x)} {_num(y)} Tm")
        doc, escape = self.doc, self.escape
        for subset, chunk in font.splitString(text, doc):
            key = (font.fontName, subset, size)
            if key != self.tf:
                out.append(f"{font.getSubsetInternalName(subset, doc)} {_num(size)} Tf")
                self.tf = key
            # A CID-keyed CFF face (bulletin.fonts.cidfont) has 2-byte codes: hex is shorter and faster.
            out.append(f"<{chunk.hex()}> Tj" if getattr(font, "hex_text", False) else f"({escape(chunk)}) Tj")

    def code(self) -> str:
        return "BT\n" + "\n".join(self.out) + "\nET" if self.out else ""


def _faces(doc, fontset) -> dict[str, _Face]:
    from reportlab.pdfbase import pdfmetrics

    faces = {}
    for name, rs in doc.roles.items():
        # A role whose text was all Latin never registered its CJK face.
        widths = fontset.widths.get(rs.font)
        font = pdfmetrics.getFont(widths.name) if widths is not None else None
        face = fontset.faces.get(rs.font)
        stroke = rs.stroke if rs.bold and not (face is not None and is_bold_face(face)) else 0.0
        faces[name] = _Face(font, widths, rs.size, _rgb(rs.color), stroke)
    return faces


def _draw_line(tw: _TextWriter, faces: dict, latin, line: TextLine, top: float) -> None:
    """One laid-out line: CJK glyphs in segments of one face and one Tc,
    Latin runs at their pen origins."""
    glyphs = line.glyphs
    n = len(glyphs)
    x0 = line.x
    y = top + line.y
    i = 0
    while i < n:
        g = glyphs[i]
        f = faces[g.role]
        size = f.size
        if g.script != "cjk":
            if g.script == "latin":
                x = x0 + g.x
                for piece, in_latin in latin.latin_pieces(g.text):
                    if in_latin:
                        tw.show(latin.font, size, x, y, piece, 0.0, f.fill, f.stroke)
                        x += latin.widths.of(piece, size)
                    else:  # characters the Latin face lacks: the run's CJK face
                        tw.show(f.font, size, x, y, piece, 0.0, f.fill, f.stroke)
                        x += f.widths.of(piece, size)
            else:  # "raw": one string in the role's face, its own widths
                tw.show(f.font, size, x0 + g.x, y, g.text, 0.0, f.fill, f.stroke)
            i += 1
            continue
        # A segment: glyphs of this role whose pen advance (to the next glyph's
        # x; the glyph's own advance at the line end) is "width + one Tc".
        # Closing marks squeezed to half a cell are drawn with the half-width
        # twin of the face, in segments of their own.
        get, default, scale, half = f.widths.table.get, f.widths.default, size / 1000.0, 0.75 * size
        role = g.role
        parts = []
        halt0 = False
        tc0 = 0.0
        j = i
        while j < n:
            h = glyphs[j]
            if h.role != role or h.script != "cjk":
                break
            t = h.text
            halt = h.advance < half and t in _CLOSING
            if halt:
                w = size / 2
            elif len(t) == 1:
                w = get(ord(t), default) * scale
            else:
                w = sum(get(ord(c), default) for c in t) * scale
            d = (glyphs[j + 1].x - h.x) if j + 1 < n else h.advance
            tc = (d - w) / len(t)
            if j == i:
                halt0, tc0 = halt, tc
            elif halt != halt0 or abs(tc - tc0) > 1e-4:
                break
            parts.append(t)
            j += 1
        font = _half_width_twin(f.font) if halt0 else f.font
        tw.show(font, size, x0 + g.x, y, "".join(parts), tc0, f.fill, f.stroke)
        i = j


class _Latin:
    def __init__(self, fontset):
        from reportlab.pdfbase import pdfmetrics

        self.widths = fontset.latin
        self.font = pdfmetrics.getFont(fontset.latin.name)
        self.latin_pieces = fontset.latin_pieces


def _timestamp(canvas, iso_date: str) -> None:
    """Creation/modification date = the issue date, 00:00 UTC."""
    try:
        from reportlab.lib.utils import TimeStamp

        d = datetime.date.fromisoformat(iso_date)
        t = calendar.timegm(d.timetuple())
        ts = TimeStamp(1)
        ts.t = t
        ts.lt = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).timetuple()
        ts.YMDhms = tuple(ts.lt)[:6]
        canvas._doc._timeStamp = ts
    except (ValueError, AttributeError, TypeError):
        pass  # keep reportlab's invariant date (2000-01-01)


class _FastFlate:
    """reportlab's Flate filter at zlib level 1 instead of the default 6.

    Compressing the embedded font subsets and page streams was a third of a
    warm PDF build (14 of 40 ms for 2018-48); level 1 takes half the time for
    a file 8 % larger.  reportlab offers no setting for the level, so its
    filter object is swapped for this one while we render (see render())."""

    pdfname = "FlateDecode"

    def encode(self, text):
        import zlib

        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, 1)

    def decode(self, encoded):
        import zlib

        return zlib.decompress(encoded)


def render(doc, fontset, on_page=None) -> bytes:
    """``on_page(canvas, index, page)``, if given, is called as each page is
    finished (the yearly volume adds its outline and page labels there)."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc

    # Streams are Flate-compressed only: ASCII85 on top makes them 25 % larger
    # and costs time (reportlab encodes it in Python without rl_accel).
    saved = rl_config.useA85, pdfdoc.PDFZCompress
    rl_config.useA85 = 0
    pdfdoc.PDFZCompress = _FastFlate()  # read by reportlab at each use, as a module global
    try:
        return _render(doc, fontset, on_page)
    finally:
        rl_config.useA85, pdfdoc.PDFZCompress = saved


def _render(doc, fontset, on_page=None) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    lay = doc.layout
    buf = io.BytesIO()
    # The initial font is a TrueType face, so no unembedded Helvetica is referenced.
    canvas = Canvas(buf, pagesize=(lay.page_width, lay.page_height), invariant=1, pageCompression=1,
                    initialFontName=fontset.latin.name, initialFontSize=12)
    _timestamp(canvas, doc.date)
    canvas.setTitle(doc.title)
    canvas.setAuthor(doc.author)
    canvas.setSubject(doc.subject)
    canvas.setCreator("bulletin")
    canvas.setProducer("bulletin (ReportLab)")
    faces = _faces(doc, fontset)
    latin = _Latin(fontset)
    tw = _TextWriter(canvas._doc)
    for index, page in enumerate(doc.pages):
        tw.reset()
        rules: list[tuple[float, str, float, float, float, float]] = []
        pictures = []
        for p in page.placed:
            top = p.top
            for item in p.items:
                if isinstance(item, TextLine):
                    _draw_line(tw, faces, latin, item, top)
                elif isinstance(item, Rule):
                    rules.append((item.width, item.color, item.x0, top + item.y, item.x1, top + item.y))
                elif isinstance(item, VRule):
                    rules.append((item.width, item.color, item.x, top + item.y0, item.x, top + item.y1))
                elif isinstance(item, Picture):
                    pictures.append((item, top))
            if p.draw_top_rule:
                r = p.atom.top_rule
                rules.append((r.width, r.color, r.x0, top + r.y, r.x1, top + r.y))
        for item, top in pictures:
            canvas.drawImage(str(item.path), item.x, top + item.y, item.w, item.h, mask="auto")
        if rules:
            out = []
            state = None
            for width, color, xa, ya, xb, yb in rules:
                if (width, color) != state:
                    out.append(f"{_num(width)} w {_rgb(color)} RG")
                    state = (width, color)
                out.append(f"{_num(xa)} {_num(ya)} m {_num(xb)} {_num(yb)} l S")
            canvas._code.append("q 0 J\n" + "\n".join(out) + "\nQ")
        text = tw.code()
        if text:
            canvas._code.append(text)
        if on_page is not None:
            on_page(canvas, index, page)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()
