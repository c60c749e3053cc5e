"""`bulletin preview ID`: one PNG per PDF page, at the resolution asked, paths printed."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

from bulletin.commands.preview import parse_pages
from tests.conftest import run_cli

A4_INCHES = (595.276 / 72, 841.89 / 72)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def at_dpi(size: tuple[int, int], dpi: int) -> bool:
    """An A4 page rendered at `dpi`: PDFium rounds the pixel size up."""
    return all(abs(px - inches * dpi) <= 1 for px, inches in zip(size, A4_INCHES))


def pdf_pages(path: Path) -> int:
    import pypdfium2

    with pypdfium2.PdfDocument(str(path)) as doc:
        return len(doc)


def test_preview_writes_one_png_per_page_at_the_resolution_asked(example_copy, tmp_path):
    out = tmp_path / "out"
    result = run_cli("preview", "2018-48", "--dpi", "50", "--out", str(out), "--root", str(example_copy))
    assert result.returncode == 0, result.stderr
    count = pdf_pages(out / "2018-48.pdf")
    assert count > 1
    printed = result.stdout.split()
    assert printed == [str(out / "preview" / f"2018-48-{n}.png") for n in range(1, count + 1)]
    for path in map(Path, printed):
        assert at_dpi(png_size(path), 50)
    assert sorted(p.name for p in out.iterdir()) == [".bulletin-stamps.json", "2018-48.pdf", "preview"]


def test_pages_and_dpi_and_the_build_reused(example_copy, tmp_path):
    out = tmp_path / "out"
    first = run_cli("preview", "2018-48", "--pages", "2-3", "--dpi", "72", "-v", "--out", str(out), "--root", str(example_copy))
    assert first.returncode == 0, first.stderr
    assert first.stdout.split() == [str(out / "preview" / "2018-48-2.png"), str(out / "preview" / "2018-48-3.png")]
    assert at_dpi(png_size(out / "preview" / "2018-48-2.png"), 72)
    assert "rebuilt" in first.stderr
    pdf_time = (out / "2018-48.pdf").stat().st_mtime_ns
    again = run_cli("preview", "2018-48", "--pages", "1", "--dpi", "30", "-v", "--out", str(out), "--root", str(example_copy))
    assert again.returncode == 0 and "up to date" in again.stderr
    assert (out / "2018-48.pdf").stat().st_mtime_ns == pdf_time  # the PDF was not rebuilt
    assert at_dpi(png_size(out / "preview" / "2018-48-1.png"), 30)


def test_quiet_prints_the_paths_only(example_copy, tmp_path):
    result = run_cli("preview", "2018-48", "--pages", "1", "-q", "--dpi", "20", "--out", str(tmp_path), "--root", str(example_copy))
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.strip().endswith("2018-48-1.png")


def test_pages_outside_the_pdf_are_a_usage_error(example_copy, tmp_path):
    result = run_cli("preview", "2018-48", "--pages", "40-41", "--out", str(tmp_path), "--root", str(example_copy))
    assert result.returncode == 2 and "--pages" in result.stderr and "Traceback" not in result.stderr
    bad = run_cli("preview", "2018-48", "--pages", "x", "--out", str(tmp_path), "--root", str(example_copy))
    assert bad.returncode == 2


def test_a_broken_issue_previews_nothing(example_copy, tmp_path):
    article = sorted((example_copy / "issues" / "2018-48").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    result = run_cli("preview", "2018-48", "--out", str(tmp_path / "out"), "--root", str(example_copy))
    assert result.returncode == 1 and "E023" in result.stderr and result.stdout == ""
    assert not (tmp_path / "out" / "preview").exists()


@pytest.mark.parametrize(("text", "pages"), [("3", (3, 3)), ("2-4", (2, 4)), ("2-", (2, None)), ("-3", (1, 3)),
                                             ("0", None), ("4-2", None), ("a-b", None), ("-", None), ("", None)])
def test_parse_pages(text, pages):
    assert parse_pages(text) == pages


def test_the_build_path_does_not_import_the_rasteriser(example_copy, tmp_path):
    import subprocess

    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "bulletin.cli", "build", "2018-48", "--format", "pdf",
                           "--out", str(tmp_path), "--root", str(example_copy)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "reportlab" in imported  # the check sees the build's imports
    assert not {"pypdfium2", "watchfiles", "PIL.PngImagePlugin", "http.server"} & imported
