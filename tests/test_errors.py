"""Broken bulletin repositories: SPEC.md's promises, one defect at a time.

Each case copies the example repository, applies one defect and runs
`bulletin build` (and `bulletin check`) in a fresh process, as an editor
would.  It asserts
- the exit code (1 content, 2 usage),
- exactly the expected errors, each in the diagnostics format
  `path:line:col: CODE message`, naming the file, the line and the key or
  text at fault, sorted, nothing else on stderr but the one summary line,
- no Python traceback,
- that the output folder is exactly as an earlier good build left it (same
  listing, same bytes: no half-written or temporary file, nothing lost),
- and that the sources were not touched.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import EXAMPLE, run_cli

ISSUE = "issues/2018-48"
LEYE = f"{ISSUE}/1-leye.md"
QUANZHOU = f"{ISSUE}/2-quanzhou.md"
MENGSHAN = f"{ISSUE}/3-mengshan.md"
ISSUE_YAML = f"{ISSUE}/issue.yaml"
PUB = "bulletin.yaml"

DIAGNOSTIC = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?P<code>[EW]\d{3}) (?P<message>\S.*)$")
SUMMARY = re.compile(r"^(bulletin( check)?: |built \d+ issue)")


# ---------------------------------------------------------------- defects


def edit(rel: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return apply


def write(rel: str, text: str | bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return apply


def reencode(rel: str, encoding: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    return apply


def remove(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


def rename(rel: str, new: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).rename(root / new)


def symlink(rel: str, target: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).symlink_to(target)


def mkdir(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).mkdir(parents=True)


def append(rel: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        with open(root / rel, "a", encoding="utf-8") as fh:
            fh.write(text)
    return apply


def link_outside(rel: str) -> Callable[[Path], None]:
    """rel becomes a symlink to a folder beside the repository."""
    def apply(root: Path) -> None:
        target = root.parent / "elsewhere"
        target.mkdir()
        (target / "issue.yaml").write_text("date: 2018-11-29\n", encoding="utf-8")
        (root / rel).symlink_to(target)
    return apply


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        for step in steps:
            step(root)
    return apply


def line_count(rel: str) -> int:
    return (EXAMPLE / rel).read_text(encoding="utf-8").count("\n")


@dataclass(frozen=True)
class Expect:
    path: str
    line: int
    code: str
    text: str  # the key or text at fault: must appear in the message
    col: int | None = None


@dataclass(frozen=True)
class Defect:
    name: str
    apply: Callable[[Path], None]
    errors: tuple[Expect, ...]  # exactly these errors, in this (sorted) order
    args: tuple[str, ...] = ("2018-48",)
    exit: int = 1
    usage: str = ""  # exit 2: text of click's "Error:" line
    check: bool = True  # also run `bulletin check` with the same arguments
    root_arg: bool = True  # pass --root (else run from inside the repository)


END = line_count(LEYE) + 1  # a line appended to leye.md

DEFECTS = [
    # -- YAML syntax --------------------------------------------------------
    Defect("tab-in-yaml-indentation", edit(PUB, "  people:", "\tpeople:"),
           (Expect(PUB, 15, "E020", "tab"),)),
    Defect("yaml-unclosed-quote", edit(QUANZHOU, "title: 全州县", 'title: "全州县'),
           (Expect(QUANZHOU, 2, "E020", "quoted value opened here is never closed", col=8),)),
    Defect("yaml-unclosed-bracket", edit(PUB, "people: [黄彬, 罗安桐]", "people: [黄彬, 罗安桐"),
           (Expect(PUB, 15, "E020", "[list] opened here", col=11),)),
    Defect("duplicate-key", write(ISSUE_YAML, "date: 2018-11-15\ndate: 2018-11-16\n"),
           (Expect(ISSUE_YAML, 2, "E026", "'date'"),)),
    Defect("empty-bulletin-yaml", write(PUB, ""),
           (Expect(PUB, 1, "E023", "'editor'"), Expect(PUB, 1, "E023", "'issuer'"), Expect(PUB, 1, "E023", "'title'"))),
    Defect("issue-yaml-is-a-list", write(ISSUE_YAML, "- date: 2018-11-15\n"),
           (Expect(ISSUE_YAML, 1, "E024", "expected a mapping"),)),
    Defect("front-matter-is-a-scalar", write(LEYE, "---\n乐业县的文章\n---\n正文。\n"),
           (Expect(LEYE, 2, "E024", "expected a mapping"),)),
    # -- safe YAML: no tags that build objects -----------------------------
    Defect("python-object-apply-tag", edit(LEYE, "title: 乐业县", "title: !!python/object/apply:os.system ['touch pwned'] #"),
           (Expect(LEYE, 2, "E021", "!!python/object/apply:os.system"),)),
    Defect("custom-tag", append(PUB, "fonts: !include fonts.yaml\n"),
           (Expect(PUB, 18, "E021", "!include"),)),
    Defect("aliases-expanding-without-end", append(PUB, "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                                          "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                                          "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"),
           (Expect(PUB, 18, "E025", "more than 100000 values"),)),
    # -- keys and values ---------------------------------------------------
    Defect("typo-key-with-did-you-mean", edit(LEYE, "title:", "titel:"),
           (Expect(LEYE, 1, "E023", "'title' is required"), Expect(LEYE, 2, "E022", "'titel' (did you mean 'title'?)"))),
    Defect("nested-typo-key", edit(PUB, "  phone:", "  phon:"),
           (Expect(PUB, 16, "E022", "'contact.phon' (did you mean 'phone'?)"),)),
    Defect("missing-title", edit(QUANZHOU, "title: 全州县“五心五线”工作法严管厚爱 驻村工作队员\n", ""),
           (Expect(QUANZHOU, 1, "E023", "'title' is required", col=1),)),
    Defect("missing-county", edit(MENGSHAN, "county: 蒙山县\n", ""),
           (Expect(MENGSHAN, 1, "E023", "'county' is required"),)),
    Defect("missing-date", write(ISSUE_YAML, "note: 本期无日期\n"),
           (Expect(ISSUE_YAML, 1, "E023", "'date' is required"),)),
    Defect("date-not-a-date", write(ISSUE_YAML, "date: 15.11.2018\n"),
           (Expect(ISSUE_YAML, 1, "E025", "'date' must be a date YYYY-MM-DD"),)),
    Defect("date-impossible", write(ISSUE_YAML, "# 印发日期\ndate: 2018-11-31\n"),
           (Expect(ISSUE_YAML, 2, "E025", "'date'"),)),
    Defect("date-with-a-time", write(ISSUE_YAML, "date: 2018-11-15 09:30:00\n"),
           (Expect(ISSUE_YAML, 1, "E024", "'date' must be a date YYYY-MM-DD"),)),
    Defect("title-is-a-list", edit(LEYE, "title: 乐业县探索“三变” 实现贫困户产业全覆盖", "title: [乐业县, 三变]"),
           (Expect(LEYE, 2, "E024", "'title' must be text, got a list"),)),
    Defect("author-is-a-mapping", edit(QUANZHOU, "author: [周娜, 胡常胜]", "author:\n  name: 周娜"),
           (Expect(QUANZHOU, 5, "E024", "'author' must be text or a list of text, got a mapping"),)),
    Defect("attribution-not-a-bool", edit(MENGSHAN, "column: 领导批示", "column: 领导批示\nattribution: 不要"),
           (Expect(MENGSHAN, 7, "E024", "'attribution' must be true or false"),)),
    Defect("anchor-total-not-a-number", edit(PUB, "total: 210", "total: 二百一十"),
           (Expect(PUB, 8, "E024", "'numbering.anchor.total' must be a whole number"),)),
    Defect("anchor-issue-malformed", edit(PUB, "issue: 2018-48", "issue: 2018-048"),
           (Expect(PUB, 8, "E025", "'numbering.anchor.issue' must be an issue id"),)),
    Defect("distribution-is-a-list", both(edit(PUB, "  报: ", "  - 报: "), edit(PUB, "  送: ", "  - 送: ")),
           (Expect(PUB, 10, "E024", "'distribution' must be a mapping"),)),
    Defect("total-too-long", write(ISSUE_YAML, "date: 2018-11-15\ntotal: " + "9" * 5000 + "\n"),
           (Expect(ISSUE_YAML, 2, "E025", "number is too long"),)),
    Defect("nul-escape-in-yaml-string", edit(LEYE, "unit: 乐业县委办公室", 'unit: "乐业县委\\0办公室"'),
           (Expect(LEYE, 4, "E012", "U+0000"),)),
    # -- encodings and characters ------------------------------------------
    Defect("gbk-article", reencode(QUANZHOU, "gbk"),
           (Expect(QUANZHOU, 2, "E011", "GBK"),)),
    Defect("utf16-issue-yaml", reencode(ISSUE_YAML, "utf-16"),
           (Expect(ISSUE_YAML, 1, "E011", "UTF-16"),)),
    Defect("nul-in-body", edit(MENGSHAN, "蒙山县按照", "蒙山县\x00按照"),
           (Expect(MENGSHAN, 9, "E012", "U+0000", col=4),)),
    Defect("escape-character-in-title", edit(LEYE, "title: 乐业县", "title: 乐业\x1b县"),
           (Expect(LEYE, 2, "E012", "U+001B", col=10),)),
    Defect("c1-control-in-yaml", edit(PUB, "title: 广西", "title: 广\x85\x90西"),
           (Expect(PUB, 3, "E012", "U+0090"),)),
    # -- front matter ------------------------------------------------------
    Defect("front-matter-not-closed", edit(LEYE, "column: 领导批示\n---\n", "column: 领导批示\n\n"),
           (Expect(LEYE, 1, "E030", "no closing '---'"),)),
    Defect("no-front-matter", write(QUANZHOU, "全州县坚持严管厚爱脱贫攻坚工作队员。\n"),
           (Expect(QUANZHOU, 1, "E030", "must start with a '---' line"),)),
    # -- issues and articles -----------------------------------------------
    Defect("padded-issue-folder", rename("issues/2019-1", "issues/2019-01"),
           (Expect("issues/2019-01", 1, "E003", "rename it to '2019-1'"),)),
    Defect("issue-folder-not-an-id", mkdir("issues/2018-xx"),
           (Expect("issues/2018-xx", 1, "E003", "'2018-xx' is not an issue id"),)),
    Defect("unknown-issue-id", lambda root: None,
           (Expect("issues", 1, "E002", "2018-47"),), args=("2018-47",)),
    Defect("empty-issue-folder", mkdir("issues/2018-50"),
           (Expect("issues/2018-50/issue.yaml", 1, "E010", "no issue.yaml"),), args=("2018-50",)),
    Defect("issue-without-articles", write("issues/2018-50/issue.yaml", "date: 2018-11-29\n"),
           (Expect("issues/2018-50/issue.yaml", 1, "E031", "no articles"),), args=("2018-50",)),
    Defect("listed-article-missing", write(ISSUE_YAML, "date: 2018-11-15\narticles:\n  - 1-leye.md\n  - 2-quanzhou.md\n  - 4-lingyun.md\n"),
           (Expect(ISSUE_YAML, 5, "E031", "'4-lingyun.md' not found"),)),
    Defect("listed-article-twice", write(ISSUE_YAML, "date: 2018-11-15\narticles: [1-leye.md, 1-leye.md]\n"),
           (Expect(ISSUE_YAML, 2, "E025", "1-leye.md twice"),)),
    Defect("listed-article-not-markdown", write(ISSUE_YAML, "date: 2018-11-15\narticles: [1-leye.md, notes.txt]\n"),
           (Expect(ISSUE_YAML, 2, "E025", "'notes.txt'"),)),
    Defect("listed-article-in-another-issue", write(ISSUE_YAML, "date: 2018-11-15\narticles: [1-leye.md, ../2018-49/longlin.md]\n"),
           (Expect(ISSUE_YAML, 2, "E032", "'../2018-49/longlin.md' leads outside the issue folder"),)),
    Defect("listed-article-absolute-path", write(ISSUE_YAML, "date: 2018-11-15\narticles: [1-leye.md, /etc/passwd.md]\n"),
           (Expect(ISSUE_YAML, 2, "E032", "'/etc/passwd.md' leads outside"),)),
    Defect("symlinked-article-outside", symlink(f"{ISSUE}/4-longlin.md", "../2018-49/longlin.md"),
           (Expect(f"{ISSUE}/4-longlin.md", 1, "E032", "is a link leading outside the issue folder"),)),
    Defect("symlinked-issue-folder-outside", link_outside("issues/2018-50"),
           (Expect("issues/2018-50", 1, "E032", "outside the repository"),)),
    Defect("figure-outside-repository", append(LEYE, "\n![图1 产业园](../../../../outside.png)\n"),
           (Expect(LEYE, END + 1, "E032", "'../../../../outside.png' lies outside the repository"),)),
    Defect("figure-missing", append(LEYE, "\n![图1 产业园](images/产业园.png)\n"),
           (Expect(LEYE, END + 1, "E033", "'images/产业园.png' not found"),)),
    Defect("figure-web-address", append(LEYE, "\n![图1](https://example.com/a.png)\n"),
           (Expect(LEYE, END + 1, "E033", "web address"),)),
    Defect("markdown-nested-too-deeply", append(LEYE, "\n" + ">" * 30 + " 按语\n"),
           (Expect(LEYE, END + 1, "E035", "nested too deeply"),)),
    # -- the repository and the command line -------------------------------
    Defect("bulletin-yaml-missing", remove(PUB),
           (Expect(".", 1, "E001", "not a bulletin repository"),), root_arg=False),
    Defect("not-a-repository-root-option", remove(PUB),
           (Expect("*", 1, "E001", "no bulletin.yaml in"),)),
    Defect("malformed-issue-id", lambda root: None, (), args=("2018-xx",), exit=2, usage="malformed issue id '2018-xx'"),
    Defect("padded-issue-id", lambda root: None, (), args=("2018-048",), exit=2, usage="write 2018-48"),
    Defect("unknown-option", lambda root: None, (), args=("2018-48", "--frobnicate"), exit=2, usage="--frobnicate", check=False),
    # -- several defects at once: every one reported, sorted ---------------
    Defect("several-defects", both(
        edit(PUB, "editor:", "editr:"),
        write(ISSUE_YAML, "date: 2018-11-15\ntotal: -3\n"),
        edit(LEYE, "title: 乐业县探索“三变” 实现贫困户产业全覆盖\n", ""),
        reencode(QUANZHOU, "gb18030"),
        edit(MENGSHAN, "author: 陈世万", "author: 陈世万\nauthor: 陈某"),
        mkdir("issues/2019-02"),
    ), (
        Expect(PUB, 1, "E023", "'editor' is required"),
        Expect(PUB, 4, "E022", "'editr' (did you mean 'editor'?)"),
        Expect(LEYE, 1, "E023", "'title' is required"),
        Expect(QUANZHOU, 2, "E011", "not UTF-8"),
        Expect(MENGSHAN, 6, "E026", "duplicate key 'author' (first at line 5)"),
        Expect(ISSUE_YAML, 2, "E025", "'total' must be a positive number"),
        Expect("issues/2019-02", 1, "E003", "rename it to '2019-2'"),
    )),
]

assert len({d.name for d in DEFECTS}) == len(DEFECTS)


# ---------------------------------------------------------------- helpers


def tree(folder: Path) -> dict[str, str]:
    """Every entry under folder (hidden and temporary files included) → a digest of its bytes."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                out[rel] = "dir"
    return out


