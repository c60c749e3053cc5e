"""Many Bulletins → one PDF: cover, contents, the issues, the county index.

The PDF writer's own layout and drawing, with one set of faces for the
whole volume:

1. lay out every issue exactly as ``bulletin build`` does (its masthead,
   articles and 版记 on its own pages) and note the page of each article's
   title — the page of the title's first line;
2. lay out the contents once to learn how many pages it takes (the page
   numbers sit in a column of fixed width, so their values cannot change
   that), which fixes where every issue starts;
3. lay out the contents and the index with the real numbers, renumber all
   pages in one series — the cover carries no number, the first contents
   page is 1 — then check, register and embed the characters of the whole
   volume once, place the page numbers and draw it all on one canvas.

``lay_out_volume`` returns the pages it wrote into the contents with the
laid-out volume; tests check them against the text of the drawn PDF.
``navigation`` adds the PDF outline (每期, 文章) and page labels while the
PDF writer draws (its ``render(…, on_page)`` hook).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bulletin.model import Bulletin
from bulletin.writers.volume import matter


@dataclass
class VolumeLayout:
    doc: object  # the combined pdf.layout.Document
    fontset: object
    pages: dict  # entry key → printed page number
    issue_pages: list[tuple[int, int]]  # per issue: first and last printed page
    contents: list  # matter.IssueContents
    index: list  # (county, entries)
    index_start: int = 0  # printed number (= page index) of the index's first page


def _title_pages(doc, bulletin: Bulletin) -> list[int]:
    """Per article, the 0-based page (within its issue) of its title's first line."""
    first: dict = {}
    for i, page in enumerate(doc.pages):
        for placed in page.placed:
            for item in placed.items:
                if getattr(item, "kind", None) == "article_title" and item.src is not None:
                    first.setdefault((item.src.path, item.src.line), i)
    return [first.get((a.src.path, a.src.line), 0) if a.src else 0 for a in bulletin.articles]


def lay_out_volume(bulletins: list[Bulletin], style, root: Path) -> VolumeLayout:
    from bulletin.writers.pdf import _Locator, faces, layout
    from bulletin.writers.pdf.items import Document
    from bulletin.writers.volume.pdf_pages import contents_pages, cover_pages, index_pages

    root = Path(root)
    fontset = faces.FontSet(faces.resolve(style.fonts, bulletins[0].fonts, root))
    docs = [layout.lay_out(b, style, fontset, root) for b in bulletins]
    parts = matter.contents(bulletins)
    groups = matter.county_index(bulletins)

    lays = [d.layout for d in docs]

    def fresh():
        lays.append(layout.Layout(style, fontset, root))
        return lays[-1]

    cover = cover_pages(fresh(), matter.cover(bulletins))
    n_contents = len(contents_pages(fresh(), parts, {}))
    pages: dict = {}
    issue_pages = []
    start = len(cover) + n_contents  # printed number of the first issue page: the cover is unnumbered
    for i, (doc, b) in enumerate(zip(docs, bulletins)):
        for k, p in enumerate(_title_pages(doc, b)):
            pages[(i, k)] = start + p
        issue_pages.append((start, start + len(doc.pages) - 1))
        start += len(doc.pages)
    contents = contents_pages(fresh(), parts, pages)
    if len(contents) != n_contents:  # cannot happen: the page column has a fixed width
        raise AssertionError("the contents changed length with its page numbers")
    index = index_pages(fresh(), groups, pages)

    all_pages = list(cover) + list(contents) + [p for d in docs for p in d.pages] + list(index)
    for number, page in enumerate(all_pages, start=1 - len(cover)):
        page.number = number
    roles: dict = {}
    for lay in lays:  # the same style gives the same role the same look in every layout
        roles.update(lay.roles)
    title, author, subject, date = matter.metadata(bulletins)
    numbered = Document([p for p in all_pages if p.number > 0], roles, title, author, subject, date)
    whole = Document(all_pages, roles, title, author, subject, date)
    numbered.layout = whole.layout = docs[0].layout
    chars = layout.chars_by_font(whole, fontset)
    font, numbers = layout.page_number_chars(numbered)
    bucket = chars.setdefault(font, {})
    for c in numbers:
        bucket.setdefault(c, None)
    fontset.check_and_register(chars, _Locator(root, bulletins[0]).where)
    layout.add_page_numbers(numbered, fontset)
    roles.update(numbered.layout.roles)  # the page-number role, made while placing them
    return VolumeLayout(whole, fontset, pages, issue_pages, parts, groups, len(all_pages) - len(index))


def navigation(vol: VolumeLayout):
    """The ``on_page`` hook for the PDF writer's ``render``: an outline (目录;
    each issue, its articles under it; the index) and page labels, so a viewer
    shows the printed numbers (the cover as 封面).  Page index = printed number:
    the cover is index 0 and unnumbered."""
    marks: dict[int, list[tuple[str, int]]] = {1: [(matter.CONTENTS_TITLE.replace("\u3000", ""), 0)]}
    for part, (first, _last) in zip(vol.contents, vol.issue_pages):
        marks.setdefault(first, []).append((part.heading, 0))
        for e in part.entries:
            marks.setdefault(vol.pages[e.key], []).append((e.title, 1))
    marks.setdefault(vol.index_start, []).append((matter.INDEX_TITLE, 0))

    def on_page(canvas, index: int, page) -> None:
        if index == 0:
            from reportlab.pdfbase.pdfdoc import PDFPageLabel

            canvas.addPageLabel(0, prefix="封面")
            canvas.addPageLabel(1, style=PDFPageLabel.ARABIC, start=1)
            canvas.showOutline()
        for n, (title, level) in enumerate(marks.get(index, ())):
            key = f"p{index}.{n}"
            canvas.bookmarkPage(key)
            canvas.addOutlineEntry(title, key, level, closed=level == 0)

    return on_page


def write_volume_pdf(bulletins: list[Bulletin], style, root: Path) -> bytes:
    from bulletin.writers.pdf.draw import render

    vol = lay_out_volume(bulletins, style, root)
    return render(vol.doc, vol.fontset, navigation(vol))
