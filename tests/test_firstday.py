"""The first day of a county writer and an editor (issue 16): one test per trap.

Each test walks the way a new office does (init → new → write → commit →
build → CI) in a repository made by `bulletin init`, and each failed on the
code before the fix (what it saw then is noted in its docstring).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_cli

YEAR = dt.date.today().year
FIRST = f"{YEAR}-1"

WORD_PASTE = """\
---
title: 凌云县推进茶叶产业发展
county: 凌云县
author: 李明
---

今年以来，凌云县坚持把产业发展作为脱贫攻坚的根本之策，
取得了明显成效。
一、抓好茶叶产业。全县新增茶园2万亩。
二、抓好养殖产业。全县新增养殖场10个。
三、抓好电商销售。全县网络销售额1200万元。
"""


@pytest.fixture
def office(tmp_path) -> Path:
    """A repository as `bulletin init` makes it, with one article by a county writer."""
    root = tmp_path / "jianbao"
    assert run_cli("init", str(root), "--title", "百色市扶贫工作简报", "--issuer", "百色市扶贫开发办公室").returncode == 0
    assert run_cli("new", FIRST, "--article", "凌云县", "--root", str(root)).returncode == 0
    return root


def fill_in_placeholders(root: Path) -> None:
    """What the editor does on day one: real contact details, the example article gone."""
    config = root / "bulletin.yaml"
    text = config.read_text(encoding="utf-8")
    for old, new in (("[张三, 李四]", "[黄彬, 罗安桐]"), ('"0000-0000000"', '"0776—2822345"'),
                     ("bulletin@example.org", "bsfpb@163.com"), ("上级机关。", "自治区扶贫开发办公室。")):
        text = text.replace(old, new)
    config.write_text(text, encoding="utf-8")
    (root / "issues" / FIRST / "example.md").unlink()


def write_article(root: Path, text: str, name: str = "凌云县.md", issue: str = FIRST) -> Path:
    path = root / "issues" / issue / name
    path.write_text(text, encoding="utf-8")
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


# ------------------------------------------------ 1. Word-style paragraphs


def test_word_paragraphs_joined_by_one_line_break_are_found_and_fixed(office):
    """Before: `check` said 'no findings' and the PDF printed 一、二、三、 as one block."""
    fill_in_placeholders(office)
    art = write_article(office, WORD_PASTE)
    r = run_cli("check", "--no-fonts", "--root", str(office))
    lines = [x for x in r.stderr.splitlines() if " W113 " in x]
    assert [x.split(" W113 ")[0] for x in lines] == [
        f"issues/{FIRST}/凌云县.md:{n}:1:" for n in (9, 10, 11)
    ], r.stderr
    assert "'一、抓好茶叶…'" in lines[0] and "leave a blank line" in lines[0]
    # line 8 continues a sentence cut at '，': an ordinary wrapped line, no finding
    assert f"凌云县.md:8:" not in r.stderr

    fixed = run_cli("check", "--fix", "--no-fonts", "--root", str(office))
    assert fixed.returncode == 0 and "no findings" in fixed.stderr, fixed.stderr
    assert "之策，\n取得了明显成效。\n\n一、抓好茶叶产业。" in art.read_text(encoding="utf-8")
    out = office / "out"
    assert run_cli("build", FIRST, "--format", "pdf", "--root", str(office), "--out", str(out)).returncode == 0
    text = pdf_text(out / f"{FIRST}.pdf")
    # each heading now starts its own paragraph (indented), not the middle of a line
    for head in ("一、抓好茶叶产业", "二、抓好养殖产业", "三、抓好电商销售"):
        assert re.search(rf"^\s+{head}", text, re.M), text


# ------------------------------------------------ 2. the pre-commit hook


def readme_hook() -> str:
    doc = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"```sh\n(#!/bin/sh\n# \.git/hooks/pre-commit.*?)```", doc, re.DOTALL)
    assert m, "README.md shows no .git/hooks/pre-commit script"
    return m.group(1)


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_pre_commit_hook_refuses_a_defect_in_a_chinese_named_article(office, tmp_path):
    """Before: git quoted issues/…/凌云县.md as "\\345\\207\\214…", the hook's
    pattern matched nothing and the commit with a defect went through."""
    # The writers' README that init wrote shows the same hook as the project's README.
    assert readme_hook() in (office / "README.md").read_text(encoding="utf-8")
    fill_in_placeholders(office)
    art = write_article(office, WORD_PASTE.replace("\n一、", "\n\n一、").replace("\n二、", "\n\n二、").replace("\n三、", "\n\n三、"))
    shim = tmp_path / "bin" / "bulletin"  # `bulletin` on PATH, as the installed package provides it
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m bulletin.cli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO),
           "GIT_AUTHOR_NAME": "李明", "GIT_AUTHOR_EMAIL": "li@example.org",
           "GIT_COMMITTER_NAME": "李明", "GIT_COMMITTER_EMAIL": "li@example.org"}
    env.pop("GIT_DIR", None)

    def git(*args):
        return subprocess.run(["git", *args], cwd=office, env=env, capture_output=True, text=True, check=False)

    assert git("init", "-q").returncode == 0
    hook = office / ".git" / "hooks" / "pre-commit"  # as README says: save it there, chmod +x
    hook.write_text(readme_hook(), encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    git("add", "-A")
    first = git("commit", "-qm", "第1期")
    assert first.returncode == 0, first.stderr
    art.write_text(art.read_text(encoding="utf-8").replace("新增茶园2万亩", "新增茶园 2 万亩"), encoding="utf-8")
    git("add", art.relative_to(office).as_posix())
    assert "\\345" in git("diff", "--cached", "--name-only").stdout  # git does quote the name
    refused = git("commit", "-qm", "凌云县稿件")
    assert refused.returncode != 0, "the commit with a defect went through"
    assert f"issues/{FIRST}/凌云县.md:10:" in refused.stderr and "W111" in refused.stderr
    assert git("rev-list", "--count", "HEAD").stdout.strip() == "1"


def test_pre_commit_framework_entry_takes_chinese_file_names(office):
    """The README's .pre-commit-config.yaml entry: its `files:` pattern selects
    the article, and `check` takes the path pre-commit passes."""
    doc = (REPO / "README.md").read_text(encoding="utf-8")
    config = yaml.safe_load(re.search(r"```yaml\n(repos:\n.*?)```", doc, re.DOTALL).group(1))
    hook = config["repos"][0]["hooks"][0]
    rel = f"issues/{FIRST}/凌云县.md"
    assert re.search(hook["files"], rel)
    fill_in_placeholders(office)
    write_article(office, WORD_PASTE.replace("2万亩", "2 万亩"))
    cmd = hook["entry"].split()
    assert cmd[0] == "bulletin"
    r = run_cli(*cmd[1:], "--no-fonts", rel, cwd=office)
    assert r.returncode == 1 and f"{rel}:" in r.stderr


# ------------------------------------------------ 3. the CI workflow


def docs_workflow() -> str:
    doc = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    m = re.search(r"```yaml\n(# \.github/workflows/bulletin\.yml.*?)```", doc, re.DOTALL)
    assert m, "docs/ci.md shows no .github/workflows/bulletin.yml"
    return m.group(1)


def test_ci_workflow_is_written_by_init_and_installs_what_exists(office):
    """Before: init wrote no workflow, and docs/ci.md's ran `pip install
    "bulletin==0.1.0"` (not on PyPI) with `cache: pip`, which needs a
    requirements file that a bulletin repository does not have."""
    written = (office / ".github" / "workflows" / "bulletin.yml").read_text(encoding="utf-8")
    assert written == docs_workflow()  # an editable install from a checkout: no address CI could reach
    flow = yaml.safe_load(written)
    steps = flow["jobs"]["build"]["steps"]
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert "cache" not in setup.get("with", {})
    install = next(s for s in steps if s.get("name") == "Install bulletin")
    assert "bulletin==" not in install["run"] and "BULLETIN_PACKAGE" in install["run"]

    # The install step with the variable unset says what to set, and fails.
    bash = shutil.which("bash")
    unset = subprocess.run([bash, "-c", install["run"]], env={**os.environ, "BULLETIN_PACKAGE": ""},
                           capture_output=True, text=True, check=False)
    assert unset.returncode == 1 and "::error::set the repository variable BULLETIN_PACKAGE" in unset.stdout

    # The check and build steps, run as the runner would in the repository init made.
    fill_in_placeholders(office)
    shim = office.parent / "bin"
    shim.mkdir()
    (shim / "bulletin").write_text(f'#!/bin/sh\nexec {sys.executable} -m bulletin.cli "$@"\n', encoding="utf-8")
    (shim / "bulletin").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO)}
    write_article(office, WORD_PASTE.replace("\n一、", "\n\n一、").replace("\n二、", "\n\n二、").replace("\n三、", "\n\n三、"))
    for name in ("Check", "Build"):
        step = next(s for s in steps if s.get("name") == name)
        r = subprocess.run([bash, "-e", "-c", step["run"]], cwd=office, env=env, capture_output=True, text=True, check=False)
        assert r.returncode == 0, (name, r.stderr)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    for pattern in upload["with"]["path"].split():
        assert list(office.glob(pattern)), f"the artifact pattern {pattern} matches nothing"


def test_ci_workflow_passes_actionlint(office):
    """Before: actionlint refused docs/ci.md's workflow (actions on the retired Node 20 runtime)."""
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint not installed (pip install -e '.[test]' brings it)")
    assert subprocess.run(["git", "init", "-q", str(office)], check=False).returncode == 0
    r = subprocess.run([actionlint, "-color=false", ".github/workflows/bulletin.yml"], cwd=office,
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr


# ------------------------------------------------ 4. placeholders


def test_every_scaffold_placeholder_left_in_is_a_warning(office):
    """Before: 张三, 0000-0000000, bulletin@example.org, 在此填写… passed `check --strict` and were printed."""
    r = run_cli("check", "--no-fonts", "--root", str(office))
    assert r.returncode == 0, r.stderr  # warnings: the new repository still builds
    found = {(m.group(1), m.group(2)) for m in re.finditer(r"^(\S+?):\d+:\d+: W140 (?:placeholder '([^']+)')?", r.stderr, re.M)}
    config = yaml.safe_load((office / "bulletin.yaml").read_text(encoding="utf-8"))
    assert config["contact"]["people"] == ["张三", "李四"]  # what the scaffold wrote, and so what must be found
    for text in ("张三", "李四", "0000-0000000", "bulletin@example.org", "上级机关。"):
        assert ("bulletin.yaml", text) in found, (text, r.stderr)
    for text in ("在此填写标题", "在此撰写正文"):
        assert (f"issues/{FIRST}/凌云县.md", text) in found, (text, r.stderr)
    assert re.search(rf"^issues/{FIRST}/example\.md:\d+:\d+: W140 the example article", r.stderr, re.M)
    # named at its own line and column
    line = next(n for n, x in enumerate((office / "bulletin.yaml").read_text(encoding="utf-8").split("\n"), 1) if "0000-0000000" in x)
    assert f"bulletin.yaml:{line}:11: W140 placeholder '0000-0000000'" in r.stderr
    assert run_cli("check", "--strict", "--no-fonts", "--root", str(office)).returncode == 1
    fill_in_placeholders(office)
    write_article(office, WORD_PASTE.replace("\n一、", "\n\n一、").replace("\n二、", "\n\n二、").replace("\n三、", "\n\n三、"))
    clean = run_cli("check", "--strict", "--no-fonts", "--root", str(office))
    assert clean.returncode == 0 and "W140" not in clean.stderr, clean.stderr


def test_a_new_article_without_county_names_the_placeholder(office):
    run_cli("new", FIRST, "--article", "longlin", "--title", "隆林县推进易地搬迁", "--root", str(office))
    r = run_cli("check", "--no-fonts", "--root", str(office))
    assert f"issues/{FIRST}/longlin.md:3:9: W140 placeholder '在此填写县名'" in r.stderr, r.stderr


def test_the_placeholder_list_is_the_scaffolds():
    from bulletin.commands.placeholders import EXAMPLE_MARK, PLACEHOLDERS

    sources = "".join(p.read_text(encoding="utf-8") for p in (REPO / "templates" / "init").glob("*.j2"))
    sources += (REPO / "bulletin" / "commands" / "scaffold.py").read_text(encoding="utf-8")
    for text, _yaml_only, _instead in PLACEHOLDERS:
        assert text in sources, f"{text} is in no scaffold template"
    assert EXAMPLE_MARK in sources


# ------------------------------------------------ 5. every finding in one pass


def test_check_lists_errors_warnings_and_font_gaps_in_one_pass(office):
    """Before: an article with an error showed none of its warnings, and E041
    (a character no font has) appeared only once the other errors were fixed."""
    fill_in_placeholders(office)
    broken = WORD_PASTE.replace("title:", "titel:").replace("新增茶园2万亩", "新增茶园 2 万亩")
    write_article(office, broken)
    write_article(office, WORD_PASTE.replace("凌云县", "乐业县").replace("10个", "10个\U0001f600")
                  .replace("\n一、", "\n\n一、").replace("\n二、", "\n\n二、").replace("\n三、", "\n\n三、"), "乐业县.md")
    r = run_cli("check", "--root", str(office))
    assert r.returncode == 1
    art = f"issues/{FIRST}/凌云县.md"
    assert f"{art}:1:1: E023 front matter: 'title' is required" in r.stderr
    assert f"{art}:2:1: E022" in r.stderr
    assert f"{art}:9:16: W111" in r.stderr and f"{art}:9:1: W113" in r.stderr  # the broken file's warnings
    assert re.search(rf"issues/{FIRST}/乐业县\.md:12:\d+: E041 character '\U0001f600'", r.stderr), r.stderr
    # and the font gap of the broken article itself
    write_article(office, broken.replace("2 万亩", "2 万亩\U0001f680"))
    again = run_cli("check", "--root", str(office))
    assert re.search(rf"{art}:9:\d+: E041 character '\U0001f680'", again.stderr), again.stderr


# ------------------------------------------------ 6. the IME colon


@pytest.mark.parametrize("typed, line, col, says", [
    ("title：凌云县推进茶叶产业发展", 2, 6, "write 'title: '"),
    ("title:\u3000凌云县推进茶叶产业发展", 2, 7, "ordinary space"),
    ("title\u3000: 凌云县推进茶叶产业发展", 2, 6, "delete it"),
    ("\u3000title: 凌云县推进茶叶产业发展", 2, 1, "indent with ordinary spaces"),
])
def test_full_width_colon_and_spaces_in_yaml_keys(office, typed, line, col, says):
    """Before: 'YAML syntax: mapping values are not allowed here' at line 3, the next key's."""
    fill_in_placeholders(office)
    text = WORD_PASTE.replace("title: 凌云县推进茶叶产业发展", typed).replace("county: 凌云县", "county: 凌云县\nunit: 凌云县委办公室")
    write_article(office, text)
    r = run_cli("check", "--no-fonts", "--root", str(office))
    e027 = [x for x in r.stderr.splitlines() if " E027 " in x]
    assert e027 and e027[0].startswith(f"issues/{FIRST}/凌云县.md:{line}:{col}: E027 ") and says in e027[0], r.stderr
    assert "mapping values are not allowed" not in r.stderr
    assert r.returncode == 1


def test_full_width_colon_in_bulletin_yaml_and_the_rest_still_checked(office):
    config = office / "bulletin.yaml"
    text = config.read_text(encoding="utf-8").replace("  报: 上级机关。", "  报：自治区扶贫开发办公室。")
    config.write_text(text.replace("issuer:", "issuer：", 1).replace("title:", "titel:", 1), encoding="utf-8")
    r = run_cli("check", "--no-fonts", "--root", str(office))
    lines = text.split("\n")
    report_line = next(n for n, x in enumerate(lines, 1) if x.startswith("  报："))
    issuer_line = next(n for n, x in enumerate(lines, 1) if x.startswith("issuer"))
    assert f"bulletin.yaml:{report_line}:4: E027 '报：'" in r.stderr, r.stderr
    assert f"bulletin.yaml:{issuer_line}:7: E027 'issuer：'" in r.stderr
    assert "E022" in r.stderr and "'titel'" in r.stderr  # found in the same run


# ------------------------------------------------ 7. an issue without articles


def test_an_issue_without_articles_is_a_warning_and_build_all_skips_it(office):
    """Before: `bulletin new` alone made `check --all` fail (E031) and `build --all` write nothing."""
    fill_in_placeholders(office)
    write_article(office, WORD_PASTE.replace("\n一、", "\n\n一、").replace("\n二、", "\n\n二、").replace("\n三、", "\n\n三、"))
    assert run_cli("new", "--root", str(office)).returncode == 0
    empty = f"{YEAR}-2"
    checked = run_cli("check", "--no-fonts", "--root", str(office))
    assert checked.returncode == 0, checked.stderr
    assert f"issues/{empty}/issue.yaml:1:1: W123 issue {empty} has no articles yet" in checked.stderr
    out = office / "out"
    built = run_cli("build", "--all", "--root", str(office), "--out", str(out))
    assert built.returncode == 0, built.stderr
    assert f"bulletin: skipped {empty}: no articles yet" in built.stderr
    assert (out / f"{FIRST}.pdf").is_file() and not (out / f"{empty}.pdf").exists()
    asked = run_cli("build", empty, "--root", str(office), "--out", str(out))
    assert asked.returncode == 1 and f"issues/{empty}/issue.yaml:1:1: E031" in asked.stderr
    assert run_cli("check", empty, "--no-fonts", "--root", str(office)).returncode == 1


# ------------------------------------------------ 8. build/ at the repository root


def test_outputs_land_in_build_at_the_repository_root_wherever_build_runs(office):
    """Before: run from issues/YEAR-1, the outputs went to issues/YEAR-1/build/, which .gitignore misses."""
    fill_in_placeholders(office)
    write_article(office, WORD_PASTE.replace("\n一、", "\n\n一、").replace("\n二、", "\n\n二、").replace("\n三、", "\n\n三、"))
    here = office / "issues" / FIRST
    r = run_cli("build", FIRST, "--format", "pdf", cwd=here)
    assert r.returncode == 0, r.stderr
    assert (office / "build" / f"{FIRST}.pdf").is_file()
    assert not (here / "build").exists()
    assert "/build/" in (office / ".gitignore").read_text(encoding="utf-8")
    # an explicit --out is taken from where the user typed it
    r = run_cli("build", FIRST, "--format", "pdf", "--out", "mine", cwd=here)
    assert r.returncode == 0 and (here / "mine" / f"{FIRST}.pdf").is_file()
    assert "wrote mine/" in r.stdout


# ------------------------------------------------ 9. Ctrl-C in a batch

COPIES = 14  # issues 2019-2 … 2019-15, copies of the three-article 2018-48


def batch_repo(tmp_path) -> Path:
    from conftest import EXAMPLE

    root = tmp_path / "batch"
    shutil.copytree(EXAMPLE, root)
    for n in range(2, 2 + COPIES):
        folder = root / "issues" / f"2019-{n}"
        shutil.copytree(root / "issues" / "2018-48", folder)
        (folder / "issue.yaml").write_text(f"date: 2019-{(n - 1) // 4 + 1:02d}-{(n - 1) % 4 * 7 + 1:02d}\n", encoding="utf-8")
    return root


def run_in_pty(args: list[str], cwd: Path, env: dict, interrupt_after: str | float) -> tuple[int, str]:
    """Run `bulletin ARGS` on a pseudo-terminal; type Ctrl-C once `interrupt_after`
    (a regular expression) shows on the screen, or after so many seconds.  (exit code, screen text)."""
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: a session of its own with the pty as its terminal
        try:
            os.chdir(cwd)
            os.execve(sys.executable, [sys.executable, "-m", "bulletin.cli", *args], env)
        finally:
            os._exit(127)
    started = time.monotonic()
    screen, sent, deadline = b"", False, started + 240
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.02)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child is gone: EIO on Linux
                break
            if not chunk:
                break
            screen += chunk
        due = (time.monotonic() - started > interrupt_after) if isinstance(interrupt_after, float) \
            else bool(re.search(interrupt_after.encode(), screen))
        if not sent and due:
            os.write(fd, b"\x03")  # the terminal turns it into SIGINT for the whole foreground group
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert sent, "the batch ended before Ctrl-C could be typed: " + screen.decode(errors="replace")[-400:]
    return os.waitstatus_to_exitcode(status), screen.decode(errors="replace")


def valid_pdf(path: Path) -> bool:
    data = path.read_bytes()
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False)
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") and info.returncode == 0 and "Pages:" in info.stdout


def valid_docx(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None and "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


@pytest.mark.skipif(sys.platform == "win32" or shutil.which("pdfinfo") is None, reason="needs a pty and poppler's pdfinfo")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_mid_batch_keeps_the_finished_issues_and_exits_130(tmp_path, jobs):
    """Before: 'Aborted!', exit 1 (the content-error code), and every issue
    finished in the batch was lost, to be rebuilt the next time."""
    from bulletin.commands.incremental import tool_fingerprint

    code_before = tool_fingerprint.__wrapped__()
    root = batch_repo(tmp_path)
    out = root / "build"
    first = run_cli("build", "--all", "--jobs", "2", "--root", str(root))
    assert first.returncode == 0, first.stderr
    ids = sorted(p.stem for p in out.glob("*.pdf"))
    assert len(ids) == COPIES + 3
    old = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".pdf", ".docx")}
    config = root / "bulletin.yaml"  # a new masthead makes every issue stale
    config.write_text(config.read_text(encoding="utf-8").replace("title: 广西精准脱贫攻坚简报", "title: 广西脱贫攻坚工作简报"), encoding="utf-8")

    env = {**os.environ, "TERM": "xterm", "PYTHONPATH": str(REPO), "BULLETIN_NO_SUBSET_CACHE": "1"}
    code, screen = run_in_pty(["build", "--all", "--jobs", jobs], root, env, interrupt_after=r"\] [2-9]/")
    assert code == 130, screen
    assert "Aborted!" not in screen and "Traceback" not in screen, screen
    assert "bulletin: interrupted:" in screen

    new, kept = [], []
    for iid in ids:
        pair = [out / f"{iid}.docx", out / f"{iid}.pdf"]
        changed = [p.read_bytes() != old[p.name] for p in pair]
        assert changed[0] == changed[1], f"{iid}: one format rebuilt, the other not"
        if changed[0]:
            assert valid_docx(pair[0]) and valid_pdf(pair[1]), iid
            assert "广西脱贫攻坚工作简报" in pdf_text(pair[1])
            new.append(iid)
        else:
            kept.append(iid)
    assert new and kept, (new, kept)
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
    assert not list(root.rglob("*.tmp"))
    # the finished issues are recorded as up to date, so the next build skips
    # them; the others keep the stamps of their earlier outputs
    import hashlib
    import json

    stamps = json.loads((out / ".bulletin-stamps.json").read_text(encoding="utf-8"))["outputs"]
    for name, entry in stamps.items():
        path = out / name
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), name
        assert entry["mtime_ns"] == path.stat().st_mtime_ns, name
    again = run_cli("build", "--all", "--jobs", "2", "--root", str(root))
    assert again.returncode == 0
    if tool_fingerprint.__wrapped__() == code_before:  # (in a shared checkout the code may change meanwhile)
        assert f"{len(new)} skipped" in again.stderr, again.stderr


def test_ctrl_c_in_check_exits_130_without_aborted(office):
    env = {**os.environ, "TERM": "xterm", "PYTHONPATH": str(REPO)}
    # `check` reads, lays out and lints; a Ctrl-C at any point ends it the same way
    for n in range(2, 200):  # enough issues that check runs for seconds
        (office / "issues" / f"{YEAR}-{n}").mkdir()
        (office / "issues" / f"{YEAR}-{n}" / "issue.yaml").write_text(f"date: {YEAR}-01-01\n", encoding="utf-8")
        write_article(office, WORD_PASTE, issue=f"{YEAR}-{n}")
    code, screen = run_in_pty(["check", "--root", str(office)], office, env, interrupt_after=1.0)
    assert code == 130 and "Aborted!" not in screen and "Traceback" not in screen, screen


# ------------------------------------------------ 10. build's closing line


def test_build_ends_with_a_line_on_warnings_and_substitute_faces(office):
    """Before: build said nothing about lint warnings or a role set in a substitute face."""
    fill_in_placeholders(office)
    write_article(office, WORD_PASTE)  # three W113
    r = run_cli("build", FIRST, "--root", str(office))
    assert r.returncode == 0, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("built 1 issue") and f"; 3 warnings (bulletin check {FIRST} lists them)" in last, r.stderr
    from bulletin.fonts import resolve_fonts
    from bulletin.style import load_style

    fallbacks = [role for role, face in resolve_fonts(load_style("default").fonts).items() if face.source == "fallback"]
    if fallbacks:  # on a machine without the official fonts, say which roles are substituted
        assert "substitute faces: " in last and all(f"{role} in " in last for role in fallbacks), last
    quiet = run_cli("build", FIRST, "--force", "-q", "--root", str(office))
    assert quiet.returncode == 0 and "warnings" not in quiet.stderr and "substitute" not in quiet.stderr, quiet.stderr


@pytest.mark.parametrize("direct_url, expected", [
    ('{"url": "https://git.example.gov.cn/tools/bulletin.git", "vcs_info": {"vcs": "git", "commit_id": "0123abc"}}',
     "bulletin @ git+https://git.example.gov.cn/tools/bulletin.git@0123abc"),
    ('{"url": "https://files.example.gov.cn/bulletin-0.1.0-py3-none-any.whl", "archive_info": {}}',
     "bulletin @ https://files.example.gov.cn/bulletin-0.1.0-py3-none-any.whl"),
    ('{"url": "file:///home/editor/bulletin", "dir_info": {"editable": true}}', ""),  # CI cannot see this machine
    (None, ""),  # from an index: which one, CI cannot know
    ('{"url": "https://x.example/\'; rm -rf /", "archive_info": {}}', ""),  # nothing that could break the expression
])
def test_init_writes_where_this_bulletin_came_from(monkeypatch, direct_url, expected):
    import importlib.metadata

    from bulletin.commands import ci

    class Dist:
        def read_text(self, name):
            return direct_url if name == "direct_url.json" else None

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Dist())
    assert ci.package_source() == expected


def test_a_ctrl_c_during_the_renames_is_held_back_not_lost():
    """The renames finish, then the SIGINT reaches the handler that was there
    before (watch stops on it; build exits 130).  Dropping it made `watch`
    ignore a Ctrl-C that came while a rebuild was being written."""
    import signal

    from bulletin.commands.build import _no_interrupts

    finished = []
    with pytest.raises(KeyboardInterrupt):
        with _no_interrupts():
            signal.raise_signal(signal.SIGINT)
            finished.append("renames")
    assert finished == ["renames"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
