"""The lean DOCX template: loading python-docx's default template already
pruned (package._pruned_default, for start-up time) gives the very bytes
that loading it whole and pruning afterwards gives."""

from __future__ import annotations

import io
import zipfile

import docx

from bulletin.writers.docx import package


def test_pruned_default_gives_the_same_lean_template(monkeypatch):
    fast = package.lean_template.__wrapped__()
    monkeypatch.setattr(package, "_pruned_default", lambda: None)
    whole = docx.Document
    monkeypatch.setattr(package.docx, "Document", lambda _stream=None: whole())  # loaded whole, then pruned
    slow = package.lean_template.__wrapped__()
    assert fast == slow
    names = set(zipfile.ZipFile(io.BytesIO(fast)).namelist())
    assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names
    assert {"word/document.xml", "word/styles.xml", "word/fontTable.xml"} <= names
