"""`bulletin import`: Word submissions (or whole past issues) → Markdown sources."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, BulletinError
from bulletin.i18n import _, localize


@click.command("import", short_help="Turn Word submissions (or past issues) into articles.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--issue", "issue_id", metavar="ID", help="The issue the articles join (YEAR-N).")
@click.option("--county", help="The reporting county, when the file does not say.")
@click.option("--column", help="栏目 label for the articles.")
@click.option("--name", help="File name NAME.md for the article (one FILE only).")
@click.option("--past", is_flag=True, help="Each FILE is a whole earlier issue: make its issue folder.")
@click.option("--id", "past_id", metavar="ID", help="With --past and one FILE: its issue id, when the file does not say.")
@click.option("--dry-run", is_flag=True, help="Print the Markdown; write nothing.")
@console.ROOT_OPTION
@console.verbosity_options
def import_command(files, issue_id, county, column, name, past, past_id, dry_run, root) -> None:
    """Turn county submissions (Word .docx, as Word or WPS save them) into
    articles of issue ID: issues/ID/NAME.md with front matter, pictures
    saved beside it.  NAME defaults to the county's pinyin or the file's
    stem.  What was inferred (title, county, unit, authors) and every unsure
    guess is reported on stderr.  Existing files are never overwritten.

    With --past, each FILE is a whole earlier issue and becomes its issue
    folder with issue.yaml.  .doc/.wps/.odt files are converted with
    LibreOffice when `soffice` is installed.  Nothing in a file (macros,
    links, embedded objects) is ever run or fetched."""
    import datetime as dt

    if past:
        if issue_id or county or column or name:
            raise click.UsageError(_("--issue, --county, --column and --name are for submissions, not with --past"))
        if past_id and len(files) > 1:
            raise click.UsageError(_("--id names one issue: give one FILE with it"))
    else:
        if past_id:
            raise click.UsageError(_("--id goes with --past; submissions take --issue ID"))
        if not issue_id:
            raise click.UsageError(_("which issue do the articles join? add --issue ID (e.g. --issue 2018-49)"))
        if name and len(files) > 1:
            raise click.UsageError(_("--name names one article: give one FILE with it"))
    repo_root = console.root_or_exit(root)
    try:
        if past:
            from bulletin.commands.importing_past import plan_past

            iid = console.parse_ids((past_id,))[0] if past_id else None
            plans = plan_past(repo_root, list(files), issue_id=iid)
        else:
            from bulletin.commands.importing import plan_submissions

            iid = console.parse_ids((issue_id,))[0]
            plans = [plan_submissions(repo_root, list(files), iid, county=county, column=column, name=name)]
    except BulletinError as exc:
        console.print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)
    for plan in plans:
        for report in plan.reports:
            _print_report(report)
    if dry_run:
        for plan in plans:
            for item in plan.files:
                if item.show:
                    click.echo(f"# {item.rel}")
                    click.echo(item.data.decode("utf-8"))
                else:
                    click.echo("# " + _("{path} ({size} bytes, not written)").format(path=item.rel, size=len(item.data)))
        click.echo(_("dry run: nothing written"), err=True)
        return
    from bulletin.commands.importing import write_plan

    today = dt.date.today()
    try:
        for plan in plans:
            for rel in write_plan(repo_root, plan, today):
                click.echo(_("created {path}").format(path=localize(rel)))
    except FileExistsError as exc:  # appeared between the check and the write
        from bulletin.diagnostics import Diagnostic
        from bulletin.i18n import N_

        console.print_diagnostics([Diagnostic(str(exc.filename), 1, 1, "E060", N_("{path} already exists: import never overwrites",
                                                                                  path=str(exc.filename)))])
        sys.exit(EXIT_CONTENT)
    console.say(_("next: {command}").format(command="bulletin check " + " ".join(str(p.issue) for p in plans if p.issue)))


def _print_report(report) -> None:
    quiet = console.verbosity() < console.NORMAL  # -q: only the guesses to check
    if quiet and not report.guesses:
        return
    click.echo(f"{report.source}:", err=True)
    for line in [] if quiet else report.lines:
        click.echo(f"  {localize(line)}", err=True)
    for note in [] if quiet else report.notes:
        click.echo("  " + _("note: {text}").format(text=localize(note)), err=True)
    for guess in report.guesses:
        click.echo("  " + _("unsure: {text}").format(text=localize(guess)), err=True)
