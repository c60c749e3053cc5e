"""Reading the YAML files safely, with line numbers, against declarative schemas.

YAML is composed into nodes (never constructed into arbitrary Python objects:
only the safe scalar types are built), so every value keeps the line it came
from and every error can name file, line and key.  Each schema is a plain
table of Field entries; `validate` walks data and schema together and
collects *every* problem instead of stopping at the first.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from bulletin.diagnostics import Collector
from bulletin.i18n import N_, NP_

Path_ = tuple  # a key path inside a YAML document, e.g. ("contact", "people")

# libyaml's parser when PyYAML was built with it (several times faster); both
# give nodes with line marks and the same safe scalar resolution.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass
class Doc:
    """Loaded YAML: plain data plus the line of every key and value."""

    data: Any
    path: str
    first_line: int  # line of the document's first line in the file (front matter: 2)
    key_lines: dict[Path_, int] = field(default_factory=dict)
    value_lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, keys: Path_) -> int:
        """The line of a key, else of its nearest present parent, else the document's first line."""
        while keys:
            if keys in self.key_lines:
                return self.key_lines[keys]
            keys = keys[:-1]
        return self.first_line

    def value_line(self, keys: Path_) -> int:
        return self.value_lines.get(keys, self.line_of(keys))


# Limits that keep hostile or broken YAML from exhausting the stack or memory:
# aliases can make a few lines expand into billions of values ("billion laughs").
MAX_DEPTH = 40
MAX_VALUES = 100_000

# Text values may not carry what XML forbids (a double-quoted YAML string can
# spell "\0" or "\ud800" as an escape even though the file itself is clean).
_FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _compose(text: str):
    """Nodes from libyaml when it is there (fast); on any error, parse again
    with PyYAML's own parser, whose messages and marks the diagnostics below
    are written for (libyaml words them differently and drops the character)."""
    if _LOADER is not yaml.SafeLoader:
        try:
            return yaml.compose(text, Loader=_LOADER)
        except (yaml.YAMLError, RecursionError):
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


class _Stop(Exception):
    """Raised inside _Builder to abandon a document after its error was recorded."""


def load_yaml(text: str, path: str, diags: Collector, first_line: int = 1) -> Doc | None:
    """Parse `text`; on failure record an error and return None."""
    offset = first_line - 1
    if "：" in text or "\u3000" in text:
        from bulletin.sources.ime import ime_slips

        slips, repaired = ime_slips(text)
        if slips:  # E027 where the input method slipped; the rest of the file is still checked
            for slip in slips:
                diags.error("E027", path, slip.line + first_line, slip.message, col=slip.col)
            # The repaired document goes on, so the rest of the file is validated
            # in the same run; the E027 errors keep any build from writing.
            return load_yaml(repaired, path, diags, first_line)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        problem, mark = _syntax_problem(exc)
        line = (mark.line + 1 + offset) if mark else first_line
        col = (mark.column + 1) if mark else 1
        if "\t" in text and "tab" in problem.lower() or "found character '\\t'" in problem:
            problem = N_("{problem} (YAML does not allow tabs for indentation: use spaces)", problem=problem)
        diags.error("E020", path, line, N_("YAML syntax: {problem}", problem=problem), col=col)
        return None
    except yaml.reader.ReaderError as exc:
        pos = max(0, min(exc.position, len(text)))
        line = text.count("\n", 0, pos) + first_line
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        diags.error("E012", path, line, N_("control character U+{code:04X} is not allowed in YAML", code=char), col=col)
        return None
    except RecursionError:
        diags.error("E020", path, first_line, N_("YAML syntax: nested too deeply (more than {depth} levels)", depth=MAX_DEPTH))
        return None
    except yaml.YAMLError as exc:
        diags.error("E020", path, first_line, N_("YAML syntax: {problem}", problem=str(exc)))
        return None
    doc = Doc(None, path, first_line)
    if node is None:
        doc.data = {}
        return doc
    builder = _Builder(doc, diags, offset)
    try:
        doc.data = builder.build(node, (), 0)
    except _Stop:
        return None
    return doc if builder.ok else None


def _syntax_problem(exc: yaml.MarkedYAMLError):
    """A message and the place to point at.  Something left open (a quote, a
    [list] or a {mapping}) is reported where it opens, not where the file ends."""
    context = (exc.context or "").strip()
    problem = (exc.problem or context or "invalid YAML").strip()
    if exc.context_mark is not None:
        if context.startswith("while scanning a") and "quoted scalar" in context and "end of stream" in problem:
            return N_("a quoted value opened here is never closed"), exc.context_mark
        if context.startswith("while parsing a flow sequence"):
            return N_("a [list] opened here is not closed properly: {problem}", problem=problem), exc.context_mark
        if context.startswith("while parsing a flow mapping"):
            return N_("a {{mapping}} opened here is not closed properly: {problem}", problem=problem), exc.context_mark
    return problem, exc.problem_mark or exc.context_mark


