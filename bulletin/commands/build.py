"""Build issues: read and check everything, assemble the model, render, write.

`build` reads as the three transformations of DESIGN.md, plus the bookkeeping
of an incremental batch:

    plan    which outputs are stale (incremental.py: content hashes)
    render  sources → Bulletin → bytes, for each stale issue (batch.py: in this
            process or in worker processes), each file staged as a hidden
            temporary file beside its target; no output is replaced meanwhile
    write   the staged files renamed into place, all at the end; stamps last

Every requested issue is read and checked before any file is written; with an
error nothing is written (unless keep_going, which writes the sound issues).
Returns a report; never prints.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.commands.batch import FORMATS, TaskResult, discard, e050, render  # noqa: F401 (render: the one place formats are dispatched)
from bulletin.diagnostics import Collector, Diagnostic
from bulletin.i18n import N_
from bulletin.numbering import IssueId

if TYPE_CHECKING:
    from bulletin.model import Bulletin


@dataclass
class BuildOptions:
    out_dir: Path = Path("build")
    formats: tuple[str, ...] = FORMATS
    jobs: int = 1
    keep_going: bool = False
    force: bool = False
    style: str = "default"


@dataclass
class IssueResult:
    id: str
    outputs: list[Path] = field(default_factory=list)  # files written
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: bool = False  # every output was up to date
    failed: bool = False
    empty: bool = False  # no articles yet: skipped by --all
    warnings: int = 0  # lint findings (W…) of the issue as rendered

    @property
    def ok(self) -> bool:
        return not self.failed and not any(d.severity == "error" for d in self.diagnostics)


@dataclass
class BuildReport:
    issues: list[IssueResult] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # all of them, repository-wide ones too
    written: list[Path] = field(default_factory=list)
    nothing_written: bool = False  # errors stopped the whole batch
    elapsed: float = 0.0
    interrupted: bool = False  # Ctrl-C: the issues finished by then are written, the others left as they were
    substitutes: list[tuple[str, str]] = field(default_factory=list)  # (role, family) set in a fallback face
    config_warnings: int = 0  # placeholders left in bulletin.yaml

    @property
    def empty(self) -> list[IssueResult]:
        return [r for r in self.issues if r.empty]

    @property
    def warnings(self) -> int:
        return self.config_warnings + sum(r.warnings for r in self.issues)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors and not any(r.failed for r in self.issues)

    @property
    def built(self) -> list[IssueResult]:
        return [r for r in self.issues if r.outputs]

    @property
    def skipped(self) -> list[IssueResult]:
        return [r for r in self.issues if r.skipped]

    @property
    def failed(self) -> list[IssueResult]:
        return [r for r in self.issues if r.failed]


Progress = Callable[[int, int, str], None]  # (issues done, issues to build, issue id)


def build(root: Path, ids: list[IssueId] | None, options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the issues ``ids`` (None: every issue) of the repository at ``root``."""
    start = time.perf_counter()
    plan = _plan(root, ids, options)
    out_existed = options.out_dir.is_dir()
    report = BuildReport()
    rendered: dict[IssueId, TaskResult] = {}
    interrupted = False
    try:
        try:
            _render(root, plan, options, progress, rendered)
        except KeyboardInterrupt:
            # Ctrl-C: each issue in `rendered` is finished, all its formats
            # staged; they are written below like a whole batch, the rest is
            # swept.  Workers ignore SIGINT, so none is left half-way.
            interrupted = True
        with _no_interrupts():  # a second Ctrl-C must not stop the renames half-way
            report = _report(plan, rendered)
            report.interrupted = interrupted
            if not report.errors or options.keep_going:
                _write(plan, rendered, report)
                if ids is None and "html" in plan.formats and not interrupted:
                    _write_index(root, plan, report)
            else:
                report.nothing_written = True
            if report.built and not interrupted:
                report.substitutes = _substitutes(plan) if "pdf" in plan.formats else []
                report.config_warnings = _config_warnings(root)
    finally:
        _sweep(options.out_dir, plan.token, out_existed)  # staged files not renamed; a folder left empty
    report.elapsed = time.perf_counter() - start
    return report


