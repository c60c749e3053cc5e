"""Line breaking and justification, with an injected width function.

Widths do not come from a font (WeasyPrint's box-glyph idea): a CJK unit is
one cell of 16 pt and a Latin character is half an em, 8 pt.  So "abc" is
24 pt wide and every expected position below is exact arithmetic.
"""

from __future__ import annotations

import dataclasses
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.text import Glyph, Line, Run, break_paragraph, tokenize
from bulletin.text.chars import (
    CLOSING_CHARS,
    NO_END_CHARS,
    NO_START_CHARS,
    OPENING_CHARS,
)

CELL = 16.0
HALF = CELL / 2
LATIN_CHAR = 8.0
HAN = "字"


def measure(text: str, role: str) -> float:
    return LATIN_CHAR * len(text)


def lay_out(text: str | list[Run], cells: float, **options) -> list[Line]:
    runs = [Run(text, "body")] if isinstance(text, str) else text
    return break_paragraph(runs, measure=measure, line_width=cells * CELL, cell=CELL, **options)


def line_texts(lines: list[Line]) -> list[str]:
    return ["".join(glyph.text for glyph in line.glyphs) for line in lines]


def glyph(line: Line, text: str) -> Glyph:
    return next(g for g in line.glyphs if g.text == text)


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, units",
    [
        ("2018年", ["2018", "年"]),
        ("受益0.5亩", ["受", "益", "0.5", "亩"]),
        ("100%覆盖", ["100%", "覆", "盖"]),
        ("邮箱：gtxpxcb@163.com", ["邮", "箱", "：", "gtxpxcb@163.com"]),
        ("电话：0771—2898117", ["电", "话", "：", "0771—2898117"]),
        ("1.6万亩", ["1.6", "万", "亩"]),
        ("扶贫APP管理", ["扶", "贫", "APP", "管", "理"]),
        ("微信、QQ、", ["微", "信", "、", "QQ", "、"]),
        ("见http://example.com/a/b。", ["见", "http://example.com/a/b", "。"]),
        ("“1+1+1”模式", ["“", "1+1+1", "”", "模", "式"]),
        ("说——是", ["说", "——", "是"]),
        ("等等……吧", ["等", "等", "……", "吧"]),
        ("———", ["——", "—"]),
        ("2018年—2020年", ["2018", "年", "—", "2020", "年"]),
    ],
)
def test_tokenize_units(text, units):
    assert [unit.text for unit in tokenize([Run(text, "body")])] == units


@pytest.mark.parametrize(
    "text, units",
    [
        ("设 1 至 2 个", ["设", "1", "至", "2", "个"]),  # spaces next to CJK are artefacts
        ("联系人：黄 彬", ["联", "系", "人", "：", "黄", "彬"]),  # even between hanzi
        ("黄\u3000彬", ["黄", "\u3000", "彬"]),  # U+3000 is how a kept gap is written
        ("  前后  ", ["前", "后"]),
        ("Times New  Roman", ["Times", " ", "New", " ", "Roman"]),  # collapsed, kept
        ("广西扶贫 APP 管理", ["广", "西", "扶", "贫", "APP", "管", "理"]),
        ("零\u200b宽", ["零", "宽"]),  # invisible characters make no cell
    ],
)
def test_tokenize_spaces(text, units):
    assert [unit.text for unit in tokenize([Run(text, "body")])] == units


def test_tokenize_space_between_runs_keeps_its_own_role():
    units = tokenize([Run("abc ", "bold"), Run("def", "body")])
    assert [(u.text, u.role, u.script) for u in units] == [
        ("abc", "bold", "latin"),
        (" ", "bold", "latin"),
        ("def", "body", "latin"),
    ]


def test_tokenize_scripts():
    units = tokenize([Run("“APP”·2018", "body")])
    assert [(u.text, u.script) for u in units] == [
        ("“", "cjk"),
        ("APP", "latin"),
        ("”", "cjk"),
        ("·", "cjk"),
        ("2018", "latin"),
    ]