class _Builder:
    """Turns composed nodes into plain data, recording each value's line.
    Only the safe scalar types are ever constructed."""

    def __init__(self, doc: Doc, diags: Collector, offset: int):
        self.doc, self.diags, self.offset = doc, diags, offset
        self.ok = True
        self.count = 0
        self.active: set[int] = set()  # nodes being built: an alias back to one is a cycle

    def error(self, code: str, line: int, message: str, key: str | None = None) -> None:
        self.diags.error(code, self.doc.path, line, message, key=key)
        self.ok = False

    def build(self, node, keys: Path_, depth: int) -> Any:
        line = node.start_mark.line + 1 + self.offset
        where = N_("'{key}'", key=".".join(map(str, keys))) if keys else N_("document")
        self.count += 1
        if self.count > MAX_VALUES:
            self.error("E025", line, N_("{where}: more than {count} values (aliases expanding without end?)", where=where, count=MAX_VALUES))
            raise _Stop
        if depth > MAX_DEPTH:
            self.error("E020", line, N_("YAML syntax: '{key}…' nested too deeply (more than {depth} levels)", key=_dotted(keys[:3]), depth=MAX_DEPTH))
            raise _Stop
        if id(node) in self.active:
            self.error("E025", line, N_("{where}: an alias refers to a value that contains it", where=where))
            raise _Stop
        self.doc.value_lines.setdefault(keys, line)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                return self.bad_tag(node, where, line)
            self.active.add(id(node))
            out: dict = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1 + self.offset
                if not isinstance(key_node, yaml.ScalarNode):
                    self.error("E024", key_line, N_("{where}: keys must be plain text", where=where))
                    continue
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.error("E025", key_line, N_("{where}: merge keys '<<' are not supported: write the keys out", where=where))
                    continue
                if key_node.tag not in _SAFE_SCALAR_TAGS:
                    self.bad_tag(key_node, where, key_line)
                    continue
                key = key_node.value
                if not self.clean(key, key_line, where):
                    continue
                if key in out:
                    self.error("E026", key_line, N_("duplicate key '{key}' (first at line {first})", key=key, first=self.doc.key_lines[keys + (key,)]), key=key)
                    continue
                self.doc.key_lines[keys + (key,)] = key_line
                out[key] = self.build(value_node, keys + (key,), depth + 1)
            self.active.discard(id(node))
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                return self.bad_tag(node, where, line)
            self.active.add(id(node))
            items = [self.build(item, keys + (i,), depth + 1) for i, item in enumerate(node.value)]
            self.active.discard(id(node))
            return items
        if node.tag not in _SAFE_SCALAR_TAGS:
            return self.bad_tag(node, where, line)
        try:
            value = SafeConstructor().construct_object(node)
        except (ConstructorError, ValueError, OverflowError) as exc:
            problem = str(getattr(exc, "problem", None) or exc)
            if "digits" in problem or isinstance(exc, OverflowError):
                problem = N_("number is too long")
            elif node.tag.endswith(":timestamp"):
                problem = N_("{value!r} is not a valid date ({problem})", value=node.value, problem=problem)
            self.error("E025", line, N_("{where}: {problem}", where=where, problem=problem))
            return None
        if isinstance(value, str) and not self.clean(value, line, where):
            return None
        return value

    def clean(self, text: str, line: int, where: str) -> bool:
        bad = _FORBIDDEN_IN_TEXT.search(text)
        if bad is None:
            return True
        self.error("E012", line, N_("{where}: character U+{code:04X} is not allowed in text", where=where, code=ord(bad.group())))
        return False

    def bad_tag(self, node, where: str, line: int) -> None:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
        self.error("E021", line, N_("{where}: YAML tag '{tag}' is not allowed (only plain values, lists and mappings)", where=where, tag=tag))


# ------------------------------------------------------------------ schema

Check = Callable[[Any], "str | None"]  # returns an error message or None


@dataclass(frozen=True)
class Field:
    kind: str  # "str" | "int" | "bool" | "date" | "map" | "list" | "str-or-list" | "any"
    required: bool = False
    schema: dict | None = None  # for "map" with fixed keys
    values: str | None = None  # for "map" with free keys: kind of each value; for "list": kind of items
    check: Check | None = None
    help: str = ""


def _kind_ok(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool))
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "date":
        return isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)
    if kind == "map":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind == "str-or-list":
        return _kind_ok("str", value) or (isinstance(value, list) and all(_kind_ok("str", v) for v in value))
    return True


_KIND_NAMES = {
    "str": N_("text"),
    "int": N_("a whole number"),
    "bool": N_("true or false"),
    "date": N_("a date YYYY-MM-DD"),
    "map": N_("a mapping (key: value lines)"),
    "list": N_("a list"),
    "str-or-list": N_("text or a list of text"),
}

