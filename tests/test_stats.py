"""`bulletin stats`: 信息采用统计, checked against counts this test makes from
the sources' front matter itself, and the chart read back (SVG parsed, PNG
decoded)."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from conftest import EXAMPLE, run_cli

NO_COLUMN = "（无栏目）"


def sources(root: Path) -> list[tuple[int, dict]]:
    """(year, front matter) of every article, in issue and article order, from the files alone."""
    out = []
    folders = [p for p in (root / "issues").iterdir() if re.fullmatch(r"\d{4}-\d+", p.name)]
    for folder in sorted(folders, key=lambda p: tuple(int(x) for x in p.name.split("-"))):
        issue = yaml.safe_load((folder / "issue.yaml").read_text("utf-8")) or {}
        for name in issue.get("articles") or sorted(p.name for p in folder.glob("*.md")):
            head = (folder / name).read_text("utf-8-sig").split("\n---\n", 1)[0].removeprefix("---\n")
            out.append((int(folder.name.split("-")[0]), yaml.safe_load(head)))
    return out


def article(folder: Path, name: str, county: str, column: str | None = None) -> None:
    col = f"column: {column}\n" if column else ""
    (folder / name).write_text(f"---\ntitle: {county}又一篇信息\ncounty: {county}\n{col}---\n\n正文。\n", "utf-8")


@pytest.fixture
def ranked(example_copy) -> Path:
    """The example with more articles: 乐业县 3 (two years), 全州县 2, the rest 1 each."""
    article(example_copy / "issues" / "2018-48", "4-leye.md", "乐业县", "工作动态")
    article(example_copy / "issues" / "2019-1", "quanzhou.md", "全州县")
    article(example_copy / "issues" / "2019-1", "z-leye.md", "乐业县", "领导批示")
    return example_copy


def stats_json(root: Path, *args: str) -> dict:
    done = run_cli("stats", *args, "--format", "json", "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


@pytest.mark.parametrize("years", [(), ("2018",), ("2018", "2019")])
def test_json_counts_are_the_sources_counts(ranked, years):
    data = stats_json(ranked, *years)
    wanted = [(y, m) for y, m in sources(ranked) if not years or str(y) in years]
    totals = Counter(m["county"] for _, m in wanted)
    per_year = Counter((m["county"], y) for y, m in wanted)
    per_column = Counter((m["county"], m.get("column") or NO_COLUMN) for _, m in wanted)
    assert {r["name"]: r["total"] for r in data["rows"]} == dict(totals)
    for row in data["rows"]:
        assert row["years"] == {str(y): per_year[(row["name"], y)] for y in data["years"]}
        assert row["columns"] == {c: n for (county, c), n in per_column.items() if county == row["name"]}
    assert data["articles"] == len(wanted)
    assert data["years"] == sorted({y for y, _ in wanted})


def test_ranked_by_total_then_first_appearance_ties_share_a_rank(ranked):
    rows = stats_json(ranked)["rows"]
    order: dict[str, int] = {}
    for _, m in sources(ranked):
        order.setdefault(m["county"], len(order))
    totals = Counter(m["county"] for _, m in sources(ranked))
    assert [r["name"] for r in rows] == sorted(totals, key=lambda c: (-totals[c], order[c]))
    assert [r["name"] for r in rows][:2] == ["乐业县", "全州县"]
    assert [r["rank"] for r in rows] == [1, 2] + [3] * (len(rows) - 2)


def test_by_column_and_by_unit(ranked):
    by_column = {r["name"]: r["total"] for r in stats_json(ranked, "--by", "column")["rows"]}
    assert by_column == dict(Counter(m.get("column") or NO_COLUMN for _, m in sources(ranked)))
    by_unit = {r["name"]: r["total"] for r in stats_json(ranked, "--by", "unit")["rows"]}
    assert by_unit == dict(Counter(m.get("unit") or m["county"] for _, m in sources(ranked)))


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_the_table_lines_up_in_terminal_columns(ranked):
    done = run_cli("stats", "--root", str(ranked))
    assert done.returncode == 0, done.stderr
    title, *lines = done.stdout.splitlines()
    assert title.startswith("信息采用统计（2018年、2019年")
    assert len({width(line) for line in lines}) == 1  # numbers flush right, so every row ends in one column
    head = lines[0].split()
    assert head[:5] == ["名次", "县（市、区）", "2018年", "2019年", "合计"]
    assert "领导批示" in head and NO_COLUMN in head
    assert lines[2].split()[:5] == ["1", "乐业县", "2", "1", "3"]
    assert lines[-1].split()[:4] == ["合计", "7", "3", "10"]


def test_csv_is_utf8_with_a_bom_for_excel(ranked, tmp_path):
    done = run_cli("stats", "2018", "--format", "csv", "--root", str(ranked))
    assert done.returncode == 0
    raw = done.stdout.encode("utf-8")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["名次", "县（市、区）", "合计"]
    assert rows[1][:3] == ["1", "乐业县", "2"]
    assert rows[-1][1:3] == ["合计", "7"]


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_the_chart_is_valid_and_labelled_with_the_counties(ranked, tmp_path, suffix):
    chart = tmp_path / f"chart{suffix}"
    done = run_cli("stats", "--chart", str(chart), "--format", "json", "--root", str(ranked))
    assert done.returncode == 0, done.stderr
    counties = [r["name"] for r in json.loads(done.stdout)["rows"]]
    if suffix == ".svg":
        root = ElementTree.parse(chart).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        labels = [t for t in texts if t in counties]
        assert labels == counties  # every county, in ranking order
        bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") != "#FFFFFF"]
        widths = [float(r.get("width")) for r in bars]
        assert len(bars) == len(counties) and widths == sorted(widths, reverse=True)
        assert widths[0] == pytest.approx(widths[1] * 3 / 2)  # 乐业县 3, 全州县 2
    else:
        from PIL import Image

        with Image.open(chart) as img:
            img.load()
            assert img.format == "PNG" and img.width > 600 and img.height > 300
            colours = img.getcolors(maxcolors=1 << 20)
            dark = sum(n for n, c in colours if sum(c[:3]) < 200)
            red = sum(n for n, c in colours if c[0] > 150 and c[1] < 60 and c[2] < 80)
            assert dark > 500 and red > 5000  # drawn labels and bars, not a blank image


def test_bad_years_and_an_unwritable_chart_are_one_line_each(ranked, tmp_path):
    done = run_cli("stats", "20x8", "--root", str(ranked))
    assert done.returncode == 1 and done.stdout == ""
    assert re.fullmatch(r"issues:1:1: E004 malformed year '20x8' .*\n", done.stderr)
    done = run_cli("stats", "2017", "--root", str(ranked))
    assert done.returncode == 1 and done.stdout == ""
    assert re.fullmatch(r"issues:1:1: E002 no issues in 2017 .*\n", done.stderr)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = run_cli("stats", "--chart", str(blocker / "chart.svg"), "--root", str(ranked))
    assert done.returncode == 1 and done.stdout == ""
    assert re.fullmatch(rf"{re.escape(str(blocker / 'chart.svg'))}:1:1: E050 .*\n", done.stderr)


def test_a_chart_of_another_kind_is_a_usage_error(ranked, tmp_path):
    done = run_cli("stats", "--chart", str(tmp_path / "chart.pdf"), "--root", str(ranked))
    assert done.returncode == 2
    assert not (tmp_path / "chart.pdf").exists()


def test_the_example_as_it_is(example_root):
    data = stats_json(example_root, "2018")
    assert {r["name"]: r["total"] for r in data["rows"]} == dict(
        Counter(m["county"] for y, m in sources(example_root) if y == 2018))
