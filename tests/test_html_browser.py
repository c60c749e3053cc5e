"""The HTML edition in a real browser: headless Chromium renders each page;
the tests read the *rendered* DOM (not the HTML source) and compare it with
what the model says the page must hold, computed here independently of the
writer; axe-core checks accessibility (GB/T 37668 follows WCAG 2.0).

Acceptance 1 of the web edition: for every example issue, every title,
heading (at its level), paragraph, table cell, figure and attribution in
order, and the 版记.
"""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import pytest
from browser import serious, start_browser
from conftest import EXAMPLE

from bulletin.diagnostics import Collector
from bulletin.model import Bulletin, Figure, Heading, Para, Quote, Table, plain_text
from bulletin.numbering import IssueId
from bulletin.style import load_style
from bulletin.writers.html import index_entry, publish, render_page, write_index

EXAMPLE_IDS = ("2018-48", "2018-49", "2019-1")
SCREENSHOTS = Path(__file__).parent / ".." / "build" / "screenshots"


def read(root: Path, ids) -> dict[str, Bulletin]:
    from bulletin.commands.build import read_bulletins

    diags = Collector()
    wanted = [IssueId(*map(int, i.split("-"))) for i in ids]
    got = read_bulletins(root, wanted, diags)
    assert all(b is not None for b in got.values()), [str(d) for d in diags]
    return {str(k): v for k, v in got.items()}


@pytest.fixture(scope="module")
def browser():
    b, stop = start_browser()
    yield b
    stop()


@pytest.fixture(scope="module")
def style():
    return load_style()


@pytest.fixture(scope="module")
def site(tmp_path_factory, style):
    """The example issues' pages and the index, written as `build --format html --all` writes them."""
    out = tmp_path_factory.mktemp("site")
    bulletins = read(EXAMPLE, EXAMPLE_IDS)
    for iid, b in bulletins.items():
        publish(render_page(b, style), iid, EXAMPLE, out)
    (out / "index.html").write_bytes(write_index([index_entry(b) for b in bulletins.values()], style))
    return out, bulletins


# ----------------------------------------------------- what the page must hold


def expected_items(b: Bulletin) -> list[tuple[str, str, str, str]]:
    """The model as the reader must meet it, in order: (tag, class, text, where)."""
    m, imp = b.masthead, b.imprint
    out = [("span", "", mark, "masthead") for mark in m.marks]
    out += [("h1", "masthead-title", m.title, "masthead"), ("p", "issue-line", m.issue_line, "masthead"),
            ("span", "editor", m.editor, "masthead"), ("time", "date", m.date_text, "masthead")]
    if b.note:
        out.append(("p", "", "编者按：" + plain_text(b.note), "note"))
    n = 0
    for group in b.groups:
        if group.label:
            out.append(("p", "column-label", group.label, ""))
        for art in group.articles:
            n += 1
            where = f"a{n}"
            out.append(("h2", "article-title", art.title, where))
            if art.subtitle:
                out.append(("p", "subtitle", "——" + art.subtitle, where))
            above: list[Heading] = []  # the headings this one is under (no skipped level: h3 + their number)
            for block in art.blocks:
                if isinstance(block, Heading):
                    above = [h for h in above if h.level < block.level]
                    out.append((f"h{3 + len(above)}", f"heading level-{block.level}", plain_text(block.spans), where))
                    above.append(block)
                elif isinstance(block, Para):
                    out.append(("p", "body", plain_text(block.lead) + plain_text(block.spans), where))
                elif isinstance(block, Quote):
                    out += [("p", "", plain_text(p.lead) + plain_text(p.spans), where) for p in block.paras]
                elif isinstance(block, Table):
                    out += [("th", _align(block, c), plain_text(cell), where) for c, cell in enumerate(block.header)]
                    for row in block.rows:
                        out += [("td", _align(block, c), plain_text(cell), where) for c, cell in enumerate(row)]
                elif isinstance(block, Figure):
                    out.append(("img", "", block.caption, where))
                    if block.caption:
                        out.append(("figcaption", "", block.caption, where))
            if art.attribution:
                out.append(("address", "attribution", art.attribution, where))
    for d in imp.distribution:
        out += [("dt", "", d.label + "：", "imprint"), ("dd", "", d.text, "imprint")]
    out += [("span", "issuer", imp.issuer, "imprint"), ("span", "print-date", imp.print_date, "imprint")]
    if imp.contact:
        out.append(("p", "contact", imp.contact, "imprint"))
    return out


