"""The PDF writer: model + style → positioned lines on the 22-line grid
(``layout``) → PDF operators on a reportlab canvas (``draw``).

    write_pdf(bulletin, style, root) -> bytes

Steps: resolve the font roles (once per process) → lay out every page with
the CJK line breaker (``bulletin.text``) → check that every character is in
the face that will draw it (E041 names the character, file and line) →
register the faces for exactly those characters → draw.  Nothing is drawn
before the check, so a bad character never yields a PDF.
"""

from __future__ import annotations

from pathlib import Path

from bulletin.model import Bulletin, Src
from bulletin.writers.pdf import pillow
from bulletin.writers.pdf.layout import BLOCK_RULES, Document, dump

pillow.defer()  # before anything imports reportlab

__all__ = ["BLOCK_RULES", "dump", "lay_out_bulletin", "warm", "write_pdf"]


def warm(style, overrides: dict, root: Path) -> None:
    """Do now what every first PDF of a process does, without touching any
    output: import reportlab, resolve the font roles and open each face
    (lazily: no characters are looked up, no subset is started).  A batch
    worker calls this while the parent is still reading the issues."""
    from reportlab.pdfgen import canvas  # noqa: F401 - the import is the point

    from bulletin import fonts
    from bulletin.writers.pdf import draw, faces# noqa: F401

    for face in faces.resolve(style.fonts, overrides, root).values():
        if not fonts._via_subset(face):
            fonts._rl_font(face)


def lay_out_bulletin(bulletin: Bulletin, style, root: Path) -> tuple[Document, object]:
    """The laid-out pages (fonts checked and registered, page numbers placed)."""
    from bulletin.writers.pdf import faces, layout

    fontset = faces.FontSet(faces.resolve(style.fonts, bulletin.fonts, root))
    doc = layout.lay_out(bulletin, style, fontset, root)
    chars = layout.chars_by_font(doc, fontset)
    font, numbers = layout.page_number_chars(doc)
    bucket = chars.setdefault(font, {})
    for c in numbers:
        bucket.setdefault(c, None)
    fontset.check_and_register(chars, _Locator(root, bulletin).where)
    layout.add_page_numbers(doc, fontset)
    return doc, fontset


def write_pdf(bulletin: Bulletin, style, root: Path) -> bytes:
    from bulletin.writers.pdf.draw import render

    doc, fontset = lay_out_bulletin(bulletin, style, Path(root))
    return render(doc, fontset)


class _Locator:
    """Where a character first occurs in the sources, for E041."""

    def __init__(self, root: Path, bulletin: Bulletin):
        self.root = Path(root)
        self.issue_yaml = f"issues/{bulletin.info.id}/issue.yaml"
        self.texts: dict[str, list[str] | None] = {}

    def _lines(self, rel: str) -> list[str] | None:
        if rel not in self.texts:
            try:
                self.texts[rel] = (self.root / rel).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                self.texts[rel] = None
        return self.texts[rel]

    def where(self, char: str, src: Src | None) -> tuple[str, int, int]:
        candidates = [(src.path, src.line)] if src else [(self.issue_yaml, 1), ("bulletin.yaml", 1)]
        for rel, start in candidates:
            lines = self._lines(rel)
            if not lines:
                continue
            for first in (max(start, 1) - 1, 0):  # from the block's line, then from the top
                for n in range(first, len(lines)):
                    col = lines[n].find(char)
                    if col >= 0:
                        return rel, n + 1, col + 1
        if src:
            return src.path, src.line, 1
        return "bulletin.yaml", 1, 1
