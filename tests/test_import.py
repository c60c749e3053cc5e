"""`bulletin import`: Word submissions made the way offices make them, imported
and then built — the DOCX and the PDF must print what the submission says.

The expected text comes from the fixture script (tests/fixtures/import/
make_fixtures.py: what each submission *says*), never from our own output.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin.cli import main

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "fixtures" / "import"))
import make_fixtures  # noqa: E402

EXAMPLE = HERE.parent / "examples" / "guangxi-fupin"


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    return make_fixtures.make_all(tmp_path_factory.mktemp("submissions"))


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(EXAMPLE / "bulletin.yaml", root / "bulletin.yaml")
    return root


def run_import(*args, root: Path):
    result = CliRunner().invoke(main, ["import", *map(str, args), "--root", str(root)], catch_exceptions=False)
    return result


def squash(text: str) -> str:
    """Text without any whitespace: PDF lines break anywhere, DOCX titles at a w:br."""
    return re.sub(r"\s+", "", text)


def docx_paragraphs(path: Path) -> list[tuple[str, str, list[tuple[str, bool]]]]:
    """(style name, text, [(run text, bold)]) for every paragraph, table cells included."""
    from docx import Document
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    body = doc.element.body
    out = []
    for p in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        para = Paragraph(p, doc)
        runs = []
        for r in para.runs:
            style_bold = bool(r.style is not None and r.style.font.bold)
            runs.append((r.text, bool(r.bold) or style_bold))
        out.append((para.style.name if para.style is not None else "", para.text, runs))
    return out


def pdf_faces(path: Path) -> list[tuple[str, str]]:
    """(text, kind of face: hei / kai / fangsong / song) of each text run poppler sees."""
    from xml.etree import ElementTree

    from bulletin.importer.lines import font_kind

    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(path)], capture_output=True, check=True).stdout
    root = ElementTree.fromstring(xml)
    faces = {spec.get("id"): font_kind(spec.get("family", "")) for spec in root.iter("fontspec")}
    return [("".join(t.itertext()), faces.get(t.get("font"), "")) for t in root.iter("text")]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def built(fixtures, tmp_path_factory):
    """All four submissions imported into one issue, built to DOCX and PDF."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    root = tmp_path_factory.mktemp("built") / "repo"
    root.mkdir()
    shutil.copy(EXAMPLE / "bulletin.yaml", root / "bulletin.yaml")
    files = [path for path, _ in fixtures.values()]
    result = run_import(*files, "--issue", "2018-50", root=root)
    assert result.exit_code == 0, result.output
    out = root / "build"
    build = subprocess.run([sys.executable, "-m", "bulletin.cli", "build", "2018-50", "--root", str(root), "--out", str(out)],
                           capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stderr
    return root, docx_paragraphs(out / "2018-50.docx"), pdf_text(out / "2018-50.pdf"), result.output


@pytest.mark.parametrize("name", list(make_fixtures.MAKERS))
def test_built_issue_prints_what_the_submission_says(built, fixtures, name):
    root, paras, pdf, _ = built
    expected = fixtures[name][1]
    docx_all = squash("".join(t for _, t, _ in paras))
    pdf_all = squash(pdf)
    styles = {squash(t): s for s, t, _ in paras}
    # the title (its line break is layout) and the subtitle
    assert styles.get(squash(expected.title)) == "Title"
    assert squash(expected.title) in pdf_all
    if expected.subtitle:
        assert styles.get(squash("——" + expected.subtitle)) == "Subtitle"
    # every heading at its level
    for level, text in expected.headings:
        assert styles.get(squash(text)) == f"Heading {level}", (text, styles.get(squash(text)))
        assert squash(text) in pdf_all
    # every run-in head bold, at the start of its paragraph
    for lead in expected.run_ins:
        hits = [runs for s, t, runs in paras if t.startswith(lead)]
        assert hits, lead
        bold_text = "".join(text for text, bold in hits[0] if bold)
        assert bold_text == lead
        assert squash(lead) in pdf_all
    for text in expected.paragraphs:
        assert squash(text) in docx_all and squash(text) in pdf_all, text
    for cell in expected.cells:
        assert any(t == cell for s, t, _ in paras if s.startswith("Table")), cell
        assert cell in pdf
    if expected.caption:
        assert styles.get(squash(expected.caption)) == "Caption"
        assert squash(expected.caption) in pdf_all
    # the attribution line, exactly once, in both
    assert docx_all.count(squash(expected.attribution)) == 1
    assert pdf_all.count(squash(expected.attribution)) == 1
    for gone in expected.absent:
        assert gone not in docx_all and gone not in pdf_all
    # in the PDF, each heading in its level's face (一、 黑体, （一） 楷体, 1． 仿宋), each lead in 黑体
    if shutil.which("pdftohtml"):
        faces = pdf_faces(root / "build" / "2018-50.pdf")
        def hanzi(text):  # digits are set in the Latin face
            return "".join(c for c in squash(text) if not c.isascii())

        set_in = {k: hanzi("".join(run for run, kind in faces if kind == k)) for k in ("hei", "kai", "fangsong")}
        for level, text in expected.headings:
            assert hanzi(text) in set_in[{1: "hei", 2: "kai", 3: "fangsong"}[level]], (level, text)
        for lead in expected.run_ins:
            assert hanzi(lead) in set_in["hei"] and hanzi(lead) not in set_in["fangsong"], lead


def test_picture_saved_beside_the_article_and_embedded(built):
    root, _, _, _ = built
    pictures = sorted((root / "issues" / "2018-50").glob("*.png"))
    assert [p.name for p in pictures] == ["leye-1.png"]
    assert pictures[0].read_bytes().startswith(b"\x89PNG")
    from docx import Document

    doc = Document(str(root / "build" / "2018-50.docx"))
    assert len(doc.inline_shapes) == 1


def test_front_matter_from_what_the_file_says(built, fixtures):
    import yaml

    root, _, _, _ = built
    folder = root / "issues" / "2018-50"
    by_name = {"direct": "leye", "styles": "dahua", "author-lines": "quanzhou", "author-only": "tiandong",
               "letterhead": "lingyun"}
    for fixture, stem in by_name.items():
        expected = fixtures[fixture][1]
        meta = yaml.safe_load((folder / f"{stem}.md").read_text(encoding="utf-8").split("---")[1])
        assert meta["title"] == expected.title
        assert meta["county"] == expected.county
        assert meta.get("unit", "") == expected.unit
        authors = meta.get("author") or []
        assert (authors if isinstance(authors, list) else [authors]) == expected.authors


def test_report_says_what_was_inferred(built):
    _, _, _, output = built
    assert "title: 乐业县探索“三变” 实现贫困户产业全覆盖" in output
    assert "county: 乐业县 (from the unit)" in output
    assert "county: 田东县 (from the title)" in output
    assert "authors: 周娜、胡常胜" in output
    assert "merged cells" in output and "'合计' spanned 2 columns" in output
    assert "comments were left out" in output
    assert "sign-off lines left out: 审核：李明；签发：王强" in output


def test_dry_run_writes_nothing_and_prints_the_markdown(fixtures, repo):
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    result = run_import(fixtures["direct"][0], "--issue", "2018-50", "--dry-run", root=repo)
    assert result.exit_code == 0, result.output
    assert "## 一、盘活农村闲置资源，推动资源变资产" in result.output
    assert "**三、创新五种股份分红模式。**创新设置五种入股方式" in result.output
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before


def test_second_import_refuses_to_overwrite(fixtures, repo):
    path = fixtures["styles"][0]
    assert run_import(path, "--issue", "2018-50", root=repo).exit_code == 0
    article = repo / "issues" / "2018-50" / "dahua.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n编辑改过的一段。\n", encoding="utf-8")
    edited = article.read_bytes()
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    again = run_import(path, "--issue", "2018-50", root=repo)
    assert again.exit_code == 1
    assert "issues/2018-50/dahua.md:1:1: E060" in again.output
    assert article.read_bytes() == edited
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before
    # with another name it goes in beside it
    assert run_import(path, "--issue", "2018-50", "--name", "dahua-2", root=repo).exit_code == 0
    assert (repo / "issues" / "2018-50" / "dahua-2.md").exists()


