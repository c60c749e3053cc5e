"""`bulletin import --past` and DOCX written by other tools.

Round trip: every example issue built to DOCX, imported with --past into an
empty repository (the same bulletin.yaml), gives the same model dump —
titles, headings, paragraphs, attributions, 栏目, 期号, 总期号, date, 报/送.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin.cli import main
from bulletin.commands.build import read_bulletins
from bulletin.diagnostics import Collector
from bulletin.model import dump
from bulletin.numbering import IssueId

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "guangxi-fupin"
ISSUES = sorted(p.name for p in (EXAMPLE / "issues").iterdir() if p.is_dir())


def dumps(root: Path) -> dict[str, str]:
    ids = [IssueId(*map(int, p.name.split("-"))) for p in (root / "issues").iterdir() if p.is_dir()]
    diags = Collector()
    got = read_bulletins(root, ids, diags)
    assert not diags.errors, [d.render() for d in diags.errors]
    return {str(iid): dump(b) for iid, b in got.items()}


def empty_repo(tmp_path: Path) -> Path:
    root = tmp_path / "imported"
    root.mkdir(parents=True)
    shutil.copy(EXAMPLE / "bulletin.yaml", root / "bulletin.yaml")
    return root


def build(root: Path, out: Path, *ids: str, fmt: str = "docx") -> None:
    result = subprocess.run([sys.executable, "-m", "bulletin.cli", "build", *ids, "--root", str(root), "--out", str(out),
                             "--format", fmt], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def run_import(*args, root: Path):
    return CliRunner().invoke(main, ["import", *map(str, args), "--root", str(root)], catch_exceptions=False)


@pytest.fixture(scope="module")
def example_docx(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example-docx")
    build(EXAMPLE, out, *ISSUES)
    return out


def test_round_trip_of_every_example_issue(example_docx, tmp_path):
    root = empty_repo(tmp_path)
    result = run_import("--past", *(example_docx / f"{i}.docx" for i in ISSUES), root=root)
    assert result.exit_code == 0, result.output
    assert dumps(root) == dumps(EXAMPLE)
    # and it builds again, to the very same DOCX
    build(root, tmp_path / "again", *ISSUES)
    for issue in ISSUES:
        assert (tmp_path / "again" / f"{issue}.docx").read_bytes() == (example_docx / f"{issue}.docx").read_bytes(), issue
    # the count needs no `total:` anywhere: one anchor in bulletin.yaml
    assert not any("total:" in p.read_text(encoding="utf-8") for p in root.glob("issues/*/issue.yaml"))
    assert (root / "issues" / "2018-48" / "1-leye.md").exists()


def test_total_written_where_the_printed_number_breaks_the_count(example_docx, tmp_path):
    root = empty_repo(tmp_path)
    # alone, 2019-1 would count as 总第211期 (210 + 1); it was printed 总第212期
    assert run_import("--past", example_docx / "2019-1.docx", root=root).exit_code == 0
    assert "total: 212\n" in (root / "issues" / "2019-1" / "issue.yaml").read_text(encoding="utf-8")
    assert dumps(root)["2019-1"] == dumps(EXAMPLE)["2019-1"]


def test_distribution_kept_when_it_differs(example_docx, tmp_path):
    root = empty_repo(tmp_path)
    config = root / "bulletin.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  送: 自治区扶贫开发领导小组成员", "  送: 另一份名单，自治区扶贫开发领导小组成员"), encoding="utf-8")
    assert run_import("--past", example_docx / "2018-48.docx", root=root).exit_code == 0
    issue = (root / "issues" / "2018-48" / "issue.yaml").read_text(encoding="utf-8")
    assert "distribution:\n  报: 国务院扶贫开发领导小组办公室" in issue
    assert "  送: 自治区扶贫开发领导小组成员" in issue
    assert dumps(root)["2018-48"] == dumps(EXAMPLE)["2018-48"]


def test_past_issue_that_exists_is_not_touched(example_docx, tmp_path):
    root = empty_repo(tmp_path)
    assert run_import("--past", example_docx / "2018-49.docx", root=root).exit_code == 0
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    again = run_import("--past", example_docx / "2018-49.docx", root=root)
    assert again.exit_code == 1 and "E060" in again.output and "2018-49" in again.output
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_past_dry_run_writes_nothing(example_docx, tmp_path):
    root = empty_repo(tmp_path)
    result = run_import("--past", example_docx / "2018-49.docx", "--dry-run", root=root)
    assert result.exit_code == 0
    assert "# issues/2018-49/issue.yaml" in result.output and "date: 2018-11-22" in result.output
    assert not (root / "issues").exists()


# ------------------------------------------------------------- other tools

PANDOC_MD = """---
title: 隆林各族自治县抓好易地扶贫搬迁后续扶持
---

