"""The HTML writer without a browser: escaping, reproducible bytes, heading
levels, figure names, CSS values that cannot break out, the office's own
templates, the index, and `build --format html` end to end (figures copied,
index.html with --all, nothing partial on an unwritable OUT).  What a
browser renders is tested in test_html_browser.py."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EXAMPLE, run_cli
from lxml import html as lxml_html
from test_html_browser import TRICKY, _png, read

from bulletin.model import Figure, Heading, Span
from bulletin.style import load_style
from bulletin.writers.html import figure_assets, heading_tags, index_entry, render_page, write_html, write_index
from bulletin.writers.html.page import css_string, font_stack


@pytest.fixture(scope="module")
def style():
    return load_style()


@pytest.fixture(scope="module")
def examples():
    return read(EXAMPLE, ("2018-48", "2018-49", "2019-1"))


@pytest.fixture
def tricky_root(tmp_path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root)
    folder = root / "issues" / "2019-1"
    (folder / "lingyun.md").write_text(TRICKY, encoding="utf-8")
    (folder / "tea.png").write_bytes(_png(64, 40))
    (folder / "tea-2.png").write_bytes(_png(32, 32))
    return root


def tree(data: bytes):
    return lxml_html.fromstring(data)


def test_page_is_reproducible_and_declares_itself(examples, style):
    b = examples["2018-48"]
    first = write_html(b, style, EXAMPLE)
    assert first == write_html(b, style, EXAMPLE)
    doc = tree(first)
    assert doc.get("lang") == "zh-CN"
    assert doc.findtext(".//title") == f"{b.masthead.title} {b.masthead.issue_line}"
    assert first.startswith(b"<!DOCTYPE html>\n")
    assert not doc.xpath("//script"), "no script is needed to read the page"


def test_raw_html_in_markdown_stays_text(tricky_root, style):
    b = read(tricky_root, ["2019-1"])["2019-1"]
    data = render_page(b, style).html
    assert b"<script>alert" not in data and b"<b>" not in data and b"onerror=alert(1)>" not in data
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;".encode() in data
    doc = tree(data)
    assert not doc.xpath("//script | //b | //*[@onerror]")
    title = doc.xpath("//article/h2")[0].text_content()
    assert title == "凌云县 <b>茶产业</b> 带动增收"


def test_heading_levels_never_skip():
    def h(level):
        return Heading(level, (Span("x"),))

    para = Figure("x.png", "")
    assert heading_tags([h(1), h(2), h(3)]) == {0: "h3", 1: "h4", 2: "h5"}
    assert heading_tags([h(3), para, h(1), h(3)]) == {0: "h3", 2: "h3", 3: "h4"}
    assert heading_tags([h(2), h(2), h(1)]) == {0: "h3", 1: "h3", 2: "h3"}


def test_figure_names_are_stable_and_distinct(examples):
    b = examples["2019-1"]
    art = b.articles[0]
    figs = (Figure("issues/2019-1/a/tea.png", "一"), Figure("issues/2019-1/b/tea.png", "二"),
            Figure("issues/2019-1/a/tea.png", "again"), Figure("issues/2019-1/茶 园.jpg", "三"))
    b2 = replace(b, groups=(replace(b.groups[0], articles=(replace(art, blocks=art.blocks + figs),)),))
    assets = figure_assets(b2)
    assert [a.dest for a in assets.values()] == ["2019-1/tea.png", "2019-1/2-tea.png", "2019-1/茶 园.jpg"]
    srcs = tree(render_page(b2, load_style()).html).xpath("//figure/img/@src")
    assert srcs == ["2019-1/tea.png", "2019-1/2-tea.png", "2019-1/tea.png", "2019-1/%E8%8C%B6%20%E5%9B%AD.jpg"]


def test_css_values_cannot_break_out_of_the_stylesheet(examples, style):
    assert css_string('Evil"; } body { display:none') is None
    assert css_string("</style><script>") is None
    assert css_string("Noto Serif CJK SC:Bold") == '"Noto Serif CJK SC"'
    stack = font_stack(style, "fangsong", {"fangsong": "x</style><script>alert(1)</script>"})
    assert "<" not in stack
    stack = font_stack(style, "fangsong", {"fangsong": "方正仿宋_GBK"})
    assert stack.startswith('"Bulletin Latin", "方正仿宋_GBK", "仿宋_GB2312"')
    assert "fonts/x.ttf" not in font_stack(style, "fangsong", {"fangsong": "fonts/x.ttf"})
    bad = load_style()
    bad.data = {**bad.data, "colors": {**bad.data["colors"], "red": "red;}</style><script>"}}
    data = write_html(examples["2018-48"], bad)
    assert b"<script>" not in data and b"--red: #000000;" in data


def test_print_css_has_the_9704_page(examples, style):
    css = tree(write_html(examples["2018-48"], style)).findtext(".//style")
    assert "size: 210mm 297mm;" in css
    assert "margin: 37mm 26mm 35mm 28mm;" in css  # top right bottom left
    assert "font-size: 16pt; line-height: 28.99pt;" in css  # 三号 on the 22-line grid (225 mm / 22)
    assert "--red: #E60012;" in css


def test_elements_take_their_font_from_the_style(examples):
    """The stylesheet follows style.yaml's element → role mapping, not a copy of it."""
    kai = load_style()
    elements = {**kai.data["elements"], "heading1": {**kai.data["elements"]["heading1"], "font": "kai", "bold": True}}
    kai.data = {**kai.data, "elements": elements}
    css = tree(write_html(examples["2018-49"], kai)).findtext(".//style")
    assert '.heading.level-1 { font-family: "Bulletin Latin", "楷体_GB2312", ' in css
    assert "font-weight: bold; }" in css.split(".heading.level-1", 1)[1].split("\n", 1)[0]