def test_options_county_column_and_name(fixtures, repo):
    result = run_import(fixtures["author-only"][0], "--issue", "2018-50", "--county", "田阳县", "--column", "工作动态",
                        "--name", "tianyang", root=repo)
    assert result.exit_code == 0, result.output
    text = (repo / "issues" / "2018-50" / "tianyang.md").read_text(encoding="utf-8")
    assert "county: 田阳县\n" in text and "column: 工作动态\n" in text


def test_appends_to_an_explicit_articles_list(fixtures, repo):
    folder = repo / "issues" / "2018-50"
    folder.mkdir(parents=True)
    (folder / "issue.yaml").write_text("date: 2018-11-29\narticles: [first.md]\n", encoding="utf-8")
    (folder / "first.md").write_text("---\ntitle: 甲\ncounty: 乐业县\n---\n\n正文。\n", encoding="utf-8")
    assert run_import(fixtures["styles"][0], "--issue", "2018-50", root=repo).exit_code == 0
    assert "articles: [first.md, dahua.md]" in (folder / "issue.yaml").read_text(encoding="utf-8")


def test_usage_errors_exit_2(fixtures, repo):
    assert run_import(fixtures["styles"][0], root=repo).exit_code == 2  # no --issue
    assert run_import(fixtures["styles"][0], "--issue", "2018-xx", root=repo).exit_code == 2
    two = [fixtures["styles"][0], fixtures["direct"][0]]
    assert run_import(*two, "--issue", "2018-50", "--name", "x", root=repo).exit_code == 2


def test_imported_articles_pass_check(built):
    root, _, _, _ = built
    result = subprocess.run([sys.executable, "-m", "bulletin.cli", "check", "2018-50", "--root", str(root), "--format", "json"],
                            capture_output=True, text=True, check=False)
    import json

    findings = json.loads(result.stdout)
    # the only finding allowed: the issue started today is dated in another year than 2018
    assert [f for f in findings if f["code"] != "W122"] == [], findings
