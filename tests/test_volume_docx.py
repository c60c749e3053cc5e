"""The DOCX volume: PAGEREF fields to bookmarks on the titles, showing the PDF
volume's page numbers until updated; and, laid out by LibreOffice, every
contents line names the page its title is on, with the cover unnumbered."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import EXAMPLE, run_cli
from test_volume import PAGE_NUMBER, YEAR, norm, year_articles

import pdfbbox

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def volume(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("volume-docx")
    done = run_cli("volume", str(YEAR), "--root", str(EXAMPLE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return {fmt: out / f"{YEAR}-volume.{fmt}" for fmt in ("pdf", "docx")}


def document_xml(path: Path) -> ElementTree.Element:
    with zipfile.ZipFile(path) as z:
        return ElementTree.fromstring(z.read("word/document.xml"))


def fields(root) -> list[tuple[str, str]]:
    """(bookmark, shown result) of every PAGEREF field, in document order."""
    out, instr, shown, state = [], "", "", None
    for el in root.iter():
        if el.tag == W + "fldChar":
            kind = el.get(W + "fldCharType")
            if kind == "begin":
                instr, shown, state = "", "", "instr"
            elif kind == "separate":
                state = "shown"
            elif kind == "end":
                m = re.match(r"\s*PAGEREF\s+(\S+)", instr)
                if m:
                    out.append((m.group(1), shown))
                state = None
        elif el.tag == W + "instrText" and state == "instr":
            instr += el.text or ""
        elif el.tag == W + "t" and state == "shown":
            shown += el.text or ""
    return out


def pdf_contents_numbers(pdf: Path) -> list[int]:
    """The page numbers of the PDF volume's contents lines, in order."""
    pages = pdfbbox.read(pdf)
    text = "".join(norm("".join(l.text for l in p.lines)) for p in pages[1:3])
    numbers = []
    for _, metas in year_articles(EXAMPLE, YEAR):
        for meta in metas:
            m = re.search(re.escape(norm(meta["title"]) + f"（{meta['county']}）") + r"(\d+?)(?=\d{4}年第|\D|$)", text)
            numbers.append(int(m.group(1)))
    return numbers


def test_contents_fields_point_at_title_bookmarks_and_show_the_pdf_pages(volume):
    root = document_xml(volume["docx"])
    titles = {}
    for p in root.iter(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        for mark in p.findall(W + "bookmarkStart"):
            titles[mark.get(W + "name")] = (style.get(W + "val"), "".join(t.text or "" for t in p.iter(W + "t")))
    refs = fields(root)
    n = sum(len(m) for _, m in year_articles(EXAMPLE, YEAR))
    assert len(refs) == 2 * n  # the contents and the index
    contents = refs[:n]
    expected_titles = [norm(m["title"]) for _, metas in year_articles(EXAMPLE, YEAR) for m in metas]
    assert [norm(titles[name][1]) for name, _ in contents] == expected_titles
    assert {titles[name][0] for name, _ in contents} == {"Title"}
    assert [int(shown) for _, shown in contents] == pdf_contents_numbers(volume["pdf"])
    assert sorted(refs[n:]) == sorted(contents)  # the index: the same articles, the same pages


def test_the_cover_is_a_section_without_footers_and_the_rest_numbers_from_one(volume):
    root = document_xml(volume["docx"])
    sections = list(root.iter(W + "sectPr"))
    assert len(sections) == 2
    cover, rest = sections
    assert cover.findall(W + "footerReference") == []
    assert len(rest.findall(W + "footerReference")) == 2
    assert rest.find(W + "pgNumType").get(W + "start") == "1"


@pytest.mark.libreoffice
def test_laid_out_by_libreoffice_every_title_is_on_its_contents_page(volume, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    src = tmp_path / volume["docx"].name
    shutil.copy(volume["docx"], src)
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   capture_output=True, timeout=300, check=True)
    pages = pdfbbox.read(tmp_path / f"{YEAR}-volume.pdf")
    printed = []
    for page in pages:
        found = [int(m.group(1)) for line in page.lines if (m := PAGE_NUMBER.match(line.text.strip()))]
        printed.append(found[0] if found else None)
    assert printed[0] is None
    assert printed[1:] == list(range(1, len(pages)))
    texts = [norm("".join(l.text for l in p.lines)) for p in pages]
    contents = "".join(texts[1:3])
    for _, metas in year_articles(EXAMPLE, YEAR):
        for meta in metas:
            m = re.search(re.escape(norm(meta["title"]) + f"（{meta['county']}）") + r"(\d+?)(?=\d{4}年第|\D|$)",
                          contents)
            assert m, meta["title"]
            page = int(m.group(1))
            assert norm(meta["title"]) in texts[page], f"{meta['title']} not on page {page}"


def test_the_docx_volume_is_reproducible(volume, tmp_path):
    done = run_cli("volume", str(YEAR), "--format", "docx", "--root", str(EXAMPLE), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / volume["docx"].name).read_bytes() == volume["docx"].read_bytes()
    with zipfile.ZipFile(volume["docx"]) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
