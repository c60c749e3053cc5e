"""Font roles → font files, coverage checks and reportlab registration.

A style names each role (title, fangsong, hei, kai, song, latin, ...) with the
official families an office expects and free fallbacks; bulletin.yaml may
override a role with a family name or a file path. The package finds the file
for each role, says which characters a face lacks, and registers faces with
reportlab. Faces with CID-keyed CFF outlines (Fandol, Noto CJK) are embedded
as CFF subsets by cidfont; other CFF faces are redrawn as TrueType outlines
(convert), because reportlab itself only embeds glyf fonts.

One module per job, lowest first:
    face      FontFace, FontError, name helpers, counters (``stats``)
    sfnt      identifying font files (a tiny name-table reader)
    find      installed faces: fc-list and its cache, folder scans, find_family
    resolve   roles → faces (override, official, fallback); describe()
    charset   the base character set
    convert   cached TrueType subsets (name-keyed CFF → glyf, large glyf faces)
    register  reportlab registration (lazyttf, cidfont), missing_chars
    lazyttf   a reportlab TrueType face read on demand
    cff       a CID-keyed CFF table: parse, subset (charstrings copied as they are)
    cidfont   a CFF face for reportlab: Type0/CIDFontType0, FontFile3, ToUnicode
    ink       the left edge of a glyph's outline (CFF), without fontTools
    progress  a word on the terminal when font work takes long

Start-up time matters (a whole build must beat 0.18 s), hence:
- one ``fc-list`` call lists every installed face (~7 ms); no fontTools scan
  of system folders when fontconfig is present;
- font files are identified with a tiny sfnt reader instead of fontTools
  (whose import alone costs ~35 ms);
- reportlab's own parse of a glyf face doubles as its cmap for coverage;
- fontTools is imported only to convert a face that is not CID-keyed CFF.
"""

from __future__ import annotations

from bulletin.fonts import convert as _convert
from bulletin.fonts import find as _find
from bulletin.fonts import register as _register
from bulletin.fonts.charset import base_charset
from bulletin.fonts.face import FontError, FontFace, stats
from bulletin.fonts.find import cache_dir, find_family
from bulletin.fonts.ink import ink_left_edges
from bulletin.fonts.register import _rl_font, _via_subset, missing_chars, registered_name
from bulletin.fonts.resolve import describe, resolve_fonts
from bulletin.fonts.sfnt import read_font_file

__all__ = [
    "FontError",
    "FontFace",
    "base_charset",
    "cache_dir",
    "clear_caches",
    "describe",
    "find_family",
    "ink_left_edges",
    "missing_chars",
    "read_font_file",
    "registered_name",
    "resolve_fonts",
    "stats",
]


def clear_caches() -> None:
    """Forget every in-process lookup (tests; long-running processes)."""
    _find._SYSTEM_INDEX.clear()
    _find._EXTRA_INDEX.clear()
    _register._RL_FONTS.clear()
    _register._CFF_FONTS.clear()
    _convert._CMAPS.clear()
    _register._CONVERTED.clear()
    _register._NUM_GLYPHS.clear()
    _convert._SOURCE_KEYS.clear()
    _convert._CONVERSION_LISTS.clear()
