"""A raw Word paragraph → a `Line`: its text with the layout taken out.

Offices indent with typed spaces or U+3000, break lines with Shift+Enter,
pad two-character names to three (黄　彬) and centre titles with spaces.
None of that is text.  Here: leading and trailing whitespace goes, a run of
whitespace next to a Chinese character goes (between two Latin words it is
one space), a soft break joins its two lines, except when the line after it
starts indented, which is how a writer who pressed Shift+Enter for Enter
starts a new paragraph.  Titles keep one space where a writer broke them
(the title breaker's own convention for "break here").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import Span, Spans
from .wordxml import SOFT, Image, RawPara

_WS = " \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"
_INDENT_AFTER_BREAK = re.compile(r"^(?:[ \u00a0]{2,}|\u3000|\t)")


def is_wide(ch: str) -> bool:
    """Chinese (and full-width) text, where no space separates words."""
    return bool(ch) and (ord(ch) >= 0x2E80 or ch in "“”‘’—…·")


@dataclass
class Line:
    chars: list[tuple[str, bool, bool]]  # (character, bold, italic), layout removed
    raw: RawPara
    size: float | None = None
    font: str = ""
    images: list[Image] = field(default_factory=list)
    spaced: str = ""  # the text keeping one space where the writer typed space between words (attributions)

    @property
    def text(self) -> str:
        return "".join(c for c, _, _ in self.chars)

    @property
    def style(self) -> str:
        return self.raw.style

    @property
    def align(self) -> str:
        return self.raw.align

    @property
    def all_bold(self) -> bool:
        marks = [b for c, b, _ in self.chars if not c.isspace()]
        return bool(marks) and all(marks)

    def spans(self, start: int = 0, end: int | None = None, bold: bool | None = None) -> Spans:
        out: list[Span] = []
        for ch, b, i in self.chars[start:end]:
            b = b if bold is None else bold
            if out and (out[-1].bold, out[-1].italic) == (b, i):
                out[-1] = Span(out[-1].text + ch, b, i)
            else:
                out.append(Span(ch, b, i))
        return tuple(out)

    def lead_end(self) -> int:
        """Index where a bold lead ends (0: the paragraph does not open in bold,
        or is bold throughout)."""
        n = 0
        while n < len(self.chars) and self.chars[n][1]:
            n += 1
        rest = "".join(c for c, _, _ in self.chars[n:]).strip()
        return n if n and rest else 0


def font_kind(name: str) -> str:
    """hei / kai / fangsong / song / '' from a font name as offices type it."""
    low = name.lower()
    if "黑" in name or "hei" in low or "雅黑" in name or "yahei" in low:
        return "hei"
    if "楷" in name or "kai" in low:
        return "kai"
    if "小标宋" in name or "biaosong" in low:  # 方正小标宋 (FangZheng XiaoBiaoSong): a title face
        return "song"
    if "仿宋" in name or "fang" in low:  # FangSong, STFangsong, FandolFang
        return "fangsong"
    if "宋" in name or "song" in low or "sun" in low:
        return "song"
    return ""


def strong_fonts_for(items) -> frozenset:
    """Faces that mark a heading or a lead in this document: 黑体 where the
    body is set in something else (offices often set 一级标题 in 黑体 without bold)."""
    kinds: Counter = Counter()
    for item in items:
        if isinstance(item, RawPara):
            for run in item.runs:
                kinds[font_kind(run.font)] += len(run.text.strip())
    body = kinds.most_common(1)[0][0] if kinds else ""
    return frozenset() if body == "hei" else frozenset({"hei"})


def to_lines(raw: RawPara, title: bool = False, strong_fonts: frozenset = frozenset()) -> list[Line]:
    """One raw paragraph → one or more Lines (a soft break before indented
    text starts a new one); empty paragraphs give none.  Text in one of
    `strong_fonts` counts as bold: it is set apart the way bold is."""
    pieces: list[list[tuple[str, bool, bool]]] = [[]]
    runs = raw.runs
    strong = [r.bold or (bool(strong_fonts) and font_kind(r.font) in strong_fonts) for r in runs]
    label = raw.label
    if label:
        bold = raw.label_bold or any(strong[:1])
        pieces[0].extend((c, bold, False) for c in label)
    for k, run in enumerate(runs):
        for j, ch in enumerate(run.text):
            if ch == SOFT:
                after = _after(runs, k, j)
                if _INDENT_AFTER_BREAK.match(after) and pieces[-1]:
                    pieces.append([])
                else:
                    pieces[-1].append((" " if title else "\u0000", strong[k], run.italic))
                continue
            # Chinese faces have no italic: a slanted hanzi is Word's fake; only Latin keeps it
            pieces[-1].append((ch, strong[k], run.italic and not is_wide(ch)))
    sizes: Counter = Counter()
    fonts: Counter = Counter()
    for run in runs:
        n = len(run.text.strip(_WS + SOFT))
        if n:
            if run.size:
                sizes[run.size] += n
            fonts[run.font] += n
    size = sizes.most_common(1)[0][0] if sizes else None
    font = fonts.most_common(1)[0][0] if fonts else ""
    out = []
    for chars in pieces:
        spaced = "".join(c for c, _, _ in squeeze(chars, keep_wide_space=True))
        chars = squeeze(chars, keep_wide_space=title)
        if chars:
            out.append(Line(chars, raw, size, font, spaced=spaced))
    if raw.images:
        if out:
            out[-1].images = list(raw.images)
        else:
            out.append(Line([], raw, size, font, list(raw.images)))
    return out


def _after(runs, k: int, j: int) -> str:
    text = runs[k].text[j + 1 :]
    for run in runs[k + 1 :]:
        if len(text) > 4:
            break
        text += run.text
    return text


def squeeze(chars: list[tuple[str, bool, bool]], keep_wide_space: bool = False) -> list[tuple[str, bool, bool]]:
    """Drop layout whitespace: at both ends, and next to Chinese characters
    (a soft break, marked \\0, joins without a space there too).  Between
    Latin words one space stays; `keep_wide_space` (titles) keeps one space
    between Chinese characters as the writer's line break."""
    out: list[tuple[str, bool, bool]] = []
    i, n = 0, len(chars)
    while i < n:
        ch = chars[i][0]
        if ch in _WS or ch == "\u0000" or ch == SOFT:
            j = i
            soft_only = True
            while j < n and (chars[j][0] in _WS or chars[j][0] in ("\u0000", SOFT)):
                soft_only &= chars[j][0] == "\u0000"
                j += 1
            prev = out[-1][0] if out else ""
            nxt = chars[j][0] if j < n else ""
            if prev and nxt:
                if is_wide(prev) and is_wide(nxt):
                    if keep_wide_space and not soft_only:
                        out.append((" ", chars[i][1], chars[i][2]))
                elif not (is_wide(prev) or is_wide(nxt)):
                    out.append((" ", chars[i][1], chars[i][2]))
            i = j
            continue
        out.append(chars[i])
        i += 1
    return out
