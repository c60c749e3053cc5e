"""Word's automatic numbering (numbering.xml) rendered as the labels Word prints.

County offices number their headings with Word's list numbering far more
often than by typing 一、: the text of such a paragraph holds no number at
all.  Word computes the label from the level's `lvlText` (`%1、`, `（%1）`,
`%1.%2`) and each level's `numFmt` (chineseCounting → 一, decimal → 1 …),
counting paragraphs of the same list in document order.  We do the same,
so the heading keeps its number and its level can be read from it.
"""

from __future__ import annotations

import re

from ..numbering import chinese_numeral

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _wval(el, name: str) -> str | None:
    if el is None:
        return None
    child = el.find(W + name)
    return None if child is None else child.get(W + "val")


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "ideographDigital", "japaneseDigitalTenThousand"):
        return chinese_numeral(n) if 0 <= n < 100 else str(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"):
        if 0 <= n < 10:
            return _LEGAL[n]
        tens, ones = divmod(n, 10)
        return (_LEGAL[tens] if tens > 1 else "") + "拾" + (_LEGAL[ones] if ones else "") if n < 100 else str(n)
    if fmt in ("ideographTraditional",):
        return _TIANGAN[(n - 1) % 10]
    if fmt in ("ideographZodiac",):
        return _DIZHI[(n - 1) % 12]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        s = _roman(n)
        return s if fmt == "upperRoman" else s.lower()
    if fmt in ("none",):
        return ""
    return str(n)  # decimal and everything we do not know


def _roman(n: int) -> str:
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


class Numbering:
    """Counters for every list of one document, advanced in reading order."""

    def __init__(self, root=None):
        self.abstract: dict[str, dict[int, dict]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractId, start overrides)
        self.counters: dict[str, dict[int, int]] = {}
        self.used_nums: set[str] = set()
        if root is None:
            return
        for ab in root.findall(W + "abstractNum"):
            levels = {}
            for lvl in ab.findall(W + "lvl"):
                ilvl = int(lvl.get(W + "ilvl", "0") or 0)
                levels[ilvl] = self._level(lvl)
            self.abstract[ab.get(W + "abstractNumId")] = levels
        for num in root.findall(W + "num"):
            abstract_id = _wval(num, "abstractNumId")
            overrides: dict[int, int] = {}
            for ov in num.findall(W + "lvlOverride"):
                ilvl = int(ov.get(W + "ilvl", "0") or 0)
                start = _wval(ov, "startOverride")
                if start is not None and start.lstrip("-").isdigit():
                    overrides[ilvl] = int(start)
                lvl = ov.find(W + "lvl")
                if lvl is not None and abstract_id in self.abstract:
                    self.abstract[abstract_id] = {**self.abstract[abstract_id], ilvl: self._level(lvl)}
            self.nums[num.get(W + "numId")] = (abstract_id, overrides)

    @staticmethod
    def _level(lvl) -> dict:
        start = _wval(lvl, "start")
        return {
            "start": int(start) if start and start.lstrip("-").isdigit() else 1,
            "fmt": _wval(lvl, "numFmt") or "decimal",
            "text": _wval(lvl, "lvlText") or "",
            "suff": _wval(lvl, "suff") or "tab",
            "legal": lvl.find(W + "isLgl") is not None,
        }

    def label(self, num_id: str | None, ilvl: int) -> tuple[str, str]:
        """(label, format of this level) for the next paragraph of the list,
        advancing its counters; ('', '') when the paragraph is not numbered."""
        if not num_id or num_id == "0" or num_id not in self.nums:
            return "", ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id)
        if not levels or ilvl not in levels:
            return "", ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used_nums:
            self.used_nums.add(num_id)
            for lv, start in overrides.items():  # a restarted list
                counters[lv] = start - 1
                for deeper in [k for k in counters if k > lv]:
                    del counters[deeper]
        here = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, here["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt = here["fmt"]
        if fmt == "bullet":
            return "", "bullet"

        def expand(m: re.Match) -> str:
            lv = int(m.group(1)) - 1
            info = levels.get(lv, here)
            value = counters.get(lv, info["start"])
            return format_number(value, "decimal" if here["legal"] else info["fmt"])

        text = re.sub(r"%([1-9])", expand, here["text"])
        return text, fmt
