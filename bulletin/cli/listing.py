"""`bulletin list`: every issue of the repository."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, EXIT_OK, BulletinError, Collector, Diagnostic


@click.command("list", short_help="Every issue: id, 第N期, 总第N期, date, articles, columns.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array (id, year, number, total, date, articles, columns).")
@console.ROOT_OPTION
def list_command(as_json, root) -> None:
    """Every issue: id, 第N期, 总第N期, date, number of articles and columns."""
    import json

    from bulletin.commands.listing import list_issues, table

    repo_root = console.root_or_exit(root)
    diags = Collector()
    rows = list_issues(repo_root, diags)
    console.print_diagnostics(diags.items)
    if as_json:
        click.echo(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(table(rows), nl=False)
    sys.exit(EXIT_CONTENT if diags.errors else EXIT_OK)
