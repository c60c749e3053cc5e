"""The HTML writer: model + style → the web edition of an issue.

page.py turns the model into what the templates need (ids, heading levels,
figure files, CSS values); render.py runs the jinja2 templates in
templates/html/ (autoescape on); publish() writes a page and its figures.
"""

from __future__ import annotations

from pathlib import Path

from bulletin.writers.html.page import Asset, HtmlPage, figure_assets, heading_tags
from bulletin.writers.html.render import IndexEntry, index_entry, render_page, write_html, write_index

__all__ = ["Asset", "HtmlPage", "IndexEntry", "figure_assets", "heading_tags", "index_entry", "publish",
           "render_page", "write_html", "write_index"]


def publish(page: HtmlPage, name: str, root: Path, out_dir: Path) -> Path:
    """Write `OUT/NAME.html` and copy its figures to `OUT/ID/`, each file
    atomically; figures first, so the page never links to a missing one.
    For callers outside the batch (watch --serve, tests); the batch stages
    its files itself."""
    from bulletin.output import write_atomic

    out_dir = Path(out_dir)
    for asset in page.assets:
        data = (Path(root) / asset.source).read_bytes()
        dest = out_dir / asset.dest
        try:
            same = dest.read_bytes() == data
        except OSError:
            same = False
        if not same:
            write_atomic(dest, data)
    target = out_dir / f"{name}.html"
    write_atomic(target, page.html)
    return target
