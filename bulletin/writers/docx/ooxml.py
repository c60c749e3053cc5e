"""Small raw-XML helpers for the DOCX writer.

python-docx covers the package (parts, relationships, pictures); the
WordprocessingML itself is built here with lxml, element by element, so text
always goes through lxml's escaping (never string concatenation) and children
are created in schema order (Word rejects a pPr/rPr whose children are out of
order).
"""

from __future__ import annotations

import re

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"

_QN: dict[str, str] = {}


def qn(tag: str) -> str:
    """'w:p' → '{ns}p' (cached; only the w: prefix is needed here)."""
    q = _QN.get(tag)
    if q is None:
        prefix, _, local = tag.partition(":")
        assert prefix == "w", tag
        q = _QN[tag] = f"{{{W_NS}}}{local}"
    return q


def sub(parent, tag: str, **attrs) -> etree._Element:
    """Append a w: element with w:-qualified attributes (`val="x"` → w:val)."""
    el = etree.SubElement(parent, qn("w:" + tag))
    for key, value in attrs.items():
        if value is not None:
            el.set(qn("w:" + key), str(value))
    return el


def new(tag: str, nsmap: dict | None = None, **attrs) -> etree._Element:
    el = etree.Element(qn("w:" + tag), nsmap=nsmap)
    for key, value in attrs.items():
        if value is not None:
            el.set(qn("w:" + key), str(value))
    return el


# Characters XML 1.0 cannot carry (lxml raises on them): dropped, never passed on.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPLIT = re.compile(r"(\t|\r\n|\n|\r)")


def add_text(run, text: str) -> None:
    """Append text to a w:r: tabs become w:tab, line breaks w:br, the rest
    w:t (lxml escapes <, & and friends)."""
    text = _XML_ILLEGAL.sub("", text)
    for piece in _SPLIT.split(text):
        if not piece:
            continue
        if piece == "\t":
            sub(run, "tab")
        elif piece in ("\n", "\r", "\r\n"):
            sub(run, "br")
        else:
            t = sub(run, "t")
            t.text = piece
            if piece[0] == " " or piece[-1] == " " or "  " in piece:
                t.set(f"{{{XML_NS}}}space", "preserve")


# Schema order of the pPr / rPr children we use (ECMA-376 CT_PPrBase / CT_RPr).
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
)
RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
)


def build_props(parent, tag: str, props: dict, order: tuple[str, ...]) -> etree._Element:
    """Append `<w:tag>` holding `props` (child name → attribute dict, or a
    callable filling the child) in schema order."""
    el = sub(parent, tag)
    for name in order:
        if name in props:
            value = props[name]
            if callable(value):
                value(sub(el, name))
            else:
                sub(el, name, **value)
    return el
