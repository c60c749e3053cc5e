"""A year of bulletins for the benchmarks: 52 issues 2018-1 … 2018-52 made
from the example's articles.

Odd issues carry the three long articles of 2018-48 (about 11 pages), even
issues two of them plus two short articles of 2018-49 (about 9 pages); the
order rotates, titles get a rotating prefix, dates run weekly and every fourth
issue has an editor's note.  The text itself is the example's.

    python3 benchmarks/make_year.py DIR      # writes DIR/bulletin.yaml, DIR/issues/…
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "guangxi-fupin"
LONG = ["2018-48/1-leye.md", "2018-48/2-quanzhou.md", "2018-48/3-mengshan.md"]
SHORT = ["2018-49/longlin.md", "2018-49/rongshui.md", "2018-49/tiandong.md"]
PREFIXES = ["", "聚焦：", "经验交流：", "基层实践："]
ISSUES = 52


def retitle(text: str, prefix: str) -> str:
    """Put ``prefix`` before the article's front-matter title."""
    head, sep, body = text.partition("\n---\n")
    lines = [f"title: {prefix}{line[len('title: '):]}" if line.startswith("title: ") else line
             for line in head.split("\n")]
    return "\n".join(lines) + sep + body


def make_year(dest: Path, issues: int = ISSUES, year: int = 2018) -> Path:
    """Write the repository into ``dest`` (emptied first); return ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "issues").mkdir(parents=True)
    shutil.copy(EXAMPLE / "bulletin.yaml", dest / "bulletin.yaml")
    first = dt.date(year, 1, 4)
    for k in range(1, issues + 1):
        folder = dest / "issues" / f"{year}-{k}"
        folder.mkdir()
        rot = k % 3
        long = LONG[rot:] + LONG[:rot]
        if k % 2:
            chosen = long
        else:
            chosen = [long[0], SHORT[k % 3], long[1], SHORT[(k + 1) % 3]]
        names = []
        for i, src in enumerate(chosen, 1):
            name = f"{i}-{Path(src).name.split('-', 1)[-1]}"
            text = (EXAMPLE / "issues" / src).read_text("utf-8")
            (folder / name).write_text(retitle(text, PREFIXES[(k + i) % len(PREFIXES)]), "utf-8")
            names.append(name)
        meta = [f"date: {first + dt.timedelta(days=7 * (k - 1))}", f"articles: [{', '.join(names)}]"]
        if k % 4 == 0:
            meta.append("note: 本期刊发各地在产业扶贫、驻村管理和健康扶贫方面的做法，供参考借鉴。")
        (folder / "issue.yaml").write_text("\n".join(meta) + "\n", "utf-8")
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_year.py DIR")
    print(make_year(Path(sys.argv[1])))
