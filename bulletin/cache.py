"""The on-disk cache folder (converted fonts, parsed articles) and its atomic writes.

Everything in it can be deleted at any time; it only saves work.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """BULLETIN_CACHE_DIR, else $XDG_CACHE_HOME/bulletin, else the platform's."""
    if os.environ.get("BULLETIN_CACHE_DIR"):
        return Path(os.environ["BULLETIN_CACHE_DIR"]).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "bulletin"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "bulletin" / "cache"
    return Path.home() / ".cache" / "bulletin"


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would lock others out of a shared cache
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
