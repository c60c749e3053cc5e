"""`bulletin fonts`: which font file serves each role."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, EXIT_OK, BulletinError, Collector, Diagnostic
from bulletin.i18n import N_


@click.command("fonts")
@console.ROOT_OPTION
def fonts_command(root) -> None:
    """Show the font file that serves each role in the PDF.

    Also whether it is embedded, and a warning where a role fell back from
    the official fonts.
    """
    from bulletin.fonts import FontError, describe, resolve_fonts
    from bulletin.style import load_style

    overrides, repo_root = {}, None
    try:
        from bulletin.sources.repo import find_root

        repo_root = find_root(root)
    except BulletinError:
        if root is not None:  # an explicit --root that is no repository is an error; elsewhere show the defaults
            console.print_diagnostics([Diagnostic(str(root), 1, 1, "E001", N_(
                "not a bulletin repository: no {config} in {root}", config="bulletin.yaml", root=str(root)))])
            sys.exit(EXIT_CONTENT)
    if repo_root is not None:
        from bulletin.sources.load import load_repository

        diags = Collector()
        repo = load_repository(repo_root, diags)
        if repo.publication is not None:
            overrides = dict(repo.publication.data.get("fonts") or {})
    try:
        faces = resolve_fonts(load_style("default").fonts, overrides, repo_root)
    except FontError as exc:
        console.print_diagnostics([Diagnostic("bulletin.yaml", 1, 1, "E040", line) for line in exc.lines])
        sys.exit(EXIT_CONTENT)
    for line in describe(faces):
        click.echo(line)
