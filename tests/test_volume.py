"""`bulletin volume YEAR`: the year's 汇编, read back from the PDF it writes.

The test knows the year's articles from the sources alone (folder names,
issue.yaml's `articles:` order, each file's front matter, parsed here), reads
the drawn PDF with poppler, and checks what a reader of the bound volume
relies on: every contents line names the page where that title is printed,
the printed page numbers run on without a gap, each issue keeps its own
masthead and 版记, and the county index lists every article with its page.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE, run_cli

import pdfbbox

YEAR = 2018
PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")


def norm(text: str) -> str:
    """Text as compared here: no white space (poppler's or the title's own breaks), no leader dots."""
    return re.sub(r"[\s·.]", "", text)


def year_articles(root: Path, year: int) -> list[tuple[int, list[dict]]]:
    """(issue number, [front matter …]) in volume order, read straight from the files."""
    return [(number, metas) for number, _, metas in year_issues(root, year)]


def year_issues(root: Path, year: int) -> list[tuple[int, str, list[dict]]]:
    """(issue number, its 印发 line, [front matter …]) in volume order."""
    out = []
    folders = [p for p in (root / "issues").iterdir() if re.fullmatch(rf"{year}-\d+", p.name)]
    for folder in sorted(folders, key=lambda p: int(p.name.split("-")[1])):
        issue = yaml.safe_load((folder / "issue.yaml").read_text("utf-8")) or {}
        names = issue.get("articles") or sorted(p.name for p in folder.glob("*.md"))
        metas = []
        for name in names:
            text = (folder / name).read_text("utf-8-sig")
            head = text.split("\n---\n", 1)[0].removeprefix("---\n")
            metas.append(yaml.safe_load(head))
        d = issue["date"]
        out.append((int(folder.name.split("-")[1]), f"{d.year}年{d.month}月{d.day}日印发", metas))
    return out


@pytest.fixture(scope="module")
def volume_pdf(tmp_path_factory) -> tuple[Path, list]:
    out = tmp_path_factory.mktemp("volume")
    done = run_cli("volume", str(YEAR), "--format", "pdf", "--root", str(EXAMPLE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    pdf = out / f"{YEAR}-volume.pdf"
    assert done.stdout.strip() == f"wrote {pdf}"
    assert not (out / f"{YEAR}-volume.docx").exists()  # --format pdf: the PDF only
    return pdf, pdfbbox.read(pdf)


def page_text(page) -> str:
    return norm("".join(line.text for row in pdfbbox.rows(page) for line in row))


def printed_number(page) -> int | None:
    numbers = [int(m.group(1)) for line in page.lines if (m := PAGE_NUMBER.match(line.text.strip()))]
    assert len(numbers) <= 1
    return numbers[0] if numbers else None


def title_text(page) -> str:
    """The text set in display sizes (二号 titles, the 初号 masthead): lines over 19 pt high."""
    return norm("".join(line.text for line in page.lines if line.y1 - line.y0 > 19))


def test_page_numbers_run_on_from_the_first_contents_page(volume_pdf):
    _, pages = volume_pdf
    numbers = [printed_number(p) for p in pages]
    assert numbers[0] is None  # the cover
    assert numbers[1:] == list(range(1, len(pages)))


def test_the_cover_names_the_publication_year_and_issues(volume_pdf):
    _, pages = volume_pdf
    cover = page_text(pages[0])
    numbers = [n for n, _ in year_articles(EXAMPLE, YEAR)]
    assert "广西精准脱贫攻坚简报" in cover and f"{YEAR}年" in cover and "汇编" in cover
    assert f"第{numbers[0]}—{numbers[-1]}期" in cover


def contents_entries(pages) -> dict[tuple[str, str], int]:
    """(title, county) → page, from the contents: the pages before the first issue's masthead."""
    first_issue = next(i for i, p in enumerate(pages) if i and "广西精准脱贫攻坚简报" in title_text(p))
    text = "".join(page_text(p) for p in pages[1:first_issue])
    assert text.startswith("目录")
    found = {}
    for _, metas in year_articles(EXAMPLE, YEAR):
        for meta in metas:
            # the number ends where the next entry's title or the next issue's line (2018年第…) begins
            m = re.search(re.escape(norm(meta["title"]) + f"（{meta['county']}）") + r"(\d+?)(?=\d{4}年第|\D|$)", text)
            assert m, f"no contents line for {meta['title']}"
            found[(meta["title"], meta["county"])] = int(m.group(1))
    return found


def test_every_contents_line_names_the_page_its_title_is_on(volume_pdf):
    _, pages = volume_pdf
    entries = contents_entries(pages)
    assert len(entries) == sum(len(m) for _, m in year_articles(EXAMPLE, YEAR)) == 6
    by_number = {printed_number(p): p for p in pages}
    for (title, _county), number in entries.items():
        page = by_number[number]
        assert norm(title) in title_text(page), f"{title} is not set as a title on page {number}"
        earlier = by_number.get(number - 1)
        assert earlier is None or norm(title) not in title_text(earlier)


def test_each_issue_keeps_its_masthead_and_imprint_in_order(volume_pdf):
    _, pages = volume_pdf
    entries = contents_entries(pages)
    by_number = {printed_number(p): p for p in pages}
    last_page = 0
    for number, printed, metas in year_issues(EXAMPLE, YEAR):
        first = entries[(metas[0]["title"], metas[0]["county"])]
        last = entries[(metas[-1]["title"], metas[-1]["county"])]
        assert first > last_page
        # the issue line of its own masthead on the page of (or before) its first title
        issue_line = f"{YEAR}年第{number}期"
        masthead_pages = [n for n in (first - 1, first) if n in by_number and issue_line in page_text(by_number[n])
                          and "广西精准脱贫攻坚简报" in title_text(by_number[n])]
        assert masthead_pages, f"no masthead of issue {number}"
        # its 版记 (…印发) after its last title, before the next issue
        imprint = next(n for n in range(last, len(pages)) if printed in page_text(by_number[n]))
        assert "报：" in page_text(by_number[imprint])
        last_page = imprint
    assert sum(bool(re.search(r"\d+年\d+月\d+日印发", page_text(p))) for p in pages) == len(year_issues(EXAMPLE, YEAR))


