"""Article files: front matter split, Markdown → model blocks.

Markdown is CommonMark plus GFM tables through markdown-it-py, raw HTML off
(it arrives as text).  Two rules make it fit the way people type Chinese:
- emphasis: `**二、…。**为解决` is bold.  Strict CommonMark will not close `**`
  after punctuation when a letter follows; we use the CJK-friendly flanking
  rule (a delimiter run next to a CJK character may open/close even when the
  other side is punctuation).  Written here rather than taking the small
  mdit-py-cjk-friendly plugin: the rule is twenty lines and the plugin is a
  young single-maintainer package on the hot path of every build.
- soft line breaks between two CJK characters join them without a space.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from bulletin.sources.config import Doc, load_yaml, validate
from bulletin.diagnostics import Collector
from bulletin.i18n import N_
from bulletin.model import Figure, Heading, Para, Quote, Span, Spans, Src, Table
from bulletin.sources.charkinds import check_references
from bulletin.sources.figures import figure_problem
from bulletin.sources.schemas import ARTICLE
from bulletin.sources.textfile import read_text
from bulletin.text.chars import is_cjk


def markdown():
    """The shared markdown-it parser (CJK rules in markdown.py), imported
    only when a body must really be parsed: a cached parse skips it."""
    from bulletin.sources.markdown import markdown as shared

    return shared()


# ------------------------------------------------------------ front matter


@dataclass
class ArticleSource:
    rel: str  # path relative to the repository root
    meta: dict
    doc: Doc
    blocks: tuple
    body_first_line: int


def split_front_matter(text: str, rel: str, diags: Collector) -> tuple[str, str, int] | None:
    """(yaml_text, body_text, body_first_line) or None with an error."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        diags.error("E030", rel, 1, N_("front matter: the file must start with a '---' line, then title/county…, then '---'"))
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1 :]), i + 2
    diags.error("E030", rel, 1, N_("front matter: no closing '---' line"))
    return None


def read_article(path: Path, rel: str, root: Path, diags: Collector) -> ArticleSource | None:
    text = read_text(path, rel, diags)
    if text is None:
        return None
    parts = split_front_matter(text, rel, diags)
    if parts is None:
        return None
    yaml_text, body, body_line = parts
    check_references(body, rel, body_line, diags)  # &#0; is an error where it was typed, not a U+FFFD far away
    doc = load_yaml(yaml_text, rel, diags, first_line=2)
    if doc is None:
        return None
    doc.first_line = 1  # a missing key points at the front matter's first line (the opening ---)
    if not validate(doc, ARTICLE, diags, N_("front matter")):
        return None
    blocks = parse_body(body, rel, body_line, path.parent, root, diags)
    return ArticleSource(rel, doc.data, doc, blocks, body_line)


# ------------------------------------------------------------------- body


def parse_body(body: str, rel: str, first_line: int, folder: Path, root: Path, diags: Collector) -> tuple:
    key = _cache_key(body, rel, first_line)
    cached = _cached_blocks(key)
    if cached is not None:
        return cached
    before = len(diags.items)
    blocks = _parse_body(body, rel, first_line, folder, root, diags)
    # Only a clean parse without figures is kept: a figure's file must be
    # looked for again on every build, and errors must be reported again.
    if len(diags.items) == before and not any(isinstance(b, Figure) for b in blocks):
        _store_blocks(key, blocks)
    return blocks


def _parse_body(body: str, rel: str, first_line: int, folder: Path, root: Path, diags: Collector) -> tuple:
    md = markdown()
    tokens = md.parse(body)
    # markdown-it stops descending at maxNesting and silently drops what lies
    # deeper; say so instead of losing a writer's text.
    limit = md.options.get("maxNesting", 20) - 1
    deep = next((t for t in tokens if t.level >= limit), None)
    if deep is not None:
        line = first_line + (deep.map[0] if deep.map else 0)
        diags.error("E035", rel, line, N_("Markdown nested too deeply: quotes and lists inside one another go too many levels down"))
        return ()
    return tuple(_Blocks(tokens, rel, first_line, folder, root, diags).run())


# ---------------------------------------------------------- parse cache
#
# An editor rebuilds an issue many times while editing one article; the
# others parse to the same blocks every time.  Parsed bodies are kept in the
# cache folder, keyed by the body text, its file and first line, and the code
# that parsed it (this module and the model).  A hit also spares importing
# markdown-it (~15 ms of a 0.2 s build).  The cache holds our own model
# objects only, written by this process's user; BULLETIN_NO_PARSE_CACHE=1
# turns it off.

_CODE_FILES = ("sources/reader.py", "sources/markdown.py", "text/chars.py", "model.py")


