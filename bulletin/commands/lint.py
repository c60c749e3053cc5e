"""Lint rules: what `bulletin check` reports beyond the errors that stop a build.

Every rule is a pure function from sources (an article's text, its model
blocks, an issue list) to findings; nothing here reads or writes files.  A
finding of a fixable rule carries the edits that repair it, so `check` (which
reports) and `check --fix` (which applies, in fix.py) cannot disagree about
what a rule matched.

The catalogue, RULES, is the one place that says a rule's code, severity and
whether `--fix` repairs it.  Text rules look at the source lines (so they can
point at line and column and rewrite only what they matched); heading rules
look at the model blocks the reader made of them.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bulletin.commands.paragraph_breaks import joined_paragraphs
from bulletin.diagnostics import Diagnostic
from bulletin.i18n import N_
from bulletin.model import Heading, Para, plain_text
from bulletin.numbering import IssueId, chinese_numeral, parse_chinese_numeral
from bulletin.sources.reader import markdown
from bulletin.text.chars import is_cjk


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # "error" | "warning"
    title: str
    fixable: bool = False


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule("W101", "warning", "heading number skipped (一、二、四、)"),
    Rule("W102", "warning", "heading number repeated or out of order (一、二、二、)"),
    Rule("W103", "warning", "（一） heading with no 一、 heading above it"),
    Rule("W104", "warning", "heading marked at the wrong level for its number (### 一、)"),
    Rule("W110", "warning", "half-width punctuation in Chinese text", fixable=True),
    Rule("W111", "warning", "space between hanzi and digits or Latin", fixable=True),
    Rule("W112", "warning", "paragraph broken mid-sentence", fixable=True),
    Rule("W113", "warning", "paragraphs separated by one line break print as one", fixable=True),
    Rule("W120", "warning", "第N期 missing between two issues of a year"),
    Rule("W121", "warning", "issue dated before the issue it follows"),
    Rule("W122", "warning", "issue dated in another year than its id"),
    Rule("W130", "warning", "article title too long for its lines"),
    Rule("W123", "warning", "issue without articles (skipped by build --all)"),
    Rule("W140", "warning", "scaffold placeholder left in (张三, 0000-0000000, 在此填写…)"),
    Rule("E034", "error", "two issues with one 总期号"),
    # Reported by the reader (sources/charkinds.py) and by check's font pass
    # (commands/sequences.py); repaired by fix.invisible_findings.
    Rule("W150", "warning", "zero-width space or word joiner (invisible; dropped)", fixable=True),
    Rule("W151", "warning", "U+2028/U+2029 line or paragraph separator", fixable=True),
    Rule("W152", "warning", "variation selector no PDF font has a variant for"),
    Rule("W153", "warning", "combining mark with no precomposed character (the PDF leaves it out)"),
)}


# ------------------------------------------------------------------ findings


@dataclass(frozen=True)
class Edit:
    """A safe repair.  `line` is a 0-based index into the file's lines.
    Replace lines[line][start:end] with `text`; or, when `join_to` is set,
    join line `line` with line `join_to` (the blank lines between vanish);
    or, when `blank_after` is set, insert an empty line after line `line`."""

    line: int
    start: int = 0
    end: int = 0
    text: str = ""
    join_to: int | None = None
    blank_after: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    line: int  # 1-based, in the file
    col: int  # 1-based
    message: str
    edits: tuple[Edit, ...] = ()
    change: str = ""  # what --fix does, for its report: '设 1 至' → '设1至'

    def diagnostic(self, path: str) -> Diagnostic:
        rule = RULES[self.code]
        return Diagnostic(path, self.line, self.col, self.code, self.message, rule.severity, fix=bool(self.edits))


# ----------------------------------------------------------- character classes


def is_han(ch: str) -> bool:
    o = ord(ch) if ch else 0
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF or o == 0x3007


LATIN = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ%‰℃°")
FULL_WIDTH = {",": "，", ".": "。", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
MARKUP = "*_~"  # emphasis markers: invisible in print, so rules look through them
# A paragraph ending in one of these ends a sentence (or a quotation, a bracket).
CLOSING_END = frozenset("。！？；：…—”’）》」』】〕〉!?;:)]\"'|")
CN_DIGITS = "一二三四五六七八九十〇"

# 图1 说明 / 表2-1 说明: a caption's space after its number is the convention, not a finding.
CAPTION_NUMBER = re.compile(r"(?:附图|附表|附件|图|表)\s*\d+(?:[.．\-－]\d+)*$")
# Starts of numbered items and headings: never the continuation of a broken paragraph.
NUMBERED_START = re.compile(
    rf"^(?:[{CN_DIGITS}]+[、．.是]|第[{CN_DIGITS}]+[，、是条章节部]|[（(][{CN_DIGITS}\d]+[）)]|\d+[、．.）)]|[①-⑳])"
)

# Regions of a line no text rule may touch: code, link targets, URLs, e-mail addresses.
_PROTECTED = re.compile(
    r"(`+).*?\1"  # inline code
    r"|\]\([^)]*\)"  # link / image destination (and title)
    r"|^\s*\[[^\]]+\]:.*$"  # link reference definition
    r"|<[^>\s]+>"  # autolink
    r"|(?:https?|ftp)://[!-;=?-~]+|www\.[!-;=?-~]+"  # URLs: ASCII only, so Chinese text after one stays linted
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)


def _protected(line: str) -> list[bool]:
    mask = [False] * len(line)
    for m in _PROTECTED.finditer(line):
        for i in range(m.start(), m.end()):
            mask[i] = True
    return mask


def _snippet(line: str, start: int, end: int, width: int = 3) -> str:
    return line[max(0, start - width): end + width].strip()


# ------------------------------------------------------------- text rules


def front_matter_end(lines: Sequence[str]) -> int | None:
    """Index of the first body line; 0 without front matter; None when the
    front matter never closes (the reader reports that)."""
    if not lines or lines[0].strip() != "---":
        return 0
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return i + 1
    return None


def lint_text(text: str) -> list[Finding]:
    """The text rules (W110 punctuation width, W111 spacing, W112 broken
    paragraphs) over an article file's text (newlines normalised to \\n)."""
    lines = text.split("\n")
    start = front_matter_end(lines)
    if start is None:
        return []
    tokens = markdown().parse("\n".join(lines[start:]))
    skip: set[int] = set()
    paragraphs: list[tuple[int, int]] = []
    for tok in tokens:
        if not tok.map:
            continue
        first, last = tok.map[0] + start, tok.map[1] + start
        if tok.type in ("fence", "code_block", "html_block"):
            skip.update(range(first, last))
        elif tok.type == "paragraph_open" and tok.level == 0:
            paragraphs.append((first, last))
    findings: list[Finding] = []
    for i in range(start, len(lines)):
        if i not in skip and lines[i].strip():
            findings.extend(_line_rules(i, lines[i]))
    findings.extend(_broken_paragraphs(lines, paragraphs))
    findings.extend(
        Finding("W113", j.line + 2, j.col, j.message, (Edit(j.line, blank_after=True),), j.change)
        for j in joined_paragraphs(lines, paragraphs)
    )
    return findings