def _align(table: Table, column: int) -> str:
    a = table.aligns[column] if column < len(table.aligns) else ""
    return a if a in ("left", "center", "right") else ""


def check_page(browser, page: Path, b: Bulletin) -> dict:
    browser.open(page)
    assert browser.js("return document.documentElement.lang") == "zh-CN"
    got = browser.items()
    want = expected_items(b)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"item {i}: rendered {g!r}, the model says {w!r}"
    assert len(got) == len(want), (got[len(want):], want[len(got):])
    return browser.axe()


# ------------------------------------------------------------------- tests


@pytest.mark.parametrize("iid", EXAMPLE_IDS)
def test_example_issue_holds_the_model_in_order_and_passes_axe(browser, site, iid):
    out, bulletins = site
    result = check_page(browser, out / f"{iid}.html", bulletins[iid])
    assert not serious(result), "\n".join(serious(result))


def test_articles_headings_and_table_as_rendered(browser, site):
    """The things a reader navigates by, asserted directly: landmarks,
    article order, heading outline, the table's header cells."""
    out, bulletins = site
    b = bulletins["2018-49"]
    browser.open(out / "2018-49.html")
    titles = browser.js("return [...document.querySelectorAll('main article > h2')].map(e => e.innerText)")
    assert titles == [a.title for a in b.articles]
    assert browser.js("return document.querySelectorAll('body > header, body > main, body > footer').length") == 3
    outline = browser.js("return [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(e => +e.tagName[1])")
    assert outline[0] == 1 and outline.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(outline, outline[1:])), outline  # never a skipped level
    table = browser.js("""const t = document.querySelector('table');
        return {th: [...t.querySelectorAll('thead th')].map(e => [e.innerText, e.scope]),
                rows: [...t.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.innerText))}""")
    model = next(blk for a in b.articles for blk in a.blocks if isinstance(blk, Table))
    assert table["th"] == [[plain_text(c), "col"] for c in model.header]
    assert table["rows"] == [[plain_text(c) for c in r] for r in model.rows]


def test_masthead_red_print_page_and_fonts(browser, site, style):
    out, _ = site
    browser.open(out / "2018-48.html")
    red = style.color("red")
    rgb = tuple(int(red[i:i + 2], 16) for i in (0, 2, 4))
    assert browser.js("return getComputedStyle(document.querySelector('h1')).color") == "rgb(%d, %d, %d)" % rgb
    fam = [f.strip('"') for f in browser.js("return getComputedStyle(document.body).fontFamily").split(", ")]
    # official names first, free ones after, a generic family last
    assert fam.index("仿宋_GB2312") < fam.index("FangSong") < fam.index("AR PL SungtiL GB") < len(fam) - 1
    assert fam[-1] == "serif"
    # print: the @page rule carries the GB/T 9704 margins (top right bottom left)
    page = browser.js("""for (const s of document.styleSheets) for (const r of s.cssRules)
        if (r.type === CSSRule.PAGE_RULE && !r.selectorText) return [r.style.size, r.style.margin];""")
    assert page == ["210mm 297mm", "37mm 26mm 35mm 28mm"]


def test_screenshot_shows_the_red_masthead(browser, site):
    """A real screenshot of the page, kept in build/screenshots/ to look at."""
    from PIL import Image

    out, _ = site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.open(out / "2018-49.html")
    shot = browser.screenshot(SCREENSHOTS / "2018-49.png")
    with Image.open(shot) as img:
        img = img.convert("RGB")
        w, h = img.size
        assert h > 1500  # the whole issue, not the first screenful
        reds = sum(1 for r, g, b_ in _pixels(img.crop((0, 0, w, 120))) if r > 180 and g < 80 and b_ < 80)
        assert reds > 500, "no red masthead in the top of the screenshot"
        dark = sum(1 for r, g, b_ in _pixels(img.crop((0, 120, w, h))) if r < 100 and g < 100 and b_ < 100)
        assert dark > 20000, "no body text rendered"


def _pixels(img):
    data = img.tobytes()
    return zip(data[0::3], data[1::3], data[2::3])


