"""`bulletin build`: assemble and export issues."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, EXIT_OK, BulletinError, Collector, Diagnostic


@click.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Build every issue of the repository.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["docx", "pdf"]), help="Output format (repeatable; default both).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True, help="Output folder.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes for a batch (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Rebuild every output, even those up to date.")
@click.option("--keep-going", is_flag=True, help="Build the sound issues even when others have errors (still exits 1).")
@console.ROOT_OPTION
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
        raise click.UsageError("name one or more issue ids (e.g. 2018-48) or --all")
    if ids and all_:
        raise click.UsageError("name issue ids or --all, not both")
    parsed = None if all_ else console.parse_ids(ids)
    try:
        repo_root = find_root(root)
    except BulletinError as exc:
        console.print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)
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
    if report.nothing_written:
        click.echo(f"bulletin: {console.plural(len(report.errors), 'error')}; nothing written", err=True)
        console.exit_now(EXIT_CONTENT)
    if bar is None:
        for path in report.written:
            click.echo(f"wrote {path}")
    summary = (f"built {console.plural(len(report.built), 'issue')} ({console.plural(len(report.written), 'file')}) "
               f"in {time.perf_counter() - started:.1f} s; {len(report.skipped)} skipped")
    if report.skipped:
        summary += " (up to date)"
    if report.failed:
        summary += f"; {len(report.failed)} failed ({', '.join(r.id for r in report.failed)})"
    click.echo(summary, err=True)
    console.exit_now(EXIT_OK if report.ok else EXIT_CONTENT)
