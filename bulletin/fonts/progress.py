"""A word on the terminal when font work takes long, instead of silence.

Most builds never wait on fonts.  A first build can: fontconfig building its
cache on a fresh machine, or a face converted to TrueType (see convert).
``slow(message)`` wraps such a step: if it is still running after half a
second and stderr is a terminal, ``message`` is shown, and when the step
ends, how long it took.  Nothing is printed when stderr is not a terminal
(CI logs, pipes), and nothing for steps that finish in time.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager

_AFTER = 0.5  # seconds: quicker steps say nothing


def _on_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def slow(message: str):
    """Run the ``with`` body; say ``message`` on a terminal if it takes long."""
    if not _on_terminal():
        yield
        return
    start = time.perf_counter()
    shown = threading.Event()

    def show() -> None:
        shown.set()
        sys.stderr.write(f"bulletin: {message} …\n")
        sys.stderr.flush()

    timer = threading.Timer(_AFTER, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if shown.is_set():
            sys.stderr.write(f"bulletin: {message}: done in {time.perf_counter() - start:.1f} s\n")
            sys.stderr.flush()
