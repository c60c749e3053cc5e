"""The lint rules of `bulletin check`: one readable fixture per rule, positive and negative.

tests/fixtures/lint/README.md explains the files.  Each article fixture is
checked as the only article of a small repository; each *.repo.yaml is a
whole repository.  What check reports is compared with the sibling .expected
file (BULLETIN_UPDATE_SNAPSHOTS=1 rewrites it), and the rule's code must be
there for a -bad fixture and absent for an -ok one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import check_snapshot

from bulletin.commands.check import check
from bulletin.commands.fix import fix_text
from bulletin.commands.lint import RULES, IssueFacts, heading_number, lint_issue_sequence, lint_text, title_lines
from bulletin.numbering import IssueId

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
ARTICLES = sorted(FIXTURES.glob("*.md"))
ARTICLES = [p for p in ARTICLES if p.name != "README.md" and not p.name.endswith(".fixed.md")]
REPOS = sorted(FIXTURES.glob("*.repo.yaml"))

PUBLICATION = """\
title: 测试简报
editor: 测试办公室编
issuer: 测试办公室
numbering:
  anchor: {issue: 2018-1, total: 1}
"""


def code_of(path: Path) -> str:
    return path.name.split("-")[0]


def positive(path: Path) -> bool:
    return "-bad" in path.name


def article_repo(tmp_path: Path, article: Path) -> tuple[Path, str]:
    root = tmp_path / "repo"
    (root / "issues" / "2018-1").mkdir(parents=True)
    (root / "bulletin.yaml").write_text(PUBLICATION, encoding="utf-8")
    (root / "issues" / "2018-1" / "issue.yaml").write_text("date: 2018-01-10\n", encoding="utf-8")
    rel = f"issues/2018-1/{article.name}"
    (root / rel).write_bytes(article.read_bytes())
    return root, rel


def materialise(tmp_path: Path, spec: Path) -> Path:
    root = tmp_path / "repo"
    for rel, text in yaml.safe_load(spec.read_text(encoding="utf-8"))["files"].items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# Rules that depend on the installed fonts (fixtures run with fonts=False): tested in test_invisible.py.
FONT_RULES = {"W152"}


def test_every_rule_has_a_positive_and_a_negative_fixture():
    names = {p.name for p in ARTICLES + REPOS}
    for code in RULES:
        if code in FONT_RULES:
            continue
        assert any(n.startswith(f"{code}-bad") for n in names), f"{code} has no -bad fixture"
        assert any(n.startswith(f"{code}-ok") for n in names), f"{code} has no -ok fixture"


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_article_fixture(article: Path, tmp_path: Path):
    root, rel = article_repo(tmp_path, article)
    result = check(root, None, fonts=False)
    lines = [d.render().removeprefix(rel + ":") for d in result.diagnostics]
    codes = {d.code for d in result.diagnostics}
    check_snapshot(article.with_suffix(".expected"), "\n".join(lines) + "\n" if lines else "")
    assert not result.errors, lines
    code = code_of(article)
    if positive(article):
        assert code in codes, lines
    else:
        assert not lines, f"an -ok fixture draws findings: {lines}"
    for d in result.diagnostics:
        assert d.fix == RULES[d.code].fixable
        assert d.severity == RULES[d.code].severity


@pytest.mark.parametrize("article", [p for p in ARTICLES if positive(p) and RULES[code_of(p)].fixable], ids=lambda p: p.stem)
def test_fixable_fixture_fixes(article: Path):
    text = article.read_text(encoding="utf-8")
    fixed, changes = fix_text(text)
    assert changes
    check_snapshot(article.with_name(article.stem + ".fixed.md"), fixed)
    assert not [f for f in lint_text(fixed) if f.edits], "fixable findings left after --fix"
    again, more = fix_text(fixed)
    assert again == fixed and not more


@pytest.mark.parametrize("spec", REPOS, ids=lambda p: p.name.removesuffix(".repo.yaml"))
def test_repository_fixture(spec: Path, tmp_path: Path):
    root = materialise(tmp_path, spec)
    result = check(root, None, fonts=False)
    lines = [d.render() for d in result.diagnostics]
    check_snapshot(spec.with_name(spec.name.removesuffix(".repo.yaml") + ".expected"), "\n".join(lines) + "\n" if lines else "")
    code = code_of(spec)
    codes = {d.code for d in result.diagnostics}
    if positive(spec):
        assert code in codes, lines
    else:
        assert not lines, lines


# ------------------------------------------------------------- unit level


def test_heading_numbers():
    assert heading_number("二、整合社会各类资金") == (1, 2, "二、")
    assert heading_number("十二、其他") == (1, 12, "十二、")
    assert heading_number("（三）开展信用评级") == (2, 3, "（三）")
    assert heading_number("2．要点") == (3, 2, "2．")
    assert heading_number("（4）细目") == (4, 4, "（4）")
    assert heading_number("二是完善") is None
    assert heading_number("3.2万户得到帮扶") is None
    assert heading_number("坚持问题导向。") is None


def test_title_geometry_follows_the_style():
    # 156 mm block = 442.2 pt; at 二号 (22 pt) 20 hanzi a line
    width = 156 * 72 / 25.4
    assert title_lines("字" * 40, width, 22) == (2, 20)
    assert title_lines("字" * 41, width, 22) == (3, 20)
    assert title_lines("字" * 38 + "APP", width, 22) == (2, 20)  # Latin is half width
    assert title_lines("字" * 40, width, 16)[0] == 2  # 三号: 27 a line


def test_punctuation_is_left_alone_inside_code_links_and_urls():
    body = "---\ntitle: t\ncounty: c\n---\n\n见[说明](http://a.b/c,d)和`x,y`。\n\n```\n县,市\n```\n"
    assert lint_text(body) == []


def test_link_text_is_chinese_text():
    body = "---\ntitle: t\ncounty: c\n---\n\n见[说明,附件](http://a.b/c,d)。\n"
    assert [(f.code, f.col) for f in lint_text(body)] == [("W110", 5)]


def test_sequence_rules_are_attached_to_the_later_issue():
    a = IssueFacts(IssueId(2018, 1), "issues/2018-1/issue.yaml", None, 1, 5, 1)
    b = IssueFacts(IssueId(2018, 4), "issues/2018-4/issue.yaml", None, 1, 5, 2)
    found = lint_issue_sequence([b, a])
    assert [(str(i), d.code, d.line) for i, d in found] == [("2018-4", "W120", 1), ("2018-4", "E034", 2)]
    assert "第2–3期" in found[0][1].message
