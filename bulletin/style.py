"""The typographic specification as data.

`templates/<name>/style.yaml` is the one description both writers read; this
module loads it and derives the grid (points) so no writer repeats the
arithmetic.  Values are plain dicts underneath: a writer asks for an element
(`style.element("body")`) and gets sizes already converted to points.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import yaml

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Element:
    name: str
    font: str
    size: float  # pt
    align: str
    bold: bool
    color: str
    indent: float  # cells, both sides (imprint) / left (others)
    indent_first: float  # cells
    before: float  # grid lines
    after: float  # grid lines
    raw: dict

    def get(self, key: str, default=None):
        return self.raw.get(key, default)


class Style:
    def __init__(self, data: dict, name: str = "default"):
        self.data = data
        self.name = name

    # -- geometry -------------------------------------------------------
    @cached_property
    def page(self) -> dict:
        return self.data["page"]

    @property
    def page_width(self) -> float:
        return self.page["width_mm"] * MM

    @property
    def page_height(self) -> float:
        return self.page["height_mm"] * MM

    @property
    def margin_left(self) -> float:
        return self.page["margin_left_mm"] * MM

    @property
    def margin_top(self) -> float:
        return self.page["margin_top_mm"] * MM

    @property
    def block_width(self) -> float:
        return self.page["block_width_mm"] * MM

    @property
    def block_height(self) -> float:
        return self.page["block_height_mm"] * MM

    @property
    def lines_per_page(self) -> int:
        return int(self.page["lines"])

    @property
    def chars_per_line(self) -> int:
        return int(self.page["chars"])

    @property
    def line_pitch(self) -> float:
        """225 mm / 22 ≈ 28.99 pt."""
        return self.block_height / self.lines_per_page

    @property
    def cell(self) -> float:
        """156 mm / 28 ≈ 15.79 pt: one hanzi's advance on the grid."""
        return self.block_width / self.chars_per_line

    # -- values ----------------------------------------------------------
    def size(self, value) -> float:
        """A 号 name (三号) or a number of points."""
        if isinstance(value, (int, float)):
            return float(value)
        return float(self.data["sizes"][value])

    def color(self, value: str | None) -> str:
        """Hex RGB without '#': a named colour from `colors` or a literal."""
        if not value:
            return self.data["colors"]["black"]
        return self.data["colors"].get(value, value).lstrip("#")

    @cached_property
    def fonts(self) -> dict[str, dict]:
        return self.data["fonts"]

    def docx_font(self, role: str) -> str:
        return self.fonts[role]["docx"]

    def docx_style_name(self, element: str) -> str:
        return self.data["docx_styles"][element]

    def element(self, name: str) -> Element:
        cached = self._elements.get(name)
        if cached is None:
            raw = self.data["elements"][name]
            cached = Element(
                name=name,
                font=raw.get("font", "fangsong"),
                size=self.size(raw.get("size", "三号")),
                align=raw.get("align", "left"),
                bold=bool(raw.get("bold", False)),
                color=self.color(raw.get("color")),
                indent=float(raw.get("indent", 0)),
                indent_first=float(raw.get("indent_first", 0)),
                before=float(raw.get("before", 0)),
                after=float(raw.get("after", 0)),
                raw=raw,
            )
            self._elements[name] = cached
        return cached

    @cached_property
    def _elements(self) -> dict[str, Element]:
        return {}


def load_style(name_or_path: str | Path = "default") -> Style:
    """A built-in style by name (templates/<name>/style.yaml inside the
    installed package) or a path to a style.yaml."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        text = path.read_text(encoding="utf-8")
        name = path.parent.name
    else:
        text = resources.files("bulletin.templates").joinpath(str(name_or_path), "style.yaml").read_text(encoding="utf-8")
        name = str(name_or_path)
    # libyaml's loader when PyYAML has it: the style is read on every build (7 ms → 1 ms)
    return Style(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), name)
