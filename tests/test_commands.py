"""The editor's commands: init, new, list, and check's command-line contract."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, REPO

from bulletin.numbering import IssueId
from bulletin.commands.scaffold import append_article_name, next_issue_id, yaml_scalar

TODAY = dt.date.today()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def pdf_writer_ready() -> bool:
    try:
        from bulletin.writers.pdf import write_pdf# noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------ init


def test_init_new_article_build_in_an_empty_folder(tmp_path, cli):
    def run(*a):
        return cli(*a, cwd=tmp_path)

    r = run("init")
    assert r.returncode == 0, r.stderr
    first = f"{TODAY.year}-1"
    assert {"bulletin.yaml", "README.md", ".gitignore", f"issues/{first}/issue.yaml", f"issues/{first}/example.md"} <= set(tree(tmp_path))
    assert (tmp_path / f"issues/{first}/issue.yaml").read_text(encoding="utf-8").endswith(f"date: {TODAY.isoformat()}\n")

    r = run("new")
    assert r.returncode == 0, r.stderr
    second = f"{TODAY.year}-2"
    assert r.stdout == f"created issues/{second}/issue.yaml\n"

    r = run("new", second, "--article", "乐业县", "--title", "乐业县探索“三变”实现贫困户产业全覆盖", "--author", "周白阳", "--author", "李明")
    assert r.returncode == 0, r.stderr
    article = (tmp_path / f"issues/{second}/乐业县.md").read_text(encoding="utf-8")
    assert article.startswith("---\ntitle: 乐业县探索“三变”实现贫困户产业全覆盖\ncounty: 乐业县\nauthor: [周白阳, 李明]\n---\n")

    r = run("check")  # the scaffold's placeholders are warnings (W140): the repository builds at once
    assert r.returncode == 0, r.stderr
    assert {line.split(" ")[1] for line in r.stderr.splitlines()[:-1]} == {"W140"}, r.stderr

    r = run("build", "--all", "--format", "docx")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "build" / f"{first}.docx").is_file() and (tmp_path / "build" / f"{second}.docx").is_file()


@pytest.mark.skipif(not pdf_writer_ready(), reason="PDF writer (bulletin.writers.pdf.write_pdf) not there yet")
def test_init_builds_both_formats(tmp_path, cli):
    assert cli("init", cwd=tmp_path).returncode == 0
    r = cli("build", "--all", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "build" / f"{TODAY.year}-1.pdf").is_file()
    assert (tmp_path / "build" / f"{TODAY.year}-1.docx").is_file()


def test_init_refuses_to_overwrite(tmp_path, cli):
    target = tmp_path / "repo"
    assert cli("init", str(target), "--title", "测试简报", cwd=tmp_path).returncode == 0
    (target / "README.md").write_text("mine\n", encoding="utf-8")
    before = tree(target)
    r = cli("init", str(target), cwd=tmp_path)
    assert r.returncode == 1
    assert "E060" in r.stderr and "bulletin.yaml" in r.stderr
    assert tree(target) == before


def test_init_into_an_existing_folder_keeps_its_files(tmp_path, cli):
    (tmp_path / "README.md").write_text("our notes\n", encoding="utf-8")
    r = cli("init", "--title", "某县工作简报", "--issuer", "某县人民政府办公室", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "kept README.md (exists)" in r.stdout
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "our notes\n"
    pub = (tmp_path / "bulletin.yaml").read_text(encoding="utf-8")
    assert "title: 某县工作简报\neditor: 某县人民政府办公室编\nissuer: 某县人民政府办公室\n" in pub


# ------------------------------------------------------------------- new


def test_next_issue_id():
    assert next_issue_id([], dt.date(2024, 5, 1)) == IssueId(2024, 1)
    assert next_issue_id([IssueId(2018, 48), IssueId(2018, 49)], dt.date(2018, 12, 1)) == IssueId(2018, 50)
    assert next_issue_id([IssueId(2018, 49), IssueId(2019, 1)], dt.date(2019, 3, 1)) == IssueId(2019, 2)
    assert next_issue_id([IssueId(2018, 49)], dt.date(2019, 1, 3)) == IssueId(2019, 1)


def test_new_next_issue_and_existing_issue(example_copy, cli):
    r = cli("new", "--date", "2019-01-17", "--root", str(example_copy))
    assert r.returncode == 0, r.stderr
    assert (example_copy / "issues/2019-2/issue.yaml").read_text(encoding="utf-8").endswith("date: 2019-01-17\n")
    before = tree(example_copy)
    r = cli("new", "2018-48", "--root", str(example_copy))
    assert r.returncode == 1 and "E060" in r.stderr
    r = cli("new", "2018-48", "--article", "1-leye", "--root", str(example_copy))
    assert r.returncode == 1 and "E060" in r.stderr
    assert tree(example_copy) == before


def test_new_usage_errors(example_copy, cli):
    assert cli("new", "2018-xx", "--root", str(example_copy)).returncode == 2
    assert cli("new", "--article", "a", "--root", str(example_copy)).returncode == 2
    assert cli("new", "2019-2", "--title", "标题", "--root", str(example_copy)).returncode == 2
    assert cli("new", "2019-2", "--article", "../x", "--root", str(example_copy)).returncode == 2
    assert not (example_copy / "issues/2019-2").exists()


def test_new_article_is_appended_to_an_explicit_list(example_copy, cli):
    issue = example_copy / "issues/2018-49/issue.yaml"
    r = cli("new", "2018-49", "--article", "baise.md", "--county", "百色市", "--title", "百色市推进产业扶贫",
            "--author", "黄明", "--column", "工作动态", "--root", str(example_copy))
    assert r.returncode == 0, r.stderr
    text = issue.read_text(encoding="utf-8")
    assert "articles: [tiandong.md, longlin.md, rongshui.md, baise.md]\n" in text
    assert text.startswith("date: 2018-11-22\nnote: ")  # the rest as it was
    assert (example_copy / "issues/2018-49/baise.md").read_text(encoding="utf-8") == (
        "---\ntitle: 百色市推进产业扶贫\ncounty: 百色市\nauthor: [黄明]\ncolumn: 工作动态\n---\n\n在此撰写正文。段落之间空一行。\n"
    )
    listed = json.loads(cli("list", "--json", "--root", str(example_copy)).stdout)
    assert [r["articles"] for r in listed if r["id"] == "2018-49"] == [4]
    assert cli("check", "2018-49", "--root", str(example_copy)).returncode == 0


def test_new_article_in_a_new_issue(example_copy, cli):
    r = cli("new", "2019-2", "--article", "hechi", "--date", "2019-01-24", "--root", str(example_copy))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["created issues/2019-2/issue.yaml", "created issues/2019-2/hechi.md"]
    r = cli("check", "2019-2", "--strict", "--root", str(example_copy))
    assert r.returncode == 1 and "issues/2019-2/hechi.md:2:8: W140 placeholder '在此填写标题'" in r.stderr, r.stderr
    assert {line.split(" ")[1] for line in r.stderr.splitlines()[:-1]} == {"W140"}, r.stderr  # and nothing else


def test_append_article_name_block_and_flow_lists():
    block = "date: 2018-11-22\narticles:\n  - a.md   # first\n  - b.md\nnote: 按语\n"
    assert append_article_name(block, "c.md") == "date: 2018-11-22\narticles:\n  - a.md   # first\n  - b.md\n  - c.md\nnote: 按语\n"
    flush = "articles:\n- a.md\n"
    assert append_article_name(flush, "c.md") == "articles:\n- a.md\n- c.md\n"
    flow = "articles: [a.md, b.md]  # order\n"
    assert append_article_name(flow, "c.md") == "articles: [a.md, b.md, c.md]  # order\n"
    multi = "articles: [\n  a.md,\n  b.md,\n]\n"
    assert append_article_name(multi, "c.md") == "articles: [\n  a.md,\n  b.md, c.md,\n]\n"
    assert append_article_name("articles: []\n", "c.md") == "articles: [c.md]\n"
    assert append_article_name("date: 2018-11-22\n", "c.md") is None


def test_yaml_scalar_quotes_only_when_needed():
    import yaml

    for text in ["乐业县", "标题: 副题", "#1", "- 列表", "2018-11-15", "true", "a, b", "引号\"", "", "123"]:
        assert yaml.safe_load(f"k: {yaml_scalar(text)}")["k"] == text
    assert yaml_scalar("乐业县探索“三变”") == "乐业县探索“三变”"


# ------------------------------------------------------------------ list


EXPECTED_LIST = [
    {"id": "2018-48", "year": 2018, "number": 48, "total": 210, "date": "2018-11-15", "articles": 3, "columns": ["领导批示"]},
    {"id": "2018-49", "year": 2018, "number": 49, "total": 211, "date": "2018-11-22", "articles": 3, "columns": ["工作动态", "经验交流"]},
    {"id": "2019-1", "year": 2019, "number": 1, "total": 212, "date": "2019-01-10", "articles": 1, "columns": []},
]


def test_list_json_on_the_example(cli):
    r = cli("list", "--json", "--root", str(EXAMPLE))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == EXPECTED_LIST


def test_list_table(cli):
    r = cli("list", "--root", str(EXAMPLE))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["ID", "第N期", "总第N期", "date", "articles", "columns"]
    assert lines[2].split() == ["2018-49", "第49期", "总第211期", "2018-11-22", "3", "工作动态、经验交流"]


def test_list_reports_a_broken_issue_and_lists_the_rest(example_copy, cli):
    (example_copy / "issues/2019-1/issue.yaml").write_text("date: 2019-13-01\n", encoding="utf-8")
    r = cli("list", "--json", "--root", str(example_copy))
    assert r.returncode == 1
    assert "issues/2019-1/issue.yaml:1:" in r.stderr
    assert [row["id"] for row in json.loads(r.stdout)] == ["2018-48", "2018-49", "2019-1"]


def test_list_and_help_import_nothing_heavy():
    script = (
        "import sys\n"
        "from bulletin.cli import main\n"
        f"sys.argv = ['bulletin', 'list', '--root', {str(EXAMPLE)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'markdown_it', 'reportlab', 'docx', 'jinja2', 'fontTools'})\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False).stdout
    assert "HEAVY []" in out


def test_not_a_repository(tmp_path, cli):
    for command in (["list"], ["check"], ["new"]):
        r = cli(*command, cwd=tmp_path, env={"BULLETIN_ROOT": ""})
        assert r.returncode == 1 and "E001" in r.stderr, command


# ----------------------------------------------------------------- check


def test_check_the_example_is_clean(cli):
    r = cli("check", "--all", "--strict", "--root", str(EXAMPLE))
    assert r.returncode == 0, r.stderr
    assert r.stderr == "bulletin check: no findings\n"


def test_check_exit_codes(example_copy, cli):
    art = example_copy / "issues/2019-1/pingguo.md"
    art.write_text(art.read_text(encoding="utf-8").replace("3.2万户", "3.2 万户"), encoding="utf-8")
    assert cli("check", "--root", str(example_copy)).returncode == 0
    assert cli("check", "2019-1", "--strict", "--root", str(example_copy)).returncode == 1
    assert cli("check", "2018-48", "--strict", "--root", str(example_copy)).returncode == 0
    assert cli("check", "2018-xx", "--root", str(example_copy)).returncode == 2
    missing = cli("check", "2030-1", "--root", str(example_copy))
    assert missing.returncode == 1 and "E002" in missing.stderr
    (example_copy / "issues/2018-49/longlin.md").write_text("---\ncounty: 隆林\n---\n正文。\n", encoding="utf-8")
    broken = cli("check", "--format", "json", "--root", str(example_copy))
    assert broken.returncode == 1
    codes = {(d["path"], d["code"], d["severity"]) for d in json.loads(broken.stdout)}
    assert ("issues/2018-49/longlin.md", "E023", "error") in codes
    assert ("issues/2019-1/pingguo.md", "W111", "warning") in codes


def test_check_accepts_file_paths(example_copy, cli):
    art = example_copy / "issues/2019-1/pingguo.md"
    art.write_text(art.read_text(encoding="utf-8").replace("3.2万户", "3.2 万户"), encoding="utf-8")
    r = cli("check", "--strict", "issues/2019-1/pingguo.md", cwd=example_copy)
    assert r.returncode == 1 and "issues/2019-1/pingguo.md:9:" in r.stderr
    assert cli("check", "--strict", "issues/2018-48/1-leye.md", cwd=example_copy).returncode == 0
    assert cli("check", "--strict", "bulletin.yaml", cwd=example_copy).returncode == 1  # every issue
    assert cli("check", "README.md", cwd=example_copy).returncode == 2


# ------------------------------------------------------------ git hook


def hook_script() -> str:
    doc = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"```sh\n(#!/bin/sh\n# \.git/hooks/pre-commit.*?)```", doc, re.DOTALL)
    assert m, "README.md shows no .git/hooks/pre-commit script"
    return m.group(1)


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_pre_commit_hook_from_the_docs(tmp_path, cli):
    repo = tmp_path / "bulletin-repo"
    shutil.copytree(EXAMPLE, repo)
    shim = tmp_path / "bin" / "bulletin"  # `bulletin` on PATH, as an installed package provides it
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m bulletin.cli \"$@\"\n", encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    hook = repo / ".git" / "hooks" / "pre-commit"
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "PYTHONPATH": str(REPO)}
    def git(*a):
        return subprocess.run(["git", *a], cwd=repo, env=env, capture_output=True, text=True, check=False)

    assert git("init", "-q").returncode == 0
    hook.write_text(hook_script(), encoding="utf-8")
    hook.chmod(0o755)
    git("add", "-A")
    assert git("commit", "-qm", "example").returncode == 0, "the clean example commits"
    art = repo / "issues/2019-1/pingguo.md"
    art.write_text(art.read_text(encoding="utf-8").replace("3.2万户", "3.3 万户"), encoding="utf-8")
    git("add", "issues/2019-1/pingguo.md")
    refused = git("commit", "-qm", "a space")
    assert refused.returncode != 0
    assert "issues/2019-1/pingguo.md:9:" in refused.stderr and "W111" in refused.stderr
    assert cli("check", "--fix", "2019-1", "--root", str(repo)).returncode == 0
    assert "3.3万户" in art.read_text(encoding="utf-8")
    git("add", "issues/2019-1/pingguo.md")
    assert git("commit", "-qm", "fixed").returncode == 0


def test_check_reports_characters_no_font_has_like_build(example_copy, cli):
    art = example_copy / "issues/2019-1/pingguo.md"
    art.write_text(art.read_text(encoding="utf-8").replace("问题126个", "问题126个\U0001f600"), encoding="utf-8")
    r = cli("check", "2019-1", "--root", str(example_copy))
    assert r.returncode == 1
    assert "issues/2019-1/pingguo.md:9:37: E041 character '\U0001f600' (U+1F600)" in r.stderr
    built = cli("build", "2019-1", "--format", "pdf", "--root", str(example_copy), "--out", str(example_copy / "out"))
    assert built.returncode == 1 and "pingguo.md:9:37: E041" in built.stderr
    assert cli("check", "2019-1", "--no-fonts", "--root", str(example_copy)).returncode == 0
