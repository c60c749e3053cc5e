"""Incremental builds: a content hash of everything an output depends on,
kept beside the outputs in ``OUT/.bulletin-stamps.json``.

An output ``OUT/ID.FMT`` is up to date when the stamp holds the key it was
built from, the key computed now is the same, and the file is still the one
that was written (same size and modification time: an output opened and
saved in Word is rebuilt).  The key covers:

- the bytes of every file in the issue folder (issue.yaml, articles, local
  figures) and the size and mtime of figures the articles name elsewhere;
- the issue's 总期号 as numbered now (it depends on the other issues);
- the bytes of bulletin.yaml and of the style folder;
- for the PDF, the font file resolved for each role (path, face, size, mtime);
- the tool: its version, its own modules and the libraries that write the
  bytes (size and mtime of each file, so an edited checkout rebuilds too).

Cheap by design: a no-op rebuild of a year's issues must stay far under half a
second in a fresh process, so nothing here imports markdown-it, reportlab or
python-docx, and numbering is computed from a plain YAML load rather than the
validating reader.  When anything cannot be worked out (a broken YAML file, a
missing font), the key is None and the issue is simply rebuilt, which reports
the problem properly.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
from pathlib import Path

from bulletin import __version__
from bulletin.files import read_regular
from bulletin.numbering import IssueId, anchors, parse_issue_id, totals
from bulletin.sources.repo import CONFIG_NAME, ISSUE_FILE, IssueFolder

STAMP_NAME = ".bulletin-stamps.json"
_STAMP_VERSION = 1
# Libraries whose code decides the bytes of an output: import name → distribution
# name as its metadata folder spells it (lower case, "_" for "-").
_LIBRARIES = {
    "reportlab": "reportlab", "docx": "python_docx", "lxml": "lxml", "fontTools": "fonttools",
    "yaml": "pyyaml", "markdown_it": "markdown_it_py",
}

# Image targets in Markdown: ![alt](target "title") and [ref]: target
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.MULTILINE)


def _h(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _stat_line(path: Path | str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}|missing"
    return f"{path}|{st.st_size}|{st.st_mtime_ns}"


def _tree_bytes(folder: Path) -> list[tuple[str, bytes]]:
    """(relative path, bytes) of every visible file under ``folder``, sorted."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith("~"):
                continue  # editor droppings (.x.md.swp, x.md~) are no input
            path = os.path.join(dirpath, name)
            try:
                data = read_regular(path)  # a FIFO or a device is never opened for a blocking read
            except OSError:
                data = b"\0unreadable"
            out.append((os.path.relpath(path, folder), data))
    return out


@functools.cache
def tool_fingerprint() -> str:
    """Our version and code, and the versions of the libraries that write.

    By content and version, not mtime, so a fresh install in each CI run
    keeps a cached build/ folder current.  Taken once per process: it
    describes the code this process runs."""
    parts: list[object] = [__version__, sys.version_info[:2]]
    pkg = Path(__file__).resolve().parents[1]  # the whole bulletin package
    for path in sorted(p for p in pkg.rglob("*.py") if "__pycache__" not in p.parts):
        parts += [path.relative_to(pkg).as_posix(), path.read_bytes()]
    from importlib.util import find_spec

    listings: dict[Path, list[str]] = {}
    for lib, dist in _LIBRARIES.items():
        try:
            spec = find_spec(lib)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.origin:
            parts.append(f"{lib}:absent")
            continue
        origin = Path(spec.origin)
        site = origin.parent.parent
        if site not in listings:
            try:
                listings[site] = sorted(n for n in os.listdir(site) if n.endswith((".dist-info", ".egg-info")))
            except OSError:
                listings[site] = []
        found = [n for n in listings[site] if n.split("-", 1)[0].lower().replace(".", "_") == dist]
        # The installed version, as the metadata folder names it; else the code itself.
        parts.append(f"{lib}:{found or _stat_line(origin)}")
    return _h(*parts)


def style_fingerprint(style_name: str) -> str:
    """The bytes of the style's folder (style.yaml and any templates beside it)."""
    path = Path(style_name)
    if path.suffix in (".yaml", ".yml"):
        folder = path.parent
    else:
        from importlib import resources

        folder = Path(str(resources.files("bulletin.templates").joinpath(style_name)))
    return _h(*(x for rel, data in _tree_bytes(folder) for x in (rel, data)))


def _load_yaml(path: Path):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(read_regular(path).decode("utf-8-sig"), Loader=loader)  # a safe loader


def _anchor(publication: dict) -> tuple[IssueId, int] | None:
    anchor = (publication.get("numbering") or {}).get("anchor")
    if not anchor:
        return None
    iid = parse_issue_id(str(anchor["issue"]))
    if iid is None:
        raise ValueError("bad anchor")
    return iid, int(anchor["total"])


def _figure_lines(folder: Path, texts: list[bytes]) -> list[str]:
    """Size and mtime of images the articles name outside their folder."""
    lines = []
    real_folder = folder.resolve()
    for raw in texts:
        text = raw.decode("utf-8", "replace")
        for target in sorted(set(_IMAGE.findall(text)) | set(_REFDEF.findall(text))):
            if "://" in target:
                continue
            path = (folder / target).resolve()
            if real_folder in path.parents:
                continue  # its bytes are hashed with the folder
            lines.append(_stat_line(path))
    return lines


