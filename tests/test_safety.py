"""Safe input (SPEC.md "Promises"): raw HTML and XML-special characters reach
the DOCX as text; YAML tags never build objects; no path or symlink leads out
of its folder; and large input builds, in time and memory linear in its size."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import tracemalloc
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import EXAMPLE

ISSUE = "issues/2018-48"
LEYE = f"{ISSUE}/1-leye.md"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

HOSTILE_TITLE = '<script>alert("x")</script> & <w:p>标题</w:p>'
HOSTILE_BODY = (
    '<script>alert(1)</script> 正文 & <w:p><w:r><w:t>注入</w:t></w:r></w:p> ]]> <?xml version="1.0"?> '
    "<!-- 注释 --> <b>粗</b> a<b & c>d \"引号\" 'single'"
)


def copy_example(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    return repo


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def docx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name.endswith((".xml", ".rels"))}


def texts(xml: bytes) -> str:
    root = ElementTree.fromstring(xml)
    return "".join(t.text or "" for t in root.iter(f"{W}t"))


def no_errors(result) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------ raw HTML, XML characters


def test_raw_html_and_xml_specials_reach_the_docx_as_text(tmp_path, cli):
    repo = copy_example(tmp_path)
    replace(repo / LEYE, "title: 乐业县探索“三变” 实现贫困户产业全覆盖", f"title: '{HOSTILE_TITLE}'")
    replace(repo / LEYE, "author: 周白阳", "author: ['周白阳 <i>', 'A&B']")
    replace(repo / LEYE, "今年以来，乐业县", HOSTILE_BODY + "\n\n今年以来，乐业县")
    replace(repo / ISSUE / "issue.yaml", "date: 2018-11-15", "date: 2018-11-15\nnote: '<b>编者按</b> & </w:t>'")
    replace(repo / "bulletin.yaml", "  送:", "  '<抄>&': '<w:br/>收件人'\n  送:")
    out = tmp_path / "out"
    no_errors(cli("build", "2018-48", "--root", str(repo), "--out", str(out)))

    parts = docx_parts(out / "2018-48.docx")
    for name, xml in parts.items():
        ElementTree.fromstring(xml)  # every part is still well-formed XML
        assert b"<script" not in xml and b"<b>" not in xml and b"<?xml version=\"1.0\"?> " not in xml, name
    document = parts["word/document.xml"]
    text = texts(document)
    for fragment in (HOSTILE_TITLE, HOSTILE_BODY, "周白阳 <i>", "A&B", "<b>编者按</b> & </w:t>", "<抄>&", "<w:br/>收件人"):
        assert fragment in text, fragment
    # the injected markup made no element: only the writer's own paragraphs and runs
    root = ElementTree.fromstring(document)
    assert not [e for e in root.iter() if not e.tag.startswith("{")], "an element without a namespace"
    assert not [t for t in root.iter(f"{W}t") if t.text == "注入"], "the injected <w:t> became a run"
    # python-docx opens it
    docx = pytest.importorskip("docx")
    paragraphs = [p.text for p in docx.Document(str(out / "2018-48.docx")).paragraphs]
    assert any(HOSTILE_BODY in p for p in paragraphs)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_raw_html_reaches_the_pdf_as_text(tmp_path, cli):
    repo = copy_example(tmp_path)
    replace(repo / LEYE, "今年以来，乐业县", "<script>alert(1)</script> & <b>粗</b>\n\n今年以来，乐业县")
    out = tmp_path / "out"
    no_errors(cli("build", "2018-48", "--root", str(repo), "--out", str(out), "--format", "pdf"))
    text = subprocess.run(["pdftotext", str(out / "2018-48.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "<script>alert(1)</script>&<b>粗</b>" in flat


# ---------------------------------------------------------------- safe YAML


@pytest.mark.parametrize("where", ["bulletin.yaml", f"{ISSUE}/issue.yaml", LEYE])
@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch {mark}']",
    "!!python/object/new:os.system ['touch {mark}']",
    "!!python/name:os.system",
    "!!python/object:__main__.X {{a: 1}}",
])
def test_yaml_tags_that_build_objects_are_refused_and_never_run(tmp_path, cli, where, tag):
    repo = copy_example(tmp_path)
    mark = tmp_path / "pwned"
    path = repo / where
    text = path.read_text(encoding="utf-8")
    line = "x: " + tag.format(mark=mark) + "\n"
    if where.endswith(".md"):
        text = text.replace("---\n", "---\n" + line, 1)
        expected_line = 2
    else:
        expected_line = text.count("\n") + 1
        text += line
    path.write_text(text, encoding="utf-8")
    result = cli("build", "2018-48", "--root", str(repo), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{where}:{expected_line}:1: E021 " in result.stderr, result.stderr
    assert "!!python/" in result.stderr
    assert not mark.exists()
    assert not (tmp_path / "out").exists()


# -------------------------------------------------------------- confinement


def test_a_symlinked_figure_cannot_leave_the_repository(tmp_path, cli):
    repo = copy_example(tmp_path)
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    (repo / ISSUE / "fig.png").symlink_to(secret)
    with open(repo / LEYE, "a", encoding="utf-8") as fh:
        fh.write("\n![图1 产业园](fig.png)\n")
    line = (EXAMPLE / LEYE).read_text(encoding="utf-8").count("\n") + 2
    result = cli("build", "2018-48", "--root", str(repo), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"{LEYE}:{line}:1: E032 figure 'fig.png' lies outside the repository" in result.stderr


def test_a_symlink_loop_is_an_error_not_a_hang(tmp_path, cli):
    repo = copy_example(tmp_path)
    (repo / ISSUE / "4-loop.md").symlink_to("4-loop.md")
    result = cli("build", "2018-48", "--root", str(repo), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{ISSUE}/4-loop.md:1:1: E" in result.stderr


def test_a_symlink_to_a_device_is_refused(tmp_path, cli):
    repo = copy_example(tmp_path)
    (repo / ISSUE / "4-zero.md").symlink_to("/dev/zero")
    result = cli("check", "2018-48", "--root", str(repo))
    assert result.returncode == 1
    assert f"{ISSUE}/4-zero.md:1:1: E032 " in result.stderr


def test_a_symlinked_article_inside_the_folder_is_fine(tmp_path, cli):
    repo = copy_example(tmp_path)
    (repo / ISSUE / "issue.yaml").write_text("date: 2018-11-15\narticles: [leye.md, 2-quanzhou.md]\n", encoding="utf-8")
    (repo / ISSUE / "leye.md").symlink_to("1-leye.md")
    no_errors(cli("build", "2018-48", "--root", str(repo), "--out", str(tmp_path / "out"), "--format", "docx"))


def test_hidden_files_are_not_articles(tmp_path, cli):
    """An editor's lock file (.#1-leye.md, often a dangling symlink) is not an article."""
    repo = copy_example(tmp_path)
    (repo / ISSUE / ".#1-leye.md").symlink_to("editor@host.1234:1700000000")
    no_errors(cli("build", "2018-48", "--root", str(repo), "--out", str(tmp_path / "out"), "--format", "docx"))


