"""Terminal helpers shared by the commands: diagnostics on stderr, issue ids
from arguments, the progress bar, the exit without teardown.

Diagnostics go to stderr one per line; progress only on a terminal (DESIGN.md,
practice 10)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.diagnostics import EXIT_CONTENT, BulletinError, Diagnostic
from bulletin.i18n import _

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), envvar="BULLETIN_ROOT",
    help="Repository root (default: the current folder or the nearest parent with bulletin.yaml). Env: BULLETIN_ROOT.",
)


def colour(stream=None) -> bool:
    """Colour on a terminal only: never in a pipe or a file, never with NO_COLOR
    set (no-color.org), always with FORCE_COLOR set (other than 0)."""
    import os

    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    stream = sys.stderr if stream is None else stream
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def styled_diagnostic(d: Diagnostic, use_colour: bool) -> str:
    """`path:line:col: CODE message`, with the path bold and the code red
    (errors) or yellow (warnings) when colour is on; the same characters."""
    text = d.render()
    if not use_colour:
        return text
    where = f"{d.path}:{d.line}:{d.col}:"
    rest = text[len(where) + 1 + len(d.code):]
    hue = "red" if d.severity == "error" else "yellow"
    return f"{click.style(where, bold=True)} {click.style(d.code, fg=hue, bold=True)}{click.style(rest, fg=hue)}"


def print_diagnostics(diags: list[Diagnostic]) -> None:
    use_colour = colour(sys.stderr)
    for d in sorted(set(diags), key=lambda d: (d.path, d.line, d.col, d.code, d.message)):
        click.echo(styled_diagnostic(d, use_colour), err=True, color=use_colour)


def parse_ids(ids: tuple[str, ...]):
    from bulletin.numbering import padded_issue_id, parse_issue_id

    parsed = []
    for text in ids:
        iid = parse_issue_id(text)
        if iid is None:
            padded = padded_issue_id(text)
            hint = _(" (write {id})").format(id=padded) if padded else _(" (issue ids are YEAR-N, e.g. 2018-48)")
            raise click.UsageError(_("malformed issue id '{text}'{hint}").format(text=text, hint=hint))
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
    """'1 error', '3 errors'; in Chinese '3 处错误'.  The counted words are
    written out below so that the catalogue's extraction finds them."""
    from bulletin.i18n import ngettext

    counted = {
        "error": lambda: ngettext("{n} error", "{n} errors", n),
        "warning": lambda: ngettext("{n} warning", "{n} warnings", n),
        "issue": lambda: ngettext("{n} issue", "{n} issues", n),
        "file": lambda: ngettext("{n} file", "{n} files", n),
        "article": lambda: ngettext("{n} article", "{n} articles", n),
        "finished issue": lambda: ngettext("{n} finished issue", "{n} finished issues", n),
    }.get(word)
    if counted is None:
        return f"{n} {word}" if n == 1 else f"{n} {word}s"
    return counted().format(n=n)


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


# ------------------------------------------------------------ how much to say
# -q prints diagnostics only; -v adds what was skipped and why.  Kept in the
# Click context, not in each command's arguments, so a command opts in with
# one decorator and its progress lines go through say()/detail().
QUIET, NORMAL, VERBOSE = 0, 1, 2
_LEVEL_KEY = "bulletin.verbosity"


def _set_level(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_LEVEL_KEY] = QUIET if param.name == "quiet" else VERBOSE


def verbosity_options(command):
    command = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_set_level,
                           help=_("Say more: each issue skipped or rebuilt, and why."))(command)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_level,
                        help=_("Print only errors and warnings."))(command)


def verbosity() -> int:
    ctx = click.get_current_context(silent=True)
    return NORMAL if ctx is None else ctx.meta.get(_LEVEL_KEY, NORMAL)


def say(text: str, err: bool = True) -> None:
    """A progress or summary line, unless --quiet."""
    if verbosity() >= NORMAL:
        click.echo(text, err=err)


def detail(text: str) -> None:
    """A line only --verbose wants."""
    if verbosity() >= VERBOSE:
        click.echo(text, err=True)
