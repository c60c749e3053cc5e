"""The jinja2 environment and the two pages: an issue and the index.

Autoescape is on for every template, so article text (raw HTML typed in
Markdown included) always reaches the page as text.  Templates are looked up
first in the folders a caller names (an office's own templates/html/), then
in the package's templates/html/; an office may override one file (say
bulletin.css.j2) and keep the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from bulletin import __version__
from bulletin.model import Bulletin
from bulletin.writers.html.page import (
    HtmlPage,
    article_views,
    block_kind,
    cell_align,
    css_values,
    figure_assets,
    ncols,
)

ISSUE_TEMPLATE = "issue.html.j2"
INDEX_TEMPLATE = "index.html.j2"


@lru_cache(maxsize=8)
def environment(template_dirs: tuple[str, ...] = ()):
    """One environment per search path, kept: compiling the templates costs
    more than rendering an issue."""
    import jinja2

    builtin = str(resources.files("bulletin.templates").joinpath("html"))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*template_dirs, builtin]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["kind"] = block_kind
    env.globals.update(cell_align=cell_align, ncols=ncols, generator=f"bulletin {__version__}")
    return env


def _dirs(template_dirs: Iterable[Path | str] | None) -> tuple[str, ...]:
    return tuple(str(d) for d in (template_dirs or ()) if Path(d).is_dir())


def render_page(bulletin: Bulletin, style, *, template_dirs: Sequence[Path | str] | None = None,
                head_extra: str = "") -> HtmlPage:
    """The issue's page and the figure files it links to (`ID/NAME`, to be
    copied beside it).  `head_extra` is trusted markup put at the end of
    <head> (watch --serve's reload snippet); nothing else is unescaped."""
    from markupsafe import Markup

    assets = figure_assets(bulletin)
    template = environment(_dirs(template_dirs)).get_template(ISSUE_TEMPLATE)
    html = template.render(
        b=bulletin,
        m=bulletin.masthead,
        imprint=bulletin.imprint,
        groups=_group_views(bulletin, assets),
        css=css_values(style, bulletin.fonts or {}),
        style=style,
        note_label=style.element("note_label").get("text", "编者按："),
        subtitle_lead=style.element("subtitle").get("lead", "——"),
        head_extra=Markup(head_extra),
    )
    return HtmlPage(html.encode("utf-8"), tuple(assets.values()))


def write_html(bulletin: Bulletin, style, root: Path | None = None, *,
               template_dirs: Sequence[Path | str] | None = None) -> bytes:
    """The page alone, as bytes (the build's format dispatch); its figures
    are `render_page(...).assets`.  `root` is accepted for symmetry with the
    other writers: the page only links to figures, it never reads them."""
    return render_page(bulletin, style, template_dirs=template_dirs).html


def _group_views(bulletin: Bulletin, assets) -> list[dict]:
    views = iter(article_views(bulletin, assets))
    return [{"label": g.label, "id": f"c{n}", "articles": [next(views) for _ in g.articles]}
            for n, g in enumerate(bulletin.groups, 1)]


# ------------------------------------------------------------------ index


@dataclass(frozen=True)
class IndexArticle:
    title: str
    county: str
    anchor: str


@dataclass(frozen=True)
class IndexEntry:
    """What the index needs of one issue: small, so a batch worker can hand
    it back instead of the whole Bulletin."""

    id: str
    year: int
    number: int
    title: str  # the publication's
    issue_line: str
    date: str  # ISO
    date_text: str
    articles: tuple[IndexArticle, ...]


def index_entry(bulletin: Bulletin) -> IndexEntry:
    m, info = bulletin.masthead, bulletin.info
    arts = tuple(IndexArticle(a.title.replace("\n", ""), a.county, f"a{n}")
                 for n, a in enumerate(bulletin.articles, 1))
    return IndexEntry(info.id, info.year, info.number, m.title, m.issue_line, info.date, m.date_text, arts)


def write_index(entries: Iterable[IndexEntry], style, *, template_dirs: Sequence[Path | str] | None = None,
                head_extra: str = "") -> bytes:
    """OUT/index.html: the issues by year, newest year first and, within a
    year, newest issue first (how offices' sites list them), each with its
    articles linked to their place in the issue's page."""
    from markupsafe import Markup

    entries = sorted(entries, key=lambda e: (e.year, e.number), reverse=True)
    years: dict[int, list[IndexEntry]] = {}
    for e in entries:
        years.setdefault(e.year, []).append(e)
    title = entries[0].title if entries else ""
    template = environment(_dirs(template_dirs)).get_template(INDEX_TEMPLATE)
    html = template.render(title=title, years=list(years.items()), css=css_values(style, {}), style=style,
                           head_extra=Markup(head_extra))
    return html.encode("utf-8")