@dataclass
class _Plan:
    wanted: list[IssueId]
    out_dir: Path
    formats: tuple[str, ...]
    results: dict[IssueId, IssueResult]
    keys: dict[IssueId, dict[str, str | None]]  # issue → format → content key
    tasks: list[tuple[IssueId, tuple[str, ...]]]  # stale issues and their stale formats
    stamps: object  # incremental.Stamps
    planner: object  # incremental.Planner
    diagnostics: Collector  # E002 unknown ids, E003 misnamed folders
    token: str  # marks this build's staged files


def _plan(root: Path, ids: list[IssueId] | None, options: BuildOptions) -> _Plan:
    """Which outputs are stale, from content hashes: no Markdown is parsed and
    no writer imported, so an up-to-date batch costs almost nothing."""
    formats = tuple(dict.fromkeys(options.formats)) or FORMATS
    if "pdf" not in formats:
        return _plan_keys(root, ids, options, formats)
    from bulletin.fonts.find import listing_ahead

    with listing_ahead():  # a PDF key needs the installed fonts: fc-list runs meanwhile
        return _plan_keys(root, ids, options, formats)


def _plan_keys(root: Path, ids: list[IssueId] | None, options: BuildOptions, formats: tuple[str, ...]) -> _Plan:
    from bulletin.commands.incremental import Planner, Stamps
    from bulletin.sources.repo import issue_folders

    diags = Collector()
    folders = issue_folders(root, diags)
    wanted = sorted(folders) if ids is None else list(dict.fromkeys(ids))
    plan = _Plan(wanted, options.out_dir, formats, {}, {}, [], Stamps(options.out_dir), Planner(root, folders, options.style), diags,
                 token=f"b{os.getpid()}x{time.monotonic_ns() % 1000000:06d}")
    for iid in wanted:
        plan.results[iid] = IssueResult(str(iid))
        if ids is None and iid in folders and _no_articles(folders[iid]):
            plan.results[iid].empty = True  # `bulletin new` alone: --all skips it, with a note
            continue
        if iid not in folders:
            diags.error("E002", "issues", 1, N_("issue {iid} not found (no folder issues/{iid})", iid=str(iid)))
            plan.results[iid].failed = True
            continue
        plan.keys[iid] = plan.planner.keys(iid, formats)
        stale = formats if options.force else tuple(
            f for f in formats if not plan.stamps.fresh(options.out_dir / f"{iid}.{f}", plan.keys[iid][f])
        )
        if stale:
            plan.tasks.append((iid, stale))
        else:
            plan.results[iid].skipped = True
    return plan


def _render(root: Path, plan: _Plan, options: BuildOptions, progress: Progress | None,
            rendered: dict[IssueId, TaskResult] | None = None) -> dict[IssueId, TaskResult]:
    """Read, check, assemble, render and stage each stale issue (batch.py),
    in this process or in workers; results merged per issue, in this process."""
    if not plan.tasks:
        return {}
    from bulletin.commands import batch

    def load_repo():
        # The repository's own findings (bulletin.yaml, every issue.yaml) go
        # with the plan's: they concern the whole batch.  Imported here, so
        # that markdown-it loads after a fork, while the workers start.
        from bulletin.sources.load import load_repository

        return load_repository(root, plan.diagnostics)

    rendered = {} if rendered is None else rendered

    def collect(result: TaskResult) -> None:
        res = plan.results[result.id]
        res.diagnostics.extend(result.diagnostics)
        res.warnings = result.warnings
        rendered[result.id] = result  # last: an issue in `rendered` is complete
        res.failed = not result.ok
        if progress is not None:
            progress(len(rendered), len(plan.tasks), str(result.id))

    if progress is not None:
        progress(0, len(plan.tasks), "")
    style = _style_or_none(plan.planner)
    common = {"root": root, "style_name": options.style, "out_dir": options.out_dir, "token": plan.token,
              "keep_going": options.keep_going, "on_result": collect}
    units = sum(len(fmts) for _, fmts in plan.tasks)
    if 1 < options.jobs and len(plan.tasks) < options.jobs and units > 1 and style is not None and batch.can_fork():
        # Fewer stale issues than workers (one issue, typically), but more
        # than one file: the PDF workers start before the reading, and the
        # DOCX is made here meanwhile.  (A lone file is made in-process:
        # a worker would only add its start-up.)
        batch.run_small(
            plan.tasks, load_repo=load_repo,
            repo_failed=lambda: bool(plan.diagnostics.errors), style=style,
            overrides=plan.planner.font_overrides, jobs=options.jobs, **common,
        )
    else:
        repo = load_repo()
        # Largest issues first, so that the last task to finish is a short one.
        work = sorted(plan.tasks, key=lambda task: -plan.planner.sizes.get(task[0], 0))
        batch.run(work, repo=repo, style=style, jobs=options.jobs,
                  check_only=bool(plan.diagnostics.errors) and not options.keep_going, **common)
    return rendered


