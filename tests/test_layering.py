"""The house plan's layering: the model imports nothing upstream; writers never import readers."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "bulletin"
READING = {"config", "schemas", "reader", "load", "assemble", "repo", "textfile", "lint", "fix", "check"}


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:  # relative: resolve against the package
                base = path.relative_to(PKG).parent.parts[: len(path.relative_to(PKG).parent.parts) - (node.level - 1)]
                mod = ".".join((*base, mod)) if mod else ".".join(base)
            elif mod.startswith("bulletin."):
                mod = mod[len("bulletin."):]
            names.add(mod.split(".")[0] if not mod.startswith("writers") else mod)
        elif isinstance(node, ast.Import):
            names.update(a.name.removeprefix("bulletin.").split(".")[0] for a in node.names)
    return names


def test_model_depends_on_nothing_of_ours():
    assert not imports_of(PKG / "model.py") & {p.stem for p in PKG.glob("*.py")}


def test_writers_do_not_import_readers():
    for path in (PKG / "writers").rglob("*.py"):
        assert not imports_of(path) & READING, path


def test_text_breaker_is_pure():
    for path in (PKG / "text").rglob("*.py"):
        assert not imports_of(path) - {"", "text", "chars", "breaker", "__future__", "dataclasses", "typing", "collections", "functools", "bisect", "re", "unicodedata", "math", "itertools", "collections.abc"}, path
