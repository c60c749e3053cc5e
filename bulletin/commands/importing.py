"""`bulletin import`: Word submissions → articles of an issue.

Everything is read, inferred and checked before anything is written: every
file's problems are collected (one line each, naming the file), and on any
error nothing is written at all.  A target that exists (NAME.md, a figure)
is never overwritten.  The result is a plan — the files to create and a
report of what was inferred and guessed — that the CLI prints or writes;
nothing here prints.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.diagnostics import BulletinError, Collector, Diagnostic
from bulletin.i18n import N_
from bulletin.numbering import IssueId
from bulletin.sources.repo import ISSUE_FILE, ISSUES_DIR

METAFILES = (".emf", ".wmf", ".emz", ".wmz")


@dataclass
class Planned:
    rel: str  # relative to the repository root
    data: bytes
    show: bool = False  # printed by --dry-run (Markdown, YAML)


@dataclass
class Report:
    source: str  # the file as the user named it
    lines: list[str] = field(default_factory=list)  # inferred: …
    notes: list[str] = field(default_factory=list)  # what happened to layout, tables, macros …
    guesses: list[str] = field(default_factory=list)  # unsure: please check


@dataclass
class Plan:
    files: list[Planned] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    new_issue: IssueId | None = None  # the issue folder to start (issue.yaml with today's date)
    append_to: list[str] = field(default_factory=list)  # names for an explicit `articles:` list
    issue: IssueId | None = None


# ------------------------------------------------------------ helpers


def open_and_read(path: Path, shown: str, diags: Collector, soffice: str | None = None):
    """(items, notes) of a Word file, or None with one E070 line."""
    from bulletin.importer.package import ImportFailure, open_word
    from bulletin.importer.wordxml import read_document

    try:
        opened = open_word(path, soffice)
        items, notes = read_document(opened)
    except ImportFailure as exc:
        diags.error("E070", shown, 1, N_("{file} {problem}", file=path.name, problem=exc.args[0]))
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged part python-docx or lxml choke on: still one line
        reason = type(exc).__name__ + ": " + str(exc)[:120]
        diags.error("E070", shown, 1, N_("{file} is damaged: {reason}", file=path.name, reason=reason))
        return None
    return items, [*opened.notes, *notes]


def known_counties(root: Path) -> list[str]:
    """Counties of the repository's articles: hints for recognising one."""
    import yaml

    found: set[str] = set()
    base = root / ISSUES_DIR
    if not base.is_dir():
        return []
    for md in sorted(base.glob("*/*.md")):
        try:
            text = md.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if not text.startswith("---"):
            continue
        head = text.split("\n---", 1)[0][3:]
        try:
            meta = yaml.safe_load(head)
        except yaml.YAMLError:
            continue
        if isinstance(meta, dict) and isinstance(meta.get("county"), str) and meta["county"].strip():
            found.add(meta["county"].strip())
    return sorted(found)


def slug(text: str) -> str:
    """A file name stem from a file's stem: spaces and odd characters → '-'."""
    out = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", text, flags=re.UNICODE).strip("-._")
    return out[:60] or "article"


def figure_files(name: str, images, folder_rel: str) -> list[tuple[str, Planned]]:
    """(file name, planned file) for each picture: NAME-1.png, NAME-2.jpg …
    BMP and TIFF (scanner output) become PNG, which both writers embed."""
    out = []
    for k, image in enumerate(images, 1):
        ext, blob = image.ext, image.blob
        if ext in TO_PNG:
            png = _as_png(blob)
            if png is not None:
                ext, blob = ".png", png
        fname = f"{name}-{k}{ext}"
        out.append((fname, Planned(f"{folder_rel}/{fname}", blob)))
    return out


TO_PNG = (".bmp", ".dib", ".tif", ".tiff")


def _as_png(blob: bytes) -> bytes | None:
    import io
    import warnings

    try:
        from PIL import Image

        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(blob)) as im:
                im.load()
                out = io.BytesIO()
                im.save(out, format="PNG")
        return out.getvalue()
    except Exception:  # noqa: BLE001 - not decodable, too large, no Pillow: keep the original bytes
        return None


def with_figure_paths(blocks, names: list[str]):
    """Figures carry their picture's number until the file is named."""
    from bulletin.model import Figure

    out = []
    for b in blocks:
        if isinstance(b, Figure) and b.path.isdigit():
            b = Figure(names[int(b.path) - 1], b.caption)
        out.append(b)
    return out


def readback_problem(text: str, blocks, root: Path, folder: Path) -> str | None:
    """The Markdown must read back into the blocks it came from; say so if not
    (a safety net: the writer of the article sees what would change)."""
    from bulletin.model import Figure
    from bulletin.sources.reader import _parse_body, split_front_matter

    diags = Collector()
    parts = split_front_matter(text, "x.md", diags)
    if parts is None:
        return N_("the Markdown has no front matter")
    got = _parse_body(parts[1], "x.md", parts[2], folder, root, Collector())

    def plain(bs):
        return [("figure", b.caption) if isinstance(b, Figure) else _strip_src(b) for b in bs]

    if plain(got) != plain(blocks):
        return N_("the Markdown does not read back exactly as the document: check the article against the Word file")
    return None


def _strip_src(block):
    import dataclasses

    from bulletin.model import Quote

    if isinstance(block, Quote):
        return Quote(tuple(dataclasses.replace(p, src=None) for p in block.paras), None)
    return dataclasses.replace(block, src=None) if hasattr(block, "src") else block


# ---------------------------------------------------------- submissions