def _code_stamp() -> str:
    here = Path(__file__).resolve().parents[1]  # the bulletin package
    parts = []
    for name in _CODE_FILES:
        try:
            st = (here / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(name)
    from bulletin import __version__

    return __version__ + "|" + "|".join(parts)


_STAMP: list[str] = []


def _cache_key(body: str, rel: str, first_line: int) -> str | None:
    if os.environ.get("BULLETIN_NO_PARSE_CACHE"):
        return None
    if not _STAMP:
        _STAMP.append(_code_stamp())
    digest = hashlib.sha256(f"{_STAMP[0]}\0{rel}\0{first_line}\0".encode("utf-8", "surrogatepass"))
    digest.update(body.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _cache_path(key: str) -> Path:
    from bulletin.cache import cache_dir

    return cache_dir() / "parsed" / key[:2] / f"{key}.pickle"


def _cached_blocks(key: str | None) -> tuple | None:
    if key is None:
        return None
    try:
        data = _cache_path(key).read_bytes()
    except OSError:
        return None
    try:
        blocks = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is a miss
        return None
    return blocks if isinstance(blocks, tuple) else None


def _store_blocks(key: str | None, blocks: tuple) -> None:
    if key is None:
        return
    from bulletin.cache import atomic_write

    try:
        atomic_write(_cache_path(key), pickle.dumps(blocks, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only or full cache folder only costs speed


class _Blocks:
    """Walks markdown-it's flat token stream into model blocks."""

    def __init__(self, tokens, rel, first_line, folder: Path, root: Path, diags: Collector):
        self.tokens, self.i = tokens, 0
        self.rel, self.first_line = rel, first_line
        self.folder, self.root, self.diags = folder, root, diags

    def src(self, tok) -> Src:
        return Src(self.rel, self.first_line + (tok.map[0] if tok.map else 0))

    def run(self):
        out = []
        while self.i < len(self.tokens):
            out.extend(self.block())
        return out

    def block(self):
        tok = self.tokens[self.i]
        t = tok.type
        if t == "heading_open":
            inline = self.tokens[self.i + 1]
            self.i += 3
            level = {1: 1, 2: 1, 3: 2}.get(int(tok.tag[1]), 3)
            spans = tuple(Span(s.text, False, s.italic) for s in inline_spans(inline))  # the heading style decides weight
            return [Heading(level, _merge(spans), self.src(tok))]
        if t == "paragraph_open":
            inline = self.tokens[self.i + 1]
            self.i += 3
            return [self.paragraph(inline, self.src(tok))]
        if t == "blockquote_open":
            self.i += 1
            inner = []
            while self.tokens[self.i].type != "blockquote_close":
                inner.extend(self.block())
            self.i += 1
            paras = tuple(_quote_paras(inner))
            rest = [b for b in inner if isinstance(b, (Table, Figure))]
            return ([Quote(paras, self.src(tok))] if paras else []) + rest
        if t in ("bullet_list_open", "ordered_list_open"):
            return self.list_items(tok)
        if t == "table_open":
            return [self.table(tok)]
        if t in ("fence", "code_block"):
            self.i += 1
            return [Para((Span(line),), src=self.src(tok)) for line in tok.content.splitlines() if line.strip()]
        if t == "html_block":  # not reachable with html off; kept as text if it ever is
            self.i += 1
            return [Para((Span(tok.content.strip()),), src=self.src(tok))]
        self.i += 1  # hr and anything else carries no text
        return []

    def paragraph(self, inline, src: Src):
        # markdown-it leaves empty text tokens where delimiters were consumed
        children = [c for c in inline.children or [] if not (c.type == "text" and not c.content)]
        if len(children) == 1 and children[0].type == "image":
            return self.figure(children[0], src)
        spans = inline_spans(inline)
        lead: list[Span] = []
        # A paragraph opening with bold text is a run-in heading: the lead.
        if children and children[0].type == "strong_open":
            while spans and spans[0].bold:
                lead.append(spans.pop(0))
            spans = _lstrip(spans)
        return Para(_merge(tuple(spans)), _merge(tuple(lead)), src)

    def figure(self, image, src: Src):
        # markdown-it percent-encodes link targets (图片.png → %E5%9B%BE…): decode
        # them back into the file name the writer typed.
        target = unquote(str(image.attrs.get("src", "")))
        caption = image.attrs.get("title") or "".join(c.content for c in (image.children or []))
        if "://" in target or target.startswith(("data:", "mailto:")):
            self.diags.error("E033", src.path, src.line, N_("figure '{target}' is a web address: put the image file in the repository and link to it", target=_short(target)))
            return Para((Span(caption),), src=src)
        try:
            resolved = (self.folder / target).resolve()
            rel = resolved.relative_to(self.root.resolve())
        except ValueError:
            self.diags.error("E032", src.path, src.line, N_("figure '{target}' lies outside the repository", target=_short(target)))
            return Para((Span(caption),), src=src)
        except OSError as exc:
            self.diags.error("E033", src.path, src.line, N_("figure '{target}' cannot be used: {reason}", target=_short(target), reason=exc.strerror or str(exc)))
            return Para((Span(caption),), src=src)
        try:
            found = resolved.exists()
        except OSError:
            found = False
        if not found:
            self.diags.error("E033", src.path, src.line, N_("figure '{target}' not found", target=_short(target)))
        elif (problem := figure_problem(resolved)) is not None:  # checked here, once, so no writer meets a bad image
            self.diags.error("E033", src.path, src.line, N_("figure '{target}' {problem}", target=_short(target), problem=problem))
        return Figure(rel.as_posix(), caption, src)

    def list_items(self, open_tok):
        ordered = open_tok.type == "ordered_list_open"
        close = open_tok.type.replace("_open", "_close")
        number = int(open_tok.attrs.get("start", 1) or 1)
        self.i += 1
        out = []
        depth = 0
        while True:
            tok = self.tokens[self.i]
            if tok.type == close and depth == 0:
                self.i += 1
                return out
            if tok.type == "list_item_open":
                self.i += 1
                first = True
                while self.tokens[self.i].type != "list_item_close":
                    for b in self.block():
                        if isinstance(b, Para) and first and ordered:
                            b = Para((Span(f"{number}．"),) + b.spans, b.lead, b.src) if not b.lead else Para(b.spans, (Span(f"{number}．", True),) + b.lead, b.src)
                        first = False
                        out.append(b)
                self.i += 1
                number += 1
                continue
            self.i += 1

    def table(self, open_tok):
        header: list = []
        rows: list = []
        aligns: list[str] = []
        current: list | None = None
        self.i += 1
        while self.tokens[self.i].type != "table_close":
            tok = self.tokens[self.i]
            if tok.type == "tr_open":
                current = []
            elif tok.type in ("th_open", "td_open"):
                style = tok.attrs.get("style", "") or ""
                if tok.type == "th_open":
                    aligns.append(str(style).replace("text-align:", "").strip())
                inline = self.tokens[self.i + 1]
                current.append(_merge(tuple(inline_spans(inline))))
            elif tok.type == "tr_close":
                (header if not header and not rows and self._in_head else rows).append(tuple(current))
            elif tok.type == "thead_open":
                self._in_head = True
            elif tok.type == "thead_close":
                self._in_head = False
            self.i += 1
        self.i += 1
        return Table(header[0] if header else (), tuple(rows), tuple(aligns), self.src(open_tok))

    _in_head = False


def inline_spans(inline) -> list[Span]:
    """Flatten an inline token's children into spans; soft breaks between CJK vanish."""
    spans: list[Span] = []
    bold = italic = 0
    pending_break = False

    def add(text: str) -> None:
        nonlocal pending_break
        if pending_break:
            prev = spans[-1].text[-1:] if spans else ""
            # Chinese is written without spaces: a break next to a CJK character joins;
            # only between two Latin words does it become a space.
            if not (is_cjk(prev) or is_cjk(text[:1])) and prev and text:
                text = " " + text
            pending_break = False
        if "\u2028" in text or "\u2029" in text:
            text = _separators(text, spans[-1].text[-1:] if spans else "")
        if text:
            spans.append(Span(text, bold > 0, italic > 0))

    for child in inline.children or []:
        t = child.type
        if t == "text" or t == "code_inline" or t == "html_inline":
            add(child.content)
        elif t == "softbreak":
            pending_break = True
        elif t == "hardbreak":
            add("\n")
        elif t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t == "image":
            add("".join(c.content for c in (child.children or [])))
    return spans


def _separators(text: str, before: str) -> str:
    """U+2028 LINE SEPARATOR read as a soft line break (joining two hanzi,
    a space between Latin words); U+2029 PARAGRAPH SEPARATOR as a line
    break (a new paragraph would need a blank line: check --fix makes one).
    The reader reports both (W114)."""
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == "\u2029":
            out.append("\n")
        elif ch == "\u2028":
            left = out[-1][-1:] if out else before
            right = text[i + 1:i + 2]
            if left and right and not (is_cjk(left) or is_cjk(right)) and right not in "\u2028\u2029":
                out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _merge(spans: Spans) -> Spans:
    """Adjacent spans of one style become one (joined once: linear in the text)."""
    out: list[Span] = []
    run: list[str] = []
    style = (False, False)
    for s in spans:
        if not s.text:
            continue
        if run and (s.bold, s.italic) == style:
            run.append(s.text)
            continue
        if run:
            out.append(Span("".join(run), *style))
        run, style = [s.text], (s.bold, s.italic)
    if run:
        out.append(Span("".join(run), *style))
    return tuple(out)


def _lstrip(spans: list[Span]) -> list[Span]:
    if spans and spans[0].text[:1] in (" ", "\t"):
        spans[0] = Span(spans[0].text.lstrip(" \t"), spans[0].bold, spans[0].italic)
    return spans


def _quote_paras(blocks):
    """The paragraphs of a quote: headings become paragraphs, a quote inside a
    quote contributes its own paragraphs (nothing a writer typed is dropped)."""
    for b in blocks:
        if isinstance(b, Para):
            yield b
        elif isinstance(b, Heading):
            yield Para(b.spans, src=b.src)
        elif isinstance(b, Quote):
            yield from b.paras


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