def test_index_lists_issues_by_year_with_article_links(browser, site):
    out, bulletins = site
    browser.open(out / "index.html")
    years = browser.js("return [...document.querySelectorAll('section.year > h2')].map(e => e.innerText)")
    assert years == ["2019年", "2018年"]
    links = browser.js("return [...document.querySelectorAll('main a')].map(a => [a.innerText, a.getAttribute('href')])")
    want = []
    for iid in ("2019-1", "2018-49", "2018-48"):
        b = bulletins[iid]
        want.append([b.masthead.issue_line, f"{iid}.html"])
        want += [[a.title.replace("\n", ""), f"{iid}.html#a{n}"] for n, a in enumerate(b.articles, 1)]
    assert links == want
    for _, href in want:  # every link lands: the page exists, and the anchor is an article in it
        page, _, anchor = href.partition("#")
        assert (out / page).is_file()
        if anchor:
            browser.open(out / page)
            assert browser.js("return document.getElementById(arguments[0]).tagName", anchor) == "ARTICLE"
            browser.open(out / "index.html")
    result = browser.axe()
    assert not serious(result), "\n".join(serious(result))


def test_the_checks_can_fail(browser, site):
    """A page that differs from the model, or has a contrast fault, is caught."""
    out, bulletins = site
    browser.open(out / "2018-49.html")
    browser.js("const h = document.querySelector('h4'); h.outerHTML = '<h5' + h.outerHTML.slice(3, -4) + 'h5>'")
    assert ("h5", "heading level-2", "（一）开展信用评级", "a1") in browser.items()
    browser.js("document.querySelector('p.body').style.display = 'none'")
    with pytest.raises(AssertionError, match="not rendered"):
        browser.items()
    browser.js("const p = document.createElement('p'); p.textContent = '浅色文字'; p.style.color = '#dddddd';"
               "document.querySelector('main').append(p)")
    assert any(v.startswith("color-contrast (serious)") for v in serious(browser.axe()))


# --------------------------------- figures, raw HTML, a skipped heading level

PNG_SIZE = (64, 40)


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x30\x60\x90" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


TRICKY = """---
title: 凌云县 <b>茶产业</b> 带动增收
county: 凌云县
author: 罗敏
---

县里发布了<script>alert("x")</script>通知，&lt;原样&gt; 保留 <img src=x onerror=alert(1)>。

## 一、种茶

#### 1．选种

![茶园一角](tea.png)

![](tea-2.png "加工车间")

| 项目 | 数量 |
|:---|:---:|
| 茶园（亩） | 1200 |
"""


@pytest.fixture(scope="module")
def tricky(tmp_path_factory, style):
    """An issue with figures, raw HTML in the text and a heading that jumps a level."""
    root = tmp_path_factory.mktemp("repo") / "repo"
    shutil.copytree(EXAMPLE, root)
    folder = root / "issues" / "2019-1"
    (folder / "lingyun.md").write_text(TRICKY, encoding="utf-8")
    (folder / "tea.png").write_bytes(_png(*PNG_SIZE))
    (folder / "tea-2.png").write_bytes(_png(32, 32))
    b = read(root, ["2019-1"])["2019-1"]
    out = tmp_path_factory.mktemp("out")
    page = render_page(b, style)
    publish(page, "2019-1", root, out)
    return out, b


def test_figures_raw_html_and_heading_levels_rendered(browser, tricky):
    out, b = tricky
    result = check_page(browser, out / "2019-1.html", b)
    assert not serious(result), "\n".join(serious(result))
    # raw HTML stayed text: no element was made of it, its characters are on the page
    assert browser.js("return document.querySelectorAll('script, b, img:not(figure img), [onerror]').length") == 0
    lingyun = "[...document.querySelectorAll('article')].find(a => a.querySelector('h2').innerText.startsWith('凌云县'))"
    text = browser.js(f"return {lingyun}.innerText")
    assert '<script>alert("x")</script>' in text and "<b>茶产业</b>" in text and "<img src=x onerror=alert(1)>" in text
    # the figures were copied beside the page and load
    imgs = browser.js("""return [...document.querySelectorAll('figure img')].map(i =>
        [i.getAttribute('src'), i.alt, i.naturalWidth, i.naturalHeight, i.complete])""")
    assert imgs == [["2019-1/tea.png", "茶园一角", *PNG_SIZE, True], ["2019-1/tea-2.png", "加工车间", 32, 32, True]]
    # 一、 then 1．: h3 then h4 (not h5), the look of a level-3 heading kept
    heads = browser.js(f"""return [...{lingyun}.querySelectorAll('.heading')].map(h =>
        [h.tagName, h.className, getComputedStyle(h).fontWeight])""")
    assert heads == [["H3", "heading level-1", "400"], ["H4", "heading level-3", "700"]]