# ---------------------------------------------------------------------------
# The grid and greedy fill
# ---------------------------------------------------------------------------


def test_pure_hanzi_line_holds_floor_of_width_over_cell():
    cell = 442.2 / 28
    lines = break_paragraph([Run(HAN * 100, "body")], measure=measure, line_width=28 * cell, cell=cell)
    assert [len(line.glyphs) for line in lines] == [28, 28, 28, 16]
    assert all(abs(line.width - 442.2) < 1e-6 for line in lines[:-1])
    # on a full grid line nothing is stretched: every glyph sits on a cell
    assert [g.x for g in lines[0].glyphs] == pytest.approx([i * cell for i in range(28)])


def test_first_indent_applies_to_first_line_only():
    lines = lay_out(HAN * 20, 10, first_indent=2 * CELL)
    assert [len(line.glyphs) for line in lines] == [8, 10, 2]
    assert lines[0].glyphs[0].x == 2 * CELL
    assert lines[1].glyphs[0].x == 0.0


def test_empty_paragraphs():
    assert lay_out("", 10) == []
    assert lay_out([], 10) == []
    assert lay_out("   \n ", 10) == []


def test_single_line_is_last_and_not_stretched():
    (line,) = lay_out("短句。", 10)
    assert line.last and not line.justified
    assert line.width == 3 * CELL


# ---------------------------------------------------------------------------
# 行首禁则 / 行尾禁则
# ---------------------------------------------------------------------------

NO_START_CJK = sorted(set("，。、；：？！）》」』】〕〉”’％‰·ー…") | {"……"})
NO_START_HALF = list(",.;:?!)]")


@pytest.mark.parametrize("mark", NO_START_CJK + NO_START_HALF)
def test_line_never_starts_with_no_start_mark(mark):
    # Ten hanzi fill the line; the mark would start line 2.  The line has no
    # other punctuation to squeeze, so the last hanzi is pushed out with it.
    lines = lay_out(HAN * 10 + mark + "尾" * 5, 10)
    assert line_texts(lines)[:2] == [HAN * 9, HAN + mark + "尾" * 5]
    assert lines[0].justified and lines[0].width == pytest.approx(10 * CELL)


@pytest.mark.parametrize("mark", sorted(set("（《「『【〔〈“‘") | set("([")))
def test_line_never_ends_with_opening_mark(mark):
    lines = lay_out(HAN * 9 + mark + "尾" * 5, 10)
    assert line_texts(lines) == [HAN * 9, mark + "尾" * 5]


def test_latin_run_starting_with_a_closing_mark_does_not_start_a_line():
    lines = lay_out(HAN * 10 + ")abc", 10)
    assert line_texts(lines) == [HAN * 9, HAN + ")abc"]


def test_chars_module_lists_every_mark_the_rules_name():
    assert set("，。、；：？！）》」』】〕〉”’%‰·ー…,.;:?!)]") <= NO_START_CHARS
    assert set("（《「『【〔〈“‘([") <= NO_END_CHARS


def test_push_out_of_several_units_for_a_chain_of_marks():
    # "？”" cannot start a line and ？ is centred (not squeezable): both go
    # down with the hanzi before them.
    lines = lay_out(HAN * 10 + "？”" + "尾", 10)
    assert line_texts(lines) == [HAN * 9, HAN + "？”尾"]


def test_no_legal_break_falls_back_to_the_greedy_break():
    # a paragraph of only centred punctuation cannot satisfy kinsoku; it must
    # still be set, and never past the measure
    lines = lay_out("！" * 25, 10)
    assert [len(line.glyphs) for line in lines] == [10, 10, 5]
    assert all(line.width <= 10 * CELL + 1e-6 for line in lines)


def test_only_punctuation_paragraph_with_pair_squeeze():
    lines = lay_out("。" * 5, 10)  # each 。 before another mark takes half a cell
    assert line_texts(lines) == ["。" * 5]
    assert lines[0].width == 4 * HALF + CELL


# ---------------------------------------------------------------------------
# push-in (preferred) vs push-out
# ---------------------------------------------------------------------------


def test_push_in_when_the_closing_marks_at_the_line_end_absorb_the_overflow():
    # 9 hanzi + "。”" is 10.5 cells (the pair already takes 1.5); squeezing the
    # final ” by half a cell, at the margin, pulls it onto the line.
    lines = lay_out(HAN * 9 + "。”" + "尾", 10)
    assert line_texts(lines) == [HAN * 9 + "。”", "尾"]
    assert glyph(lines[0], "”").advance == pytest.approx(HALF)
    assert lines[0].width == pytest.approx(10 * CELL)


def test_no_mid_line_squeeze_to_pull_in_a_mark():
    # Squeezing the mid-line ， would make room for 。, but lines squeezed in
    # the middle look denser than their neighbours: push out instead.
    text = HAN * 6 + "，" + HAN * 3 + "。" + "尾" * 3
    lines = lay_out(text, 10)
    assert line_texts(lines) == [HAN * 6 + "，" + HAN * 2, HAN + "。" + "尾" * 3]
    assert glyph(lines[0], "，").advance > CELL  # full cell, plus its share of the justification
    assert lines[0].width == pytest.approx(10 * CELL) and lines[0].justified


def test_an_opening_mark_mid_line_is_never_squeezed():
    text = HAN * 3 + "“" + HAN * 6 + "，" + "尾" * 3
    lines = lay_out(text, 10)
    assert line_texts(lines)[0] == HAN * 3 + "“" + HAN * 5
    assert glyph(lines[0], "“").advance >= CELL


def test_push_out_when_squeeze_is_not_enough():
    # only the final 。 could give half a cell; a whole cell is needed
    lines = lay_out(HAN * 10 + "。" + "尾" * 3, 10)
    assert line_texts(lines) == [HAN * 9, HAN + "。" + "尾" * 3]
    # the pushed-out line is justified wider: 9 glyphs over 10 cells
    xs = [g.x for g in lines[0].glyphs]
    assert xs[-1] + lines[0].glyphs[-1].advance == pytest.approx(10 * CELL)
    assert xs[1] - xs[0] == pytest.approx(CELL + CELL / 8)


# ---------------------------------------------------------------------------
# 标点挤压 (adjacent punctuation)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pair, squeezed_first",
    [
        ("。”", True),
        ("”，", True),
        ("）。", True),
        ("，“", True),
        ("》、", True),
        ("”？", True),
        ("？”", None),  # ？ is centred: no squeeze at all
        ("！”", None),
        ("（）", None),  # opening then closing: both halves are ink
    ],
)
def test_adjacent_punctuation_takes_one_and_a_half_cells(pair, squeezed_first):
    (line,) = lay_out("甲" + pair + "乙", 10, align="left")
    first, second = line.glyphs[1], line.glyphs[2]
    assert first.x == CELL
    if squeezed_first:
        assert first.advance == HALF
        assert second.x == CELL + HALF
        assert second.advance == CELL
    else:
        assert first.advance == CELL and second.advance == CELL
    assert line.width == 2 * CELL + (1.5 if squeezed_first else 2) * CELL


@pytest.mark.parametrize("pair", ["“（", "（“", "《“", "！“", "？（"])
def test_opening_mark_after_a_mark_is_drawn_half_a_cell_early(pair):
    (line,) = lay_out("甲" + pair + "乙", 10, align="left")
    first, second, after = line.glyphs[1], line.glyphs[2], line.glyphs[3]
    assert first.advance == CELL
    # the em box starts in the middle of the previous mark's box …
    assert second.x == 2 * CELL - HALF
    # … it occupies only its inked right half, and the next unit follows it
    assert second.advance == HALF
    assert after.x == 2 * CELL + HALF


def test_three_marks_in_a_row():
    (line,) = lay_out("甲。”）乙", 10, align="left")
    assert [g.advance for g in line.glyphs] == [CELL, HALF, HALF, CELL, CELL]


