"""信息采用统计: how many articles each county (or unit, or 栏目) had adopted,
per year and in total, and under which 栏目 — the table an office sends
round as its 信息采用情况通报.

Logic only: ``tally`` counts over assembled Bulletins, the ``as_*``
functions render the result as text or bytes; the CLI prints or writes them.

Ranking, as offices rank: by total, descending; ties share a rank (1, 2, 2,
4) and keep the order in which the names first appear in the year's issues
(issue order, then article order).  First appearance rather than pinyin:
it needs no pinyin dictionary, is stable from run to run, and follows the
order the office itself printed the articles in; code-point order would
look arbitrary to a reader.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bulletin.model import Bulletin

BY = ("county", "unit", "column")
FORMATS = ("table", "csv", "json")
NO_COLUMN = "（无栏目）"  # articles printed under no 栏目 label
HEADS = {"county": "县（市、区）", "unit": "单位", "column": "栏目"}


@dataclass
class Row:
    name: str
    total: int = 0
    years: dict[int, int] = field(default_factory=dict)  # year → articles
    columns: dict[str, int] = field(default_factory=dict)  # 栏目 → articles
    rank: int = 0


@dataclass
class Stats:
    by: str
    years: tuple[int, ...]
    columns: tuple[str, ...]  # 栏目 in order of first appearance
    rows: list[Row]
    issues: int
    articles: int

    @property
    def counts(self) -> dict[str, int]:
        return {r.name: r.total for r in self.rows}


def _key(article, by: str) -> str:
    if by == "county":
        return article.county
    if by == "unit":
        return article.unit or article.county
    return article.column or NO_COLUMN


def tally(bulletins: Iterable[Bulletin], by: str = "county") -> Stats:
    """Count the articles of ``bulletins`` (in the order given) per ``by``."""
    if by not in BY:
        raise ValueError(by)
    rows: dict[str, Row] = {}
    columns: dict[str, None] = {}
    years: dict[int, None] = {}
    issues = articles = 0
    for b in sorted(bulletins, key=lambda b: (b.info.year, b.info.number)):
        issues += 1
        years.setdefault(b.info.year, None)
        for group in b.groups:
            label = group.label or NO_COLUMN
            for art in group.articles:
                articles += 1
                columns.setdefault(label, None)
                row = rows.setdefault(_key(art, by), Row(_key(art, by)))
                row.total += 1
                row.years[b.info.year] = row.years.get(b.info.year, 0) + 1
                row.columns[label] = row.columns.get(label, 0) + 1
    ordered = sorted(rows.values(), key=lambda r: -r.total)  # stable: first appearance breaks ties
    for i, row in enumerate(ordered):
        row.rank = ordered[i - 1].rank if i and ordered[i - 1].total == row.total else i + 1
    return Stats(by, tuple(sorted(years)), tuple(columns), ordered, issues, articles)


# --------------------------------------------------------------- renderings


def _header(stats: Stats) -> list[str]:
    head = ["名次", HEADS[stats.by]]
    head += [f"{y}年" for y in stats.years] if len(stats.years) > 1 else []
    head.append("合计")
    if stats.by != "column":
        head += list(stats.columns)
    return head


def _cells(stats: Stats) -> list[list[str | int]]:
    body: list[list[str | int]] = []
    for r in stats.rows:
        cells: list[str | int] = [r.rank, r.name]
        cells += [r.years.get(y, 0) for y in stats.years] if len(stats.years) > 1 else []
        cells.append(r.total)
        if stats.by != "column":
            cells += [r.columns.get(c, 0) for c in stats.columns]
        body.append(cells)
    total: list[str | int] = ["", "合计"]
    total += [sum(r.years.get(y, 0) for r in stats.rows) for y in stats.years] if len(stats.years) > 1 else []
    total.append(stats.articles)
    if stats.by != "column":
        total += [sum(r.columns.get(c, 0) for r in stats.rows) for c in stats.columns]
    body.append(total)
    return body


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters (hanzi, 、，（）) take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def title(stats: Stats) -> str:
    years = "、".join(f"{y}年" for y in stats.years)
    return f"信息采用统计（{years}，{stats.issues}期，{stats.articles}篇）"


def as_table(stats: Stats) -> str:
    """An aligned table for a terminal: names left, numbers right, widths
    counted in terminal columns so hanzi line up."""
    head = _header(stats)
    rows = [[str(c) for c in r] for r in _cells(stats)]
    widths = [max(display_width(x[i]) for x in [head] + rows) for i in range(len(head))]
    numeric = [i != 1 for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(_pad(c, w, n) for c, w, n in zip(cells, widths, numeric)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [title(stats), line(head), rule] + [line(r) for r in rows[:-1]] + [rule, line(rows[-1])]
    return "\n".join(out) + "\n"


def as_csv(stats: Stats) -> bytes:
    """UTF-8 with a byte-order mark and CRLF line ends: Excel on a Chinese
    Windows reads a CSV without BOM in the ANSI code page (GBK) and garbles
    every hanzi; with the BOM it reads UTF-8.  Other readers skip the BOM."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(_header(stats))
    writer.writerows(_cells(stats))
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def as_json(stats: Stats) -> str:
    rows = [
        {"rank": r.rank, "name": r.name, "total": r.total,
         "years": {str(y): r.years.get(y, 0) for y in stats.years},
         "columns": {c: n for c, n in r.columns.items()}}
        for r in stats.rows
    ]
    data = {"by": stats.by, "years": list(stats.years), "issues": stats.issues, "articles": stats.articles,
            "columns": list(stats.columns), "rows": rows}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(stats: Stats, fmt: str) -> bytes:
    if fmt == "csv":
        return as_csv(stats)
    if fmt == "json":
        return as_json(stats).encode("utf-8")
    return as_table(stats).encode("utf-8")


# ------------------------------------------------------------------ the chart


def chart_bytes(stats: Stats, suffix: str, face) -> bytes:
    """The ranking as a bar chart (``suffix`` .svg or .png), labels in ``face``."""
    from bulletin.writers import chart

    drawing = chart.bar_chart(
        title(stats), [r.name for r in stats.rows], [r.total for r in stats.rows],
        font_path=face.path if face is not None else None, font_index=face.index if face is not None else 0,
        family=face.family if face is not None else "",
        subtitle=f"按{HEADS[stats.by]}统计采用篇数，同数按首次刊发先后排列",
    )
    return chart.png(drawing) if suffix == ".png" else chart.svg(drawing)


def chart_face(bulletins, root: Path):
    """The 黑体 the bulletin's headings use (the style's ``hei`` role), as bulletin.fonts resolves it."""
    from bulletin.fonts import resolve_fonts
    from bulletin.style import load_style

    faces = resolve_fonts(load_style().fonts, bulletins[0].fonts if bulletins else None, root)
    return faces.get("hei") or faces.get("title")


def write_chart(stats: Stats, path: Path, bulletins, root: Path, diags) -> bool:
    from bulletin.fonts import FontError
    from bulletin.output import write_atomic

    try:
        data = chart_bytes(stats, Path(path).suffix.lower(), chart_face(bulletins, root))
    except FontError as exc:
        for line in exc.lines:
            diags.error("E040", "bulletin.yaml", 1, line)
        return False
    try:
        write_atomic(Path(path), data)
    except OSError as exc:
        from bulletin.commands.batch import e050

        diags.items.append(e050(Path(path), exc))
        return False
    return True
