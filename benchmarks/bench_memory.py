"""Peak memory of `bulletin build` on large input (a benchmark, not a test).

Generates, in a temporary copy of the example repository,
- issue 2018-48 with N articles (default 100, each ~4.5 KB of Chinese text
  with headings and run-in heads), and a tenth of that for comparison,
- issue 2018-48 with one 200 KB paragraph,
then runs `bulletin build 2018-48` in a fresh process for each and prints the
peak resident set size (the child's ru_maxrss from wait4) and the wall time.

    python3 benchmarks/bench_memory.py [--articles 100] [--format docx --format pdf] [--json]

`measure()` returns the same numbers as a dict for benchmarks/run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXAMPLE = REPO / "examples" / "guangxi-fupin"
ISSUE = "issues/2018-48"

PIECES = ["脱贫攻坚", "产业扶贫", "，", "。", "、", "“三变”", "工作队员", "2018年", "1.5万亩", "APP",
          "猕猴桃产业园", "（试点）", "；", "贫困户", "村集体经济", "易地扶贫搬迁", "后续扶持"]


def paragraph(size_bytes: int, seed: int) -> str:
    rng = random.Random(seed)
    out, size = [], 0
    while size < size_bytes:
        piece = rng.choice(PIECES)
        out.append(piece)
        size += len(piece.encode("utf-8"))
    return "".join(out)


def article(i: int, body: str) -> str:
    return f"---\ntitle: 第{i}篇：县里推进产业扶贫的经验做法\ncounty: 乐业县\nunit: 乐业县委办公室\nauthor: 周白阳\n---\n\n{body}\n"


def make_issue(root: Path, bodies: list[str]) -> Path:
    repo = root / "repo"
    shutil.copytree(EXAMPLE, repo)
    folder = repo / ISSUE
    for old in folder.glob("*.md"):
        old.unlink()
    for i, body in enumerate(bodies, 1):
        (folder / f"{i:03d}.md").write_text(article(i, body), encoding="utf-8")
    return repo


def articles_bodies(n: int) -> list[str]:
    return [
        f"## 一、第{i}篇的主要做法\n\n" + paragraph(2500, i) + "\n\n**二、取得的成效。**" + paragraph(1500, 1000 + i)
        + "\n\n> 批示：" + paragraph(200, 2000 + i) + "\n\n| 乡镇 | 户数 |\n|---|---:|\n| 平马镇 | 1260 |\n"
        for i in range(1, n + 1)
    ]


def run_build(repo: Path, out: Path, formats: list[str]) -> dict:
    """One `bulletin build 2018-48` in a fresh process: peak RSS (MiB) and wall time (s)."""
    args = [sys.executable, "-m", "bulletin.cli", "build", "2018-48", "--root", str(repo), "--out", str(out), "--force"]
    for fmt in formats:
        args += ["--format", fmt]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"bulletin build failed ({code}):\n{stderr}")
    kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    sizes = {p.suffix[1:]: p.stat().st_size for p in out.glob("2018-48.*")}
    return {"peak_rss_mib": round(kib / 1024, 1), "seconds": round(elapsed, 2), "bytes": sizes}


def measure(articles: int = 100, formats: list[str] | None = None) -> dict:
    formats = formats or ["docx", "pdf"]
    results = {}
    cases = {
        f"{articles} articles": articles_bodies(articles),
        f"{max(1, articles // 10)} articles": articles_bodies(max(1, articles // 10)),
        "one 200 KB paragraph": [paragraph(200_000, 7)],
    }
    for name, bodies in cases.items():
        with tempfile.TemporaryDirectory(prefix="bulletin-bench-") as tmp:
            root = Path(tmp)
            repo = make_issue(root, bodies)
            source = sum(p.stat().st_size for p in (repo / ISSUE).glob("*.md"))
            results[name] = {"source_kib": round(source / 1024, 1), **run_build(repo, root / "out", formats)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--format", dest="formats", action="append", choices=["docx", "pdf"])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    results = measure(args.articles, args.formats)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    print(f"bulletin build 2018-48 ({', '.join(args.formats or ['docx', 'pdf'])}), one fresh process each")
    print(f"{'input':<24}{'source':>12}{'peak RSS':>12}{'time':>9}  outputs")
    for name, r in results.items():
        outputs = ", ".join(f"{fmt} {size / 1024:.0f} KiB" for fmt, size in sorted(r["bytes"].items()))
        print(f"{name:<24}{r['source_kib']:>9.1f} KiB{r['peak_rss_mib']:>8.1f} MiB{r['seconds']:>8.2f}s  {outputs}")


if __name__ == "__main__":
    main()