def _look(line: str, i: int, step: int) -> str:
    """The nearest character from index i in direction step, looking through
    emphasis markers; '' at the line's end."""
    while 0 <= i < len(line):
        if line[i] not in MARKUP:
            return line[i]
        i += step
    return ""


def _line_rules(n: int, line: str) -> list[Finding]:
    mask = _protected(line)
    out: list[Finding] = []
    out.extend(_punctuation(n, line, mask))
    out.extend(_parentheses(n, line, mask))
    out.extend(_spaces(n, line, mask))
    return out


def _punctuation(n: int, line: str, mask: list[bool]) -> Iterable[Finding]:
    """W110: , . ; : ? ! after Chinese text and before Chinese text (or the line's end)."""
    for j, ch in enumerate(line):
        if ch not in ",.;:?!" or mask[j]:
            continue
        if ch == "." and (line[j - 1: j] == "." or line[j + 1: j + 2] == "."):
            continue  # ... is an ellipsis, not a full stop
        prev = _look(line, j - 1, -1)
        if not is_cjk(prev):
            continue
        end = j + 1
        while end < len(line) and line[end] in " \t":
            end += 1
        nxt = _look(line, end, 1)
        if nxt and not is_cjk(nxt):
            continue
        repl = FULL_WIDTH[ch]
        # 一.盘活…  is a heading number typed with a dot: it takes 、
        if ch == "." and re.fullmatch(rf"[#>\s*]*[{CN_DIGITS}]+", line[:j]):
            repl = "、"
        yield Finding(
            "W110", n + 1, j + 1,
            N_("half-width '{char}' in Chinese text: write '{repl}' ({snippet})", char=ch, repl=repl, snippet=_snippet(line, j, end)),
            (Edit(n, j, end, repl),),
            f"'{line[max(0, j - 1): end + 1]}' → '{line[max(0, j - 1): j]}{repl}{line[end: end + 1]}'",
        )


