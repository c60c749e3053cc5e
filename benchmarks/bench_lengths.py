"""Input length against time (issue 15): every pass over the text must grow
linearly (or n log n) with it.

For a title and for one paragraph of 100 → 10,000 characters, the time of
each stage of one issue in one process (read + check, DOCX, PDF; best of N
runs after a warm-up), then the growth exponent k of t ∝ nᵏ between 1,000
and 10,000 characters: 1 is linear, 2 quadratic.  The old title balancer
took 3.2 s for 500 characters and never finished 5,000.

Also whole processes, as a user runs them: a 5,000-character title and
10,000 headings in a row (`bulletin build`, both formats).

    python3 benchmarks/bench_lengths.py [--runs N]     # prints a Markdown table

benchmarks/run.py calls ``rows()`` for its section (l).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXAMPLE = REPO / "examples" / "guangxi-fupin"
sys.path.insert(0, str(REPO))

LENGTHS = (100, 300, 1000, 3000, 10000)
TEXT = "乐业县根据全县各乡（镇）气候条件、水源条件、土地状况，按照“集中连片、规模发展”的思路盘活农村闲置资源2万亩。"
LINEAR_EXPONENT = 1.3  # measured k above this is reported as super-linear


def _text(n: int) -> str:
    return (TEXT * (n // len(TEXT) + 1))[:n]


def _repo(base: Path, title: str, body: str) -> Path:
    root = base / "repo"
    shutil.copytree(EXAMPLE, root)
    folder = root / "issues" / "2018-48"
    for md in folder.glob("*.md"):
        md.unlink()
    (folder / "1-long.md").write_text(f"---\ntitle: {title}\ncounty: 乐业县\nauthor: 周白阳\n---\n\n{body}\n", encoding="utf-8")
    return root


def _stages(root: Path) -> dict[str, float]:
    from bulletin.commands.build import read_bulletins
    from bulletin.commands.check import check
    from bulletin.diagnostics import Collector
    from bulletin.numbering import parse_issue_id
    from bulletin.style import load_style
    from bulletin.writers.docx import write_docx
    from bulletin.writers.pdf import write_pdf

    iid = parse_issue_id("2018-48")
    style = load_style("default")
    times = {}
    start = time.perf_counter()
    result = check(root, [iid], fonts=False)
    diags = Collector()
    bulletin = read_bulletins(root, [iid], diags)[iid]
    times["read + check"] = time.perf_counter() - start
    if bulletin is None or result.errors:
        raise SystemExit(f"the benchmark's issue does not build: {[d.render() for d in diags.items + result.errors]}")
    start = time.perf_counter()
    write_docx(bulletin, style, root)
    times["DOCX"] = time.perf_counter() - start
    start = time.perf_counter()
    write_pdf(bulletin, style, root)
    times["PDF"] = time.perf_counter() - start
    return times


def measure(runs: int = 3) -> dict[str, dict[int, dict[str, float]]]:
    """kind ('title', 'paragraph') → length → stage → best seconds."""
    os.environ.setdefault("BULLETIN_NO_PARSE_CACHE", "1")  # time the parse, not the cache
    out: dict[str, dict[int, dict[str, float]]] = {"title": {}, "paragraph": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in out:
            for n in LENGTHS:
                title, body = (_text(n), "正文。") if kind == "title" else ("乐业县探索“三变”", _text(n))
                root = _repo(Path(tmp) / f"{kind}-{n}", title, body)
                _stages(root)  # warm-up: fonts, imports
                best: dict[str, float] = {}
                for _ in range(runs):
                    for stage, t in _stages(root).items():
                        best[stage] = min(best.get(stage, math.inf), t)
                out[kind][n] = best
    return out


def exponent(t_small: float, t_large: float, n_small: int, n_large: int) -> float:
    return math.log(max(t_large, 1e-6) / max(t_small, 1e-6)) / math.log(n_large / n_small)


def whole_processes() -> list[tuple[str, float, float, int]]:
    """(case, wall seconds, CPU seconds, exit code) of `bulletin build` in a
    fresh process (CPU too: on a busy machine the wall time is mostly waiting)."""
    import resource

    cases = [
        ("5,000-character title", _text(5000), "正文。"),
        ("10,000 headings in a row", "乐业县探索", "".join(f"## {i}、标题\n\n" for i in range(10000))),
    ]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, title, body in cases:
            root = _repo(Path(tmp) / name.split()[0].replace(",", ""), title, body)
            argv = [sys.executable, "-m", "bulletin.cli", "build", "2018-48", "--root", str(root), "--out", str(Path(tmp) / "out"), "--force"]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False, cwd=REPO)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            out.append((name, wall, cpu, done.returncode))
    return out


def rows(runs: int = 3) -> tuple[list[str], list[tuple[str, bool, str]]]:
    """Markdown lines for RESULTS.md, and (check, passed, figure) verdicts."""
    data = measure(runs)
    lines = ["## (l) input length against time (benchmarks/bench_lengths.py)", "",
             f"One issue with one article, in one process, best of {runs}; k: growth exponent (t ∝ nᵏ) from 1,000 to 10,000 characters.", "",
             "| input | stage | " + " | ".join(f"{n:,} chars" for n in LENGTHS) + " | k |",
             "|---|---|" + "---|" * (len(LENGTHS) + 1)]
    verdicts = []
    for kind, by_length in data.items():
        for stage in by_length[LENGTHS[0]]:
            ts = [by_length[n][stage] for n in LENGTHS]
            k = exponent(by_length[1000][stage], by_length[10000][stage], 1000, 10000)
            lines.append(f"| {kind} | {stage} | " + " | ".join(f"{t * 1000:.1f} ms" for t in ts) + f" | {k:.2f} |")
            verdicts.append((f"(l) {kind} {stage}: linear in length (k ≤ {LINEAR_EXPONENT})", k <= LINEAR_EXPONENT, f"k = {k:.2f}"))
    lines += ["", "| whole process: `bulletin build 2018-48` | wall | CPU | exit |", "|---|---|---|---|"]
    for name, seconds, cpu, code in whole_processes():
        lines.append(f"| {name} | {seconds:.2f} s | {cpu:.2f} s | {code} |")
        if name.startswith("5,000"):
            verdicts.append(("(l) a 5,000-character title builds or is refused in under 2 s", seconds < 2.0 and code in (0, 1), f"{seconds:.2f} s"))
    return lines + [""], verdicts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    lines, verdicts = rows(args.runs)
    print("\n".join(lines))
    for name, ok, figure in verdicts:
        print(f"{'pass' if ok else 'FAIL'}  {name}: {figure}")
    return 0 if all(ok for _, ok, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
