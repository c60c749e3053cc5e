"""Read a PDF's text geometry with poppler's ``pdftotext -bbox-layout``.

poppler places glyphs exactly even when a line is drawn as several strings
under one Tc (reportlab switches 256-glyph subsets mid-line), which
pdfminer/pdfplumber do not (reference/engines.md).  Coordinates are poppler's:
points from the top-left corner of the page, y growing downwards.

A ``Line`` is one poppler line; lines whose boxes share a baseline (the
editor line's two halves, the 版记 print line) stay separate lines.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

MM = 72 / 25.4

_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Line:
    words: list[Word]
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def text(self) -> str:
        # Words of one line are joined without a space: CJK has none, and a
        # space poppler saw between Latin words is kept as its own gap below.
        out = []
        for prev, word in zip([None] + self.words[:-1], self.words):
            if prev is not None and word.x0 - prev.x1 > 2.0:
                out.append(" ")
            out.append(word.text)
        return "".join(out)


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


def read(pdf: Path | str, first: int | None = None, last: int | None = None) -> list[Page]:
    args = ["pdftotext", "-bbox-layout"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    out = subprocess.run(args + [str(pdf), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    # The XHTML head may carry characters XML dislikes in metadata; drop it.
    body = out[out.index("<body>"): out.rindex("</body>") + len("</body>")]
    root = ElementTree.fromstring(re.sub(r"&(?!(amp|lt|gt|quot|apos|#\d+);)", "&amp;", body))
    pages = []
    for number, page in enumerate(root.iter("page"), start=first or 1):
        p = Page(number, float(page.get("width")), float(page.get("height")))
        for line in page.iter("line"):
            words = [Word(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                     for w in line.iter("word")]
            if not words:
                continue
            p.lines.append(Line(words, *(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))))
        p.lines.sort(key=lambda ln: (round(ln.y0, 1), ln.x0))
        pages.append(p)
    return pages


def rows(page: Page, tolerance: float = 3.0) -> list[list[Line]]:
    """Lines grouped by baseline (y1 within ``tolerance``), top to bottom."""
    out: list[list[Line]] = []
    for line in sorted(page.lines, key=lambda ln: (ln.y1, ln.x0)):
        if out and abs(out[-1][0].y1 - line.y1) <= tolerance:
            out[-1].append(line)
        else:
            out.append([line])
    return out
