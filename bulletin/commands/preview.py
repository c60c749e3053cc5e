"""`bulletin preview`: an issue's PDF pages as PNG files, OUT/preview/ID-N.png.

The PDF comes from the ordinary build (PDF only), which is incremental: an
up-to-date PDF is not rebuilt.  Pages are rasterised with pypdfium2 (PDFium,
the engine of Chrome's PDF viewer, as a pip wheel): no system binary, and
several times faster than poppler's pdftoppm on our issues.  It is imported
here only, never on the build path.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.commands.build import BuildOptions, BuildReport, build
from bulletin.diagnostics import Diagnostic
from bulletin.numbering import IssueId
from bulletin.output import write_atomic

PREVIEW_DIR = "preview"
POINTS_PER_INCH = 72


@dataclass
class PreviewResult:
    report: BuildReport
    pdf: Path | None = None
    page_count: int = 0
    images: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # pages of an earlier, longer preview

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.report.diagnostics

    @property
    def ok(self) -> bool:
        return self.report.ok and self.pdf is not None


class PageRangeError(ValueError):
    """--pages asks for pages the PDF does not have."""

    def __init__(self, first: int, last: int, count: int):
        super().__init__(f"pages {first}-{last} asked, the PDF has {count}")
        self.first, self.last, self.count = first, last, count


def preview(root: Path, iid: IssueId, out_dir: Path, pages: tuple[int, int | None] | None = None,
            dpi: int = 96, jobs: int = 1) -> PreviewResult:
    """Build issue `iid` as PDF if needed, then write its pages (1-based,
    inclusive `pages`, None for all; `last` None for 'to the end') as PNG at
    `dpi`.  Raises PageRangeError when the range lies outside the PDF."""
    report = build(root, [iid], BuildOptions(out_dir=out_dir, formats=("pdf",), jobs=jobs))
    result = PreviewResult(report)
    pdf = out_dir / f"{iid}.pdf"
    if not report.ok or not pdf.is_file():
        return result
    result.pdf = pdf
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        count = len(document)
        first, last = pages or (1, None)
        last = count if last is None else last
        if not 1 <= first <= last <= count:
            raise PageRangeError(first, last, count)
        result.page_count = count
        folder = out_dir / PREVIEW_DIR
        for number in range(first, last + 1):
            page = document[number - 1]
            try:
                image = page.render(scale=dpi / POINTS_PER_INCH).to_pil()
            finally:
                page.close()
            target = folder / f"{iid}-{number}.png"
            write_atomic(target, _png(image, dpi))
            result.images.append(target)
    finally:
        document.close()
    if pages is None:  # the whole issue: pages of a longer earlier version would mislead
        result.removed = _remove_pages_after(folder, str(iid), count)
    return result


def _png(image, dpi: int) -> bytes:
    """PNG bytes with the resolution recorded (pHYs) and nothing that varies
    between runs (Pillow writes no date), so a preview is reproducible."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi), optimize=False)
    return buffer.getvalue()


def _remove_pages_after(folder: Path, iid: str, count: int) -> list[Path]:
    removed = []
    for path in folder.glob(f"{iid}-*.png"):
        number = path.stem[len(iid) + 1:]
        if number.isdigit() and int(number) > count:
            path.unlink(missing_ok=True)
            removed.append(path)
    return sorted(removed)


def parse_pages(text: str) -> tuple[int, int | None] | None:
    """'3' → (3, 3); '2-4' → (2, 4); '2-' → (2, None); '-3' → (1, 3).  None if malformed."""
    text = text.strip()
    first, dash, last = text.partition("-")
    if not dash:
        return (int(first), int(first)) if first.isdigit() and int(first) >= 1 else None
    if (first and not first.isdigit()) or (last and not last.isdigit()) or not (first or last):
        return None
    lo = int(first) if first else 1
    hi = int(last) if last else None
    if lo < 1 or (hi is not None and hi < lo):
        return None
    return lo, hi
