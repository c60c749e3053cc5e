"""Reading the YAML files safely, with line numbers, against declarative schemas.

YAML is composed into nodes (never constructed into arbitrary Python objects:
only the safe scalar types are built), so every value keeps the line it came
from and every error can name file, line and key.  Each schema is a plain
table of Field entries; `validate` walks data and schema together and
collects *every* problem instead of stopping at the first.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from .diagnostics import Collector

Path_ = tuple  # a key path inside a YAML document, e.g. ("contact", "people")

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


def load_yaml(text: str, path: str, diags: Collector, first_line: int = 1) -> Doc | None:
    """Parse `text`; on failure record an error and return None."""
    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        col = (mark.column + 1) if mark else 1
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "\t" in text and "tab" in problem.lower() or "found character '\\t'" in problem:
            problem += " (YAML does not allow tabs for indentation: use spaces)"
        diags.error("E020", path, line, f"YAML syntax: {problem}", col=col)
        return None
    except yaml.YAMLError as exc:
        diags.error("E020", path, first_line, f"YAML syntax: {exc}")
        return None
    doc = Doc(None, path, first_line)
    if node is None:
        doc.data = {}
        return doc
    ok = [True]
    doc.data = _build(node, (), doc, diags, offset, ok)
    return doc if ok[0] else None


def _build(node, keys: Path_, doc: Doc, diags: Collector, offset: int, ok: list) -> Any:
    line = node.start_mark.line + 1 + offset
    doc.value_lines[keys] = line
    where = "'" + ".".join(map(str, keys)) + "'" if keys else "document"
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP_TAG:
            return _bad_tag(node, where, doc, diags, line, ok)
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                diags.error("E024", doc.path, key_node.start_mark.line + 1 + offset, f"{where}: keys must be plain text")
                ok[0] = False
                continue
            key = key_node.value
            key_line = key_node.start_mark.line + 1 + offset
            if key in out:
                diags.error("E026", doc.path, key_line, f"duplicate key '{key}' (first at line {doc.key_lines[keys + (key,)]})", key=key)
                ok[0] = False
                continue
            doc.key_lines[keys + (key,)] = key_line
            out[key] = _build(value_node, keys + (key,), doc, diags, offset, ok)
        return out
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ_TAG:
            return _bad_tag(node, where, doc, diags, line, ok)
        return [_build(item, keys + (i,), doc, diags, offset, ok) for i, item in enumerate(node.value)]
    if node.tag not in _SAFE_SCALAR_TAGS:
        return _bad_tag(node, where, doc, diags, line, ok)
    try:
        return SafeConstructor().construct_object(node)
    except (ConstructorError, ValueError) as exc:
        diags.error("E025", doc.path, line, f"{where}: {getattr(exc, 'problem', None) or exc}")
        ok[0] = False
        return None


def _bad_tag(node, where: str, doc: Doc, diags: Collector, line: int, ok: list) -> None:
    diags.error("E021", doc.path, line, f"{where}: YAML tag {node.tag!r} is not allowed (only plain values, lists and mappings)")
    ok[0] = False
    return None


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
    "str": "text",
    "int": "a whole number",
    "bool": "true or false",
    "date": "a date YYYY-MM-DD",
    "map": "a mapping (key: value lines)",
    "list": "a list",
    "str-or-list": "text or a list of text",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if not isinstance(value, _dt.date) else value.isoformat()
    return text if len(text) <= 40 else text[:37] + "..."


def validate(doc: Doc, schema: dict[str, Field], diags: Collector, what: str, keys: Path_ = ()) -> bool:
    """Check doc.data (or the mapping at `keys`) against schema; record every
    problem.  Returns True when no error was found."""
    data = doc.data if not keys else _get(doc.data, keys)
    before = len(diags.errors)
    if not isinstance(data, dict):
        diags.error("E024", doc.path, doc.value_line(keys), f"{what}: expected {_KIND_NAMES['map']}, got {_describe(data)}")
        return False
    for key in data:
        if key not in schema:
            hint = difflib.get_close_matches(str(key), list(schema), n=1, cutoff=0.6)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (known keys: {', '.join(schema)})"
            diags.error("E022", doc.path, doc.line_of(keys + (key,)), f"{what}: unknown key '{_dotted(keys + (key,))}'{suggestion}", key=str(key))
    for key, fld in schema.items():
        path = keys + (key,)
        if key not in data or data[key] is None:
            if fld.required:
                diags.error("E023", doc.path, doc.line_of(keys) if keys else doc.first_line, f"{what}: '{_dotted(path)}' is required", key=key)
            continue
        _check_value(doc, path, data[key], fld, diags, what)
    return len(diags.errors) == before


def _check_value(doc: Doc, path: Path_, value: Any, fld: Field, diags: Collector, what: str) -> None:
    line = doc.value_line(path)
    if fld.kind == "date" and isinstance(value, str):
        diags.error("E025", doc.path, line, f"{what}: '{_dotted(path)}' must be a date YYYY-MM-DD, got {_describe(value)}", key=path[-1])
        return
    if not _kind_ok(fld.kind, value):
        diags.error("E024", doc.path, line, f"{what}: '{_dotted(path)}' must be {_KIND_NAMES.get(fld.kind, fld.kind)}, got {_describe(value)}", key=str(path[-1]))
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
            diags.error("E025", doc.path, line, f"{what}: '{_dotted(path)}' {problem}", key=str(path[-1]))


def _get(data: Any, keys: Path_) -> Any:
    for k in keys:
        data = data[k]
    return data


def _dotted(keys: Path_) -> str:
    return ".".join(str(k) for k in keys)


def text_value(value: Any) -> str:
    """YAML scalars as text: 0771 stays as typed only if quoted, so numbers are str()'d."""
    return value if isinstance(value, str) else str(value)
