"""What the volume adds to the issues, as text: the cover, the contents
(每期 → 文章) and the index by county — the same words for the PDF and the
DOCX volume; each writer sets them on its own pages.

An entry is keyed by (issue index, article index) in the volume's order, so
the page each writer found for an article's title can be looked up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bulletin.model import Bulletin

Key = tuple[int, int]  # (issue index, article index)


@dataclass(frozen=True)
class Entry:
    key: Key
    title: str  # on one line: the writer's own title breaks removed
    county: str
    issue: str  # 第48期


@dataclass(frozen=True)
class IssueContents:
    index: int
    heading: str  # 2018年第48期（总第210期）
    date: str  # 2018年11月15日
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Cover:
    title: str  # 广西精准脱贫攻坚简报
    year: str  # 2018年
    label: str  # 汇　编
    numbers: str  # 第48—49期（总第210—211期）
    editor: str  # 广西壮族自治区扶贫开发办公室编


CONTENTS_TITLE = "目　录"
INDEX_TITLE = "县（市、区）索引"
_BREAK = re.compile(r"\s*\n\s*")


def one_line(title: str) -> str:
    return _BREAK.sub("", title).strip()


def cover(bulletins: list[Bulletin]) -> Cover:
    first, last = bulletins[0], bulletins[-1]
    numbers = f"第{first.info.number}期" if len(bulletins) == 1 else f"第{first.info.number}—{last.info.number}期"
    totals = [b.info.total for b in (first, last) if b.info.total is not None]
    if len(totals) == 2:
        numbers += f"（总第{totals[0]}期）" if totals[0] == totals[1] else f"（总第{totals[0]}—{totals[1]}期）"
    return Cover(first.masthead.title, f"{first.info.year}年", "汇　编", numbers, first.masthead.editor)


def contents(bulletins: list[Bulletin]) -> list[IssueContents]:
    out = []
    for i, b in enumerate(bulletins):
        issue = f"第{b.info.number}期"
        entries = tuple(Entry((i, k), one_line(a.title), a.county, issue) for k, a in enumerate(b.articles))
        out.append(IssueContents(i, b.masthead.issue_line, b.masthead.date_text, entries))
    return out


def county_index(bulletins: list[Bulletin]) -> list[tuple[str, tuple[Entry, ...]]]:
    """County → its articles in volume order.  Counties in 部首 (radical and
    stroke) order, the order of the Unicode CJK block and of a 部首检字表:
    deterministic, and needing no pinyin dictionary."""
    by: dict[str, list[Entry]] = {}
    for part in contents(bulletins):
        for e in part.entries:
            by.setdefault(e.county, []).append(e)
    return [(county, tuple(by[county])) for county in sorted(by)]


def metadata(bulletins: list[Bulletin]) -> tuple[str, str, str, str]:
    """(title, author, subject, ISO date) of the volume: the date of its last issue."""
    c = cover(bulletins)
    return f"{c.title} {c.year}汇编", c.editor, c.numbers, bulletins[-1].info.date