隆林各族自治县坚持搬迁与后续扶持并重，在安置点配套建设扶贫车间。

> 自治区领导批示：隆林的做法很实在，请各地学习借鉴。

## 一、就业帮扶到人

### （一）设立就业服务站

全年组织培训1200人次，实现就业860人。

**二、公共服务到位。**新建幼儿园2所、小学1所。

| 乡镇 | 户数 |
|---|---|
| 者浪乡 | 320 |

（隆林各族自治县扶贫办 韦小燕）
"""


def _structure(md_text: str) -> list[str]:
    return [line for line in md_text.splitlines() if line.startswith(("## ", "### ", "**", "> ", "| "))]


def test_docx_from_pandoc_imports_with_its_structure(tmp_path):
    src = tmp_path / "longlin.docx"
    pandoc = shutil.which("pandoc")  # Debian's pandoc: scripts/install-deps.sh --test installs it
    if pandoc:
        (tmp_path / "longlin.src.md").write_text(PANDOC_MD, encoding="utf-8")
        subprocess.run([pandoc, "-f", "markdown", "-t", "docx", "-o", str(src), str(tmp_path / "longlin.src.md")],
                       check=True, timeout=120)
    else:
        if os.environ.get("CI"):
            pytest.fail("pandoc is not installed (scripts/install-deps.sh --test installs it)")
        pypandoc = pytest.importorskip("pypandoc")
        pypandoc.convert_text(PANDOC_MD, "docx", format="markdown", outputfile=str(src))
    root = empty_repo(tmp_path)
    result = run_import(src, "--issue", "2018-50", root=root)
    assert result.exit_code == 0, result.output
    text = (root / "issues" / "2018-50" / "longlin.md").read_text(encoding="utf-8")
    assert "title: 隆林各族自治县抓好易地扶贫搬迁后续扶持\n" in text
    assert "unit: 隆林各族自治县扶贫办\nauthor: 韦小燕\n" in text
    assert _structure(text) == [
        "> 自治区领导批示：隆林的做法很实在，请各地学习借鉴。",
        "## 一、就业帮扶到人",
        "### （一）设立就业服务站",
        "**二、公共服务到位。**新建幼儿园2所、小学1所。",
        "| 乡镇 | 户数 |",
        "| --- | --- |",
        "| 者浪乡 | 320 |",
    ]
    assert "（隆林各族自治县扶贫办 韦小燕）" not in text  # the attribution moved into the front matter


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def _convert(soffice: str, src: Path, fmt: str, out: Path) -> Path:
    subprocess.run([soffice, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(out), str(src)], capture_output=True, timeout=180, check=False)
    got = out / (src.stem + "." + fmt.split(":")[0])
    if not got.exists():
        pytest.skip(f"LibreOffice could not make a .{fmt} here")
    return got


HTML = """<html><head><meta charset="utf-8"></head><body>
<p align="center"><b><font size="6">融水苗族自治县探索“党建+旅游”扶贫模式</font></b></p>
<p>　　融水苗族自治县发挥民族文化和生态资源优势，由村党支部牵头成立旅游合作社。</p>
<p><b>一、党支部牵头。</b>全县已有32个村成立旅游合作社。</p>
<p><b>二、群众得实惠。</b>全县乡村旅游接待游客156万人次。</p>
<p align="right">（融水苗族自治县委组织部 石秀英）</p>
</body></html>"""


@pytest.mark.libreoffice
def test_odt_and_doc_from_libreoffice_import_with_their_structure(tmp_path):
    soffice = _soffice()
    work = tmp_path / "lo"
    work.mkdir()
    html = work / "rongshui.html"
    html.write_text(HTML, encoding="utf-8")
    odt = _convert(soffice, html, "odt", work)
    doc = _convert(soffice, odt, "doc", work)
    for source, name in ((odt, "from-odt"), (doc, "from-doc")):
        root = empty_repo(tmp_path / name)
        result = run_import(source, "--issue", "2018-50", root=root)
        assert result.exit_code == 0, result.output
        assert "converted from" in result.output
        text = (root / "issues" / "2018-50" / "rongshui.md").read_text(encoding="utf-8")
        assert "title: 融水苗族自治县探索“党建+旅游”扶贫模式\n" in text
        assert "county: 融水苗族自治县\nunit: 融水苗族自治县委组织部\nauthor: 石秀英\n" in text
        assert "**一、党支部牵头。**全县已有32个村成立旅游合作社。" in text
        assert "**二、群众得实惠。**全县乡村旅游接待游客156万人次。" in text


def test_past_issue_typed_in_word_imports_with_its_parts(tmp_path):
    """An issue made by hand in Word (no styles of ours): the issue line, the
    editor line's date, 总期号, 编者按, 【栏目】, titles, attributions, 版记."""
    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "import"))
    import make_fixtures

    src = tmp_path / "2017-30.docx"
    expected = make_fixtures.make_past_issue(src)
    root = empty_repo(tmp_path)
    result = run_import("--past", src, root=root)
    assert result.exit_code == 0, result.output
    got = dumps(root)[expected.id]
    assert f"issue-line: 2017年第30期（总第{expected.total}期）" in got
    assert "editor-line: 广西壮族自治区扶贫开发办公室编 | 2017年8月3日" in got
    assert f"note: {expected.note}" in got
    columns = [line.split(": ", 1)[1] for line in got.splitlines() if line.startswith("column: ")]
    assert columns == sorted({c for c, _, _ in expected.articles if c})
    assert [line.split(": ", 1)[1] for line in got.splitlines() if line.startswith("  article: ")] == [t for _, t, _ in expected.articles]
    assert [line.split(": ", 1)[1] for line in got.splitlines() if line.startswith("    attribution: ")] == [a for _, _, a in expected.articles]
    for heading in expected.headings:
        assert f"    h1: {heading}" in got
    for label, text in expected.distribution.items():
        assert f"imprint: {label}：{text}" in got
    assert "2017年8月3日印发" in got


