"""The command line: a thin Click layer from arguments to build/check/… and an exit code.

Heavy modules (reportlab, python-docx, markdown-it) are imported inside the
commands, so `bulletin --help` and `bulletin list` start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .diagnostics import EXIT_CONTENT, EXIT_OK, BulletinError, Collector, Diagnostic

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


class _ProgressBar:
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


def _on_terminal() -> bool:
    import os

    return sys.stdout.isatty() and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _exit_now(code: int) -> None:
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


@main.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Build every issue of the repository.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["docx", "pdf"]), help="Output format (repeatable; default both).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True, help="Output folder.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes for a batch (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Rebuild every output, even those up to date.")
@click.option("--keep-going", is_flag=True, help="Build the sound issues even when others have errors (still exits 1).")
@ROOT_OPTION
def build(ids, all_, formats, out_dir, jobs, force, keep_going, root) -> None:
    """Assemble issues such as 2018-48 and export OUT/ID.docx and OUT/ID.pdf.

    Every issue is read and checked before any file is written: on an error
    nothing is written (with --keep-going the sound issues are).  Outputs
    newer than all their inputs are skipped (see OUT/.bulletin-stamps.json).
    """
    import time

    from .build import BuildOptions
    from .build import build as run_build
    from .repo import find_root

    started = time.perf_counter()
    if not ids and not all_:
        raise click.UsageError("name one or more issue ids (e.g. 2018-48) or --all")
    if ids and all_:
        raise click.UsageError("name issue ids or --all, not both")
    parsed = None if all_ else _parse_ids(ids)
    try:
        repo_root = find_root(root)
    except BulletinError as exc:
        _print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)
    if jobs is None:
        from .batch import default_jobs

        jobs = default_jobs()
    options = BuildOptions(out_dir=out_dir, formats=tuple(formats) or ("docx", "pdf"), jobs=jobs,
                           keep_going=keep_going, force=force)
    bar = _ProgressBar(0) if _on_terminal() and (all_ or len(parsed) > 1) else None
    try:
        report = run_build(repo_root, parsed, options, progress=bar)
    finally:
        if bar is not None:
            bar.clear()
    _print_diagnostics(report.diagnostics)
    if report.nothing_written:
        click.echo(f"bulletin: {_plural(len(report.errors), 'error')}; nothing written", err=True)
        _exit_now(EXIT_CONTENT)
    if bar is None:
        for path in report.written:
            click.echo(f"wrote {path}")
    summary = (f"built {_plural(len(report.built), 'issue')} ({_plural(len(report.written), 'file')}) "
               f"in {time.perf_counter() - started:.1f} s; {len(report.skipped)} skipped")
    if report.skipped:
        summary += " (up to date)"
    if report.failed:
        summary += f"; {len(report.failed)} failed ({', '.join(r.id for r in report.failed)})"
    click.echo(summary, err=True)
    _exit_now(EXIT_OK if report.ok else EXIT_CONTENT)


# ------------------------------------------------- the editor's commands


def _root_or_exit(root):
    from .repo import find_root

    try:
        return find_root(root)
    except BulletinError as exc:
        _print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)


def _check_targets(targets: tuple[str, ...], repo_root: Path):
    """Issue ids, or paths of files in the repository (what a git hook passes):
    a file under issues/ID/ names issue ID; bulletin.yaml names every issue.
    Returns a list of ids, or None for every issue."""
    from .numbering import parse_issue_id
    from .repo import CONFIG_NAME, ISSUES_DIR

    ids = []
    for text in targets:
        if parse_issue_id(text) is not None or not ("/" in text or "\\" in text or text.endswith((".md", ".yaml", ".yml"))):
            ids.extend(_parse_ids((text,)))
            continue
        try:
            rel = (Path.cwd() / text).resolve().relative_to(repo_root.resolve())
        except ValueError:
            raise click.UsageError(f"'{text}' is neither an issue id nor a file of the repository {repo_root}") from None
        if rel.as_posix() == CONFIG_NAME:
            return None
        parts = rel.parts
        iid = parse_issue_id(parts[1]) if len(parts) >= 2 and parts[0] == ISSUES_DIR else None
        if iid is None:
            raise click.UsageError(f"'{text}' is neither an issue id nor a file of an issue folder (issues/YEAR-N/…)")
        ids.append(iid)
    return ids


@main.command("check", short_help="Validate and lint issues; --fix repairs what is safe.")
@click.argument("targets", nargs=-1, metavar="[ID|FILE]...")
@click.option("--all", "all_", is_flag=True, help="Check every issue (also the default when none is named).")
@click.option("--fix", "apply_fixes", is_flag=True, help="Repair what is safe to repair (punctuation width, spaces around digits and Latin, broken paragraphs) in place, and print each change.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: a JSON array on stdout (path, line, col, code, severity, message, fix).")
@click.option("--no-fonts", is_flag=True, help="Skip the check that the PDF fonts cover every character (for machines without the fonts).")
@ROOT_OPTION
def check_command(targets, all_, apply_fixes, strict, fmt, no_fonts, root) -> None:
    """Validate and lint issues without writing anything (except with --fix).

    Reports everything `build` would refuse (E… errors) and the lint rules
    (W… warnings) as `path:line:col: CODE message`.  Exit 1 on errors, or on
    warnings with --strict.  FILE arguments (issues/2018-48/leye.md) select
    their issue, so a git hook can pass the files it changed."""
    import json

    from .check import check, fix

    repo_root = _root_or_exit(root)
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
        _print_diagnostics(diags)
        fixable = sum(1 for d in diags if d.fix)
        hint = f" ({fixable} fixable with --fix)" if fixable else ""
        errors, warnings = len(result.errors) + len(problems), len(result.warnings)
        summary = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}{hint}" if diags else "no findings"
        click.echo(f"bulletin check: {summary}", err=True)
    failed = bool(result.errors) or bool(problems) or (strict and bool(result.warnings))
    sys.exit(EXIT_CONTENT if failed else EXIT_OK)


@main.command("list", short_help="Every issue: id, 第N期, 总第N期, date, articles, columns.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array (id, year, number, total, date, articles, columns).")
@ROOT_OPTION
def list_command(as_json, root) -> None:
    """Every issue: id, 第N期, 总第N期, date, number of articles and columns."""
    import json

    from .listing import list_issues, table

    repo_root = _root_or_exit(root)
    diags = Collector()
    rows = list_issues(repo_root, diags)
    _print_diagnostics(diags.items)
    if as_json:
        click.echo(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(table(rows), nl=False)
    sys.exit(EXIT_CONTENT if diags.errors else EXIT_OK)


@main.command("init", short_help="Start a bulletin repository that builds at once.")
@click.argument("directory", required=False, default=Path("."), type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="Masthead title (报头), e.g. 广西精准脱贫攻坚简报.")
@click.option("--issuer", help="The issuing office (印发机关); the editor line is ISSUER编.")
def init_command(directory, title, issuer) -> None:
    """Start a bulletin repository in DIRECTORY (default: here) that builds at once.

    Never overwrites: a DIRECTORY that already holds bulletin.yaml is an error."""
    import datetime as dt

    from .scaffold import init_repository

    try:
        created = init_repository(directory, dt.date.today(), title, issuer)
    except BulletinError as exc:
        _print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)
    for item in created:
        click.echo(item.render())
    where = "" if directory == Path(".") else f"cd {directory} && "
    click.echo(f"next: {where}bulletin build --all", err=True)


@main.command("new", short_help="Start the next issue, or add an article to an issue.")
@click.argument("issue_id", required=False, metavar="[ID]")
@click.option("--article", "article", metavar="NAME", help="Add the article NAME.md to issue ID.")
@click.option("--title", help="Article title (with --article).")
@click.option("--county", help="Reporting county (with --article).")
@click.option("--author", "authors", multiple=True, help="Author (with --article; repeatable).")
@click.option("--column", help="栏目 label (with --article).")
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Issue date YYYY-MM-DD (default: today).")
@ROOT_OPTION
def new_command(issue_id, article, title, county, authors, column, date, root) -> None:
    """Start issue ID (default: the next one), or add an article to it.

    Without ID: N+1 in the latest issue's year, or YEAR-1 when this year is
    later.  An existing issue or article is an error; nothing is overwritten."""
    import datetime as dt

    from .scaffold import article_file_name, existing_issues, new_article, new_issue, next_issue_id

    if article is None and (title or county or authors or column):
        raise click.UsageError("--title, --county, --author and --column describe an article: add --article NAME")
    if article is not None and issue_id is None:
        raise click.UsageError("--article needs the issue id: bulletin new 2018-48 --article NAME")
    iid = _parse_ids((issue_id,))[0] if issue_id is not None else None
    name = article_file_name(article) if article is not None else None
    if article is not None and name is None:
        raise click.UsageError(f"--article '{article}' is not a plain file name")
    repo_root = _root_or_exit(root)
    day = date.date() if date else dt.date.today()
    try:
        if name is not None:
            created = new_article(repo_root, iid, name, title=title, county=county, authors=list(authors), column=column, date=day)
        else:
            created = [new_issue(repo_root, iid or next_issue_id(existing_issues(repo_root), day), day)]
    except BulletinError as exc:
        _print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)
    for item in created:
        click.echo(item.render())


@main.command("fonts")
@ROOT_OPTION
def fonts_command(root) -> None:
    """Show the font file that serves each role in the PDF.

    Also whether it is embedded, and a warning where a role fell back from
    the official fonts.
    """
    from .fonts import FontError, describe, resolve_fonts
    from .style import load_style

    overrides, repo_root = {}, None
    try:
        from .repo import find_root

        repo_root = find_root(root)
    except BulletinError:
        if root is not None:  # an explicit --root that is no repository is an error; elsewhere show the defaults
            click.echo(f"{root}:1:1: E001 not a bulletin repository: no bulletin.yaml in {root}", err=True)
            sys.exit(EXIT_CONTENT)
    if repo_root is not None:
        from .load import load_repository

        diags = Collector()
        repo = load_repository(repo_root, diags)
        if repo.publication is not None:
            overrides = dict(repo.publication.data.get("fonts") or {})
    try:
        faces = resolve_fonts(load_style("default").fonts, overrides, repo_root)
    except FontError as exc:
        for line in exc.lines:
            click.echo(f"bulletin.yaml:1:1: E040 {line}", err=True)
        sys.exit(EXIT_CONTENT)
    for line in describe(faces):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
