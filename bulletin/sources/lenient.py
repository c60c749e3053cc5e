"""Reading what can be read of a broken source, for `check` alone.

`check` lists every finding of a run in one pass: the warnings of an article
whose front matter has an error, and the characters no font has (E041) in
an issue that has errors elsewhere.  Build never uses this: it reads through
load.py, and stops on the first error of an issue.  What is read here is
never reported (load.py has reported its errors); it only feeds the lint
rules and the font check, so each value that is not of its expected kind is
simply left out.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from bulletin.diagnostics import Collector
from bulletin.sources.config import Doc, load_yaml
from bulletin.sources.load import IssueSource, Repository
from bulletin.sources.reader import ArticleSource, parse_body
from bulletin.sources.textfile import read_text


def _text(value) -> bool:
    return isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool))


def read_article_leniently(path: Path, rel: str, root: Path) -> ArticleSource | None:
    """The article with whatever front matter parses (the keys of the right
    kind) and its body; None when the file cannot be read as text."""
    quiet = Collector()
    text = read_text(path, rel, quiet)
    if text is None:
        return None
    lines = text.split("\n")
    meta: dict = {}
    doc = Doc({}, rel, 1)
    body, body_line = text, 1
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is None:
            return None  # where the body starts is anybody's guess
        parsed = load_yaml("\n".join(lines[1:end]) + "\n", rel, quiet, first_line=2)
        if parsed is not None and isinstance(parsed.data, dict):
            doc = parsed
            doc.first_line = 1
            for key in ("title", "county", "unit", "column", "subtitle"):
                if _text(parsed.data.get(key)) and str(parsed.data[key]).strip():
                    meta[key] = parsed.data[key]
            author = parsed.data.get("author")
            if _text(author) or (isinstance(author, list) and all(_text(a) for a in author)):
                meta["author"] = author
            if isinstance(parsed.data.get("attribution"), bool):
                meta["attribution"] = parsed.data["attribution"]
        body, body_line = "\n".join(lines[end + 1:]), end + 2
    meta.setdefault("title", "")
    meta.setdefault("county", "")
    blocks = parse_body(body, rel, body_line, path.parent, root, quiet)
    return ArticleSource(rel, meta, doc, blocks, body_line)


def lenient_issue(repo: Repository, iid, issue: IssueSource | None, articles: list[ArticleSource]) -> IssueSource:
    """The issue to lay out for the font check: the one read, or, when its
    issue.yaml is broken, one dated 1 January of its year."""
    if issue is not None:
        return IssueSource(issue.folder, issue.data, issue.doc, articles)
    doc = Doc({"date": _dt.date(iid.year, 1, 1)}, f"{repo.folders[iid].rel}/issue.yaml", 1)
    return IssueSource(repo.folders[iid], doc.data, doc, articles)
