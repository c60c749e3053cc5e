"""Reading input files: regular files only.

A source or a figure that is a FIFO, a device, a socket (or a link to one,
/dev/null included) would block a read forever or feed it endless bytes.  So
every input is stat()ed first (following links, as open would) and refused
unless it is a regular file; the open itself adds O_NONBLOCK as a belt (a
FIFO swapped in between the stat and the open fails instead of blocking),
and the descriptor is checked again with fstat.
"""

from __future__ import annotations

import os
import stat
from bulletin.i18n import N_

_KINDS = (
    (stat.S_ISDIR, N_("a folder")),
    (stat.S_ISFIFO, N_("a FIFO (named pipe)")),
    (stat.S_ISSOCK, N_("a socket")),
    (stat.S_ISCHR, N_("a character device")),
    (stat.S_ISBLK, N_("a block device")),
)


class NotRegularFile(OSError):
    """The path exists but is no regular file; str() says what it is."""


def kind_of(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return N_("not a regular file")


def not_regular(path: str | os.PathLike) -> str | None:
    """None for a regular file (links followed); else why it cannot be
    read, as a Message: 'it is a FIFO (named pipe), not a regular file'.
    A missing or unreachable path: its OS error text."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return exc.strerror or str(exc)
    except ValueError:  # a NUL in the name
        return N_("invalid file name")
    if stat.S_ISREG(mode):
        return None
    return N_("it is {kind}, not a regular file", kind=kind_of(mode))


def is_regular(path: str | os.PathLike) -> bool:
    return not_regular(path) is None


def read_regular(path: str | os.PathLike, limit: int | None = None) -> bytes:
    """The bytes of a regular file (at most ``limit`` + 1 of them, so a caller
    can tell an over-long file).  NotRegularFile for anything else, OSError
    as open/read raise it."""
    why = not_regular(path)
    if why is not None and os.path.exists(path):
        raise NotRegularFile(why)  # (a missing file: open raises FileNotFoundError)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(N_("it is {kind}, not a regular file", kind=kind_of(mode)))
        chunks = []
        want = None if limit is None else limit + 1
        while want is None or want > 0:
            chunk = os.read(fd, 1 << 20 if want is None else min(want, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            if want is not None:
                want -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
