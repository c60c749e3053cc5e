"""The bulletin repository on disk: root discovery, issue folders, article
order, and confinement (no article or symlink may lead out of its issue)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from bulletin.diagnostics import BulletinError, Collector, Diagnostic
from bulletin.files import not_regular
from bulletin.i18n import N_
from bulletin.numbering import IssueId, padded_issue_id, parse_issue_id

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
        if not _is_file(root / CONFIG_NAME):
            raise BulletinError([Diagnostic(str(root), 1, 1, "E001", N_("not a bulletin repository: no {config} in {root}", config=CONFIG_NAME, root=str(root)))])
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_file(folder / CONFIG_NAME):
            return folder
    raise BulletinError([Diagnostic(".", 1, 1, "E001", N_("not a bulletin repository: no {config} here or in any parent folder (use --root DIR)", config=CONFIG_NAME))])


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # name too long, permission denied on a parent, …
        return False


@dataclass(frozen=True)
class IssueFolder:
    id: IssueId
    path: Path
    rel: str  # issues/2018-48


def issue_folders(root: Path, diags: Collector) -> dict[IssueId, IssueFolder]:
    """Every issues/<YEAR-N> folder; misnamed folders are errors, and so is an
    issue folder that is a symlink leading out of the repository."""
    base = root / ISSUES_DIR
    out: dict[IssueId, IssueFolder] = {}
    try:
        if not base.is_dir():
            return out
        entries = sorted(base.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        diags.error("E010", ISSUES_DIR, 1, N_("cannot read the issues folder: {reason}", reason=exc.strerror or str(exc)))
        return out
    real_root = root.resolve()
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        rel = f"{ISSUES_DIR}/{entry.name}"
        iid = parse_issue_id(entry.name)
        if iid is None:
            padded = padded_issue_id(entry.name)
            hint = N_("rename it to '{name}'", name=padded) if padded else N_("issue folders are named YEAR-N, e.g. 2018-48")
            diags.error("E003", rel, 1, N_("issue folder '{name}' is not an issue id: {hint}", name=entry.name, hint=hint))
            continue
        if not _inside(entry.resolve(), real_root):
            diags.error("E032", rel, 1, N_("issue folder '{name}' is a link leading outside the repository", name=entry.name))
            continue
        out[iid] = IssueFolder(iid, entry, rel)
    return out


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def article_paths(folder: IssueFolder, order: list[str] | None, order_lines: list[int] | int, root: Path, diags: Collector) -> list[tuple[Path, str]]:
    """(absolute path, repository-relative path) of each article, in order.
    Without `articles:`, every *.md file of the folder in name order (hidden
    files such as editors' .#lock files are not articles).  Every article,
    listed or found, symlinks included, must resolve to a file inside the
    issue folder.  `order_lines`: the issue.yaml line of each listed name
    (or one line for all), where errors about that name point."""
    real_folder = folder.path.resolve()
    if order is None:
        try:
            names = sorted(p.name for p in folder.path.glob("*.md") if not p.name.startswith(".") and not p.is_dir())
        except OSError as exc:
            diags.error("E010", folder.rel, 1, N_("cannot read the issue folder: {reason}", reason=exc.strerror or str(exc)))
            return []
    else:
        names = order
    out = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        name = str(name)
        rel = f"{folder.rel}/{name}"
        line = order_lines if isinstance(order_lines, int) else (order_lines[i] if i < len(order_lines) else 1)
        where = (f"{folder.rel}/{ISSUE_FILE}", line) if order is not None else (rel, 1)
        if name in seen:
            diags.error("E025", where[0], where[1], N_("'articles' lists {name} twice", name=name))
            continue
        seen.add(name)
        path = folder.path / name
        if ".." in PureWindowsPath(name).parts or Path(name).is_absolute() or PureWindowsPath(name).anchor:
            diags.error("E032", where[0], where[1], N_("article '{name}' leads outside the issue folder {folder}", name=name, folder=folder.rel))
            continue
        try:
            real = path.resolve()
            inside = real.parent == real_folder or real_folder in real.parents
            found = inside and real.is_file()
        except (OSError, RuntimeError) as exc:  # a symlink loop, a name too long
            diags.error("E010", where[0], where[1], N_("article '{name}' cannot be read: {reason}", name=name, reason=getattr(exc, "strerror", None) or str(exc)))
            continue
        if not inside:
            message = (N_("article '{name}' is a link leading outside the issue folder {folder}", name=name, folder=folder.rel)
                       if path.is_symlink() else
                       N_("article '{name}' leads outside the issue folder {folder}", name=name, folder=folder.rel))
            diags.error("E032", where[0], where[1], message)
            continue
        if not found:
            if inside and real.exists():  # a FIFO, a socket, a device: named as what it is, never opened
                diags.error("E010", where[0], where[1], N_("article '{name}' cannot be read: {reason}", name=name, reason=not_regular(real)))
                continue
            diags.error("E031", where[0], where[1], N_("article '{name}' not found in {folder}", name=name, folder=folder.rel))
            continue
        out.append((path, rel))
    return out