# ------------------------------------------------------------ nothing lost


def snapshot(folder: Path, skip: str) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(skip)
    }


def test_build_and_check_never_touch_the_sources(tmp_path, cli):
    repo = copy_example(tmp_path)
    # a source with findings that `check --fix` would repair
    replace(repo / LEYE, "1至2个", "1 至 2 个")
    before = snapshot(repo, "build/")
    stat_before = {p: os.stat(repo / p).st_mtime_ns for p in before}
    no_errors(cli("build", "--all", cwd=repo))
    assert (repo / "build" / "2018-48.docx").exists()
    cli("check", cwd=repo)
    cli("check", "--format", "json", cwd=repo)
    assert snapshot(repo, "build/") == before
    assert {p: os.stat(repo / p).st_mtime_ns for p in before} == stat_before


# -------------------------------------------------------------------- scale


def paragraph(size_bytes: int, seed: int = 1) -> str:
    """Chinese text with punctuation, digits and Latin words, about size_bytes of UTF-8."""
    import random

    rng = random.Random(seed)
    pieces = ["脱贫攻坚", "产业扶贫", "，", "。", "、", "“三变”", "工作队员", "2018年", "1.5万亩", "APP", "猕猴桃产业园", "（试点）", "；"]
    out, size = [], 0
    while size < size_bytes:
        piece = rng.choice(pieces)
        out.append(piece)
        size += len(piece.encode("utf-8"))
    return "".join(out)


