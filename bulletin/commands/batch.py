"""Rendering many issues: one task per issue (read, check, assemble, render),
run in this process or in a pool of worker processes.

- ``run``: the batch.  Each worker takes whole issues; with one job, or one
  issue, everything runs in this process (no pool start-up).
- ``run_small``: fewer stale issues than workers but more than one file (one
  issue in both formats, typically).  PDF workers fork first; this process
  reads the issues meanwhile, sends each worker its assembled Bulletin, and
  makes the DOCX itself.

A task never writes an output and never prints: it returns the issue's
diagnostics and, when the issue is sound, each format *staged*: written to a
hidden temporary file beside its target (so the disk work runs in the
workers, in parallel).  The parent (build.py) renames the staged files
into place only after every task has come back sound, and deletes them
otherwise, so a batch stays all or nothing however its tasks are spread.

Workers load the writers and fonts once (the initializer imports the writers;
fonts are parsed at a worker's first PDF and kept for the rest).  On Linux the
pool forks, so a worker starts with the parent's read repository and style.
Warming the fonts in the parent before forking was tried and dropped: it made
PDFs differ from a single build's, and on two cores it saves no time.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.diagnostics import BulletinError, Collector, Diagnostic
from bulletin.i18n import N_
from bulletin.numbering import IssueId

FORMATS = ("docx", "pdf")


@dataclass
class TaskResult:
    id: IssueId
    diagnostics: list[Diagnostic] = field(default_factory=list)
    staged: dict[str, str] = field(default_factory=dict)  # format → temporary file, only when sound
    digests: dict[str, str] = field(default_factory=dict)  # format → sha256 of the bytes, for the stamp
    unreadable: bool = False  # stopped by an error reported elsewhere (bulletin.yaml, issue.yaml)
    warnings: int = 0  # lint findings (W…) of its articles, for build's summary line

    @property
    def ok(self) -> bool:
        return not self.unreadable and not any(d.severity == "error" for d in self.diagnostics)


def render(bulletin, fmt: str, root: Path, style) -> bytes:
    """One format of one assembled issue, as bytes."""
    if fmt == "docx":
        from bulletin.writers.docx import write_docx

        return write_docx(bulletin, style, root)
    if fmt == "pdf":
        from bulletin.writers.pdf import write_pdf

        return write_pdf(bulletin, style, root)
    if fmt == "html":
        from bulletin.commands.web import render_html

        return render_html(bulletin, root, style)
    raise ValueError(fmt)


def warm(formats: Iterable[str], style, root: Path, overrides: dict | None = None) -> None:
    """Import the writers and find the fonts now, before the first issue, so
    that forked workers start with them.

    Only what cannot change an output: registering a face here, ahead of the
    writer and with other characters, gave PDFs that differed from a single
    build's.  A PDF writer that offers ``warm(style, overrides, root)`` does
    its own (output-neutral) preloading.  A font problem is not raised here:
    the writer reports it for the issue that meets it (E040/E041).
    """
    formats = tuple(formats)
    if "docx" in formats:
        import bulletin.writers.docx  # noqa: F401
    if "pdf" in formats:
        import importlib

        from bulletin.writers import pdf

        for sub in ("layout", "draw", "faces"):
            try:
                importlib.import_module(f"{pdf.__name__}.{sub}")
            except ImportError:
                pass
        hook = getattr(pdf, "warm", None)
        try:
            if hook is not None:
                hook(style, overrides or {}, root)
            else:
                from bulletin.fonts import resolve_fonts

                resolve_fonts(style.fonts, overrides or {}, root)
        except Exception:  # noqa: BLE001, S110 - reported by the writer, per issue
            pass


# --------------------------------------------------------------------------
# Worker state: set once per process (inherited through fork, or built by the
# initializer), read by every task.


class _Flag:
    """In-process stand-in for multiprocessing.Event."""

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set


def stage(path: Path, data: bytes, token: str) -> str:
    """Write ``data`` to a hidden temporary file beside ``path``; return its
    name.  ``token`` marks the batch's files for clean-up.

    Not fsynced: a failed or killed build still leaves every earlier output
    intact (the rename comes last), and an output torn by a power cut is
    caught by its stamp (size and sha256 no longer match) and rebuilt, since
    outputs are reproducible.  Syncing 104 files cost a 52-issue batch ~3 %."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{token}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
    except BaseException:
        discard([tmp])
        raise
    return tmp