def test_the_county_index_is_complete(volume_pdf):
    _, pages = volume_pdf
    entries = contents_entries(pages)
    start = next(i for i, p in enumerate(pages) if "县（市、区）索引" in page_text(p))
    text = "".join(page_text(p) for p in pages[start:])
    counties = {}
    for number, metas in year_articles(EXAMPLE, YEAR):
        for meta in metas:
            counties.setdefault(meta["county"], []).append((meta["title"], number))
    for county, articles in counties.items():
        assert county in text
        for title, number in articles:
            line = norm(title) + f"（第{number}期）{entries[(title, county)]}"
            assert line in text, f"index: no '{line}'"
    assert len(re.findall(r"（第\d+期）\d+", text)) == sum(len(a) for a in counties.values())
    # counties in 部首 order (the CJK block's), each heading before its articles
    positions = [text.index(county + norm(counties[county][0][0])) for county in sorted(counties)]
    assert positions == sorted(positions)


def test_the_volume_is_reproducible(tmp_path, volume_pdf):
    pdf, _ = volume_pdf
    done = run_cli("volume", str(YEAR), "--format", "pdf", "--root", str(EXAMPLE), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / pdf.name).read_bytes() == pdf.read_bytes()


# ---------------------------------------------------------------- bad input


def one_error(done, code: str) -> str:
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert re.match(rf"^[^:]+:\d+:\d+: {code} ", lines[0]), lines[0]
    assert done.stdout == ""
    return lines[0]


@pytest.mark.parametrize("year, code", [("20x8", "E004"), ("18", "E004"), ("2017", "E002")])
def test_a_bad_year_or_a_year_without_issues_is_one_line_and_writes_nothing(tmp_path, year, code):
    out = tmp_path / "out"
    line = one_error(run_cli("volume", year, "--root", str(EXAMPLE), "--out", str(out)), code)
    assert year in line
    assert not out.exists()


def test_an_out_that_cannot_be_written_is_one_line_and_writes_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    line = one_error(run_cli("volume", str(YEAR), "--root", str(EXAMPLE), "--out", str(blocker / "out")), "E050")
    assert f"{YEAR}-volume" in line
    assert blocker.read_text() == "not a folder"


def test_a_bad_source_leaves_an_earlier_volume_as_it_was(tmp_path, example_copy):
    out = tmp_path / "out"
    assert run_cli("volume", str(YEAR), "--root", str(example_copy), "--out", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == [f"{YEAR}-volume.docx", f"{YEAR}-volume.pdf"]
    bad = example_copy / "issues" / "2018-49" / "tiandong.md"
    bad.write_text(bad.read_text("utf-8").replace("county: 田东县\n", ""), "utf-8")
    done = run_cli("volume", str(YEAR), "--root", str(example_copy), "--out", str(out))
    assert done.returncode == 1
    assert "issues/2018-49/tiandong.md:1:1: E0" in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary file left either


def test_a_year_of_another_repository_is_its_own(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root)
    out = tmp_path / "out"
    done = run_cli("volume", "2019", "--format", "pdf", "--root", str(root), "--out", str(out))
    assert done.returncode == 0, done.stderr
    pages = pdfbbox.read(out / "2019-volume.pdf")
    assert "第1期" in page_text(pages[0]) and "—" not in page_text(pages[0]).replace("第1期", "")
    assert [printed_number(p) for p in pages][1:] == list(range(1, len(pages)))


def _pdf_string(raw: bytes) -> str:
    """A PDF literal string (escapes undone) as text: UTF-16BE with a BOM, else Latin-1."""
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C:  # backslash
            m = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if m:
                out.append(int(m.group(0), 8))
                i += 1 + len(m.group(0))
                continue
            nxt = raw[i + 1:i + 2]
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(nxt, nxt)
            i += 2
            continue
        out.append(c)
        i += 1
    data = bytes(out)
    return data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1")


def test_the_outline_and_page_labels_follow_the_contents(volume_pdf):
    pdf, _ = volume_pdf
    data = pdf.read_bytes()
    # outline items: the objects with a /Parent and a /Title (reportlab writes them uncompressed)
    items = re.findall(rb"<<\n/Count[^>]*?/Parent[^>]*?/Title \(((?:\\.|[^\\)])*)\)|"
                       rb"<<\n/Dest[^>]*?/Parent[^>]*?/Title \(((?:\\.|[^\\)])*)\)", data)
    titles = [_pdf_string(a or b) for a, b in items]
    expected = ["目录", "县（市、区）索引"] + [f"{YEAR}年第{n}期（总第{t}期）" for n, t in ((48, 210), (49, 211))]
    expected += [norm(m["title"]) for _, metas in year_articles(EXAMPLE, YEAR) for m in metas]
    assert sorted(norm(t) for t in titles) == sorted(norm(t) for t in expected)
    assert re.search(rb"/S /D /St 1", data)  # viewers show the printed numbers
    prefixes = [_pdf_string(p) for p in re.findall(rb"/P \(((?:\\.|[^\\)])*)\)", data)]
    assert prefixes == ["封面"]  # the cover's label