@pytest.fixture(scope="session")
def earlier_outputs(tmp_path_factory) -> Path:
    """An output folder as an earlier good build of the example left it."""
    base = tmp_path_factory.mktemp("earlier")
    repo = base / "repo"
    shutil.copytree(EXAMPLE, repo)
    out = base / "out"
    result = run_cli("build", "2018-48", "--root", str(repo), "--out", str(out))
    if result.returncode != 0:  # writers still in progress: outputs with known bytes stand in
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        (out / "2018-48.docx").write_bytes(b"PK\x03\x04 an earlier docx")
        (out / "2018-48.pdf").write_bytes(b"%PDF-1.4 an earlier pdf")
    (out / "notes.txt").write_text("the editor's own file\n", encoding="utf-8")
    return out


def parse_stderr(stderr: str) -> list[re.Match]:
    """Every stderr line is a diagnostic or the one summary line; return the diagnostics."""
    assert "Traceback" not in stderr, stderr
    diags, summaries = [], []
    for line in stderr.splitlines():
        m = DIAGNOSTIC.match(line)
        if m:
            diags.append(m)
        else:
            assert SUMMARY.match(line), f"not in the diagnostics format: {line!r}"
            summaries.append(line)
    assert len(summaries) <= 1, summaries
    return diags


def assert_errors(diags: list[re.Match], expected: tuple[Expect, ...], root: Path) -> None:
    errors = [m for m in diags if m["code"].startswith("E")]
    keys = [(m["path"], int(m["line"]), int(m["col"]), m["code"]) for m in diags]
    assert keys == sorted(keys), "diagnostics are not sorted"
    shown = "\n".join(m.group(0) for m in errors)
    assert len(errors) == len(expected), f"expected {len(expected)} error(s), got:\n{shown}"
    for m, want in zip(errors, expected):
        path = m["path"]
        if want.path == "*":
            assert Path(path).resolve() == root.resolve(), shown
        else:
            assert path == want.path, shown
        assert (int(m["line"]), m["code"]) == (want.line, want.code), shown
        assert want.text in m["message"], shown
        if want.col is not None:
            assert int(m["col"]) == want.col, shown