def plan_submissions(root: Path, files: list[Path], iid: IssueId, *, county: str | None = None,
                     column: str | None = None, name: str | None = None, soffice: str | None = None,
                     shown: list[str] | None = None) -> Plan:
    """The articles FILES become in issue IID; BulletinError with every problem."""
    from bulletin.commands.scaffold import article_file_name
    from bulletin.importer import markdown as md
    from bulletin.importer.counties import pinyin
    from bulletin.importer.structure import submission

    diags = Collector()
    shown = shown or [str(f) for f in files]
    folder_rel = f"{ISSUES_DIR}/{iid}"
    folder = root / folder_rel
    plan = Plan(issue=iid)
    if not (folder / ISSUE_FILE).exists():
        plan.new_issue = iid
    hints = known_counties(root)
    taken: dict[str, str] = {}
    for path, label in zip(files, shown):
        read = open_and_read(path, label, diags, soffice)
        if read is None:
            continue
        items, notes = read
        try:
            draft = submission(items, notes, hints)
        except Exception as exc:  # noqa: BLE001 - a document our reading does not foresee: one line, never a traceback
            reason = type(exc).__name__ + ": " + str(exc)[:120]
            diags.error("E070", label, 1, N_("{file} could not be read as an article: {reason}", file=path.name, reason=reason))
            continue
        if not draft.title:
            diags.error("E071", label, 1, N_("{file}: no text to import (the document is empty)", file=path.name))
            continue
        report = Report(label)
        the_county = county or draft.county
        if not the_county:
            diags.error("E071", label, 1, N_("{file}: no county found in the unit or the title: pass --county", file=path.name))
            continue
        stem = name or pinyin(the_county) or slug(path.stem)
        fname = article_file_name(stem)
        if fname is None:
            diags.error("E071", label, 1, N_("--name '{name}' is not a plain file name", name=stem))
            continue
        rel = f"{folder_rel}/{fname}"
        if (root / rel).exists() or (root / rel).is_symlink():
            diags.error("E060", rel, 1, N_("{path} already exists: import never overwrites (choose another --name)", path=rel))
            continue
        if rel in taken:
            diags.error("E060", label, 1, N_("{file} and {other} would both become {path}: import them one at a time with --name",
                                             file=path.name, other=taken[rel], path=rel))
            continue
        taken[rel] = path.name
        figs = figure_files(fname[:-3], draft.images, folder_rel)
        for fig_name, planned in figs:
            if (root / planned.rel).exists():
                diags.error("E060", planned.rel, 1, N_("{path} already exists: import never overwrites", path=planned.rel))
            if fig_name.endswith(METAFILES):
                report.guesses.append(N_("picture {name} is a Windows metafile: Word shows it, the PDF cannot; replace it with a PNG", name=fig_name))
        blocks = with_figure_paths(draft.blocks, [f for f, _ in figs])
        unit = draft.unit if draft.unit and draft.unit != the_county else None
        meta = {"title": draft.title, "subtitle": draft.subtitle, "county": the_county, "unit": unit,
                "author": draft.authors, "column": column}
        text = md.article(meta, blocks)
        problem = readback_problem(text, blocks, root, folder)
        plan.files.extend(p for _, p in figs)
        plan.files.append(Planned(rel, text.encode("utf-8"), show=True))
        plan.append_to.append(fname)
        report.lines = [N_("→ {path} (+{count} pictures)", path=rel, count=len(figs)) if figs else f"→ {rel}",
                        N_("title: {title}", title=draft.title),
                        *([N_("subtitle: {subtitle}", subtitle=draft.subtitle)] if draft.subtitle else []),
                        N_("county: {county} (given)", county=the_county) if county else
                        N_("county: {county} (from {source})", county=the_county, source=draft.county_from),
                        N_("unit: {unit}", unit=draft.unit) if draft.unit else N_("unit: (none: the county)"),
                        N_("authors: {authors}", authors="、".join(draft.authors)) if draft.authors else N_("authors: (none)")]
        report.notes = draft.notes
        report.guesses.extend(draft.guesses)
        if not county and not draft.county_sure:
            report.guesses.append(N_("county '{county}' is a guess (from {source}): pass --county if wrong", county=the_county,
                                     source=draft.county_from))
        if problem:
            report.guesses.append(problem)
        plan.reports.append(report)
    if diags.errors:
        raise BulletinError(diags.sorted())
    return plan


def write_plan(root: Path, plan: Plan, today: _dt.date) -> list[str]:
    """Create the planned files (never overwriting); returns what was written."""
    from bulletin.commands.scaffold import append_to_issue, new_issue
    from bulletin.output import create_new

    written: list[str] = []
    if plan.new_issue is not None:
        written.append(new_issue(root, plan.new_issue, today).rel)
    for item in plan.files:
        path = root / item.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if item.rel.endswith((".md", ".yaml")):
            create_new(path, item.data.decode("utf-8"))
        else:
            _create_bytes(path, item.data)
        written.append(item.rel)
    if plan.issue is not None and plan.append_to:
        issue_path = root / ISSUES_DIR / str(plan.issue) / ISSUE_FILE
        for fname in plan.append_to:
            if append_to_issue(issue_path, fname):
                issue_rel = "/".join((ISSUES_DIR, str(plan.issue), ISSUE_FILE))
                written.append(N_("{path} (added {name} to 'articles')", path=issue_rel, name=fname))
    return written


def _create_bytes(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        try:
            fh.write(data)
        except BaseException:
            fh.close()
            path.unlink(missing_ok=True)
            raise


def exists_error(rel: str) -> BulletinError:
    return BulletinError([Diagnostic(rel, 1, 1, "E060", N_("{path} already exists: import never overwrites", path=rel))])
