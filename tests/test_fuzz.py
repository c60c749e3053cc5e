"""Property: whatever a writer commits, `check` and `build` end in a clean
result or in one-line diagnostics — never a traceback.

Hypothesis generates front matter (known and unknown keys, values of every
YAML type, sometimes broken YAML) and Markdown bodies (Markdown syntax mixed
with random Unicode: controls, surrogates, CJK, XML specials), writes them
into a small bulletin repository and runs the CLI in-process.  For each
example:
- no exception but SystemExit escapes a command; exit code 0 or 1;
- the same for `list --json`;
- every stderr line is a diagnostic `path:line:col: CODE message` (or the
  summary line);
- `build` refuses nothing that `check` accepted, and `check` finds an error
  in everything `build` refused;
- on exit 0 the DOCX opens with python-docx (and the PDF with pdfinfo).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bulletin.cli import main

# hypothesis' own plugin warns while it reports a failure; let the failure show
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DIAGNOSTIC = re.compile(r"^[^\s:][^:]*:[1-9]\d*:[1-9]\d*: [EW]\d{3} \S")
SUMMARY = re.compile(r"^(bulletin( check)?: |built \d+ issue|wrote )")

PUBLICATION = """\
title: 测试简报
editor: 测试办公室编
issuer: 测试办公室
numbering:
  anchor: {issue: 2018-48, total: 210}
distribution:
  报: 上级机关
contact:
  people: [黄彬]
  phone: "0771—2898117"
