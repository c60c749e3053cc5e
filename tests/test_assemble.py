"""Sources → model: the example issues assembled, dumped as readable snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_snapshot

from bulletin.commands.build import read_bulletins
from bulletin.diagnostics import Collector
from bulletin.model import dump
from bulletin.numbering import IssueId

SNAPSHOTS = Path(__file__).parent / "snapshots" / "model"


def bulletin(root, text):
    iid = IssueId(*map(int, text.split("-")))
    diags = Collector()
    got = read_bulletins(root, [iid], diags)[iid]
    assert not diags.items, [d.render() for d in diags.items]
    return got


@pytest.mark.parametrize("issue", ["2018-48", "2018-49", "2019-1"])
def test_model_snapshot(example_root, issue):
    check_snapshot(SNAPSHOTS / f"{issue}.txt", dump(bulletin(example_root, issue)))


def test_reference_issue_masthead_and_imprint(example_root):
    b = bulletin(example_root, "2018-48")
    assert b.masthead.issue_line == "2018年第48期（总第210期）"
    assert b.masthead.date_text == "2018年11月15日"
    assert [g.label for g in b.groups] == ["领导批示"]  # one label for the three articles
    assert [a.attribution for a in b.articles] == ["（乐业县委办公室 周白阳）", "（全州县宣传部 周娜 胡常胜）", "（梧州市扶贫办开发办公室 陈世万）"]
    assert [d.label for d in b.imprint.distribution] == ["报", "送"]
    assert b.imprint.print_date == "2018年11月15日印发"
    assert b.imprint.contact == "联系人：黄\u3000彬\u3000罗安桐\u3000联系电话：0771—2898117\u3000投稿邮箱：gtxpxcb@163.com"


def test_columns_group_consecutive_articles_and_explicit_order(example_root):
    b = bulletin(example_root, "2018-49")
    assert [(g.label, len(g.articles)) for g in b.groups] == [("工作动态", 2), ("经验交流", 1)]
    assert b.masthead.issue_line == "2018年第49期（总第211期）"
    assert b.note is not None


def test_year_restart_keeps_the_total_running(example_root):
    assert bulletin(example_root, "2019-1").masthead.issue_line == "2019年第1期（总第212期）"


def test_attribution_false_and_default_unit(example_copy):
    art = example_copy / "issues" / "2019-1" / "pingguo.md"
    art.write_text(art.read_text(encoding="utf-8").replace("author: 梁海燕", "author: 梁海燕\nattribution: false"), encoding="utf-8")
    assert bulletin(example_copy, "2019-1").articles[0].attribution is None
