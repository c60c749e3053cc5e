"""bulletin.fonts: finding faces by role, coverage, registration, CFF conversion
(BULLETIN_CONVERT_CFF=1; tests/test_fonts_cff.py covers CFF embedded as it is).

Tests that need a system font skip (with the reason) when it is absent.
The base character set is shrunk for most tests so that a CFF conversion
takes a fraction of a second instead of ~4 s.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bulletin import fonts
from bulletin.fonts import FontError, FontFace

SUNGTI = Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf")
KAITI = Path("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf")
MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
NOTO_SERIF_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
NOTO_SERIF_REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")

SAMPLE = "广西精准脱贫攻坚简报（第48期）：2018年11月15日，乐业县委办公室。"
SMALL_BASE = frozenset("简报第期年月日，。、：；（）0123456789ABCabc ")


def need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"system font {path} is not installed")
    return path


def need_tool(name: str) -> str:
    exe = shutil.which(name)
    if not exe:
        pytest.skip(f"{name} is not installed")
    return exe


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """A private cache, no private font folders, fresh in-process caches."""
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BULLETIN_FONT_DIRS", raising=False)
    monkeypatch.delenv("BULLETIN_NO_FONTCONFIG", raising=False)
    monkeypatch.setattr(fonts.charset, "_BASE_CHARSET", SMALL_BASE)
    fonts.clear_caches()
    yield
    fonts.clear_caches()


def renamed_copy(src: Path, dst: Path, zh: str, en: str) -> Path:
    """``src`` with its family renamed (IDs 1, 4, 16; zh-CN and en-US)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(src), lazy=True)
    name = font["name"]
    name.names = [r for r in name.names if r.nameID not in (1, 4, 16)]
    for text, lang in ((zh, 0x804), (en, 0x409)):
        for name_id in (1, 4, 16):
            name.setName(text, name_id, 3, 1, lang)
    dst.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(dst))
    font.close()
    return dst


@pytest.fixture
def official_fangsong(tmp_path) -> Path:
    """A private folder holding a free font renamed to 仿宋_GB2312."""
    return renamed_copy(need(SUNGTI), tmp_path / "myfonts" / "simfang.ttf", "仿宋_GB2312", "FangSong_GB2312")


FANGSONG = {"names": ["仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong"], "fallback": ["AR PL SungtiL GB"]}


