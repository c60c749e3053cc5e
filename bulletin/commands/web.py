"""The web edition's part of `build --format html`: the figures a page links
to (copied to OUT/ID/, staged with the page so a batch stays all or
nothing), the index of every issue (OUT/index.html, with --all), and what
the incremental key adds for HTML (the templates).

An office restyles its web edition by putting files named like those in
templates/html/ (issue.html.j2, bulletin.css.j2 …) into ROOT/templates/html/;
they are used before the built-in ones.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

ASSET_PREFIX = "asset:"  # TaskResult.staged keys of figure copies: "asset:ID/NAME"
INDEX_NAME = "index.html"


def template_dirs(root: Path) -> tuple[Path, ...]:
    """The office's own HTML templates, when it has any."""
    folder = Path(root) / "templates" / "html"
    return (folder,) if folder.is_dir() else ()


def render_html(bulletin, root: Path, style) -> bytes:
    from bulletin.writers.html import write_html

    return write_html(bulletin, style, root, template_dirs=template_dirs(root))


def stage_assets(bulletin, root: Path, out_dir: Path, token: str, stage) -> dict[str, str]:
    """Stage a copy of each figure of the issue's page beside its target;
    {ASSET_PREFIX + dest: temporary file}.  OSError propagates (E050)."""
    from bulletin.writers.html import figure_assets

    staged: dict[str, str] = {}
    for asset in figure_assets(bulletin).values():
        data = (Path(root) / asset.source).read_bytes()
        staged[ASSET_PREFIX + asset.dest] = stage(Path(out_dir) / asset.dest, data, token)
    return staged


def asset_path(out_dir: Path, key: str) -> Path | None:
    """The target of a staged key, when it is a figure copy."""
    if not key.startswith(ASSET_PREFIX):
        return None
    return Path(out_dir) / key[len(ASSET_PREFIX):]


def write_index(root: Path, out_dir: Path, style) -> Path | None:
    """OUT/index.html from every sound issue of the repository; written
    (atomically) only when its bytes change.  The path when written."""
    from bulletin.diagnostics import Collector
    from bulletin.output import write_atomic
    from bulletin.sources.assemble import assemble
    from bulletin.sources.load import load_issue, load_repository
    from bulletin.writers.html import index_entry
    from bulletin.writers.html import write_index as render_index

    # Every issue, the ones this build skipped too; findings were the build's to report.
    repo = load_repository(root, Collector())
    entries = []
    for iid in sorted(repo.folders):
        found = Collector()
        issue = load_issue(repo, iid, found)
        if issue is not None and not found.errors and repo.publication is not None:
            entries.append(index_entry(assemble(repo, issue)))
    data = render_index(entries, style, template_dirs=template_dirs(root))
    path = Path(out_dir) / INDEX_NAME
    try:
        if path.read_bytes() == data:
            return None
    except OSError:
        pass
    write_atomic(path, data)
    return path


def html_fingerprint(root: Path) -> str:
    """The built-in HTML templates and the office's own: part of an HTML
    output's key (they live outside the Python code that the tool's
    fingerprint covers).  Not cached: `watch` asks again after a template is
    edited, and the few small files cost well under a millisecond."""
    from importlib import resources

    h = hashlib.sha256()
    folders = [Path(str(resources.files("bulletin.templates").joinpath("html"))), *template_dirs(root)]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(_jinja_version().encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _jinja_version() -> str:
    """jinja2's version: it renders the bytes (fixed for a process)."""
    try:
        from importlib.metadata import version

        return version("jinja2")
    except Exception:  # noqa: BLE001 - no metadata: the templates alone
        return ""


def serve_page(bulletin, root: Path, style, head_extra: str = ""):
    """For `watch --serve`: the issue's HtmlPage (office templates honoured)
    with trusted markup `head_extra` (the reload snippet) at the end of
    <head>; `bulletin.writers.html.publish(page, id, root, out)` writes it
    and its figures."""
    from bulletin.writers.html import render_page

    return render_page(bulletin, style, template_dirs=template_dirs(root), head_extra=head_extra)
