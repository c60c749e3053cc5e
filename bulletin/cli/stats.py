"""`bulletin stats [YEAR…]`: 信息采用统计 — articles adopted per county, unit or 栏目."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, EXIT_OK, Collector
from bulletin.i18n import _


def _chart_path(ctx, param, value):
    if value is not None and value.suffix.lower() not in (".svg", ".png"):
        raise click.BadParameter(_("the chart is a .svg or .png file"))
    return value


@click.command("stats", short_help="信息采用统计: articles adopted per county (unit, 栏目) and year.")
@click.argument("years", nargs=-1)
@click.option("--by", type=click.Choice(["county", "unit", "column"]), default="county", show_default=True,
              help="Count per county, per unit (the attribution's organisation) or per 栏目.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="A table for the terminal, CSV (UTF-8 with BOM, for Excel) or JSON.")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path), callback=_chart_path,
              help="Also draw a bar chart to FILE.svg or FILE.png.")
@console.ROOT_OPTION
def stats_command(years, by, fmt, chart, root) -> None:
    """How many articles each county (or unit, or 栏目) had adopted in YEAR…
    (default: every year), per year and in total, and under which 栏目;
    ranked by total, ties in order of first appearance."""
    from bulletin.commands.stats import render, tally, write_chart
    from bulletin.commands.years import parse_years, read_years

    repo_root = console.root_or_exit(root)
    diags = Collector()
    wanted = parse_years(years, diags)
    bulletins = read_years(repo_root, wanted or None, diags) if wanted or not years else []
    if not diags.errors and bulletins:
        result = tally(bulletins, by)
        if chart is not None:
            write_chart(result, chart, bulletins, repo_root, diags)
    console.print_diagnostics(diags.items)
    if diags.errors:
        sys.exit(EXIT_CONTENT)
    data = render(result, fmt)
    if fmt == "csv" and sys.stdout.isatty():
        data = data.removeprefix(b"\xef\xbb\xbf")  # the BOM is for Excel, not for a terminal
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    if chart is not None:
        click.echo(_("wrote {path}").format(path=chart), err=True)
    sys.exit(EXIT_OK)
