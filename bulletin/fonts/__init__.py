"""Font roles → font files, coverage checks and reportlab registration.

A style names each role (title, fangsong, hei, kai, song, latin, ...) with the
official families an office expects and free fallbacks; bulletin.yaml may
override a role with a family name or a file path. This module finds the file
for each role, says which characters a face lacks, and registers faces with
reportlab. CFF-flavoured faces (Noto CJK) are redrawn as TrueType outlines
because reportlab only embeds glyf fonts; conversions are cached on disk.

Start-up time matters (a whole build must beat 0.18 s), hence:
- one ``fc-list`` call lists every installed face (~7 ms); no fontTools scan
  of system folders when fontconfig is present;
- font files are identified with a tiny sfnt reader below instead of
  fontTools (whose import alone costs ~35 ms);
- reportlab's own parse of a glyf face doubles as its cmap for coverage;
- fontTools is imported only to convert a CFF face or read its cmap.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import struct
import subprocess
import sys
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bulletin import cache as _cache

__all__ = [
    "FontError",
    "FontFace",
    "base_charset",
    "cache_dir",
    "describe",
    "find_family",
    "missing_chars",
    "registered_name",
    "resolve_fonts",
    "stats",
]

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

# Bump when the conversion output changes, so old cache entries are ignored.
_CONVERTER_VERSION = 1
# cu2qu tolerance in font units (the otf2ttf default): invisible at print size.
_CU2QU_MAX_ERR = 1.0
# maxp limits written into converted fonts. reportlab copies maxp verbatim into
# every embedded subset, so the values must not depend on which characters a
# conversion happened to hold, or PDFs would differ with the cache state.
# They are upper bounds: the heaviest GB2312 glyph of Noto Serif CJK SC Bold
# has 312 points and 17 contours after conversion.
_MAXP_POINTS = 4096
_MAXP_CONTOURS = 512

#: Counters for tests and timing reports (e.g. "no conversion happened").
stats = {"conversions": 0, "fc_list_calls": 0, "files_scanned": 0}


# --------------------------------------------------------------------------
# Public types


@dataclass(frozen=True)
class FontFace:
    role: str
    family: str  # family name as found in the font (the spelling that matched)
    path: Path
    index: int  # TTC face index, 0 otherwise
    outline: str  # "glyf" or "cff"
    source: str  # "config" | "official" | "fallback" ("" from find_family)
    style: str = ""  # style name as found, for display only


class FontError(Exception):
    """A font problem the user can fix; ``str()`` is one line per problem."""

    def __init__(self, lines: str | list[str]):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))


# --------------------------------------------------------------------------
# Names


def _norm(name: str) -> str:
    # fontconfig compares families ignoring case and blanks; so do we.
    return "".join(name.split()).casefold()


def _split_style(spec: str) -> tuple[str, str | None]:
    """'Noto Serif CJK SC:Bold' → ('Noto Serif CJK SC', 'Bold')."""
    family, sep, style = spec.partition(":")
    return family.strip(), (style.strip() or None) if sep else None


_REGULAR_STYLES = {"regular", "book", "normal", "roman", "standard", "medium", "w3", "常规", "標準", "标准"}


@dataclass(frozen=True)
class _Entry:
    """One installed face as listed by fontconfig or read from its file."""

    families: tuple[str, ...]
    styles: tuple[str, ...]
    fullnames: tuple[str, ...]
    path: str
    index: int
    outline: str  # "glyf" | "cff"


# --------------------------------------------------------------------------
# A minimal sfnt reader: table directory + name table, nothing else.


def _decode_name(platform: int, encoding: int, raw: bytes) -> str | None:
    try:
        if platform == 0 or (platform == 3 and encoding in (0, 1, 10)):
            return raw.decode("utf_16_be")
        if platform == 3 and encoding in (3, 4):
            # Old Chinese fonts store GBK/Big5 bytes in 16-bit slots; the
            # zero high bytes of single-byte characters must go.
            return raw.replace(b"\0", b"").decode("gbk" if encoding == 3 else "big5")
        if platform == 1 and encoding == 0:
            return raw.decode("mac_roman")
        if platform == 1 and encoding == 25:
            return raw.decode("gb2312")
    except UnicodeDecodeError:
        return None
    return None


def _read_names(f, offset: int, length: int) -> dict[int, list[str]]:
    f.seek(offset)
    data = f.read(length)
    _fmt, count, strings = struct.unpack_from(">HHH", data, 0)
    names: dict[int, list[str]] = {}
    for i in range(count):
        pid, eid, _lang, nid, ln, off = struct.unpack_from(">6H", data, 6 + 12 * i)
        if nid not in (1, 2, 4, 16, 17):
            continue
        text = _decode_name(pid, eid, data[strings + off : strings + off + ln])
        if text and text.strip():
            bucket = names.setdefault(nid, [])
            if text.strip() not in bucket:
                bucket.append(text.strip())
    return names


def _table_directory(f, offset: int) -> dict[bytes, tuple[int, int]]:
    """tag → (offset, length) for the face starting at ``offset``."""
    f.seek(offset)
    head = f.read(12)
    if len(head) < 12:
        return {}
    num_tables = struct.unpack_from(">H", head, 4)[0]
    records = f.read(16 * num_tables)
    tables = {}
    for i in range(len(records) // 16):
        tag, _sum, toff, tlen = struct.unpack_from(">4sLLL", records, 16 * i)
        tables[tag] = (toff, tlen)
    return tables


def _read_face(f, path: str, index: int, offset: int) -> _Entry | None:
    tables = _table_directory(f, offset)
    if b"glyf" in tables:
        outline = "glyf"
    elif b"CFF " in tables or b"CFF2" in tables:
        outline = "cff"
    else:
        return None  # bitmap-only (e.g. colour emoji): useless for reportlab
    if b"name" not in tables:
        return None
    names = _read_names(f, *tables[b"name"])
    families = tuple(dict.fromkeys(names.get(16, []) + names.get(1, [])))
    if not families:
        return None
    styles = tuple(dict.fromkeys(names.get(17, []) + names.get(2, [])))
    return _Entry(families, styles, tuple(names.get(4, [])), path, index, outline)


def read_font_file(path: str | os.PathLike) -> list[_Entry]:
    """Every usable face of a .ttf/.otf/.ttc/.otc file ([] if unreadable)."""
    path = str(path)
    stats["files_scanned"] += 1
    try:
        with open(path, "rb") as f:
            tag = f.read(4)
            if tag == b"ttcf":
                f.seek(8)
                (count,) = struct.unpack(">L", f.read(4))
                offsets = struct.unpack(f">{count}L", f.read(4 * count))
            elif tag in (b"\0\1\0\0", b"OTTO", b"true"):
                offsets = (0,)
            else:
                return []
            faces = [_read_face(f, path, i, off) for i, off in enumerate(offsets)]
    except (OSError, struct.error):
        return []
    return [face for face in faces if face is not None]


# --------------------------------------------------------------------------
# The installed-font index: fontconfig when present, else a folder scan.


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
    cached = _fc_cache_load()
    if cached is not None:
        return cached
    stats["fc_list_calls"] += 1
    try:
        proc = subprocess.run([exe, "--format", _FC_FORMAT], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    entries = []
    # split("\n"), not splitlines(): the latter also splits at \x1e and \x1f.
    for line in proc.stdout.decode("utf-8", "replace").split("\n"):
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


def _system_index() -> _Index:
    key = (os.environ.get("BULLETIN_NO_FONTCONFIG", ""), os.environ.get("FONTCONFIG_FILE", ""))
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


def clear_caches() -> None:
    """Forget every in-process lookup (tests; long-running processes)."""
    _SYSTEM_INDEX.clear()
    _EXTRA_INDEX.clear()
    _RL_FONTS.clear()
    _CMAPS.clear()
    _CONVERTED.clear()
    _NUM_GLYPHS.clear()
    _SOURCE_KEYS.clear()
    _CONVERSION_LISTS.clear()


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


# --------------------------------------------------------------------------
# Roles


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


_FACE_INDEX = re.compile(r"^(.*)#(\d+)$")


def _looks_like_path(value: str) -> bool:
    bare = _FACE_INDEX.sub(r"\1", value)
    return "/" in value or "\\" in value or bare.lower().endswith(FONT_SUFFIXES)


def _face_from_file(role: str, spec: str, root: Path | None) -> FontFace:
    """An override naming a file: 'fonts/x.ttf', 'x.ttc#2', '~/y.otf'."""
    m = _FACE_INDEX.match(spec)
    raw, index = (m.group(1), int(m.group(2))) if m else (spec, 0)
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = (root or Path.cwd()) / path
    where = f"fonts.{role} in bulletin.yaml"
    if not path.is_file():
        raise FontError(f"font for role '{role}': {where} names {spec}, which does not exist")
    faces = {e.index: e for e in read_font_file(path)}
    if not faces:
        raise FontError(f"font for role '{role}': {where} names {spec}, which is not a TrueType/OpenType font")
    if index not in faces:
        raise FontError(
            f"font for role '{role}': {where} names face #{index} of {raw}, "
            f"which has faces {', '.join(f'#{i}' for i in sorted(faces))}"
        )
    entry = faces[index]
    return FontFace(
        role, entry.families[0], path.resolve(), index, entry.outline, "config", entry.styles[0] if entry.styles else ""
    )


def _resolve_role(role: str, spec: dict, override: str | None, root: Path | None) -> FontFace:
    if override:
        override = str(override).strip()
        if _looks_like_path(override):
            return _face_from_file(role, override, root)
        face = find_family(override)
        if face is None:
            raise FontError(
                f"font for role '{role}': fonts.{role} in bulletin.yaml names family "
                f"'{override}', which is not installed"
            )
        return dataclasses.replace(face, role=role, source="config")
    official, fallback = _as_list(spec.get("names")), _as_list(spec.get("fallback"))
    for names, source in ((official, "official"), (fallback, "fallback")):
        for name in names:
            face = find_family(name)
            if face is not None:
                return dataclasses.replace(face, role=role, source=source)
    tried = ", ".join(official + fallback) or "(no font names in the style)"
    raise FontError(
        f"font for role '{role}': none of {tried} found; install one of them or set fonts.{role} in bulletin.yaml"
    )


def resolve_fonts(
    roles: dict[str, dict],
    overrides: dict[str, str] | None = None,
    root: Path | None = None,
) -> dict[str, FontFace]:
    """Role → face: override, then official names, then fallbacks.

    Raises FontError with one line per role that failed (all roles are tried).
    """
    overrides = dict(overrides or {})
    faces: dict[str, FontFace] = {}
    errors: list[str] = []
    for role in sorted(set(overrides) - set(roles)):
        errors.append(f"fonts.{role} in bulletin.yaml: unknown font role '{role}' (known: {', '.join(roles)})")
    for role, spec in roles.items():
        try:
            faces[role] = _resolve_role(role, spec or {}, overrides.get(role), root)
        except FontError as err:
            errors.extend(err.lines)
    if errors:
        raise FontError(errors)
    return faces


# --------------------------------------------------------------------------
# Cache folder


cache_dir = _cache.cache_dir
_atomic_write = _cache.atomic_write


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


# --------------------------------------------------------------------------
# Characters


def _charset(chars: Iterable[str] | None) -> set[str]:
    """Accept a set of characters or whole strings of text."""
    if chars is None:
        return set()
    if isinstance(chars, str):
        return set(chars)
    out: set[str] = set()
    for item in chars:
        out.update(item)
    return out


_BASE_CHARSET: frozenset[str] | None = None

# Marks bulletins use that GB2312 lacks or maps elsewhere.
_EXTRA_BASE = (
    "—–―‒…‥·•‧‘’“”‹›«»‰‱′″℃℉№™©®§¶†‡※→←↑↓√∞±×÷≈≠≤≥"
    "〇〈〉《》「」『』【】〔〕〖〗〘〙〝〞〟・ー"
    "！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～｟｠￠￡￢￣￤￥"
    + "".join(chr(c) for c in range(0x2460, 0x24A0))  # ①…⑳ ⑴…⒇ ⒈…⒛
    + "".join(chr(c) for c in range(0x2160, 0x2180))  # Ⅰ…Ⅻ ⅰ…ⅻ
    + "".join(chr(c) for c in range(0x3220, 0x3244))  # ㈠…㈩ ...
    + "".join(chr(c) for c in range(0x3000, 0x3040))  # CJK symbols and punctuation
)


def base_charset() -> frozenset[str]:
    """GB2312 (symbols + level 1 + level 2 hanzi), printable ASCII, extras.

    One conversion of this set serves nearly every issue; other characters
    grow a face's cached conversion when a document needs them.
    """
    global _BASE_CHARSET
    if _BASE_CHARSET is None:
        chars = {chr(c) for c in range(0x20, 0x7F)} | set(_EXTRA_BASE)
        for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
            for lo in range(0xA1, 0xFF):
                try:
                    chars.add(bytes((hi, lo)).decode("gb2312"))
                except UnicodeDecodeError:
                    pass
        _BASE_CHARSET = frozenset(chars)
    return _BASE_CHARSET


def _printable(chars: set[str]) -> set[str]:
    # Control characters (newlines, tabs) are never drawn, so never missing.
    return {c for c in chars if unicodedata.category(c) != "Cc"}


# --------------------------------------------------------------------------
# reportlab
#
# glyf faces of ordinary size are registered as they are. Two kinds go
# through a cached TrueType subset (base_charset() plus the document's
# characters) instead: CFF faces, which reportlab cannot embed, and very
# large glyf faces, because reportlab reads every glyph's metrics when it
# registers a font (WQY Micro Hei, 49,531 glyphs: 55 ms; its 13,254-glyph
# base-set subset: 14 ms).

_DIRECT_GLYPH_LIMIT = 12000

_RL_FONTS: dict[tuple[str, int], object] = {}  # direct faces: reportlab TTFont
_CMAPS: dict[tuple[str, int], frozenset[int]] = {}  # subset faces: source cmap
# subset faces: (reportlab name, requested chars, covered chars) now registered
_CONVERTED: dict[tuple[str, int], tuple[str, frozenset[str], frozenset[str]]] = {}
_NUM_GLYPHS: dict[tuple[str, int], int] = {}


def _key(face: FontFace) -> tuple[str, int]:
    return (str(face.path), face.index)


def _num_glyphs(face: FontFace) -> int:
    key = _key(face)
    if key not in _NUM_GLYPHS:
        count = 0
        try:
            with open(face.path, "rb") as f:
                offset = 0
                if f.read(4) == b"ttcf":
                    f.seek(12 + 4 * face.index)
                    (offset,) = struct.unpack(">L", f.read(4))
                maxp = _table_directory(f, offset).get(b"maxp")
                if maxp:
                    f.seek(maxp[0] + 4)
                    (count,) = struct.unpack(">H", f.read(2))
        except (OSError, struct.error):
            pass  # reportlab will report the unreadable file
        _NUM_GLYPHS[key] = count
    return _NUM_GLYPHS[key]


def _via_subset(face: FontFace) -> bool:
    return face.outline != "glyf" or _num_glyphs(face) > _DIRECT_GLYPH_LIMIT


def _rl_name(face: FontFace, suffix: str = "") -> str:
    # Internal to reportlab (the PDF shows the font's PostScript name), but
    # unique per file and face so two roles sharing a face share one font.
    digest = zlib.crc32(str(face.path).encode("utf-8", "surrogatepass"))
    return f"{face.path.stem}-{face.index}-{digest:08x}{suffix}"


def _who(face: FontFace) -> str:
    return f"font for role '{face.role}'" if face.role else f"font {face.family}"


def _load_reportlab(name: str, source, index: int, face: FontFace):
    # lazyttf reads a face's tables on demand: ~1 ms instead of reportlab's
    # 25-100 ms full parse of a CJK face, the largest cost of a PDF build.
    from reportlab.pdfbase.ttfonts import TTFError

    from bulletin.fonts import lazyttf

    try:
        return lazyttf.load(name, str(source), index)
    except (TTFError, OSError, struct.error, ValueError) as err:
        raise FontError(f"{_who(face)}: {_where(face)} cannot be used: {err}") from None


def _rl_font(face: FontFace):
    """reportlab's parse of a direct face, made once per process."""
    key = _key(face)
    if key not in _RL_FONTS:
        _RL_FONTS[key] = _load_reportlab(_rl_name(face), str(face.path), face.index, face)
    return _RL_FONTS[key]


