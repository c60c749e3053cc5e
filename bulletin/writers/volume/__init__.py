"""The year's 汇编: many Bulletins → one PDF or DOCX with a cover, a
contents list (每期 → 文章, county, page), every issue in order with its
own masthead and 版记, continuous page numbers, and an index by county.

    write_volume(bulletins, style, root, formats) -> {format: bytes}

``matter`` holds the words both formats share; ``pdf`` lays the volume out
with the PDF writer's own layout and drawing, and its page numbers are the
ones the DOCX shows too; ``docx`` writes the issues through the DOCX writer.
"""

from __future__ import annotations

from pathlib import Path


def write_volume(bulletins, style, root: Path, formats=("pdf", "docx")) -> dict[str, bytes]:
    """Every format of one volume; the PDF layout is made once for both."""
    from bulletin.writers.pdf.draw import render
    from bulletin.writers.volume.pdf import lay_out_volume, navigation

    laid = lay_out_volume(bulletins, style, root)
    out: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "pdf":
            out[fmt] = render(laid.doc, laid.fontset, navigation(laid))
        elif fmt == "docx":
            from bulletin.writers.volume.docx import write_volume_docx

            out[fmt] = write_volume_docx(bulletins, style, root, laid.pages)
        else:
            raise ValueError(fmt)
    return out
