"""Batches in worker processes: the same bytes as single builds, all or
nothing across processes, --keep-going, faults inside a worker.

The first tests use a fake writer (inherited by the forked workers); the last
ones run the real writers through the command line, as CI does.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from bulletin.commands import batch
from bulletin.commands.build import BuildOptions, build
from bulletin.diagnostics import BulletinError, Diagnostic
from bulletin.numbering import parse_issue_id

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from make_year import make_year
from test_build import snapshot

pytestmark = pytest.mark.skipif(
    batch._fork_context() is None, reason="worker tests use fork to inherit the fake writer"
)


@pytest.fixture
def year(tmp_path):
    return make_year(tmp_path / "year", issues=8)


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def test_pool_output_equals_in_process_output(fake, year, tmp_path):
    pooled = build(year, None, BuildOptions(out_dir=tmp_path / "pooled", jobs=2))
    single = build(year, None, BuildOptions(out_dir=tmp_path / "single", jobs=1))
    assert pooled.ok and single.ok
    assert len(pooled.written) == 16
    assert outputs(tmp_path / "pooled") == outputs(tmp_path / "single")
    assert [r.id for r in pooled.issues] == [f"2018-{n}" for n in range(1, 9)], "results in issue order"


def test_pool_reports_progress_in_the_parent(fake, year, tmp_path):
    seen = []
    build(year, None, BuildOptions(out_dir=tmp_path / "out", jobs=2), progress=lambda d, t, i: seen.append((d, t)))
    assert seen == [(n, 8) for n in range(9)]


def test_pool_all_or_nothing(fake, year, tmp_path):
    fake.fail[("2018-5", "pdf")] = BulletinError([Diagnostic("issues/2018-5/1-leye.md", 9, 3, "E041", "character not covered")])
    report = build(year, None, BuildOptions(out_dir=tmp_path / "out", jobs=2))
    assert report.nothing_written and not (tmp_path / "out").exists()
    assert [d.code for d in report.errors] == ["E041"]


def test_pool_keep_going(fake, year, tmp_path):
    fake.fail[("2018-5", "pdf")] = BulletinError([Diagnostic("issues/2018-5/1-leye.md", 9, 3, "E041", "character not covered")])
    report = build(year, None, BuildOptions(out_dir=tmp_path / "out", jobs=2, keep_going=True))
    assert not report.ok and [r.id for r in report.failed] == ["2018-5"]
    names = set(outputs(tmp_path / "out"))
    assert len(names) == 14 and "2018-5.docx" not in names and "2018-5.pdf" not in names


def test_worker_crash_writes_nothing(fake, year, tmp_path):
    out = tmp_path / "out"
    build(year, None, BuildOptions(out_dir=out, jobs=2))
    before = snapshot(out)
    fake.fail[("2018-3", "pdf")] = RuntimeError("writer bug in a worker")
    with pytest.raises(RuntimeError, match="writer bug"):
        build(year, None, BuildOptions(out_dir=out, jobs=2, force=True))
    assert snapshot(out) == before
    assert not list(out.glob(".*.tmp"))


def test_pool_incremental_rebuilds_only_the_edited_issue(fake, year, tmp_path):
    out = tmp_path / "out"
    build(year, None, BuildOptions(out_dir=out, jobs=2))
    before = snapshot(out)
    art = next((year / "issues" / "2018-6").glob("*.md"))
    art.write_text(art.read_text("utf-8") + "\n新增一段。\n", "utf-8")
    report = build(year, None, BuildOptions(out_dir=out, jobs=2))
    assert [r.id for r in report.built] == ["2018-6"] and len(report.skipped) == 7
    after = snapshot(out)
    assert {n for n in before if after[n] != before[n]} == {"2018-6.docx", "2018-6.pdf"}


# --------------------------------------------------------------------------
# The real writers, through the command line


def _writers_present() -> bool:
    try:
        return (importlib.util.find_spec("bulletin.writers.docx") is not None
                and hasattr(importlib.import_module("bulletin.writers.pdf"), "write_pdf"))
    except ImportError:
        return False


import importlib

real = pytest.mark.skipif(not _writers_present(), reason="the DOCX and PDF writers are not there yet")


@real
def test_batch_output_equals_single_builds_byte_for_byte(cli, tmp_path):
    root = make_year(tmp_path / "year", issues=4)
    batch_out, single_out = tmp_path / "batch", tmp_path / "single"
    res = cli("build", "--all", "--jobs", "2", "--root", str(root), "--out", str(batch_out))
    assert res.returncode == 0, res.stderr
    assert "built 4 issues (8 files)" in res.stderr
    for n in range(1, 5):
        one = cli("build", f"2018-{n}", "--root", str(root), "--out", str(single_out))
        assert one.returncode == 0, one.stderr
    a, b = outputs(batch_out), outputs(single_out)
    assert sorted(a) == sorted(b) and len(a) == 8
    for name in a:
        assert a[name] == b[name], f"{name} differs between the batch and a single build"


@real
def test_real_noop_rebuild_skips_and_keeps_files(cli, tmp_path, example_copy):
    out = tmp_path / "out"
    first = cli("build", "--all", "--root", str(example_copy), "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    again = cli("build", "--all", "--root", str(example_copy), "--out", str(out))
    assert again.returncode == 0 and "3 skipped" in again.stderr
    assert again.stdout == ""
    assert snapshot(out) == before


def test_issue_ids_round_trip():
    assert str(parse_issue_id("2018-52")) == "2018-52"


def test_small_batch_reads_here_while_pdf_workers_start(fake, monkeypatch, tmp_path, example_copy):
    """Fewer stale issues than workers: PDFs in forked workers, DOCX and the
    reading in this process; the same bytes as an in-process build."""
    used = []
    for name in ("run", "run_small"):
        original = getattr(batch, name)
        monkeypatch.setattr(batch, name, lambda tasks, _o=original, _n=name, **kw: (used.append(_n), _o(tasks, **kw))[1])
    one = [parse_issue_id("2018-48")]
    small = build(example_copy, one, BuildOptions(out_dir=tmp_path / "small", jobs=2))
    build(example_copy, one, BuildOptions(out_dir=tmp_path / "whole", jobs=1))
    assert used == ["run_small", "run"]
    assert fake.calls == [("2018-48", "docx"), ("2018-48", "docx"), ("2018-48", "pdf")], "the PDF was made in a worker"
    assert small.ok and [r.id for r in small.built] == ["2018-48"]
    assert outputs(tmp_path / "small") == outputs(tmp_path / "whole")
    two = build(example_copy, ids_of("2018-48", "2018-49"), BuildOptions(out_dir=tmp_path / "two", jobs=4))
    assert used[-1] == "run_small" and len(two.written) == 4


def test_small_batch_with_a_read_error_renders_nothing(fake, tmp_path, example_copy):
    p = example_copy / "issues" / "2018-49" / "rongshui.md"
    p.write_text(p.read_text("utf-8").replace("title: ", "titel: ", 1), "utf-8")
    report = build(example_copy, ids_of("2018-48", "2018-49"), BuildOptions(out_dir=tmp_path / "out", jobs=4))
    assert report.nothing_written and not fake.calls
    assert not (tmp_path / "out").exists()


def ids_of(*names):
    return [parse_issue_id(n) for n in names]


def test_spread_issue_is_written_whole_or_not_at_all(fake, tmp_path, example_copy):
    fake.fail[("2018-48", "pdf")] = BulletinError([Diagnostic("issues/2018-48/1-leye.md", 9, 3, "E041", "character not covered")])
    out = tmp_path / "out"
    report = build(example_copy, [parse_issue_id("2018-48")], BuildOptions(out_dir=out, jobs=2, keep_going=True))
    assert [r.id for r in report.failed] == ["2018-48"] and not report.written
    assert not out.exists(), "the DOCX rendered beside the failed PDF is not written"


@real
def test_real_font_error_in_one_issue_of_a_batch(cli, tmp_path):
    """E041 in one issue of a batch: nothing written (exit 1); --keep-going
    writes the others and still exits 1."""
    root = make_year(tmp_path / "year", issues=4)
    article = min((root / "issues" / "2018-3").glob("*.md"))
    article.write_text(article.read_text("utf-8") + "\n补充：𠀀字。\n", "utf-8")
    out = tmp_path / "out"
    res = cli("build", "--all", "--jobs", "2", "--root", str(root), "--out", str(out))
    assert res.returncode == 1 and not out.exists()
    assert f"issues/2018-3/{article.name}:" in res.stderr and " E041 " in res.stderr
    assert "nothing written" in res.stderr and "Traceback" not in res.stderr
    res = cli("build", "--all", "--jobs", "2", "--keep-going", "--root", str(root), "--out", str(out))
    assert res.returncode == 1
    assert sorted(outputs(out)) == [f"2018-{n}.{f}" for n in (1, 2, 4) for f in ("docx", "pdf")]
    assert "1 failed (2018-3)" in res.stderr
