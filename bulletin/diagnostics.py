"""One catalogue of findings and one table of exit codes.

Every problem with the input becomes a Diagnostic; a Collector gathers all of
them (never only the first) and the CLI prints them one per line as
`path:line:col: CODE message`, the format of a compiler, and maps the outcome
to an exit code through EXIT.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bulletin.i18n import localize

# Exit codes (SPEC.md "Promises").
EXIT_OK = 0
EXIT_CONTENT = 1  # content errors: bad sources, unknown issue, not a repository
EXIT_USAGE = 2  # usage errors: unknown option, malformed issue id

# Catalogue: code → short title.  Messages add the specifics.
CODES = {
    "E001": "not a bulletin repository",
    "E002": "issue not found",
    "E003": "malformed issue folder name",
    "E004": "malformed year",
    "E010": "cannot read file",
    "E011": "not UTF-8",
    "E012": "forbidden control character",
    "E013": "invisible format character (bidi control …)",
    "E014": "character reference that is no character",
    "E020": "YAML syntax",
    "E021": "YAML tag not allowed",
    "E022": "unknown key",
    "E023": "required key missing",
    "E024": "wrong type",
    "E025": "bad value",
    "E026": "duplicate key",
    "E027": "full-width colon or space in YAML (typed with a Chinese input method)",
    "E030": "front matter",
    "E031": "article file missing",
    "E032": "path leaves its folder",
    "E033": "figure not found",
    "E034": "duplicate total",
    "E035": "Markdown nested too deeply",
    "E040": "font",
    "E041": "character not covered by any font",
    "E050": "output",
    "E060": "already exists (init/new never overwrite)",
    "E061": "cannot add to the articles: list",
    "E070": "cannot import file (not Word, damaged, encrypted, or needs LibreOffice)",
    "E071": "nothing to import",
}
# Lint warnings (W…) and their severities live with their rules in lint.RULES.


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    code: str
    message: str
    severity: str = "error"  # "error" | "warning"
    key: str | None = None
    fix: bool = False

    def render(self) -> str:
        # The message in the users' language; the prefix never changes (CI annotations read it).
        return f"{self.path}:{self.line}:{self.col}: {self.code} {localize(self.message)}"

    def as_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "severity": self.severity,
            "message": localize(self.message),
            "fix": self.fix,
        }


@dataclass
class Collector:
    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, path: str, line: int, message: str, *, col: int = 1, key: str | None = None) -> None:
        self.items.append(Diagnostic(path, max(line, 1), max(col, 1), code, message, "error", key))

    def warning(self, code: str, path: str, line: int, message: str, *, col: int = 1, fix: bool = False) -> None:
        self.items.append(Diagnostic(path, max(line, 1), max(col, 1), code, message, "warning", fix=fix))

    def extend(self, other: Collector) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items), key=lambda d: (d.path, d.line, d.col, d.code, d.message))


class BulletinError(Exception):
    """Raised to stop processing after diagnostics were collected."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.render() for d in diagnostics))
        self.diagnostics = diagnostics
