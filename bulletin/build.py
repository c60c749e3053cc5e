"""Build issues: read and check everything, assemble the model, render, write.

`build_issues` reads as the three transformations of DESIGN.md: sources →
Bulletin → bytes → files.  Every requested issue is read and checked before
any file is written; with errors nothing is written (unless keep_going, which
builds the sound issues).  Returns results; never prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Collector, Diagnostic
from .model import Bulletin
from .numbering import IssueId
from .output import write_atomic

FORMATS = ("docx", "pdf")


@dataclass
class IssueResult:
    id: str
    outputs: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def read_bulletins(root: Path, ids: list[IssueId] | None, diags: Collector) -> dict[IssueId, Bulletin | None]:
    """Sources → checked models, one per requested issue (None where the issue has errors).
    ids None means every issue of the repository."""
    from .assemble import assemble
    from .load import load_issue, load_repository

    repo = load_repository(root, diags)
    wanted = sorted(repo.folders) if ids is None else ids
    out: dict[IssueId, Bulletin | None] = {}
    for iid in wanted:
        if iid not in repo.folders:
            diags.error("E002", "issues", 1, f"issue {iid} not found (no folder issues/{iid})")
            out[iid] = None
            continue
        local = Collector()
        issue = load_issue(repo, iid, local)
        diags.extend(local)
        if issue is None or local.errors or repo.publication is None:
            out[iid] = None
            continue
        out[iid] = assemble(repo, issue)
    return out


def render(bulletin: Bulletin, fmt: str, root: Path, style) -> bytes:
    if fmt == "docx":
        from .writers.docx import write_docx

        return write_docx(bulletin, style, root)
    if fmt == "pdf":
        from .writers.pdf import write_pdf

        return write_pdf(bulletin, style, root)
    raise ValueError(fmt)


def build_one(bulletin: Bulletin, formats: tuple[str, ...], root: Path, out_dir: Path, style) -> list[Path]:
    """Render every format first, then write: a failing writer leaves no file of this issue half-done."""
    rendered = [(out_dir / f"{bulletin.info.id}.{fmt}", render(bulletin, fmt, root, style)) for fmt in formats]
    for path, data in rendered:
        write_atomic(path, data)
    return [p for p, _ in rendered]
