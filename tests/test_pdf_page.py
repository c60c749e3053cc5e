"""Page polish (issue 14) and the grid's place on the page (issue 10),
measured on the printed PDF with poppler (`pdftotext -bbox-layout`).

Which printed row is which line of which paragraph comes from the writer's
own layout (`lay_out_bulletin`); every row the checks use is first found in
poppler's output at that page and height, with that text, and the page it
sits on and its position are poppler's.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pdfbbox
import pytest
from conftest import EXAMPLE
from pdfbbox import MM

from bulletin.text.chars import OPENING_CHARS

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

LEFT = 28 * MM
TOP = 37 * MM
BOTTOM = (37 + 225) * MM
PITCH = 225 * MM / 22
CELL = 156 * MM / 28
HEADS = {"article_title", "subtitle", "column_label", "heading1", "heading2", "heading3"}
PROSE = {"body", "quote", "note"}
INDENTED = PROSE | {"heading1", "heading2", "heading3"}


# ---------------------------------------------------------------- building and reading


@dataclass
class Built:
    pdf: Path
    doc: object  # the layout
    fontset: object
    pages: list  # pdfbbox pages


def build(root: Path, issue: str, out: Path) -> Built:
    from test_pdf import bulletin_of

    from bulletin.style import load_style
    from bulletin.writers.pdf import lay_out_bulletin
    from bulletin.writers.pdf.draw import render

    doc, fontset = lay_out_bulletin(bulletin_of(root, issue), load_style("default"), root)
    pdf = out / f"{issue}.pdf"
    pdf.write_bytes(render(doc, fontset))
    return Built(pdf, doc, fontset, pdfbbox.read(pdf))


@dataclass
class Row:
    """One printed row of the text block: the layout's lines on one grid row."""

    page: int
    kind: str
    para: int  # index of the paragraph (or title block, table, …) it belongs to
    first: bool  # the first line of its paragraph
    text: str  # as poppler read it
    words: list  # poppler's words, left to right
    lines: list  # the layout's TextLines
    grid: int  # grid row of the page, 0-based (−1: no grid)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def rows_of(b: Built) -> list[Row]:
    """Every row of text inside the block (masthead, 版记 and page numbers
    left out), in reading order, each matched with poppler's row."""
    from bulletin.writers.pdf.layout import ASCENT, TextLine

    doc = b.doc
    height = doc.layout.page_height
    out: list[Row] = []
    para = -1
    prev_key = None
    for page in doc.pages:
        poppler_rows = [sorted((w for ln in r for w in ln.words), key=lambda w: w.x0)
                        for r in pdfbbox.rows(b.pages[page.number - 1])]
        for placed in page.placed:
            if placed.row < 0:
                continue
            lines = [it for it in placed.items if isinstance(it, TextLine) and it.glyphs]
            if not lines or lines[0].kind in ("masthead_title", "issue_line", "editor_line", "marks"):
                continue
            for r in sorted({ln.row for ln in lines}):
                mine = [ln for ln in lines if ln.row == r]
                ln = mine[0]
                size = doc.roles[ln.glyphs[0].role].size
                centre = height - (placed.top + ln.y + (ASCENT - 0.5) * size)  # em box centre, from the top
                words = next((ws for ws in poppler_rows
                              if abs((min(w.y0 for w in ws) + max(w.y1 for w in ws)) / 2 - centre) < 5), None)
                assert words is not None, (page.number, ln.kind, "".join(g.text for g in ln.glyphs))
                text = "".join(w.text for w in words)
                if len(mine) == 1 and ln.kind != "table":
                    assert _squash(text) == _squash("".join(g.text for g in ln.glyphs)), (page.number, text)
                first = ln.kind in INDENTED and ln.glyphs[0].x > 1  # indented: a paragraph starts
                key = (ln.kind, ln.src, id(placed.atom.group) if placed.atom.group else None)
                if key != prev_key or first:
                    para += 1
                    first = True
                prev_key = key
                out.append(Row(page.number, ln.kind, para, first, text, words, mine, placed.row + r))
    return out


# ---------------------------------------------------------------- the checks