def _parentheses(n: int, line: str, mask: list[bool]) -> Iterable[Finding]:
    """W110: a ( ) pair around Chinese text, or between Chinese text, is full-width （ ）."""
    stack: list[int] = []
    for j, ch in enumerate(line):
        if mask[j] or ch not in "()":
            continue
        if ch == "(":
            stack.append(j)
            continue
        if not stack:
            continue
        k = stack.pop()
        inner = line[k + 1: j]
        before, after = _look(line, k - 1, -1), _look(line, j + 1, 1)
        chinese_inside = any(is_han(c) for c in inner)
        between = (not before or is_cjk(before)) and (not after or is_cjk(after)) and (is_cjk(before) or is_cjk(after))
        if not inner.strip() or not (chinese_inside or between):
            continue
        fixed = "（" + inner + "）"
        yield Finding(
            "W110", n + 1, k + 1,
            N_("half-width parentheses in Chinese text: write （…） ({snippet})", snippet=_snippet(line, k, j + 1, 2)),
            (Edit(n, k, k + 1, "（"), Edit(n, j, j + 1, "）")),
            f"'{line[k: j + 1]}' → '{fixed}'",
        )


def _spaces(n: int, line: str, mask: list[bool]) -> Iterable[Finding]:
    """W111: spaces between a hanzi (or Chinese punctuation) and digits or Latin letters."""
    for m in re.finditer(r"[ \t]+", line):
        a, b = m.start(), m.end()
        if a == 0 or b >= len(line) or mask[a - 1] or mask[b]:
            continue
        left, right = line[a - 1], line[b]
        if not ((is_cjk(left) and right in LATIN) or (left in LATIN and is_cjk(right))):
            continue
        if CAPTION_NUMBER.search(line[:a]):
            continue  # 图1 说明
        kind = N_("digits") if (left.isdigit() or right.isdigit()) else N_("Latin")
        yield Finding(
            "W111", n + 1, a + 1,
            N_("space between Chinese text and {kind}: '{snippet}'", kind=kind, snippet=_snippet(line, a, b)),
            (Edit(n, a, b, ""),),
            f"'{line[a - 1: b + 1]}' → '{left}{right}'",
        )


def _broken_paragraphs(lines: list[str], paragraphs: list[tuple[int, int]]) -> Iterable[Finding]:
    """W112: paragraph A ends mid-sentence and the next paragraph B, after
    only blank lines, continues it: the mark of a page break in text copied
    out of a PDF ("规划建" / blank / "设1至2个…")."""
    for (a0, a1), (b0, _b1) in pairwise(paragraphs):
        if any(lines[i].strip() for i in range(a1, b0)):
            continue  # something (a comment, a heading…) lies between them
        a_text = " ".join(lines[i].strip() for i in range(a0, a1))
        tail = lines[a1 - 1].rstrip()
        head = lines[b0].lstrip()
        if not tail or not head or not _ends_open(a_text) or not _continues(head):
            continue
        yield Finding(
            "W112", a1, len(tail),
            N_("paragraph ends mid-sentence ('…{tail}') and line {next} continues it ('{head}…'): join them", tail=tail[-6:], next=b0 + 1, head=head[:6]),
            (Edit(a1 - 1, join_to=b0),),
            N_("joined line {next} to line {line}: '…{tail}' + '{head}…'", next=b0 + 1, line=a1, tail=tail[-4:], head=head[:4]),
        )


