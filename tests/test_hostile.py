"""Hostile and odd input (issue 15): nothing hangs, nothing crashes, every
message names the real cause.

Special files run the CLI in a fresh process with a timeout of a few
seconds: that is the guard against a hang (a blocking read never returns),
not a speed test.
"""

from __future__ import annotations

import os
import re
import socket
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin.cli import main
from bulletin.files import NotRegularFile, not_regular, read_regular

ISSUE = Path("issues/2018-48")
DIAGNOSTIC = re.compile(r"^[^\s:][^:]*:[1-9]\d*:[1-9]\d*: [EW]\d{3} \S")
GUARD = 20  # seconds: a build of the example takes a fraction of one; a hang never ends

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and sockets are POSIX")


def run(*args: str, timeout: float = GUARD) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bulletin.cli", *args], capture_output=True, text=True, timeout=timeout, check=False)


def build(repo: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return run("build", "2018-48", "--root", str(repo), "--out", str(out), *extra)


def diagnostics(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if DIAGNOSTIC.match(line)]


def assert_one_line(result, code: str, *words: str) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = diagnostics(result.stderr)
    assert len(lines) == 1, result.stderr
    assert f" {code} " in lines[0], lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def nothing_written(out: Path) -> bool:
    return not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")]


# ------------------------------------------------------- special files


@posix_only
def test_a_fifo_found_by_the_folder_scan_is_one_line(example_copy, tmp_path):
    os.mkfifo(example_copy / ISSUE / "4-pipe.md")
    line = assert_one_line(build(example_copy, tmp_path / "out"), "E010", "4-pipe.md", "FIFO")
    assert line.startswith("issues/2018-48/4-pipe.md:1:1:")
    assert nothing_written(tmp_path / "out")


@posix_only
def test_a_fifo_listed_in_articles_is_one_line(example_copy, tmp_path):
    os.mkfifo(example_copy / ISSUE / "pipe.md")
    (example_copy / ISSUE / "issue.yaml").write_text("date: 2018-11-15\narticles: [1-leye.md, pipe.md]\n", encoding="utf-8")
    line = assert_one_line(build(example_copy, tmp_path / "out"), "E010", "pipe.md", "FIFO")
    assert line.startswith("issues/2018-48/issue.yaml:2:")  # where the name was listed
    assert nothing_written(tmp_path / "out")


@posix_only
def test_a_fifo_issue_yaml_is_one_line(example_copy, tmp_path):
    (example_copy / ISSUE / "issue.yaml").unlink()
    os.mkfifo(example_copy / ISSUE / "issue.yaml")
    assert_one_line(build(example_copy, tmp_path / "out"), "E010", "issue.yaml", "FIFO")
    assert_one_line(run("check", "2018-48", "--root", str(example_copy), "--no-fonts"), "E010", "FIFO")


@posix_only
def test_a_symlink_to_dev_null_is_one_line(example_copy, tmp_path):
    os.symlink("/dev/null", example_copy / ISSUE / "4-null.md")
    assert_one_line(build(example_copy, tmp_path / "out"), "E032", "4-null.md")
    assert nothing_written(tmp_path / "out")


@posix_only
def test_a_socket_is_one_line(example_copy, tmp_path):
    path = example_copy / ISSUE / "4-socket.md"
    if len(os.fsencode(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        assert_one_line(build(example_copy, tmp_path / "out"), "E010", "4-socket.md", "socket")
    assert nothing_written(tmp_path / "out")


@posix_only
def test_a_fifo_figure_is_one_line(example_copy, tmp_path):
    os.mkfifo(example_copy / ISSUE / "pipe.png")
    _add_figure(example_copy, "pipe.png")
    assert_one_line(build(example_copy, tmp_path / "out"), "E033", "pipe.png", "FIFO")


@posix_only
def test_regular_file_guard_never_opens_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "FIFO" in not_regular(fifo)
    with pytest.raises(NotRegularFile):
        read_regular(fifo)  # would block forever if it opened the FIFO for a plain read
    assert "character device" in not_regular("/dev/null")
    assert not_regular(__file__) is None
    assert read_regular(__file__, limit=10) == Path(__file__).read_bytes()[:11]


# ------------------------------------------------------------- figures


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 4, height: int = 4, idat: bytes | None = None) -> bytes:
    if idat is None:
        idat = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))


def _add_figure(repo: Path, name: str) -> None:
    with (repo / ISSUE / "1-leye.md").open("a", encoding="utf-8") as fh:
        fh.write(f"\n![图1 产业园一角]({name})\n")


def _figure_line(repo: Path) -> int:
    return len((repo / ISSUE / "1-leye.md").read_text(encoding="utf-8").splitlines())


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"bulletin {' '.join(args)} raised {result.exception!r}") from result.exception
    return result


BAD_IMAGES = {
    "corrupt": (png()[:41] + b"\x00garbage" * 8, "damaged"),
    "truncated": (png()[:30], "damaged"),
    "text": ("title: 不是图片\n".encode(), "is not an image"),
    "bomb": (png(100_000, 100_000, zlib.compress(b"\x00" * 100)), "pixels"),
    "jpeg without JFIF": (b"\xff\xd8\xff\xdb" + b"\x00" * 60, "JFIF"),
    "empty": (b"", "is not an image"),
}


