"""The CI workflow that `bulletin init` writes (.github/workflows/bulletin.yml).

bulletin is not on PyPI, so the workflow cannot `pip install bulletin`: it
installs from the repository variable BULLETIN_PACKAGE, a pip requirement
for the office's copy of bulletin's source.  When this bulletin was itself
installed from a place CI can reach (a git URL, pinned to its commit, or an
archive on a web server), init writes that as the default; from a local
folder or file it leaves the default empty, and the workflow says what to set.
"""

from __future__ import annotations

import json
import re

WORKFLOW = ".github/workflows/bulletin.yml"
# What may stand inside the workflow's '…' expression string unescaped.
_SAFE = re.compile(r"[A-Za-z0-9@:/._+~%=?&#, -]+")


def package_source() -> str:
    """A pip requirement for the bulletin that is running, as CI can reach it; '' when none."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        raw = distribution("bulletin").read_text("direct_url.json")
    except PackageNotFoundError:
        return ""
    try:
        info = json.loads(raw or "{}")
    except ValueError:
        return ""
    url = str(info.get("url", ""))
    if not url.startswith(("https://", "http://", "ssh://")):
        return ""  # file:// (a checkout or a wheel on this machine): CI cannot see it
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs"):
        ref = vcs.get("commit_id") or vcs.get("requested_revision")
        source = f"bulletin @ {vcs['vcs']}+{url}" + (f"@{ref}" if ref else "")
    elif "archive_info" in info:
        source = f"bulletin @ {url}"
    else:
        return ""
    return source if _SAFE.fullmatch(source) else ""

