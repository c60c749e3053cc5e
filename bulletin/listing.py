"""`bulletin list`: one row per issue — id, 第N期, 总第N期, date, article count, 栏目.

Reads only YAML: bulletin.yaml, each issue.yaml and the front matter of each
article (for its column).  No Markdown is parsed, so the command stays fast
and imports nothing heavy.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import load_yaml, text_value, validate
from .diagnostics import Collector
from .numbering import IssueId, anchors, totals
from .repo import CONFIG_NAME, ISSUE_FILE, issue_folders
from .schemas import ISSUE, PUBLICATION
from .textfile import read_text


@dataclass
class Row:
    id: str
    year: int
    number: int
    total: int | None
    date: str | None  # ISO date
    articles: int
    columns: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def _yaml(path: Path, rel: str, diags: Collector, schema: dict, what: str):
    text = read_text(path, rel, diags)
    doc = load_yaml(text, rel, diags) if text is not None else None
    if doc is None or not validate(doc, schema, diags, what):
        return None
    return doc.data


def _front_matter(path: Path, rel: str) -> dict:
    """The front matter of an article as data ({} when it has none or is broken:
    `check` explains; list only needs the column)."""
    text = read_text(path, rel, Collector())
    if text is None:
        return {}
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            doc = load_yaml("\n".join(lines[1:i]) + "\n", rel, Collector(), first_line=2)
            return doc.data if doc is not None and isinstance(doc.data, dict) else {}
    return {}


def list_issues(root: Path, diags: Collector) -> list[Row]:
    pub = _yaml(root / CONFIG_NAME, CONFIG_NAME, diags, PUBLICATION, CONFIG_NAME) or {}
    folders = issue_folders(root, diags)
    issues: dict[IssueId, dict] = {}
    for iid, folder in folders.items():
        rel = f"{folder.rel}/{ISSUE_FILE}"
        path = folder.path / ISSUE_FILE
        if not path.is_file():
            diags.error("E010", rel, 1, f"issue {iid} has no {ISSUE_FILE} (it needs at least 'date: YYYY-MM-DD')")
            data = None
        else:
            data = _yaml(path, rel, diags, ISSUE, ISSUE_FILE)
        issues[iid] = data or {}
    counted = totals(list(folders), anchors(pub, issues))
    rows = []
    for iid, folder in sorted(folders.items()):
        data = issues[iid]
        order = data.get("articles")
        names = [str(n) for n in order] if isinstance(order, list) else sorted(p.name for p in folder.path.glob("*.md"))
        columns: list[str] = []
        for name in names:
            path = folder.path / name
            if path.is_file() and path.resolve().parent == folder.path.resolve():
                column = _front_matter(path, f"{folder.rel}/{name}").get("column")
                if column is not None and text_value(column).strip() and text_value(column).strip() not in columns:
                    columns.append(text_value(column).strip())
        date = data.get("date")
        rows.append(Row(str(iid), iid.year, iid.number, counted.get(iid), date.isoformat() if date else None, len(names), columns))
    return rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(rows: list[Row]) -> str:
    """A plain text table, aligned for CJK (wide) characters."""
    head = ["ID", "第N期", "总第N期", "date", "articles", "columns"]
    body = [
        [r.id, f"第{r.number}期", f"总第{r.total}期" if r.total is not None else "—", r.date or "?", str(r.articles), "、".join(r.columns)]
        for r in rows
    ]
    widths = [max(_width(line[i]) for line in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(line, widths)).rstrip() for line in [head, *body]]
    return "\n".join(lines) + "\n"