def article(title: str, county: str, body: str) -> str:
    return f"---\ntitle: {title}\ncounty: {county}\nauthor: 周白阳\n---\n\n{body}\n"


def hundred_article_repo(tmp_path: Path, articles: int = 100) -> Path:
    repo = copy_example(tmp_path)
    folder = repo / ISSUE
    for old in folder.glob("*.md"):
        old.unlink()
    for i in range(articles):
        body = f"## 一、第{i + 1}篇的做法\n\n" + paragraph(3000, seed=i) + "\n\n**二、成效。**" + paragraph(1500, seed=i + 1000)
        (folder / f"{i + 1:03d}.md").write_text(article(f"第{i + 1}篇：县里的经验做法", "乐业县", body), encoding="utf-8")
    return repo


def test_a_200_kb_paragraph_builds(tmp_path, cli):
    repo = copy_example(tmp_path)
    big = paragraph(200_000)
    (repo / ISSUE / "4-big.md").write_text(article("一篇很长的文章", "乐业县", big), encoding="utf-8")
    out = tmp_path / "out"
    no_errors(cli("build", "2018-48", "--root", str(repo), "--out", str(out)))
    docx = pytest.importorskip("docx")
    assert any(p.text == big for p in docx.Document(str(out / "2018-48.docx")).paragraphs)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out / "2018-48.pdf")], capture_output=True, text=True, check=True).stdout
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > 50


def test_a_hundred_article_issue_builds(tmp_path, cli):
    repo = hundred_article_repo(tmp_path)
    out = tmp_path / "out"
    no_errors(cli("build", "2018-48", "--root", str(repo), "--out", str(out)))
    docx = pytest.importorskip("docx")
    text = "\n".join(p.text for p in docx.Document(str(out / "2018-48.docx")).paragraphs)
    assert "第1篇：县里的经验做法" in text and "第100篇：县里的经验做法" in text


def read_and_assemble(repo: Path):
    from bulletin.sources.assemble import assemble
    from bulletin.diagnostics import Collector
    from bulletin.sources.load import load_issue, load_repository
    from bulletin.numbering import IssueId

    diags = Collector()
    repository = load_repository(repo, diags)
    issue = load_issue(repository, IssueId(2018, 48), diags)
    assert not diags.errors, [d.render() for d in diags.errors]
    return assemble(repository, issue)