def registered_name(face: FontFace, chars: Iterable[str] | None = None) -> str:
    """Register ``face`` with reportlab (once) and return its reportlab name.

    ``chars`` (a set of characters or strings of text) matters for CFF and
    very large faces, which are registered through a cached TrueType subset
    holding base_charset() and ``chars``; the cache grows when a document
    needs more. Other glyf faces are registered as they are.
    """
    from reportlab.pdfbase import pdfmetrics

    if not _via_subset(face):
        font = _rl_font(face)
        if font.fontName not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(font)
        return font.fontName
    needed = _printable(_charset(chars))
    current = _CONVERTED.get(_key(face))
    if current is not None and needed <= current[1]:
        return current[0]
    for attempt in range(2):
        source, requested, covered, digest = _cached_subset(face, needed)
        name = _rl_name(face, f"-sub{digest[:8]}")
        if name in pdfmetrics.getRegisteredFontNames():
            break
        try:
            pdfmetrics.registerFont(_load_reportlab(name, source, 0, face))
            break
        except FontError:
            # A parallel build may have just replaced this cache entry with
            # a larger one: look again once before giving up.
            _CONVERSION_LISTS.clear()
            if attempt:
                raise
    _CONVERTED[_key(face)] = (name, requested, covered)
    return name


def missing_chars(face: FontFace, chars: Iterable[str]) -> set[str]:
    """Characters of ``chars`` (a set or strings) that ``face`` cannot draw.

    Control characters (newlines, tabs) are never reported.
    """
    want = _printable(_charset(chars))
    if not _via_subset(face):
        # reportlab's parse is needed for the PDF anyway and is faster
        # than fontTools' cmap reader.
        cmap = _rl_font(face).face.charToGlyph
        return {c for c in want if not cmap.get(ord(c))}
    # Answer from a cached subset that asked for these characters if there
    # is one (in memory or on disk), else from the source font's cmap.
    current = _CONVERTED.get(_key(face))
    if current is not None and want <= current[1]:
        return want - current[2]
    hit = _find_conversion(face, want)
    if hit is not None:
        return want - hit[2]
    cmap = _source_cmap(face)
    return {c for c in want if ord(c) not in cmap}