def keeping_faults(rows: list[Row]) -> list[str]:
    """Orphans, widows, split two-line paragraphs, stranded titles and
    headings, stranded attributions, one- or two-character last lines."""
    faults = []
    by_para: dict[int, list[Row]] = {}
    for row in rows:
        by_para.setdefault(row.para, []).append(row)
    for i, row in enumerate(rows):
        if row.kind in HEADS and (i + 1 == len(rows) or rows[i + 1].para != row.para):
            after = rows[i + 1:i + 3]
            if any(r.page != row.page for r in after):
                faults.append(f"p{row.page}: {row.kind} {row.text} not kept with two lines after it")
        if row.kind == "attribution" and i and rows[i - 1].page != row.page:
            faults.append(f"p{row.page}: attribution {row.text} alone at the head of the page")
    for group in by_para.values():
        kind = group[0].kind
        if kind not in PROSE and kind not in HEADS - {"article_title", "subtitle"}:
            continue
        pages = [r.page for r in group]
        for p in sorted(set(pages))[:-1] if len(set(pages)) > 1 else []:
            head, tail = pages.count(p), pages.count(p + 1)
            if head < 2 or tail < 2:
                faults.append(f"p{p}: {kind} of {len(group)} lines split {head}+{tail}: {group[0].text[:12]}…")
        if kind in PROSE and len(group) > 1 and len(_squash(group[-1].text)) < 3:
            faults.append(f"p{group[-1].page}: last line of {len(_squash(group[-1].text))} characters: "
                          f"{group[-2].text[-6:]}|{group[-1].text}")
    return faults