def test_head_extra_block_for_watch_serve(examples, style):
    snippet = '<script src="/_reload.js"></script>'
    data = render_page(examples["2019-1"], style, head_extra=snippet).html.decode()
    assert data.index(snippet) < data.index("</head>")
    assert snippet not in write_html(examples["2019-1"], style).decode()


def test_office_templates_override_the_builtin_ones(examples, style, tmp_path):
    (tmp_path / "bulletin.css.j2").write_text("body { color: {{ css.red }}; }\n", encoding="utf-8")
    data = write_html(examples["2019-1"], style, template_dirs=[tmp_path]).decode()
    assert "body { color: #E60012; }" in data and "@page" not in data
    assert "<article" in data  # the issue template is still the built-in one


def test_index_by_year_newest_first(examples, style):
    doc = tree(write_index([index_entry(b) for b in examples.values()], style))
    assert [h.text_content() for h in doc.xpath("//section/h2")] == ["2019年", "2018年"]
    assert doc.xpath("//h3/a/@href") == ["2019-1.html", "2018-49.html", "2018-48.html"]
    assert doc.xpath("//h1")[0].text_content() == examples["2018-48"].masthead.title


# ------------------------------------------------------- build --format html


def test_build_all_html_writes_pages_figures_and_index(tricky_root, tmp_path):
    out = tmp_path / "out"
    r = run_cli("build", "--all", "--format", "html", "--root", str(tricky_root), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".bulletin-stamps.json", "2018-48.html", "2018-49.html", "2019-1.html", "2019-1/tea-2.png",
        "2019-1/tea.png", "index.html"]
    assert (out / "2019-1" / "tea.png").read_bytes() == (tricky_root / "issues/2019-1/tea.png").read_bytes()
    first = {p.name: p.read_bytes() for p in out.glob("*.html")}
    r = run_cli("build", "--all", "--format", "html", "--force", "--root", str(tricky_root), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert {p.name: p.read_bytes() for p in out.glob("*.html")} == first  # byte-identical rebuild
    assert not list(out.rglob(".*.tmp"))


def test_build_one_issue_in_several_formats_copies_figures(tricky_root, tmp_path):
    out = tmp_path / "out"
    r = run_cli("build", "2019-1", "--format", "html", "--format", "docx", "-j", "2",
                "--root", str(tricky_root), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert (out / "2019-1.html").is_file() and (out / "2019-1.docx").is_file()
    assert (out / "2019-1" / "tea.png").is_file() and not (out / "index.html").exists()


def test_html_rebuilds_when_its_template_changes(tricky_root, tmp_path):
    out = tmp_path / "out"
    args = ("build", "2018-48", "--format", "html", "--root", str(tricky_root), "--out", str(out))
    assert run_cli(*args).returncode == 0
    assert "1 skipped" in run_cli(*args).stderr
    own = tricky_root / "templates" / "html"
    own.mkdir(parents=True)
    (own / "bulletin.css.j2").write_text("body { margin: 0; }\n", encoding="utf-8")
    r = run_cli(*args)
    assert "0 skipped" in r.stderr, r.stderr
    assert "body { margin: 0; }" in (out / "2018-48.html").read_text(encoding="utf-8")


def test_unwritable_out_is_one_line_and_nothing_partial(tricky_root, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    out = blocker / "out"  # cannot be made, not even by root
    r = run_cli("build", "--all", "--format", "html", "--root", str(tricky_root), "--out", str(out))
    assert r.returncode == 1
    errors = [line for line in r.stderr.splitlines() if "E050" in line]
    assert len(errors) == 1, r.stderr
    assert blocker.read_text(encoding="utf-8") == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "repo"]  # nothing else written
