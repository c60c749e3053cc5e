"""`bulletin volume` on the 52-issue year of make_year.py: whole-process wall
time (median of N runs after one warm-up), the volume's pages and size.

    python3 benchmarks/bench_volume.py [--runs N]      # prints a Markdown table

benchmarks/run.py calls ``rows()`` for its section (v).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_year import make_year  # noqa: E402


def _pages(pdf: Path) -> int:
    try:
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return 0
    return next((int(line.split()[-1]) for line in out.splitlines() if line.startswith("Pages:")), 0)


def _time(argv: list[str], runs: int) -> list[float]:
    subprocess.run(argv, capture_output=True, check=True)  # warm-up: caches, page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def rows(bulletin: list[str], year: Path, work: Path, runs: int) -> list[str]:
    """The Markdown section: one row per format choice."""
    out = work / "out-volume"
    issues = sum(1 for p in (year / "issues").iterdir() if p.is_dir())
    lines = [f"## (v) the year's volume (汇编) of the {issues} issues", "",
             "| command | median | best | runs (s) | output |", "|---|---|---|---|---|"]
    for label, extra in (("bulletin volume 2018 (pdf+docx)", []), ("bulletin volume 2018 --format pdf", ["--format", "pdf"]),
                         ("bulletin volume 2018 --format docx", ["--format", "docx"])):
        argv = bulletin + ["volume", "2018", "--root", str(year), "--out", str(out / (extra[-1] if extra else "both")), *extra]
        times = _time(argv, runs)
        folder = out / (extra[-1] if extra else "both")
        made = []
        pdf = folder / "2018-volume.pdf"
        if pdf.exists():
            made.append(f"PDF {_pages(pdf)} pages, {pdf.stat().st_size / 1e6:.1f} MB")
        docx = folder / "2018-volume.docx"
        if docx.exists():
            made.append(f"DOCX {docx.stat().st_size / 1e6:.2f} MB")
        lines.append(f"| {label} | {statistics.median(times):.2f} s | {min(times):.2f} s | "
                     f"{' '.join(f'{t:.2f}' for t in times)} | {'; '.join(made)} |")
    lines.append("")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bulletin-bench-volume-"))
    try:
        year = make_year(work / "year")
        exe = shutil.which("bulletin")
        bulletin = [exe] if exe else [sys.executable, "-m", "bulletin.cli"]
        print("\n".join(rows(bulletin, year, work, args.runs)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
