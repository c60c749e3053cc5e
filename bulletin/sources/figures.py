"""A figure's image file, checked once while the article is read.

The writers embed what they are given: python-docx parses the header and
copies the bytes, reportlab decodes the pixels.  A file that is no image, a
damaged one, or a small PNG that unpacks to gigabytes (a decompression bomb)
must be refused here, with the article's file and line, so that neither
writer ever meets it (and no reportlab internals reach the user).

Checked, cheapest first:
- a regular file (never a FIFO or a device), at most MAX_BYTES;
- a kind both writers take: the file starts like a PNG, JPEG (JFIF or Exif:
  python-docx knows no other JPEG), GIF, BMP or TIFF;
- at most MAX_PIXELS, read from the header before any pixel is decoded;
- the pixels decode (Pillow, which reportlab already depends on).  A JPEG is
  decoded at 1/8 scale (its DCT allows that): the whole stream is still read.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from bulletin.files import NotRegularFile, read_regular
from bulletin.i18n import N_

MAX_BYTES = 50 * 2**20
MAX_PIXELS = 64_000_000  # 8000 × 8000: a 50-megapixel camera's photo passes, a bomb does not

# What python-docx recognises (docx.image.SIGNATURES): offset, bytes, kind.
_SIGNATURES = (
    (0, b"\x89PNG\r\n\x1a\n", "PNG"),
    (6, b"JFIF", "JPEG"),
    (6, b"Exif", "JPEG"),
    (0, b"GIF87a", "GIF"),
    (0, b"GIF89a", "GIF"),
    (0, b"MM\x00*", "TIFF"),
    (0, b"II*\x00", "TIFF"),
    (0, b"BM", "BMP"),
)
_KINDS = "PNG, JPEG, GIF, BMP or TIFF"


def _kind(data: bytes) -> str | None:
    for offset, magic, kind in _SIGNATURES:
        if data[offset:offset + len(magic)] == magic:
            return kind
    return None


def figure_problem(path: Path):
    """None when ``path`` is an image both writers can embed; else what is
    wrong with it, as a Message to follow "figure 'x.png' ".  A missing file
    is the caller's business."""
    try:
        data = read_regular(path, MAX_BYTES)
    except NotRegularFile as exc:
        return N_("cannot be read: {reason}", reason=exc.args[0])
    except OSError as exc:
        return N_("cannot be read: {reason}", reason=exc.strerror or type(exc).__name__)
    if len(data) > MAX_BYTES:
        return N_("is larger than {limit} MB: make it smaller", limit=MAX_BYTES // 2**20)
    kind = _kind(data)
    if kind is None:
        if data[:3] == b"\xff\xd8\xff":
            return N_("is a JPEG without a JFIF or Exif header, which Word cannot embed: save it again as JPEG or PNG")
        return N_("is not an image ({kinds})", kinds=_KINDS)
    return _decode(data, kind)


def _decode(data: bytes, kind: str):
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        # Our own bound below decides; Pillow's warning (and, past twice its
        # limit, its error) would only say the same less clearly.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            return N_("has too many pixels (more than {limit} million): scale it down", limit=MAX_PIXELS // 10**6)
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            return N_("is not a readable {kind} image: the file is damaged", kind=kind)
        with image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return N_("is {width}×{height} pixels: at most {limit} million pixels, scale it down",
                          width=width, height=height, limit=MAX_PIXELS // 10**6)
            if width < 1 or height < 1:
                return N_("is not a readable {kind} image: the file is damaged", kind=kind)
            try:
                if image.format == "JPEG":
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
            except Image.DecompressionBombError:
                return N_("has too many pixels (more than {limit} million): scale it down", limit=MAX_PIXELS // 10**6)
            except Exception:  # noqa: BLE001 - Pillow's decoders raise many kinds; none may escape as a traceback
                return N_("is not a readable {kind} image: the file is damaged", kind=kind)
    return None
