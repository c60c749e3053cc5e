"""A submission's lines → one article draft: title, subtitle, attribution,
body blocks, and what was inferred or guessed along the way.

The title is Word's Title style if the writer used it, else the first
centred paragraph, else the first paragraph set larger than the body; two
such paragraphs in a row are one title typed over two lines.  A centred
line opening with —— is the subtitle.  The attribution is looked for under
the title and at the end (see attribution.py); sign-off lines (审核, 签发,
联系电话) and a closing （完） are dropped, and each such decision is said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..i18n import N_
from .attribution import Attribution, parse
from .blocks import Context, context_for, lines_of, style_level, to_blocks
from .counties import find_county
from .lines import Line, strong_fonts_for, to_lines
from .wordxml import RawTable

TITLE_STYLES = {"title", "标题", "article title"}
SUBTITLE = re.compile(r"^(?:——|--|－－|―{2}|—|－)\s*")
_END_MARKS = re.compile(r"^[（(]?(?:完|全文完|结束)[)）]?$")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


@dataclass
class Draft:
    title: str
    subtitle: str | None
    blocks: list
    unit: str = ""
    authors: list[str] = field(default_factory=list)
    county: str | None = None
    county_sure: bool = True
    county_from: str = ""
    images: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)


def _is_bigger(line: Line, ctx: Context) -> bool:
    return bool(line.size and ctx.body_size and line.size > ctx.body_size + 0.5)


def find_title(entries: list, ctx: Context) -> tuple[int, int]:
    """(first, end) indexes of the title's lines among the first entries."""
    head = [(k, e) for k, e in enumerate(entries[:8]) if isinstance(e, Line) and e.text]
    for k, e in head:
        if e.style in TITLE_STYLES:
            end = k + 1
            while end < len(entries) and isinstance(entries[end], Line) and entries[end].style in TITLE_STYLES:
                end += 1
            return k, end
    centred = [(k, e) for k, e in head[:4] if e.align == "center" and not SUBTITLE.match(e.text) and parse(e.spaced) is None]
    if centred:
        # a letterhead line (乐业县委办公室) may be centred above the title, set smaller: take the largest
        top = max((e.size or 0) for _, e in centred)
        k, e = next((k, e) for k, e in centred if (e.size or 0) == top)
        end = k + 1
        while (end < len(entries) and end - k < 3 and isinstance(entries[end], Line) and entries[end].align == "center"
               and entries[end].text and not SUBTITLE.match(entries[end].text) and parse(entries[end].spaced) is None
               and entries[end].size == e.size and (e.size is None or _is_bigger(e, ctx))):
            end += 1
        return k, end
    bigger = [(k, e) for k, e in head[:4] if _is_bigger(e, ctx)]
    if bigger:
        k = max(bigger, key=lambda ke: ke[1].size)[0]
        return k, k + 1
    if head:
        ctx.guesses.append(N_("no centred or larger paragraph: the first paragraph '{text}' taken as the title", text=head[0][1].text[:30]))
        return head[0][0], head[0][0] + 1
    return 0, 0


def title_text(lines: list[Line]) -> str:
    parts = []
    for line in lines:
        for piece in to_lines(line.raw, title=True):
            parts.append(piece.text)
    return " ".join(p for p in parts if p)