def _source_cmap(face: FontFace) -> frozenset[int]:
    key = _key(face)
    if key not in _CMAPS:
        from fontTools.ttLib import TTFont

        try:
            with TTFont(str(face.path), fontNumber=face.index, lazy=True) as font:
                _CMAPS[key] = frozenset(font.getBestCmap() or {})
        except Exception as err:  # noqa: BLE001 - fontTools raises many types on odd fonts
            raise FontError(f"{_who(face)}: {_where(face)} cannot be read: {err}") from None
    return _CMAPS[key]


# --------------------------------------------------------------------------
# Cached TrueType subsets (CFF converted, large glyf copied)


_FONTTOOLS_VERSION: list[str] = []
_SOURCE_KEYS: dict[tuple[str, int], str] = {}
# Cache listings per source key; dropped whenever this process writes one.
_CONVERSION_LISTS: dict[str, list] = {}


def _fonttools_version() -> str:
    # Reading the version without importing fontTools saves ~5 ms per build.
    if not _FONTTOOLS_VERSION:
        import importlib.util

        version = None
        spec = importlib.util.find_spec("fontTools")
        if spec and spec.origin:
            try:
                text = Path(spec.origin).read_text("utf-8")
                m = re.search(r"""^version\s*=\s*__version__\s*=\s*["']([^"']+)""", text, re.MULTILINE)
                version = m.group(1) if m else None
            except OSError:
                pass
        if version is None:
            import fontTools

            version = fontTools.version
        _FONTTOOLS_VERSION.append(version)
    return _FONTTOOLS_VERSION[0]