# The keys a reader meets most, glossed in Chinese messages: 缺少“title”（标题）.
# The English messages do not use the gloss.  Literal calls, so that the
# catalogue's extraction finds them.
_KEY_GLOSS = {str(t): t for t in (
    NP_("gloss", "title"), NP_("gloss", "county"), NP_("gloss", "unit"), NP_("gloss", "author"),
    NP_("gloss", "column"), NP_("gloss", "subtitle"), NP_("gloss", "attribution"), NP_("gloss", "date"),
    NP_("gloss", "total"), NP_("gloss", "articles"), NP_("gloss", "note"), NP_("gloss", "distribution"),
    NP_("gloss", "contact"), NP_("gloss", "editor"), NP_("gloss", "issuer"), NP_("gloss", "numbering"),
    NP_("gloss", "numbering.anchor"), NP_("gloss", "fonts"),
)}


def _gloss(keys: Path_):
    """The Chinese name of a known key, for the Chinese messages; else nothing."""
    return _KEY_GLOSS.get(_dotted(keys), "")


def _describe(value: Any) -> str:
    if value is None:
        return N_("nothing")
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return N_("a mapping")
    if isinstance(value, list):
        return N_("a list")
    text = repr(value) if not isinstance(value, _dt.date) else value.isoformat()
    return text if len(text) <= 40 else text[:37] + "..."


def validate(doc: Doc, schema: dict[str, Field], diags: Collector, what: str, keys: Path_ = ()) -> bool:
    """Check doc.data (or the mapping at `keys`) against schema; record every
    problem.  Returns True when no error was found."""
    data = doc.data if not keys else _get(doc.data, keys)
    before = len(diags.errors)
    if not isinstance(data, dict):
        diags.error("E024", doc.path, doc.value_line(keys), N_("{what}: expected {kind}, got {value}", what=what, kind=_KIND_NAMES["map"], value=_describe(data)))
        return False
    for key in data:
        if key not in schema:
            import difflib  # only for a misspelt key's hint

            hint = difflib.get_close_matches(str(key), list(schema), n=1, cutoff=0.6)
            suggestion = N_(" (did you mean '{key}'?)", key=hint[0]) if hint else N_(" (known keys: {keys})", keys=", ".join(schema))
            diags.error("E022", doc.path, doc.line_of(keys + (key,)), N_("{what}: unknown key '{key}'{suggestion}", what=what, key=_dotted(keys + (key,)), suggestion=suggestion), key=str(key))
    for key, fld in schema.items():
        path = keys + (key,)
        if key not in data or data[key] is None:
            if fld.required:
                diags.error("E023", doc.path, doc.line_of(keys) if keys else doc.first_line, N_("{what}: '{key}' is required", what=what, key=_dotted(path), gloss=_gloss(path)), key=key)
            continue
        _check_value(doc, path, data[key], fld, diags, what)
    return len(diags.errors) == before


def _check_value(doc: Doc, path: Path_, value: Any, fld: Field, diags: Collector, what: str) -> None:
    # a key's value is blamed on the key's line (a block list or mapping
    # starts on the next one); a list item on its own line
    line = doc.key_lines.get(path) or doc.value_line(path)
    if fld.kind == "date" and isinstance(value, str):
        diags.error("E025", doc.path, line, N_("{what}: '{key}' must be a date YYYY-MM-DD, got {value}", what=what, key=_dotted(path), gloss=_gloss(path), value=_describe(value)), key=path[-1])
        return
    if not _kind_ok(fld.kind, value):
        diags.error("E024", doc.path, line, N_("{what}: '{key}' must be {kind}, got {value}", what=what, key=_dotted(path), gloss=_gloss(path), kind=_KIND_NAMES.get(fld.kind, fld.kind), value=_describe(value)), key=str(path[-1]))
        return
    if fld.kind == "map" and fld.schema is not None:
        validate(doc, fld.schema, diags, what, path)
    elif fld.kind == "map" and fld.values:
        for k, v in value.items():
            _check_value(doc, path + (k,), v, Field(fld.values), diags, what)
    elif fld.kind == "list" and fld.values:
        for i, v in enumerate(value):
            _check_value(doc, path + (i,), v, Field(fld.values), diags, what)
    if fld.check is not None:
        problem = fld.check(value)
        if problem:
            diags.error("E025", doc.path, line, N_("{what}: '{key}' {problem}", what=what, key=_dotted(path), gloss=_gloss(path), problem=problem), key=str(path[-1]))


def _get(data: Any, keys: Path_) -> Any:
    for k in keys:
        data = data[k]
    return data


def _dotted(keys: Path_) -> str:
    return ".".join(str(k) for k in keys)


def text_value(value: Any) -> str:
    """YAML scalars as text: 0771 stays as typed only if quoted, so numbers are str()'d."""
    return value if isinstance(value, str) else str(value)
