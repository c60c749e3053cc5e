"""`make bench`: bulletin against Typst and pandoc, whole processes, as
shared/reference/peers.md measured them.

Each benchmark alternates our runs with the peer's in one session (the order
rotates every round), one warm-up round, then the median of BENCH_RUNS
rounds (default 5).  Wall time is the whole process; peak memory is the RSS
of the largest process (wait4), and for the batch also the peak of the whole
process tree's summed RSS, sampled from /proc in a separate run.

    (a) a 52-issue year: `bulletin build --all --jobs 2` against Typst compiling
        the same 52 issues in one process, and pandoc writing the 52 DOCX
    (b) one issue (2018-48), fresh process: both formats, and PDF only,
        against Typst's PDF of the same issue
    (c) a no-op rebuild of the 52 issues
    (d) `bulletin --help`
    (e) memory on large input
    (f) 30 issues that share no text, cache emptied before every run and warm
        (benchmarks/distinct.py), against Typst
    (v) `bulletin volume 2018` on the 52-issue year (benchmarks/bench_volume.py)
    (h) HTML: one issue, and the year (benchmarks/bench_html.py)
    (l) input length against time: titles and paragraphs of 100 → 10,000
        characters, 10,000 headings (benchmarks/bench_lengths.py)

    python3 benchmarks/run.py [--runs N] [--only a,b,c,d,e,f] [--no-record]

Results go to stdout and to benchmarks/RESULTS.md (machine, date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXAMPLE = REPO / "examples" / "guangxi-fupin"
sys.path.insert(0, str(HERE))

from make_year import make_year
from peers import font_folder, pandoc_markdown, resolved_faces, typst_source

# Acceptance (the batch-export issue and the PDF issue).
LIMITS = {
    "b_ratio": 1.5,  # one issue, both formats / Typst PDF
    "b_pdf_ratio": 1.5,  # one issue, PDF only / Typst PDF (goal 1.0)
    "a_ratio": 1.0,  # 52 issues --jobs 2 / Typst batch
    "a_tree_mib": 400,
    "c_seconds": 0.5,
    "d_seconds": 0.15,
}


# --------------------------------------------------------------------------
# Measuring


@dataclass
class Sample:
    wall: float
    maxrss_kib: int


@dataclass
class Contender:
    name: str
    argv: list[str]
    before: object = None  # callable run before each measured run (not timed)
    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(s.maxrss_kib for s in self.samples) / 1024


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_once(argv: list[str], cwd: Path | None = None) -> Sample:
    """Wall time of the whole process and the RSS of its largest process.

    The RSS comes from GNU time when it is there: wait4's figure would
    include this (large) Python process's image, copied by fork before exec.
    """
    rss_file = None
    if GNU_TIME:
        fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file, *argv]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(argv)}\n{err}")
    maxrss = usage.ru_maxrss
    if rss_file:
        try:
            maxrss = int(Path(rss_file).read_text().split()[-1])
        finally:
            os.unlink(rss_file)
    return Sample(wall, maxrss)


def _tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, []))
    return out


def _rss_pss_kib(pid: int) -> tuple[int, int]:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            fields = dict(line.split(":", 1) for line in fh if ":" in line and not line.startswith(("0", "5", "7")))
        return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])
    except (OSError, KeyError, ValueError):
        return 0, 0


def tree_peak(argv: list[str]) -> tuple[float, float]:
    """Peak summed RSS and PSS (MiB) of the process tree, sampled every 5 ms."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = [0, 0]

    def sample() -> None:
        while proc.poll() is None:
            rss = pss = 0
            for p in _tree(proc.pid):
                r, s = _rss_pss_kib(p)
                rss, pss = rss + r, pss + s
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            time.sleep(0.005)

    thread = threading.Thread(target=sample)
    thread.start()
    proc.wait()
    thread.join()
    return peak[0] / 1024, peak[1] / 1024


def alternate(contenders: list[Contender], runs: int, warmup: int = 1) -> None:
    """Warm-up, then `runs` rounds; each round runs every contender once,
    starting with a different one each round (paired, alternating)."""
    n = len(contenders)
    for rnd in range(warmup + runs):
        order = contenders[rnd % n:] + contenders[: rnd % n]
        for c in order:
            if c.before:
                c.before()
            sample = run_once(c.argv)
            if rnd >= warmup:
                c.samples.append(sample)


# --------------------------------------------------------------------------
# The commands


def bulletin_argv() -> list[str]:
    """The installed console script (not a pyenv shim), else python -m."""
    script = Path(sysconfig.get_path("scripts")) / ("bulletin.exe" if os.name == "nt" else "bulletin")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "bulletin.cli"]


def pandoc_exe() -> str | None:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return shutil.which("pandoc")


