"""Where the time of one fresh `bulletin build ID` goes, phase by phase, and
the hot spots of the writers once warm.

    python3 benchmarks/profile_issue.py [--root DIR] [ID] [--cprofile N]

Phases are measured in this one fresh process, in the order a build runs
them; "first" calls include loading fonts, "warm" calls are what each further
issue of a batch costs.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse
import sys
from pathlib import Path

_last = [T0]
_rows: list[tuple[str, float]] = []


def lap(label: str) -> None:
    now = time.perf_counter()
    _rows.append((label, now - _last[0]))
    _last[0] = now


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("id", nargs="?", default="2018-48")
    ap.add_argument("--root", default=str(Path(__file__).resolve().parents[1] / "examples" / "guangxi-fupin"))
    ap.add_argument("--cprofile", type=int, default=0, help="also print the N hottest functions of a warm write_pdf")
    args = ap.parse_args()
    lap("interpreter start-up + argparse")
    import click  # noqa: F401

    import bulletin.cli
    lap("import bulletin.cli (click)")
    from bulletin.sources.assemble import assemble
    from bulletin.diagnostics import Collector
    from bulletin.sources.load import load_issue, load_repository
    from bulletin.numbering import parse_issue_id
    lap("import readers (markdown-it, yaml)")
    from bulletin.style import load_style

    style = load_style("default")
    lap("load style")
    root = Path(args.root)
    iid = parse_issue_id(args.id)
    repo = load_repository(root, Collector())
    issue = load_issue(repo, iid, Collector())
    bulletin = assemble(repo, issue)
    lap("read + check + assemble the issue")
    from bulletin.writers.docx import write_docx
    lap("import DOCX writer (python-docx, lxml)")
    write_docx(bulletin, style, root)
    lap("write_docx, first")
    from bulletin.writers.pdf import write_pdf
    lap("import PDF writer (reportlab)")
    write_pdf(bulletin, style, root)
    lap("write_pdf, first (fonts found, parsed, registered)")
    for _ in range(3):
        write_docx(bulletin, style, root)
    lap("write_docx, warm ×3")
    for _ in range(3):
        write_pdf(bulletin, style, root)
    lap("write_pdf, warm ×3")
    total = sum(t for _, t in _rows)
    first = sum(t for label, t in _rows if "warm" not in label)
    print(f"one fresh build of {args.id}, both formats, by phase:")
    for label, t in _rows:
        print(f"  {label:<52} {1000 * t:7.1f} ms")
    print(f"  {'total up to the first two files':<52} {1000 * first:7.1f} ms")
    print(f"  {'(whole script)':<52} {1000 * total:7.1f} ms")
    if args.cprofile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for _ in range(5):
            write_pdf(bulletin, style, root)
        prof.disable()
        print("\nwarm write_pdf ×5, by own time:")
        pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
