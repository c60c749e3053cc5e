"""Free faces by kind, and OpenType/CFF faces embedded as they are
(bulletin/fonts/cff.py subsets the CFF table, cidfont.py writes the Type0 /
CIDFontType0 font): outlines identical to the source, every glyph a subset,
text extractable, bytes independent of the order of use and of the cache.

Tests that need a font skip (with the reason) when it is absent;
scripts/install-deps.sh installs the Fandol faces.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bulletin import fonts
from bulletin.style import load_style

FANDOL = Path("/usr/local/share/fonts/fandol")
NOTO_SERIF_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
SAMPLE = "广西精准脱贫攻坚简报（第48期）：2018年11月15日，乐业县委办公室。"

# What each role must look like, by the kind of face a Chinese reader
# recognises: the words the free families use for it in their names.
KINDS = {
    "fangsong": ("仿宋", ("Fang", "仿宋")),
    "hei": ("黑体", ("Hei", "黑")),
    "kai": ("楷体", ("Kai", "楷")),
    "title": ("宋 (heavy)", ("Song", "宋")),
    "song": ("宋", ("Song", "Sung", "宋")),
}


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BULLETIN_FONT_DIRS", raising=False)
    monkeypatch.delenv("BULLETIN_CONVERT_CFF", raising=False)
    fonts.clear_caches()
    yield
    fonts.clear_caches()


def fandol(name: str) -> Path:
    path = FANDOL / name
    if not path.is_file():
        found = fonts.find_family(name.split("-")[0])
        if found is None:
            pytest.skip(f"{name} is not installed (scripts/install-deps.sh)")
        path = found.path.parent / name
    return path


def need_tool(name: str) -> str:
    exe = shutil.which(name)
    if not exe:
        pytest.skip(f"{name} is not installed")
    return exe


# --------------------------------------------------------------------------
# The right kind of face for every role


def test_first_free_fallback_of_every_role_is_of_the_roles_kind():
    roles = load_style("default").fonts
    for role, (kind, words) in KINDS.items():
        first = roles[role]["fallback"][0]
        assert any(w in first for w in words), f"{role}: first fallback {first!r} is not a {kind} face"
    assert roles["title"]["fallback"][0].endswith(":Bold")  # 小标宋 is a heavy 宋


def test_without_official_fonts_each_role_resolves_to_a_fandol_face_of_its_kind():
    fandol("FandolFang-Regular.otf")
    faces = fonts.resolve_fonts(load_style("default").fonts)
    for role, (kind, words) in KINDS.items():
        face = faces[role]
        if face.source == "official":
            continue  # an official font installed here wins, as it should
        assert any(w in face.family for w in words), (role, kind, face)
        if role != "song":  # 宋体 (page numbers) stays AR PL SungtiL GB
            assert face.family.startswith("Fandol"), (role, face)
            assert face.outline == "cff" and not fonts.register._via_subset(face)  # embedded as it is
    if faces["title"].source != "official":
        assert faces["title"].path.name == "FandolSong-Bold.otf"
    if faces["fangsong"].source != "official":
        assert faces["fangsong"].path.name == "FandolFang-Regular.otf"


def test_an_official_font_still_wins_over_fandol(tmp_path, monkeypatch):
    from test_fonts import renamed_copy

    fandol("FandolFang-Regular.otf")
    sungti = Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf")
    if not sungti.is_file():
        pytest.skip("AR PL SungtiL GB is not installed")
    renamed_copy(sungti, tmp_path / "myfonts" / "simfang.ttf", "仿宋_GB2312", "FangSong_GB2312")
    monkeypatch.setenv("BULLETIN_FONT_DIRS", str(tmp_path / "myfonts"))
    fonts.clear_caches()
    face = fonts.resolve_fonts({"fangsong": load_style("default").fonts["fangsong"]})["fangsong"]
    assert (face.family, face.source) == ("仿宋_GB2312", "official")


# --------------------------------------------------------------------------
# The CFF subsetter


def _cff_table(path: Path, index: int = 0) -> bytes:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        return font.reader["CFF "]


def _outlines(cff_data: bytes, names=None):
    """{glyph name: drawing} of a CFF table (``names`` only), via fontTools."""
    import io

    from fontTools.cffLib import CFFFontSet
    from fontTools.pens.recordingPen import RecordingPen

    fs = CFFFontSet()
    fs.decompile(io.BytesIO(cff_data), None)
    top = fs.topDictIndex[0]
    out = {}
    for name in names if names is not None else top.charset:
        pen = RecordingPen()
        top.CharStrings[name].draw(pen)
        out[name] = pen.value
    return out


@pytest.mark.parametrize("which", ["fandol", "noto"])
def test_cff_subset_keeps_outlines_and_cids_exactly(which):
    """Fandol has no subroutines; Noto CJK calls local and global ones."""
    from bulletin.fonts.cff import CFF

    if which == "fandol":
        path, index = fandol("FandolFang-Regular.otf"), 0
    else:
        if not NOTO_SERIF_BOLD.is_file():
            pytest.skip("Noto Serif CJK is not installed")
        path, index = NOTO_SERIF_BOLD, 2
    data = _cff_table(path, index)
    cff = CFF(data)
    gids = list(range(1, cff.num_glyphs, max(1, cff.num_glyphs // 300)))
    sub = cff.subset(gids)
    assert cff.subset(list(reversed(gids)) + gids[:5]) == sub  # the set decides, not the order
    assert len(sub) < len(data) / 5
    part = _outlines(sub)
    full = _outlines(data, part)
    # CID-keyed: glyph names are "cidNNNNN", so equal names mean equal CIDs.
    assert len(part) == len(gids) + 1
    for name, drawing in part.items():
        assert full[name] == drawing, name


# --------------------------------------------------------------------------
# Embedding


def _draw(path: Path, name: str, text: str = SAMPLE) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1)
    c.setFont(name, 16)
    c.drawString(40, 760, text)
    c.save()
    return path


def test_cff_face_is_embedded_as_a_cid_subset_with_extractable_text(tmp_path):
    path = fandol("FandolFang-Regular.otf")
    face = fonts.find_family("FandolFang")
    assert face.path == path and face.outline == "cff"
    before = fonts.stats["conversions"]
    name = fonts.registered_name(face, SAMPLE)
    assert fonts.stats["conversions"] == before  # nothing converted
    pdf = _draw(tmp_path / "fang.pdf", name)
    out = subprocess.run([need_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    row = next(line.split() for line in out.splitlines() if "FandolFang-Regular" in line)
    assert row[0][6] == "+" and row[0][:6].isupper()  # a subset tag
    assert row[1:4] == ["CID", "Type", "0C"] and row[4] == "Identity-H"
    assert row[5:8] == ["yes", "yes", "yes"]  # emb, sub, uni
    text = subprocess.run([need_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.strip() == SAMPLE


def test_missing_chars_of_an_embedded_cff_face():
    fandol("FandolFang-Regular.otf")
    face = fonts.find_family("FandolFang")
    assert fonts.missing_chars(face, SAMPLE + "😀\n") == {"😀"}


def test_the_embedded_font_does_not_depend_on_the_order_of_use(tmp_path):
    fandol("FandolKai-Regular.otf")
    face = fonts.find_family("FandolKai")
    name = fonts.registered_name(face, SAMPLE)
    a = _draw(tmp_path / "a.pdf", name, SAMPLE[::-1] + SAMPLE).read_bytes()
    b = _draw(tmp_path / "b.pdf", name, SAMPLE + SAMPLE[::-1]).read_bytes()
    fonts_of = [pdf[pdf.index(b"/FontFile3"):] for pdf in (a, b)]
    # Same glyph set: the same font program and widths, whatever came first.
    assert fonts_of[0].split(b"endobj")[0] == fonts_of[1].split(b"endobj")[0]


def test_pdf_bytes_are_the_same_with_an_empty_or_a_warm_cache(tmp_path, example_root):
    from conftest import run_cli

    fandol("FandolFang-Regular.otf")
    env = {"BULLETIN_CACHE_DIR": str(tmp_path / "cache")}
    args = ("build", "2018-48", "--force", "--root", str(example_root))
    assert run_cli(*args, "--out", str(tmp_path / "cold"), env=env).returncode == 0
    assert run_cli(*args, "--out", str(tmp_path / "warm"), env=env).returncode == 0
    for ext in ("pdf", "docx"):
        assert (tmp_path / "cold" / f"2018-48.{ext}").read_bytes() == (tmp_path / "warm" / f"2018-48.{ext}").read_bytes()
    assert not (tmp_path / "cache" / "ttf").exists()  # no conversion was made


# --------------------------------------------------------------------------
# Ink without fontTools


@pytest.mark.parametrize("family", ["FandolFang", "FandolKai", "FandolSong:Bold", "Noto Serif CJK SC:Bold"])
def test_ink_left_edges_equal_fonttools_bounds(family):
    """The charstring walk finds the same left edge as fontTools' BoundsPen,
    for the opening marks and a sample of hanzi (curves, flex, subroutines)."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    face = fonts.find_family(family)
    if face is None or face.outline != "cff":
        pytest.skip(f"{family} is not installed")
    chars = "（《〈「『【〔〖“‘［｛" + SAMPLE + "鼎爨鬱龘"
    ours = fonts.ink_left_edges(face, chars)
    with TTFont(str(face.path), fontNumber=face.index, lazy=True) as font:
        cmap, glyphs, upm = font.getBestCmap(), font.getGlyphSet(), font["head"].unitsPerEm
        theirs = {}
        for c in chars:
            if ord(c) in cmap:
                pen = BoundsPen(glyphs)
                glyphs[cmap[ord(c)]].draw(pen)
                if pen.bounds is not None:
                    theirs[c] = max(0.0, pen.bounds[0] / upm)
    assert ours.keys() == theirs.keys()
    for c in theirs:
        assert ours[c] == pytest.approx(theirs[c], abs=1e-6), c


def test_ink_left_edges_leave_truetype_faces_to_fonttools():
    face = fonts.find_family("Liberation Serif")
    if face is None:
        pytest.skip("Liberation Serif is not installed")
    assert fonts.ink_left_edges(face, "“(") is None
