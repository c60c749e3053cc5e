"""Colour on a terminal only: errors red, warnings yellow, paths bold; none in
a pipe or with NO_COLOR; the characters the same either way."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

from bulletin.cli.console import styled_diagnostic
from bulletin.diagnostics import Diagnostic

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def broken(example_copy):
    """An error (E023, a missing title) and a warning (W111, a space before digits)."""
    issue = example_copy / "issues" / "2018-48"
    first, second = sorted(issue.glob("*.md"))[:2]
    first.write_text(re.sub(r"(?m)^title:.*\n", "", first.read_text(encoding="utf-8")), encoding="utf-8")
    second.write_text(second.read_text(encoding="utf-8") + "\n共建成 12 个示范点。\n", encoding="utf-8")
    return example_copy


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(BULLETIN_LANG="en", TERM="xterm-256color", **extra)
    return env


def run_in_terminal(args, **env) -> str:
    """The command with stdout and stderr on a pseudo-terminal, as in a shell."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "bulletin.cli", *args], stdin=subprocess.DEVNULL,
                            stdout=follower, stderr=follower, env=_env(**env))
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    proc.wait(120)
    return b"".join(chunks).decode("utf-8")


def test_a_terminal_gets_colour(broken):
    seen = run_in_terminal(["check", "2018-48", "--no-fonts", "--root", str(broken)])
    assert "\x1b[" in seen, repr(seen)
    error = next(line for line in seen.splitlines() if "E023" in line)
    warning = next(line for line in seen.splitlines() if "W111" in line)
    assert re.search(r"\x1b\[[0-9;]*31m", error) and re.search(r"\x1b\[[0-9;]*33m", warning)
    assert error.startswith("\x1b[1m")  # the path, bold
    assert ANSI.sub("", error).startswith("issues/2018-48/1-leye.md:1:1: E023 ")


def test_no_colour_in_a_pipe(broken):
    done = subprocess.run([sys.executable, "-m", "bulletin.cli", "check", "2018-48", "--no-fonts", "--root", str(broken)],
                          capture_output=True, text=True, env=_env())
    assert "E023" in done.stderr and "W111" in done.stderr
    assert "\x1b[" not in done.stderr + done.stdout


def test_no_colour_with_no_color_even_on_a_terminal(broken):
    seen = run_in_terminal(["check", "2018-48", "--no-fonts", "--root", str(broken)], NO_COLOR="1")
    assert "E023" in seen and "\x1b[" not in seen


def test_force_color_colours_a_pipe(broken):
    done = subprocess.run([sys.executable, "-m", "bulletin.cli", "check", "2018-48", "--no-fonts", "--root", str(broken)],
                          capture_output=True, text=True, env=_env(FORCE_COLOR="1"))
    assert re.search(r"\x1b\[[0-9;]*31m", done.stderr)


def test_colour_changes_no_character():
    for severity, code in (("error", "E023"), ("warning", "W111")):
        d = Diagnostic("issues/2018-48/a.md", 3, 5, code, "a message: with colons", severity)
        assert ANSI.sub("", styled_diagnostic(d, True)) == d.render() == styled_diagnostic(d, False)


def test_chinese_help_wraps_by_display_width_between_hanzi():
    from bulletin.cli.cjkwrap import width, wrap_text

    text = "写出任何文件之前，先读取并检查全部各期：发现错误即不写任何文件（加 --keep-going 时，无误的各期照常输出）。"
    lines = wrap_text(text, 30, "  ", "  ").split("\n")
    assert len(lines) > 2 and all(width(line) <= 30 for line in lines)
    assert not any(line.strip()[0] in "，。：）" for line in lines)  # 避头: no line starts with closing marks
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
    assert "--keep-going" in "\n".join(lines)  # a Latin word is never cut


def test_chinese_help_page_fits_the_terminal():
    done = subprocess.run([sys.executable, "-m", "bulletin.cli", "build", "--help"], capture_output=True, text=True,
                          env={**_env(), "BULLETIN_LANG": "zh", "COLUMNS": "72"})
    from bulletin.cli.cjkwrap import width

    assert "选项" in done.stdout
    assert all(width(line) <= 72 for line in done.stdout.splitlines()), done.stdout