def discard(paths: Iterable[str]) -> None:
    for tmp in paths:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def e050(path: Path, exc: OSError) -> Diagnostic:
    """The one-line error for an output that cannot be written."""
    return Diagnostic(str(path), 1, 1, "E050", N_("cannot write {path}: {reason}", path=str(path), reason=exc.strerror or str(exc)))


@dataclass
class _State:
    root: Path
    style_name: str
    formats: tuple[str, ...]
    out_dir: Path = Path("build")
    token: str = ""
    repo: object = None  # load.Repository
    style: object = None  # style.Style
    check_only: object = None  # Event: set once the batch is lost (an error, no --keep-going)


_STATE: _State | None = None


def _prepare(root: Path, style_name: str, formats: tuple[str, ...], out_dir: Path, token: str, check_only,
             repo=None, style=None) -> _State:
    from bulletin.sources.load import load_repository
    from bulletin.style import load_style

    if repo is None:
        repo = load_repository(root, Collector())  # its findings were reported by the parent
    if style is None:
        style = load_style(style_name)
    return _State(root, style_name, formats, out_dir, token, repo, style, check_only)


def _init_worker(root: Path, style_name: str, formats: tuple[str, ...], out_dir: Path, token: str, check_only,
                 warm_formats: tuple[str, ...], overrides: dict | None = None) -> None:
    """Each worker, once: the batch's state (inherited through fork, else
    read again), then the writers and fonts of the formats it will render."""
    global _STATE
    import signal

    # Ctrl-C on a terminal reaches the whole process group: the parent alone
    # stops the batch (it writes the issues finished, sweeps the rest), so
    # no worker dies half-way through staging a file.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _STATE is not None and _STATE.token == token:
        _STATE.check_only = check_only  # forked: repository and style inherited
    else:
        _STATE = _prepare(root, style_name, formats, out_dir, token, check_only)
    if warm_formats and not check_only.is_set():
        if overrides is None:
            pub = _STATE.repo.publication if _STATE.repo is not None else None
            overrides = dict((pub.data.get("fonts") or {}) if pub else {})
        warm(warm_formats, _STATE.style, root, overrides)


def read_issue(repo, iid: IssueId) -> tuple[TaskResult, object]:
    """Read, check and assemble one issue: (result with its diagnostics and
    lint count, the Bulletin or None when the issue is not sound)."""
    result, issue, bulletin = _read_issue(repo, iid)
    if bulletin is not None:
        result.warnings = lint_count(repo.root, issue)
    return result, bulletin


def _read_issue(repo, iid: IssueId) -> tuple[TaskResult, object, object]:
    """read_issue without the lint count: (result, the loaded issue, the
    Bulletin), the last two None when the issue is not sound."""
    from bulletin.sources.assemble import assemble
    from bulletin.sources.load import load_issue

    diags = Collector()
    result = TaskResult(iid)
    if iid not in repo.folders:
        result.unreadable = True  # the repository's reading reported why
        return result, None, None
    # Read the articles even when bulletin.yaml or issue.yaml is broken, so
    # that every error is listed in one run (load_issue returns None then).
    issue = load_issue(repo, iid, diags)
    result.diagnostics = diags.items
    if issue is None or diags.errors or repo.publication is None:
        result.unreadable = issue is None or repo.publication is None
        return result, None, None
    return result, issue, assemble(repo, issue)