def test_pair_squeeze_is_undone_across_a_line_break():
    # ， then “ may break between them; at the line end the ， gets its cell back
    lines = lay_out(HAN * 9 + "，“" + "尾" * 3 + "”", 10)
    assert line_texts(lines) == [HAN * 9 + "，", "“尾尾尾”"]
    assert lines[0].glyphs[-1].advance == CELL
    assert lines[0].width == 10 * CELL


# ---------------------------------------------------------------------------
# Latin runs, spaces, ——/……
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("run", ["2018", "0.5", "100%", "gtxpxcb@163.com", "0771—2898117", "1.6", "APP", "QQ"])
def test_atomic_latin_runs_are_never_split(run):
    for cells in range(10, 16):
        for lead in range(cells):
            lines = lay_out(HAN * lead + run + HAN * 12, cells)
            assert any(run in [g.text for g in line.glyphs] for line in lines)


def test_latin_keeps_natural_width_and_no_gap_inside():
    # 受益 + 0.5 (1.5 cells) + 亩 + 7 hanzi = 11.5 cells: half a cell to spread
    lines = lay_out("受益0.5亩" + HAN * 20, 12)
    latin = glyph(lines[0], "0.5")
    assert latin.script == "latin"
    # natural 24 pt plus one justification gap after it, never inside it
    gap = lines[0].glyphs[1].advance - CELL
    assert gap == pytest.approx(HALF / 10)
    assert latin.advance == pytest.approx(3 * LATIN_CHAR + gap)
    assert lines[0].width == pytest.approx(12 * CELL)


def test_latin_runs_split_across_style_runs_stay_together():
    runs = [Run(HAN * 9, "body"), Run("ab", "bold"), Run("cd", "body"), Run(HAN * 5, "body")]
    lines = lay_out(runs, 10)
    assert line_texts(lines) == [HAN * 9, "abcd" + HAN * 5]
    a, c = lines[1].glyphs[:2]
    assert (a.role, c.role) == ("bold", "body")
    assert c.x == a.x + a.advance == 2 * LATIN_CHAR  # no gap inside the run


def test_space_between_latin_words_stretches_like_a_gap():
    lines = lay_out("ab cd" + HAN * 30, 10)
    first = lines[0]
    space = glyph(first, " ")
    assert space.script == "latin"
    hanzi_gap = first.glyphs[-2].advance - CELL
    assert space.advance == pytest.approx(LATIN_CHAR + hanzi_gap)
    assert glyph(first, "ab").advance == 2 * LATIN_CHAR  # ab|space: inside Latin
    assert first.width == pytest.approx(10 * CELL)


def test_spaces_at_line_edges_are_dropped():
    # a 10-character measure: the first space after "bbbb" fits but is dropped
    lines = lay_out("aaaa bbbb cccc", 5)
    assert line_texts(lines) == ["aaaa bbbb", "cccc"]
    # … here the space does not fit: it is dropped from the next line's start
    lines = lay_out("aaaa bbbbb cccc", 5)
    assert line_texts(lines) == ["aaaa bbbbb", "cccc"]
    assert lines[1].glyphs[0].x == 0.0


def test_space_before_a_closing_latin_mark_is_not_a_break():
    lines = lay_out("aaaa bbbb )", 5)
    assert line_texts(lines) == ["aaaa", "bbbb )"]


@pytest.mark.parametrize("pair", ["——", "……"])
def test_dash_and_ellipsis_are_one_two_cell_unit(pair):
    for lead in range(5, 12):
        lines = lay_out(HAN * lead + pair + HAN * 10, 10)
        holder = [line for line in lines if pair in [g.text for g in line.glyphs]]
        assert len(holder) == 1
        assert glyph(holder[0], pair).advance >= 2 * CELL


def test_ellipsis_does_not_start_a_line_but_dash_may():
    assert line_texts(lay_out(HAN * 10 + "……" + "尾", 10)) == [HAN * 9, HAN + "……尾"]
    assert line_texts(lay_out(HAN * 10 + "——" + "尾", 10)) == [HAN * 10, "——尾"]


