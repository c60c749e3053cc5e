"""Terminal helpers shared by the commands: diagnostics on stderr, issue ids
from arguments, the progress bar, the exit without teardown.

Diagnostics go to stderr one per line; progress only on a terminal (DESIGN.md,
practice 10)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.diagnostics import EXIT_CONTENT, BulletinError, Diagnostic

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), envvar="BULLETIN_ROOT",
    help="Repository root (default: the current folder or the nearest parent with bulletin.yaml). Env: BULLETIN_ROOT.",
)


def print_diagnostics(diags: list[Diagnostic]) -> None:
    for d in sorted(set(diags), key=lambda d: (d.path, d.line, d.col, d.code, d.message)):
        click.echo(d.render(), err=True)


def parse_ids(ids: tuple[str, ...]):
    from bulletin.numbering import padded_issue_id, parse_issue_id

    parsed = []
    for text in ids:
        iid = parse_issue_id(text)
        if iid is None:
            padded = padded_issue_id(text)
            hint = f" (write {padded})" if padded else " (issue ids are YEAR-N, e.g. 2018-48)"
            raise click.UsageError(f"malformed issue id '{text}'{hint}")
        parsed.append(iid)
    return parsed


class ProgressBar:
    """A one-line bar on stderr for `build` on a terminal; the parent alone draws it."""

    WIDTH = 28

    def __init__(self, total: int):
        self.total = total
        self.shown = False

    def __call__(self, done: int, total: int, issue: str) -> None:
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        sys.stderr.write(f"\r[{bar}] {done}/{total} {issue}\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def on_terminal() -> bool:
    import os

    return sys.stdout.isatty() and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def exit_now(code: int) -> None:
    """End `build` without the interpreter's teardown, which spends ~40 ms
    freeing parsed fonts and modules after the work is done.  Safe here:
    every output is written, synced and renamed, the stamps too, and any
    worker pool has been joined.  Only for the real process (its own stdio);
    under a test runner that captures the streams, a normal exit."""
    import os

    if sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        else:
            os._exit(code)
    sys.exit(code)


def root_or_exit(root):
    from bulletin.sources.repo import find_root

    try:
        return find_root(root)
    except BulletinError as exc:
        print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)
