"""The PDF writer, measured on the printed result with poppler
(`pdftotext -bbox-layout`, `pdffonts`, `pdftoppm`), never pdfplumber: reportlab
switches 256-glyph font subsets mid-line, which pdfminer mis-places.

Which lines *should* be flush or indented comes from the writer's own layout
(`lay_out_bulletin`); where they *are* comes from poppler.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import pdfbbox
import pytest
from conftest import EXAMPLE, REPO, check_snapshot, run_cli
from pdfbbox import MM

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

LEFT = 28 * MM
RIGHT = (28 + 156) * MM  # 521.57 pt
TOP = 37 * MM
BOTTOM = (37 + 225) * MM
PITCH = 225 * MM / 22
CELL = 156 * MM / 28
NO_START = set("，。、；：？！）》」』”’")
NO_END = set("（《「『“‘")
HANZI = re.compile(r"^[\u4e00-\u9fff]+$")


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def style():
    from bulletin.style import load_style

    return load_style("default")


def bulletin_of(root: Path, issue: str):
    from bulletin.commands.build import read_bulletins
    from bulletin.diagnostics import Collector
    from bulletin.numbering import IssueId

    iid = IssueId(*map(int, issue.split("-")))
    diags = Collector()
    b = read_bulletins(root, [iid], diags)[iid]
    assert b is not None, diags.items
    return b


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """2018-48 built by the CLI, as a user builds it."""
    out = tmp_path_factory.mktemp("pdf")
    r = run_cli("build", "2018-48", "--format", "pdf", "--root", str(EXAMPLE), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out / "2018-48.pdf"


@pytest.fixture(scope="module")
def pages(built):
    return pdfbbox.read(built)


@pytest.fixture(scope="module")
def layout(style):
    from bulletin.writers.pdf import lay_out_bulletin

    doc, _ = lay_out_bulletin(bulletin_of(EXAMPLE, "2018-48"), style, EXAMPLE)
    return doc


def text_rows(page):
    """Visual lines inside the 版心 (page number excluded), words in x order."""
    out = []
    for row in pdfbbox.rows(page):
        if row[0].y0 > BOTTOM:
            continue
        words = sorted((w for line in row for w in line.words), key=lambda w: w.x0)
        out.append(words)
    return out


def row_text(words) -> str:
    return "".join(w.text for w in words)


def layout_lines(doc, kinds=None):
    """(page number, page y of the top of the line's em box, text line)."""
    from bulletin.writers.pdf.layout import ASCENT, iter_lines

    for page, placed, line in iter_lines(doc):
        if kinds and line.kind not in kinds:
            continue
        size = doc.roles[line.glyphs[0].role].size
        baseline = placed.top + line.y
        yield page.number, page_height(doc) - (baseline + ASCENT * size), line


def page_height(doc) -> float:
    return doc.layout.page_height


def poppler_row_at(page, y_top: float, tolerance: float = 4.0):
    for words in text_rows(page):
        if abs(min(w.y0 for w in words) - y_top) < tolerance:
            return words
    return None


BODY = {"body", "heading1", "heading2", "heading3", "quote", "note"}


# ---------------------------------------------------------------- kinsoku


def test_no_line_starts_with_closing_punctuation(pages):
    bad = [(p.number, row_text(r)) for p in pages for r in text_rows(p) if row_text(r)[0] in NO_START]
    assert bad == []


def test_no_line_ends_with_opening_punctuation(pages):
    bad = [(p.number, row_text(r)) for p in pages for r in text_rows(p) if row_text(r)[-1] in NO_END]
    assert bad == []


# ---------------------------------------------------------------- the grid


def test_justified_lines_end_on_the_right_edge(pages, layout):
    checked = 0
    for number, y_top, line in layout_lines(layout, BODY):
        if not line.justified:
            continue
        row = poppler_row_at(pages[number - 1], y_top)
        assert row is not None, (number, y_top)
        assert abs(row[-1].x1 - RIGHT) <= 0.5, (number, row_text(row), row[-1].x1)
        checked += 1
    assert checked > 150


def test_attribution_is_flush_right(pages, layout):
    found = 0
    for number, y_top, line in layout_lines(layout, {"attribution"}):
        row = poppler_row_at(pages[number - 1], y_top)
        assert row_text(row).startswith("（") and row_text(row).endswith("）")
        assert abs(row[-1].x1 - RIGHT) <= 0.5, (number, row_text(row), row[-1].x1)
        found += 1
    assert found == 3


def test_no_glyph_outside_the_block(pages):
    """Boxes inside the block, but for a line-start opening mark: its box
    starts left of the edge by the blank before its ink, which is on the
    edge (test_pdf_page.py measures the ink)."""
    for p in pages:
        for line in p.lines:
            for w in line.words:
                left = LEFT - (CELL if w is line.words[0] and w.text[:1] in NO_END else 0.0)
                assert w.x0 >= left - 0.5 and w.x1 <= RIGHT + 0.5, (p.number, w.text, w.x0, w.x1)


def test_body_lines_start_on_the_left_edge(pages, layout):
    checked = 0
    for number, y_top, line in layout_lines(layout, {"body", "quote", "note"}):
        if line.glyphs[0].text in NO_END:
            continue  # a line-start opening mark: its ink on the edge (test_pdf_page.py)
        row = poppler_row_at(pages[number - 1], y_top)
        first_line = line.glyphs[0].x > 1  # indented two cells
        want = LEFT + 2 * CELL if first_line else LEFT
        assert abs(row[0].x0 - want) <= 0.5, (number, row_text(row), row[0].x0, want)
        checked += 1
    assert checked > 150


# Full pages (22 lines, or fewer only where keeping things together asked
# for it): test_pdf_page.py, over poppler's rows.


CJK_ONLY = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…·]+$")


