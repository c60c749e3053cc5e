"""The lazily read reportlab face (bulletin/lazyttf.py) is reportlab's own
face for every character it was asked about: same glyphs, same widths, same
embedded subset bytes."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("reportlab")


# TrueType faces a bulletin may be set in (the default style's CJK fallbacks
# are CFF now, embedded by bulletin.fonts.cidfont, so these are named here).
GLYF_FAMILIES = ["AR PL SungtiL GB", "AR PL KaitiM GB", "WenQuanYi Micro Hei", "Liberation Serif"]


def _faces():
    from bulletin.fonts import find_family, resolve_fonts
    from bulletin.style import load_style

    faces = list(resolve_fonts(load_style("default").fonts).values())
    faces += [f for f in map(find_family, GLYF_FAMILIES) if f is not None]
    seen = {}
    for face in faces:
        if face.outline == "glyf":
            seen[(str(face.path), face.index)] = face
    return list(seen.values())


@pytest.mark.parametrize("face", _faces(), ids=lambda f: f"{f.path.name}#{f.index}")
def test_lazy_face_matches_reportlab(face):
    from reportlab.pdfbase.ttfonts import TTFont

    from bulletin.fonts import lazyttf as ttf

    full = TTFont("full", str(face.path), subfontIndex=face.index)
    lazy = ttf.load("lazy-test", str(face.path), face.index)
    codes = sorted(full.face.charToGlyph)
    sample = [chr(c) for c in random.Random(7).sample(codes, min(600, len(codes)))]
    sample += list(" AZaz09,.—“”，。、（）《》中国扶贫\u3000\u00a0")
    ttf.ensure(lazy, sample)
    for c in sample:
        code = ord(c)
        # reportlab keeps cmap entries that map to glyph 0 (.notdef); both mean "missing"
        assert (lazy.face.charToGlyph.get(code) or 0) == (full.face.charToGlyph.get(code) or 0), c
        if full.face.charToGlyph.get(code):
            assert lazy.face.getCharWidth(code) == full.face.getCharWidth(code), c
            glyph = full.face.charToGlyph[code]
            assert lazy.face.hmetrics[glyph] == full.face.hmetrics[glyph]
            assert lazy.face.glyphPos[glyph] == full.face.glyphPos[glyph]
            assert lazy.face.glyphPos[glyph + 1] == full.face.glyphPos[glyph + 1]
    assert lazy.face.defaultWidth == full.face.defaultWidth
    assert lazy.face.name == full.face.name
    subset = [0] + [ord(c) for c in sample if full.face.charToGlyph.get(ord(c))][:200]
    ours, theirs = _tables(lazy.face.makeSubset(subset)), _tables(full.face.makeSubset(subset))
    assert set(ours) == set(theirs)
    for tag in theirs:
        if tag not in ("name", "head"):  # head: its checksum adjustment covers the name table
            assert ours[tag] == theirs[tag], tag
    names = {(r.platformID, r.langID, r.nameID) for r in _font(full.face.makeSubset(subset))["name"].names}
    kept = {(r.platformID, r.langID, r.nameID) for r in _font(lazy.face.makeSubset(subset))["name"].names}
    assert kept == {key for key in names if key[2] != 13}  # all but the license texts


def _font(data: bytes):
    import io

    from fontTools.ttLib import TTFont

    return TTFont(io.BytesIO(data))


def _tables(data: bytes) -> dict[str, bytes]:
    font = _font(data)
    return {tag: font.reader[tag] for tag in font.reader.keys()}  # noqa: SIM118 — SFNTReader iterates otherwise


def test_unknown_characters_stay_missing():
    from bulletin.fonts import lazyttf as ttf

    face = _faces()[0]
    lazy = ttf.load("lazy-missing", str(face.path), face.index)
    ttf.ensure(lazy, "\U00020000\ue000")
    assert 0x20000 not in lazy.face.charToGlyph


def test_fonts_registers_lazy_faces_that_answer_coverage_questions():
    """bulletin.fonts loads direct faces lazily; coverage questions about
    characters nobody asked for before are still answered from the cmap."""
    from bulletin import fonts

    fonts.clear_caches()
    face = next(f for f in _faces() if not fonts._via_subset(f) and f.family != "Liberation Serif")
    fonts.registered_name(face)
    lazy = fonts.register._RL_FONTS[(str(face.path), face.index)]
    assert getattr(lazy.face, "_lazy_cmap", None) is not None
    assert fonts.missing_chars(face, "中国扶贫\U00020000") == {"\U00020000"}


def test_subsets_are_cached_and_the_pdf_is_the_same_either_way(tmp_path, monkeypatch, example_root):
    """A rebuilt issue takes its font subsets from the cache folder; the PDF
    is byte-identical to one built with the subset cache off."""
    from conftest import run_cli

    cache = tmp_path / "cache"
    env = {"BULLETIN_CACHE_DIR": str(cache)}
    args = ("build", "2018-48", "--format", "pdf", "--force", "--root", str(example_root))
    assert run_cli(*args, "--out", str(tmp_path / "a"), env=env).returncode == 0
    subsets = sorted((cache / "subsets").rglob("*.ttf"))
    assert len(subsets) >= 1  # one per 256-glyph subset of each TrueType face (the Latin one here)
    stamps = {p: p.stat().st_mtime_ns for p in subsets}
    assert run_cli(*args, "--out", str(tmp_path / "b"), env=env).returncode == 0
    assert {p: p.stat().st_mtime_ns for p in sorted((cache / "subsets").rglob("*.ttf"))} == stamps  # reused, none new
    off = run_cli(*args, "--out", str(tmp_path / "c"), env={**env, "BULLETIN_NO_SUBSET_CACHE": "1"})
    assert off.returncode == 0
    a, b, c = ((tmp_path / d / "2018-48.pdf").read_bytes() for d in "abc")
    assert a == b == c
