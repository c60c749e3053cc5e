"""Attribution lines: who sent the article.

The forms offices use, at the end of the article or under its title:
  （乐业县委办公室 周白阳）        （全州县宣传部 周　娜 胡常胜）
  供稿：乐业县委办公室 周白阳      供稿单位：乐业县委办公室  作者：周白阳
  作者：周白阳                     撰稿：… 通讯员：… 执笔：…
and sign-off lines that are not the article's text (审核：… 签发：…
联系电话：…), which are dropped.  Two-character names are often padded to
three with a full-width space (周　娜); single characters pair up again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

UNIT_LABELS = ("供稿单位", "报送单位", "来稿单位", "供稿", "单位", "来源", "稿源")
AUTHOR_LABELS = ("作者", "撰稿人", "撰稿", "供稿人", "通讯员", "执笔人", "执笔", "记者", "文")
DROP_LABELS = ("审核人", "审核", "签发人", "签发", "审稿", "责任编辑", "编辑", "联系人", "联系电话", "电话", "手机", "邮箱",
               "电子邮箱", "投稿邮箱", "校对")
_LABEL = re.compile(
    "(" + "|".join(sorted(UNIT_LABELS + AUTHOR_LABELS + DROP_LABELS, key=len, reverse=True)) + r")\s*[：:／/]\s*"
)
_UNIT_END = re.compile(r"(办公室|办|局|委员会|委|部|厅|处|科|站|所|院|中心|公司|集团|政府|党委|支部|总支|队|组|会|社|校|馆|县|区|市|镇|乡|街道|村|报|台)$")
_NAME = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}[·•][\u4e00-\u9fff]{1,8})$")
_SPLIT = re.compile(r"[\s\u3000、，,；;]+")
_SENTENCE = re.compile(r"[，。；！？]")


@dataclass
class Attribution:
    unit: str = ""
    authors: list[str] = field(default_factory=list)
    sure: bool = True
    dropped: list[str] = field(default_factory=list)  # sign-off parts left out (审核：…)

    def __bool__(self) -> bool:
        return bool(self.unit or self.authors)

    def merge(self, other: Attribution) -> Attribution:
        return Attribution(self.unit or other.unit, self.authors + [a for a in other.authors if a not in self.authors],
                           self.sure and other.sure, self.dropped + other.dropped)


def is_name(token: str) -> bool:
    return bool(_NAME.match(token)) and not (len(token) >= 3 and _UNIT_END.search(token))


def is_unit(token: str) -> bool:
    return len(token) >= 3 and bool(_UNIT_END.search(token))


def split_people(value: str) -> tuple[str, list[str], bool]:
    """'乐业县委办公室 周白阳' → ('乐业县委办公室', ['周白阳'], sure)."""
    tokens = [t for t in _SPLIT.split(value.strip()) if t]
    tokens = _pair_single_characters(tokens)
    if not tokens:
        return "", [], True
    names: list[str] = []
    while tokens and is_name(tokens[-1]) and (len(tokens) > 1 or not is_unit(tokens[-1])):
        names.insert(0, tokens.pop())
    unit = "".join(tokens)
    if unit and not names and not is_unit(unit):
        # no space between unit and name: 乐业县委办公室周白阳
        for k in range(len(unit) - 2, max(len(unit) - 5, 2), -1):
            head, tail = unit[:k], unit[k:]
            if is_unit(head) and is_name(tail):
                return head, [tail], False
    if len(tokens) == 1 and not names and is_name(unit) and not is_unit(unit):
        return "", [unit], False
    return unit, names, True


def _pair_single_characters(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if len(tokens[i]) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) == 1:
            out.append(tokens[i] + tokens[i + 1])
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


def parse(text: str, *, right_aligned: bool = False) -> Attribution | None:
    """The attribution a line holds, or None when it is a line of text."""
    line = text.strip()
    if not line or len(line) > 80:
        return None
    m = re.match(r"^[（(]\s*(.+?)\s*[)）]$", line)
    if m:
        inner = m.group(1)
        if _LABEL.search(inner):
            return _labelled(inner)
        if _SENTENCE.search(inner) or len(inner) > 40:
            return None
        unit, names, sure = split_people(inner)
        if not unit and not names:
            return None
        if unit and not is_unit(_first_token(unit)) and not names:
            return None
        return Attribution(unit, names, sure)
    if _LABEL.match(line):
        return _labelled(line)
    if right_aligned and not _SENTENCE.search(line) and len(line) <= 40:
        unit, names, sure = split_people(line)
        if unit and is_unit(unit) or (names and not unit):
            return Attribution(unit, names, False)
    return None


def _first_token(unit: str) -> str:
    return _SPLIT.split(unit)[0]


def _labelled(text: str) -> Attribution | None:
    parts = list(_LABEL.finditer(text))
    if not parts or text[: parts[0].start()].strip():
        return None
    result = Attribution()
    for k, m in enumerate(parts):
        label = m.group(1)
        end = parts[k + 1].start() if k + 1 < len(parts) else len(text)
        value = text[m.end(): end].strip(" \u3000\t，,；;")
        if label in DROP_LABELS:
            result.dropped.append(f"{label}：{value}")
            continue
        if label in AUTHOR_LABELS:
            unit, names, sure = split_people(value)
            if unit and not names and not is_unit(unit):
                names, unit = [unit], ""
            result = result.merge(Attribution(unit, names, sure))
        else:
            unit, names, sure = split_people(value)
            result = result.merge(Attribution(unit, names, sure))
    return result
