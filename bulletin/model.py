"""The document model: what a bulletin issue *is*, independent of how it was
written (YAML, Markdown) or how it is rendered (DOCX, PDF).

Writers depend on this module and nothing upstream of it; readers produce it.
Every node is a frozen dataclass so an assembled Bulletin can be shared between
writers (and worker processes) without anyone mutating it.  Nodes that come
from a source file keep `src` (path relative to the repository root, 1-based
line) so later checks can point at the writer's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Src:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


# ---------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Span:
    """A run of text with uniform emphasis.  Inline content is a flat tuple
    of spans: both writers think in runs, not in nested trees."""

    text: str
    bold: bool = False
    italic: bool = False


Spans = tuple[Span, ...]


def plain_text(spans: Spans) -> str:
    return "".join(s.text for s in spans)


# ----------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    level: int  # 1 一、 黑体 · 2 （一） 楷体 · 3 1． 仿宋 bold
    spans: Spans
    src: Src | None = None


@dataclass(frozen=True)
class Para:
    """Body paragraph.  `lead` is a run-in heading (`**二、…。**正文`):
    printed bold on the same line, then `spans` continue."""

    spans: Spans
    lead: Spans = ()
    src: Src | None = None


@dataclass(frozen=True)
class Quote:
    """按语 / quoted instruction: one or more paragraphs set in 楷体."""

    paras: tuple[Para, ...]
    src: Src | None = None


@dataclass(frozen=True)
class Table:
    header: tuple[Spans, ...]
    rows: tuple[tuple[Spans, ...], ...]
    aligns: tuple[str, ...] = ()  # per column: "left" | "center" | "right" | ""
    src: Src | None = None


@dataclass(frozen=True)
class Figure:
    path: str  # resolved path relative to the repository root
    caption: str
    src: Src | None = None


Block = Heading | Para | Quote | Table | Figure
BLOCK_TYPES: tuple[type, ...] = (Heading, Para, Quote, Table, Figure)


# -------------------------------------------------------------- structure


@dataclass(frozen=True)
class Article:
    title: str
    county: str
    blocks: tuple[Block, ...]
    attribution: str | None  # e.g. （乐业县委办公室 周白阳）, None when switched off
    subtitle: str | None = None
    column: str | None = None
    unit: str = ""
    authors: tuple[str, ...] = ()
    src: Src | None = None


@dataclass(frozen=True)
class ColumnGroup:
    """Consecutive articles sharing one 栏目 label (label None: no label)."""

    label: str | None
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Masthead:
    title: str  # 广西精准脱贫攻坚简报
    issue_line: str  # 2018年第48期（总第210期）
    editor: str  # 广西壮族自治区扶贫开发办公室编
    date_text: str  # 2018年11月15日
    marks: tuple[str, ...] = ()  # optional top-left marks, e.g. 内部资料 注意保存


@dataclass(frozen=True)
class DistributionLine:
    label: str  # 报 / 送 / 发
    text: str  # recipients, ending with 。


@dataclass(frozen=True)
class Imprint:
    """版记 at the foot of the last page."""

    distribution: tuple[DistributionLine, ...]
    issuer: str  # 广西壮族自治区扶贫开发办公室
    print_date: str  # 2018年11月15日印发
    contact: str | None  # 联系人：黄　彬　罗安桐　联系电话：…


@dataclass(frozen=True)
class IssueInfo:
    id: str  # 2018-48
    year: int
    number: int
    total: int | None
    date: str  # ISO date, 2018-11-15


@dataclass(frozen=True)
class Bulletin:
    info: IssueInfo
    masthead: Masthead
    note: Spans | None  # 编者按 text (without the label)
    groups: tuple[ColumnGroup, ...]
    imprint: Imprint
    fonts: dict = field(default_factory=dict, compare=False, hash=False)  # role → override

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for g in self.groups for a in g.articles)


# ------------------------------------------------------------------ dumps


def dump(bulletin: Bulletin) -> str:
    """A readable text rendering of the model for snapshot tests and
    `bulletin build --dump-model` style debugging."""
    out: list[str] = []
    m = bulletin.masthead
    out.append(f"masthead: {m.title}")
    out.append(f"issue-line: {m.issue_line}")
    out.append(f"editor-line: {m.editor} | {m.date_text}")
    if bulletin.note:
        out.append(f"note: {_spans(bulletin.note)}")
    for group in bulletin.groups:
        if group.label:
            out.append(f"column: {group.label}")
        for art in group.articles:
            out.append(f"  article: {art.title.replace(chr(10), ' / ')}")
            if art.subtitle:
                out.append(f"    subtitle: {art.subtitle}")
            for block in art.blocks:
                out.extend("    " + line for line in _block(block))
            if art.attribution:
                out.append(f"    attribution: {art.attribution}")
    imp = bulletin.imprint
    for d in imp.distribution:
        out.append(f"imprint: {d.label}：{d.text}")
    out.append(f"imprint-print: {imp.issuer} | {imp.print_date}")
    if imp.contact:
        out.append(f"imprint-contact: {imp.contact}")
    return "\n".join(out) + "\n"


def _spans(spans: Spans) -> str:
    return "".join(f"**{s.text}**" if s.bold else f"*{s.text}*" if s.italic else s.text for s in spans)


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"h{block.level}: {_spans(block.spans)}"]
    if isinstance(block, Para):
        lead = f"[{_spans(block.lead)}]" if block.lead else ""
        return [f"p: {lead}{_spans(block.spans)}"]
    if isinstance(block, Quote):
        return [f"quote: {_spans(p.spans)}" for p in block.paras]
    if isinstance(block, Table):
        rows = [" | ".join(_spans(c) for c in block.header)]
        rows += [" | ".join(_spans(c) for c in r) for r in block.rows]
        return ["table: " + r for r in rows]
    if isinstance(block, Figure):
        return [f"figure: {block.path} — {block.caption}"]
    raise TypeError(block)
