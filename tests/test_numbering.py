"""Issue ids, 总期号 from anchors, Chinese dates and numerals."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletin.numbering import (
    IssueId,
    chinese_date,
    chinese_numeral,
    issue_line,
    padded_issue_id,
    parse_chinese_numeral,
    parse_issue_id,
    totals,
)


def ids(*texts):
    return [parse_issue_id(t) for t in texts]


def test_issue_ids():
    assert parse_issue_id("2018-48") == IssueId(2018, 48)
    assert parse_issue_id("2019-02") is None and padded_issue_id("2019-02") == IssueId(2019, 2)
    assert parse_issue_id("2018-xx") is None and padded_issue_id("2018-xx") is None
    assert parse_issue_id("2018-0") is None


def test_totals_count_repository_issues_from_the_anchor_across_years():
    repo = ids("2018-47", "2018-48", "2018-49", "2019-1", "2019-2")
    got = totals(repo, {IssueId(2018, 48): 210})
    assert [got[i] for i in repo] == [209, 210, 211, 212, 213]


def test_an_issue_total_reanchors_the_issues_after_it():
    repo = ids("2018-48", "2018-49", "2019-1", "2019-2")
    got = totals(repo, {IssueId(2018, 48): 210, IssueId(2019, 1): 300})
    assert [got[i] for i in repo] == [210, 211, 300, 301]


def test_anchor_outside_the_repository_counts_the_issues_after_it():
    repo = ids("2019-1", "2019-3")
    got = totals(repo, {IssueId(2018, 52): 214})
    assert [got[i] for i in repo] == [215, 216]


def test_no_anchor_no_total():
    assert totals(ids("2018-1"), {}) == {IssueId(2018, 1): None}
    assert issue_line(2018, 1, None) == "2018年第1期"
    assert issue_line(2018, 48, 210) == "2018年第48期（总第210期）"


def test_chinese_date_has_no_zero_padding():
    assert chinese_date(dt.date(2004, 3, 9)) == "2004年3月9日"


@pytest.mark.parametrize("n, text", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"), (99, "九十九")])
def test_chinese_numerals_round_trip(n, text):
    assert chinese_numeral(n) == text
    assert parse_chinese_numeral(text) == n
