"""Shared fixtures: the example repository, a throw-away copy of it, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "guangxi-fupin"
UPDATE_SNAPSHOTS = os.environ.get("BULLETIN_UPDATE_SNAPSHOTS") == "1"


def pytest_configure(config):
    config.addinivalue_line("markers", "libreoffice: renders a DOCX through LibreOffice headless (slow)")
    # Property tests explore new examples on a developer's machine, but CI
    # must not land or fail by the luck of the draw: there the examples are
    # derived from each test's name (reproducible run to run).
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, database=None)
    if os.environ.get("CI"):
        settings.load_profile("ci")
    # One private cache folder (converted fonts, parsed articles) for the whole
    # run and the CLI processes it starts: tests neither read a developer's
    # cache nor leave theirs behind.
    if "BULLETIN_CACHE_DIR" not in os.environ:
        import tempfile

        os.environ["BULLETIN_CACHE_DIR"] = tempfile.mkdtemp(prefix="bulletin-test-cache-")
    # The tests read English messages, whatever the developer's locale; the
    # Chinese ones are tested by setting the language explicitly (test_i18n.py).
    os.environ["BULLETIN_LANG"] = "en"


@pytest.fixture
def example_root() -> Path:
    return EXAMPLE


@pytest.fixture
def example_copy(tmp_path) -> Path:
    """A private copy of the example repository that a test may break."""
    dest = tmp_path / "repo"
    shutil.copytree(EXAMPLE, dest)
    return dest


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """`bulletin ARGS` in a fresh process, as a user runs it."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bulletin.cli", *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300, check=False,
    )


@pytest.fixture
def cli():
    return run_cli


def check_snapshot(path: Path, actual: str) -> None:
    """Compare with a readable snapshot; BULLETIN_UPDATE_SNAPSHOTS=1 rewrites it."""
    if UPDATE_SNAPSHOTS or not path.exists():
        if not UPDATE_SNAPSHOTS and os.environ.get("CI"):
            pytest.fail(f"snapshot {path} is missing (run with BULLETIN_UPDATE_SNAPSHOTS=1 and commit it)")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"snapshot {path.name} differs (BULLETIN_UPDATE_SNAPSHOTS=1 to accept)"


# ------------------------------------------------ a fake pair of writers
# Build orchestration tests (test_build.py, test_batch.py) replace both writers
# with this: it renders the model dump, counts calls and can be told to fail.
# Forked workers inherit it.

def fake_bytes(bulletin, fmt: str) -> bytes:
    from bulletin.model import dump

    return f"{fmt}\n{dump(bulletin)}".encode()


class FakeWriters:
    """Stands in for both writers; counts calls (in this process) and can fail."""

    def __init__(self):
        self.calls: list[tuple[str, str]] = []
        self.fail: dict[tuple[str, str], Exception] = {}

    def __call__(self, bulletin, fmt, root, style):
        key = (bulletin.info.id, fmt)
        self.calls.append(key)
        if key in self.fail:
            raise self.fail[key]
        return fake_bytes(bulletin, fmt)


@pytest.fixture
def fake(monkeypatch):
    from bulletin.commands import batch

    writers = FakeWriters()
    monkeypatch.setattr(batch, "render", writers)
    monkeypatch.setattr(batch, "warm", lambda *a, **k: None)
    return writers
