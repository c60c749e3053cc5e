"""A whole printed issue (a past 简报 kept as .docx) → issue metadata and articles.

The parts of a printed issue, top to bottom: the masthead (报头), the issue
line (2018年第48期（总第210期）), the editor line with the date, a 编者按,
then 栏目 labels and articles (title, subtitle, body, attribution), and at the
foot the 版记 (报：… 送：… the issuer and print date, the contact line).
Our own DOCX names each part by its paragraph style, so those are read
exactly; a DOCX made elsewhere is read by the same cues a reader uses —
position, centring, size, the 版记's labels.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from ..i18n import N_
from ..numbering import parse_chinese_numeral
from .attribution import parse as parse_attribution
from .attribution import _pair_single_characters
from .blocks import Context, context_for, lines_of, to_blocks
from .counties import find_county
from .lines import Line, font_kind, strong_fonts_for
from .structure import SUBTITLE, TITLE_STYLES, title_text
from .wordxml import RawTable

OUR_STYLES = {"masthead title", "issue line", "editor line", "column label", "attribution", "editor note"}
ISSUE_LINE = re.compile(r"(?:(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*)?第\s*([0-9]+|[一二三四五六七八九十百〇零]+)\s*期"
                        r"(?:\s*[（(]?\s*总第\s*([0-9]+|[一二三四五六七八九十百〇零]+)\s*期\s*[)）]?)?")
DATE = re.compile(r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
IMPRINT_LABEL = re.compile(r"^(报|送|抄送|抄报|发|分送|印送)\s*[：:]\s*")
NOTE_LABEL = re.compile(r"^[【\[]?编者按[】\]]?\s*[：:]?\s*")
CONTACT = re.compile(r"^联系人")
_DIGITS = "〇一二三四五六七八九"


def _number(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(c in _DIGITS + "零" for c in text):  # 二〇一八
        return int("".join(str(_DIGITS.index(c) if c != "零" else 0) for c in text))
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        h = parse_chinese_numeral(hundreds) if hundreds else 1
        rest = rest.lstrip("零〇")
        r = parse_chinese_numeral(rest) if rest else 0
        return None if h is None or r is None else h * 100 + r
    return parse_chinese_numeral(text)


def find_date(text: str) -> _dt.date | None:
    m = DATE.search(text)
    if not m:
        return None
    y, mo, d = (_number(g) for g in m.groups())
    try:
        return _dt.date(y, mo, d)
    except (TypeError, ValueError):
        return None


@dataclass
class PastArticle:
    title: str
    subtitle: str | None
    blocks: list
    column: str | None
    unit: str = ""
    authors: list[str] = field(default_factory=list)
    attributed: bool = False
    county: str | None = None
    county_sure: bool = True


@dataclass
class PastIssue:
    masthead: str = ""
    year: int | None = None
    number: int | None = None
    total: int | None = None
    date: _dt.date | None = None
    editor: str = ""
    note: str | None = None
    articles: list[PastArticle] = field(default_factory=list)
    distribution: dict[str, str] = field(default_factory=dict)
    issuer: str = ""
    contact: str | None = None
    images: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)


def _imprint_table(item) -> bool:
    if not isinstance(item, RawTable):
        return False
    texts = [p.text for row in item.rows for cell in row for p in cell.paras]
    return any(IMPRINT_LABEL.match(t.strip()) or t.strip().endswith("印发") for t in texts)


def read_past(items: list, notes: list[str], known_counties: list[str] = ()) -> PastIssue:
    flat: list = []
    for item in items:  # the 版记 is a table in many issues (ours too): read its paragraphs
        if _imprint_table(item):
            flat.extend(p for row in item.rows for cell in row for p in cell.paras)
        else:
            flat.append(item)
    entries = [e for e in lines_of(flat, strong_fonts_for(flat)) if not (isinstance(e, Line) and not e.text and not e.images)]
    issue = PastIssue(notes=list(notes))
    ours = any(isinstance(e, Line) and e.style in OUR_STYLES for e in entries)
    ctx = context_for([e for e in entries if isinstance(e, Line) and e.style not in TITLE_STYLES])
    ctx.trust_styles = ours
    ctx.notes = issue.notes
    ctx.guesses = issue.guesses
    start = _masthead(entries, issue, ours)
    end = _imprint(entries, issue, start)
    _articles(entries[start:end], issue, ctx, ours, list(known_counties))
    issue.images = ctx.images
    if issue.date is None:
        issue.guesses.append(N_("no date found on the editor line or in the 版记"))
    return issue


def _masthead(entries: list, issue: PastIssue, ours: bool) -> int:
    """Reads the masthead lines; returns the index of the first line after them."""
    last = -1
    for k, e in enumerate(entries[:8]):
        if not isinstance(e, Line):
            break
        text = e.spaced
        if ours and e.style in ("masthead title", "marks"):
            if e.style == "masthead title":
                issue.masthead = e.text
            last = k
            continue
        m = ISSUE_LINE.search(text)
        if m and issue.number is None and len(text) < 40 and (not ours or e.style == "issue line"):
            issue.year = _number(m.group(1)) if m.group(1) else None
            issue.number = _number(m.group(2))
            issue.total = _number(m.group(3))
            last = k
            continue
        date = find_date(text)
        if date and (e.style == "editor line" or (not ours and len(text) < 60)) and issue.date is None:
            issue.date = date
            issue.editor = re.split(r"\s{2,}|\t", e.raw.text.strip())[0].strip()
            last = k
            break
        if k == 0 and not ours:
            issue.masthead = e.text
            last = k
            continue
        if issue.number is None and not ours and (e.align == "center" or k < 2):
            last = k  # 内部资料 marks, a second masthead line
            continue
        break
    if issue.year is None and issue.date is not None:
        issue.year = issue.date.year
    return last + 1


def _imprint(entries: list, issue: PastIssue, start: int) -> int:
    """Reads the 版记 at the end; returns where it starts."""
    first = len(entries)
    k = len(entries) - 1
    label = None
    found: list[tuple[str, str]] = []
    while k >= start:
        e = entries[k]
        if not isinstance(e, Line):
            break
        text = e.text
        if CONTACT.match(text) or text.endswith("印发") or re.match(r"^[（(]?共印\d+份[)）]?$", text):
            if text.endswith("印发"):
                issue.issuer = re.split(r"\s{2,}|\t", e.raw.text.strip())[0].strip()
                if issue.date is None:
                    issue.date = find_date(text)
            elif CONTACT.match(text):
                issue.contact = e.spaced
            first = k
            k -= 1
            continue
        m = IMPRINT_LABEL.match(text)
        if m:
            found.insert(0, (m.group(1), text[m.end():]))
            first = k
            k -= 1
            continue
        # a continuation line of a long 报/送 list (no label of its own)
        if found and k - 1 >= start and isinstance(entries[k - 1], Line) and IMPRINT_LABEL.match(entries[k - 1].text) and len(text) < 120 \
                and e.style not in ("attribution",) and e.align not in ("right",):
            found.insert(0, ("", text))
            first = k
            k -= 1
            continue
        break
    for label, text in found:
        if label:
            issue.distribution[label] = text
        elif issue.distribution:
            last = list(issue.distribution)[-1]
            issue.distribution[last] += text
    return first


def _is_label(line: Line, nxt, ctx: Context, ours: bool) -> bool:
    if ours:
        return line.style == "column label"
    text = line.text
    if re.match(r"^[【\[★☆◆■].{1,10}[】\]★☆◆■]$", text):
        return True
    return (len(text) <= 8 and not re.search(r"[，。；：]", text) and (line.all_bold or font_kind(line.font) == "hei")
            and isinstance(nxt, Line) and _is_title(nxt, ctx, False))


def _is_title(line: Line, ctx: Context, ours: bool) -> bool:
    if ours or line.style in TITLE_STYLES:
        return line.style in TITLE_STYLES
    if line.align != "center" or not line.text or SUBTITLE.match(line.text):
        return False
    if parse_attribution(line.spaced) is not None:
        return False
    bigger = bool(line.size and ctx.body_size and line.size > ctx.body_size + 0.5)
    return bigger or font_kind(line.font) == "song" and line.all_bold


def _articles(entries: list, issue: PastIssue, ctx: Context, ours: bool, known: list[str]) -> None:
    column: str | None = None
    current: dict | None = None
    k = 0

    def finish():
        if current is None:
            return
        body = current["body"]
        attr = None
        while body and isinstance(body[-1], Line) and not body[-1].images:
            line = body[-1]
            if ours and line.style != "attribution":
                break
            found = parse_attribution(line.spaced, right_aligned=line.align in ("right",))
            if found is None or not found:
                break
            attr = found
            body.pop()
            break
        art = PastArticle(current["title"], current["subtitle"], to_blocks(body, ctx), current["column"])
        if attr is not None:
            art.unit, art.authors, art.attributed = attr.unit, list(attr.authors), True
        for source in (art.unit, art.title):
            got = find_county(source, known)
            if got:
                art.county, art.county_sure = got
                break
        issue.articles.append(art)

    while k < len(entries):
        e = entries[k]
        nxt = entries[k + 1] if k + 1 < len(entries) else None
        if isinstance(e, Line) and e.text:
            if current is None and not issue.articles and (e.style == "editor note" or NOTE_LABEL.match(e.text)) \
                    and (e.style == "editor note" or e.text.startswith(("编者按", "【编者按", "[编者按"))):
                issue.note = NOTE_LABEL.sub("", e.text, count=1)
                k += 1
                continue
            if _is_label(e, nxt, ctx, ours):
                finish()
                current = None
                column = re.sub(r"^[【\[★☆◆■]|[】\]★☆◆■]$", "", e.text)
                k += 1
                continue
            if _is_title(e, ctx, ours):
                finish()
                lines = [e]
                k += 1
                while (k < len(entries) and isinstance(entries[k], Line) and entries[k].text and not ours
                       and _is_title(entries[k], ctx, ours) and entries[k].size == e.size):
                    lines.append(entries[k])
                    k += 1
                subtitle = None
                if k < len(entries) and isinstance(entries[k], Line) and (
                        entries[k].style == "subtitle" or (not ours and SUBTITLE.match(entries[k].text) and entries[k].align == "center")):
                    subtitle = SUBTITLE.sub("", title_text([entries[k]]))
                    k += 1
                current = {"title": title_text(lines), "subtitle": subtitle, "body": [], "column": column}
                continue
        if current is None:
            if isinstance(e, Line) and e.text:
                issue.notes.append(N_("text before the first article was left out: '{text}'", text=e.text[:30]))
        else:
            current["body"].append(e)
        k += 1
    finish()


def contact_fields(text: str) -> dict:
    """联系人：黄　彬　罗安桐　联系电话：0771—2898117　投稿邮箱：x@y → people, phone, email."""
    out: dict = {}
    parts = re.split(r"(联系人|联系电话|电话|投稿邮箱|电子邮箱|邮箱)\s*[：:]", text)
    for label, value in zip(parts[1::2], parts[2::2]):
        value = value.strip(" \u3000\t")
        if label == "联系人":
            tokens = [t for t in re.split(r"[\s\u3000、，,]+", value) if t]
            out["people"] = _pair_single_characters(tokens)
        elif label in ("联系电话", "电话"):
            out["phone"] = value
        else:
            out["email"] = value
    return out