def run_case(defect: Defect, command: str, tmp_path: Path, earlier: Path):
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo, symlinks=True)
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    defect.apply(repo)
    sources = tree(repo)
    outputs = tree(out)
    args = [command, *defect.args]
    if command == "build":
        args += ["--out", str(out)]
    if defect.root_arg:
        args += ["--root", str(repo)]
    result = run_cli(*args, cwd=repo if (repo / PUB).exists() or not defect.root_arg else tmp_path,
                     env={"BULLETIN_ROOT": ""})
    assert tree(out) == outputs, "the output folder changed"
    assert tree(repo) == sources, "the sources changed"
    return repo, result


# ------------------------------------------------------------------ tests


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.name for d in DEFECTS])
def test_build_refuses_a_broken_repository(defect: Defect, tmp_path, earlier_outputs):
    repo, result = run_case(defect, "build", tmp_path, earlier_outputs)
    assert result.returncode == defect.exit, result.stderr
    if defect.exit == 2:
        assert "Traceback" not in result.stderr
        assert "Error: " in result.stderr and defect.usage in result.stderr, result.stderr
        return
    diags = parse_stderr(result.stderr)
    assert_errors(diags, defect.errors, repo)
    if not any(m["code"] == "E001" for m in diags):
        assert "nothing written" in result.stderr
    assert result.stdout == ""


