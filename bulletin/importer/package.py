"""Opening a submission safely.

A file an office sends may be anything: a real .docx, a .doc renamed .docx
(or the reverse), a password-protected document (an OLE compound file with
an EncryptedPackage stream inside), a spreadsheet, or a crafted ZIP that
unpacks to gigabytes.  We look at the bytes, not the name, check the ZIP's
directory against limits *before* python-docx unpacks anything, and raise
`ImportFailure` with one sentence for the user.  Nothing in the file is run
or fetched: macros (vbaProject.bin) are never loaded as code, external
relationships are never followed, embedded objects are only ever shown by
their preview picture.  Binary Word (.doc, .wps), RTF and ODT are converted
by LibreOffice when `soffice` is on PATH.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import N_

# Limits: generous for a real submission with photographs, far below what
# would exhaust a small office PC.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_XML_PART_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200  # unpacked / packed for any part over 1 MB unpacked
SOFFICE_TIMEOUT = 180

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "macro-enabled",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "template",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "macro-enabled template",
}
OTHER_OFFICE = {
    "spreadsheetml": N_("an Excel workbook"),
    "presentationml": N_("a PowerPoint presentation"),
}
CONVERT_HINT = N_("install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer) so that `soffice` is on PATH, "
                  "or open it in Word or WPS and save it as .docx")


class ImportFailure(Exception):
    """One sentence saying what is wrong with a file (the caller names it)."""


@dataclass
class Opened:
    package: object  # docx.package.Package
    main: object  # the main document part
    kind: str  # "", "macro-enabled", "template" …: what kind of Word package
    converted_from: str = ""  # "doc", "rtf", "odt" … when LibreOffice converted it
    notes: list[str] = field(default_factory=list)


def sniff(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if low.startswith((b"<html", b"<!doctype html", b"mime-version:")) or b"<html" in low:
        return "html"  # Word's "web page" saved with a .doc name
    return "other"


def read_limited(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFailure(N_("cannot be read: {reason}", reason=str(exc.strerror or exc))) from None
    if not path.is_file():
        raise ImportFailure(N_("is not a file"))
    if size > MAX_FILE_BYTES:
        raise ImportFailure(N_("is {size} MB, more than the {limit} MB a submission may be", size=size // (1 << 20), limit=MAX_FILE_BYTES // (1 << 20)))
    if size == 0:
        raise ImportFailure(N_("is empty"))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailure(N_("cannot be read: {reason}", reason=str(exc.strerror or exc))) from None


def open_word(path: Path, soffice: str | None = None) -> Opened:
    """The file as a python-docx package, converting legacy formats first.
    `soffice`: the LibreOffice program (default: looked up on PATH)."""
    data = read_limited(path)
    kind = sniff(data[:1024])
    if kind == "ole":
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise ImportFailure(N_("is password-protected (encrypted): open it in Word or WPS, remove the password and save it as .docx"))
        return _converted(path, "doc" if path.suffix.lower() != ".wps" else "wps", soffice)
    if kind in ("rtf", "html"):
        if kind == "html" and path.suffix.lower() not in (".doc", ".docx", ".wps", ".htm", ".html", ".mht"):
            raise ImportFailure(N_("is not a Word document (it is a web page)"))
        return _converted(path, kind, soffice)
    if kind != "zip":
        raise ImportFailure(N_("is not a Word document (.docx): it is neither a ZIP package nor a .doc file"))
    return _open_zip(data, path, soffice)


def _open_zip(data: bytes, path: Path, soffice: str | None, converted_from: str = "") -> Opened:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFailure(N_("is damaged: it is not a readable ZIP package (try opening it in Word and saving it again)")) from None
    _check_limits(infos)
    names = {i.filename for i in infos}
    if "mimetype" in names and "content.xml" in names and not converted_from:
        mime = zf.read("mimetype")[:100]
        if b"opendocument.text" in mime:
            return _converted(path, "odt", soffice)
        raise ImportFailure(N_("is not a Word document (it is an OpenDocument file that is not text)"))
    if "[Content_Types].xml" not in names:
        raise ImportFailure(N_("is not a Word document: the ZIP package has no [Content_Types].xml"))
    ctypes = zf.read("[Content_Types].xml")
    main_kind = next((k for t, k in WORD_MAIN_TYPES.items() if t.encode() in ctypes), None)
    if main_kind is None:
        what = next((v for k, v in OTHER_OFFICE.items() if k.encode() in ctypes), N_("no Word document"))
        raise ImportFailure(N_("is not a Word document (it is {what})", what=what))
    from docx.package import Package

    try:
        package = Package.open(io.BytesIO(data))
        main = package.main_document_part
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on damaged packages
        raise ImportFailure(N_("is damaged: {reason}", reason=_short(str(exc)) or type(exc).__name__)) from None
    opened = Opened(package, main, main_kind, converted_from)
    if "macro" in main_kind or any(n.lower().endswith("vbaproject.bin") for n in names):
        opened.notes.append(N_("the file contains macros: they were ignored, never run"))
    return opened


def _check_limits(infos) -> None:
    if len(infos) > MAX_ENTRIES:
        raise ImportFailure(N_("holds {count} parts, more than a Word document can sensibly have ({limit})", count=len(infos), limit=MAX_ENTRIES))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ImportFailure(N_("is password-protected (encrypted ZIP): save it again without a password"))
        total += info.file_size
        if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ImportFailure(N_("part '{part}' unpacks {ratio} times its packed size: refused as a ZIP bomb", part=_short(info.filename), ratio=info.file_size // max(info.compress_size, 1)))
        if info.filename.lower().endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART_BYTES:
            raise ImportFailure(N_("part '{part}' is {size} MB of XML: too large to read", part=_short(info.filename), size=info.file_size // (1 << 20)))
    if total > MAX_UNPACKED_BYTES:
        raise ImportFailure(N_("unpacks to {size} MB, more than {limit} MB: refused", size=total // (1 << 20), limit=MAX_UNPACKED_BYTES // (1 << 20)))


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _converted(path: Path, kind: str, soffice: str | None) -> Opened:
    program = soffice or find_soffice()
    label = {"doc": N_("a binary Word .doc file"), "wps": N_("a WPS .wps file"), "rtf": N_("an RTF file"),
             "html": N_("a Word web page"), "odt": N_("an OpenDocument text file")}[kind]
    if not program:
        raise ImportFailure(N_("is {kind}; converting it needs LibreOffice: {hint}", kind=label, hint=CONVERT_HINT))
    with tempfile.TemporaryDirectory(prefix="bulletin-import-") as tmp:
        src = Path(tmp) / ("input" + {"doc": ".doc", "wps": ".wps", "rtf": ".rtf", "html": ".html", "odt": ".odt"}[kind])
        shutil.copyfile(path, src)
        profile = Path(tmp) / "profile"
        # A private profile: no clash with an office suite the user has open,
        # and no user macros or settings involved.  Headless conversion runs
        # no document macros (LibreOffice's macro security stays at its default).
        cmd = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(Path(tmp) / "out"), str(src)]
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SAL_USE_VCLPLUGIN")}
        env.setdefault("HOME", tmp)
        try:
            subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=SOFFICE_TIMEOUT, env=env, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ImportFailure(N_("is {kind}; LibreOffice could not convert it ({reason})", kind=label, reason=_short(str(exc)))) from None
        out = Path(tmp) / "out" / "input.docx"
        if not out.is_file():
            raise ImportFailure(N_("is {kind} that LibreOffice could not convert (damaged or password-protected?)", kind=label))
        data = out.read_bytes()
    opened = _open_zip(data, path, soffice, converted_from=kind)
    opened.notes.insert(0, N_("converted from {kind} by LibreOffice", kind=label))
    return opened


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
