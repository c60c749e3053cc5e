"""The DOCX package: a lean python-docx document, its properties, and a
deterministic ZIP.

python-docx's default template carries a thumbnail, customXml, a Mac theme,
numbering, webSettings and 800 KB of styles (stylesWithEffects included).  We
drop those parts once per process and keep the lean package's bytes; every
document then starts from them (cheaper to load, nothing stale to leak).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from functools import lru_cache

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from bulletin.writers.docx.ooxml import W_NS

# Relationships of the default template we do not ship.
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_DROP_DOC_RELS = (_STYLES_WITH_EFFECTS, RT.WEB_SETTINGS, RT.THEME, RT.CUSTOM_XML, RT.NUMBERING)
_DROP_PKG_RELS = (RT.THUMBNAIL,)
FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


@lru_cache(maxsize=1)
def lean_template() -> bytes:
    document = docx.Document(io.BytesIO(_pruned_default()))
    part = document.part
    for rId, rel in list(part.rels.items()):
        if rel.reltype in _DROP_DOC_RELS:
            del part.rels[rId]
    pkg_rels = part.package.rels
    for rId, rel in list(pkg_rels.items()):
        if rel.reltype in _DROP_PKG_RELS:
            del pkg_rels[rId]
    # placeholders; write_docx replaces them with the style's own
    part._styles_part._element = etree.Element(f"{{{W_NS}}}styles", nsmap={"w": W_NS})
    part._settings_part._element = etree.Element(f"{{{W_NS}}}settings", nsmap={"w": W_NS})
    body = document.element.body
    sect = body.sectPr
    for attr in list(sect.attrib):
        del sect.attrib[attr]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pruned_default() -> bytes:
    """python-docx's default template with the parts lean_template drops
    already left out, and styles/settings already the empty placeholders:
    loading it skips parsing 440 KB of styles (~7 ms of a one-issue build).
    lean_template gives the same bytes either way (a test compares them)."""
    path = os.path.join(os.path.dirname(docx.__file__), "templates", "default.docx")
    drop = {"word/_rels/document.xml.rels": _DROP_DOC_RELS, "_rels/.rels": _DROP_PKG_RELS}
    blank = {"word/styles.xml": "styles", "word/settings.xml": "settings"}
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for name in src.namelist():
            if name in blank:
                data = etree.tostring(etree.Element(f"{{{W_NS}}}{blank[name]}", nsmap={"w": W_NS}))
            else:
                data = src.read(name)
            if name in drop:  # the relationships to dropped parts: those parts are never read
                root = etree.fromstring(data)
                for rel in list(root):
                    if rel.get("Type") in drop[name]:
                        root.remove(rel)
                data = etree.tostring(root)
            dst.writestr(name, data)
    return out.getvalue()


def new_document():
    return docx.Document(io.BytesIO(lean_template()))


def related_part(part, reltype: str):
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return rel.target_part
    raise KeyError(reltype)


def set_properties(document, *, title: str, author: str, date: str, company: str) -> None:
    """core.xml from the issue (created/modified = the issue date, so the
    same sources give the same bytes) and a minimal app.xml."""
    y, m, d = (int(x) for x in date.split("-"))
    when = dt.datetime(y, m, d, 0, 0, 0)
    cp = document.core_properties
    # core.xml's text properties hold at most 255 characters (python-docx
    # refuses more); a longer masthead title or editor is shortened here
    # only: the page still prints it whole.
    title, author = _shorten(title), _shorten(author)
    cp.title = title
    cp.subject = ""
    cp.author = author
    cp.last_modified_by = author
    cp.comments = ""
    cp.keywords = ""
    cp.category = ""
    cp.language = "zh-CN"
    cp.revision = 1
    cp.created = when
    cp.modified = when

    app = related_part(document.part.package, RT.EXTENDED_PROPERTIES)
    root = etree.Element(f"{{{APP_NS}}}Properties", nsmap={None: APP_NS})
    for tag, text in (("Application", "bulletin"), ("DocSecurity", "0"), ("ScaleCrop", "false"),
                      ("Company", company), ("LinksUpToDate", "false"), ("SharedDoc", "false"),
                      ("HyperlinksChanged", "false")):
        etree.SubElement(root, f"{{{APP_NS}}}{tag}").text = text
    app._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


CORE_LIMIT = 255


def _shorten(text: str, limit: int = CORE_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with sorted members, fixed dates and fixed attributes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    members = sorted(src.namelist())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()