def test_dash_does_not_fit_in_the_last_cell():
    # 9 hanzi + —— would need 11 cells: the dash moves down whole
    assert line_texts(lay_out(HAN * 9 + "——" + "尾", 10)) == [HAN * 9, "——尾"]


# ---------------------------------------------------------------------------
# Over-long Latin runs, oversized units
# ---------------------------------------------------------------------------


def test_overlong_url_wraps_at_preferred_characters():
    url = "http://example.com/aaaa/bbbb/cccc/dddd/eeee"  # 43 chars = 344 pt
    lines = lay_out("见" + url + "。", 10)  # 160 pt
    assert "".join(line_texts(lines)) == "见" + url + "。"
    for line in lines:
        assert line.width <= 10 * CELL + 1e-6
        assert all(g.x + g.advance <= 10 * CELL + 1e-6 for g in line.glyphs)
    for text in line_texts(lines)[:-1]:
        assert text[-1] in "/.-_?&="


def test_overlong_run_without_break_characters_wraps_anywhere():
    lines = lay_out("a" * 50, 10)
    assert line_texts(lines) == ["a" * 20, "a" * 20, "a" * 10]


def test_unit_wider_than_the_line_overflows_alone():
    # a two-cell dash on a 1.5-cell measure cannot fit anywhere: it is set alone
    lines = break_paragraph([Run("甲——乙", "body")], measure=measure, line_width=1.5 * CELL, cell=CELL)
    assert line_texts(lines) == ["甲", "——", "乙"]
    (alone,) = break_paragraph([Run("——", "body")], measure=measure, line_width=1.5 * CELL, cell=CELL)
    assert alone.width == 2 * CELL


# ---------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------


def test_justified_lines_fill_the_measure_and_last_line_stays_on_grid():
    lines = lay_out(HAN * 10 + "？" + HAN * 3, 10)
    assert [line.justified for line in lines] == [True, False]
    assert [line.last for line in lines] == [False, True]
    assert [g.x for g in lines[-1].glyphs] == [i * CELL for i in range(len(lines[-1].glyphs))]


@pytest.mark.parametrize(
    "align, x0",
    [("left", 0.0), ("center", 3 * CELL), ("right", 6 * CELL)],
)
def test_alignment_modes(align, x0):
    (line,) = lay_out("关于报送简报", 12, align=align)
    assert line.glyphs[0].x == x0
    assert line.width == x0 + 6 * CELL
    assert not line.justified


def test_alignment_is_per_line_and_never_stretches():
    lines = lay_out(HAN * 15, 10, align="center")
    assert [line.glyphs[0].x for line in lines] == [0.0, 2.5 * CELL]
    assert not any(line.justified for line in lines)


def test_justify_false_means_left():
    lines = lay_out(HAN * 10 + "？" + HAN * 3, 10, justify=False)
    assert not lines[0].justified and lines[0].width == 9 * CELL


def test_bad_arguments():
    with pytest.raises(ValueError):
        lay_out(HAN, 10, align="middle")
    with pytest.raises(ValueError):
        break_paragraph([Run(HAN, "body")], measure=measure, line_width=100, cell=0)


def test_bold_lead_flows_into_body_run():
    runs = [Run("二、整合资金。", "bold"), Run("为解决过去的问题", "body")]
    lines = lay_out(runs, 20)
    assert line_texts(lines) == ["二、整合资金。为解决过去的问题"]
    roles = [g.role for g in lines[0].glyphs]
    assert roles == ["bold"] * 7 + ["body"] * 8