def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run([need_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def draw_pdf(path: Path, font_name: str, text: str = SAMPLE) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1)
    c.setFont(font_name, 16)
    c.drawString(40, 760, text)
    c.save()
    return path


# --------------------------------------------------------------------------
# Finding fonts


def test_official_font_in_private_folder_is_preferred(official_fangsong, monkeypatch):
    monkeypatch.setenv("BULLETIN_FONT_DIRS", str(official_fangsong.parent))
    faces = fonts.resolve_fonts({"fangsong": FANGSONG})
    face = faces["fangsong"]
    assert face.source == "official"
    assert face.path == official_fangsong
    assert face.family == "仿宋_GB2312"
    assert face.outline == "glyf" and face.role == "fangsong"


def test_official_font_found_by_english_name(official_fangsong, monkeypatch):
    monkeypatch.setenv("BULLETIN_FONT_DIRS", str(official_fangsong.parent))
    face = fonts.find_family("fangsong_gb2312")  # case and blanks do not matter
    assert face is not None and face.path == official_fangsong
    assert face.family == "FangSong_GB2312"


def test_official_font_found_through_fontconfig(official_fangsong, tmp_path, monkeypatch):
    need_tool("fc-list")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{official_fangsong.parent}</dir>\n"
        f"  <cachedir>{tmp_path / 'fc-cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    faces = fonts.resolve_fonts({"fangsong": FANGSONG})
    assert faces["fangsong"].source == "official"
    assert faces["fangsong"].path == official_fangsong
    assert fonts.stats["fc_list_calls"] >= 1


def test_without_fontconfig_folders_are_scanned_and_indexed(official_fangsong, monkeypatch):
    need(SUNGTI)
    monkeypatch.setenv("BULLETIN_NO_FONTCONFIG", "1")
    monkeypatch.setenv("BULLETIN_FONT_DIRS", str(official_fangsong.parent))
    calls = fonts.stats["fc_list_calls"]
    assert fonts.find_family("仿宋_GB2312").path == official_fangsong
    assert fonts.find_family("AR PL SungtiL GB").path == SUNGTI  # system folders
    assert fonts.stats["fc_list_calls"] == calls
    assert (fonts.cache_dir() / "font-index-v1.json").is_file()

    # A second process reuses the index: only the private folder is read.
    fonts.clear_caches()
    scanned = fonts.stats["files_scanned"]
    assert fonts.find_family("AR PL SungtiL GB").path == SUNGTI
    assert fonts.stats["files_scanned"] - scanned == 1


def test_fallback_used_when_official_fonts_are_missing():
    need(SUNGTI)
    face = fonts.resolve_fonts({"fangsong": FANGSONG})["fangsong"]
    assert face.source == "fallback"
    assert face.family == "AR PL SungtiL GB" and face.path == SUNGTI


def test_style_is_matched():
    need(NOTO_SERIF_BOLD)
    bold = fonts.find_family("Noto Serif CJK SC:Bold")
    assert (bold.path, bold.index, bold.outline, bold.style) == (NOTO_SERIF_BOLD, 2, "cff", "Bold")
    if NOTO_SERIF_REGULAR.is_file():
        regular = fonts.find_family("Noto Serif CJK SC")  # no style: the regular face
        assert (regular.path, regular.index) == (NOTO_SERIF_REGULAR, 2)
    assert fonts.find_family("Noto Serif CJK SC:Ultra Wide") is None


def test_absent_family_is_none_even_though_fc_match_would_answer():
    assert fonts.find_family("方正小标宋简体-不存在") is None


def test_ttc_face_index_from_fontconfig():
    need(MICROHEI)
    assert fonts.find_family("WenQuanYi Micro Hei Mono").index == 1
    assert fonts.find_family("文泉驿微米黑").index == 0


# --------------------------------------------------------------------------
# Overrides and errors


def test_override_by_relative_file_path_with_face_index(tmp_path):
    need(MICROHEI)
    root = tmp_path / "repo"
    (root / "fonts").mkdir(parents=True)
    shutil.copy(MICROHEI, root / "fonts" / "hei.ttc")
    faces = fonts.resolve_fonts({"hei": {"names": ["黑体"], "fallback": []}}, {"hei": "fonts/hei.ttc#1"}, root)
    face = faces["hei"]
    assert face.source == "config"
    assert face.path == (root / "fonts" / "hei.ttc").resolve()
    assert face.index == 1 and face.family == "WenQuanYi Micro Hei Mono"


def test_override_by_family():
    need(KAITI)
    faces = fonts.resolve_fonts(
        {"kai": {"names": ["楷体_GB2312"], "fallback": ["AR PL UKai CN"]}}, {"kai": "AR PL KaitiM GB"}
    )
    assert faces["kai"].source == "config" and faces["kai"].path == KAITI


def test_override_errors_are_single_lines(tmp_path):
    (tmp_path / "bad.ttf").write_bytes(b"not a font at all")
    roles = {"kai": {"names": ["楷体_GB2312"]}, "hei": {"names": ["黑体"]}, "title": {"names": ["方正小标宋简体"]}}
    overrides = {"kai": "fonts/nope.ttf", "hei": "bad.ttf", "title": "No Such Family"}
    with pytest.raises(FontError) as err:
        fonts.resolve_fonts(roles, overrides, tmp_path)
    lines = str(err.value).splitlines()
    assert len(lines) == 3 and lines == err.value.lines
    assert "'kai'" in lines[0] and "fonts.kai" in lines[0] and "fonts/nope.ttf" in lines[0]
    assert "'hei'" in lines[1] and "not a TrueType/OpenType font" in lines[1]
    assert "'title'" in lines[2] and "No Such Family" in lines[2]


def test_missing_family_error_names_role_and_every_name():
    roles = {
        "kai": {"names": ["楷体_GB2312", "KaiTi_GB2312"], "fallback": ["Nonexistent Kai"]},
        "hei": {"names": ["Nonexistent Hei"]},
    }
    with pytest.raises(FontError) as err:
        fonts.resolve_fonts(roles)
    lines = str(err.value).splitlines()
    assert len(lines) == 2
    assert lines[0] == (
        "font for role 'kai': none of 楷体_GB2312, KaiTi_GB2312, Nonexistent Kai found; "
        "install one of them or set fonts.kai in bulletin.yaml"
    )
    assert lines[1].startswith("font for role 'hei': none of Nonexistent Hei found")


def test_unknown_override_role_is_reported():
    need(SUNGTI)
    with pytest.raises(FontError, match=r"fonts\.bodyy in bulletin\.yaml: unknown font role 'bodyy'"):
        fonts.resolve_fonts({"fangsong": FANGSONG}, {"bodyy": "AR PL SungtiL GB"})


def test_wrong_face_index_is_reported(tmp_path):
    need(MICROHEI)
    with pytest.raises(FontError, match=r"face #7 of .*wqy-microhei\.ttc, which has faces #0, #1"):
        fonts.resolve_fonts({"hei": {}}, {"hei": f"{MICROHEI}#7"})


# --------------------------------------------------------------------------
# Coverage


def test_missing_chars_glyf():
    face = fonts.find_family("AR PL SungtiL GB") if SUNGTI.is_file() else None
    if face is None:
        pytest.skip("AR PL SungtiL GB is not installed")
    text = SAMPLE + "\U00020000😀\n\t"
    assert fonts.missing_chars(face, [text]) == {"\U00020000", "😀"}
    assert fonts.missing_chars(face, set(SAMPLE)) == set()


def test_missing_chars_cff_before_and_after_conversion(monkeypatch):
    monkeypatch.setenv("BULLETIN_CONVERT_CFF", "1")  # the conversion route (cidfont embeds CID-keyed CFF as is)
    need(NOTO_SERIF_BOLD)
    face = fonts.find_family("Noto Serif CJK SC:Bold")
    assert fonts.missing_chars(face, SAMPLE + "😀") == {"😀"}  # from the source cmap
    fonts.registered_name(face, SAMPLE + "😀")
    fonts.clear_caches()
    assert fonts.missing_chars(face, SAMPLE + "😀") == {"😀"}  # from the cache's record


# --------------------------------------------------------------------------
# Registration and embedding


def test_glyf_face_registers_once_and_embeds_as_subset(tmp_path):
    need(SUNGTI)
    face = fonts.find_family("AR PL SungtiL GB")
    name = fonts.registered_name(face)
    assert fonts.registered_name(face, SAMPLE) == name
    rows = pdffonts(draw_pdf(tmp_path / "song.pdf", name))
    row = next(r for r in rows if "+" in r[0])
    assert row[-5:-2] == ["yes", "yes", "yes"]  # emb, sub, uni


def test_cff_face_is_converted_and_embedded_as_subset(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CONVERT_CFF", "1")  # the conversion route (cidfont embeds CID-keyed CFF as is)
    need(NOTO_SERIF_BOLD)
    face = fonts.find_family("Noto Serif CJK SC:Bold")
    before = fonts.stats["conversions"]
    name = fonts.registered_name(face, SAMPLE)
    assert fonts.stats["conversions"] == before + 1
    rows = pdffonts(draw_pdf(tmp_path / "title.pdf", name))
    row = next(r for r in rows if r[0].endswith("NotoSerifCJKsc-Bold"))
    assert row[0].startswith("AAAAAA+") and row[1] == "TrueType"
    assert row[-5:-2] == ["yes", "yes", "yes"]

    # Another process (simulated) reuses the cached conversion.
    fonts.clear_caches()
    assert fonts.registered_name(face, set(SAMPLE)) == name
    assert fonts.stats["conversions"] == before + 1


def test_cff_cache_grows_and_pdf_does_not_depend_on_cache_state(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CONVERT_CFF", "1")  # the conversion route (cidfont embeds CID-keyed CFF as is)
    need(NOTO_SERIF_BOLD)
    face = fonts.find_family("Noto Serif CJK SC:Bold")
    first = draw_pdf(tmp_path / "a.pdf", fonts.registered_name(face, SAMPLE))
    entries = sorted((fonts.cache_dir() / "ttf").glob("*.json"))
    assert len(entries) == 1

    fonts.clear_caches()
    fonts.registered_name(face, "镕堃喆")  # outside the cached set: grows it
    grown = sorted((fonts.cache_dir() / "ttf").glob("*.json"))
    assert len(grown) == 1 and grown != entries  # the smaller entry is gone
    assert fonts.missing_chars(face, SAMPLE + "镕堃喆") == set()

    fonts.clear_caches()
    second = draw_pdf(tmp_path / "b.pdf", fonts.registered_name(face, SAMPLE))
    assert first.read_bytes() == second.read_bytes()


def test_grown_conversion_equals_fresh_conversion(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CONVERT_CFF", "1")  # the conversion route (cidfont embeds CID-keyed CFF as is)
    need(NOTO_SERIF_BOLD)
    face = fonts.find_family("Noto Serif CJK SC:Bold")
    fonts.registered_name(face, SAMPLE)
    fonts.clear_caches()
    fonts.registered_name(face, "镕堃")
    grown = [p.read_bytes() for p in (fonts.cache_dir() / "ttf").glob("*.ttf")]

    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "fresh"))
    fonts.clear_caches()
    fonts.registered_name(face, SAMPLE + "镕堃")
    fresh = [p.read_bytes() for p in (fonts.cache_dir() / "ttf").glob("*.ttf")]
    assert grown == fresh


def test_large_glyf_face_goes_through_a_cached_subset(tmp_path):
    need(MICROHEI)
    face = fonts.find_family("WenQuanYi Micro Hei")
    assert fonts._via_subset(face)  # 49,531 glyphs: reportlab would parse them all
    name = fonts.registered_name(face, SAMPLE)
    assert fonts.missing_chars(face, SAMPLE + "😀") == {"😀"}
    rows = pdffonts(draw_pdf(tmp_path / "hei.pdf", name))
    assert next(r for r in rows if "WenQuanYi" in r[0])[-5:-2] == ["yes", "yes", "yes"]


def test_unwritable_cache_still_registers(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CONVERT_CFF", "1")  # the conversion route (cidfont embeds CID-keyed CFF as is)
    need(NOTO_SERIF_BOLD)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(blocker / "cache"))
    face = fonts.find_family("Noto Serif CJK SC:Bold")
    name = fonts.registered_name(face, SAMPLE)
    draw_pdf(tmp_path / "t.pdf", name)


def test_base_charset_holds_gb2312_and_punctuation(monkeypatch):
    monkeypatch.setattr(fonts.charset, "_BASE_CHARSET", None)
    base = fonts.base_charset()
    assert {"啊", "齄", "亍", "，", "。", "“", "”", "—", "…", "①", "Ａ", "A", "~", "·"} <= base
    assert 7400 < len(base) < 8000


# --------------------------------------------------------------------------
# Report


def test_describe_lines(monkeypatch):
    monkeypatch.setenv("BULLETIN_CONVERT_CFF", "1")  # the conversion route (cidfont embeds CID-keyed CFF as is)
    faces = {
        "title": FontFace("title", "Noto Serif CJK SC", NOTO_SERIF_BOLD, 2, "cff", "fallback", "Bold"),
        "fangsong": FontFace("fangsong", "仿宋_GB2312", Path("/fonts/simfang.ttf"), 0, "glyf", "official", "Regular"),
        "latin": FontFace("latin", "Times New Roman", Path("/fonts/times.ttf"), 0, "glyf", "config", "Regular"),
    }
    lines = fonts.describe(faces)
    assert len(lines) == 3
    title, fangsong, latin = lines
    assert title.startswith("title ")
    assert "Noto Serif CJK SC Bold" in title and f"{NOTO_SERIF_BOLD}#2" in title
    assert "fallback" in title and "cff" in title and "converted from CFF, embedded as subset" in title
    assert "warning" in title
    assert "仿宋_GB2312" in fangsong and "/fonts/simfang.ttf " in fangsong + " "
    assert "official" in fangsong and "glyf" in fangsong and "embedded as subset" in fangsong
    assert "converted" not in fangsong and "warning" not in fangsong
    assert "config" in latin and "warning" not in latin
    if NOTO_SERIF_BOLD.is_file():  # embedded as it is unless conversion is asked for
        monkeypatch.delenv("BULLETIN_CONVERT_CFF")
        fonts.clear_caches()
        assert "embedded as subset (CFF as it is)" in fonts.describe(faces)[0]


def test_fc_list_answer_is_cached_until_a_font_folder_changes(tmp_path, monkeypatch):
    import os
    import shutil as _shutil

    if _shutil.which("fc-list") is None:
        pytest.skip("fontconfig not installed")
    watched = tmp_path / "fonts"
    watched.mkdir()
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BULLETIN_NO_FONTCONFIG", raising=False)
    monkeypatch.setattr(fonts.find, "_FONT_TOPS", (*fonts.find._FONT_TOPS, str(watched)))

    def calls_after_fresh_lookup() -> int:
        fonts.clear_caches()
        before = fonts.stats["fc_list_calls"]
        assert fonts.find._fc_list()
        return fonts.stats["fc_list_calls"] - before

    assert calls_after_fresh_lookup() == 1  # nothing cached yet
    assert calls_after_fresh_lookup() == 0  # answered from the cache folder
    (watched / "new-font.ttf").write_bytes(b"")  # a font installed: the folder's time changes
    os.utime(watched, ns=(0, 1))
    assert calls_after_fresh_lookup() == 1
    assert calls_after_fresh_lookup() == 0
