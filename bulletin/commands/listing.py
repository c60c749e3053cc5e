"""`bulletin list`: one row per issue — id, 第N期, 总第N期, date, article count, 栏目.

Reads only YAML: the repository as load.py reads it (bulletin.yaml and each
issue.yaml) and the front matter of each article (for its column).  No
Markdown is parsed, so the command stays fast and imports nothing heavy.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bulletin.sources.config import load_yaml, text_value
from bulletin.diagnostics import Collector
from bulletin.i18n import _
from bulletin.sources.load import load_repository
from bulletin.sources.reader import split_front_matter
from bulletin.sources.textfile import read_text


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


def _front_matter(path: Path, rel: str) -> dict:
    """The front matter of an article as data ({} when it has none or is broken:
    `check` explains; list only needs the column)."""
    quiet = Collector()
    text = read_text(path, rel, quiet)
    parts = split_front_matter(text, rel, quiet) if text is not None else None
    if parts is None:
        return {}
    doc = load_yaml(parts[0], rel, quiet, first_line=2)
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}


def list_issues(root: Path, diags: Collector) -> list[Row]:
    repo = load_repository(root, diags)  # bulletin.yaml and every issue.yaml, with their diagnostics
    counted = repo.totals()
    rows = []
    for iid, folder in sorted(repo.folders.items()):
        doc = repo.issue_docs.get(iid)
        data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
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
    head = ["ID", "第N期", "总第N期", _("date"), _("articles"), _("columns")]
    body = [
        [r.id, f"第{r.number}期", f"总第{r.total}期" if r.total is not None else "—", r.date or "?", str(r.articles), "、".join(r.columns)]
        for r in rows
    ]
    widths = [max(_width(line[i]) for line in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(line, widths)).rstrip() for line in [head, *body]]
    return "\n".join(lines) + "\n"