def test_id_option_and_a_file_that_is_no_issue(example_docx, tmp_path):
    root = empty_repo(tmp_path)
    assert run_import("--past", example_docx / "2019-1.docx", "--id", "2019-5", root=root).exit_code == 0
    text = (root / "issues" / "2019-5" / "issue.yaml").read_text(encoding="utf-8")
    assert "date: 2019-01-10\n" in text and "total: 212\n" in text
    # a submission is no whole issue: it has no issue line
    sub = tmp_path / "sub.docx"
    from docx import Document

    doc = Document()
    doc.add_paragraph("乐业县推进产业扶贫", style="Title")
    doc.add_paragraph("今年以来，乐业县不断加大产业扶贫力度。")
    doc.save(sub)
    result = run_import("--past", sub, root=root)
    assert result.exit_code == 1 and "E071" in result.output and "--id" in result.output


def test_submission_with_picture_table_and_subtitle_survives_a_round_trip(tmp_path):
    """An imported submission, built, then imported back with --past: same model."""
    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "import"))
    import make_fixtures

    first = empty_repo(tmp_path / "first")
    src = tmp_path / "direct.docx"
    make_fixtures.make_direct(src)
    assert run_import(src, "--issue", "2018-50", root=first).exit_code == 0
    (first / "issues" / "2018-50" / "issue.yaml").write_text("date: 2018-11-29\n", encoding="utf-8")
    build(first, tmp_path / "out", "2018-50")
    second = empty_repo(tmp_path / "second")
    result = run_import("--past", tmp_path / "out" / "2018-50.docx", root=second)
    assert result.exit_code == 0, result.output
    assert (second / "issues" / "2018-50" / "1-leye-1.png").exists()

    def normal(text):  # the picture's file is named by its article's number now
        return text.replace("issues/2018-50/leye-1.png", "FIGURE").replace("issues/2018-50/1-leye-1.png", "FIGURE")

    assert normal(dumps(second)["2018-50"]) == normal(dumps(first)["2018-50"])


@pytest.mark.libreoffice
def test_past_issue_resaved_by_libreoffice_round_trips(example_docx, tmp_path):
    """Our DOCX opened and saved again by LibreOffice (as .odt: styles renamed
    and re-encoded, the 版记 table turned into a frame) still reads as the issue."""
    soffice = _soffice()
    work = tmp_path / "lo"
    work.mkdir()
    odt = _convert(soffice, shutil.copy(example_docx / "2018-49.docx", work / "2018-49.docx") and work / "2018-49.docx",
                   "odt", work)
    root = empty_repo(tmp_path)
    result = run_import("--past", odt, root=root)
    assert result.exit_code == 0, result.output
    assert dumps(root)["2018-49"] == dumps(EXAMPLE)["2018-49"]