TYPST_SYS = "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])"
TYPST_ONE = (
    "import sys, typst; "
    "typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], ignore_system_fonts=True)"
)


def prepare(work: Path) -> dict:
    """Byte-code, the year, the peers' inputs and the font folder."""
    import compileall

    # As installed packages are: with byte-code.  (PYTHONDONTWRITEBYTECODE
    # would otherwise make every run compile bulletin's modules again.)
    compileall.compile_dir(str(REPO / "bulletin"), quiet=1)
    from bulletin.commands.build import read_bulletins
    from bulletin.diagnostics import Collector
    from bulletin.numbering import parse_issue_id
    from bulletin.style import load_style

    style = load_style("default")
    year = make_year(work / "year")
    diags = Collector()
    bulletins = read_bulletins(year, None, diags)
    if diags.errors:
        raise SystemExit("the generated year has errors:\n" + "\n".join(d.render() for d in diags.errors))
    iid = parse_issue_id("2018-48")
    single = read_bulletins(EXAMPLE, [iid], Collector())[iid]
    faces = resolved_faces(EXAMPLE, style, single.fonts)
    fonts = font_folder(faces, work / "fonts")
    for sub in ("typ", "md"):
        (work / sub).mkdir()
    for i, b in bulletins.items():
        (work / "typ" / f"{i}.typ").write_text(typst_source(b, style, faces), "utf-8")
        (work / "md" / f"{i}.md").write_text(pandoc_markdown(b), "utf-8")
    (work / "one.typ").write_text(typst_source(single, style, faces), "utf-8")
    (work / "one.md").write_text(pandoc_markdown(single), "utf-8")
    return {"year": year, "fonts": fonts, "issues": len(bulletins), "faces": faces}


# --------------------------------------------------------------------------
# Report


def _burn(n: int) -> float:
    t = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - t


def free_cores() -> float:
    """How many cores two CPU-bound processes really get now (2.0 on an
    idle two-core machine; less when other work shares it)."""
    import multiprocessing

    n = 4_000_000
    one = min(_burn(n) for _ in range(2))
    with multiprocessing.get_context("fork" if os.name == "posix" else None).Pool(2) as pool:
        start = time.perf_counter()
        pool.map(_burn, [n, n])
        two = time.perf_counter() - start
    return 2 * one / two


def machine() -> list[str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    versions = []
    for mod, label in (("typst", "typst (pip)"), ("reportlab", "reportlab"), ("docx", "python-docx")):
        try:
            from importlib.metadata import version

            versions.append(f"{label} {version({'docx': 'python-docx'}.get(mod, mod))}")
        except Exception:  # noqa: BLE001
            versions.append(f"{label} ?")
    exe = pandoc_exe()
    if exe:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
        versions.append(out)
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "bulletin"], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()
        rev += " + uncommitted changes" if dirty else ""
    except OSError:
        rev = "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    load = f"{load:.2f}; two CPU-bound processes got {free_cores():.1f} cores"
    return [
        f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, {mem}; load average at start {load}",
        f"- Python {platform.python_version()}; {', '.join(versions)}",
        f"- bulletin at {rev}",
    ]


