"""`bulletin check`: everything `build` validates, without writing, plus the lint rules.

Reads the repository as build does (load → assemble, collecting every error),
lays the PDF out to find characters no font has (E041) unless told not to,
then runs lint.py's rules over each requested issue's articles and the
repository-wide numbering rules.  Returns diagnostics; never prints.
`fix` applies the safe repairs to the articles of the requested issues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bulletin.diagnostics import BulletinError, Collector, Diagnostic
from bulletin.commands.lint import Finding, IssueFacts, lint_headings, lint_issue_sequence, lint_text, lint_title
from bulletin.sources.load import Repository, load_issue, load_repository
from bulletin.numbering import IssueId
from bulletin.sources.reader import ArticleSource
from bulletin.sources.repo import ISSUE_FILE
from bulletin.sources.textfile import read_text

TITLE_ELEMENT = "article_title"


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    articles: list[tuple[Path, str]] = field(default_factory=list)  # (path, repository-relative path) checked

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def check(root: Path, ids: list[IssueId] | None, fonts: bool = True) -> CheckResult:
    """Validate and lint the issues `ids` (None: every issue).  `fonts`:
    also check that the fonts cover every character, as a PDF build does."""
    from bulletin.sources.assemble import assemble

    diags = Collector()
    result = CheckResult()
    repo = load_repository(root, diags)
    wanted = sorted(repo.folders) if ids is None else list(dict.fromkeys(ids))
    style = _style(repo)
    title_geometry = _title_geometry(style) if style is not None else None
    for iid in wanted:
        if iid not in repo.folders:
            diags.error("E002", "issues", 1, f"issue {iid} not found (no folder issues/{iid})")
            continue
        local = Collector()
        issue = load_issue(repo, iid, local)
        diags.extend(local)
        if issue is None:
            continue
        if not local.errors and repo.publication is not None:
            bulletin = assemble(repo, issue)
            if fonts and style is not None:
                diags.items.extend(font_coverage(bulletin, root, style))
        for art in issue.articles:
            result.articles.append((root / art.rel, art.rel))
            diags.items.extend(f.diagnostic(art.rel) for f in lint_article(art, root, title_geometry))
    selected = set(wanted)
    for iid, diag in lint_issue_sequence(issue_facts(repo)):
        if iid in selected:
            diags.items.append(diag)
    result.diagnostics = diags.sorted()
    return result


def lint_article(art: ArticleSource, root: Path, title_geometry) -> list[Finding]:
    """The article rules: text (from the file as written), headings (from its blocks), title."""
    text = read_text(root / art.rel, art.rel, Collector())  # unreadable: load has reported it
    lines = text.split("\n") if text is not None else []
    findings = lint_text(text) if text is not None else []
    findings += lint_headings(art.blocks, lines)
    title = art.meta.get("title")
    if title_geometry is not None and isinstance(title, str):
        line = art.doc.value_line(("title",))
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        col = len(source) - len(source.split(":", 1)[-1].lstrip()) + 1 if ":" in source else 1
        findings += lint_title(title, line, col, *title_geometry)
    return findings


def issue_facts(repo: Repository) -> list[IssueFacts]:
    totals = repo.totals()
    out = []
    for iid, doc in repo.issue_docs.items():
        if doc is None:
            continue
        data = doc.data
        out.append(IssueFacts(
            id=iid,
            path=f"{repo.folders[iid].rel}/{ISSUE_FILE}",
            date=data.get("date"),
            date_line=doc.value_line(("date",)),
            total=totals.get(iid),
            total_line=doc.line_of(("total",)) if "total" in data else 1,
        ))
    return out


def _style(repo: Repository):
    """The style build uses (the default; SPEC.md has no per-publication style yet)."""
    from bulletin.style import load_style

    try:
        return load_style("default")
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError):
        return None


def font_coverage(bulletin, root: Path, style) -> list[Diagnostic]:
    """E040/E041 as the PDF writer reports them: lay the issue out (no drawing,
    nothing written) and check each character against the face that draws it."""
    from bulletin.fonts import FontError
    from bulletin.writers.pdf import lay_out_bulletin

    try:
        lay_out_bulletin(bulletin, style, root)
    except BulletinError as exc:
        return list(exc.diagnostics)
    except FontError as exc:
        return [Diagnostic("bulletin.yaml", 1, 1, "E040", line) for line in exc.lines]
    return []


def _title_geometry(style):
    """(block width pt, size pt, size name, max lines) of article titles in this style."""
    try:
        element = style.element(TITLE_ELEMENT)
    except (KeyError, TypeError, ValueError):
        return None
    size_name = element.raw.get("size")
    label = f"{size_name} ({element.size:g} pt)" if isinstance(size_name, str) else f"{element.size:g} pt"
    return style.block_width, element.size, label, int(element.raw.get("max_lines", 2))


def fix(articles: list[tuple[Path, str]]) -> tuple[list[str], list[Diagnostic]]:
    """Apply the safe fixes to these article files: the changes, one line
    each, and the files that could not be rewritten."""
    from bulletin.commands.fix import fix_file

    report: list[str] = []
    problems = Collector()
    for path, rel in articles:
        try:
            changes = fix_file(path)
        except UnicodeDecodeError:
            continue  # not UTF-8: check reports it (E011)
        except OSError as exc:
            problems.error("E050", rel, 1, f"cannot fix: {exc.strerror or exc}")
            continue
        report.extend(c.render(rel) for c in changes)
    return report, problems.items
