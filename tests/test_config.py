"""Safe YAML with line marks, and the declarative schemas."""

from __future__ import annotations

from bulletin.sources.config import load_yaml, validate
from bulletin.diagnostics import Collector
from bulletin.sources.schemas import ISSUE, PUBLICATION


def load(text: str, diags: Collector, first_line: int = 1):
    return load_yaml(text, "bulletin.yaml", diags, first_line)


def test_keys_and_values_keep_their_lines():
    diags = Collector()
    doc = load("title: 简报\ncontact:\n  people: [黄彬]\n  phone: '0771'\n", diags, first_line=2)
    assert doc.key_lines[("contact", "phone")] == 5
    assert doc.value_line(("contact", "people", 0)) == 4
    assert doc.data["contact"]["phone"] == "0771"


def test_python_object_tags_are_refused_not_built():
    diags = Collector()
    doc = load("title: !!python/object/apply:os.system ['echo pwned']\n", diags)
    assert doc is None
    [d] = diags.errors
    assert d.code == "E021" and d.line == 1 and "python/object" in d.message


def test_custom_tags_on_mappings_are_refused():
    diags = Collector()
    assert load("contact: !Ref\n  phone: x\n", diags) is None
    assert diags.errors[0].code == "E021"


def test_syntax_error_names_line_and_mentions_tabs():
    diags = Collector()
    assert load("title: a\n\tissuer: b\n", diags) is None
    [d] = diags.errors
    assert (d.code, d.line) == ("E020", 2)
    assert "tab" in d.message


def test_duplicate_key_is_an_error_naming_both_lines():
    diags = Collector()
    assert load("title: a\ntitle: b\n", diags) is None
    [d] = diags.errors
    assert (d.code, d.line) == ("E026", 2) and "line 1" in d.message


def test_every_error_is_collected_with_suggestions():
    diags = Collector()
    doc = load("titel: 简报\neditor: 编\nnumbering:\n  anchor: {issue: 2018-xx, total: zero}\n", diags)
    assert not validate(doc, PUBLICATION, diags, "bulletin.yaml")
    found = {(d.code, d.line, d.key) for d in diags.errors}
    assert ("E022", 1, "titel") in found  # unknown key, with a suggestion
    assert ("E023", 1, "title") in found  # required
    assert ("E023", 1, "issuer") in found
    assert ("E025", 4, "issue") in found  # bad issue id
    assert ("E024", 4, "total") in found  # not a number
    assert "did you mean 'title'" in next(d.message for d in diags.errors if d.key == "titel")


def test_issue_date_must_be_a_date():
    diags = Collector()
    doc = load("date: 2018-13-45\n", diags)
    # PyYAML refuses an impossible timestamp while building it: a bad value at its line
    if doc is not None:
        validate(doc, ISSUE, diags, "issue.yaml")
    assert diags.errors and diags.errors[0].line == 1
    diags = Collector()
    doc = load("date: 15.11.2018\n", diags)
    validate(doc, ISSUE, diags, "issue.yaml")
    [d] = diags.errors
    assert d.code == "E025" and "YYYY-MM-DD" in d.message
