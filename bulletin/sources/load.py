"""Read a bulletin repository's sources (bulletin.yaml, issue.yaml, articles)
into checked values.  Nothing here renders or writes."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.sources.config import Doc, load_yaml, validate
from bulletin.diagnostics import Collector
from bulletin.i18n import N_
from bulletin.numbering import IssueId, anchors, totals
from bulletin.sources.reader import ArticleSource, read_article
from bulletin.sources.repo import CONFIG_NAME, ISSUE_FILE, IssueFolder, article_paths, issue_folders
from bulletin.sources.schemas import ISSUE, PUBLICATION
from bulletin.sources.textfile import read_text


@dataclass
class Publication:
    data: dict
    doc: Doc


@dataclass
class IssueSource:
    folder: IssueFolder
    data: dict
    doc: Doc
    articles: list[ArticleSource] = field(default_factory=list)

    @property
    def date(self) -> _dt.date:
        return self.data["date"]


@dataclass
class Repository:
    root: Path
    publication: Publication | None
    folders: dict[IssueId, IssueFolder]
    issue_docs: dict[IssueId, Doc | None]  # None: missing, unreadable or invalid (reported)
    # issue.yaml files that parsed but failed validation: their articles are
    # still read, so every error of an issue is listed in one run.
    invalid_issue_docs: dict[IssueId, Doc] = field(default_factory=dict)

    def totals(self) -> dict[IssueId, int | None]:
        pub = self.publication.data if self.publication else {}
        data = {iid: doc.data for iid, doc in self.issue_docs.items() if doc is not None}
        return totals(list(self.folders), anchors(pub, data))


def read_yaml_file(path: Path, rel: str, diags: Collector) -> Doc | None:
    text = read_text(path, rel, diags)
    if text is None:
        return None
    return load_yaml(text, rel, diags)


def load_repository(root: Path, diags: Collector) -> Repository:
    """bulletin.yaml and every issue.yaml (needed for numbering); articles are read per issue."""
    pub_doc = read_yaml_file(root / CONFIG_NAME, CONFIG_NAME, diags)
    publication = None
    if pub_doc is not None and validate(pub_doc, PUBLICATION, diags, CONFIG_NAME):
        publication = Publication(pub_doc.data, pub_doc)
    folders = issue_folders(root, diags)
    docs: dict[IssueId, Doc | None] = {}
    invalid: dict[IssueId, Doc] = {}
    for iid, folder in folders.items():
        rel = f"{folder.rel}/{ISSUE_FILE}"
        path = folder.path / ISSUE_FILE
        if not path.exists():  # (something that is no regular file: read_text names what it is)
            diags.error("E010", rel, 1, N_("issue {iid} has no {file} (it needs at least 'date: YYYY-MM-DD')", iid=str(iid), file=ISSUE_FILE))
            docs[iid] = None
            continue
        doc = read_yaml_file(path, rel, diags)
        valid = doc is not None and validate(doc, ISSUE, diags, ISSUE_FILE)
        docs[iid] = doc if valid else None
        if doc is not None and not valid:
            invalid[iid] = doc
    return Repository(root, publication, folders, docs, invalid)


def load_issue(repo: Repository, iid: IssueId, diags: Collector, empty_ok: bool = False) -> IssueSource | None:
    """The issue's articles, read and checked.  None when the issue cannot be
    built (its issue.yaml is missing or invalid: reported by load_repository);
    its articles are read all the same, so that their errors are listed too."""
    folder = repo.folders[iid]
    doc = repo.issue_docs.get(iid)
    listed = _article_order(doc or repo.invalid_issue_docs.get(iid), valid=doc is not None)
    order = [name for name, _ in listed] if listed is not None else None
    lines = [line for _, line in listed] if listed is not None else []
    paths = article_paths(folder, order, lines, repo.root, diags)
    if doc is not None and not paths and not diags.errors and not empty_ok:  # empty_ok: check warns (W123)
        diags.error("E031", f"{folder.rel}/{ISSUE_FILE}", 1, N_("issue {iid} has no articles (*.md files)", iid=str(iid)))
    articles = [a for a in (read_article(path, rel, repo.root, diags) for path, rel in paths) if a is not None]
    if doc is None:
        return None
    return IssueSource(folder, doc.data, doc, articles)


def _article_order(doc: Doc | None, valid: bool) -> list[tuple[str, int]] | None:
    """The explicit `articles:` list as (name, line) pairs; None: file-name
    order.  From an invalid issue.yaml only the names that can be article files."""
    if doc is None or not isinstance(doc.data, dict) or doc.data.get("articles") is None:
        return None
    order = doc.data["articles"]
    if not isinstance(order, list):
        return None
    return [
        (str(name), doc.value_line(("articles", i)))
        for i, name in enumerate(order)
        if valid or (isinstance(name, str) and name.endswith(".md"))
    ]