def full_rows(pages, pattern):
    return [row_text(r) for p in pages for r in text_rows(p)
            if abs(r[0].x0 - LEFT) <= 0.5 and abs(r[-1].x1 - RIGHT) <= 0.5 and pattern.match(row_text(r))]


def test_full_cjk_lines_hold_28_cells(pages):
    """2018-48 has no line of hanzi alone (its prose is full of punctuation):
    its full lines of CJK text hold 28 characters, one more per two marks
    squeezed to half a cell, one fewer where kinsoku pushed a mark out."""
    counts = Counter(len(t) for t in full_rows(pages, CJK_ONLY))
    assert counts.most_common(1)[0][0] == 28 and counts[28] > 50, counts
    assert set(counts) <= {27, 28, 29, 30}, counts


def test_pure_hanzi_full_lines_hold_28_characters(example_copy, tmp_path):
    source = (EXAMPLE / "issues" / "2018-48" / "2-quanzhou.md").read_text(encoding="utf-8")
    hanzi = "".join(re.findall(r"[\u4e00-\u9fff]", source.split("---", 2)[2]))
    md = example_copy / "issues" / "2019-1" / "pingguo.md"
    md.write_text(md.read_text(encoding="utf-8") + "\n" + hanzi[:600] + "\n", encoding="utf-8")
    r = run_cli("build", "2019-1", "--format", "pdf", "--root", str(example_copy), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    full = full_rows(pdfbbox.read(tmp_path / "2019-1.pdf"), HANZI)
    assert len(full) >= 15
    assert {len(t) for t in full} == {28}


def test_lines_sit_on_the_grid(pages):
    """The text of page 2 sits centred in the first grid line (its cell
    starts at the 版心's top edge, 37 mm; the em box's top at ≈ 39.3 mm) and
    every line is a whole number of line pitches below it."""
    rows = text_rows(pages[1])
    top = min(w.y0 for w in rows[0])
    assert abs(top - (TOP + (PITCH - 16) / 2)) <= 0.5 * MM
    for k, row in enumerate(rows):
        y = max(w.y1 for w in row)  # em box bottom of 仿宋 (poppler: font bbox)
        assert abs(y - (top + 16 + k * PITCH)) < 2.5, (k, row_text(row))


def test_page_numbers(pages):
    for p in pages:
        below = [line for line in p.lines if line.y0 > BOTTOM]
        assert len(below) == 1, p.number
        line = below[0]
        assert line.text.replace(" ", "") == f"—{p.number}—"
        # poppler boxes a glyph from the face's ascent (0.8–0.88 em, by face)
        assert abs(line.y0 - (BOTTOM + 7 * MM)) <= 1.5
        if p.number % 2:
            assert abs(line.x1 - (RIGHT - CELL)) <= 0.5
        else:
            assert abs(line.x0 - (LEFT + CELL)) <= 0.5


# ---------------------------------------------------------------- masthead and 版记


def test_masthead(pages):
    rows = [row_text(r) for r in text_rows(pages[0])]
    assert rows[0] == "广西精准脱贫攻坚简报"
    assert rows[1] == "2018年第48期（总第210期）"
    assert rows[2] == "广西壮族自治区扶贫开发办公室编2018年11月15日"
    editor = text_rows(pages[0])[2]
    assert abs(editor[0].x0 - LEFT) <= 0.5 and abs(editor[-1].x1 - RIGHT) <= 0.5
    title = text_rows(pages[0])[0]
    assert abs((title[0].x0 + title[-1].x1) / 2 - (LEFT + RIGHT) / 2) <= 1.0


def render_gray(pdf: Path, page: int, dpi: int) -> tuple[int, int, bytes, int]:
    """(width, height, samples, channels) of one page rendered by pdftoppm."""
    out = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    magic, w, h, _max, data = re.match(rb"(P[56])\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", out, re.DOTALL).groups()
    return int(w), int(h), data, 3 if magic == b"P6" else 1


def test_masthead_title_is_red(built):
    w, _h, data, ch = render_gray(built, 1, 36)
    top, bottom = int(TOP / 72 * 36), int((TOP + 2 * PITCH) / 72 * 36)
    red = 0
    for y in range(top, bottom):
        for x in range(w):
            r, g, b = data[(y * w + x) * ch: (y * w + x) * ch + 3]
            red += r > 180 and g < 90 and b < 90
    assert red > 200


def test_imprint_sits_on_the_bottom_edge(built, pages):
    last = pages[-1]
    rows = [row_text(r) for r in text_rows(last)]
    assert any(t.startswith("报：") for t in rows)
    assert any(t.startswith("送：") for t in rows)
    assert rows[-2] == "广西壮族自治区扶贫开发办公室2018年11月15日印发"
    assert rows[-1].startswith("联系人：黄") and rows[-1].endswith("gtxpxcb@163.com")
    print_line = text_rows(last)[-2]
    assert abs(print_line[0].x0 - (LEFT + CELL)) <= 0.5
    assert abs(print_line[-1].x1 - (RIGHT - CELL)) <= 0.5
    contact = text_rows(last)[-1]
    assert contact[-1].x1 <= RIGHT - CELL + 0.5  # shrunk to fit one line
    # The last rule: a dark pixel row across the block at the bottom edge.
    dpi = 144
    w, _h, data, ch = render_gray(built, last.number, dpi)
    y = round(BOTTOM / 72 * dpi)
    x0, x1 = round(LEFT / 72 * dpi) + 2, round(RIGHT / 72 * dpi) - 2
    dark = [min(data[((yy * w) + x) * ch] for yy in (y - 1, y, y + 1)) < 100 for x in range(x0, x1)]
    assert all(dark)


# ---------------------------------------------------------------- the file


def test_fonts_are_embedded_subsets(built):
    out = subprocess.run(["pdffonts", str(built)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        fields = row.split()
        assert fields[-5:-2] == ["yes", "yes", "yes"], row  # emb sub uni
        assert re.match(r"[A-Z]{6}\+", fields[0]), row


def test_rebuild_is_byte_identical(built, tmp_path):
    r = run_cli("build", "2018-48", "--format", "pdf", "--root", str(EXAMPLE), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "2018-48.pdf").read_bytes() == built.read_bytes()


def test_document_info(built):
    out = subprocess.run(["pdfinfo", str(built)], capture_output=True, text=True, check=True).stdout
    info = dict(re.findall(r"^(\w+):[ \t]*(.*)$", out, re.MULTILINE))
    assert info["Title"] == "广西精准脱贫攻坚简报"
    assert info["Author"] == "广西壮族自治区扶贫开发办公室编"
    assert info["Subject"] == "2018年第48期（总第210期）"
    assert info["CreationDate"].startswith("Thu Nov 15 00:00:00 2018")


def test_uncovered_character_is_an_error_naming_it(example_copy, tmp_path):
    article = example_copy / "issues" / "2018-48" / "3-mengshan.md"
    lines = article.read_text(encoding="utf-8").splitlines()
    n = next(i for i, t in enumerate(lines) if t.startswith("二是完善"))
    lines[n] = lines[n].replace("大病保险政策", "大病\U00020000保险政策")
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run_cli("build", "2018-48", "--format", "pdf", "--root", str(example_copy), "--out", str(out))
    assert r.returncode == 1
    col = lines[n].index("\U00020000") + 1
    assert f"issues/2018-48/3-mengshan.md:{n + 1}:{col}: E041 character '\U00020000' (U+20000) is not in font" in r.stderr
    assert "for fangsong" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (out / "2018-48.pdf").exists()


# ---------------------------------------------------------------- elements


def test_every_block_type_has_a_rule():
    from bulletin import model
    from bulletin.writers.pdf import BLOCK_RULES

    assert set(BLOCK_RULES) == set(model.BLOCK_TYPES)


def test_headings_never_end_a_page(layout):
    kept = {"article_title", "column_label", "heading1", "heading2", "heading3", "subtitle"}
    for page in layout.pages[:-1]:
        texts = [item for p in page.placed if p.row >= 0 for item in p.items if hasattr(item, "glyphs")]
        assert texts[-1].kind not in kept, (page.number, texts[-1].kind)


def test_titles_break_where_their_writer_broke_them(pages):
    # front matter: "全州县“五心五线”工作法严管厚爱 驻村工作队员", as the printed issue breaks it
    rows = [row_text(r) for p in pages for r in text_rows(p)]
    i = rows.index("全州县“五心五线”工作法严管厚爱")
    assert rows[i + 1] == "驻村工作队员"
    i = rows.index("乐业县探索“三变”")
    assert rows[i + 1] == "实现贫困户产业全覆盖"


def test_long_titles_are_set_on_centred_lines_within_the_block(style):
    from bulletin.writers.pdf import faces
    from bulletin.writers.pdf.layout import Layout

    lay = Layout(style, faces.FontSet(faces.resolve(style.fonts, {}, EXAMPLE)), EXAMPLE)
    title = "关于进一步加强和改进新时代农村基层党组织建设工作的实施意见员"
    lay.title(title, None)
    lines = [ln for atom in lay.atoms for ln in atom.items]
    texts = ["".join(g.text for g in ln.glyphs) for ln in lines]
    assert "".join(texts) == title and len(texts) == 2
    for ln in lines:
        xs = [ln.x + g.x for g in ln.glyphs]
        assert min(xs) >= lay.left - 0.01 and max(ln.x + g.x + g.advance for g in ln.glyphs) <= lay.left + lay.width + 0.01

def test_layout_snapshot_2018_49(style):
    from bulletin.writers.pdf import dump, lay_out_bulletin

    doc, _ = lay_out_bulletin(bulletin_of(EXAMPLE, "2018-49"), style, EXAMPLE)
    check_snapshot(REPO / "tests" / "snapshots" / "pdf" / "2018-49.layout.txt", dump(doc))


def _png(path: Path, width: int, height: int) -> None:
    """A small grey PNG, written without any imaging library."""
    raw = b"".join(b"\0" + bytes([128, 128, 128]) * width for _ in range(height))
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_figure_and_long_table(example_copy, tmp_path):
    """A figure wider than the block is scaled to it, centred, its caption
    under it; a table longer than a page breaks between rows and repeats its
    header row."""
    issue = example_copy / "issues" / "2019-1"
    _png(issue / "chart.png", 1600, 600)
    rows = "\n".join(f"| 乡镇{k} | {1000 + k} | 第{k}行说明文字，较长的内容会在单元格内换行显示 |" for k in range(1, 41))
    md = issue / "pingguo.md"
    md.write_text(md.read_text(encoding="utf-8") + "\n![图1 回头看核查进度](chart.png)\n\n"
                  "| 乡镇 | 户数 | 说明 |\n|---|---:|---|\n" + rows + "\n", encoding="utf-8")
    r = run_cli("build", "2019-1", "--format", "pdf", "--root", str(example_copy), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / "2019-1.pdf"
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()) == 3  # header, rule, one image
    pages = pdfbbox.read(pdf)
    caption = [(p.number, r) for p in pages for r in text_rows(p) if row_text(r) == "图1回头看核查进度"]
    assert caption, "caption not found"
    _, row = caption[0]
    assert abs((row[0].x0 + row[-1].x1) / 2 - (LEFT + RIGHT) / 2) <= 1.0
    headers = [p.number for p in pages for r in text_rows(p) if row_text(r) == "乡镇户数说明"]
    assert len(headers) >= 2 and len(set(headers)) == len(headers)
    for p in pages:
        for line in p.lines:
            for w in line.words:
                assert LEFT - 0.5 <= w.x0 and w.x1 <= RIGHT + 0.5, (p.number, w.text)
    # every body row of the table is whole on one page
    cells = [row_text(r) for p in pages for r in text_rows(p)]
    for k in range(1, 41):
        assert any(t.startswith(f"乡镇{k}{1000 + k}") for t in cells), k


def test_long_masthead_title_shrinks_to_one_line(style):
    from bulletin.model import Masthead
    from bulletin.writers.pdf import faces
    from bulletin.writers.pdf.layout import Layout, TextLine

    lay = Layout(style, faces.FontSet(faces.resolve(style.fonts, {}, EXAMPLE)), EXAMPLE)
    lay.masthead(Masthead("广西壮族自治区精准脱贫攻坚工作简报", "2018年第48期", "编", "2018年11月15日"))
    title = [i for a in lay.atoms for i in a.items if isinstance(i, TextLine) and i.kind == "masthead_title"]
    assert len(title) == 1
    glyphs = title[0].glyphs
    size = lay.roles[glyphs[0].role].size
    assert size < 42
    assert abs(glyphs[-1].x + glyphs[-1].advance - glyphs[0].x - lay.width) < 0.01  # exactly the block width


def test_editor_line_too_long_for_one_line_takes_two(style):
    from bulletin.model import Masthead
    from bulletin.writers.pdf import faces
    from bulletin.writers.pdf.layout import Layout, TextLine

    lay = Layout(style, faces.FontSet(faces.resolve(style.fonts, {}, EXAMPLE)), EXAMPLE)
    lay.masthead(Masthead("简报", "2018年第48期", "广西壮族自治区扶贫开发领导小组办公室综合信息处编", "2018年11月15日"))
    editor = [a for a in lay.atoms if any(isinstance(i, TextLine) and i.kind == "editor_line" for i in a.items)]
    assert len(editor) == 2


def test_a_role_with_only_latin_text(example_copy, tmp_path):
    """A quote of digits alone and no other 楷体 text (no attribution): the
    kai face is never registered, yet the quote's style is drawn."""
    md = example_copy / "issues" / "2019-1" / "pingguo.md"
    text = md.read_text(encoding="utf-8").replace("author: 梁海燕", "author: 梁海燕\nattribution: false")
    md.write_text(text + "\n> 2019 2020\n", encoding="utf-8")
    r = run_cli("build", "2019-1", "--format", "pdf", "--root", str(example_copy), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    rows = [row_text(r) for p in pdfbbox.read(tmp_path / "2019-1.pdf") for r in text_rows(p)]
    assert "20192020" in rows  # two words, joined by row_text
