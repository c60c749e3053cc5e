"""The PDF layout's results: positioned text lines, rules and pictures,
grouped into atoms (things that take whole grid lines and never split),
placed on pages.  Nothing here lays out or draws; ``layout.py`` and its
helpers build these, ``draw.py`` turns them into PDF operators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bulletin.model import Src
from bulletin.text import Glyph

MM = 72 / 25.4
ASCENT = 0.88  # em box top above the baseline (ideographic em box −0.12 … 0.88 em)
EPS = 1e-6


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RunStyle:
    font: str  # font role
    size: float  # pt
    bold: bool  # bold wanted (simulated when the face has none)
    color: str  # hex RGB
    stroke: float = 0.4  # outline width of simulated bold, pt


@dataclass(slots=True)
class TextLine:
    x: float  # page x of the line's origin (glyph x is relative to it)
    y: float  # baseline, relative to the top of the atom (negative: PDF y grows upwards)
    glyphs: tuple[Glyph, ...]
    kind: str  # element name, for the dump
    src: Src | None = None
    row: int = 0  # grid row inside the atom (dump only)
    justified: bool = False  # stretched to the full measure (tests check the right edge)


@dataclass(slots=True)
class Rule:
    x0: float
    x1: float
    y: float  # centre of the stroke, relative to the atom top
    width: float
    color: str


@dataclass(slots=True)
class VRule:
    x: float
    y0: float  # top, relative to the atom top
    y1: float  # bottom
    width: float
    color: str


@dataclass(slots=True)
class Picture:
    path: Path
    x: float
    y: float  # bottom edge, relative to the atom top
    w: float
    h: float


@dataclass(slots=True, eq=False)
class Atom:
    """Something that takes ``h`` whole grid lines and never splits."""

    h: int
    items: list
    keep: bool = False  # stay on the page of the next atom
    blank: bool = False  # empty lines: dropped at the top and foot of a page
    header: Atom | None = None  # a table row: the header row to repeat on a new page
    group: object = None  # rows of one table share a group
    top_rule: Rule | None = None  # drawn unless the atom follows a row of its own table
    build: object = None  # a table row: height → items, to fit a page's run of rows into its box


@dataclass(slots=True)
class Placed:
    top: float  # page y of the atom's top
    row: int  # first grid row (−1: not on the grid)
    atom: Atom
    draw_top_rule: bool = False
    own_items: list | None = None  # items rebuilt for this page (table rows)

    @property
    def items(self) -> list:
        return self.atom.items if self.own_items is None else self.own_items


@dataclass
class Page:
    number: int
    placed: list[Placed] = field(default_factory=list)
    used: int = 0  # grid lines used


@dataclass
class Document:
    pages: list[Page]
    roles: dict[str, RunStyle]
    title: str
    author: str
    subject: str
    date: str  # ISO issue date



_ALIGN = {"left": "left", "right": "right", "center": "center", "centre": "center", "middle": "center",
          "justify": "justify", "both": "justify", "distribute": "justify"}


def _align(value) -> str:
    """A style's alignment word as the breaker names it (unknown: left)."""
    return _ALIGN.get(str(value or "left").lower(), "left")
