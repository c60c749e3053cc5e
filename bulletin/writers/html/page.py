"""Bulletin → the context the HTML templates render: article ids, heading
levels, figure files, CSS values.  No markup here: the markup is the
template's (templates/html/), so an office restyles the page without
touching Python.

Heading levels (decided once, for every issue):
- h1  the masthead (publication title); the page's one h1
- h2  article titles (a 栏目 label is a labelled <section>, not a heading,
      so an article's level does not depend on whether its issue has 栏目)
- h3, h4, h5  the article's 一、 / （一） / 1． headings, by how many headings
      they sit under rather than by their number style: an article that goes
      from 一、 straight to 1． gets h4 there, and one whose first heading is
      （一） gets h3 (no skipped level for a screen reader); the class
      `level-N` keeps the look of the model's level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from markupsafe import Markup

from bulletin.model import Article, Bulletin, Figure, Heading, Quote, Table

ARTICLE_TITLE_LEVEL = 2

# Faces a *reader's* machine may have, after the style's own names and free
# fallbacks: Windows (仿宋/FangSong…), macOS (ST…), TeX Live's Fandol.  The
# writer's machine does not matter here, unlike the PDF's embedding.
READER_FACES = {
    "title": ("STZhongsong", "STSong", "SimSun", "FandolSong", "Source Han Serif SC"),
    "fangsong": ("FangSong", "STFangsong", "FandolFang", "Source Han Serif SC"),
    "kai": ("KaiTi", "STKaiti", "FandolKai", "Source Han Serif SC"),
    "hei": ("SimHei", "STHeiti", "FandolHei", "Source Han Sans SC", "Noto Sans CJK SC"),
    "song": ("SimSun", "STSong", "FandolSong", "Source Han Serif SC"),
    "latin": ("Times New Roman", "Liberation Serif"),
}
GENERIC = {"hei": "sans-serif"}  # every other role: serif
SERIF_WITH_LATIN = ("title", "fangsong", "kai", "song")
LATIN_FAMILY = "Bulletin Latin"  # the @font-face of the stylesheet

_UNSAFE_CSS = re.compile(r'["\\<>{};\n\r\x00-\x1f]')
_HEX = re.compile(r"^[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Asset:
    """A file the page links to: `dest` relative to the output folder
    (posix), `source` relative to the repository root."""

    dest: str
    source: str


@dataclass(frozen=True)
class HtmlPage:
    html: bytes
    assets: tuple[Asset, ...]


# ------------------------------------------------------------- the article


@dataclass(frozen=True)
class HeadingView:
    block: Heading
    tag: str  # h3 … h6
    level: int  # the model's level (1 一、 · 2 （一） · 3 1．)


@dataclass(frozen=True)
class FigureView:
    block: Figure
    src: str  # URL relative to the page
    alt: str


@dataclass(frozen=True)
class ArticleView:
    article: Article
    id: str
    blocks: tuple  # model blocks, with Heading → HeadingView and Figure → FigureView
    title_lines: tuple[str, ...]


def heading_tags(blocks) -> dict[int, str]:
    """Block index → h-tag for the headings of one article (see the module doc)."""
    tags: dict[int, str] = {}
    open_levels: list[int] = []  # the model levels of the headings this one sits under
    for i, block in enumerate(blocks):
        if isinstance(block, Heading):
            while open_levels and open_levels[-1] >= block.level:
                open_levels.pop()
            open_levels.append(block.level)
            tags[i] = f"h{min(ARTICLE_TITLE_LEVEL + len(open_levels), 6)}"
    return tags


def figure_assets(bulletin: Bulletin) -> dict[str, Asset]:
    """Figure path (relative to the root) → where its copy goes: `ID/NAME`.
    A name used twice by different files gets a number in front, in the
    order the figures appear, so the names are stable from build to build."""
    out: dict[str, Asset] = {}
    used: set[str] = set()
    for art in bulletin.articles:
        for block in _figures(art.blocks):
            if block.path in out:
                continue
            name = PurePosixPath(block.path).name or "figure"
            candidate, n = name, 1
            while candidate.lower() in used:
                n += 1
                candidate = f"{n}-{name}"
            used.add(candidate.lower())
            out[block.path] = Asset(f"{bulletin.info.id}/{candidate}", block.path)
    return out


def _figures(blocks):
    for block in blocks:
        if isinstance(block, Figure):
            yield block


def article_views(bulletin: Bulletin, assets: dict[str, Asset]) -> list[ArticleView]:
    views = []
    for n, art in enumerate(bulletin.articles, 1):
        tags = heading_tags(art.blocks)
        blocks = []
        for i, block in enumerate(art.blocks):
            if isinstance(block, Heading):
                blocks.append(HeadingView(block, tags[i], block.level))
            elif isinstance(block, Figure):
                url = quote(assets[block.path].dest)
                blocks.append(FigureView(block, url, block.caption or PurePosixPath(block.path).stem))
            else:
                blocks.append(block)
        views.append(ArticleView(art, f"a{n}", tuple(blocks), tuple(art.title.split("\n"))))
    return views


# ------------------------------------------------------------------- CSS


def css_string(name: str) -> str | None:
    """A font family name quoted for CSS, or None when it could break out of
    the declaration (names come from style.yaml and bulletin.yaml)."""
    name = name.split(":", 1)[0].strip()  # "Noto Serif CJK SC:Bold" → the family
    if not name or _UNSAFE_CSS.search(name):
        return None
    return f'"{name}"'


def font_stack(style, role: str, overrides: dict) -> Markup:
    """The CSS font-family list of a role: an override naming a family, the
    style's official names, its free fallbacks, then faces readers' systems
    have.  Serif roles start with the Latin face, so digits and Latin letters
    are set in Times as in the printed issue (see latin_sources)."""
    names = [*_role_names(style, role, overrides), *READER_FACES.get(role, ())]
    quoted = dict.fromkeys(q for q in map(css_string, names) if q)
    first = [f'"{LATIN_FAMILY}"'] if role in SERIF_WITH_LATIN else []
    return Markup(", ".join([*first, *quoted, GENERIC.get(role, "serif")]))


def latin_sources(style, overrides: dict) -> Markup:
    """`src:` of the @font-face that serves only Latin letters and digits
    (its unicode-range): the Latin role's faces by local name.  A plain
    Latin face first in the stack would also take “” and — and set them
    half-width."""
    names = [*_role_names(style, "latin", overrides), *READER_FACES["latin"]]
    quoted = dict.fromkeys(q for q in map(css_string, names) if q)
    return Markup(", ".join(f"local({q})" for q in quoted))


def _role_names(style, role: str, overrides: dict) -> list[str]:
    spec = style.fonts.get(role, {})
    names: list[str] = []
    over = overrides.get(role)
    if isinstance(over, str) and not re.search(r"[/\\]|\.(ttf|otf|ttc|otc)$", over, re.I):
        names.append(over)  # a family name, not a file path
    if spec.get("docx"):
        names.append(spec["docx"])
    return [*names, *(spec.get("names") or ()), *(spec.get("fallback") or ())]


def css_color(style, value: str | None) -> Markup:
    hexa = style.color(value)
    return Markup(f"#{hexa.upper()}" if _HEX.match(hexa) else "#000000")


def css_values(style, overrides: dict) -> dict:
    """Everything the stylesheet takes from style.yaml, already CSS-safe
    (the <style> element's content is not HTML-unescaped by browsers, so
    these are checked here instead of escaped by the template)."""
    body = style.element("body").size

    def em(element: str) -> str:
        return f"{style.element(element).size / body:.4g}em"

    page = style.page
    right = page["width_mm"] - page["margin_left_mm"] - page["block_width_mm"]
    bottom = page["height_mm"] - page["margin_top_mm"] - page["block_height_mm"]
    roles = ("title", "fangsong", "kai", "hei", "song", "latin")
    return {
        "font": {r: font_stack(style, r, overrides) for r in roles},
        # per element of style.yaml: its role's stack and its weight
        "el": {name: font_stack(style, style.element(name).font, overrides) for name in style.data["elements"]},
        "weight": {name: "bold" if style.element(name).bold else "normal" for name in style.data["elements"]},
        "latin_family": Markup(f'"{LATIN_FAMILY}"'),
        "latin_sources": latin_sources(style, overrides),
        "red": css_color(style, style.element("masthead_title").raw.get("color", "red")),
        "rule_width": f"{float(style.element('masthead_rule').get('width_pt', 1.5)):.3g}pt",
        "size": {name: em(name) for name in ("masthead_title", "article_title", "table", "caption", "imprint")},
        "body_pt": f"{body:.4g}pt",
        "line_pt": f"{style.line_pitch:.4g}pt",
        "page": {
            "width": f"{page['width_mm']:.4g}mm", "height": f"{page['height_mm']:.4g}mm",
            "top": f"{page['margin_top_mm']:.4g}mm", "left": f"{page['margin_left_mm']:.4g}mm",
            "right": f"{right:.4g}mm", "bottom": f"{bottom:.4g}mm",
        },
        "page_number_below": f"{float(style.element('page_number').get('below_mm', 7)):.3g}mm",
        "page_number_pt": f"{style.element('page_number').size:.4g}pt",
        "page_number_dash": Markup(css_string(style.element("page_number").get("dash", "—")) or '"—"'),
        "imprint_thick": f"{float(style.element('imprint').get('rule_thick_mm', 0.35)):.3g}mm",
        "imprint_thin": f"{float(style.element('imprint').get('rule_thin_mm', 0.25)):.3g}mm",
        "table_rule": f"{float(style.element('table').get('rule_pt', 0.5)):.3g}pt",
    }


def block_kind(block) -> str:
    """The template's name for a block: heading, para, quote, table, figure."""
    if isinstance(block, HeadingView):
        return "heading"
    if isinstance(block, FigureView):
        return "figure"
    if isinstance(block, Quote):
        return "quote"
    if isinstance(block, Table):
        return "table"
    return "para"


def cell_align(block: Table, column: int) -> str:
    align = block.aligns[column] if column < len(block.aligns) else ""
    return align if align in ("left", "center", "right") else ""


def ncols(block: Table) -> int:
    return max((len(r) for r in (block.header, *block.rows)), default=0)