def _source_key(face: FontFace) -> str:
    """Names a subset's source: file, size, mtime, face, fontTools, us."""
    import hashlib

    if _key(face) not in _SOURCE_KEYS:
        st = face.path.stat()
        raw = (
            f"{face.path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{face.index}|"
            f"{_fonttools_version()}|{_CONVERTER_VERSION}"
        )
        _SOURCE_KEYS[_key(face)] = hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return _SOURCE_KEYS[_key(face)]


def _set_digest(chars: Iterable[str]) -> str:
    import hashlib

    return hashlib.sha1("".join(sorted(chars)).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _conversions(face: FontFace) -> list:
    """Cached subsets of ``face``: [(ttf path, requested, covered, digest)]."""
    import json

    key = _source_key(face)
    if key in _CONVERSION_LISTS:
        return _CONVERSION_LISTS[key]
    hits = []
    try:
        metas = sorted((cache_dir() / "ttf").glob(key + "-*.json"))
    except OSError:
        metas = []
    for meta in metas:
        ttf = meta.with_suffix(".ttf")
        try:
            info = json.loads(meta.read_text("utf-8"))
            requested, covered = frozenset(info["requested"]), frozenset(info["covered"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # another process is replacing it, or it is damaged
        if ttf.is_file():
            hits.append((ttf, requested, covered, meta.stem.rsplit("-", 1)[-1]))
    _CONVERSION_LISTS[key] = hits
    return hits


def _find_conversion(face: FontFace, needed: set[str]):
    for hit in _conversions(face):
        if needed <= hit[1]:
            return hit
    return None


def _cached_subset(face: FontFace, needed: set[str]):
    """A TrueType subset of ``face`` holding ``needed``: from the cache, or
    made now for needed ∪ base set ∪ everything cached before."""
    import json

    hit = _find_conversion(face, needed)
    if hit is not None:
        return hit
    older = _conversions(face)
    _CONVERSION_LISTS.clear()
    requested = frozenset(base_charset() | needed).union(*(h[1] for h in older))
    try:
        data, covered = _build_subset(face, requested, [h[0] for h in older])
    except Exception as err:  # noqa: BLE001 - fontTools raises many types on odd fonts
        raise FontError(f"{_who(face)}: making a TrueType subset of {_where(face)} failed: {err}") from None
    digest = _set_digest(requested)
    stem = cache_dir() / "ttf" / f"{_source_key(face)}-{digest}"
    meta = json.dumps(
        {
            "source": str(face.path),
            "index": face.index,
            "requested": "".join(sorted(requested)),
            "covered": "".join(sorted(covered)),
        },
        ensure_ascii=False,
    ).encode("utf-8")
    try:
        # The .ttf first: a .json is only ever read next to a complete .ttf.
        _atomic_write(stem.with_suffix(".ttf"), data)
        _atomic_write(stem.with_suffix(".json"), meta)
    except OSError:
        import io

        return io.BytesIO(data), requested, covered, digest  # read-only cache
    for old_ttf, *_ in older:  # superseded: their sets are subsets of ours
        for path in (old_ttf.with_suffix(".json"), old_ttf):
            try:
                path.unlink()
            except OSError:
                pass
    return stem.with_suffix(".ttf"), requested, covered, digest


def _reusable_glyphs(paths: list[Path], wanted: dict[int, str]):
    """Already converted glyphs from older cache entries, by source glyph name.

    Growing a CFF conversion by a few characters then costs a fraction of a
    second instead of redrawing thousands of glyphs. The compiled glyph
    bytes are reused as they are, so the result is identical to a fresh
    conversion. Returns ({name: (glyph, (advance, lsb))}, maxPoints, maxContours).
    """
    from fontTools.ttLib import TTFont

    reused: dict = {}
    max_points, max_contours = _MAXP_POINTS, _MAXP_CONTOURS
    for path in paths:
        try:
            with TTFont(str(path), lazy=True) as old:
                old_cmap, old_glyf, old_hmtx = old.getBestCmap(), old["glyf"], old["hmtx"]
                found = {}
                for cp, name in wanted.items():
                    old_name = old_cmap.get(cp)
                    if old_name is not None and name not in reused:
                        found[name] = (old_glyf.glyphs[old_name], old_hmtx[old_name])
                max_points = max(max_points, old["maxp"].maxPoints)
                max_contours = max(max_contours, old["maxp"].maxContours)
            reused.update(found)
        except Exception:  # noqa: BLE001, S112 - a damaged cache entry is simply not reused
            continue
    return reused, max_points, max_contours


def _draw_cff_glyphs(src, order: list[str], reuse: list[Path], wanted: dict[int, str]):
    """CFF → quadratic glyf outlines (the otf2ttf route), only for ``order``."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    reused, max_points, max_contours = _reusable_glyphs(reuse, wanted)
    glyph_set = src.getGlyphSet()
    glyphs, metrics = {}, {}
    for name in order:
        if name in reused:
            glyphs[name], metrics[name] = reused[name]
            continue
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, _CU2QU_MAX_ERR, reverse_direction=True))
        glyph = pen.glyph()
        glyph.recalcBounds(None)
        glyphs[name] = glyph
        metrics[name] = (src["hmtx"][name][0], glyph.xMin if glyph.numberOfContours else 0)
        max_points = max(max_points, len(glyph.coordinates))
        max_contours = max(max_contours, glyph.numberOfContours)

    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    # Floors, or the true maximum in the (rare) case a glyph exceeds them.
    maxp.maxPoints, maxp.maxContours = max_points, max_contours
    for attr in (
        "maxCompositePoints",
        "maxCompositeContours",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 2
    return glyphs, metrics, {"maxp": maxp}


def _copy_glyf_glyphs(src, order: list[str]):
    """glyf → glyf: the source's glyph bytes, hinting and maxp as they are."""
    import copy

    glyf = src["glyf"]
    glyphs = {name: glyf.glyphs[name] for name in order}
    for glyph in glyphs.values():
        if glyph.isComposite():
            glyph.expand(glyf)  # component references are renumbered on save
    metrics = {name: src["hmtx"][name] for name in order}
    tables = {tag: copy.deepcopy(src[tag]) for tag in ("maxp", "cvt ", "fpgm", "prep", "gasp") if tag in src}
    return glyphs, metrics, tables


def _with_components(src, names: set[str]) -> set[str]:
    """``names`` plus every glyph their composites use, recursively."""
    glyf = src["glyf"]
    todo, seen = list(names), set(names)
    while todo:
        glyph = glyf.glyphs[todo.pop()]
        if glyph.isComposite():
            glyph.expand(glyf)
            for component in glyph.components:
                if component.glyphName not in seen:
                    seen.add(component.glyphName)
                    todo.append(component.glyphName)
    return seen


def _build_subset(face: FontFace, chars: Iterable[str], reuse: list[Path] = ()) -> tuple[bytes, frozenset[str]]:
    """A TrueType font holding only the glyphs of ``chars``.

    For CFF sources only the needed glyphs are drawn (the "subset first" of
    the otf2ttf route, without fontTools.subset's slow GSUB closure over a
    CJK font). Everything reportlab copies into embedded subsets (head,
    hhea, maxp, OS/2, name) is kept independent of the character set, so a
    PDF comes out byte-identical whichever cached subset served it.
    """
    from fontTools.ttLib import TTFont

    stats["conversions"] += 1
    with TTFont(str(face.path), fontNumber=face.index, lazy=True) as src:
        return _subset_from(src, face, chars, reuse)


def _subset_from(src, face: FontFace, chars: Iterable[str], reuse: list[Path]) -> tuple[bytes, frozenset[str]]:
    import copy
    import io

    from fontTools.ttLib import TTFont, newTable
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    cmap = src.getBestCmap()
    _CMAPS.setdefault(_key(face), frozenset(cmap))
    wanted = {ord(c): cmap[ord(c)] for c in chars if ord(c) in cmap}
    names = set(wanted.values()) | {".notdef"}
    if "glyf" in src:
        names = _with_components(src, names)
    order = [".notdef"] + sorted(names - {".notdef"}, key=src.getGlyphID)
    if "glyf" in src:
        glyphs, metrics, tables = _copy_glyf_glyphs(src, order)
    else:
        glyphs, metrics, tables = _draw_cff_glyphs(src, order, list(reuse), wanted)

    # Not recalculating keeps the source's whole-font bbox and extents.
    out = TTFont(recalcBBoxes=False, recalcTimestamp=False)
    out.setGlyphOrder(order)
    for tag in ("head", "hhea", "name"):
        out[tag] = copy.deepcopy(src[tag])
    out["head"].glyphDataFormat = 0
    os2 = copy.deepcopy(src["OS/2"])
    os2.updateFirstAndLastCharIndex = lambda ttFont: None  # keep the source's
    out["OS/2"] = os2
    for tag, table in tables.items():
        out[tag] = table

    post = newTable("post")
    post.formatType = 3.0
    for attr in ("italicAngle", "underlinePosition", "underlineThickness", "isFixedPitch"):
        setattr(post, attr, getattr(src["post"], attr))
    post.minMemType42 = post.maxMemType42 = post.minMemType1 = post.maxMemType1 = 0
    out["post"] = post

    hmtx = newTable("hmtx")
    hmtx.metrics = metrics
    out["hmtx"] = hmtx
    out["loca"] = newTable("loca")
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    out["glyf"] = glyf
    out["cmap"] = _cmap_table(wanted, newTable, CmapSubtable)

    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue(), frozenset(chr(cp) for cp in wanted)


def _cmap_table(wanted: dict[int, str], newTable, CmapSubtable):
    subtables = []
    bmp = {cp: g for cp, g in wanted.items() if cp <= 0xFFFF}
    for platform, encoding in ((0, 3), (3, 1)):
        sub = CmapSubtable.newSubtable(4)
        sub.platformID, sub.platEncID, sub.language, sub.cmap = platform, encoding, 0, dict(bmp)
        subtables.append(sub)
    if len(bmp) < len(wanted):  # characters beyond the BMP need format 12
        for platform, encoding in ((0, 4), (3, 10)):
            sub = CmapSubtable.newSubtable(12)
            sub.platformID, sub.platEncID, sub.language, sub.cmap = platform, encoding, 0, dict(wanted)
            subtables.append(sub)
    table = newTable("cmap")
    table.tableVersion = 0
    table.tables = subtables
    return table


# --------------------------------------------------------------------------
# Report


def _where(face: FontFace) -> str:
    collection = face.path.suffix.lower() in (".ttc", ".otc")
    return f"{face.path}#{face.index}" if collection or face.index else str(face.path)


def describe(faces: dict[str, FontFace]) -> list[str]:
    """One line per role for ``bulletin fonts``; fallbacks carry a warning."""
    width = max((len(role) for role in faces), default=0)
    lines = []
    for role, face in faces.items():
        family = (
            f"{face.family} {face.style}" if face.style and _norm(face.style) not in _REGULAR_STYLES else face.family
        )
        embed = "converted from CFF, embedded as subset" if face.outline == "cff" else "embedded as subset"
        line = f"{role:<{width}}  {family}  {_where(face)}  {face.source}  {face.outline}  {embed}"
        if face.source == "fallback":
            line += "  [warning: official font not installed, using a substitute]"
        lines.append(line)
    return lines