"""

SOUND = "---\ntitle: 一篇正常的文章\ncounty: 乐业县\nauthor: 周白阳\n---\n\n## 一、总体情况\n\n**一、做法。**正文内容，共计3亿元。\n"

# 500 in CI (the issue's floor); BULLETIN_FUZZ_EXAMPLES=5000 for a deeper hunt.
EXAMPLES = max(500, int(os.environ.get("BULLETIN_FUZZ_EXAMPLES", "500")))

# -------------------------------------------------------------- strategies
#
# Half the examples are meant to be sound (right keys, right types, printable
# text) so that the writers get exercised too; the other half are anything.

KEYS = ["title", "county", "unit", "author", "column", "subtitle", "attribution"]
COMMON_HANZI = (
    "脱贫攻坚产业扶贫工作队员乐业县猕猴桃一二三四五六七八九十年月日的是了在和有人这中大为上个国我以要他时来用们生到作地于出就"
    "分对成会可主发动同也能下过子说种面而方后多定行学法所民得经之进着等部度家电力里如水化高自理起小物现实加量都两体制机当使点"
)
PUNCTUATION = "，。、：；！？“”‘’（）《》——…… 　"

texts = st.text(max_size=30)  # any code point, surrogates and controls included
printable = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"), min_size=1, max_size=20,
)
common = st.text(alphabet=COMMON_HANZI + PUNCTUATION + "abcXYZ0123456789 .,:;-&<>'\"", min_size=1, max_size=20)
cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=12)
plain = st.one_of(cjk, st.text(alphabet="abc 123<>&\"'#:-[]{}!|*%@`", min_size=1, max_size=12))


def nonblank(strategy):
    return strategy.filter(lambda s: s.strip())


scalars = st.one_of(
    plain, texts, st.none(), st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(plain, st.integers(), st.booleans()), inner, max_size=4)),
    max_leaves=12,
)


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def sound_front_matter(draw, words) -> str:
    text = nonblank(words)
    data = {"title": draw(text), "county": draw(st.one_of(text, st.integers(1, 10**6)))}
    if draw(st.booleans()):
        data["unit"] = draw(text)
    if draw(st.booleans()):
        data["author"] = draw(st.one_of(text, st.lists(text, max_size=3)))
    if draw(st.booleans()):
        data["column"] = draw(st.sampled_from(["领导批示", "经验交流", "<栏目>&"]))
    if draw(st.integers(0, 3)) == 0:
        data["subtitle"] = draw(text)
    if draw(st.integers(0, 3)) == 0:
        data["attribution"] = draw(st.booleans())
    return dump(data)


@st.composite
def any_front_matter(draw) -> str:
    kind = draw(st.integers(0, 9))
    if kind <= 6:
        data = {}
        for key in KEYS:
            choice = draw(st.integers(0, 9))
            if key in ("title", "county") and choice < 6 or choice < 3:
                data[key] = draw(st.one_of(plain, plain, values))
        for key in draw(st.lists(st.one_of(plain, st.sampled_from(["titel", "County", "authors"])), max_size=2)):
            data[key] = draw(values)
        return dump(data)
    if kind == 7:
        return dump(draw(values))  # a scalar, a list or anything else
    return draw(raw_yaml)


raw_yaml = st.lists(
    st.one_of(
        st.sampled_from(["title: ", "county: ", "author:\n  - ", "\t", "  ", ": ", "- ", "[", "]", "{", "}", '"', "'",
                         "&a ", "*a", "!!python/object/apply:os.system ['true']", "!tag ", "<<: ", "? ", "---", "...",
                         "\n", "#", "|", ">", "%YAML 1.1", "~", "2018-11-15", "0x1F", "1e400", "\\0"]),
        plain,
        texts,
    ),
    max_size=20,
).map("".join)

MARKDOWN = [
    "## ", "### ", "#### ", "# ", "**", "*", "_", "__", "> ", "- ", "1. ", "9999999999. ", "  ", "    ", "\t",
    "\n", "\n\n", "\n\n", "`", "```\n", "[", "]", "(", ")", "![图1 说明](", "fig.png)", "missing.png)", "../../../x.png)",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "|", "---\n", "***", "<script>alert(1)</script>", "<w:p>", "</w:t>", "&", "&amp;",
    "&#0;", "&#xFFFE;", "<!--", "]]>", "\\", "  \n", "一、", "（一）", "1．", "。", "，", "“", "”", "——", "……",
    "**二、加粗。**正文", "\r\n", "\ufeff",
]
HOSTILE = ["\r", "\u2028", "\u0085", "\x00", "\x0b", "\x1b", "\ufffe", "\ud800"]


def bodies(words, hostile: bool):
    pieces = MARKDOWN + (HOSTILE if hostile else [])
    return st.lists(st.one_of(st.sampled_from(pieces), words, words), max_size=40).map("".join)


@st.composite
def articles(draw, pdf: bool = False) -> bytes:
    """The bytes of one article file."""
    if draw(st.booleans()):  # meant to be sound
        words = common if pdf else st.one_of(common, printable, cjk)
        text = "---\n" + draw(sound_front_matter(words)) + "---\n" + draw(bodies(words, hostile=False))
        encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "crlf"]))
    else:
        body = draw(bodies(st.one_of(cjk, plain, texts), hostile=True))
        shape = draw(st.integers(0, 19))
        if shape == 0:  # no front matter at all
            text = body
        elif shape == 1:  # front matter never closed
            text = "---\n" + draw(any_front_matter()) + body
        else:
            text = "---\n" + draw(any_front_matter()) + "---\n" + body
        encoding = draw(st.sampled_from(["utf-8"] * 12 + ["utf-8-sig", "crlf", "gb18030", "utf-16"]))
    if encoding == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8", "surrogatepass")
    try:
        return text.encode(encoding, "surrogatepass")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


PUB_KEYS = ["title", "editor", "issuer", "numbering", "distribution", "contact", "fonts", "marks", "style"]


@st.composite
def publication_overrides(draw) -> str:
    """The example publication with one key replaced by anything."""
    data = yaml.safe_load(PUBLICATION)
    key = draw(st.sampled_from(PUB_KEYS + ["titel"]))
    data[key] = draw(st.one_of(values, st.fixed_dictionaries({"anchor": st.fixed_dictionaries({"issue": plain, "total": scalars})})))
    return dump(data)


publications = st.one_of(
    *[st.just(PUBLICATION)] * 6,
    st.builds(lambda extra: PUBLICATION + extra, raw_yaml),
    publication_overrides(),
)

issue_yamls = st.one_of(
    st.just("date: 2018-11-15\n"),
    st.just("date: 2018-11-15\n"),
    st.just("date: 2018-11-15\n"),
    st.builds(lambda note: dump({"date": dt.date(2018, 11, 15), "note": note}), st.one_of(nonblank(common), values)),
    st.builds(lambda extra: "date: 2018-11-15\n" + extra, raw_yaml),
)


# ------------------------------------------------------------------ runner


def invoke(args: list[str]):
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"bulletin {' '.join(args)} raised {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1), (args, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    for line in result.stderr.splitlines():
        assert DIAGNOSTIC.match(line) or SUMMARY.match(line), f"stderr line not a diagnostic: {line!r}"
    return result


def errors(result) -> set[str]:
    """`path:line:col: CODE` of each error, but font coverage (E04x): a PDF
    matter that `check` reports and a DOCX-only build rightly ignores."""
    found = set()
    for line in result.stderr.splitlines():
        if DIAGNOSTIC.match(line):
            where, code = line.split(" ", 2)[:2]
            if code.startswith("E") and not code.startswith("E04"):
                found.add(f"{where} {code}")
    return found


def make_repo(base: Path, article: bytes, issue_yaml: str, second: bool, publication: str = PUBLICATION) -> Path:
    repo = base / "repo"
    folder = repo / "issues" / "2018-48"
    folder.mkdir(parents=True)
    (repo / "bulletin.yaml").write_text(publication, encoding="utf-8", errors="surrogatepass")
    (folder / "issue.yaml").write_text(issue_yaml, encoding="utf-8", errors="surrogatepass")
    (folder / "fig.png").write_bytes(_PNG)
    (folder / "1-generated.md").write_bytes(article)
    if second:
        (folder / "2-sound.md").write_text(SOUND, encoding="utf-8")
    return repo


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


_PNG = _png()


def run_example(article: bytes, issue_yaml: str, second: bool, formats: tuple[str, ...], publication: str = PUBLICATION) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        repo = make_repo(base, article, issue_yaml, second, publication)
        out = base / "out"
        checked = invoke(["check", "2018-48", "--root", str(repo)])
        invoke(["list", "--json", "--root", str(repo)])
        args = ["build", "2018-48", "--root", str(repo), "--out", str(out), "--jobs", "1"]
        for fmt in formats:
            args += ["--format", fmt]
        built = invoke(args)
        event(f"build exit {built.exit_code}")
        for code in sorted({line.split(" ", 2)[1] for line in built.stderr.splitlines() if DIAGNOSTIC.match(line)}):
            event(code)
        if built.exit_code == 0:
            assert not errors(checked), f"check found errors that build accepted:\n{checked.stderr}"
            import docx

            if "docx" in formats:
                docx.Document(str(out / "2018-48.docx"))
            if "pdf" in formats and shutil.which("pdfinfo"):
                subprocess.run(["pdfinfo", str(out / "2018-48.pdf")], check=True, capture_output=True)
        else:
            assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")], "a failed build wrote files"
            build_errors = errors(built)
            if formats == ("docx",):  # PDF-only errors (fonts) are build's alone
                assert build_errors <= errors(checked), f"build refused what check passed:\n{built.stderr}\ncheck:\n{checked.stderr}"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(article=articles(), issue_yaml=issue_yamls, second=st.booleans(), publication=publications)
def test_check_and_build_docx_never_crash(article, issue_yaml, second, publication):
    run_example(article, issue_yaml, second, ("docx",), publication)


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) not installed")
@settings(max_examples=max(60, EXAMPLES // 8), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(article=articles(pdf=True), issue_yaml=issue_yamls)
def test_check_and_build_both_formats_never_crash(article, issue_yaml):
    run_example(article, issue_yaml, False, ("docx", "pdf"))
