"""`bulletin watch`: rebuild the issues a change touches, for as long as it runs.

The watching is watchfiles' (Rust `notify` underneath: inotify here, FSEvents
on macOS, with polling as its fallback), which also debounces: a burst of
events (an editor's save = write temp file, rename, chmod) arrives as one set.
Each set becomes one ordinary incremental build of the affected issues, so a
broken edit changes nothing on disk (the build is all or nothing) and the
last good outputs stay.  The CLI prints; nothing here does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.commands.build import BuildOptions, BuildReport, build
from bulletin.diagnostics import BulletinError, Diagnostic
from bulletin.numbering import IssueId, parse_issue_id
from bulletin.sources.repo import ISSUE_FILE, ISSUES_DIR

DEBOUNCE_MS = 300  # long enough for one save's burst of events, short enough not to feel slow


@dataclass
class Round:
    """One rebuild: what changed, which issues were built, and how it went."""

    changed: list[str]  # repository-relative paths
    ids: list[IssueId] | None  # None: every issue
    report: BuildReport | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is not None and self.report.ok and not self.diagnostics


def affected(root: Path, changed: Iterable[Path], watched: list[IssueId] | None) -> list[IssueId] | None:
    """The issues to rebuild after `changed`, or None for every watched one.

    An article or figure in issues/ID/ concerns issue ID alone.  Anything
    else (bulletin.yaml, an issue.yaml whose `total:` renumbers the issues
    after it, a shared figure) may concern every issue: all of them are
    built, and the incremental build skips those it leaves unchanged."""
    ids: set[IssueId] = set()
    for path in changed:
        try:
            parts = path.resolve().relative_to(root.resolve()).parts
        except ValueError:
            return watched
        iid = parse_issue_id(parts[1]) if len(parts) >= 3 and parts[0] == ISSUES_DIR else None
        if iid is None or parts[-1] == ISSUE_FILE:
            return watched
        ids.add(iid)
    if watched is not None:
        return [i for i in watched if i in ids]
    return sorted(ids)


class Watcher:
    """Build once, then again on every change, until `stop()`."""

    def __init__(self, root: Path, ids: list[IssueId] | None, options: BuildOptions):
        self.root = root
        self.ids = ids
        self.options = options
        self.stop_event = threading.Event()

    def build(self, ids: list[IssueId] | None, changed: list[str]) -> Round:
        round_ = Round(changed, ids)
        if ids is not None and not ids:
            return round_
        try:
            round_.report = build(self.root, ids, self.options)
        except BulletinError as exc:  # the repository itself is unreadable now (bulletin.yaml removed…)
            round_.diagnostics = list(exc.diagnostics)
        return round_

    def first(self) -> Round:
        return self.build(self.ids, [])

    def rounds(self) -> Iterator[Round]:
        """A Round after each burst of changes to the sources; ends on stop()."""
        import watchfiles

        for changes in watchfiles.watch(self.root, watch_filter=self._filter(), debounce=DEBOUNCE_MS * 4,
                                        step=DEBOUNCE_MS, stop_event=self.stop_event, raise_interrupt=False):
            paths = sorted({Path(p) for _, p in changes})
            # What to show: an editor's or sed's short-lived temporary files are no news.
            rel = [self._rel(p) for p in paths if p.exists() or p.suffix in (".md", ".yaml", ".yml")]
            yield self.build(affected(self.root, paths, self.ids), rel)
            if self.stop_event.is_set():
                return

    def stop(self) -> None:
        self.stop_event.set()

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def _filter(self):
        import watchfiles

        out = self.options.out_dir.resolve()

        class SourcesOnly(watchfiles.DefaultFilter):
            """Not the outputs (OUT is often build/ inside the repository),
            not hidden files, not editors' temporary files."""

            def __call__(self, change, path: str) -> bool:
                p = Path(path)
                if p == out or out in p.parents or p.name.startswith("."):
                    return False
                return super().__call__(change, path)

        return SourcesOnly()
