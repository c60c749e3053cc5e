"""`bulletin build`: assemble and export issues."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, EXIT_OK, BulletinError, Collector, Diagnostic
from bulletin.i18n import _


@click.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Build every issue of the repository.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["docx", "pdf", "html"]), help="Output format (repeatable; default docx and pdf; html: the web edition, with --all also OUT/index.html).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, show_default="build/ at the repository root", help="Output folder (a relative one is taken from the current folder).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes for a batch (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Rebuild every output, even those up to date.")
@click.option("--keep-going", is_flag=True, help="Build the sound issues even when others have errors (still exits 1).")
@console.ROOT_OPTION
@console.verbosity_options
def build(ids, all_, formats, out_dir, jobs, force, keep_going, root) -> None:
    """Assemble issues such as 2018-48 and export OUT/ID.docx and OUT/ID.pdf.

    Every issue is read and checked before any file is written: on an error
    nothing is written (with --keep-going the sound issues are).  Outputs
    newer than all their inputs are skipped (see OUT/.bulletin-stamps.json).
    """
    import time

    from bulletin.commands.build import BuildOptions
    from bulletin.commands.build import build as run_build
    from bulletin.sources.repo import find_root

    started = time.perf_counter()
    if not ids and not all_:
        raise click.UsageError(_("name one or more issue ids (e.g. 2018-48) or --all"))
    if ids and all_:
        raise click.UsageError(_("name issue ids or --all, not both"))
    parsed = None if all_ else console.parse_ids(ids)
    try:
        repo_root = find_root(root)
    except BulletinError as exc:
        console.print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)
    if out_dir is None:  # wherever the command runs, as .gitignore's /build/ expects
        out_dir = repo_root / "build"
    if jobs is None:
        from bulletin.commands.batch import default_jobs

        jobs = default_jobs()
    options = BuildOptions(out_dir=out_dir, formats=tuple(formats) or ("docx", "pdf"), jobs=jobs,
                           keep_going=keep_going, force=force)
    bar = console.ProgressBar(0) if console.on_terminal() and (all_ or len(parsed) > 1) else None
    try:
        report = run_build(repo_root, parsed, options, progress=bar)
    finally:
        if bar is not None:
            bar.clear()
    console.print_diagnostics(report.diagnostics)
    if report.interrupted:
        _interrupted(report)
    if report.nothing_written:
        click.echo("bulletin: " + _("{errors}; nothing written").format(errors=console.plural(len(report.errors), "error")), err=True)
        console.exit_now(EXIT_CONTENT)
    if bar is None:
        for path in report.written:
            click.echo(_("wrote {path}").format(path=_shown(path)))
    for res in report.empty:
        console.say("bulletin: " + _("skipped {iid}: no articles yet (bulletin new {iid} --article NAME adds one)").format(iid=res.id))
    summary = _("built {issues} ({files}) in {seconds:.1f} s; {skipped} skipped").format(
        issues=console.plural(len(report.built), "issue"), files=console.plural(len(report.written), "file"),
        seconds=time.perf_counter() - started, skipped=len(report.skipped))
    if report.skipped:
        summary += _(" (up to date)")
    if report.failed:
        summary += _("; {count} failed ({ids})").format(count=len(report.failed), ids=", ".join(r.id for r in report.failed))
    findings = _findings_line(report, parsed)
    if findings and console.verbosity() >= console.NORMAL:  # -q: not this part
        summary += _("; {findings}").format(findings=findings)
    click.echo(summary, err=True)
    console.exit_now(EXIT_OK if report.ok else EXIT_CONTENT)


EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C


def _shown(path: Path) -> str:
    """An output's path as the user would type it from here."""
    import os

    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if rel.startswith(os.pardir + os.sep + os.pardir) else rel


def _interrupted(report) -> None:
    """Ctrl-C: say what was kept, and exit 130 (never 'Aborted!' and 1, the content-error code)."""
    for path in report.written:
        click.echo(_("wrote {path}").format(path=_shown(path)))
    done = {r.id for r in report.built}
    left = [r.id for r in report.issues if r.id not in done and not r.skipped and not r.empty]
    shown = ", ".join(left[:6]) + (_(" and {count} more").format(count=len(left) - 6) if len(left) > 6 else "")
    where = _("; left as they were: {ids}").format(ids=shown) if left else ""
    click.echo("bulletin: " + _("interrupted: {done} written{where}").format(
        done=console.plural(len(done), "finished issue"), where=where), err=True)
    console.exit_now(EXIT_INTERRUPTED)


def _findings_line(report, ids) -> str:
    """What the outputs may not show, for the summary line: lint warnings, substitute faces."""
    parts = []
    if report.warnings:
        which = " ".join(r.id for r in report.built) if ids is not None else "--all"
        parts.append(_("{warnings} (bulletin check {which} lists them)").format(
            warnings=console.plural(report.warnings, "warning"), which=which))
    if report.substitutes:
        faces = ", ".join(_("{role} in {family}").format(role=role, family=family) for role, family in report.substitutes)
        parts.append(_("substitute faces: {faces} (official font not installed; see bulletin fonts)").format(faces=faces))
    return "".join([parts[0], *(_("; {findings}").format(findings=p) for p in parts[1:])]) if parts else ""