def lint_count(root: Path, issue) -> int:
    """How many lint findings (W…) `bulletin check` would list for these articles."""
    from bulletin.commands.check import lint_article, placeholder_findings

    try:
        return sum(len(lint_article(art, root, None)) + len(placeholder_findings(root / art.rel, art.rel))
                   for art in issue.articles)
    except Exception:  # noqa: BLE001 - a count for the summary line must never stop a build
        return 0


def render_task(iid: IssueId, bulletin, formats: tuple[str, ...], result: TaskResult | None = None) -> TaskResult:
    """Render and stage the formats of one assembled issue (in whichever process)."""
    from bulletin.fonts import FontError

    state = _STATE
    assert state is not None, "render_task outside a batch"
    result = result if result is not None else TaskResult(iid)
    if state.check_only.is_set():
        return result  # the batch has failed already: check, don't render
    rendered: dict[str, bytes] = {}
    for fmt in formats:
        try:
            rendered[fmt] = render(bulletin, fmt, state.root, state.style)
        except BulletinError as exc:
            result.diagnostics.extend(exc.diagnostics)
        except FontError as exc:
            result.diagnostics.extend(Diagnostic("bulletin.yaml", 1, 1, "E040", line) for line in exc.lines)
    if not result.ok or state.check_only.is_set():
        return result  # all formats of an issue, or none
    try:
        for fmt, data in rendered.items():
            path = state.out_dir / f"{iid}.{fmt}"
            result.staged[fmt] = stage(path, data, state.token)
            result.digests[fmt] = hashlib.sha256(data).hexdigest()
        if "html" in rendered:  # the page's figures, copied to OUT/ID/ with it
            from bulletin.commands.web import stage_assets

            path = state.out_dir / str(iid)
            result.staged.update(stage_assets(bulletin, state.root, state.out_dir, state.token, stage))
    except OSError as exc:
        discard(result.staged.values())
        result.staged = {}
        result.diagnostics.append(e050(path, exc))
    except BaseException:
        discard(result.staged.values())
        raise
    return result


def run_task(iid: IssueId, formats: tuple[str, ...]) -> TaskResult:
    """Read, check, assemble, render and stage one issue (in whichever process)."""
    state = _STATE
    assert state is not None, "run_task outside a batch"
    result, bulletin = read_issue(state.repo, iid)
    if bulletin is None:
        return result
    return render_task(iid, bulletin, formats, result)


