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
from bulletin.i18n import N_
from bulletin.commands.sequences import check_variations
from bulletin.commands.lint import Finding, IssueFacts, lint_headings, lint_issue_sequence, lint_text, lint_title
from bulletin.sources.load import Repository, load_issue, load_repository
from bulletin.numbering import IssueId
from bulletin.sources.reader import ArticleSource
from bulletin.sources.repo import CONFIG_NAME, ISSUE_FILE
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
            diags.error("E002", "issues", 1, N_("issue {iid} not found (no folder issues/{iid})", iid=str(iid)))
            continue
        local = Collector()
        issue = load_issue(repo, iid, local, empty_ok=ids is None)  # named by id: no articles is an error
        diags.extend(local)
        if issue is not None and not issue.articles and not local.errors:
            diags.warning("W123", f"{repo.folders[iid].rel}/{ISSUE_FILE}", 1, empty_issue_message(iid))
            continue
        # Every finding in one pass: the articles that have errors are read
        # as far as they can be, for their warnings and for the font check.
        articles = (issue.articles if issue is not None else []) + broken_articles(repo, iid, issue, local)
        if articles and repo.publication is not None and fonts and style is not None:
            diags.items.extend(font_coverage_of(repo, iid, issue, articles, local, style))
            diags.items.extend(check_variations(repo, articles, style))  # W152: a variant no PDF font has
        for art in articles:
            result.articles.append((root / art.rel, art.rel))
            diags.items.extend(f.diagnostic(art.rel) for f in lint_article(art, root, title_geometry))
            diags.items.extend(placeholder_findings(root / art.rel, art.rel))
    diags.items.extend(placeholder_findings(root / CONFIG_NAME, CONFIG_NAME, yaml_only=True))
    selected = set(wanted)
    for iid, diag in lint_issue_sequence(issue_facts(repo)):
        if iid in selected:
            diags.items.append(diag)
    result.diagnostics = diags.sorted()
    return result


def empty_issue_message(iid) -> str:
    return (f"issue {iid} has no articles yet: add one with `bulletin new {iid} --article NAME` "
            f"(build --all skips it until then)")


def broken_articles(repo: Repository, iid: IssueId, issue, local: Collector) -> list[ArticleSource]:
    """The issue's articles that did not read (their errors are in `local`), read leniently."""
    from bulletin.sources.lenient import read_article_leniently

    folder = repo.folders[iid]
    read = {a.rel for a in issue.articles} if issue is not None else set()
    wanted = {d.path for d in local.errors if d.path.startswith(folder.rel + "/") and d.path.endswith(".md")}
    if issue is None:  # issue.yaml broken: load read its articles but kept none
        try:
            wanted |= {f"{folder.rel}/{p.name}" for p in folder.path.glob("*.md") if not p.name.startswith(".")}
        except OSError:
            pass
    out = []
    for rel in sorted(wanted - read):
        path = repo.root / rel
        if path.parent == folder.path and path.is_file() and not path.is_symlink():
            art = read_article_leniently(path, rel, repo.root)
            if art is not None:
                out.append(art)
    return out


def font_coverage_of(repo: Repository, iid: IssueId, issue, articles: list[ArticleSource], local: Collector, style) -> list[Diagnostic]:
    """E040/E041 for the issue as read; when it has errors, for what of it could be read."""
    from bulletin.sources.assemble import assemble

    if issue is not None and not local.errors:
        return font_coverage(assemble(repo, issue), repo.root, style)
    from bulletin.sources.lenient import lenient_issue

    try:
        bulletin = assemble(repo, lenient_issue(repo, iid, issue, articles))
        found = font_coverage(bulletin, repo.root, style)
    except Exception:  # noqa: BLE001 - a source too broken to lay out: its errors are reported already
        return []
    return [d for d in found if d.code in ("E040", "E041")]


def placeholder_findings(path: Path, rel: str, yaml_only: bool = False) -> list[Diagnostic]:
    """W140 for each scaffold placeholder in the file (all of it YAML, or front matter then body)."""
    from bulletin.commands.lint import RULES, front_matter_end
    from bulletin.commands.placeholders import placeholders

    text = read_text(path, rel, Collector())
    if text is None:
        return []
    lines = text.split("\n")
    yaml_end = len(lines) if yaml_only else (front_matter_end(lines) or 0)
    return [Diagnostic(rel, line, col, "W140", message, RULES["W140"].severity)
            for line, col, message in placeholders(lines, yaml_end)]


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
            problems.error("E050", rel, 1, N_("cannot fix: {reason}", reason=exc.strerror or str(exc)))
            continue
        report.extend(c.render(rel) for c in changes)
    return report, problems.items
