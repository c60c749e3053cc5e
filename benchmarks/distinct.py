"""Benchmark (f): issues that share no text, with the cache emptied before
every run and with it warm, side by side with Typst.

The 52-issue year of make_year.py repeats the example's articles, so any
cache keyed by characters (font subsets) is shared between its issues and
warm after the first.  Here every issue has its own text: the example's
hanzi are remapped, per issue, to other GB2312 hanzi by a permutation seeded
with the issue number (punctuation, digits, Latin and Markdown untouched), in
our sources and hence in Typst's input alike (both are made from the same
model).  An issue then draws ~900 distinct hanzi out of all 6,763.

    python3 benchmarks/distinct.py DIR [N]     # writes a repository of N issues (default 30)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_year import make_year

ISSUES = 30


def gb2312_hanzi() -> list[str]:
    """The 6,763 hanzi of GB2312 (levels 1 and 2), in code order."""
    out = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def remapper(seed: int):
    """A function mapping text's GB2312 hanzi through permutation ``seed``."""
    hanzi = gb2312_hanzi()
    shuffled = hanzi[:]
    random.Random(seed).shuffle(shuffled)
    table = str.maketrans(dict(zip(hanzi, shuffled)))
    return lambda text: text.translate(table)


def make_distinct_year(dest: Path, issues: int = ISSUES) -> Path:
    """make_year's repository with every issue's text remapped by its own
    permutation (bulletin.yaml, the masthead, stays as it is)."""
    make_year(dest, issues)
    for folder in sorted((dest / "issues").iterdir()):
        remap = remapper(int(folder.name.rsplit("-", 1)[1]))
        for path in sorted(folder.iterdir()):
            if path.suffix in (".md", ".yaml"):
                path.write_text(_remap_file(path.read_text("utf-8"), remap, path.suffix), "utf-8")
    return dest


def _remap_file(text: str, remap, suffix: str) -> str:
    # YAML keys and Markdown syntax are ASCII; only a date line must stay a date.
    lines = text.split("\n")
    return "\n".join(line if line.startswith(("date:", "articles:")) else remap(line) for line in lines)


def cases(ours: list[str], work: Path, year: Path, typ_dir: Path, fonts: Path, one_id: str, issues: int):
    """The contenders of (f): (group title, [(label, Contender)], peer label)."""
    import shutil

    from run import HERE as RUN_HERE
    from run import TYPST_ONE, Contender

    cache = work / "cache-f"

    def empty_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    env = ["env", f"BULLETIN_CACHE_DIR={cache}"]
    one = [*env, *ours, "build", one_id, "--force", "--root", str(year), "--out", str(work / "out-f1")]
    batch = [*env, *ours, "build", "--all", "--jobs", "2", "--force", "--root", str(year), "--out", str(work / "out-f")]
    typ_one = [sys.executable, "-c", TYPST_ONE, str(typ_dir / f"{one_id}.typ"), str(work / "f-one.pdf"), str(fonts)]
    typ_all = [sys.executable, str(RUN_HERE / "typst_batch.py"), str(typ_dir), str(fonts), str(work / "typ-f-out")]
    return [
        ("one issue, DOCX+PDF, empty cache", [
            Contender(f"bulletin build {one_id} (docx+pdf), cache emptied before each run", one, before=empty_cache),
            Contender("typst compile (PDF), fresh python process", typ_one),
        ]),
        ("one issue, DOCX+PDF, warm cache", [
            Contender(f"bulletin build {one_id} (docx+pdf), warm cache", one),
            Contender("typst compile (PDF), fresh python process", typ_one),
        ]),
        (f"{issues} distinct issues, --jobs 2, empty cache", [
            Contender(f"bulletin build --all --jobs 2 ({2 * issues} files), cache emptied before each run", batch,
                      before=empty_cache),
            Contender(f"typst, {issues} issues in one process", typ_all),
        ]),
        (f"{issues} distinct issues, --jobs 2, warm cache", [
            Contender(f"bulletin build --all --jobs 2 ({2 * issues} files), warm cache", batch),
            Contender(f"typst, {issues} issues in one process", typ_all),
        ]),
    ]


# Acceptance (the fonts issue): our median / Typst's.
LIMITS = {"one issue, DOCX+PDF, empty cache": 1.5, "distinct issues, --jobs 2, empty cache": 1.0,
          "distinct issues, --jobs 2, warm cache": 0.6}


def run_f(ours: list[str], work: Path, fonts: Path, faces: dict, runs: int, issues: int = ISSUES):
    """Prepare, measure and report (f): (markdown lines, [(check, ok, figure)])."""
    from peers import typst_source
    from run import alternate, fmt_row

    from bulletin.commands.build import read_bulletins
    from bulletin.diagnostics import Collector
    from bulletin.style import load_style

    year = make_distinct_year(work / "year-f", issues)
    diags = Collector()
    bulletins = read_bulletins(year, None, diags)
    if diags.errors:
        raise SystemExit("the distinct year has errors:\n" + "\n".join(d.render() for d in diags.errors))
    style = load_style("default")
    typ_dir = work / "typ-f"
    typ_dir.mkdir()
    for i, b in bulletins.items():
        (typ_dir / f"{i}.typ").write_text(typst_source(b, style, faces), "utf-8")
    one_id = str(sorted(bulletins, key=str)[0])
    lines = [f"## (f) {issues} issues that share no text (benchmarks/distinct.py), empty and warm cache", "",
             ("Every issue's hanzi remapped by its own permutation of GB2312, in our sources and Typst's alike; "
              "\"empty cache\": the cache folder is deleted before every one of our runs (a fresh CI machine, "
              "a new user); \"warm\": it is kept from the previous run."), ""]
    verdicts = []
    header = ["| command | median | ratio to peer | best | peak RSS | runs (s) |", "|---|---|---|---|---|---|"]
    for title, (mine, peer) in cases(ours, work, year, typ_dir, fonts, one_id, issues):
        alternate([mine, peer], runs)
        lines += [f"### {title}", "", *header, fmt_row(mine.name, mine, peer), fmt_row(peer.name, peer, None), ""]
        key = title.replace(f"{issues} distinct", "distinct")
        ratio = mine.median / peer.median
        if key in LIMITS:
            verdicts.append((f"(f) {title} ≤ {LIMITS[key]} × Typst", ratio <= LIMITS[key], f"{ratio:.3f}"))
        else:
            verdicts.append((f"(f) {title} (no limit)", True, f"{ratio:.3f}"))
    same = same_bytes_cold_and_warm(ours, work, year, one_id)
    verdicts.append(("(f) identical PDF and DOCX bytes from an empty and a warm cache", same, "same" if same else "DIFFER"))
    return lines, verdicts


def same_bytes_cold_and_warm(ours: list[str], work: Path, year: Path, one_id: str) -> bool:
    """Identical PDF and DOCX bytes from an empty and from a warm cache."""
    import shutil
    import subprocess

    cache = work / "cache-f-check"
    shutil.rmtree(cache, ignore_errors=True)
    outs = []
    for name in ("cold", "warm"):
        out = work / f"f-{name}"
        subprocess.run(["env", f"BULLETIN_CACHE_DIR={cache}", *ours, "build", one_id, "--force", "--root", str(year),
                        "--out", str(out)], check=True, capture_output=True)
        outs.append([(out / f"{one_id}.{ext}").read_bytes() for ext in ("pdf", "docx")])
    return outs[0] == outs[1]


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: distinct.py DIR [N]")
    print(make_distinct_year(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) == 3 else ISSUES))
