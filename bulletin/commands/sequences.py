"""`check`: variation selectors that no PDF font can honour (W152).

A variation selector (U+FE00–FE0F, and the ideographic variation selectors
U+E0100–E01EF of Chinese and Japanese place and person names) asks for a
particular form of the character before it.  The reader keeps the pair,
so the DOCX carries it to Word.  The PDF prints the plain character (the
breaker drops the selector: reportlab draws by code point, not by variant);
a font may or may not list the variant in its format-14 cmap.  When none of
the PDF's faces lists the sequence, the writer is told so, once per
sequence and article, instead of a "not in font" error about an invisible
selector.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from bulletin.diagnostics import Collector, Diagnostic
from bulletin.i18n import N_
from bulletin.sources.textfile import read_text
from bulletin.text.invisible import describe

_SELECTOR = re.compile("[\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef]")


@functools.lru_cache(maxsize=32)
def _variants(path: str, index: int) -> frozenset[tuple[int, int]]:
    """(base, selector) pairs a face's format-14 cmap lists."""
    try:
        from fontTools.ttLib import TTFont

        pairs = set()
        with TTFont(path, fontNumber=index, lazy=True) as font:
            for table in font["cmap"].tables:
                if table.format == 14:
                    for selector, bases in table.uvsDict.items():
                        pairs.update((base, selector) for base, _glyph in bases)
        return frozenset(pairs)
    except Exception:  # noqa: BLE001 - an unreadable font lists no variants (the writer reports the font)
        return frozenset()


def variation_warnings(articles, root: Path, faces: dict) -> list[Diagnostic]:
    """W115 for each (character, selector) no face in ``faces`` (role → FontFace) lists."""
    out: list[Diagnostic] = []
    fonts = sorted({(str(f.path), f.index, f.family) for f in faces.values()})
    for art in articles:
        text = read_text(root / art.rel, art.rel, Collector())
        if text is None or not _SELECTOR.search(text):
            continue
        seen: set[tuple[str, str]] = set()
        for m in _SELECTOR.finditer(text):
            pos = m.start()
            base = text[pos - 1] if pos else ""
            if not base or base == "\n" or _SELECTOR.match(base) or (base, m.group()) in seen:
                continue
            seen.add((base, m.group()))
            pair = (ord(base), ord(m.group()))
            if any(pair in _variants(path, index) for path, index, _family in fonts):
                continue
            line = text.count("\n", 0, pos) + 1
            col = pos - (text.rfind("\n", 0, pos) + 1) + 1
            out.append(Diagnostic(art.rel, line, col, "W152", N_(
                "{char} after '{base}': no PDF font has this variant ({fonts}); the PDF prints the plain '{base}', the DOCX keeps the sequence",
                char=describe(m.group()), base=base, fonts=", ".join(sorted({f for _p, _i, f in fonts}))), "warning"))
    return out


def check_variations(repo, articles, style) -> list[Diagnostic]:
    """W115 for these articles, against the faces a PDF build resolves."""
    try:
        from bulletin.writers.pdf import faces

        overrides = (repo.publication.data.get("fonts") if repo.publication else None) or None
        resolved = faces.resolve(style.fonts, overrides, repo.root)
    except Exception:  # noqa: BLE001 - a font that cannot be resolved is reported as E040 already
        return []
    return variation_warnings(articles, repo.root, resolved)
