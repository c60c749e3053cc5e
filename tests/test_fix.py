"""`bulletin check` and `check --fix` on the reference issue as extracted.

tests/fixtures/seed_raw is the example repository's issue 2018-48 with the
article bodies exactly as the seed text (../shared/seed) has them: spaces
around digits ("1 至 2 个", "广西扶贫 APP") and paragraphs split by page
breaks ("规划建" / blank line / "设…").  Front matter and heading markup are
the example's, so the bodies are the only difference.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from conftest import EXAMPLE

from bulletin.commands.check import check
from bulletin.commands.fix import fix_file, fix_text
from bulletin.text.chars import is_cjk

SEED_RAW = Path(__file__).parent / "fixtures" / "seed_raw"
ISSUE = "issues/2018-48"
ARTICLES = ("1-leye.md", "2-quanzhou.md", "3-mengshan.md")
LATIN = "[0-9A-Za-z%]"

# Where the page breaks of the printed issue split a paragraph: (file, line of the paragraph's end).
BREAKS = {
    ("1-leye.md", 13),  # 规划建 / 设 1 至 2 个
    ("2-quanzhou.md", 13),  # 加 / 班均在线上
    ("2-quanzhou.md", 17),  # 远程教 / 育站点
    ("2-quanzhou.md", 23),  # 组不 / 漏户
    ("3-mengshan.md", 29),  # 已 / 签约
    ("3-mengshan.md", 43),  # 一 / 体化管理
}


def raw_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "seed"
    shutil.copytree(SEED_RAW, dest)
    return dest


def spaces_in(name: str) -> set[tuple[str, int, int]]:
    """Every space between Chinese text and a digit or Latin letter in the raw body, found independently of lint."""
    out = set()
    lines = (SEED_RAW / ISSUE / name).read_text(encoding="utf-8").split("\n")
    body_start = lines.index("---", 1) + 1
    for n, line in enumerate(lines[body_start:], body_start + 1):
        for m in re.finditer(" +", line):
            left, right = line[m.start() - 1: m.start()], line[m.end(): m.end() + 1]
            if (is_cjk(left) and re.fullmatch(LATIN, right)) or (re.fullmatch(LATIN, left) and is_cjk(right)):
                out.add((name, n, m.start() + 1))
    return out


def test_fixture_differs_from_the_example_only_in_the_body_artefacts():
    for name in ARTICLES:
        raw = (SEED_RAW / ISSUE / name).read_text(encoding="utf-8")
        clean = (EXAMPLE / ISSUE / name).read_text(encoding="utf-8")
        assert raw.split("---\n")[1] == clean.split("---\n")[1], "front matter must be the example's"
        assert re.sub(r"\s", "", raw) == re.sub(r"\s", "", clean)
        assert raw != clean


def test_check_reports_every_artefact_at_its_line(tmp_path):
    result = check(raw_copy(tmp_path), None, fonts=False)
    assert not result.errors
    found = {(d.path.rsplit("/", 1)[1], d.line, d.col) for d in result.diagnostics if d.code == "W111"}
    expected = set().union(*(spaces_in(n) for n in ARTICLES))
    assert found == expected
    assert len(expected) > 80
    breaks = {(d.path.rsplit("/", 1)[1], d.line) for d in result.diagnostics if d.code == "W112"}
    assert breaks == BREAKS
    assert {d.code for d in result.diagnostics} == {"W111", "W112"}
    assert all(d.fix and d.severity == "warning" for d in result.diagnostics)


def test_fix_gives_the_clean_example_and_a_second_fix_changes_nothing(tmp_path):
    root = raw_copy(tmp_path)
    articles = [(root / ISSUE / n, f"{ISSUE}/{n}") for n in ARTICLES]
    changes = [c for path, _ in articles for c in fix_file(path)]
    assert len(changes) == len(check(SEED_RAW, None, fonts=False).diagnostics)
    for name in ARTICLES:
        assert (root / ISSUE / name).read_bytes() == (EXAMPLE / ISSUE / name).read_bytes(), name
    assert [c for path, _ in articles for c in fix_file(path)] == []
    assert check(root, None, fonts=False).diagnostics == []
    assert sorted(p.name for p in (root / ISSUE).iterdir()) == sorted([*ARTICLES, "issue.yaml"])  # no temp files left


def test_cli_check_and_fix(tmp_path, cli):
    root = raw_copy(tmp_path)
    plain = cli("check", "--root", str(root))
    assert plain.returncode == 0, plain.stderr  # warnings only
    assert f"{ISSUE}/1-leye.md:13:64: W112 " in plain.stderr
    assert f"{ISSUE}/2-quanzhou.md:13:92: W111 space between Chinese text and Latin: '西扶贫 APP'" in plain.stderr
    assert cli("check", "--strict", "--root", str(root)).returncode == 1
    data = json.loads(cli("check", "--format", "json", "--root", str(root)).stdout)
    assert data[0] == {
        "path": f"{ISSUE}/1-leye.md", "line": 13, "col": 64, "code": "W112", "severity": "warning",
        "message": data[0]["message"], "fix": True,
    }
    assert all(set(d) == {"path", "line", "col", "code", "severity", "message", "fix"} for d in data)
    # nothing was written by check without --fix
    assert (root / ISSUE / "1-leye.md").read_bytes() == (SEED_RAW / ISSUE / "1-leye.md").read_bytes()
    fixed = cli("check", "--fix", "--strict", "--root", str(root))
    assert fixed.returncode == 0, fixed.stderr
    assert f"{ISSUE}/3-mengshan.md:29:146: W112 fixed: joined line 33 to line 29: '…困人口已' + '签约 2…'" in fixed.stdout
    assert len(fixed.stdout.splitlines()) == len(data)
    again = cli("check", "--fix", "--strict", "--root", str(root))
    assert again.returncode == 0 and again.stdout == ""
    for name in ARTICLES:
        assert (root / ISSUE / name).read_bytes() == (EXAMPLE / ISSUE / name).read_bytes()


def test_fix_keeps_bom_line_endings_and_everything_else(tmp_path):
    text = "---\r\ntitle: 乐业县 2018 年工作\r\ncounty: 乐业县\r\n---\r\n\r\n## 一、规划 2 个\r\n\r\n建设 1 至 2 个，加\r\n\r\n班完成。  \r\n\r\n```\r\n代码 1 个\r\n```\r\n"
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    changes = fix_file(path)
    assert [c.code for c in changes] == ["W111", "W111", "W111", "W111", "W111", "W111", "W112"]
    expected = "---\r\ntitle: 乐业县 2018 年工作\r\ncounty: 乐业县\r\n---\r\n\r\n## 一、规划2个\r\n\r\n建设1至2个，加班完成。  \r\n\r\n```\r\n代码 1 个\r\n```\r\n"
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")


def test_fix_text_without_findings_is_identity():
    text = (EXAMPLE / ISSUE / "1-leye.md").read_text(encoding="utf-8")
    assert fix_text(text) == (text, [])


def test_fix_keeps_the_mode_and_fixes_a_symlinked_article_in_its_target(tmp_path):
    target = tmp_path / "real.md"
    target.write_text("---\ntitle: t\ncounty: c\n---\n\n建设 1 个。\n", encoding="utf-8")
    target.chmod(0o664)
    link = tmp_path / "link.md"
    link.symlink_to(target.name)
    assert [c.code for c in fix_file(link)] == ["W111", "W111"]
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").endswith("建设1个。\n")
    assert target.stat().st_mode & 0o777 == 0o664


def test_overlapping_fixes_take_two_passes():
    # the comma inside the parentheses and the parentheses are separate findings on one line
    text = "---\ntitle: t\ncounty: c\n---\n\n各乡(镇,村)落实。\n"
    fixed, changes = fix_text(text)
    assert fixed.endswith("各乡（镇，村）落实。\n")
    assert sorted(c.code for c in changes) == ["W110", "W110"]
