"""`bulletin watch`: rebuild on every change of a source; `--serve` shows the HTML edition."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, EXIT_OK
from bulletin.i18n import _


@click.command("watch", short_help="Rebuild on every change of a source; --serve shows the HTML edition.")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--format", "formats", multiple=True, type=click.Choice(["docx", "pdf", "html"]),
              help="Output format (repeatable; default docx and pdf, and html with --serve).")
@click.option("--serve", is_flag=True, help="Also serve OUT on 127.0.0.1, the HTML pages reloading after each rebuild.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port for --serve (0: any free port).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              show_default="build/ at the repository root", help="Output folder (a relative one is taken from the current folder).")
@console.verbosity_options
@console.ROOT_OPTION
def watch_command(ids, formats, serve, port, out_dir, root) -> None:
    """Build issues ID… (default: every issue), then rebuild the affected ones whenever a source changes.

    A broken edit prints its diagnostics and leaves the last good outputs as
    they were; watching goes on.  Ctrl-C stops (after the build under way)."""
    from bulletin.commands.build import BuildOptions
    from bulletin.commands.watch import Watcher

    parsed = console.parse_ids(ids) if ids else None
    repo_root = console.root_or_exit(root)
    if out_dir is None:  # as `build` does
        out_dir = repo_root / "build"
    chosen = tuple(formats) or (("docx", "pdf", "html") if serve else ("docx", "pdf"))
    if serve and "html" not in chosen:
        chosen += ("html",)
    # One process: a watched issue is rebuilt alone, and workers would only add their start-up.
    watcher = Watcher(repo_root, parsed, BuildOptions(out_dir=out_dir, formats=chosen, jobs=1))
    server = None
    interrupted = []

    def on_interrupt(signum, frame):
        # The first Ctrl-C lets the build under way finish (its outputs are
        # renamed into place or not at all); a second one stops at once.
        if interrupted:
            raise KeyboardInterrupt
        interrupted.append(signum)
        watcher.stop()

    if serve:  # first, so that a port in use is said at once
        from bulletin.commands.serve import Server

        # -v logs each request; the server's threads have no Click context, so decide here
        log = (lambda line: click.echo(line, err=True)) if console.verbosity() >= console.VERBOSE else None
        try:
            server = Server(out_dir, port, log=log)
        except OSError as exc:
            click.echo(_("bulletin: cannot serve on 127.0.0.1:{port}: {reason} (choose another --port; 0 takes a free one)")
                       .format(port=port, reason=exc.strerror or exc), err=True)
            sys.exit(EXIT_CONTENT)
    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        _report(watcher.first())
        if server is not None:
            server.start()
            console.say(_("serving {out} at {url}").format(out=out_dir, url=server.url))
        console.say(_("watching {root} for changes (Ctrl-C to stop)").format(root=repo_root))
        for round_ in watcher.rounds():
            _report(round_)
            if server is not None and round_.ok and round_.report.written:
                server.bump()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, previous)
        if server is not None:
            server.close()
    if interrupted and sys.stderr.isatty():
        sys.stderr.write("\n")  # off the line where the terminal echoed ^C
    console.say(_("stopped watching"))
    sys.exit(EXIT_OK)


def _report(round_) -> None:
    stamp = time.strftime("%H:%M:%S")
    if round_.changed:
        shown = ", ".join(round_.changed[:3]) + (" …" if len(round_.changed) > 3 else "")
        console.say(_("[{time}] changed: {paths}").format(time=stamp, paths=shown))
    console.print_diagnostics(round_.diagnostics)
    report = round_.report
    if report is not None:
        console.print_diagnostics(report.diagnostics)
    if report is None or report.nothing_written or not report.ok:
        if round_.diagnostics or report is not None:
            count = len(round_.diagnostics) + (len(report.errors) if report is not None else 0)
            console.say(_("[{time}] {count} error(s): the last good outputs are kept").format(time=stamp, count=count))
        return
    for path in report.written:
        console.say(_("wrote {path}").format(path=path), err=False)
    for result in report.skipped:
        console.detail(_("{iid}: up to date").format(iid=result.id))
    console.say(_("[{time}] built {built}, {skipped} up to date, in {seconds:.1f} s").format(
        time=stamp, built=len(report.built), skipped=len(report.skipped), seconds=report.elapsed))
