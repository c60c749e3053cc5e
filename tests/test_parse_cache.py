"""Parsed article bodies are cached: a rebuild of unchanged articles skips markdown-it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bulletin.diagnostics import Collector
from bulletin.sources.reader import _cache_key, _cache_path, parse_body

BODY = "今年以来，乐业县不断加大产业扶贫力度。\n\n## 一、盘活资源\n\n**二、整合资金。**为解决问题。\n"


def parse(body: str, tmp_path: Path, rel: str = "issues/2018-1/a.md"):
    diags = Collector()
    blocks = parse_body(body, rel, 8, tmp_path, tmp_path, diags)
    return blocks, diags


def test_second_parse_comes_from_the_cache_and_equals_the_first(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    first, _ = parse(BODY, tmp_path)
    key = _cache_key(BODY, "issues/2018-1/a.md", 8)
    assert _cache_path(key).is_file()
    second, _ = parse(BODY, tmp_path)
    assert second == first


def test_the_key_covers_text_file_and_first_line():
    keys = {
        _cache_key(BODY, "a.md", 8),
        _cache_key(BODY + "再加一句。", "a.md", 8),
        _cache_key(BODY, "b.md", 8),
        _cache_key(BODY, "a.md", 9),  # source lines in the blocks would shift
    }
    assert len(keys) == 4


def test_bodies_with_figures_or_errors_are_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for body in ("![图1 产业园](fig.png)\n", "![缺](missing.png)\n"):
        parse(body, tmp_path)
        assert not _cache_path(_cache_key(body, "issues/2018-1/a.md", 8)).exists()
    # the missing figure is reported again on the next build, not remembered as fine
    _, diags = parse("![缺](missing.png)\n", tmp_path)
    assert [d.code for d in diags.errors] == ["E033"]


def test_a_damaged_entry_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    first, _ = parse(BODY, tmp_path)
    _cache_path(_cache_key(BODY, "issues/2018-1/a.md", 8)).write_bytes(b"not a pickle")
    again, _ = parse(BODY, tmp_path)
    assert again == first


def test_a_warm_rebuild_does_not_import_markdown_it(example_root, tmp_path):
    code = (
        "import sys; from pathlib import Path\n"
        "from bulletin.commands.build import read_bulletins\n"
        "from bulletin.diagnostics import Collector\n"
        "read_bulletins(Path(sys.argv[1]), None, Collector())\n"
        "print('markdown_it' in sys.modules)\n"
    )
    env = {"BULLETIN_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    cold = subprocess.run([sys.executable, "-c", code, str(example_root)], env=env, capture_output=True, text=True, check=False)
    warm = subprocess.run([sys.executable, "-c", code, str(example_root)], env=env, capture_output=True, text=True, check=False)
    off = subprocess.run([sys.executable, "-c", code, str(example_root)], env={**env, "BULLETIN_NO_PARSE_CACHE": "1"},
                         capture_output=True, text=True, check=False)
    assert (cold.stdout.strip(), warm.stdout.strip(), off.stdout.strip()) == ("True", "False", "True"), (cold.stderr, warm.stderr)