def _ends_open(text: str) -> bool:
    """Does the paragraph stop without closing punctuation, like a sentence cut off?"""
    last = text.rstrip()[-1:]
    if not last or last in CLOSING_END or last in MARKUP + "`":
        return False  # a closing mark, or a bold line (a heading typed as bold)
    if not any(c in "，、。；：！？" for c in text):
        return False  # no punctuation at all: a label, a caption, a heading without '#'
    # 一、… without a full stop is an unpunctuated heading typed as a paragraph
    return not (NUMBERED_START.match(text.lstrip("*_ ")) and not any(c in "。！？" for c in text))


def _continues(head: str) -> bool:
    """Can this paragraph start be the rest of a cut sentence?"""
    first = head[:1]
    if not (is_han(first) or first in "“‘《「『" or first.isdigit()):
        return False
    return not NUMBERED_START.match(head)


# ----------------------------------------------------------- heading rules

# Heading number kinds, outermost first: 一、 （一） 1． （1）
_KINDS = (
    (1, re.compile(rf"^\s*([{CN_DIGITS}]+)、")),
    (2, re.compile(rf"^\s*[（(]([{CN_DIGITS}]+)[）)]")),
    (3, re.compile(r"^\s*(\d+)[．.、](?!\d)")),  # 1．… but not 3.2万户
    (4, re.compile(r"^\s*[（(](\d+)[）)]")),
)


def heading_number(text: str) -> tuple[int, int, str] | None:
    """(kind, number, label) of a heading's typed number: '二、…' → (1, 2, '二、')."""
    for kind, pattern in _KINDS:
        m = pattern.match(text)
        if m:
            digits = m.group(1)
            value = parse_chinese_numeral(digits) if kind in (1, 2) else int(digits)
            if value:
                return kind, value, m.group(0).strip()
    return None


def _label(kind: int, value: int) -> str:
    # Only the kind asked for is formatted: a `### 100．` heading has no Chinese numeral.
    if kind == 1:
        return f"{chinese_numeral(value)}、"
    if kind == 2:
        return f"（{chinese_numeral(value)}）"
    return f"{value}．" if kind == 3 else f"（{value}）"


def lint_headings(blocks: Sequence, lines: Sequence[str] = ()) -> list[Finding]:
    """W101–W104 over one article's blocks.  Headings (`## 一、`) and run-in
    heads (`**二、…**`) count alike; a new 一、 restarts the （一） count, a
    new （一） the 1． count.  `lines` (the file's lines) give the column."""
    out: list[Finding] = []
    last: dict[int, tuple[int, int]] = {}  # kind → (number, line)
    orphan_reported = False
    for block in blocks:
        if isinstance(block, Heading):
            text, level = plain_text(block.spans), block.level
        elif isinstance(block, Para) and block.lead:
            text, level = plain_text(block.lead), None
        else:
            continue
        found = heading_number(text)
        if found is None or block.src is None:
            continue
        kind, value, label = found
        line = block.src.line
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        col = source.find(label[:1]) + 1 if label[:1] in source else 1
        if level is not None and kind <= 3 and level != kind:
            marks = "#" * (kind + 1)
            out.append(Finding("W104", line, col, N_("heading {label} is a level-{kind} number but is marked as level {level}: write '{marks} {label}…'", label=label, kind=kind, level=level, marks=marks)))
        if kind == 2 and 1 not in last and not orphan_reported:
            out.append(Finding("W103", line, col, N_("heading {label} has no {parent} heading above it", label=label, parent=_label(1, 1))))
            orphan_reported = True
        prev = last.get(kind)
        expected = prev[0] + 1 if prev else 1
        if value > expected:
            missing = "、".join(_label(kind, v) for v in range(expected, value)) if value - expected <= 3 else f"{_label(kind, expected)}…{_label(kind, value - 1)}"
            after = N_("follows {prev} (line {line})", prev=_label(kind, prev[0]), line=prev[1]) if prev else N_("is the first of its level")
            out.append(Finding("W101", line, col, N_("heading {label} {after}: {missing} is missing", label=label, after=after, missing=missing)))
        elif prev and value == prev[0]:
            out.append(Finding("W102", line, col, N_("heading {label} repeats the number of line {line}", label=label, line=prev[1])))
        elif prev and value < prev[0]:
            out.append(Finding("W102", line, col, N_("heading {label} comes after {prev} (line {line}): numbers out of order", label=label, prev=_label(kind, prev[0]), line=prev[1])))
        last[kind] = (value, line)
        for deeper in [k for k in last if k > kind]:
            del last[deeper]
    return out


