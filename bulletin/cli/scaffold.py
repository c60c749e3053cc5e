"""`bulletin init` and `bulletin new`: start a repository, an issue, an article."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulletin.cli import console
from bulletin.diagnostics import EXIT_CONTENT, EXIT_OK, BulletinError, Collector, Diagnostic
from bulletin.i18n import _


@click.command("init", short_help="Start a bulletin repository that builds at once.")
@click.argument("directory", required=False, default=Path("."), type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="Masthead title (报头), e.g. 广西精准脱贫攻坚简报.")
@click.option("--issuer", help="The issuing office (印发机关); the editor line is ISSUER编.")
def init_command(directory, title, issuer) -> None:
    """Start a bulletin repository in DIRECTORY (default: here) that builds at once.

    Never overwrites: a DIRECTORY that already holds bulletin.yaml is an error."""
    import datetime as dt

    from bulletin.commands.scaffold import init_repository

    try:
        created = init_repository(directory, dt.date.today(), title, issuer)
    except BulletinError as exc:
        console.print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)
    for item in created:
        click.echo(item.render())
    where = "" if directory == Path(".") else f"cd {directory} && "
    click.echo(_("next: {command}").format(command=f"{where}bulletin build --all"), err=True)


@click.command("new", short_help="Start the next issue, or add an article to an issue.")
@click.argument("issue_id", required=False, metavar="[ID]")
@click.option("--article", "article", metavar="NAME", help="Add the article NAME.md to issue ID.")
@click.option("--title", help="Article title (with --article).")
@click.option("--county", help="Reporting county (with --article).")
@click.option("--author", "authors", multiple=True, help="Author (with --article; repeatable).")
@click.option("--column", help="栏目 label (with --article).")
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Issue date YYYY-MM-DD (default: today).")
@console.ROOT_OPTION
def new_command(issue_id, article, title, county, authors, column, date, root) -> None:
    """Start issue ID (default: the next one), or add an article to it.

    Without ID: N+1 in the latest issue's year, or YEAR-1 when this year is
    later.  An existing issue or article is an error; nothing is overwritten."""
    import datetime as dt

    from bulletin.commands.scaffold import article_file_name, existing_issues, new_article, new_issue, next_issue_id

    if article is None and (title or county or authors or column):
        raise click.UsageError(_("--title, --county, --author and --column describe an article: add --article NAME"))
    if article is not None and issue_id is None:
        raise click.UsageError(_("--article needs the issue id: bulletin new 2018-48 --article NAME"))
    iid = console.parse_ids((issue_id,))[0] if issue_id is not None else None
    name = article_file_name(article) if article is not None else None
    if article is not None and name is None:
        raise click.UsageError(_("--article '{name}' is not a plain file name").format(name=article))
    repo_root = console.root_or_exit(root)
    day = date.date() if date else dt.date.today()
    try:
        if name is not None:
            created = new_article(repo_root, iid, name, title=title, county=county, authors=list(authors), column=column, date=day)
        else:
            created = [new_issue(repo_root, iid or next_issue_id(existing_issues(repo_root), day), day)]
    except BulletinError as exc:
        console.print_diagnostics(exc.diagnostics)
        sys.exit(EXIT_CONTENT)
    for item in created:
        click.echo(item.render())
