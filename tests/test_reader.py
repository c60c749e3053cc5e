"""Markdown → model blocks: the CJK rules and every element of SPEC.md's table."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.diagnostics import Collector
from bulletin.model import Figure, Para, Quote, Span, Table, plain_text
from bulletin.sources.reader import parse_body, read_article


def parse(md: str, tmp_path: Path | None = None, diags: Collector | None = None):
    folder = tmp_path or Path(".")
    return parse_body(md, "a.md", 8, folder, folder, diags or Collector())


@pytest.mark.parametrize(
    "md, lead, rest",
    [
        ("**二、整合资金。**为解决问题", "二、整合资金。", "为解决问题"),
        ("**一、精心组织，编织驻村“网格线”。**针对过去", "一、精心组织，编织驻村“网格线”。", "针对过去"),
        ("**（一）开展评级**全县对", "（一）开展评级", "全县对"),
        ("**二、Latin 2018。**text", "二、Latin 2018。", "text"),
    ],
)
def test_run_in_bold_lead_closes_after_cjk_punctuation(md, lead, rest):
    [para] = parse(md)
    assert isinstance(para, Para)
    assert para.lead == (Span(lead, bold=True),)
    assert plain_text(para.spans) == rest
    assert not any(s.bold for s in para.spans)


def test_strict_commonmark_cases_still_hold():
    [para] = parse("a **b** c and *em* here")
    assert [s for s in para.spans if s.bold] == [Span("b", bold=True)]
    assert [s for s in para.spans if s.italic] == [Span("em", italic=True)]
    [para] = parse("2 ** 3 is not bold")
    assert plain_text(para.spans) == "2 ** 3 is not bold"


@pytest.mark.parametrize(
    "md, text",
    [
        ("规划建\n设1至2个", "规划建设1至2个"),  # hanzi | hanzi: joined
        ("资产。\n资金", "资产。资金"),  # punctuation | hanzi
        ("Latin\nword", "Latin word"),  # Latin keeps its space
        ("共计3\n亿元", "共计3亿元"),  # digit | hanzi: joined too (公文 puts no space there)
    ],
)
def test_soft_breaks(md, text):
    [para] = parse(md)
    assert plain_text(para.spans) == text


def test_headings_by_level_and_bold_inside_headings_dropped():
    blocks = parse("## 一、总体\n\n### （一）分项\n\n#### 1．细则\n\n## **二、加粗的标题**\n")
    assert [(b.level, plain_text(b.spans)) for b in blocks] == [(1, "一、总体"), (2, "（一）分项"), (3, "1．细则"), (1, "二、加粗的标题")]
    assert not any(s.bold for b in blocks for s in b.spans)


def test_source_lines_count_the_front_matter():
    blocks = parse("第一段。\n\n## 一、标题\n\n第二段。\n")
    assert [b.src.line for b in blocks] == [8, 10, 12]


def test_raw_html_is_text_not_markup():
    [para] = parse('<script>alert("x")</script> & <b>粗</b>')
    assert plain_text(para.spans) == '<script>alert("x")</script> & <b>粗</b>'
    blocks = parse("<div>\n块\n</div>\n")
    assert "".join(plain_text(b.spans) for b in blocks) == "<div>块</div>"


def test_quote_table_and_figure(tmp_path):
    (tmp_path / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    md = "> 批示：抓紧抓实。\n\n| 乡镇 | 户数 |\n|---|---:|\n| 平马镇 | 1260 |\n\n![图1 产业园](fig.png)\n"
    quote, table, figure = parse(md, tmp_path)
    assert isinstance(quote, Quote) and plain_text(quote.paras[0].spans) == "批示：抓紧抓实。"
    assert isinstance(table, Table)
    assert [plain_text(c) for c in table.header] == ["乡镇", "户数"]
    assert [[plain_text(c) for c in r] for r in table.rows] == [["平马镇", "1260"]]
    assert table.aligns == ("", "right")
    assert isinstance(figure, Figure) and figure.path == "fig.png" and figure.caption == "图1 产业园"


def test_figure_outside_repository_and_missing_figure_are_errors(tmp_path):
    diags = Collector()
    parse("![x](../../etc/passwd)\n\n![y](nothere.png)\n", tmp_path, diags)
    assert [d.code for d in diags.errors] == ["E032", "E033"]
    assert [d.line for d in diags.errors] == [8, 10]


def test_lists_become_paragraphs_with_their_numbers():
    blocks = parse("1. 第一项\n2. 第二项\n\n- 甲\n- 乙\n")
    assert [plain_text(b.spans) for b in blocks] == ["1．第一项", "2．第二项", "甲", "乙"]


def test_read_article_missing_title_points_at_front_matter_start(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ncounty: 乐业县\n---\n正文。\n", encoding="utf-8")
    diags = Collector()
    assert read_article(path, "issues/2018-1/a.md", tmp_path, diags) is None
    [d] = diags.errors
    assert d.render() == "issues/2018-1/a.md:1:1: E023 front matter: 'title' is required"


def test_read_article_bad_value_points_at_its_line(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: 题\ncounty: 县\nattribution: maybe\n---\n正文。\n", encoding="utf-8")
    diags = Collector()
    read_article(path, "a.md", tmp_path, diags)
    [d] = diags.errors
    assert (d.line, d.code, d.key) == (4, "E024", "attribution")
    assert "'attribution' must be true or false, got 'maybe'" in d.message
