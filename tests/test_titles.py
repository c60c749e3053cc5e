"""Display titles: where both writers break a title that does not fit one line."""

from __future__ import annotations

import pytest

from bulletin.text.titles import title_lines

EMS = 442.2 / 22  # 二号 titles in the 156 mm block: about 20 hanzi a line


@pytest.mark.parametrize(
    "title, lines",
    [
        ("乐业县探索“三变”实现贫困户产业全覆盖", ["乐业县探索“三变”实现贫困户产业全覆盖"]),
        # the writer's own break (a space between hanzi, as the printed issue has it)
        ("全州县“五心五线”工作法严管厚爱 驻村工作队员", ["全州县“五心五线”工作法严管厚爱", "驻村工作队员"]),
        ("乐业县探索“三变”\n实现贫困户产业全覆盖", ["乐业县探索“三变”", "实现贫困户产业全覆盖"]),
        # otherwise after a closing mark rather than inside a word
        ("全州县“五心五线”工作法严管厚爱驻村工作队员", ["全州县“五心五线”", "工作法严管厚爱驻村工作队员"]),
        # balanced, never a lone last character
        ("关于进一步加强和改进新时代农村基层党组织建设工作的实施意见员", ["关于进一步加强和改进新时代农村", "基层党组织建设工作的实施意见员"]),
    ],
)
def test_title_lines(title, lines):
    assert title_lines(title, EMS) == lines


def test_latin_runs_stay_whole_and_kinsoku_holds():
    title = "关于2018年APPLICATION系统运行情况的通报及下一步工作安排（试行）"
    lines = title_lines(title, EMS)
    assert "".join(lines) == title
    assert any("APPLICATION" in line for line in lines)
    assert not any(line[0] in "，。、）”" or line[-1] in "（“" for line in lines)
    assert all(sum(0.5 if c.isascii() else 1 for c in line) <= EMS for line in lines)
    assert all(len(line) >= 2 for line in lines)


def test_a_space_between_latin_words_is_not_a_break():
    assert title_lines("推广 APP 使用", EMS) == ["推广 APP 使用"]