def fmt_row(name: str, c: Contender, base: Contender | None) -> str:
    ratio = f"{c.median / base.median:.2f}" if base is not None and base is not c else "—"
    walls = " ".join(f"{s.wall:.3f}" for s in c.samples)
    best = min(s.wall for s in c.samples)
    return f"| {name} | {c.median:.3f} s | {ratio} | {best:.3f} s | {c.peak_mib:.0f} MiB | {walls} |"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")))
    ap.add_argument("--only", default="a,b,c,d,e,f,h,v,l")
    ap.add_argument("--no-record", action="store_true", help="do not rewrite benchmarks/RESULTS.md")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    if args.runs < 5:
        print("note: fewer than 5 runs; acceptance asks for a median of at least 5", file=sys.stderr)
    only = set(args.only.split(","))
    work = Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    lines: list[str] = ["# Benchmarks", "", "Written by `make bench` (benchmarks/run.py); numbers from the last run.", ""]
    lines += machine()
    lines += ["", ("Whole-process wall time, median of "
              f"{args.runs} alternating rounds after 1 warm-up; ratio = our median / the peer's median; "
              "peak = RSS of the largest process (GNU time %M); bulletin's modules byte-compiled first, as an installed package is."), ""]
    lines += [
        ("Set-up: the year is `benchmarks/make_year.py` (52 issues from the example's articles, 3–4 articles and "
        "about 10 pages each).  The peers get the same text from our document model (`benchmarks/peers.py`): "
        "Typst a .typ with the same page geometry (A4, 156×225 mm block, 16 pt on a 28.95 pt pitch) and the same "
        "font files our PDF resolves (a folder of links to them, system fonts ignored), compiled by the pip "
        "`typst` package, one reused `typst.Compiler` for the batch (`benchmarks/typst_batch.py`); pandoc a "
        "Markdown rendition, `pandoc -f markdown -t docx`, one process per issue as a CI loop runs it.  Ours is "
        "the installed `bulletin` script with `--force` (the no-op case without)."),
        "",
    ]
    verdicts: list[tuple[str, bool, str]] = []
    header = ["| command | median | ratio to peer | best | peak RSS | runs (s) |", "|---|---|---|---|---|---|"]
    try:
        info = prepare(work)
        year, fonts = info["year"], info["fonts"]
        ours = bulletin_argv()
        pandoc = pandoc_exe()
        print(f"work folder {work}; {info['issues']} issues; bulletin = {' '.join(ours)}", file=sys.stderr)

        if "b" in only:
            out_b = work / "out-b"
            both = Contender("bulletin build 2018-48 (docx+pdf)",
                             ours + ["build", "2018-48", "--force", "--root", str(EXAMPLE), "--out", str(out_b)])
            pdf = Contender("bulletin build 2018-48 --format pdf",
                            ours + ["build", "2018-48", "--format", "pdf", "--force", "--root", str(EXAMPLE),
                                    "--out", str(out_b / "pdf")])
            docx = Contender("bulletin build 2018-48 --format docx",
                             ours + ["build", "2018-48", "--format", "docx", "--force", "--root", str(EXAMPLE),
                                     "--out", str(out_b / "docx")])
            typ = Contender("typst compile (PDF), fresh python process",
                            [sys.executable, "-c", TYPST_ONE, str(work / "one.typ"), str(work / "one.pdf"), str(fonts)])
            typ_sys = Contender("typst compile (PDF), system fonts indexed as by default",
                                [sys.executable, "-c", TYPST_SYS, str(work / "one.typ"), str(work / "one-sys.pdf")])
            # The parse and subset caches are warm after the warm-up run, as for
            # an editor rebuilding an issue; this row shows the cost without them.
            cold = Contender("bulletin build 2018-48 (docx+pdf), parse and subset caches off",
                             ["env", "BULLETIN_NO_PARSE_CACHE=1", "BULLETIN_NO_SUBSET_CACHE=1", *ours,
                              "build", "2018-48", "--force", "--root", str(EXAMPLE), "--out", str(out_b / "cold")])
            contenders = [both, typ, pdf, docx, cold, typ_sys]
            if pandoc:
                contenders.append(Contender("pandoc → DOCX", [pandoc, "-f", "markdown", "-t", "docx", "-o",
                                                               str(work / "one.docx"), str(work / "one.md")]))
            alternate(contenders, args.runs)
            lines += ["## (b) one issue, fresh process", ""] + header
            lines += [fmt_row(c.name, c, typ) for c in contenders]
            r_both, r_pdf = both.median / typ.median, pdf.median / typ.median
            verdicts.append(("(b) both formats ≤ 1.5 × Typst PDF", r_both <= LIMITS["b_ratio"], f"{r_both:.3f}"))
            verdicts.append(("(b) PDF only ≤ 1.5 × Typst PDF (goal 1.0)", r_pdf <= LIMITS["b_pdf_ratio"], f"{r_pdf:.3f}"))
            lines.append("")

        if "a" in only or "c" in only:
            out_a = work / "out-a"
            build_all = ours + ["build", "--all", "--root", str(year), "--out", str(out_a)]
            ours_a = Contender("bulletin build --all --jobs 2 (104 files)", build_all + ["--jobs", "2", "--force"])
            if "a" in only:
                typ_a = Contender("typst, 52 issues in one process",
                                  [sys.executable, str(HERE / "typst_batch.py"), str(work / "typ"), str(fonts),
                                   str(work / "typ-out")])
                contenders = [ours_a, typ_a]
                if pandoc:
                    script = f'for f in "$@"; do "{pandoc}" -f markdown -t docx -o "${{f%.md}}.docx" "$f" || exit 1; done'
                    mds = sorted(str(p) for p in (work / "md").glob("*.md"))
                    contenders.append(Contender("pandoc, 52 DOCX (52 processes)", ["sh", "-c", script, "sh", *mds]))
                ours_a1 = Contender("bulletin build --all --jobs 1", build_all + ["--jobs", "1", "--force"])
                contenders.append(ours_a1)
                alternate(contenders, args.runs)
                tree_rss, tree_pss = tree_peak(ours_a.argv)
                lines += [f"## (a) a year: {info['issues']} issues", ""] + header
                lines += [fmt_row(c.name, c, typ_a) for c in contenders]
                lines += ["", (f"Whole run of `--jobs 2`, all processes together: peak summed RSS {tree_rss:.0f} MiB, "
                              f"PSS {tree_pss:.0f} MiB (sampled every 5 ms)."), ""]
                ratio = ours_a.median / typ_a.median
                verdicts.append(("(a) 52 issues, --jobs 2 ≤ 1.0 × Typst batch", ratio <= LIMITS["a_ratio"], f"{ratio:.3f}"))
                verdicts.append(("(a) peak memory of the whole run < 400 MB", tree_rss < LIMITS["a_tree_mib"],
                                 f"{tree_rss:.0f} MiB summed RSS, {tree_pss:.0f} MiB PSS"))
                if pandoc:
                    r = ours_a.median / contenders[2].median
                    lines += [f"Against pandoc's 52 DOCX: ratio {r:.2f} (ours writes the 52 PDF too).", ""]
            if "c" in only:
                run_once(ours_a.argv)  # everything built: the stamps are current
                noop = Contender("bulletin build --all (no-op: all up to date)", build_all)
                alternate([noop], args.runs)
                check = subprocess.run(build_all, capture_output=True, text=True, check=False)
                if f"{info['issues']} skipped" not in check.stderr:
                    raise SystemExit(f"the no-op rebuild rebuilt something: {check.stderr}")
                lines += ["## (c) no-op rebuild of the year", ""] + header + [fmt_row(noop.name, noop, None), ""]
                verdicts.append(("(c) no-op rebuild < 0.5 s", noop.median < LIMITS["c_seconds"], f"{noop.median:.3f} s"))

        if "d" in only:
            helpc = Contender("bulletin --help", ours + ["--help"])
            bare = Contender("python -c pass (interpreter start, for scale)", [sys.executable, "-c", "pass"])
            alternate([helpc, bare], args.runs)
            lines += ["## (d) start-up", ""] + header + [fmt_row(c.name, c, None) for c in (helpc, bare)] + [""]
            verdicts.append(("(d) bulletin --help < 0.15 s", helpc.median < LIMITS["d_seconds"], f"{helpc.median:.3f} s"))
        if "f" in only:
            from distinct import run_f

            f_lines, f_verdicts = run_f(ours, work, fonts, info["faces"], args.runs)
            lines += f_lines
            verdicts += f_verdicts
        if "e" in only:
            # Scale (issue 4): peak memory of one build of a 100-article issue,
            # of a tenth of it, and of one 200 KB paragraph; benchmarks/bench_memory.py.
            from bench_memory import measure

            lines += ["## (e) memory on large input, one fresh process each", "",
                      "| input | source | peak RSS | wall |", "|---|---|---|---|"]
            for name, r in measure(100).items():
                lines.append(f"| {name} | {r['source_kib']} KiB | {r['peak_rss_mib']} MiB | {r['seconds']} s |")
            lines.append("")
        if "v" in only:
            # The year's 汇编 (issue 12): `bulletin volume` on the 52 issues; benchmarks/bench_volume.py.
            from bench_volume import rows as volume_rows

            lines += volume_rows(ours, year, work, args.runs)
        if "h" in only:
            # The web edition (issue 12): one issue and the year as HTML; benchmarks/bench_html.py.
            from bench_html import measure as measure_html
            from bench_html import table as html_table

            lines += ["## (h) the web edition: HTML for one issue and for the year", ""]
            lines += html_table(measure_html(args.runs)) + [""]
        if "l" in only:
            # Hostile input (issue 15): every pass linear in the text; benchmarks/bench_lengths.py.
            from bench_lengths import rows as length_rows

            length_lines, length_verdicts = length_rows(min(args.runs, 3))
            lines += length_lines
            verdicts += length_verdicts
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    if "b" in only:
        prof = subprocess.run([sys.executable, str(HERE / "profile_issue.py")], capture_output=True, text=True, check=False)
        lines += ["## Where one issue's time goes", "",
                  ("`python3 benchmarks/profile_issue.py` (one fresh process, phase by phase; "
                  "`--cprofile 25` lists the writers' hot spots):"), "", "```", prof.stdout.rstrip(), "```", ""]
    if hasattr(os, "getloadavg"):
        lines += [(f"At the end: load average {os.getloadavg()[0]:.2f}; two CPU-bound processes got "
                  f"{free_cores():.1f} cores.  Other work on the machine slows `--jobs 2` most: Typst's "
                  "batch runs on one core."), ""]
    lines += ["## Acceptance", "", "| check | figure | verdict |", "|---|---|---|"]
    lines += [f"| {name} | {fig} | {'pass' if ok else 'FAIL'} |" for name, ok, fig in verdicts]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_record:
        (HERE / "RESULTS.md").write_text(text, "utf-8")
        print(f"recorded in {HERE / 'RESULTS.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
