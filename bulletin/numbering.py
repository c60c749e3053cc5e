"""Issue ids, 总期号 and Chinese dates: the arithmetic of a bulletin's numbers."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

ISSUE_ID = re.compile(r"^(\d{4})-([1-9]\d*)$")
LOOSE_ID = re.compile(r"^(\d{4})-(\d+)$")  # 2019-02: recognisably an id, but padded


@dataclass(frozen=True, order=True)
class IssueId:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}-{self.number}"


def parse_issue_id(text: str) -> IssueId | None:
    m = ISSUE_ID.match(text)
    return IssueId(int(m.group(1)), int(m.group(2))) if m else None


def padded_issue_id(text: str) -> IssueId | None:
    """`2019-02` → 2019-2 (the folder name SPEC.md asks for instead)."""
    m = LOOSE_ID.match(text)
    if m and not ISSUE_ID.match(text) and int(m.group(2)) > 0:
        return IssueId(int(m.group(1)), int(m.group(2)))
    return None


def totals(ids: list[IssueId], anchors: dict[IssueId, int]) -> dict[IssueId, int | None]:
    """总第N期 for each issue.  An issue's total is the nearest earlier (or
    equal) anchor's total plus the number of repository issues after that
    anchor up to and including the issue.  Anchors: the publication's
    `numbering.anchor` and every issue.yaml `total:`.  Issues before every
    anchor count backwards from the first anchor; no anchor at all: None."""
    ordered = sorted(ids)
    if not anchors:
        return {i: None for i in ordered}
    points = sorted(anchors.items())
    out: dict[IssueId, int | None] = {}
    for issue in ordered:
        earlier = [(a, t) for a, t in points if a <= issue]
        if earlier:
            anchor, total = earlier[-1]
            out[issue] = total + sum(1 for i in ordered if anchor < i <= issue)
        else:
            anchor, total = points[0]
            out[issue] = total - sum(1 for i in ordered if issue <= i < anchor)
    return out


def anchors(publication: dict, issue_data: dict[IssueId, object]) -> dict[IssueId, int]:
    """The known (issue, 总期号) pairs: bulletin.yaml's numbering.anchor and
    every issue.yaml `total:` (checked data; anything malformed is skipped,
    its file's own diagnostics say why)."""
    found: dict[IssueId, int] = {}
    anchor = (publication.get("numbering") or {}).get("anchor") if isinstance(publication, dict) else None
    if isinstance(anchor, dict):
        iid = parse_issue_id(str(anchor.get("issue")))
        if iid is not None and isinstance(anchor.get("total"), int):
            found[iid] = anchor["total"]
    for iid, data in issue_data.items():
        if isinstance(data, dict) and isinstance(data.get("total"), int) and not isinstance(data["total"], bool):
            found[iid] = data["total"]
    return found


def issue_line(year: int, number: int, total: int | None) -> str:
    """2018年第48期（总第210期）: full-width parentheses; no 总期 part without numbering."""
    line = f"{year}年第{number}期"
    return f"{line}（总第{total}期）" if total is not None else line


def chinese_date(date: _dt.date) -> str:
    """2004年3月19日: Arabic numerals, no zero padding (GB/T 9704)."""
    return f"{date.year}年{date.month}月{date.day}日"


_DIGITS = "〇一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (heading numbers up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def parse_chinese_numeral(text: str) -> int | None:
    if not text or any(c not in _DIGITS + "十" for c in text):
        return None
    if "十" not in text:
        return _DIGITS.index(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:  # 十十, 二二十: no number (and no crash)
        return None
    t = _DIGITS.index(tens) if tens else 1
    o = _DIGITS.index(ones) if ones else 0
    return t * 10 + o
