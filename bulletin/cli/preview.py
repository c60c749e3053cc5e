"""`bulletin preview`: the PDF's pages as PNG files, printing their paths."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, EXIT_OK
from bulletin.i18n import _


def _pages(ctx, param, value):
    if value is None:
        return None
    from bulletin.commands.preview import parse_pages

    pages = parse_pages(value)
    if pages is None:
        raise click.BadParameter(_("'{value}' is not a page range such as 3, 2-4 or 2-").format(value=value))
    return pages


@click.command("preview", short_help="The PDF's pages as PNG images, OUT/preview/ID-N.png.")
@click.argument("issue_id", metavar="ID")
@click.option("--pages", callback=_pages, metavar="A-B", help="Only these pages: 3, 2-4, 2- (default: all).")
@click.option("--dpi", type=click.IntRange(min=10, max=1200), default=96, show_default=True,
              help="Resolution of the images (96: screen size; 300: print detail).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              show_default="build/ at the repository root", help="Output folder (a relative one is taken from the current folder).")
@console.verbosity_options
@console.ROOT_OPTION
def preview_command(issue_id, pages, dpi, out_dir, root) -> None:
    """Write the pages of issue ID's PDF as PNG images OUT/preview/ID-N.png and print their paths.

    The PDF is built first when it is missing or older than its sources
    (PDF only, as `bulletin build ID --format pdf` would)."""
    from bulletin.commands.preview import PageRangeError, preview

    iid = console.parse_ids((issue_id,))[0]
    repo_root = console.root_or_exit(root)
    if out_dir is None:  # as `build` does
        out_dir = repo_root / "build"
    try:
        result = preview(repo_root, iid, out_dir, pages, dpi)
    except PageRangeError as exc:
        raise click.BadParameter(
            _("pages {first}-{last} asked, but the PDF of {iid} has {count}").format(
                first=exc.first, last=exc.last, iid=iid, count=exc.count),
            param_hint="'--pages'") from None
    console.print_diagnostics(result.diagnostics)
    if not result.ok:
        console.say(_("bulletin: no preview; the PDF could not be built"))
        sys.exit(EXIT_CONTENT)
    for path in result.images:
        click.echo(str(path))
    rebuilt = bool(result.report.written)
    console.detail(_("{pdf}: rebuilt").format(pdf=result.pdf) if rebuilt else _("{pdf}: up to date").format(pdf=result.pdf))
    for path in result.removed:
        console.detail(_("removed {path} (the PDF has {count} pages now)").format(path=path, count=result.page_count))
    console.say(_("previewed {shown} of {count} pages at {dpi} dpi").format(
        shown=len(result.images), count=result.page_count, dpi=dpi))
    sys.exit(EXIT_OK)
