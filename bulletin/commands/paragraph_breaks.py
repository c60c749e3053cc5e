"""W113: paragraphs separated by a single line break, as Word and WPS paste them.

In Word every line is a paragraph; pasted into Markdown, `一、… 二、… 三、…`
with one line break between them become one paragraph, and print as one
block.  A line break inside a paragraph is a wrap when the line stops
mid-sentence (the reader joins those, as it should); it is a lost paragraph
break when the line ends a sentence and the next line starts the way a
paragraph starts: a heading number, or a new sentence.

Pure: line texts in, raw findings out.  lint.py turns them into Findings
(this module must not import it: lint.py imports this one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bulletin.i18n import N_
from bulletin.text.chars import is_cjk

MARKUP = "*_~"
# A sentence ends in 。！？；： , or in one of them followed by closing quotes or brackets.
SENTENCE_END = re.compile(r"[。！？；：][”’」』）》〕】]*$")
_CN = "一二三四五六七八九十〇"
# Heading numbers: 一、 （一） 1． （1） ①, and 第一，/第一条 …
HEADING_START = re.compile(
    rf"^(?:[{_CN}]+[、．.]|第[{_CN}]+[，、条章节部]|[（(][{_CN}\d]+[）)]|\d+[、．]|[①-⑳])"
)
OPENERS = "“‘《「『（【〔"


@dataclass(frozen=True)
class JoinedParagraph:
    line: int  # 0-based index of the line that ends a sentence
    col: int  # 1-based column of the next line's first character
    message: str
    change: str


def _strip_markup(text: str) -> str:
    return text.strip().strip(MARKUP).strip()


def starts_paragraph(line: str) -> bool:
    """Does this line start the way a paragraph (or a run-in heading) starts?"""
    head = _strip_markup(line)
    if not head:
        return False
    if HEADING_START.match(head):
        return True
    first = head[0]
    return first in OPENERS or first.isdigit() or (is_cjk(first) and first not in "，。、；：？！）》”’…—")


def ends_sentence(line: str) -> bool:
    if line.endswith(("  ", "\\")):
        return False  # a hard line break: the writer asked for it
    return bool(SENTENCE_END.search(line.rstrip().rstrip(MARKUP)))


def joined_paragraphs(lines: Sequence[str], paragraphs: Iterable[tuple[int, int]]) -> list[JoinedParagraph]:
    """Each line break, inside a top-level paragraph (first, last line
    indices, last exclusive), that follows a finished sentence and precedes a
    paragraph start."""
    out = []
    for first, last in paragraphs:
        for i in range(first, last - 1):
            a, b = lines[i], lines[i + 1]
            if not a.strip() or not b.strip() or not ends_sentence(a) or not starts_paragraph(b):
                continue
            tail, head = a.rstrip()[-6:], b.strip()[:6]
            out.append(JoinedParagraph(
                i, len(b) - len(b.lstrip()) + 1,
                N_("one line break only after line {line} ('…{tail}'): Markdown joins '{head}…' to it "
                   "and prints one paragraph; leave a blank line between them", line=i + 1, tail=tail, head=head),
                N_("blank line inserted between line {line} and line {next} ('…{tail}' / '{head}…')",
                   line=i + 1, next=i + 2, tail=a.rstrip()[-4:], head=b.strip()[:4]),
            ))
    return out
