"""`bulletin volume YEAR`: the year's 汇编 (OUT/YEAR-volume.pdf and .docx)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, EXIT_OK
from bulletin.i18n import _


@click.command("volume", short_help="The year's 汇编: cover, contents, every issue, index by county.")
@click.argument("year")
@click.option("--format", "formats", multiple=True, type=click.Choice(["pdf", "docx"]),
              help="Output format (repeatable; default both).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Output folder.")
@console.ROOT_OPTION
@console.verbosity_options
def volume_command(year, formats, out_dir, root) -> None:
    """The issues of YEAR bound in one document, OUT/YEAR-volume.pdf and
    OUT/YEAR-volume.docx: a cover, a contents list (每期 → 文章, county,
    page), every issue in order with its own masthead and 版记, continuous
    page numbers, and an index by county.  Nothing is written on any error."""
    from bulletin.commands.volume import volume

    repo_root = console.root_or_exit(root)
    report = volume(repo_root, year, out_dir, tuple(formats) or ("pdf", "docx"))
    console.print_diagnostics(report.diagnostics)
    if report.errors:
        sys.exit(EXIT_CONTENT)  # one line per error, nothing else: nothing was written
    for path in report.written:
        console.say(_("wrote {path}").format(path=path), err=False)
    console.say(_("volume {year}: {issues} issues, {articles} articles").format(
        year=report.year, issues=report.issues, articles=report.articles))
    sys.exit(EXIT_OK)
