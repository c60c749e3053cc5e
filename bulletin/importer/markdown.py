"""Model blocks + front matter → the Markdown an article is kept as.

The output must read back (bulletin.sources.reader) into exactly the blocks
it was made from, so ASCII punctuation that Markdown would take as markup is
escaped: emphasis and link marks anywhere, list, heading and quote markers at
a paragraph's start, `|` inside table cells, `&` before an entity name.
Everything else stays as typed, so the file reads like one a writer wrote.
"""

from __future__ import annotations

import json
import re

from ..model import Figure, Heading, Para, Quote, Span, Table

_ALWAYS = re.compile(r"([\\`*_\[\]<])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")
_YAML_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#]*$")


def escape(text: str, *, cell: bool = False) -> str:
    text = text.replace("\n", " ").replace("\t", " ")
    text = _ALWAYS.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    if cell:
        text = text.replace("|", r"\|")
    return text


def inline(spans) -> str:
    """Spans as Markdown; delimiters never sit against a space (they would
    not open or close), so edge spaces move outside them."""
    out: list[str] = []
    for s in spans:
        if not s.text:
            continue
        core = s.text.strip(" ")
        left = s.text[: len(s.text) - len(s.text.lstrip(" "))]
        right = s.text[len(s.text.rstrip(" ")):]
        # bold wins over italic (never ***…***: delimiter runs that touch cannot be read back reliably)
        mark = "**" if s.bold else "*" if s.italic else ""
        out.append(left + (mark + escape(core) + mark if core else "") + right)
    return "".join(out)


def _start(text: str) -> str:
    """Escape what would make a paragraph's first characters markup."""
    m = _LINE_START.match(text)
    if not m:
        return text
    if m.group(1).isdigit():
        return m.group(1) + "\\" + text[len(m.group(1)):]
    return "\\" + text


def para(p: Para) -> str:
    # a lead is one bold run (its style sets it apart; italic inside it is not kept)
    lead = "**" + escape("".join(s.text for s in p.lead).strip(" ")) + "**" if p.lead else ""
    body = inline(p.spans)
    return lead + body if lead else _start(body)


def table(t: Table) -> list[str]:
    width = max([len(t.header)] + [len(r) for r in t.rows])

    def row(cells) -> str:
        cells = list(cells) + [()] * (width - len(cells))
        return "| " + " | ".join(inline_cell(c) for c in cells) + " |"

    sep = []
    for c in range(width):
        a = t.aligns[c] if c < len(t.aligns) else ""
        sep.append({"left": ":---", "center": ":---:", "right": "---:"}.get(a, "---"))
    return [row(t.header), "| " + " | ".join(sep) + " |", *(row(r) for r in t.rows)]


def inline_cell(spans) -> str:
    text = inline(spans).replace("|", r"\|")
    return text.strip() or ""


def body(blocks) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            text = inline(tuple(Span(s.text, False, s.italic) for s in b.spans)).strip()
            text = text.replace("#", "\\#")  # a trailing # would close the ATX heading
            out.append("#" * (min(max(b.level, 1), 3) + 1) + " " + text)
        elif isinstance(b, Para):
            out.append(para(b))
        elif isinstance(b, Quote):
            out.append("\n>\n".join("> " + para(p) for p in b.paras))
        elif isinstance(b, Table):
            out.append("\n".join(table(b)))
        elif isinstance(b, Figure):
            alt = escape(b.caption)
            out.append(f"![{alt}]({b.path})")
    return "\n\n".join(x for x in out if x.strip()) + "\n"


def yaml_scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if _YAML_PLAIN.match(text) and text.strip() == text and text.lower() not in ("null", "true", "false", "yes", "no", "on", "off", "~") \
            and not re.match(r"^[0-9+.\-]", text):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def front_matter(meta: dict) -> str:
    lines = ["---"]
    for key, value in meta.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, (list, tuple)):
            if len(value) == 1:
                lines.append(f"{key}: {yaml_scalar(value[0])}")
            else:
                lines.append(f"{key}: [" + ", ".join(_flow(v) for v in value) + "]")
        else:
            lines.append(f"{key}: {yaml_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _flow(value) -> str:
    text = yaml_scalar(value)
    return text if not re.search(r"[,\[\]{}]", text) or text.startswith('"') else json.dumps(str(value), ensure_ascii=False)


def article(meta: dict, blocks) -> str:
    return front_matter(meta) + "\n" + body(blocks)
