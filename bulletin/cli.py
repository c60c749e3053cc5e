"""The command line: a thin Click layer from arguments to build/check/… and an exit code.

Heavy modules (reportlab, python-docx, markdown-it) are imported inside the
commands, so `bulletin --help` and `bulletin list` start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .diagnostics import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, BulletinError, Collector, Diagnostic

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), envvar="BULLETIN_ROOT",
    help="Repository root (default: the current folder or the nearest parent with bulletin.yaml). Env: BULLETIN_ROOT.",
)


def _print_diagnostics(diags: list[Diagnostic]) -> None:
    for d in sorted(set(diags), key=lambda d: (d.path, d.line, d.col, d.code, d.message)):
        click.echo(d.render(), err=True)


def _parse_ids(ids: tuple[str, ...]):
    from .numbering import padded_issue_id, parse_issue_id

    parsed = []
    for text in ids:
        iid = parse_issue_id(text)
        if iid is None:
            padded = padded_issue_id(text)
            hint = f" (write {padded})" if padded else " (issue ids are YEAR-N, e.g. 2018-48)"
            raise click.UsageError(f"malformed issue id '{text}'{hint}")
        parsed.append(iid)
    return parsed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
def main() -> None:
    """Typeset Chinese work bulletins (简报) from Markdown articles: DOCX for Word/WPS and a print-ready PDF."""


@main.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Build every issue of the repository.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["docx", "pdf"]), help="Output format (repeatable; default both).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True, help="Output folder.")
@click.option("--keep-going", is_flag=True, help="Build the sound issues even when others have errors (still exits 1).")
@ROOT_OPTION
def build(ids, all_, formats, out_dir, keep_going, root) -> None:
    """Assemble issues (e.g. 2018-48) and export OUT/ID.docx and OUT/ID.pdf."""
    from .build import FORMATS, build_one, read_bulletins
    from .repo import find_root
    from .style import load_style

    if not ids and not all_:
        raise click.UsageError("name one or more issue ids (e.g. 2018-48) or --all")
    parsed = None if all_ else _parse_ids(ids)
    try:
        repo_root = find_root(root)
    except BulletinError as exc:
        _print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)
    diags = Collector()
    bulletins = read_bulletins(repo_root, parsed, diags)
    if diags.errors and not keep_going:
        _print_diagnostics(diags.items)
        click.echo(f"bulletin: {len(diags.errors)} error(s); nothing written", err=True)
        sys.exit(EXIT_CONTENT)
    _print_diagnostics(diags.items)
    out = out_dir if out_dir.is_absolute() else Path.cwd() / out_dir
    style = load_style("default")
    written = 0
    for iid, bulletin in bulletins.items():
        if bulletin is None:
            continue
        try:
            paths = build_one(bulletin, tuple(formats) or FORMATS, repo_root, out, style)
        except BulletinError as exc:
            _print_diagnostics(exc.diagnostics)
            diags.items.extend(exc.diagnostics)
            if not keep_going:
                sys.exit(EXIT_CONTENT)
            continue
        written += 1
        for p in paths:
            click.echo(f"wrote {p}")
    sys.exit(EXIT_CONTENT if diags.errors else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