class Planner:
    """Computes output keys for the issues of one repository and one style."""

    def __init__(self, root: Path, folders: dict[IssueId, IssueFolder], style_name: str = "default"):
        self.root = root
        self.folders = folders
        self.style_name = style_name
        self._base: str | None = None
        self._publication: dict | None = None
        self._totals: dict[IssueId, int | None] | None = None
        self._fonts: str | None = None
        self._style = None
        self._broken = False
        self.sizes: dict[IssueId, int] = {}  # bytes of each planned issue's files: its work, roughly
        try:
            pub_bytes = read_regular(root / CONFIG_NAME)
            self._publication = _load_yaml(root / CONFIG_NAME)
            if not isinstance(self._publication, dict):
                raise TypeError("bulletin.yaml is not a mapping")
            self._base = _h(tool_fingerprint(), style_fingerprint(style_name), pub_bytes)
        except Exception:  # noqa: BLE001 - anything odd: rebuild, and let the reader report it
            self._broken = True

    # -- the parts ---------------------------------------------------------
    def _issue_totals(self) -> dict[IssueId, int | None]:
        if self._totals is None:
            try:
                _anchor(self._publication or {})  # a malformed anchor: rebuild and let the reader report it
                data = {iid: _load_yaml(folder.path / ISSUE_FILE) for iid, folder in self.folders.items()}
                self._totals = totals(list(self.folders), anchors(self._publication or {}, data))
            except Exception:  # noqa: BLE001
                self._broken = True
                self._totals = {}
        return self._totals

    @property
    def font_overrides(self) -> dict[str, str]:
        """`fonts:` of bulletin.yaml, as read for the plan."""
        fonts = (self._publication or {}).get("fonts") if isinstance(self._publication, dict) else None
        return {str(k): str(v) for k, v in fonts.items()} if isinstance(fonts, dict) else {}

    @property
    def style(self):
        """The loaded style (once per build; the renderers use it too)."""
        if self._style is None:
            from bulletin.style import load_style

            self._style = load_style(self.style_name)
        return self._style

    def _font_part(self) -> str | None:
        if self._fonts is None:
            try:
                from bulletin.fonts import resolve_fonts

                style = self.style
                faces = resolve_fonts(style.fonts, self.font_overrides, self.root)
                self._fonts = _h(*(f"{role}|{face.index}|{_stat_line(face.path)}" for role, face in sorted(faces.items())))
            except Exception:  # noqa: BLE001 - a font problem: rebuild and let the writer report it
                self._fonts = ""
        return self._fonts or None

    def keys(self, iid: IssueId, formats: tuple[str, ...]) -> dict[str, str | None]:
        """format → key of the output ``ID.format`` (None: cannot tell, rebuild)."""
        none = {fmt: None for fmt in formats}
        folder = self.folders.get(iid)
        if folder is None or self._broken:
            return none
        total = self._issue_totals().get(iid)
        if self._broken:
            return none
        files = _tree_bytes(folder.path)
        self.sizes[iid] = sum(len(data) for _, data in files)
        issue = _h(
            self._base, iid, total,
            *(x for rel, data in files for x in (rel, data)),
            *_figure_lines(folder.path, [data for rel, data in files if rel.endswith(".md")]),
        )
        out: dict[str, str | None] = {}
        for fmt in formats:
            if fmt == "pdf":
                fonts = self._font_part()
                out[fmt] = _h(issue, fmt, fonts) if fonts else None
            elif fmt == "html":  # the templates are outside the code the tool's fingerprint covers
                from bulletin.commands.web import html_fingerprint

                out[fmt] = _h(issue, fmt, html_fingerprint(self.root))
            else:
                out[fmt] = _h(issue, fmt)
        return out


# --------------------------------------------------------------------------
# The stamp file


class Stamps:
    """``OUT/.bulletin-stamps.json``: output file name → key, size, mtime, sha256.

    An output whose mtime changed but whose bytes did not (restored from a
    CI cache, copied with its folder) is recognised by its digest."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / STAMP_NAME
        self.entries: dict[str, dict] = {}
        self.changed = False
        try:
            data = json.loads(self.path.read_text("utf-8"))
            if isinstance(data, dict) and data.get("version") == _STAMP_VERSION and isinstance(data.get("outputs"), dict):
                self.entries = data["outputs"]
        except (OSError, ValueError):
            pass

    def fresh(self, output: Path, key: str | None) -> bool:
        """True when ``output`` was built from ``key`` and is untouched since."""
        if key is None:
            return False
        entry = self.entries.get(output.name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return False
        try:
            st = os.stat(output)
        except OSError:
            return False
        if entry.get("size") != st.st_size:
            return False
        if entry.get("mtime_ns") == st.st_mtime_ns:
            return True
        try:
            with open(output, "rb") as fh:
                same = hashlib.sha256(fh.read()).hexdigest() == entry.get("sha256")
        except OSError:
            return False
        if same:
            entry["mtime_ns"] = st.st_mtime_ns
            self.changed = True
        return same

    def record(self, output: Path, key: str | None, digest: str | None = None) -> None:
        self.changed = True
        try:
            st = os.stat(output)
        except OSError:
            st = None
        if key is None or st is None:
            self.entries.pop(output.name, None)
            return
        entry = {"key": key, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
        if digest:
            entry["sha256"] = digest
        self.entries[output.name] = entry

    def save(self) -> None:
        """Write the stamps (after the outputs).  A failure only costs a rebuild."""
        if not self.changed:
            return
        from bulletin.output import write_atomic

        data = json.dumps({"version": _STAMP_VERSION, "outputs": dict(sorted(self.entries.items()))}, indent=1)
        try:
            write_atomic(self.path, data.encode("utf-8"))
        except OSError:
            pass