def cost(repo: Path) -> tuple[float, int]:
    """(best time of three, peak traced memory) of reading and assembling issue 2018-48."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        read_and_assemble(repo)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    try:
        read_and_assemble(repo)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return best, peak


@pytest.mark.parametrize("shape", ["paragraph", "articles"])
def test_reading_grows_linearly_with_the_input(tmp_path, shape):
    """Four times the input costs about four times the time and memory (a
    quadratic step would cost sixteen).  Absolute timings: benchmarks/."""
    def make(scale: int) -> Path:
        where = tmp_path / f"x{scale}"
        where.mkdir()
        if shape == "articles":
            return hundred_article_repo(where, articles=25 * scale)
        repo = copy_example(where)
        (repo / ISSUE / "4-big.md").write_text(article("长文", "乐业县", paragraph(50_000 * scale)), encoding="utf-8")
        return repo

    small_time, small_mem = cost(make(1))
    large_time, large_mem = cost(make(4))
    assert large_mem < 8 * small_mem, (small_mem, large_mem)
    assert large_time < 10 * small_time + 0.05, (small_time, large_time)


# ------------------------------------------------------- output.write_atomic


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    from bulletin import output

    target = tmp_path / "2018-48.docx"
    target.write_bytes(b"earlier")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        output.write_atomic(target, b"new bytes")
    assert target.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["2018-48.docx"], "a temporary file was left behind"


def test_write_atomic_keeps_mode_and_symlinks(tmp_path):
    from bulletin.output import write_atomic

    real = tmp_path / "leye.md"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "link.md"
    link.symlink_to("leye.md")
    write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert real.stat().st_mode & 0o777 == 0o600
    write_atomic(tmp_path / "sub" / "fresh.pdf", b"%PDF")
    assert (tmp_path / "sub" / "fresh.pdf").read_bytes() == b"%PDF"


def test_create_new_never_overwrites(tmp_path):
    from bulletin.output import create_new

    path = tmp_path / "bulletin.yaml"
    path.write_text("title: 原有\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        create_new(path, "title: 新\n")
    assert path.read_text(encoding="utf-8") == "title: 原有\n"


# ------------------------------------------- hostile YAML, Markdown and bytes


def load(text: str):
    from bulletin.sources.config import load_yaml
    from bulletin.diagnostics import Collector

    diags = Collector()
    doc = load_yaml(text, "bulletin.yaml", diags)
    return doc, [(d.line, d.code, d.message) for d in diags.errors]


@pytest.mark.parametrize("text, line, code, words", [
    ("a: " + "[" * 3000 + "]" * 3000 + "\n", 1, "E020", "nested too deeply"),
    ("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)), 42, "E020", "nested too deeply"),
    ("a: &x [1, *x]\n", 1, "E025", "contains it"),
    ("!!python/name:os.system x: 1\n", 1, "E021", "!!python/name:os.system"),
    ('title: "a\\ud800b"\n', 1, "E012", "U+D800"),
    ('title: "a\\x0cb"\n', 1, "E012", "U+000C"),
    ('distribution:\n  "\\x01": x\n', 2, "E012", "U+0001"),
    ("title: ok\neditor: a\x9fb\n", 2, "E012", "U+009F"),
    ("total: " + "9" * 5000 + "\n", 1, "E025", "number is too long"),
    ("base: &b {title: x}\n<<: *b\n", 2, "E025", "merge keys"),
    ("? [a, b]\n: 1\n", 1, "E024", "keys must be plain text"),
    ("a: !!binary aGVsbG8=\n", 1, "E021", "!!binary"),
    ("a: !!set {x, y}\n", 1, "E021", "!!set"),
    ("a: !!omap [x: 1]\n", 1, "E021", "!!omap"),
])
def test_hostile_yaml_is_one_error_never_an_exception(text, line, code, words):
    doc, errors = load(text)
    assert doc is None
    assert len(errors) == 1 and errors[0][:2] == (line, code) and words in errors[0][2], errors


def test_aliases_cannot_expand_without_end():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    start = time.perf_counter()
    doc, errors = load("\n".join(lines) + "\n")
    assert doc is None and errors[0][1] == "E025" and "more than" in errors[0][2]
    assert time.perf_counter() - start < 5


def test_plain_aliases_still_work():
    doc, errors = load("people: &p [黄彬]\ncontact:\n  people: *p\n")
    assert not errors and doc.data["contact"]["people"] == ["黄彬"]


def test_odd_keys_are_unknown_keys_not_crashes():
    from bulletin.sources.config import validate
    from bulletin.diagnostics import Collector
    from bulletin.sources.schemas import ARTICLE

    doc, errors = load("~: 1\ntrue: 2\n1: 3\n2018-11-15: 4\ntitle: 题\ncounty: 县\n")
    assert not errors
    diags = Collector()
    assert not validate(doc, ARTICLE, diags, "front matter")
    assert [(d.line, d.code, d.key) for d in diags.errors] == [(1, "E022", "~"), (2, "E022", "true"), (3, "E022", "1"), (4, "E022", "2018-11-15")]


def parse_md(md: str, folder: Path):
    from bulletin.diagnostics import Collector
    from bulletin.sources.reader import parse_body

    diags = Collector()
    blocks = parse_body(md, "a.md", 6, folder, folder, diags)
    return blocks, [(d.line, d.code, d.message) for d in diags.errors]


def test_figure_file_names_in_chinese_and_with_spaces_are_found(tmp_path):
    from bulletin.model import Figure

    from PIL import Image  # real images: the reader decodes every figure (issue 15)

    Image.new("RGB", (2, 2)).save(tmp_path / "产业园.png")
    Image.new("RGB", (2, 2)).save(tmp_path / "图 2.png")
    blocks, errors = parse_md("![图1 产业园](产业园.png)\n\n![图2](<图 2.png>)\n\n![图3](%E4%BA%A7%E4%B8%9A%E5%9B%AD.png)\n", tmp_path)
    assert not errors
    assert [b.path for b in blocks if isinstance(b, Figure)] == ["产业园.png", "图 2.png", "产业园.png"]


@pytest.mark.parametrize("target, code, words", [
    ("a" * 5000 + ".png", "E033", ""),
    ("https://example.com/a.png", "E033", "web address"),
    ("/etc/passwd", "E032", "outside the repository"),
    ("../../../../../../x.png", "E032", "outside the repository"),
])
def test_odd_figure_targets_are_errors(tmp_path, target, code, words):
    _blocks, errors = parse_md(f"![图]({target})\n", tmp_path)
    assert [(e[0], e[1]) for e in errors] == [(6, code)] and words in errors[0][2]


def test_a_quote_inside_a_quote_keeps_its_text(tmp_path):
    from bulletin.model import Quote, plain_text

    [quote] = parse_md("> 外层按语\n>\n> > 内层批示\n", tmp_path)[0]
    assert isinstance(quote, Quote)
    assert [plain_text(p.spans) for p in quote.paras] == ["外层按语", "内层批示"]


def test_markdown_nested_past_the_parser_limit_is_an_error_not_lost_text(tmp_path):
    _blocks, errors = parse_md("正文\n\n" + ">" * 40 + " 深处的按语\n", tmp_path)
    assert errors == [(8, "E035", errors[0][2])] and "nested too deeply" in errors[0][2]


@pytest.mark.parametrize("data, words", [
    ("---\ntitle: 标题\n".encode("utf-16"), "UTF-16"),
    ("---\ntitle: a\n".encode("utf-16-be"), "UTF-16"),
    ("---\ntitle: a\n".encode("utf-32"), "UTF-32"),
    ("---\ntitle: 乐业县\n".encode("gb18030"), "GBK/GB18030"),
    (b"\x80\x81\xfe\xff" * 3, "not UTF-8"),
])
def test_other_encodings_are_named(tmp_path, data, words):
    from bulletin.diagnostics import Collector
    from bulletin.sources.textfile import read_text

    path = tmp_path / "a.md"
    path.write_bytes(data)
    diags = Collector()
    assert read_text(path, "a.md", diags) is None
    [error] = diags.errors
    assert error.code == "E011" and words in error.message and "save it as UTF-8" in error.message


def test_a_binary_file_gives_a_few_lines_not_thousands(tmp_path):
    from bulletin.diagnostics import Collector
    from bulletin.sources.textfile import read_text

    path = tmp_path / "a.md"
    path.write_bytes(b"---\x01\x02\x03" * 5000)
    diags = Collector()
    assert read_text(path, "a.md", diags) is None
    assert len(diags.errors) == 11 and "14990 more" in diags.errors[-1].message


def test_reading_a_folder_or_an_unreadable_file_is_one_error(tmp_path):
    from bulletin.diagnostics import Collector
    from bulletin.sources.textfile import read_text

    diags = Collector()
    assert read_text(tmp_path, "x.md", diags) is None
    assert diags.errors[0].code == "E010"


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from bulletin.sources import textfile
    from bulletin.diagnostics import Collector

    monkeypatch.setattr(textfile, "MAX_BYTES", 1000)
    path = tmp_path / "a.md"
    path.write_bytes(b"x" * 1001)
    diags = Collector()
    assert textfile.read_text(path, "a.md", diags) is None
    assert diags.errors[0].code == "E010" and "at most" in diags.errors[0].message
