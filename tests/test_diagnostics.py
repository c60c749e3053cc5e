"""One catalogue: every code the package emits is listed, with its meaning."""

from __future__ import annotations

import re
from pathlib import Path

from bulletin.diagnostics import CODES
from bulletin.commands.lint import RULES

PKG = Path(__file__).resolve().parents[1] / "bulletin"


def test_every_emitted_code_is_catalogued():
    used = set()
    for path in PKG.rglob("*.py"):
        used |= set(re.findall(r"[\"']([EW]\d{3})[\"']", path.read_text(encoding="utf-8")))
    assert used, "no codes found: the scan is broken"
    missing = sorted(c for c in used if c not in CODES and c not in RULES)
    assert not missing, f"codes used but not in diagnostics.CODES / lint.RULES: {missing}"


def test_warnings_are_lint_rules_and_errors_are_catalogued():
    assert all(code.startswith("E") for code in CODES)
    assert all(rule.code.startswith(("W", "E")) for rule in RULES.values())
