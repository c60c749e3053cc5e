"""`bulletin check`: validate and lint, or --fix."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, EXIT_OK, BulletinError, Collector, Diagnostic
from bulletin.i18n import _


def _check_targets(targets: tuple[str, ...], repo_root: Path):
    """Issue ids, or paths of files in the repository (what a git hook passes):
    a file under issues/ID/ names issue ID; bulletin.yaml names every issue.
    Returns a list of ids, or None for every issue."""
    from bulletin.numbering import parse_issue_id
    from bulletin.sources.repo import CONFIG_NAME, ISSUES_DIR

    ids = []
    for text in targets:
        if parse_issue_id(text) is not None or not ("/" in text or "\\" in text or text.endswith((".md", ".yaml", ".yml"))):
            ids.extend(console.parse_ids((text,)))
            continue
        try:
            rel = (Path.cwd() / text).resolve().relative_to(repo_root.resolve())
        except ValueError:
            raise click.UsageError(_("'{text}' is neither an issue id nor a file of the repository {root}").format(text=text, root=repo_root)) from None
        if rel.as_posix() == CONFIG_NAME:
            return None
        parts = rel.parts
        iid = parse_issue_id(parts[1]) if len(parts) >= 2 and parts[0] == ISSUES_DIR else None
        if iid is None:
            raise click.UsageError(_("'{text}' is neither an issue id nor a file of an issue folder (issues/YEAR-N/…)").format(text=text))
        ids.append(iid)
    return ids


@click.command("check", short_help="Validate and lint issues; --fix repairs what is safe.")
@click.argument("targets", nargs=-1, metavar="[ID|FILE]...")
@click.option("--all", "all_", is_flag=True, help="Check every issue (also the default when none is named).")
@click.option("--fix", "apply_fixes", is_flag=True, help="Repair what is safe to repair (punctuation width, spaces around digits and Latin, broken paragraphs) in place, and print each change.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: a JSON array on stdout (path, line, col, code, severity, message, fix).")
@click.option("--no-fonts", is_flag=True, help="Skip the check that the PDF fonts cover every character (for machines without the fonts).")
@console.ROOT_OPTION
def check_command(targets, all_, apply_fixes, strict, fmt, no_fonts, root) -> None:
    """Validate and lint issues without writing anything (except with --fix).

    Reports everything `build` would refuse (E… errors) and the lint rules
    (W… warnings) as `path:line:col: CODE message`.  Exit 1 on errors, or on
    warnings with --strict.  FILE arguments (issues/2018-48/leye.md) select
    their issue, so a git hook can pass the files it changed."""
    import json

    from bulletin.commands.check import check, fix

    repo_root = console.root_or_exit(root)
    ids = None if all_ or not targets else _check_targets(targets, repo_root)
    result = check(repo_root, ids, fonts=not no_fonts)
    problems: list[Diagnostic] = []
    if apply_fixes:
        changes, problems = fix(result.articles)
        for line in changes:
            click.echo(line, err=fmt == "json")
        if changes:
            result = check(repo_root, ids, fonts=not no_fonts)
    diags = sorted(result.diagnostics + problems, key=lambda d: (d.path, d.line, d.col, d.code))
    if fmt == "json":
        click.echo(json.dumps([d.as_json() for d in diags], ensure_ascii=False, indent=2))
    else:
        console.print_diagnostics(diags)
        fixable = sum(1 for d in diags if d.fix)
        hint = _(" ({count} fixable with --fix)").format(count=fixable) if fixable else ""
        errors, warnings = len(result.errors) + len(problems), len(result.warnings)
        summary = _("{errors}, {warnings}{hint}").format(
            errors=console.plural(errors, "error"), warnings=console.plural(warnings, "warning"), hint=hint,
        ) if diags else _("no findings")
        click.echo(f"bulletin check: {summary}", err=True)
    failed = bool(result.errors) or bool(problems) or (strict and bool(result.warnings))
    sys.exit(EXIT_CONTENT if failed else EXIT_OK)
