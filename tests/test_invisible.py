"""Characters by kind (issue 15): each invisible or odd character is named as
what it is, where it was typed, and `check --fix` repairs what it can —
never "character … is not in font" for something nobody can see."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin.cli import main
from bulletin.commands.fix import fix_text
from bulletin.diagnostics import Collector
from bulletin.sources.charkinds import check_references
from bulletin.sources.reader import read_article
from bulletin.text import invisible
from bulletin.text.invisible import FORMAT, SEPARATOR, ZERO_WIDTH, find_invisible, kind_of

ARTICLE = Path("issues/2018-48/1-leye.md")
FRONT = "---\ntitle: 乐业县探索\ncounty: 乐业县\n---\n\n"


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"bulletin {' '.join(args)} raised {result.exception!r}") from result.exception
    return result


def with_line(repo: Path, line: str) -> int:
    """Append a paragraph to the first article; its line number."""
    path = repo / ARTICLE
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + line + "\n", encoding="utf-8")
    return len(text.splitlines()) + 2


def findings(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("issues/")]


# ------------------------------------------------------------ the kinds


def test_kinds():
    assert kind_of("\u202e") == FORMAT and kind_of("\u2066") == FORMAT and kind_of("\u200f") == FORMAT
    assert kind_of("\U000e0041") == FORMAT  # a tag character
    assert kind_of("\u200b") == ZERO_WIDTH and kind_of("\u2060") == ZERO_WIDTH and kind_of("\ufeff") == ZERO_WIDTH
    assert kind_of("\u2028") == SEPARATOR and kind_of("\u2029") == SEPARATOR
    for fine in "\u00ad\u200c\u200d葛e\u0301\ufe0f\U000e0101　":
        assert kind_of(fine) is None, f"U+{ord(fine):04X}"


def test_the_fast_search_misses_no_format_character():
    every = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")
    found = {item.char for item in find_invisible(every)}
    assert found == {c for c in every if c not in invisible.ALLOWED_FORMAT}


# ------------------------------------------------- format characters: E013


def test_a_bidi_override_is_an_error_of_its_own_and_fix_removes_it(example_copy, tmp_path):
    line = with_line(example_copy, "今天\u202e天气好")
    built = invoke("build", "2018-48", "--root", str(example_copy), "--out", str(tmp_path / "out"))
    assert built.exit_code == 1
    assert findings(built) == [f"{ARTICLE.as_posix()}:{line}:3: E013 U+202E RIGHT-TO-LEFT OVERRIDE, invisible: remove it (check --fix does)"]
    assert "not in font" not in built.stderr
    fixed = invoke("check", "2018-48", "--root", str(example_copy), "--fix", "--no-fonts")
    assert f"{ARTICLE.as_posix()}:{line}:3: E013 fixed: U+202E RIGHT-TO-LEFT OVERRIDE removed" in fixed.output
    assert fixed.exit_code == 0, fixed.output
    assert "今天天气好" in (example_copy / ARTICLE).read_text(encoding="utf-8")


def test_a_format_character_in_yaml_is_an_error_but_not_fixable(example_copy):
    issue = example_copy / "issues/2018-48/issue.yaml"
    issue.write_text("date: 2018-11-15\nnote: 编者按\u2066内容\n", encoding="utf-8")
    result = invoke("check", "2018-48", "--root", str(example_copy), "--no-fonts", "--format", "json")
    import json

    (item,) = [d for d in json.loads(result.stdout) if d["code"] == "E013"]
    assert (item["path"], item["line"], item["col"], item["fix"]) == ("issues/2018-48/issue.yaml", 2, 10, False)
    assert item["message"].startswith("U+2066 LEFT-TO-RIGHT ISOLATE, invisible")


# ---------------------------------------------------- zero-width: W150


def test_a_zero_width_space_is_dropped_with_a_warning(example_copy, tmp_path):
    line = with_line(example_copy, "今天\u200b天气好")
    out = tmp_path / "out"
    built = invoke("build", "2018-48", "--root", str(example_copy), "--out", str(out), "--format", "docx")
    assert built.exit_code == 0, built.stderr
    assert f"{ARTICLE.as_posix()}:{line}:3: W150 U+200B ZERO WIDTH SPACE, invisible: dropped (check --fix removes it)" in findings(built)
    xml = zipfile.ZipFile(out / "2018-48.docx").read("word/document.xml").decode("utf-8")
    assert "今天天气好" in xml and "\u200b" not in xml
    fixed = invoke("check", "2018-48", "--root", str(example_copy), "--fix", "--no-fonts")
    assert "W150 fixed: U+200B ZERO WIDTH SPACE removed" in fixed.output
    assert "\u200b" not in (example_copy / ARTICLE).read_text(encoding="utf-8")


# ---------------------------------------------------- separators: W151


def _body(text: str) -> list[str]:
    import tempfile

    from bulletin.model import plain_text

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.md"
        path.write_text(FRONT + text + "\n", encoding="utf-8")
        diags = Collector()
        art = read_article(path, "a.md", Path(tmp), diags)
        return [plain_text(b.spans) for b in art.blocks], [d.code for d in diags.items]


def test_a_line_separator_reads_as_a_soft_break():
    assert _body("今天\u2028天气好") == (["今天天气好"], ["W151"])  # joined between hanzi
    assert _body("line\u2028break") == (["line break"], ["W151"])  # a space between Latin words


def test_a_paragraph_separator_reads_as_a_line_break_and_fix_makes_a_paragraph():
    assert _body("一段\u2029另一段") == (["一段\n另一段"], ["W151"])
    fixed, changes = fix_text(FRONT + "一段\u2029另一段\r\n")
    assert fixed == FRONT + "一段\r\n\r\n另一段\r\n"  # with the line's own ending
    assert [(c.line, c.col, c.code) for c in changes] == [(6, 3, "W151")]
    fixed, _ = fix_text((FRONT + "一行\u2028下一行\n").replace("\n", "\r\n"))
    assert fixed == (FRONT + "一行\n下一行\n").replace("\n", "\r\n")  # the file's own line ending


def test_separator_warnings_name_the_character(example_copy, tmp_path):
    line = with_line(example_copy, "一段\u2029另一段")
    result = invoke("check", "2018-48", "--root", str(example_copy), "--no-fonts")
    assert f"{ARTICLE.as_posix()}:{line}:3: W151 U+2029 PARAGRAPH SEPARATOR: printed as a line break; check --fix starts a new paragraph there" in findings(result)


# ------------------------------------------ character references: E014


@pytest.mark.parametrize("ref, code", [("&#0;", "0000"), ("&#xD800;", "D800"), ("&#x110000;", "110000"), ("&#xFFFE;", "FFFE"), ("&#12;", "000C")])
def test_an_invalid_reference_is_an_error_at_its_own_column(ref, code):
    diags = Collector()
    check_references(f"第一行\n今天{ref}天气", "a.md", 6, diags)
    (d,) = diags.items
    assert (d.line, d.col, d.code) == (7, 3, "E014")
    assert d.message == f"character reference '{ref}' is no valid character (U+{code}): write the character itself"


def test_valid_references_pass_and_an_invisible_one_is_named():
    diags = Collector()
    check_references("&#x4E00;&#65;&amp;&#x200B;&#12345678;", "a.md", 6, diags)
    assert diags.items == []
    check_references("看&#x202E;这里", "a.md", 6, diags)
    (d,) = diags.items
    assert (d.col, d.code, d.message) == (2, "E013", "'&#x202E;' is U+202E RIGHT-TO-LEFT OVERRIDE, invisible: remove it")


def test_an_invalid_reference_is_not_reported_as_a_missing_glyph(example_copy, tmp_path):
    line = with_line(example_copy, "今天&#0;天气")
    result = invoke("build", "2018-48", "--root", str(example_copy), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert findings(result) == [f"{ARTICLE.as_posix()}:{line}:3: E014 character reference '&#0;' is no valid character (U+0000): write the character itself"]


# ------------------------------- variation selectors and combining marks


def test_an_ideographic_variation_sequence_is_kept_and_never_not_in_font(example_copy, tmp_path):
    line = with_line(example_copy, "葛\U000e0101优")
    out = tmp_path / "out"
    built = invoke("build", "2018-48", "--root", str(example_copy), "--out", str(out))
    assert built.exit_code == 0, built.stderr
    assert "not in font" not in built.stderr
    xml = zipfile.ZipFile(out / "2018-48.docx").read("word/document.xml").decode("utf-8")
    assert "葛\U000e0101优" in xml  # the DOCX keeps the sequence for Word
    checked = invoke("check", "2018-48", "--root", str(example_copy))
    assert "not in font" not in checked.stderr
    w152 = [f for f in findings(checked) if " W152 " in f]
    # With the free faces no font lists 葛 + VS18; a font that does draws no warning.
    for f in w152:
        assert f.startswith(f"{ARTICLE.as_posix()}:{line}:2: W152 U+E0101 VARIATION SELECTOR-18 after '葛': no PDF font has this variant (")


def test_w152_is_given_when_no_face_lists_the_sequence(example_copy):
    from bulletin.commands import sequences
    from bulletin.sources.load import load_issue, load_repository
    from bulletin.numbering import parse_issue_id

    with_line(example_copy, "葛\ufe00优")

    class Face:  # a face whose font file lists no variants
        path, index, family = Path("/nonexistent.ttf"), 0, "No Such Font"

    diags = Collector()
    repo = load_repository(example_copy, diags)
    issue = load_issue(repo, parse_issue_id("2018-48"), diags)
    found = sequences.variation_warnings(issue.articles, example_copy, {"body": Face()})
    assert [d.message for d in found] == [
        "U+FE00 VARIATION SELECTOR-1 after '葛': no PDF font has this variant (No Such Font); the PDF prints the plain '葛', the DOCX keeps the sequence"]


def test_a_combining_accent_is_composed_with_its_base(example_copy, tmp_path):
    with_line(example_copy, "今天e\u0301与a\u030c天气好")  # as some IMEs and pasted pinyin type them
    out = tmp_path / "out"
    built = invoke("build", "2018-48", "--root", str(example_copy), "--out", str(out))
    assert built.exit_code == 0, built.stderr
    assert not findings(built), built.stderr  # é and ǎ exist precomposed: nothing to say
    xml = zipfile.ZipFile(out / "2018-48.docx").read("word/document.xml").decode("utf-8")
    assert "今天\u00e9与\u01ce天气好" in xml


def test_a_mark_with_no_precomposed_form_is_a_warning_not_a_missing_glyph(example_copy, tmp_path):
    line = with_line(example_copy, "序号1\u20dd天气好")
    out = tmp_path / "out"
    built = invoke("build", "2018-48", "--root", str(example_copy), "--out", str(out))
    assert built.exit_code == 0, built.stderr
    assert findings(built) == [f"{ARTICLE.as_posix()}:{line}:4: W153 U+20DD COMBINING ENCLOSING CIRCLE after '1': "
                               "no precomposed character; the PDF prints '1' without it, the DOCX keeps it"]
    assert "not in font" not in built.stderr
    xml = zipfile.ZipFile(out / "2018-48.docx").read("word/document.xml").decode("utf-8")
    assert "1\u20dd天气好" in xml


def test_composition_leaves_compatibility_ideographs_alone():
    from bulletin.text.invisible import compose_marks

    assert compose_marks("\uf900") == ("\uf900", [])  # NFC of a whole text would make it U+8C48
    text, left = compose_marks("\uf900\u0301")
    assert text == "\uf900\u0301" and [(m.offset, m.base, m.marks) for m in left] == [(1, "\uf900", "\u0301")]
    assert compose_marks("か\u3099e\u0301") == ("がé", [])
