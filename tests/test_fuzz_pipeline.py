"""Property: hostile and odd articles go through read → check → both writers
(DOCX and PDF) and end in a clean result or in diagnostics — never an
exception, and never a pass over the text that grows faster than the text.

test_fuzz.py drives the CLI with anything at all; this one calls the
pipeline's functions directly (no CLI, no subprocess), so each example is
cheap, and aims at what issue 15 found: invisible characters of every kind,
character references, variation selectors and combining marks, figures that
are no images (or bombs), long titles, many headings.  Each example has a
deadline: a super-linear pass (the old title balancer took 3 s for 500
characters) fails it, whatever the machine.
"""

from __future__ import annotations

import datetime as dt
import struct
import tempfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bulletin.commands.build import read_bulletins
from bulletin.commands.check import check
from bulletin.diagnostics import BulletinError, Collector
from bulletin.numbering import parse_issue_id
from bulletin.style import load_style

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # hypothesis' own, while it reports

IID = parse_issue_id("2018-48")
PUBLICATION = """\
title: 测试简报
editor: 测试办公室编
issuer: 测试办公室
numbering:
  anchor: {issue: 2018-48, total: 210}
distribution:
  报: 上级机关
contact:
  people: [黄彬]
  phone: "0771—2898117"
"""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, idat: bytes | None = None) -> bytes:
    if idat is None:
        idat = zlib.compress(b"".join(b"\x00" + b"\x00\x80\xff" * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))


FIGURES = {
    "good.png": _png(8, 6),
    "corrupt.png": _png(8, 6)[:45] + b"\x00damaged" * 4,
    "bomb.png": _png(60_000, 60_000, zlib.compress(b"\x00" * 64)),
    "text.png": "这不是图片\n".encode(),
}

HANZI = "脱贫攻坚产业扶贫工作队员乐业县猕猴桃一二三四五六七八九十年月日的是了在和有人这中大为上个国我以要他时来用们生到作地于出就葛"
PUNCTUATION = "，。、：；！？“”（）《》——……"
INVISIBLE = [
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200e", "\u061c", "\u2062", "\U000e0041",  # format: errors
    "\u200b", "\u2060", "\ufeff",  # zero-width: dropped
    "\u2028", "\u2029",  # separators
    "\u00ad", "\u200c", "\u200d",  # allowed
    "\ufe00", "\ufe0f", "\U000e0101", "\u180b",  # variation selectors
    "\u0301", "\u0308", "\u20dd", "\u3099",  # combining marks
]
ENTITIES = ["&#0;", "&#xD800;", "&#x110000;", "&#x202E;", "&#x200B;", "&#x4E00;", "&#65;", "&amp;", "&#xFFFE;", "&#12;", "&#x9F;"]
MARKDOWN = ["\n", "\n\n", "## 一、", "### （一）", "#### 1．", "**二、加粗。**", "> ", "- ", "1. ", "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n",
            "`", "*", "  \n", "e", "abc ", "2018年", "https://example.org/x"]
FIGURE_LINES = [f"\n\n![图1 说明]({name})\n\n" for name in [*FIGURES, "missing.png"]]

words = st.text(alphabet=HANZI + PUNCTUATION, min_size=1, max_size=12)
pieces = st.one_of(words, words, st.sampled_from(INVISIBLE), st.sampled_from(ENTITIES), st.sampled_from(MARKDOWN),
                   st.sampled_from(FIGURE_LINES))
bodies = st.lists(pieces, max_size=40).map("".join)
# Titles: ordinary, hostile, or long (the balancer must stay linear).
titles = st.one_of(
    words,
    st.lists(st.one_of(words, st.sampled_from(INVISIBLE)), min_size=1, max_size=8).map("".join),
    st.integers(100, 1500).map(lambda n: (HANZI + "“三变”") * (n // 60 + 1)).map(lambda s: s[:1500]),
)


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (escapes keep every character as typed)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c in "\u2028\u2029\u0085" or ord(c) < 0x20:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


@st.composite
def articles(draw) -> str:
    title = draw(titles)
    head = draw(st.integers(0, 3))
    body = draw(bodies)
    if head == 0:  # many headings in a row
        body = "".join(f"\n## {i}、标题\n" for i in range(draw(st.integers(1, 300)))) + body
    return f"---\ntitle: {_yaml_string(title)}\ncounty: 乐业县\nauthor: 周白阳\n---\n\n{body}\n"


def make_repo(base: Path, article: str) -> Path:
    root = base / "repo"
    folder = root / "issues" / "2018-48"
    folder.mkdir(parents=True)
    (root / "bulletin.yaml").write_text(PUBLICATION, encoding="utf-8")
    (folder / "issue.yaml").write_text(f"date: {dt.date(2018, 11, 15)}\n", encoding="utf-8")
    for name, data in FIGURES.items():
        (folder / name).write_bytes(data)
    (folder / "1-fuzz.md").write_text(article, encoding="utf-8", errors="surrogatepass")
    return root


STYLE = load_style("default")


def run_pipeline(article: str, note=lambda outcome: None) -> None:
    from bulletin.writers.docx import write_docx
    from bulletin.writers.pdf import write_pdf

    with tempfile.TemporaryDirectory() as tmp:
        root = make_repo(Path(tmp), article)
        checked = check(root, [IID], fonts=True)  # must not raise
        for d in checked.diagnostics:
            assert d.line >= 1 and d.col >= 1 and d.code[0] in "EW" and d.message, d
            assert "Traceback" not in d.message and tmp not in d.message, d.render()
        diags = Collector()
        bulletin = read_bulletins(root, [IID], diags)[IID]
        read_errors = {(d.path, d.line, d.code) for d in diags.errors}
        assert read_errors <= {(d.path, d.line, d.code) for d in checked.errors}, "build's reader refused what check passed"
        if bulletin is None:
            assert diags.errors, "an issue refused without a diagnostic"
            note("refused by the reader: " + " ".join(sorted({d.code for d in diags.errors})))
            return
        docx_bytes = write_docx(bulletin, STYLE, root)
        assert docx_bytes[:2] == b"PK"
        try:
            pdf_bytes = write_pdf(bulletin, STYLE, root)
        except BulletinError as exc:  # a character no font has: check must have said so
            codes = {d.code for d in exc.diagnostics}
            assert codes <= {"E040", "E041"}, exc
            assert {d.code for d in checked.errors} & codes, f"the PDF writer refused what check passed: {exc}"
            note("DOCX written, PDF refused: " + " ".join(sorted(codes)))
            return
        assert pdf_bytes.startswith(b"%PDF")
        note("DOCX and PDF written")


@settings(max_examples=150, deadline=dt.timedelta(seconds=8),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(article=articles())
def test_pipeline_never_raises(article):
    run_pipeline(article, event)


@pytest.mark.parametrize("article", [
    "---\ntitle: 乐业县\u202e探索\ncounty: 乐业县\n---\n\n正文\u200b内容\u2028继续。葛\U000e0101与e\u0301。\n",
    "---\ntitle: " + "乐业县探索“三变”实现贫困户产业全覆盖" * 120 + "\ncounty: 乐业县\n---\n\n正文。\n",
    "---\ntitle: 标题\ncounty: 乐业县\n---\n\n" + "".join(f"## {i}、标题\n\n" for i in range(2000)),
    "---\ntitle: 标题\ncounty: 乐业县\n---\n\n" + "".join(FIGURE_LINES) + "&#0;&#xD800;&#x110000;\n",
])
def test_pipeline_examples(article):
    """Named cases of the issue, run on every commit whatever hypothesis draws."""
    run_pipeline(article)