CHECKED = [d for d in DEFECTS if d.check]


@pytest.mark.parametrize("defect", CHECKED, ids=[d.name for d in CHECKED])
def test_check_reports_the_same_errors(defect: Defect, tmp_path, earlier_outputs):
    repo, result = run_case(defect, "check", tmp_path, earlier_outputs)
    assert result.returncode == defect.exit, result.stderr
    if defect.exit == 2:
        assert "Traceback" not in result.stderr and defect.usage in result.stderr, result.stderr
        return
    assert_errors(parse_stderr(result.stderr), defect.errors, repo)


def test_the_table_covers_at_least_thirty_defects():
    assert len([d for d in DEFECTS if d.name != "several-defects"]) >= 30


# ------------------------------------------------- sound but unusual input


def test_bom_and_crlf_build_like_the_original(tmp_path, cli):
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    plain = cli("build", "2018-48", "--root", str(repo), "--out", str(tmp_path / "plain"))
    assert plain.returncode == 0, plain.stderr
    for path in [repo / PUB, repo / ISSUE_YAML, *sorted((repo / ISSUE).glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = cli("build", "2018-48", "--root", str(repo), "--out", str(tmp_path / "crlf"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # the same sources in another encoding form give the same documents
    for name in ("2018-48.docx", "2018-48.pdf"):
        assert (tmp_path / "crlf" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes(), name


def test_crlf_keeps_line_numbers(tmp_path, cli):
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    path = repo / MENGSHAN
    text = path.read_text(encoding="utf-8").replace("county: 蒙山县\n", "county: [蒙山县]\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = cli("check", "2018-48", "--root", str(repo))
    assert result.returncode == 1
    [error] = [m for m in parse_stderr(result.stderr) if m["code"].startswith("E")]
    assert (error["path"], int(error["line"]), error["code"]) == (MENGSHAN, 3, "E024")


def test_keep_going_builds_the_sound_issues_and_still_exits_1(tmp_path, cli):
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    edit(LEYE, "title:", "titel:")(repo)
    out = tmp_path / "out"
    result = cli("build", "--all", "--keep-going", "--root", str(repo), "--out", str(out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    built = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert built == ["2018-49.docx", "2018-49.pdf", "2019-1.docx", "2019-1.pdf"]
    assert_errors([m for m in parse_stderr(result.stderr)],
                  (Expect(LEYE, 1, "E023", "'title'"), Expect(LEYE, 2, "E022", "'titel'")), repo)


def test_without_keep_going_a_batch_writes_nothing(tmp_path, cli):
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    edit("issues/2019-1/pingguo.md", "county:", "country:")(repo)
    out = tmp_path / "out"
    result = cli("build", "--all", "--root", str(repo), "--out", str(out))
    assert result.returncode == 1
    assert "nothing written" in result.stderr
    assert not out.exists() or tree(out) == {}