# --------------------------------------------------------------------------
# Running a batch


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    # What _fork_context() tells, without importing multiprocessing (~5 ms
    # of a one-issue build): on Linux, fork is always there.
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _fork_context():
    import multiprocessing

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def run(
    tasks: list[tuple[IssueId, tuple[str, ...]]],
    *,
    root: Path,
    repo,
    style_name: str,
    out_dir: Path,
    token: str,
    style=None,
    jobs: int,
    keep_going: bool,
    on_result: Callable[[TaskResult], None],
    check_only: bool = False,
) -> None:
    """Run ``tasks`` (issue, formats to render) and hand each result to
    ``on_result`` in this process, in completion order.

    Without keep_going, the first failed issue turns the remaining tasks into
    checks only: every error is still found and listed, but no time is spent
    rendering a batch that will not be written.  ``check_only`` starts in
    that state (the repository already has errors).
    """
    global _STATE
    if not tasks:
        return
    formats = tuple(dict.fromkeys(f for _, fs in tasks for f in fs))
    jobs = max(1, min(jobs, len(tasks)))
    ctx = _fork_context() if jobs > 1 else None

    if jobs == 1:
        _STATE = _prepare(root, style_name, formats, out_dir, token, _Flag(), repo=repo, style=style)
        if check_only:
            _STATE.check_only.set()
        for iid, fmts in tasks:
            result = run_task(iid, fmts)
            if not result.ok and not keep_going:
                _STATE.check_only.set()
            on_result(result)
        return

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    mp = ctx or multiprocessing.get_context()
    stop = mp.Event()
    if check_only:
        stop.set()
    if ctx is not None:
        # Forked workers inherit the read repository and the style.  The
        # writers are imported in the workers, in parallel, not here first.
        _STATE = _prepare(root, style_name, formats, out_dir, token, stop, repo=repo, style=style)
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=mp, initializer=_init_worker,
        initargs=(root, style_name, formats, out_dir, token, stop, formats),
    ) as pool:
        futures = [pool.submit(run_task, iid, fmts) for iid, fmts in tasks]
        try:
            for future in as_completed(futures):
                result = future.result()
                if not result.ok and not keep_going:
                    stop.set()
                on_result(result)
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def run_small(
    tasks: list[tuple[IssueId, tuple[str, ...]]],
    *,
    root: Path,
    load_repo: Callable[[], object],
    repo_failed: Callable[[], bool],
    style_name: str,
    style,
    overrides: dict,
    out_dir: Path,
    token: str,
    jobs: int,
    keep_going: bool,
    on_result: Callable[[TaskResult], None],
) -> None:
    """A batch smaller than the pool (typically one issue), with fork.

    The PDF is the long path, so it gets the workers, forked first: while
    they import reportlab and the PDF writer (and preload fonts, if the
    writer offers ``warm``), this process reads and checks the issues
    (markdown-it), then hands each PDF worker its assembled Bulletin and
    renders the DOCX itself.  One result per issue, both halves
    merged; nothing is rendered unless every issue read sound (or keep_going).
    One bare forked child per PDF (forked.py), not a process pool: the pool's
    start-up would delay both halves.
    """
    global _STATE
    from bulletin.commands.forked import ForkedWorker

    assert can_fork(), "run_small needs fork"
    stop = _Flag()
    formats = tuple(dict.fromkeys(f for _, fs in tasks for f in fs))
    _STATE = _State(root, style_name, formats, out_dir, token, None, style, stop)
    pdf_tasks = [iid for iid, fmts in tasks if "pdf" in fmts]
    workers: list[ForkedWorker] = []
    try:
        # One worker per PDF (fewer stale issues than jobs), forked now: they
        # warm up while this process reads.
        for _ in pdf_tasks:
            workers.append(ForkedWorker(_init_worker, (root, style_name, ("pdf",), out_dir, token, stop, ("pdf",), overrides)))
        _STATE.repo = load_repo()
        read = [(iid, fmts, *_read_issue(_STATE.repo, iid)) for iid, fmts in tasks]
        if not keep_going and (repo_failed() or any(not result.ok for _, _, result, _, _ in read)):
            stop.set()  # all or nothing: no issue is rendered
        pending = {}
        idle = iter(workers)
        for iid, fmts, result, _issue, bulletin in read:
            if bulletin is not None and "pdf" in fmts and not stop.is_set():
                worker = next(idle)
                worker.submit(render_task, iid, bulletin, ("pdf",))
                pending[iid] = worker
        for iid, fmts, result, issue, bulletin in read:
            here = tuple(f for f in fmts if f != "pdf")  # DOCX (and HTML) in this process
            if bulletin is not None and here:
                render_task(iid, bulletin, here, result)
                if not result.ok and not keep_going:
                    stop.set()
            if bulletin is not None:
                # Counted here, once the PDF is on its way and the DOCX made:
                # the count is only for the summary line, and the worker
                # should not wait for it.  (Not in the worker, after its PDF:
                # it would import markdown-it and the lint rules, ~20 ms.)
                result.warnings = lint_count(_STATE.repo.root, issue)
            if iid in pending:
                part = pending.pop(iid).result()
                result.diagnostics.extend(part.diagnostics)
                result.staged.update(part.staged)
                result.digests.update(part.digests)
                if not result.ok and not keep_going:
                    stop.set()
            if not result.ok:
                discard(result.staged.values())
                result.staged = {}
            on_result(result)
    finally:
        for worker in workers:
            worker.close()
