"""`bulletin watch`: rebuild on change, keep the last good outputs on a broken
edit, end cleanly on Ctrl-C; `--serve` serves the HTML edition with reload."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from bulletin.commands.serve import RELOAD_SNIPPET, VERSION_PATH
from bulletin.commands.watch import affected
from bulletin.numbering import IssueId

REPO = Path(__file__).resolve().parents[1]
WAIT = 30  # seconds: generous for a loaded machine; the loop polls, so it ends as soon as it can


class Watch:
    """`bulletin watch …` in a process of its own, its output collected as it comes."""

    def __init__(self, *args: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "BULLETIN_LANG": "en"}
        self.proc = subprocess.Popen([sys.executable, "-m", "bulletin.cli", "watch", *args], cwd=REPO, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        self.readers = [threading.Thread(target=lambda s=stream, l=lines: l.extend(iter(s.readline, "")), daemon=True)
                        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for reader in self.readers:
            reader.start()

    def wait_for(self, what, timeout: float = WAIT):
        """Poll until what() is true; fail with the output so far."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = what()
            if value:
                return value
            assert self.proc.poll() is None, f"watch ended early:\n{self.text()}"
            time.sleep(0.1)
        raise AssertionError(f"timed out; output so far:\n{self.text()}")

    def text(self) -> str:
        return "".join(self.out) + "".join(self.err)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(WAIT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for reader in self.readers:
                reader.join(WAIT)
            self.proc.stdout.close()
            self.proc.stderr.close()


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def test_watch_rebuilds_keeps_the_last_good_pdf_and_stops_cleanly(example_copy, tmp_path):
    out = tmp_path / "out"
    sources_before = files(example_copy)
    article = example_copy / "issues" / "2018-48" / "1-leye.md"
    original = article.read_text(encoding="utf-8")
    watch = Watch("2018-48", "--format", "pdf", "--out", str(out), "--root", str(example_copy))
    try:
        watch.wait_for(lambda: "watching" in watch.text())
        pdf = out / "2018-48.pdf"
        first = pdf.read_bytes()

        article.write_text(original.replace("今年以来", "二〇一八年以来", 1), encoding="utf-8")
        watch.wait_for(lambda: pdf.read_bytes() != first)
        edited = pdf.read_bytes()
        watch.wait_for(lambda: re.search(r"built 1, 0 up to date", "".join(watch.err[-3:])))

        article.write_text(re.sub(r"(?m)^title:.*\n", "", original), encoding="utf-8")
        watch.wait_for(lambda: "E023" in watch.text())
        assert "issues/2018-48/1-leye.md:1:1: E023" in watch.text()
        assert pdf.read_bytes() == edited  # the last good output is untouched
        assert "kept" in watch.text()

        article.write_text(original, encoding="utf-8")
        watch.wait_for(lambda: pdf.read_bytes() not in (edited,))
        assert pdf.read_bytes() == first  # the mended sources give the first PDF again, byte for byte
    finally:
        code = watch.stop()
    assert code in (0, 130), watch.text()
    assert "Traceback" not in watch.text()
    assert files(out) == {"2018-48.pdf", ".bulletin-stamps.json"}  # no temporary files
    assert files(example_copy) == sources_before


def test_serve_answers_on_localhost_with_the_issue_and_a_reload(example_copy, tmp_path):
    out = tmp_path / "out"
    watch = Watch("2018-48", "--serve", "--port", "0", "--format", "html", "--out", str(out), "--root", str(example_copy))
    try:
        url = watch.wait_for(lambda: (m := re.search(r"at (http://127\.0\.0\.1:\d+/)", watch.text())) and m.group(1))
        watch.wait_for(lambda: "watching" in watch.text())
        page = urllib.request.urlopen(url + "2018-48.html", timeout=10).read().decode("utf-8")
        assert "乐业县探索" in page and "广西精准脱贫攻坚简报" in page
        assert RELOAD_SNIPPET in page
        assert RELOAD_SNIPPET not in (out / "2018-48.html").read_text(encoding="utf-8")  # injected, not built in
        home = urllib.request.urlopen(url, timeout=10)
        assert home.geturl().endswith("/2018-48.html")
        version = lambda: urllib.request.urlopen(url + VERSION_PATH.lstrip("/"), timeout=10).read().decode()  # noqa: E731
        assert version() == "0"
        article = example_copy / "issues" / "2018-48" / "1-leye.md"
        article.write_text(article.read_text(encoding="utf-8").replace("今年以来", "二〇一八年以来", 1), encoding="utf-8")
        watch.wait_for(lambda: version() == "1")
        assert "二〇一八年以来" in urllib.request.urlopen(url + "2018-48.html", timeout=10).read().decode("utf-8")
    finally:
        code = watch.stop()
    assert code in (0, 130) and "Traceback" not in watch.text()


def test_affected_issues(tmp_path):
    root = tmp_path
    a, b = IssueId(2018, 48), IssueId(2018, 49)
    article = root / "issues" / "2018-48" / "1-leye.md"
    assert affected(root, [article], None) == [a]
    assert affected(root, [article], [a, b]) == [a]
    assert affected(root, [article], [b]) == []
    assert affected(root, [root / "bulletin.yaml"], [a, b]) == [a, b]
    assert affected(root, [root / "issues" / "2018-48" / "issue.yaml"], None) is None  # totals of later issues move
    assert affected(root, [root / "issues" / "2018-49" / "fig" / "a.png", article], None) == [a, b]


def test_an_open_page_reloads_itself_after_a_rebuild(example_copy, tmp_path):
    """In a real browser: the page served by --serve shows the edit without anyone reloading it."""
    sys.path.insert(0, str(Path(__file__).parent))
    from browser import start_browser

    browser, stop_browser = start_browser()
    watch = Watch("2018-48", "--serve", "--port", "0", "--format", "html", "--out", str(tmp_path / "out"),
                  "--root", str(example_copy))
    try:
        url = watch.wait_for(lambda: (m := re.search(r"at (http://127\.0\.0\.1:\d+/)", watch.text())) and m.group(1))
        watch.wait_for(lambda: "watching" in watch.text())
        browser.driver.get(url + "2018-48.html")
        text = lambda: browser.js("return document.body.innerText")  # noqa: E731
        assert "今年以来" in text() and "二〇一八年以来" not in text()
        browser.js("window.notReloaded = true")
        article = example_copy / "issues" / "2018-48" / "1-leye.md"
        article.write_text(article.read_text(encoding="utf-8").replace("今年以来", "二〇一八年以来", 1), encoding="utf-8")
        watch.wait_for(lambda: "二〇一八年以来" in text())
        assert browser.js("return window.notReloaded === undefined")  # a new page, not an edited one
    finally:
        code = watch.stop()
        stop_browser()
    assert code in (0, 130)


def test_a_port_in_use_is_one_line_not_a_traceback(example_copy, tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "bulletin.cli", "watch", "2018-48", "--serve", "--port", str(port),
                               "--out", str(tmp_path / "out"), "--root", str(example_copy)],
                              capture_output=True, text=True, timeout=60, env={**os.environ, "BULLETIN_LANG": "en"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"cannot serve on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr
