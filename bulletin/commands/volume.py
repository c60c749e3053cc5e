"""`bulletin volume YEAR`: the year's 汇编 as OUT/YEAR-volume.pdf and .docx.

All or nothing: every issue of the year is read and checked, every format
rendered and staged as a hidden temporary file beside its target, and only
then are the files renamed into place — a bad source, a missing glyph or an
OUT that cannot be written leaves no file behind and any earlier volume as
it was.  Returns a report; never prints.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.diagnostics import BulletinError, Collector, Diagnostic

FORMATS = ("pdf", "docx")


@dataclass
class VolumeReport:
    year: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    issues: int = 0
    articles: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def output_path(out_dir: Path, year: int, fmt: str) -> Path:
    return Path(out_dir) / f"{year}-volume.{fmt}"


def volume(root: Path, year_text: str, out_dir: Path, formats: tuple[str, ...] = FORMATS,
           style_name: str = "default") -> VolumeReport:
    from bulletin.commands.years import parse_years, read_years

    diags = Collector()
    years = parse_years([year_text], diags)
    report = VolumeReport(years[0] if years else 0)
    bulletins = read_years(root, years, diags) if years else []
    if diags.errors or not bulletins:
        report.diagnostics = diags.items
        return report
    report.issues = len(bulletins)
    report.articles = sum(len(b.articles) for b in bulletins)
    rendered = _render_all(bulletins, tuple(dict.fromkeys(formats)) or FORMATS, style_name, root, diags)
    if not diags.errors:
        report.written = _write_all(out_dir, report.year, rendered, diags)
    report.diagnostics = diags.items
    return report


def _render_all(bulletins, formats, style_name: str, root: Path, diags: Collector) -> dict[str, bytes]:
    from bulletin.fonts import FontError
    from bulletin.style import load_style
    from bulletin.writers.volume import write_volume

    style = load_style(style_name)
    try:
        return write_volume(bulletins, style, root, formats)
    except BulletinError as exc:
        diags.items.extend(exc.diagnostics)
    except FontError as exc:
        diags.items.extend(Diagnostic("bulletin.yaml", 1, 1, "E040", line) for line in exc.lines)
    return {}


def _write_all(out_dir: Path, year: int, rendered: dict[str, bytes], diags: Collector) -> list[Path]:
    """Stage every file (the writing, where a full disk or a bad folder
    fails), then rename them all: a failure while staging renames none."""
    from bulletin.commands.batch import discard, e050

    out_dir = Path(out_dir)
    created = not out_dir.exists()
    staged: list[tuple[Path, str]] = []
    target = output_path(out_dir, year, next(iter(rendered)))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt, data in rendered.items():
            target = output_path(out_dir, year, fmt)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=out_dir)
            staged.append((target, tmp))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        for target, tmp in staged:
            os.replace(tmp, target)
    except OSError as exc:
        diags.items.append(e050(target, exc))
        discard(tmp for _, tmp in staged)
        if created:
            try:
                out_dir.rmdir()
            except OSError:
                pass
        return []
    return [target for target, _ in staged]
