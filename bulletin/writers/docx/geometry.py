"""The DOCX page in twips, from the style's millimetres, and the character
widths the writer estimates with (it lays out no lines itself: Word and
LibreOffice do)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bulletin.style import Style

TWIPS_PER_MM = 1440 / 25.4


def twips(pt: float) -> int:
    return round(pt * 20)


def em_units(ch: str) -> float:
    """A character's advance in ems: ASCII and Latin half, CJK (and the
    general punctuation “ ” — … a CJK face draws) full."""
    return 0.5 if ord(ch) < 0x1100 else 1.0


@dataclass(frozen=True)
class Geometry:
    """The page in twips (1/20 pt), from the style's millimetres."""

    page_w: int
    page_h: int
    top: int
    bottom: int
    left: int
    right: int
    block_w: int
    block_h: int
    line: int  # exact line pitch: floor(block height / lines) so 22 lines always fit
    cell: int  # one grid cell (block width / chars)
    char_spacing: int  # w:spacing on Normal: body glyphs advance ≤ one cell
    footer: int  # w:footer distance (page bottom → footer line box bottom)
    footer_line: int  # exact line height of the page-number paragraph

    @classmethod
    def of(cls, style: Style) -> Geometry:
        p = style.page
        mm = lambda v: round(v * TWIPS_PER_MM)
        page_w, page_h = mm(p["width_mm"]), mm(p["height_mm"])
        top, left = mm(p["margin_top_mm"]), mm(p["margin_left_mm"])
        block_w, block_h = mm(p["block_width_mm"]), mm(p["block_height_mm"])
        right = page_w - left - block_w
        bottom = page_h - top - block_h
        line = math.floor(style.line_pitch * 20)
        body = style.element("body")
        char_spacing = min(0, math.floor((style.cell - body.size) * 20))
        # Page number: its line box is as tall as the type, and its middle,
        # where the 一字线 is drawn, lies `below_mm` under the block's bottom
        # edge (GB/T 9704: "一字线上距版心下边缘7mm").  Word measures the
        # footer distance from the page's bottom edge to the box's bottom.
        pn = style.element("page_number")
        footer_line = twips(pn.size * float(pn.get("line_height", 1.0)))
        below = mm(float(pn.get("below_mm", 7)))
        footer = bottom - below - footer_line // 2
        return cls(page_w, page_h, top, bottom, left, right, block_w, block_h, line,
                   round(style.cell * 20), char_spacing, max(0, footer), footer_line)
