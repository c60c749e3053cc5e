"""Guangxi's county-level divisions: recognising a county in a unit or a
title, and the pinyin an article file is named after (乐业县 → leye).

The table names each division by its stem and the suffixes it has been
written with (横县 became 横州市 in 2021; offices still write 大化县 for
大化瑶族自治县).  A county is only recognised with a suffix right after the
stem, so 江南 inside a sentence is no county.  Counties that articles in the
repository already use are tried first (any province).
"""

from __future__ import annotations

import re

# stem → pinyin, by prefecture (2018 divisions plus later renamings via the suffix pattern)
_TABLE = """
南宁 兴宁:xingning 青秀:qingxiu 江南:jiangnan 西乡塘:xixiangtang 良庆:liangqing 邕宁:yongning 武鸣:wuming
  隆安:longan 马山:mashan 上林:shanglin 宾阳:binyang 横:heng 横州:hengzhou
柳州 城中:chengzhong 鱼峰:yufeng 柳南:liunan 柳北:liubei 柳江:liujiang 柳城:liucheng 鹿寨:luzhai 融安:rongan
  融水:rongshui 三江:sanjiang
桂林 秀峰:xiufeng 叠彩:diecai 象山:xiangshan 七星:qixing 雁山:yanshan 临桂:lingui 阳朔:yangshuo 灵川:lingchuan
  全州:quanzhou 兴安:xingan 永福:yongfu 灌阳:guanyang 龙胜:longsheng 资源:ziyuan 平乐:pingle 荔浦:lipu 恭城:gongcheng
梧州 万秀:wanxiu 长洲:changzhou 龙圩:longxu 苍梧:cangwu 藤:teng 蒙山:mengshan 岑溪:cenxi
北海 海城:haicheng 银海:yinhai 铁山港:tieshangang 合浦:hepu
防城港 港口:gangkou 防城:fangcheng 上思:shangsi 东兴:dongxing
钦州 钦南:qinnan 钦北:qinbei 灵山:lingshan 浦北:pubei
贵港 港北:gangbei 港南:gangnan 覃塘:qintang 平南:pingnan 桂平:guiping
玉林 玉州:yuzhou 福绵:fumian 容:rong 陆川:luchuan 博白:bobai 兴业:xingye 北流:beiliu
百色 右江:youjiang 田阳:tianyang 田东:tiandong 平果:pingguo 德保:debao 那坡:napo 凌云:lingyun 乐业:leye
  田林:tianlin 西林:xilin 隆林:longlin 靖西:jingxi
贺州 八步:babu 平桂:pinggui 昭平:zhaoping 钟山:zhongshan 富川:fuchuan
河池 金城江:jinchengjiang 宜州:yizhou 南丹:nandan 天峨:tiane 凤山:fengshan 东兰:donglan 罗城:luocheng
  环江:huanjiang 巴马:bama 都安:duan 大化:dahua
来宾 兴宾:xingbin 忻城:xincheng 象州:xiangzhou 武宣:wuxuan 金秀:jinxiu 合山:heshan
崇左 江州:jiangzhou 扶绥:fusui 宁明:ningming 龙州:longzhou 大新:daxin 天等:tiandeng 凭祥:pingxiang
"""

PINYIN: dict[str, str] = {}
PREFECTURES: set[str] = set()
for _line in _TABLE.strip().splitlines():
    for _word in _line.split():
        if ":" in _word:
            _stem, _py = _word.split(":")
            PINYIN[_stem] = _py
        else:
            PREFECTURES.add(_word)

# 各族自治县, 瑶族自治县, 仫佬族自治县 …, then the plain suffixes
_SUFFIX = r"(?:各族自治县|[\u4e00-\u9fff]{1,3}族自治县|县|区|市)"
# one-character stems (横县, 藤县, 容县) only with 县, else 容 in 容纳 would match
_STEMS = sorted(PINYIN, key=len, reverse=True)
_KNOWN = re.compile(
    "(" + "|".join(re.escape(s) + (_SUFFIX if len(s) > 1 else "县") for s in _STEMS) + ")"
)
# a county-level name nobody listed: two to four characters, then a suffix (not 自治区)
_GENERIC = re.compile(r"([\u4e00-\u9fff]{2,4}?(?:[\u4e00-\u9fff]{1,3}族自治县|县|区|市))(?!委员会)")


def stem(county: str) -> str:
    for s in _STEMS:
        if county.startswith(s) and re.fullmatch(_SUFFIX, county[len(s):]):
            return s
    m = re.match(r"^(.+?)(?:各族自治县|[\u4e00-\u9fff]族自治县|县|区|市)$", county)
    return m.group(1) if m else county


def pinyin(county: str) -> str | None:
    """乐业县 → leye; 隆林各族自治县 → longlin; unknown → None."""
    return PINYIN.get(stem(county)) or PINYIN.get(county)


def find_county(text: str, known: list[str] = ()) -> tuple[str, bool] | None:
    """(county, sure) for the first county named in `text`: one the
    repository already has (sure), one of Guangxi's (sure), else any
    '…县/区/市' (unsure: it may be a prefecture city such as 梧州市)."""
    if not text:
        return None
    best = None
    for name in sorted(set(known), key=len, reverse=True):
        if name:
            at = text.find(name)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, name)
    if best is not None and best[0] <= 2:
        return best[1], True
    m = _KNOWN.search(text)
    if m and m.start() <= 6 and not _is_region(text, m):
        return m.group(1), True
    if best is not None:
        return best[1], True
    if m and not _is_region(text, m):
        return m.group(1), True
    for g in _GENERIC.finditer(text):
        name = g.group(1)
        if name.endswith("自治区") or name.endswith("市区") or stem(name) in PREFECTURES:
            continue
        if g.start() <= 4:
            return name, False
    return None


def _is_region(text: str, m: re.Match) -> bool:
    """广西壮族自治区 is no county even though it ends in 区."""
    return m.group(1).endswith("自治区")