def grid_faults(b: Built, rows: list[Row]) -> list[str]:
    """Rows on the grid (one offset from the grid line for every body row),
    and full pages: 22 lines, or fewer only where the next page starts with
    a chain of kept lines that did not fit (20–21 for a paragraph)."""
    faults = []
    body = [r for r in rows if r.kind in PROSE and _hanzi_words(r)]
    offsets = [(_centre(_hanzi_words(r)) - TOP) % PITCH for r in body]
    ref = sorted(offsets)[len(offsets) // 2]
    for r, off in zip(body, offsets):
        if abs(off - ref) > 0.5:
            faults.append(f"p{r.page}: {r.text[:10]}… {off - ref:+.2f} pt off the grid")
    pages = b.doc.pages
    last_text = max(r.page for r in rows)
    for page in pages[1:last_text - 1]:
        mine = [r for r in rows if r.page == page.number]
        rows_used = max(r.grid for r in mine) + 1
        if rows_used == 22:
            continue
        nxt = [p for p in pages[page.number].placed if p.row >= 0]
        chain = 0
        for p in nxt:
            chain += p.atom.h
            if not p.atom.keep:
                break
        free = 22 - rows_used
        starts = getattr(nxt[0].items[0], "kind", "") if nxt and nxt[0].items else ""
        if starts in ("article_title", "column_label"):
            chain += 1  # the blank line before it, which vanished at the top of the page
        if chain <= free or (starts in PROSE and free > 2):
            faults.append(f"p{page.number}: {rows_used} lines, {free} free, next chain {chain} ({starts})")
    return faults


def _hanzi_words(r: Row) -> list:
    """The row's words without Latin (poppler boxes each font by its own
    ascent and descent; the CJK face's box is the one to compare)."""
    return [w for w in r.words if w.text and not re.search(r"[\x00-\x7f]", w.text)]


def _centre(words) -> float:
    return (min(w.y0 for w in words) + max(w.y1 for w in words)) / 2


def glyph_ink_left(face, char: str) -> float:
    """Where ``char``'s ink starts, in ems from its origin (fontTools bounds)."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    with TTFont(str(face.path), fontNumber=face.index, lazy=True) as font:
        glyphs = font.getGlyphSet()
        pen = BoundsPen(glyphs)
        glyphs[font.getBestCmap()[ord(char)]].draw(pen)
        return pen.bounds[0] / font["head"].unitsPerEm


def opening_faults(b: Built, rows: list[Row]) -> tuple[int, list[str]]:
    """Every line-start opening bracket or quote of the text: its ink on the
    block's left edge, or two cells in on a paragraph's first line."""
    faults, seen, ink = [], 0, {}
    for r in rows:
        ln = r.lines[0]
        g = ln.glyphs[0]
        if r.kind not in INDENTED or g.text not in OPENING_CHARS or r.words[0].text[:1] != g.text:
            continue
        rs = b.doc.roles[g.role]
        face = b.fontset.faces[rs.font]
        key = (face.path, face.index, g.text)
        if key not in ink:
            ink[key] = glyph_ink_left(face, g.text)
        x = r.words[0].x0 + ink[key] * rs.size
        want = LEFT + (2 * CELL if r.first else 0.0)
        seen += 1
        if abs(x - want) > 0.5:
            faults.append(f"p{r.page}: {r.text[:10]}… ink at {x - want:+.2f} pt")
    return seen, faults


# ---------------------------------------------------------------- the examples


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    out = tmp_path_factory.mktemp("examples")
    built = {issue: build(EXAMPLE, issue, out) for issue in ("2018-48", "2018-49")}
    return {issue: (b, rows_of(b)) for issue, b in built.items()}


@pytest.mark.parametrize("issue", ["2018-48", "2018-49"])
def test_examples_keep_things_together(examples, issue):
    b, rows = examples[issue]
    assert len(rows) > 40
    assert keeping_faults(rows) == []


@pytest.mark.parametrize("issue", ["2018-48", "2018-49"])
def test_examples_stay_on_the_grid_and_fill_their_pages(examples, issue):
    b, rows = examples[issue]
    assert grid_faults(b, rows) == []


def test_line_start_opening_marks_have_their_ink_on_the_edge(examples):
    seen = 0
    for b, rows in examples.values():
        n, faults = opening_faults(b, rows)
        assert faults == []
        seen += n
    assert seen >= 5  # 2018-48 alone starts five lines with “ or （


def test_first_line_of_every_body_page_sits_centred_in_the_first_grid_cell(examples):
    """Issue 10: the first line's cell starts at 37 mm and its em box is
    centred in it, so the glyph top (poppler: the em box) is at ≈ 39.3 mm."""
    checked = 0
    for b, rows in examples.values():
        for page in b.pages[1:]:
            first = [r for r in rows if r.page == page.number and r.grid == 0]
            if not first or first[0].kind not in PROSE:
                continue
            top = min(w.y0 for w in first[0].words) / MM
            assert abs(top - 39.3) <= 0.5, (page.number, first[0].text, top)
            checked += 1
    assert checked >= 8


def test_the_body_after_a_title_is_on_the_grid(examples):
    """Each title block takes whole grid lines: the line after it is a whole
    number of pitches below the page's first grid line, like every body line."""
    checked = 0
    for b, rows in examples.values():
        body = [r for r in rows if r.kind in PROSE and _hanzi_words(r)]
        ref = rows_top_offset(body)
        for i, r in enumerate(rows[:-1]):
            nxt = rows[i + 1]
            if r.kind in ("article_title", "subtitle") and nxt.kind not in ("article_title", "subtitle"):
                off = (min(w.y0 for w in _hanzi_words(nxt)) - TOP) % PITCH
                assert abs(off - ref) <= 0.5, (nxt.page, nxt.text, off, ref)
                checked += 1
    assert checked >= 6  # every title of both issues


def rows_top_offset(body: list[Row]) -> float:
    """The median distance of a body row's top below its grid line's top."""
    offs = sorted((min(w.y0 for w in _hanzi_words(r)) - TOP) % PITCH for r in body)
    return offs[len(offs) // 2]


def test_titles_are_set_off_from_their_text(examples):
    """More than one line's gap between a title's last baseline and its text
    (the title block's half-line pads): poppler's boxes a pitch and a half
    apart or more, not the 0.8 pitch of a title set tight on the grid."""
    b, rows = examples["2018-48"]
    gaps = [min(w.y1 for w in rows[i + 1].words) - min(w.y1 for w in r.words)
            for i, r in enumerate(rows[:-1]) if r.kind == "article_title" and rows[i + 1].kind in PROSE]
    assert gaps and all(g >= 1.3 * PITCH for g in gaps), gaps


def test_caption_keeps_its_space_and_subtitle_one_lead(example_copy, tmp_path):
    from test_pdf import _png

    issue = example_copy / "issues" / "2019-1"
    _png(issue / "chart.png", 400, 200)
    md = issue / "pingguo.md"
    text = md.read_text(encoding="utf-8").replace("author: 梁海燕", "author: 梁海燕\nsubtitle: ——田林县的做法")
    md.write_text(text + "\n![图1 古江村产业分布](chart.png)\n", encoding="utf-8")
    b = build(example_copy, "2019-1", tmp_path)
    texts = [pdfbbox.Line(sorted((w for ln in r for w in ln.words), key=lambda w: w.x0), 0, 0, 0, 0).text
             for p in b.pages for r in pdfbbox.rows(p)]
    assert any(t.startswith("——田林县的做法") for t in texts), texts
    assert not any("————" in t for t in texts)
    caption = next(r for p in b.pages for r in pdfbbox.rows(p) if "古江村" in "".join(ln.text for ln in r))
    words = sorted((w for ln in caption for w in ln.words), key=lambda w: w.x0)
    text = "".join(w.text for w in words)
    assert text.startswith("图1") and "古江村产业分布" in text
    # a visible gap between 图1 and 古江: at least half a 四号 cell
    one = next(w for w in words if "1" in w.text)
    gu = next(w for w in words if w.text.startswith("古") or "古" in w.text)
    if one is gu:  # one word: poppler saw no gap wide enough to split it
        pytest.fail(f"no space between 图1 and 古江: {text}")
    assert gu.x0 - one.x1 >= 7


def test_imprint_has_a_rule_before_the_contact_line(examples):
    from test_pdf import render_gray

    b, _rows = examples["2018-48"]
    last = b.pages[-1]
    rows = pdfbbox.rows(last)
    printed = next(r for r in rows if "".join(ln.text for ln in r).endswith("印发"))
    contact = next(r for r in rows if "".join(ln.text for ln in r).startswith("联系人"))
    dpi = 144
    w, _h, data, ch = render_gray(b.pdf, last.number, dpi)
    x0, x1 = round(LEFT / 72 * dpi) + 2, round((LEFT + 156 * MM) / 72 * dpi) - 2
    ys = range(round(max(ln.y1 for ln in printed) / 72 * dpi), round(min(ln.y0 for ln in contact) / 72 * dpi) + 1)
    ruled = [y for y in ys if all(data[(y * w + x) * ch] < 140 for x in range(x0, x1, 3))]
    assert ruled, "no rule between the 印发 line and the contact line"


# ---------------------------------------------------------------- a stress issue

_HANZI = ("全县坚持把产业发展作为脱贫攻坚的根本之策因地制宜发展特色种养业带动贫困户增收致富"
          "通过资源变资产资金变股金农民变股东探索推进三变改革让贫困户参与产业建设经营管理和收益")
_MARKS = "，。、；"


def _sentence(rng: random.Random, n: int) -> str:
    """``n`` characters of prose: hanzi with a mark every few, sometimes a
    quoted or bracketed phrase, ending with 。"""
    out: list[str] = []
    while len(out) < n - 1:
        r = rng.random()
        if r < 0.06 and len(out) < n - 6:
            out += ["“", *rng.sample(_HANZI, 2), "”"]
        elif r < 0.1 and len(out) < n - 6:
            out += ["（", *rng.sample(_HANZI, 3), "）"]
        elif r < 0.22 and out and out[-1] not in _MARKS + "“（":
            out.append(rng.choice(_MARKS[:3]))
        else:
            out.append(rng.choice(_HANZI))
    return "".join(out[: n - 1]) + "。"


def stress_issue(root: Path, articles: int = 30, seed: int = 14) -> None:
    """Issue 2019-2: ``articles`` articles of headings and paragraphs of
    one to six lines, each length drawn so last lines of one or two
    characters occur too, and some lines start with “ or （."""
    rng = random.Random(seed)
    folder = root / "issues" / "2019-2"
    folder.mkdir(parents=True)
    (folder / "issue.yaml").write_text("date: 2019-01-17\n", encoding="utf-8")
    for a in range(articles):
        parts = []
        for k in range(rng.randint(2, 6)):
            if rng.random() < 0.3:
                parts.append(f"## {'一二三四五六'[k]}、{_sentence(rng, rng.randint(6, 14))[:-1]}")
            lines = rng.randint(1, 6)
            n = 28 * lines - 2 - rng.choice([0, 3, 10, 26, 27]) if lines > 1 else rng.randint(8, 26)
            text = _sentence(rng, n)
            if rng.random() < 0.25:
                cut = rng.randint(20, max(21, len(text) - 10))
                text = text[:cut] + "“" + text[cut:cut + 4] + "”" + text[cut + 4:]
            parts.append(text)
        title = _sentence(rng, rng.randint(8, 30))[:-1]
        front = f"---\ntitle: {title}\ncounty: 某{a}县\nauthor: 作者{a}\n---\n\n"
        (folder / f"a{a:02d}.md").write_text(front + "\n\n".join(parts) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def stress(tmp_path_factory):
    root = tmp_path_factory.mktemp("stress") / "repo"
    shutil.copytree(EXAMPLE, root)
    stress_issue(root)
    b = build(root, "2019-2", root.parent)
    return b, rows_of(b)


def test_stress_issue_keeps_things_together(stress):
    b, rows = stress
    assert len(b.pages) >= 15 and sum(r.first for r in rows if r.kind == "body") >= 100
    assert keeping_faults(rows) == []


def test_stress_issue_stays_on_the_grid_and_fills_its_pages(stress):
    b, rows = stress
    assert grid_faults(b, rows) == []
    short = [p.number for p in b.doc.pages[1:-2] if max(r.grid for r in rows if r.page == p.number) < 21]
    assert len(short) < len(b.doc.pages) - 3  # most pages are full


def test_stress_issue_line_start_marks(stress):
    b, rows = stress
    seen, faults = opening_faults(b, rows)
    assert faults == [] and seen >= 10
