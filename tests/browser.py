"""Headless Chromium for the HTML tests: Debian's chromium driven through
chromedriver (selenium), and axe-core injected into the loaded page.

One browser serves a whole test module (starting it costs ~1 s; a page
~0.2 s).  The flags are the ones this machine needs: as root Chromium only
runs with --no-sandbox, and without the background-networking flags it
keeps trying to reach Google's hosts through a closed network.

axe-core: npm's copy when installed (scripts/install-deps.sh --test puts it
in npm's global root; newer rules), else the copy the PyPI package
axe-selenium-python ships; BULLETIN_AXE_JS names another file.  Off CI a
missing browser skips the tests; on CI (CI=true) it fails them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
)

# Rendered DOM → a flat list of what a reader sees, in document order:
# [tag, class, text, where, shown] with `where` the enclosing article's id,
# or masthead / imprint / note.  Text is innerText (what is rendered: CSS
# display rules applied), an image's is its alt; shown: it has a box on
# the page and is not hidden.
ITEMS_JS = r"""
const sel = 'h1,h2,h3,h4,h5,h6,.marks span,.issue-line,.editor,.date,.note p,.column-label,.subtitle,'
  + 'p.body,blockquote p,th,td,figure img,figcaption,address,dt,dd,.issuer,.print-date,.contact';
const out = [];
for (const el of document.querySelectorAll(sel)) {
  const art = el.closest('article');
  const where = art ? art.id : el.closest('header') ? 'masthead' : el.closest('footer.imprint') ? 'imprint'
    : el.closest('.note') ? 'note' : '';
  const text = el.tagName === 'IMG' ? el.getAttribute('alt') : el.innerText;
  const shown = el.getClientRects().length > 0 && getComputedStyle(el).visibility === 'visible';
  out.push([el.tagName.toLowerCase(), el.className, text, where, shown]);
}
return out;
"""

AXE_RUN_JS = r"""
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(
  r => done({version: axe.version, violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' ' + (n.failureSummary || ''))}))}),
  e => done({error: String(e)}));
"""


def _on_ci() -> bool:
    return bool(os.environ.get("CI"))


def _missing(why: str):
    if _on_ci():
        pytest.fail(f"browser tests cannot run on CI: {why}")
    pytest.skip(why)


def axe_source() -> tuple[str, Path]:
    """The axe-core script and where it came from."""
    candidates: list[Path] = []
    if os.environ.get("BULLETIN_AXE_JS"):
        candidates.append(Path(os.environ["BULLETIN_AXE_JS"]))
    npm = shutil.which("npm")
    if npm:
        try:
            root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            root = ""
        if root:
            candidates.append(Path(root) / "axe-core" / "axe.min.js")
    spec = importlib.util.find_spec("axe_selenium_python")
    if spec and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            candidates.append(Path(loc) / "node_modules" / "axe-core" / "axe.min.js")
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8"), path
    _missing("axe-core not found (npm install -g axe-core, or pip install axe-selenium-python)")
    raise AssertionError  # not reached


class Browser:
    def __init__(self, driver, axe_js: str):
        self.driver = driver
        self.axe_js = axe_js

    def open(self, path: Path) -> None:
        self.driver.get(Path(path).resolve().as_uri())

    def items(self) -> list[tuple[str, str, str, str]]:
        """The page's content items (see ITEMS_JS); each must be shown."""
        got = self.driver.execute_script(ITEMS_JS)
        hidden = [x for x in got if not x[4]]
        assert not hidden, f"not rendered: {hidden[:3]}"
        return [tuple(x[:4]) for x in got]

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def axe(self) -> dict:
        """axe-core's violations on the loaded page (every rule axe runs by default)."""
        self.driver.execute_script(self.axe_js)
        result = self.driver.execute_async_script(AXE_RUN_JS)
        assert "error" not in result, result
        return result

    def screenshot(self, path: Path, width: int = 900) -> Path:
        """The whole page (the window made as tall as the document)."""
        height = int(self.driver.execute_script("return document.documentElement.scrollHeight"))
        self.driver.set_window_size(width, max(600, min(height + 40, 16000)))
        self.driver.save_screenshot(str(path))
        return path


def start_browser() -> tuple[Browser, object]:
    """A running Browser and the function that stops it."""
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[test]')")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_bin = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists()
                                                   else None)
    if not chromium or not driver_bin:
        _missing("chromium / chromedriver not installed (scripts/install-deps.sh --test)")
    axe_js, _ = axe_source()
    profile = tempfile.mkdtemp(prefix="bulletin-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, "--window-size=900,1200", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    try:
        # An explicit driver path: selenium then never runs its manager (which downloads).
        driver = webdriver.Chrome(service=Service(driver_bin), options=options)
    except WebDriverException as exc:
        shutil.rmtree(profile, ignore_errors=True)
        _missing(f"chromium did not start: {exc.msg}")
    driver.set_script_timeout(120)
    driver.set_page_load_timeout(60)

    def stop() -> None:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)

    return Browser(driver, axe_js), stop


def serious(result: dict) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} — {'; '.join(v['nodes'][:3])}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]