def _report(plan: _Plan, rendered: dict[IssueId, TaskResult]) -> BuildReport:
    diags = list(plan.diagnostics.items)
    for iid in plan.wanted:
        diags.extend(plan.results[iid].diagnostics)
    unique = list(dict.fromkeys(diags))  # E003 comes from the plan and from the reading
    return BuildReport(issues=[plan.results[i] for i in plan.wanted], diagnostics=_one_e050_per_folder(unique))


def _write(plan: _Plan, rendered: dict[IssueId, TaskResult], report: BuildReport) -> None:
    """Rename every staged output of the sound issues into place; the stamps last."""
    from bulletin.commands.web import asset_path

    diags = Collector(report.diagnostics)
    sound = [iid for iid in plan.wanted if iid in rendered and rendered[iid].ok]
    # an HTML page's figures (OUT/ID/NAME) go in before the pages that link to them
    assets = [(iid, asset_path(plan.out_dir, key), tmp) for iid in sound
              for key, tmp in rendered[iid].staged.items() if asset_path(plan.out_dir, key) is not None]
    written = _commit(
        assets + [(iid, plan.out_dir / f"{iid}.{fmt}", rendered[iid].staged[fmt])
                  for iid in sound for fmt in plan.formats if fmt in rendered[iid].staged],
        diags,
    )
    copies = {path for _, path, _ in assets}
    for iid, path in written:
        plan.results[iid].outputs.append(path)
        if path in copies:
            continue  # a figure copy: the page's stamp covers it
        fmt = path.suffix[1:]
        plan.stamps.record(path, plan.keys[iid][fmt], rendered[iid].digests.get(fmt))
    plan.stamps.save()
    report.diagnostics = diags.items
    report.written = [p for _, p in written]
    report.nothing_written = not written and bool(report.errors)


def _write_index(root: Path, plan: _Plan, report: BuildReport) -> None:
    """OUT/index.html with --all --format html: every sound issue, by year."""
    from bulletin.commands.web import INDEX_NAME, write_index

    try:
        path = write_index(root, plan.out_dir, plan.planner.style)
    except OSError as exc:
        report.diagnostics.append(e050(plan.out_dir / INDEX_NAME, exc))
        return
    if path is not None:
        report.written.append(path)


def _one_e050_per_folder(items: list[Diagnostic]) -> list[Diagnostic]:
    """An unwritable output folder is one error, not one per file."""
    out, seen = [], {}
    for d in items:
        if d.code != "E050":
            out.append(d)
            continue
        reason = d.message.rsplit(": ", 1)[-1]
        key = (str(Path(d.path).parent), reason)
        if key in seen:
            seen[key][1] += 1
            continue
        seen[key] = [len(out), 0]
        out.append(d)
    for (folder, reason), (index, more) in seen.items():
        if more:
            d = out[index]
            out[index] = Diagnostic(d.path, d.line, d.col, d.code,
                                    N_("cannot write {path} (nor {more} more in {folder}): {reason}", path=d.path, more=more, folder=folder, reason=reason))
    return out


def _style_or_none(planner):
    try:
        return planner.style
    except Exception:  # noqa: BLE001 - a broken style is reported where it is used
        return None


def _commit(files: list[tuple[IssueId, Path, str]], diags: Collector) -> list[tuple[IssueId, Path]]:
    """Rename the staged files into place.  Staging (in the tasks) did the
    writing, so a full disk or a read-only folder was met before the first
    rename and left every earlier output as it was."""
    written = []
    for i, (iid, path, tmp) in enumerate(files):
        try:
            os.replace(tmp, path)
        except OSError as exc:
            diags.items.append(e050(path, exc))
            discard([tmp])
            continue
        except BaseException:
            discard(t for *_, t in files[i:])
            raise
        written.append((iid, path))
    return written


def _no_articles(folder) -> bool:
    """An issue folder with an issue.yaml but no article yet (no *.md, no `articles:` list)."""
    import yaml

    from bulletin.sources.repo import ISSUE_FILE

    try:
        if any(not p.name.startswith(".") for p in folder.path.glob("*.md")):
            return False
        data = yaml.safe_load((folder.path / ISSUE_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False  # the reading reports what is wrong
    return isinstance(data, dict) and not data.get("articles")


class _no_interrupts:
    """SIGINT held back inside (main thread only): the renames and the stamps
    finish, then a Ctrl-C that came meanwhile is delivered to the handler that
    was there before.  Held back, not dropped: `watch` stops on the SIGINT
    that arrives while a rebuild is being written."""

    def __enter__(self):
        import signal
        import threading

        self.previous = None
        self.pending = False
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._hold)
        return self

    def _hold(self, signum, frame) -> None:
        self.pending = True

    def __exit__(self, *exc):
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            if self.pending:
                signal.raise_signal(signal.SIGINT)
        return False


def _substitutes(plan: _Plan) -> list[tuple[str, str]]:
    """The roles the PDF set in a substitute face (official font not installed)."""
    from bulletin.fonts import FontError, resolve_fonts

    try:
        faces = resolve_fonts(plan.planner.style.fonts, plan.planner.font_overrides, plan.planner.root)
    except (FontError, OSError, AttributeError):
        return []  # a font error is reported by the writer
    return [(role, face.family) for role, face in faces.items() if face.source == "fallback"]


def _config_warnings(root: Path) -> int:
    from bulletin.commands.check import placeholder_findings
    from bulletin.sources.repo import CONFIG_NAME

    return len(placeholder_findings(root / CONFIG_NAME, CONFIG_NAME, yaml_only=True))


def _sweep(out_dir: Path, token: str, out_existed: bool) -> None:
    """Remove this batch's staged files (a failed or interrupted build), and
    the output folder if this build created it and it stayed empty."""
    try:
        discard(str(p) for p in out_dir.glob(f".*.{token}.*.tmp"))
        if not out_existed:
            out_dir.rmdir()
    except OSError:
        pass


# --------------------------------------------------------------------------
# Reading only (tests, other commands)


def read_bulletins(root: Path, ids: list[IssueId] | None, diags: Collector) -> dict[IssueId, Bulletin | None]:
    """Sources → checked models, one per requested issue (None where the issue has errors).
    ids None means every issue of the repository."""
    from bulletin.sources.assemble import assemble
    from bulletin.sources.load import load_issue, load_repository

    repo = load_repository(root, diags)
    wanted = sorted(repo.folders) if ids is None else ids
    out: dict[IssueId, Bulletin | None] = {}
    for iid in wanted:
        if iid not in repo.folders:
            diags.error("E002", "issues", 1, N_("issue {iid} not found (no folder issues/{iid})", iid=str(iid)))
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
