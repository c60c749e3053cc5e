"""Installed faces by family name: one ``fc-list`` call (its answer cached
on disk), else a scan of the system font folders (with an on-disk index);
folders in BULLETIN_FONT_DIRS are scanned and win over system fonts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from bulletin import cache as _cache
from bulletin.fonts.face import _REGULAR_STYLES, FONT_SUFFIXES, FontFace, _norm, _split_style, stats
from bulletin.fonts.sfnt import _Entry, read_font_file

cache_dir = _cache.cache_dir
_atomic_write = _cache.atomic_write


def _system_font_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform == "win32":
        dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
        if os.environ.get("LOCALAPPDATA"):
            dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    if sys.platform == "darwin":
        return [Path("/Library/Fonts"), Path("/System/Library/Fonts"), home / "Library" / "Fonts"]
    return [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".fonts",
        home / ".local" / "share" / "fonts",
    ]


def _extra_font_dirs() -> list[Path]:
    raw = os.environ.get("BULLETIN_FONT_DIRS", "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def _font_files(dirs: Iterable[Path]) -> list[str]:
    files: list[str] = []
    for top in dirs:
        if not top.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            files.extend(
                os.path.join(dirpath, name) for name in sorted(filenames) if name.lower().endswith(FONT_SUFFIXES)
            )
    return files


def _scan(dirs: Iterable[Path]) -> list[_Entry]:
    return [entry for path in _font_files(dirs) for entry in read_font_file(path)]


# One line per face; fields apart by \x1e, the values of a field by \x1f
# (family names may hold commas, which fontconfig's default output uses).
_FC_FORMAT = (
    "%{[]family{%{family}\x1f}}\x1e"
    "%{[]style{%{style}\x1f}}\x1e"
    "%{[]fullname{%{fullname}\x1f}}\x1e"
    "%{file}\x1e%{index}\x1e%{fontformat}\n"
)


def _fc_list() -> list[_Entry] | None:
    """All faces fontconfig knows, in one call; None if fc-list is unusable."""
    if os.environ.get("BULLETIN_NO_FONTCONFIG"):
        return None
    exe = shutil.which("fc-list")
    if not exe:
        return None
    ahead = _AHEAD.pop(_ahead_key(exe), None)
    cached = ahead if isinstance(ahead, list) else _fc_cache_load() if ahead is None else None
    if cached is not None:
        return cached
    stats["fc_list_calls"] += 1
    try:
        from bulletin.fonts.progress import slow

        # On a fresh machine fontconfig may build its own cache first (seconds).
        with slow("listing the installed fonts (fontconfig)"):
            if ahead is None:
                proc = subprocess.run([exe, "--format", _FC_FORMAT], capture_output=True, timeout=30, check=False)
                returncode, stdout = proc.returncode, proc.stdout
            else:
                stdout = _finish(ahead)
                returncode = ahead.returncode
    except (OSError, subprocess.SubprocessError):
        return None
    if returncode != 0:
        return None
    entries = []
    # split("\n"), not splitlines(): the latter also splits at \x1e and \x1f.
    for line in stdout.decode("utf-8", "replace").split("\n"):
        fields = line.split("\x1e")
        if len(fields) != 6:
            continue
        families, styles, fullnames, path, index, fmt = fields
        if not path.lower().endswith(FONT_SUFFIXES) or not index.isdigit():
            continue
        # Named instances of variable fonts carry the instance in the high
        # bits; reportlab can only draw the default instance, so skip them.
        if int(index) >> 16:
            continue
        outline = {"TrueType": "glyf", "CFF": "cff"}.get(fmt)
        if outline is None:
            continue
        if not _values(families):
            continue
        entries.append(_Entry(_values(families), _values(styles), _values(fullnames), path, int(index), outline))
    _fc_cache_store(entries)
    return entries


# A listing started ahead (``listing_ahead``): the cached answer, or the
# running fc-list, keyed by what the answer depends on; _fc_list takes it.
_AHEAD: dict[tuple, object] = {}


def _ahead_key(exe: str) -> tuple:
    return (os.getpid(), exe, os.environ.get("FONTCONFIG_FILE", ""), os.environ.get("FONTCONFIG_PATH", ""))


def _finish(proc: subprocess.Popen) -> bytes:
    try:
        stdout, _ = proc.communicate(timeout=30)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    return stdout


@contextmanager
def listing_ahead():
    """Start the font listing now, for a lookup inside the ``with`` body: a
    build calls this first thing, so that on an empty cache fc-list (~7 ms)
    runs on another core while this process reads its configuration.  What
    the body did not take is dropped at the end (a fc-list still running
    is stopped), so nothing outlives it."""
    key = None
    exe = None if os.environ.get("BULLETIN_NO_FONTCONFIG") or _system_key() in _SYSTEM_INDEX else shutil.which("fc-list")
    if exe:
        key = _ahead_key(exe)
        cached = _fc_cache_load()
        if cached is not None:
            _AHEAD[key] = cached
        else:
            try:
                _AHEAD[key] = subprocess.Popen([exe, "--format", _FC_FORMAT], stdout=subprocess.PIPE,
                                               stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            except OSError:
                pass
    try:
        yield
    finally:
        left = _AHEAD.pop(key, None) if key is not None else None
        if isinstance(left, subprocess.Popen):
            left.kill()
            left.wait()


# fc-list costs a process start (~6 ms of a 0.17 s build).  Its answer is kept
# in the cache folder with a signature of what it depends on, the way
# fontconfig's own cache does: the modification times of the font folders
# (the standard ones and every folder a listed font lives in) and of the
# fontconfig configuration.  Installing or removing a font changes its
# folder's time; adding a font folder changes the configuration.
_FC_CACHE_NAME = "fc-list-v1.json"
_FONT_TOPS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
              "/etc/fonts", "~/.config/fontconfig")


def _fc_signature(entry_dirs: Iterable[str]) -> list:
    dirs: set[str] = set(entry_dirs)
    for top in _FONT_TOPS:
        for dirpath, _dirnames, _files in os.walk(os.path.expanduser(top)):
            dirs.add(dirpath)
    sig = []
    for d in sorted(dirs):
        try:
            sig.append([d, os.stat(d).st_mtime_ns])
        except OSError:
            sig.append([d, None])
    env = [os.environ.get(k, "") for k in ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT")]
    return [env, sig]


def _fc_cache_load() -> list[_Entry] | None:
    import json

    try:
        data = json.loads((cache_dir() / _FC_CACHE_NAME).read_text("utf-8"))
        entries = [_Entry(tuple(f), tuple(s), tuple(n), p, i, o) for f, s, n, p, i, o in data["entries"]]
        if data["signature"] != _fc_signature({os.path.dirname(e.path) for e in entries}):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return entries


def _fc_cache_store(entries: list[_Entry]) -> None:
    import json

    data = {
        "signature": _fc_signature({os.path.dirname(e.path) for e in entries}),
        "entries": [[e.families, e.styles, e.fullnames, e.path, e.index, e.outline] for e in entries],
    }
    try:
        _atomic_write(cache_dir() / _FC_CACHE_NAME, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass  # a read-only cache folder only costs the fc-list call


def _values(field: str) -> tuple[str, ...]:
    return tuple(v for v in field.split("\x1f") if v)


class _Index:
    """Installed faces keyed by normalised family (and full) name."""

    def __init__(self, entries: list[_Entry]):
        self.by_family: dict[str, list[_Entry]] = {}
        self.by_fullname: dict[str, list[_Entry]] = {}
        for entry in entries:
            for name in entry.families:
                self.by_family.setdefault(_norm(name), []).append(entry)
            for name in entry.fullnames:
                self.by_fullname.setdefault(_norm(name), []).append(entry)


# In-process caches keyed by what they depend on, so tests that change the
# environment (BULLETIN_FONT_DIRS, ...) get fresh answers.
_SYSTEM_INDEX: dict[tuple, _Index] = {}
_EXTRA_INDEX: dict[tuple, _Index] = {}


def _system_key() -> tuple:
    return (os.environ.get("BULLETIN_NO_FONTCONFIG", ""), os.environ.get("FONTCONFIG_FILE", ""))


def _system_index() -> _Index:
    key = _system_key()
    if key not in _SYSTEM_INDEX:
        entries = _fc_list()
        if not entries:  # no fontconfig, or one that lists nothing
            entries = _scan_cached(_system_font_dirs())
        _SYSTEM_INDEX[key] = _Index(entries)
    return _SYSTEM_INDEX[key]


def _extra_index() -> _Index:
    dirs = tuple(str(d) for d in _extra_font_dirs())
    if dirs not in _EXTRA_INDEX:
        # Private folders are small; scanning them is cheaper than teaching
        # fontconfig about them.
        _EXTRA_INDEX[dirs] = _Index(_scan(Path(d) for d in dirs))
    return _EXTRA_INDEX[dirs]


def _pick(entries: list[_Entry], style: str | None) -> _Entry | None:
    entries = sorted(entries, key=lambda e: (e.path, e.index))
    if style is not None:
        want = _norm(style)
        for entry in entries:
            if want in {_norm(s) for s in entry.styles}:
                return entry
        return None  # the family exists, but not in that style
    for entry in entries:
        if {_norm(s) for s in entry.styles} & _REGULAR_STYLES:
            return entry
    return entries[0] if entries else None


def _lookup(index: _Index, family: str, style: str | None) -> _Entry | None:
    key = _norm(family)
    found = _pick(index.by_family.get(key, []), style)
    if found is None and style is None:
        # A full name such as "Noto Serif CJK SC Bold" names one face.
        found = _pick(index.by_fullname.get(key, []), None)
    return found


def _face_from_entry(entry: _Entry, family: str, style: str | None) -> FontFace:
    # Report the family in the spelling the user asked for, as the font has it.
    spelled = next((n for n in entry.families if _norm(n) == _norm(family)), entry.families[0])
    shown_style = style or (entry.styles[0] if entry.styles else "")
    return FontFace("", spelled, Path(entry.path), entry.index, entry.outline, "", shown_style)


def find_family(name: str, style: str | None = None) -> FontFace | None:
    """The installed face of family ``name`` (any language), or None.

    ``name`` may carry a style as 'Family:Style'. Folders in
    BULLETIN_FONT_DIRS win over system fonts. The result has empty ``role``
    and ``source``; resolve_fonts fills them in.
    """
    if style is None:
        name, style = _split_style(name)
    for index in (_extra_index(), _system_index()):
        entry = _lookup(index, name, style)
        if entry is not None:
            return _face_from_entry(entry, name, style)
    return None


# The fontconfig-less scan reads every font file's header; on Windows/macOS
# that is hundreds of files. The on-disk index keeps each file's faces keyed
# by size and mtime, so a rescan only stats the files.
_SCAN_INDEX_NAME = "font-index-v1.json"


def _scan_cached(dirs: list[Path]) -> list[_Entry]:
    import json

    index_path = cache_dir() / _SCAN_INDEX_NAME
    try:
        old = json.loads(index_path.read_text("utf-8"))
    except (OSError, ValueError):
        old = {}
    new: dict[str, list] = {}
    entries: list[_Entry] = []
    for path in _font_files(dirs):
        try:
            st = os.stat(path)
        except OSError:
            continue
        stamp = [st.st_size, st.st_mtime_ns]
        cached = old.get(path)
        if isinstance(cached, list) and len(cached) == 2 and cached[0] == stamp:
            faces = [_Entry(tuple(f[0]), tuple(f[1]), tuple(f[2]), path, f[3], f[4]) for f in cached[1]]
        else:
            faces = read_font_file(path)
        new[path] = [stamp, [[list(e.families), list(e.styles), list(e.fullnames), e.index, e.outline] for e in faces]]
        entries.extend(faces)
    if new != old:
        try:
            _atomic_write(index_path, json.dumps(new, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # a read-only cache only costs time
    return entries