def test_glyph_is_a_frozen_dataclass():
    (line,) = lay_out("字", 10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.glyphs[0].x = 1.0  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Invariants over random text
# ---------------------------------------------------------------------------

HANZI = "一二三四五六七八九十百千万年月日人民政府"
LATIN_WORD = st.text("abcxyzABC0123456789", min_size=1, max_size=4).map(lambda w: w + "@1.5%" if len(w) == 1 else w)
PREFIXES = ["", "", "", *OPENING_CHARS[:8]]
SUFFIXES = ["", "", "", *CLOSING_CHARS[:12], "？", "！", "……", "。”", "？”", "）。", "”，", ","]
CORES = st.one_of(
    st.text(HANZI, min_size=1, max_size=4),
    LATIN_WORD,
    st.sampled_from(["——", "\u3000"]),
)


@st.composite
def paragraphs(draw):
    """Runs made of segments: [opening] core [closing marks], random roles.

    Segments keep every unbreakable chunk (opening + Latin word + marks)
    under 6 cells, so a legal break always exists on a line of 8 cells or
    more and kinsoku can be asserted without exception.
    """
    runs, previous_latin = [], False
    for _ in range(draw(st.integers(1, 40))):
        prefix = draw(st.sampled_from(PREFIXES))
        core = draw(CORES)
        suffix = draw(st.sampled_from(SUFFIXES))
        # two Latin words with nothing between them would merge into one long
        # unbreakable run: keep them apart with a space
        joins_latin = previous_latin and not prefix and core[0].isascii()
        separator = " " if joins_latin else draw(st.sampled_from(["", "", " "]))
        previous_latin = (core + suffix)[-1].isascii()
        runs.append(Run(separator + prefix + core + suffix, draw(st.sampled_from(["body", "bold"]))))
    return runs


def occupied_ends(line: Line) -> list[float]:
    """Walk the tiling: each glyph starts where the last ended (or half a cell
    earlier for a left-squeezed opening mark)."""
    ends, position = [], line.glyphs[0].x
    for g in line.glyphs:
        if g.x < position - 1e-9:
            assert g.text in OPENING_CHARS and g.x == pytest.approx(position - HALF)
        else:
            assert g.x == pytest.approx(position)
        position += g.advance
        ends.append(position)
    assert position == pytest.approx(line.width)
    return ends


def has_stretchable_gap(line: Line) -> bool:
    scripts = [g.script for g in line.glyphs]
    return any(g.text == " " for g in line.glyphs) or any("cjk" in pair for pair in pairwise(scripts))


@settings(max_examples=400, deadline=None)
@given(runs=paragraphs(), cells=st.integers(8, 30), indent=st.sampled_from([0, 2]))
def test_invariants(runs, cells, indent):
    width = cells * CELL
    lines = lay_out(runs, cells, first_indent=indent * CELL)
    source = "".join(run.text for run in runs)
    # Only ASCII spaces are dropped; U+3000 is a unit of its own (an
    # ideographic space takes its cell, as chars.py documents), so a
    # paragraph of U+3000 alone still sets one line.
    if not source.strip(" "):
        assert lines == []
        return

    for number, line in enumerate(lines):
        assert line.glyphs
        assert line.last == (number == len(lines) - 1)
        if number > 0:
            assert line.glyphs[0].text[0] not in NO_START_CHARS, line_texts(lines)
        if not line.last:
            assert line.glyphs[-1].text[-1] not in NO_END_CHARS, line_texts(lines)
            assert line.justified or not has_stretchable_gap(line)
        if line.justified:
            assert abs(line.width - width) <= 1e-6
        ends = occupied_ends(line)
        assert max(ends) <= width + 1e-6  # no hanging punctuation
        assert line.glyphs[0].text != " " and line.glyphs[-1].text != " "

    # nothing lost or invented: only ASCII spaces may be dropped
    out = "".join(line_texts(lines))
    assert out.replace(" ", "") == source.replace(" ", "")
    for line in lines:
        for left, space, right in zip(line.glyphs, line.glyphs[1:], line.glyphs[2:], strict=False):
            if space.text == " ":
                assert left.script == right.script == "latin"


@settings(max_examples=200, deadline=None)
@given(text=st.text(HANZI + "，。“”（）？！、" + "ab1 ", max_size=120), cells=st.integers(1, 30))
def test_never_past_the_measure_on_any_text(text, cells):
    """Even text with no legal break (runs of marks) never overflows."""
    lines = lay_out(text, cells)
    for line in lines:
        assert max(occupied_ends(line)) <= cells * CELL + 1e-6
    assert "".join(line_texts(lines)).replace(" ", "") == text.replace(" ", "")