# -------------------------------------------------------------- title rule


def text_width_em(text: str) -> float:
    """Width in ems: hanzi and full-width marks 1, Latin, digits and spaces ½."""
    return sum(1.0 if is_cjk(c) or unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def title_lines(title: str, block_width_pt: float, size_pt: float) -> tuple[int, int]:
    """(lines needed, characters per line) for a title set at size_pt in the block."""
    per_line = max(1, math.floor(block_width_pt / size_pt + 1e-6))
    return max(1, math.ceil(text_width_em(title.strip()) / per_line - 1e-9)), per_line


def lint_title(title: str, line: int, col: int, block_width_pt: float, size_pt: float, size_name: str, max_lines: int = 2) -> list[Finding]:
    """W130: a title that needs more than max_lines lines at its size in the type block."""
    needed, per_line = title_lines(title, block_width_pt, size_pt)
    if needed <= max_lines:
        return []
    return [Finding(
        "W130", line, col,
        N_("title needs {needed} lines at {size}, {per_line} characters a line; at most {max_lines}: "
           "shorten it or move part into 'subtitle'", needed=needed, size=size_name, per_line=per_line, max_lines=max_lines),
    )]


# ------------------------------------------------------ repository rules


@dataclass(frozen=True)
class IssueFacts:
    """What the repository-wide rules need of one issue."""

    id: IssueId
    path: str  # issues/2018-48/issue.yaml
    date: _dt.date | None
    date_line: int
    total: int | None  # 总第N期 as counted
    total_line: int  # the line of an explicit `total:`, else 1


def lint_issue_sequence(issues: Sequence[IssueFacts]) -> list[tuple[IssueId, Diagnostic]]:
    """W120 gaps in 第N期 within a year, W121 dates going backwards, W122 a
    date in another year, E034 two issues with one 总期号.  Each finding is
    paired with the issue it belongs to (the later one of a pair), so a
    check of some issues reports only theirs."""
    out: list[tuple[IssueId, Diagnostic]] = []

    def add(issue: IssueFacts, code: str, line: int, message: str) -> None:
        out.append((issue.id, Diagnostic(issue.path, line, 1, code, message, RULES[code].severity)))

    ordered = sorted(issues, key=lambda i: i.id)
    for prev, cur in pairwise(ordered):
        if cur.id.year == prev.id.year and cur.id.number > prev.id.number + 1:
            lo, hi = prev.id.number + 1, cur.id.number - 1
            gap = f"第{lo}期" if lo == hi else f"第{lo}–{hi}期"
            add(cur, "W120", 1, N_("issue {iid} follows {prev}: {gap} of {year} is missing", iid=str(cur.id), prev=str(prev.id), gap=gap, year=cur.id.year))
        if cur.date and prev.date and cur.date < prev.date:
            add(cur, "W121", cur.date_line, N_("issue {iid} is dated {date}, before {prev} ({prev_date}) which it follows", iid=str(cur.id), date=cur.date.isoformat(), prev=str(prev.id), prev_date=prev.date.isoformat()))
    for issue in ordered:
        if issue.date and issue.date.year != issue.id.year:
            add(issue, "W122", issue.date_line, N_("issue {iid} is dated {date}, in {year}: 第N期 counts restart each year", iid=str(issue.id), date=issue.date.isoformat(), year=issue.date.year))
    first_with: dict[int, IssueFacts] = {}
    for issue in ordered:
        if issue.total is None:
            continue
        if issue.total in first_with:
            other = first_with[issue.total]
            add(issue, "E034", issue.total_line, N_("issue {iid} has 总第{total}期, like issue {other}: set 'total:' so each issue has its own", iid=str(issue.id), total=issue.total, other=str(other.id)))
        else:
            first_with[issue.total] = issue
    return out