def submission(items: list, notes: list[str], known_counties: list[str] = ()) -> Draft:
    entries = lines_of(items, strong_fonts_for(items))
    ctx = context_for(entries)
    ctx.notes.extend(notes)
    first, end = find_title(entries, ctx)
    if end == 0:
        return Draft("", None, [], notes=ctx.notes + [N_("the document holds no text")])
    before = [e for e in entries[:first] if isinstance(e, Line) and e.text]
    title = title_text(entries[first:end])
    rest = entries[end:]
    attribution = Attribution()
    for e in before:  # e.g. a unit's letterhead line above the title
        found = parse(e.spaced, right_aligned=True)
        if found:
            attribution = attribution.merge(found)
            ctx.note(N_("'{text}' above the title read as a letterhead: the unit, unless the attribution names one", text=e.spaced))
        else:
            ctx.note(N_("text above the title was left out: '{text}'", text=e.text[:30]))

    subtitle = None
    k = 0
    while k < len(rest) and isinstance(rest[k], Line) and not rest[k].images:
        line = rest[k]
        if subtitle is None and SUBTITLE.match(line.text) and (line.align == "center" or len(line.text) < 40):
            subtitle = SUBTITLE.sub("", title_text([line]))
            k += 1
            continue
        found = parse(line.spaced, right_aligned=line.align in ("center", "right"))
        if found is not None and (found or found.dropped):
            attribution = attribution.merge(found)
            if found:
                ctx.note(N_("attribution under the title: '{text}'", text=line.spaced))
            k += 1
            continue
        break
    body = rest[k:]
    # a writer who set the title in Heading 1 numbers 一、 with Heading 2: levels count from the body's top one
    levels = [lv for lv in (style_level(e) for e in body if isinstance(e, Line)) if lv]
    ctx.top_style_level = min(levels) if levels else 1

    # the end: attribution, sign-off lines, （完）, a date
    tail_attr = Attribution()
    while body and isinstance(body[-1], Line) and not body[-1].images:
        line = body[-1]
        text = line.text
        if _END_MARKS.match(text) or (_DATE_LINE.match(text) and line.align in ("right", "center")):
            ctx.note(N_("'{text}' at the end was left out", text=text))
            body.pop()
            continue
        found = parse(line.spaced, right_aligned=line.align in ("right", "center"))
        if found is None:
            split = None if tail_attr or tail_attr.dropped else _split_trailing(line)
            if split is None:
                break
            body[-1], found = split
            tail_attr = found.merge(tail_attr)
            ctx.note(N_("the attribution at the end of the last paragraph was taken out of its text: '{text}'", text=line.spaced[-30:]))
            break
        if found.dropped:
            ctx.note(N_("sign-off lines left out: {lines}", lines="；".join(found.dropped)))
        if not found.sure:
            ctx.guesses.append(N_("'{text}' read as the attribution (unit '{unit}', authors {authors})", text=text, unit=found.unit,
                                  authors="、".join(found.authors) or "-"))
        tail_attr = found.merge(tail_attr)
        body.pop()
    attribution = tail_attr.merge(attribution) if tail_attr else attribution
    blocks = to_blocks(body, ctx)
    draft = Draft(title, subtitle, blocks, attribution.unit, attribution.authors, images=ctx.images,
                  notes=ctx.notes, guesses=ctx.guesses)
    _county(draft, known_counties)
    if not attribution:
        draft.guesses.append(N_("no attribution line found: unit and author left empty (the unit defaults to the county)"))
    return draft


def _split_trailing(line: Line):
    """'…收入。（乐业县委办公室 周白阳）' → (the line without it, attribution)."""
    m = re.search(r"[（(][^（()）]{4,40}[)）]$", line.spaced)
    if not m or m.start() == 0:
        return None
    found = parse(m.group(0))
    if not found or not found.unit:
        return None
    keep = len(line.chars) - len(re.sub(r"\s", "", m.group(0)))
    chars = line.chars[:keep]
    while chars and chars[-1][0].isspace():
        chars = chars[:-1]
    return Line(chars, line.raw, line.size, line.font, [], line.spaced[: m.start()].rstrip()), found


def _county(draft: Draft, known: list[str]) -> None:
    for source, text in ((N_("the unit"), draft.unit), (N_("the title"), draft.title)):
        found = find_county(text, list(known))
        if found:
            draft.county, draft.county_sure = found
            draft.county_from = source
            return
    first = next((b for b in draft.blocks if hasattr(b, "spans") and b.spans), None)
    if first is not None:
        found = find_county("".join(s.text for s in first.spans)[:20], list(known))
        if found:
            draft.county, draft.county_sure, draft.county_from = found[0], False, N_("the first paragraph")


__all__ = ["Draft", "submission", "find_title", "title_text", "RawTable"]
