"""The bulletin repository on disk: root discovery, issue folders, article
order, and confinement (no article or symlink may lead out of its issue)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import BulletinError, Collector, Diagnostic
from .numbering import IssueId, padded_issue_id, parse_issue_id

CONFIG_NAME = "bulletin.yaml"
ISSUES_DIR = "issues"
ISSUE_FILE = "issue.yaml"


def find_root(explicit: str | os.PathLike | None = None, start: Path | None = None) -> Path:
    """--root / BULLETIN_ROOT, else the current folder or the nearest parent
    holding bulletin.yaml.  Not found: E001 (exit 1)."""
    if explicit is None:
        explicit = os.environ.get("BULLETIN_ROOT") or None
    if explicit is not None:
        root = Path(explicit)
        if not (root / CONFIG_NAME).is_file():
            raise BulletinError([Diagnostic(str(root), 1, 1, "E001", f"not a bulletin repository: no {CONFIG_NAME} in {root}")])
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise BulletinError([Diagnostic(".", 1, 1, "E001", f"not a bulletin repository: no {CONFIG_NAME} here or in any parent folder (use --root DIR)")])


@dataclass(frozen=True)
class IssueFolder:
    id: IssueId
    path: Path
    rel: str  # issues/2018-48


def issue_folders(root: Path, diags: Collector) -> dict[IssueId, IssueFolder]:
    """Every issues/<YEAR-N> folder; misnamed folders are errors."""
    base = root / ISSUES_DIR
    out: dict[IssueId, IssueFolder] = {}
    if not base.is_dir():
        return out
    for entry in sorted(base.iterdir(), key=lambda p: p.name):
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        rel = f"{ISSUES_DIR}/{entry.name}"
        iid = parse_issue_id(entry.name)
        if iid is None:
            padded = padded_issue_id(entry.name)
            hint = f"rename it to '{padded}'" if padded else "issue folders are named YEAR-N, e.g. 2018-48"
            diags.error("E003", rel, 1, f"issue folder '{entry.name}' is not an issue id: {hint}")
            continue
        out[iid] = IssueFolder(iid, entry, rel)
    return out


def article_paths(folder: IssueFolder, order: list[str] | None, order_line: int, root: Path, diags: Collector) -> list[tuple[Path, str]]:
    """(absolute path, repository-relative path) of each article, in order.
    Explicit `articles:` names must be plain files inside the issue folder."""
    real_folder = folder.path.resolve()
    names = order if order is not None else sorted(p.name for p in folder.path.glob("*.md"))
    out = []
    seen: set[str] = set()
    for name in names:
        name = str(name)
        rel = f"{folder.rel}/{name}"
        where = (f"{folder.rel}/{ISSUE_FILE}", order_line) if order is not None else (rel, 1)
        if name in seen:
            diags.error("E025", where[0], where[1], f"'articles' lists {name} twice")
            continue
        seen.add(name)
        path = folder.path / name
        real = path.resolve()
        if real.parent != real_folder and real_folder not in real.parents or ".." in Path(name).parts or Path(name).is_absolute():
            diags.error("E032", where[0], where[1], f"article '{name}' leads outside the issue folder {folder.rel}")
            continue
        if not real.is_file():
            diags.error("E031", where[0], where[1], f"article '{name}' not found in {folder.rel}")
            continue
        out.append((path, rel))
    return out
