"""`bulletin build`: all or nothing, incremental stamps, --force, --keep-going,
E050, progress only on a terminal.

The writers are replaced by a fake that renders the model dump, so these
tests hold the orchestration whatever the writers do; test_batch.py runs the
real writers.  No timings here (benchmarks/ measures speed).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin import cli
from bulletin.cli import console
from bulletin.commands import batch
from bulletin.commands.build import BuildOptions, build
from bulletin.diagnostics import BulletinError, Diagnostic
from bulletin.commands.incremental import STAMP_NAME
from bulletin.numbering import parse_issue_id

ALL = ["2018-48", "2018-49", "2019-1"]


@pytest.fixture
def repo(example_copy):
    return example_copy


def ids(*names):
    return [parse_issue_id(n) for n in names]


def run(repo, out, names=None, **opts) -> object:
    opts.setdefault("jobs", 1)
    return build(repo, None if names is None else ids(*names), BuildOptions(out_dir=out, **opts))


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def invoke(args, **kw):
    return CliRunner().invoke(cli.main, args, catch_exceptions=False, **kw)


# --------------------------------------------------------------------------
# A plain build


def test_build_all_writes_every_format_and_a_stamp(fake, repo, tmp_path):
    out = tmp_path / "out"
    report = run(repo, out)
    assert report.ok and not report.diagnostics
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [STAMP_NAME] + [f"{i}.{f}" for i in ALL for f in ("docx", "pdf")])
    assert (out / "2018-48.pdf").read_bytes().startswith(b"pdf\nmasthead: ")
    stamps = json.loads((out / STAMP_NAME).read_text())
    assert set(stamps["outputs"]) == {f"{i}.{f}" for i in ALL for f in ("docx", "pdf")}
    assert not list(out.glob(".*.tmp")), "no temporary file left behind"


def test_format_option_writes_only_that_format(fake, repo, tmp_path):
    out = tmp_path / "out"
    run(repo, out, ["2018-48"], formats=("pdf",))
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == ["2018-48.pdf"]


# --------------------------------------------------------------------------
# Incremental


def test_second_build_skips_everything(fake, repo, tmp_path):
    out = tmp_path / "out"
    run(repo, out)
    before = snapshot(out)
    fake.calls.clear()
    report = run(repo, out)
    assert [r.id for r in report.skipped] == ALL
    assert not report.built and not fake.calls
    assert snapshot(out) == before


def test_edit_to_one_article_rebuilds_only_its_issue(fake, repo, tmp_path):
    out = tmp_path / "out"
    run(repo, out)
    before = snapshot(out)
    art = repo / "issues" / "2018-49" / "longlin.md"
    art.write_text(art.read_text("utf-8").replace("全年组织培训1200人次", "全年组织培训1300人次"), "utf-8")
    fake.calls.clear()
    report = run(repo, out)
    assert [r.id for r in report.built] == ["2018-49"]
    assert [r.id for r in report.skipped] == ["2018-48", "2019-1"]
    assert sorted(fake.calls) == [("2018-49", "docx"), ("2018-49", "pdf")]
    after = snapshot(out)
    for name in before:
        changed = after[name] != before[name]
        assert changed == name.startswith("2018-49."), name
    assert "1300" in (out / "2018-49.docx").read_text("utf-8")


def test_cli_summary_reports_the_skips(fake, repo, tmp_path):
    out = tmp_path / "out"
    first = invoke(["build", "--all", "--root", str(repo), "--out", str(out), "--jobs", "1"])
    assert first.exit_code == 0, first.output
    assert "built 3 issues (6 files)" in first.stderr and "0 skipped" in first.stderr
    (repo / "issues" / "2019-1" / "pingguo.md").write_text(
        (repo / "issues" / "2019-1" / "pingguo.md").read_text("utf-8") + "\n补充一段。\n", "utf-8")
    second = invoke(["build", "--all", "--root", str(repo), "--out", str(out), "--jobs", "1"])
    assert second.exit_code == 0
    assert "built 1 issue (2 files)" in second.stderr and "2 skipped (up to date)" in second.stderr
    assert second.stdout.splitlines() == [f"wrote {out / '2019-1.docx'}", f"wrote {out / '2019-1.pdf'}"]


@pytest.mark.parametrize("what", ["bulletin.yaml", "issue.yaml", "stamp deleted", "output touched", "output deleted"])
def test_what_makes_an_output_stale(fake, repo, tmp_path, what):
    out = tmp_path / "out"
    run(repo, out)
    if what == "bulletin.yaml":
        p = repo / "bulletin.yaml"
        p.write_text(p.read_text("utf-8").replace("gtxpxcb@163.com", "fpb@example.cn"), "utf-8")
        expect = ALL
    elif what == "issue.yaml":
        (repo / "issues" / "2018-48" / "issue.yaml").write_text("date: 2018-11-16\n", "utf-8")
        expect = ["2018-48"]
    elif what == "stamp deleted":
        (out / STAMP_NAME).unlink()
        expect = ALL
    elif what == "output touched":
        (out / "2019-1.docx").write_bytes(b"edited in Word")
        expect = ["2019-1"]
    else:
        (out / "2018-49.pdf").unlink()
        expect = ["2018-49"]
    fake.calls.clear()
    report = run(repo, out)
    assert [r.id for r in report.built] == expect
    if what in ("output touched", "output deleted"):
        assert len(fake.calls) == 1, "only the stale format is rendered again"


def test_outputs_restored_with_new_mtimes_stay_up_to_date(fake, repo, tmp_path):
    """A CI cache (or a copy) restores build/ with other mtimes: same bytes, no rebuild."""
    out = tmp_path / "out"
    run(repo, out)
    for p in out.glob("20*"):
        os.utime(p, ns=(1_000_000_000, 1_000_000_000))
    fake.calls.clear()
    report = run(repo, out)
    assert len(report.skipped) == 3 and not fake.calls
    stamps = json.loads((out / STAMP_NAME).read_text())
    assert stamps["outputs"]["2018-48.pdf"]["mtime_ns"] == 1_000_000_000, "the stamp learns the new mtime"


def test_numbering_change_rebuilds_the_issues_it_renumbers(fake, repo, tmp_path):
    out = tmp_path / "out"
    run(repo, out)
    # A new issue after 2018-48 shifts the 总期号 of 2018-49 and 2019-1 only.
    shutil.copytree(repo / "issues" / "2018-49", repo / "issues" / "2018-50")
    fake.calls.clear()
    report = run(repo, out, ["2018-48", "2018-49", "2019-1"])
    assert [r.id for r in report.built] == ["2019-1"]
    assert [r.id for r in report.skipped] == ["2018-48", "2018-49"]
    assert "总第213期" in (out / "2019-1.pdf").read_text("utf-8")


def test_force_rebuilds_everything(fake, repo, tmp_path):
    out = tmp_path / "out"
    run(repo, out)
    fake.calls.clear()
    report = run(repo, out, force=True)
    assert [r.id for r in report.built] == ALL and not report.skipped
    assert len(fake.calls) == 6
    result = invoke(["build", "--all", "--force", "--root", str(repo), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0 and "built 3 issues (6 files)" in result.stderr


def test_new_format_builds_only_that_format(fake, repo, tmp_path):
    out = tmp_path / "out"
    run(repo, out, ["2018-48"], formats=("pdf",))
    fake.calls.clear()
    run(repo, out, ["2018-48"])
    assert fake.calls == [("2018-48", "docx")]


def test_noop_run_imports_no_reader_nor_writer(fake, repo, tmp_path):
    from bulletin.commands import incremental

    incremental.tool_fingerprint.cache_clear()  # the subprocess sees today's sources
    out = tmp_path / "out"
    run(repo, out)
    code = (
        "import io, sys\n"
        "from bulletin import cli\n"
        f"sys.argv = ['bulletin', 'build', '--all', '--root', {str(repo)!r}, '--out', {str(out)!r}]\n"
        "real, sys.stdout = sys.stdout, io.StringIO()  # not the process's own stdout: cli exits normally\n"
        "try:\n    cli.main()\nexcept SystemExit as e:\n    code = e.code\n"
        "sys.stdout = real\n"
        "heavy = [m for m in ('markdown_it', 'reportlab', 'docx', 'lxml', 'fontTools') if m in sys.modules]\n"
        "print('HEAVY', heavy, 'EXIT', code)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert "HEAVY [] EXIT 0" in proc.stdout, proc.stdout + proc.stderr
    assert "3 skipped" in proc.stderr


# --------------------------------------------------------------------------
# All or nothing, --keep-going


def break_issue(repo: Path, issue: str = "2018-49", name: str = "rongshui.md") -> None:
    p = repo / "issues" / issue / name
    p.write_text(p.read_text("utf-8").replace("title: ", "titel: ", 1), "utf-8")


def test_a_content_error_writes_nothing(fake, repo, tmp_path):
    out = tmp_path / "out"
    break_issue(repo)
    result = invoke(["build", "--all", "--root", str(repo), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1
    assert "issues/2018-49/rongshui.md:" in result.stderr and "nothing written" in result.stderr
    assert not out.exists()
    assert "Traceback" not in result.output


def test_errors_stop_rendering_but_every_issue_is_checked(fake, repo, tmp_path):
    break_issue(repo, "2018-48", "1-leye.md")
    break_issue(repo, "2019-1", "pingguo.md")
    report = run(repo, tmp_path / "out")
    assert report.nothing_written
    assert {d.path for d in report.errors} == {"issues/2018-48/1-leye.md", "issues/2019-1/pingguo.md"}
    assert not fake.calls, "once the batch has failed, the remaining issues are checked, not rendered"


def test_keep_going_writes_the_sound_issues_and_exits_1(fake, repo, tmp_path):
    out = tmp_path / "out"
    break_issue(repo)
    result = invoke(["build", "--all", "--keep-going", "--root", str(repo), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1
    assert "issues/2018-49/rongshui.md:" in result.stderr
    assert sorted(p.name for p in out.glob("*.*") if not p.name.startswith(".")) == [
        "2018-48.docx", "2018-48.pdf", "2019-1.docx", "2019-1.pdf"]
    assert "built 2 issues (4 files)" in result.stderr and "1 failed (2018-49)" in result.stderr


def test_a_writer_error_in_one_issue_writes_nothing(fake, repo, tmp_path):
    out = tmp_path / "out"
    e041 = Diagnostic("issues/2018-49/longlin.md", 3, 5, "E041", "character '𠀀' is in no configured font")
    fake.fail[("2018-49", "pdf")] = BulletinError([e041])
    result = invoke(["build", "--all", "--root", str(repo), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1 and not out.exists()
    assert "issues/2018-49/longlin.md:3:5: E041" in result.stderr
    kept = invoke(["build", "--all", "--keep-going", "--root", str(repo), "--out", str(out), "--jobs", "1"])
    assert kept.exit_code == 1
    assert sorted(p.name for p in out.glob("*.*") if not p.name.startswith(".")) == [
        "2018-48.docx", "2018-48.pdf", "2019-1.docx", "2019-1.pdf"], "an issue is written whole or not at all"


def test_unknown_issue_is_exit_1_and_writes_nothing(fake, repo, tmp_path):
    out = tmp_path / "out"
    result = invoke(["build", "2018-48", "2018-47", "--root", str(repo), "--out", str(out)])
    assert result.exit_code == 1 and "E002" in result.stderr and not out.exists()


@pytest.mark.parametrize("args", [["build"], ["build", "--all", "2018-48"], ["build", "2018-xx"], ["build", "--all", "--jobs", "0"]])
def test_usage_errors_exit_2(fake, repo, args):
    assert invoke([*args, "--root", str(repo)]).exit_code == 2


# --------------------------------------------------------------------------
# Faults while rendering or writing


def test_writer_crash_after_docx_leaves_earlier_outputs_intact(fake, repo, tmp_path):
    out = tmp_path / "out"
    run(repo, out)
    before = snapshot(out)
    for issue in ALL:  # make everything stale, then crash in the middle of the batch
        p = repo / "issues" / issue / "issue.yaml"
        p.write_text(p.read_text("utf-8") + "\n", "utf-8")
    fake.fail[("2018-49", "pdf")] = RuntimeError("writer bug")
    with pytest.raises(RuntimeError, match="writer bug"):
        run(repo, out)
    assert ("2018-49", "docx") in fake.calls  # the docx had been rendered
    assert snapshot(out) == before, "nothing half-written: every output is byte-identical"
    assert not list(out.glob(".*.tmp"))


def test_unwritable_output_is_one_e050_line(fake, repo, tmp_path):
    (tmp_path / "file").write_text("a file where a folder should be")
    out = tmp_path / "file" / "out"
    result = invoke(["build", "2018-48", "--root", str(repo), "--out", str(out)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "E050" in line]
    assert len(lines) == 1
    assert lines[0].startswith((f"{out / '2018-48.docx'}:1:1: E050 cannot write", f"{out / '2018-48.pdf'}:1:1: E050 cannot write"))
    assert "Traceback" not in result.output


def test_failed_rename_keeps_the_other_outputs(fake, repo, tmp_path):
    out = tmp_path / "out"
    (out / "2018-48.pdf").mkdir(parents=True)  # a folder where the PDF goes: the rename fails
    result = invoke(["build", "2018-48", "--root", str(repo), "--out", str(out)])
    assert result.exit_code == 1
    assert f"{out / '2018-48.pdf'}:1:1: E050 cannot write" in result.stderr
    assert not list(out.glob(".*.tmp"))


# --------------------------------------------------------------------------
# Progress and channels


def test_no_progress_bar_when_not_a_terminal(fake, repo, tmp_path):
    out = tmp_path / "out"
    result = invoke(["build", "--all", "--root", str(repo), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0
    assert "\r" not in result.output and "[#" not in result.output
    assert result.stdout.splitlines() == [f"wrote {out / f'{i}.{f}'}" for i in ALL for f in ("docx", "pdf")]
    assert result.stderr.startswith("built 3 issues (6 files) in ")


def test_progress_bar_on_a_terminal(fake, repo, tmp_path, monkeypatch):
    monkeypatch.setattr(console, "on_terminal", lambda: True)
    out = tmp_path / "out"
    result = invoke(["build", "--all", "--root", str(repo), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0
    assert "\r[" in result.stderr and "] 3/3 " in result.stderr
    assert result.stdout == "", "with a bar, the summary replaces the per-file lines"


def test_terminal_check_wants_both_streams(monkeypatch):
    class Tty:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    monkeypatch.setenv("TERM", "xterm")
    for out_tty, err_tty in ((False, True), (True, False), (False, False)):
        monkeypatch.setattr(sys, "stdout", Tty(out_tty))
        monkeypatch.setattr(sys, "stderr", Tty(err_tty))
        assert not console.on_terminal()
    monkeypatch.setattr(sys, "stdout", Tty(True))
    monkeypatch.setattr(sys, "stderr", Tty(True))
    assert console.on_terminal()


def test_sources_are_never_modified(fake, repo, tmp_path):
    def tree():
        return {p: p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()}

    before = tree()
    run(repo, tmp_path / "out")
    run(repo, tmp_path / "out", force=True, jobs=2)
    assert tree() == before


def test_jobs_default_is_the_cpu_count():
    assert batch.default_jobs() >= 1
    assert os.cpu_count() is None or batch.default_jobs() <= os.cpu_count()


@pytest.mark.parametrize("args, barred", [
    (["--help"], ("markdown_it", "yaml", "reportlab", "docx", "lxml", "fontTools")),
    (["build", "--help"], ("markdown_it", "yaml", "reportlab", "docx", "lxml", "fontTools")),
    (["list"], ("reportlab", "docx", "lxml", "fontTools")),
    (["check", "--all"], ("docx", "lxml")),
])
def test_lazy_imports_keep_start_up_light(example_root, args, barred):
    """`bulletin --help`, `list` and `check` do not pay for the writers' libraries."""
    code = (
        "import sys\n"
        "from bulletin import cli\n"
        f"sys.argv = ['bulletin', *{args!r}, *(['--root', {str(example_root)!r}] if {args!r}[-1] != '--help' else [])]\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', [m for m in {barred!r} if m in sys.modules])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert "LOADED []" in proc.stdout, proc.stdout[-500:] + proc.stderr[-500:]