@pytest.mark.parametrize("kind", sorted(BAD_IMAGES))
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_bad_figure_is_one_line_naming_article_line_and_file(example_copy, tmp_path, kind, fmt):
    data, words = BAD_IMAGES[kind]
    (example_copy / ISSUE / "photo.png").write_bytes(data)
    _add_figure(example_copy, "photo.png")
    out = tmp_path / "out"
    result = invoke("build", "2018-48", "--root", str(example_copy), "--out", str(out), "--format", fmt)
    assert result.exit_code == 1, result.output
    lines = diagnostics(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"issues/2018-48/1-leye.md:{_figure_line(example_copy)}:1: E033 figure 'photo.png' ")
    assert words in lines[0]
    assert str(tmp_path) not in lines[0] and "0x" not in lines[0] and "ImageReader" not in lines[0]
    assert nothing_written(out)
    # check finds the same, without writing anything
    checked = invoke("check", "2018-48", "--root", str(example_copy), "--no-fonts")
    assert checked.exit_code == 1
    assert [line for line in diagnostics(checked.stderr) if " E033 " in line] == lines


def test_a_link_to_a_text_file_of_the_repository_is_no_figure(example_copy, tmp_path):
    os.symlink("../../bulletin.yaml", example_copy / ISSUE / "photo.png")
    _add_figure(example_copy, "photo.png")
    result = invoke("build", "2018-48", "--root", str(example_copy), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    (line,) = diagnostics(result.stderr)
    assert "E033 figure 'photo.png' is not an image" in line


def test_a_sound_figure_still_builds(example_copy, tmp_path):
    (example_copy / ISSUE / "photo.png").write_bytes(png(40, 30))
    _add_figure(example_copy, "photo.png")
    result = invoke("build", "2018-48", "--root", str(example_copy), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "2018-48.docx").exists() and (tmp_path / "out" / "2018-48.pdf").exists()


# ----------------------------------------------------------- long input


def test_a_300_character_masthead_builds_or_is_one_line(example_copy, tmp_path):
    config = example_copy / "bulletin.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("title: 广西精准脱贫攻坚简报", "title: " + "广西精准脱贫攻坚简报" * 30), encoding="utf-8")
    result = invoke("build", "2018-48", "--root", str(example_copy), "--out", str(tmp_path / "out"))
    if result.exit_code == 0:
        import docx

        document = docx.Document(str(tmp_path / "out" / "2018-48.docx"))
        assert len(document.core_properties.title) <= 255
    else:
        assert result.exit_code == 1 and len(diagnostics(result.stderr)) == 1, result.stderr
        assert nothing_written(tmp_path / "out")


def test_a_5000_character_title_builds_or_is_refused(example_copy, tmp_path):
    article = example_copy / ISSUE / "1-leye.md"
    title = ("乐业县探索“三变”实现贫困户产业全覆盖，" * 300)[:5000]
    text = article.read_text(encoding="utf-8")
    article.write_text(re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M), encoding="utf-8")
    result = run("build", "2018-48", "--root", str(example_copy), "--out", str(tmp_path / "out"))
    assert result.returncode == 0 or len(diagnostics(result.stderr)) == 1, result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------- the title balancer


def _brute_force(text: str, cap: float):
    """(lines, cost) of the best breaking by trying every set of breaks: the
    definition the linear balancer must meet."""
    from itertools import combinations

    from bulletin.text import titles

    widths = [titles.em_width(c) for c in text]
    if sum(widths) <= cap + 1e-9:
        return 1, 0.0
    allowed = [k for k in range(1, len(text)) if titles._can_break(text, k)]
    n = len(text)
    for count in range(2, n + 1):
        best = None
        for cuts in combinations(allowed, count - 1):
            edges = [0, *cuts, n]
            spans = list(zip(edges, edges[1:]))
            if any(sum(widths[a:b]) > cap + 1e-9 or b - a < 2 for a, b in spans):
                continue
            target = sum(widths) / count
            cost = sum((sum(widths[a:b]) - target) ** 2 for a, b in spans)
            cost -= sum(titles._BREAK_BONUS for k in cuts if text[k - 1] in titles.CLOSING_CHARS or text[k] in titles.OPENING_CHARS)
            best = cost if best is None else min(best, cost)
        if best is not None:
            return count, best
    return None


def test_the_linear_title_balancer_finds_what_trying_every_breaking_finds():
    import random

    from bulletin.text import titles

    rng = random.Random(15)
    alphabet = "乐业县探索三变实现产业全覆盖，。、“”（）AB12 "
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 13))).strip() or "乐业"
        cap = rng.choice([3, 4.5, 6, 8])
        expected = _brute_force(text, cap)
        lines = titles._balanced(text, cap)
        if expected is None:
            assert lines == [text]
            continue
        count, cost = expected
        widths = [[titles.em_width(c) for c in line] for line in lines]
        assert "".join(lines) == text and len(lines) == count, (text, cap, lines)
        if count > 1:
            target = sum(map(sum, widths)) / count
            got = sum((sum(w) - target) ** 2 for w in widths)
            ends = [sum(len(line) for line in lines[:i + 1]) for i in range(count - 1)]
            got -= sum(titles._BREAK_BONUS for k in ends if text[k - 1] in titles.CLOSING_CHARS or text[k] in titles.OPENING_CHARS)
            assert abs(got - cost) < 1e-9, (text, cap, lines)
