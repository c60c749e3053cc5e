"""The web edition's speed: HTML for one issue and for the 52-issue year.

    (h1) the HTML writer alone, in process: one issue (2018-48), model → bytes
    (h2) `bulletin build 2018-48 --format html --force`, a fresh process
    (h3) `bulletin build --all --format html --force` on the year of
         make_year.py (52 pages and index.html), --jobs 1 and --jobs 2

Median of N runs after one warm-up.  Standalone:

    python3 benchmarks/bench_html.py [--runs N]

benchmarks/run.py calls measure() for its section (h).
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
REPO = HERE.parent
EXAMPLE = REPO / "examples" / "guangxi-fupin"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))


def _median(fn, runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def _cli(*args: str) -> None:
    r = subprocess.run([sys.executable, "-m", "bulletin.cli", *args], capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise SystemExit(f"bulletin {' '.join(args)} failed:\n{r.stderr}")


def measure(runs: int = 5) -> list[tuple[str, float, list[float]]]:
    """(name, median seconds, every run) for each case."""
    from make_year import make_year

    from bulletin.commands.build import read_bulletins
    from bulletin.diagnostics import Collector
    from bulletin.numbering import IssueId
    from bulletin.style import load_style
    from bulletin.writers.html import render_page

    work = Path(tempfile.mkdtemp(prefix="bulletin-bench-html-"))
    rows = []
    try:
        style = load_style()
        b = read_bulletins(EXAMPLE, [IssueId(2018, 48)], Collector())[IssueId(2018, 48)]
        med, ts = _median(lambda: render_page(b, style), max(runs, 20))
        rows.append(("HTML writer, 2018-48 in process (model → bytes)", med, ts))

        out = work / "one"
        med, ts = _median(lambda: _cli("build", "2018-48", "--format", "html", "--force", "--root", str(EXAMPLE),
                                       "--out", str(out)), runs)
        rows.append(("bulletin build 2018-48 --format html (fresh process)", med, ts))

        year = make_year(work / "year")
        for jobs in ("1", "2"):
            out = work / f"year-out-{jobs}"
            med, ts = _median(lambda: _cli("build", "--all", "--format", "html", "--force", "--jobs", jobs,
                                           "--root", str(year), "--out", str(out)), runs)
            pages = len(list(out.glob("*.html")))
            rows.append((f"bulletin build --all --format html --jobs {jobs} ({pages} files incl. index.html)", med, ts))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def table(rows) -> list[str]:
    lines = ["| case | median | runs (s) |", "|---|---|---|"]
    for name, med, ts in rows:
        lines.append(f"| {name} | {med * 1000:.1f} ms | {' '.join(f'{t:.3f}' for t in ts)} |")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print("\n".join(table(measure(args.runs))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
