"""styles.xml, settings.xml and fontTable.xml for the DOCX writer, derived
from the style description (templates/<style>/style.yaml) and nothing else.

Every element of the page becomes one named paragraph style (names from
`docx_styles`), defined once; runs in the document then carry no direct
formatting except bold/italic.  Fonts are written by name with no theme
attributes (python-docx's template puts asciiTheme/eastAsiaTheme… in its
defaults, and those override names in Word and LibreOffice).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from lxml import etree

from bulletin.style import MM, Element, Style
from bulletin.writers.docx.geometry import TWIPS_PER_MM, Geometry, em_units, twips  # noqa: F401 - re-exported
from bulletin.writers.docx.ooxml import PPR_ORDER, RPR_ORDER, W_NS, build_props, new, sub

NSMAP = {"w": W_NS}
JC = {"left": "left", "center": "center", "centre": "center", "right": "right", "justify": "both", "both": "both"}


# ----------------------------------------------------------------- fonts


def font_names(style: Style, role: str, element: Element | None = None) -> tuple[str, str]:
    """(eastAsia, ascii/hAnsi) docx font names of a role.  仿宋/宋体 roles set
    digits and Latin in the latin role's face (Times New Roman); 黑体, 楷体
    and the title face keep their own (an office convention, and digits in a
    heading then match it), and so do page numbers.  `docx_latin` on the
    role or element overrides:
    a role name, a font name, or "own"."""
    fonts = style.fonts
    east = style.docx_font(role)
    choice = None
    if element is not None:
        choice = element.get("docx_latin")
    if choice is None:
        choice = fonts[role].get("docx_latin")
    if choice is None and element is not None and element.name == "page_number":
        choice = "own"  # anatomy: page numbers are 宋体 numerals
    if choice is None:
        choice = "latin" if role in ("fangsong", "song") else "own"
    if choice == "own":
        return east, east
    if choice in fonts:
        return east, style.docx_font(choice)
    return east, str(choice)


def rfonts(style: Style, role: str, element: Element | None = None) -> dict:
    east, latin = font_names(style, role, element)
    # hint: ambiguous characters (“ ” — …) belong to the East Asian face.
    return {"ascii": latin, "hAnsi": latin, "eastAsia": east, "cs": latin, "hint": "eastAsia"}


# ----------------------------------------------------------- the elements


@dataclass
class ParaStyle:
    key: str  # element key (docx_styles)
    name: str
    style_id: str
    ppr: dict
    rpr: dict
    based_on: str | None = "Normal"
    next: str | None = None


def style_id(name: str, taken: set[str]) -> str:
    base = "".join(ch for ch in name if ch.isalnum()) or "Style"
    sid, n = base, 1
    while sid in taken:
        n += 1
        sid = f"{base}{n}"
    taken.add(sid)
    return sid


def element(style: Style, name: str, fallback: str) -> Element:
    """A style element, or the fallback's for elements style.yaml leaves implicit."""
    try:
        return style.element(name)
    except KeyError:
        return style.element(fallback)


def _style_name(style: Style, key: str, default: str) -> str:
    return style.data.get("docx_styles", {}).get(key, default)


class StyleSheet:
    """Every paragraph, character and table style of the document, with the
    ids the writer refers to."""

    # (docx_styles key, the element it takes its values from, default style name)
    PARAGRAPHS = (
        ("marks", "marks", "Bulletin Marks"),
        ("masthead_title", "masthead_title", "Masthead Title"),
        ("issue_line", "issue_line", "Issue Line"),
        ("editor_line", "editor_line", "Editor Line"),
        ("column_label", "column_label", "Column Label"),
        ("note", "note", "Editor Note"),
        ("title_space", "article_title", "Title Space"),
        ("article_title", "article_title", "Title"),
        ("subtitle", "subtitle", "Subtitle"),
        ("heading1", "heading1", "Heading 1"),
        ("heading2", "heading2", "Heading 2"),
        ("heading3", "heading3", "Heading 3"),
        ("body", "body", "Body Text"),
        ("quote", "quote", "Quote"),
        ("table_title", "table_title", "Table Title"),
        ("table", "table", "Table Text"),
        ("table_header", "table", "Table Header"),
        ("caption", "caption", "Caption"),
        ("figure", "caption", "Figure"),
        ("attribution", "attribution", "Attribution"),
        ("imprint", "imprint", "Imprint"),
        ("imprint_print", "imprint", "Imprint Print Line"),
        ("imprint_contact", "imprint", "Imprint Contact"),
        ("page_number", "page_number", "Footer"),
        ("page_number_even", "page_number", "Footer Even"),
    )
    KEEP_NEXT = frozenset({
        "marks", "masthead_title", "issue_line", "column_label", "title_space", "article_title", "subtitle",
        "heading1", "heading2", "heading3", "table_title",
    })
    OUTLINE: ClassVar[dict[str, int]] = {"heading1": 0, "heading2": 1, "heading3": 2}

    def __init__(self, style: Style, geometry: Geometry, masthead_title: str = "", contact: str = ""):
        self.style = style
        self.g = geometry
        self.taken: set[str] = {"Normal", "DefaultParagraphFont", "TableNormal"}
        self.paras: dict[str, ParaStyle] = {}
        self.ids: dict[str, str] = {}
        self.masthead_size = self._masthead_size(masthead_title)
        self.contact_size = self._contact_size(contact)
        for key, el_name, default in self.PARAGRAPHS:
            el = element(style, key, el_name)
            name = _style_name(style, key, default)
            sid = style_id(name, self.taken)
            self.paras[key] = ParaStyle(key, name, sid, *self._props(key, el))
            self.ids[key] = sid
        # paragraph styles based on a sibling rather than on Normal
        self.paras["table_header"].based_on = self.ids["table"]
        self.paras["page_number_even"].based_on = self.ids["page_number"]
        for key in ("article_title", "subtitle", "heading1", "heading2", "heading3"):
            self.paras[key].next = self.ids["body"]
        # character styles
        self.char: dict[str, tuple[str, str, Element]] = {}
        for key, default in (("lead", "Run-in Lead"), ("note_label", "Note Label")):
            el = style.element(key)
            name = _style_name(style, key, default)
            sid = style_id(name, self.taken)
            self.char[key] = (sid, name, el)
            self.ids[key] = sid
        # table styles
        name = _style_name(style, "table_grid", "Bulletin Table")
        self.ids["table_grid"] = style_id(name, self.taken)
        self.table_grid_name = name

    # -- sizes -------------------------------------------------------------
    def _masthead_size(self, title: str) -> float:
        """初号 unless the title is too long for one line: then the largest
        half point at which every character (Latin counted half) fits the
        block width.  Shrinking the size, rather than w:w condensing, keeps
        the glyph shapes and renders the same in Word, WPS and LibreOffice."""
        el = self.style.element("masthead_title")
        size = el.size
        if el.get("fit", "shrink") != "shrink" or not title:
            return size
        units = sum(map(em_units, title))
        spacing = self.g.char_spacing / 20
        fit = (self.g.block_w / 20) / units - spacing
        return min(size, math.floor(fit * 2) / 2)

    def _contact_size(self, contact: str) -> float:
        """四号 unless the contact line is too long for one line between its
        one-cell indents: then the largest half point that fits, as the PDF
        does (the reference issue's line measures about 37 em at 四号)."""
        el = self.style.element("imprint")
        size = el.size
        if not contact or el.get("contact_fit", "shrink") != "shrink":
            return size
        units = sum(map(em_units, contact))
        spacing = self.g.char_spacing / 20
        room = self.g.block_w / 20 - 2 * el.indent * (size + spacing)
        fit = room / units - spacing
        return max(8.0, min(size, math.floor(fit * 2) / 2))

    def masthead_lines(self) -> int:
        """Grid lines the masthead title occupies (its exact line height):
        room for the face's full line height (CJK faces reach 1.45 em), so
        LibreOffice's grid, which rounds a taller line up to whole grid lines,
        and Word, which keeps the exact height, give the same page."""
        return max(1, math.ceil(self.masthead_size * 1.45 * 20 / self.g.line))

    # -- properties --------------------------------------------------------
    def _props(self, key: str, el: Element) -> tuple[dict, dict]:
        g, style = self.g, self.style
        ppr: dict = {}
        rpr: dict = {"rFonts": rfonts(style, el.font, el)}
        size = {"masthead_title": self.masthead_size, "imprint_contact": self.contact_size}.get(key, el.size)
        bold = el.bold or (key == "table_header" and bool(el.get("header_bold", True)))
        if bold:
            rpr["b"] = {}
            rpr["bCs"] = {}
        if el.color and el.color.upper() != style.color("black").upper():
            rpr["color"] = {"val": el.color.upper()}
        rpr["sz"] = {"val": round(size * 2)}
        rpr["szCs"] = {"val": round(size * 2)}

        if key in self.KEEP_NEXT:
            ppr["keepNext"] = {}
        spacing = {"before": round(el.before * g.line), "after": round(el.after * g.line)}
        if key == "masthead_title":
            spacing.update(line=self.masthead_lines() * g.line, lineRule="exact")
        elif key == "figure":
            spacing.update(line=240, lineRule="auto")  # a picture must not be clipped to one line
        elif key in ("table", "table_header"):
            # A row is its text plus its top rule (the header row also carries
            # the table's top rule): take the rules off the line so each row
            # is one grid line and the text below the table stays on the grid.
            rule = self.table_rule_twips()
            spacing.update(line=g.line - rule * (2 if key == "table_header" else 1), lineRule="exact")
            ppr["snapToGrid"] = {"val": 0}  # else LibreOffice rounds the line back up to the grid
        elif key == "title_space":
            # The air above a title's text: an empty paragraph half of
            # `pad_lines` high (a twip short), not space before, which Word
            # and LibreOffice drop at the top of a page (the body after the
            # title would then leave the grid).
            pad = max(0, round(float(el.get("pad_lines", 1))))
            spacing.update(line=max(1, math.floor(pad * g.line / 2)), lineRule="exact")
            ppr["snapToGrid"] = {"val": 0}
        elif key in ("article_title", "subtitle"):
            ppr["snapToGrid"] = {"val": 0}  # one grid line per line (LibreOffice would round 二号 up to two)
        elif key in ("page_number", "page_number_even"):
            spacing.update(line=g.footer_line, lineRule="exact")
        elif key == "editor_line":
            rule = style.element("masthead_rule")
            width_pt = float(rule.get("width_pt", 1.5))
            # The bottom border (the red rule) adds its width to the paragraph;
            # take it off the space after so the text below stays on the grid.
            spacing["after"] = max(0, round(rule.after * g.line) - twips(width_pt))

            def border(pbdr, rule=rule, width_pt=width_pt):
                sub(pbdr, "bottom", val="single", sz=max(2, round(width_pt * 8)), space=0,
                    color=rule.color.upper())

            ppr["pBdr"] = border
            ppr["tabs"] = _tabs(("right", g.block_w))
        if key.startswith("imprint"):
            # the 版记's line pitch, in grid lines (default: the grid itself)
            spacing.update(line=round(float(el.get("line", 1)) * g.line), lineRule="exact")
        if key == "imprint_print":
            ind = round(el.indent * g.cell)
            ppr["tabs"] = _tabs(("right", g.block_w - ind))
        ppr["spacing"] = {k: v for k, v in spacing.items() if v or k in ("before", "after")}
        ppr.update(self._indent(key, el))
        align = el.align
        if key == "page_number":
            align = "right"
        elif key == "page_number_even":
            align = "left"
        elif key == "table_header" or key == "figure":
            align = "center"
        if align:
            ppr["jc"] = {"val": JC.get(align, "left")}
        if key in self.OUTLINE:
            ppr["outlineLvl"] = {"val": self.OUTLINE[key]}
        return ppr, rpr

    def _indent(self, key: str, el: Element) -> dict:
        g = self.g
        cells = lambda n: round(n * g.cell)
        if key == "page_number":
            return {"ind": {"left": 0, "right": cells(el.indent), "firstLine": 0}}
        if key == "page_number_even":
            return {"ind": {"left": cells(el.indent), "right": 0, "firstLine": 0}}
        if key.startswith("imprint"):
            side = cells(el.indent)
            if key == "imprint":
                # 报：… continuation lines align after the label and colon
                hang = self.label_width(2, el)
                return {"ind": {"left": side + hang, "right": side, "hanging": hang}}
            return {"ind": {"left": side, "right": side, "firstLine": 0}}
        ind: dict = {"left": cells(el.indent), "right": 0}
        if el.indent_first:
            ind["firstLineChars"] = round(el.indent_first * 100)
            ind["firstLine"] = cells(el.indent_first)
        else:
            ind["firstLineChars"] = 0
            ind["firstLine"] = 0
        return {"ind": ind}

    def table_rule_twips(self) -> int:
        return round(float(self.style.element("table").get("rule_pt", 0.5)) * 20)

    def table_rule_sz(self) -> int:
        """w:sz (eighths of a point) of the table rules."""
        return max(2, round(float(self.style.element("table").get("rule_pt", 0.5)) * 8))

    def label_width(self, chars: int, el: Element | None = None) -> int:
        """Twips that `chars` full-width characters of the imprint take."""
        el = el or self.style.element("imprint")
        return round(chars * (el.size * 20 + self.g.char_spacing))

    # -- XML -----------------------------------------------------------------
    def styles_xml(self) -> etree._Element:
        style, g = self.style, self.g
        body = style.element("body")
        root = new("styles", nsmap=NSMAP)
        dd = sub(root, "docDefaults")
        rd = sub(dd, "rPrDefault")
        build_props(rd, "rPr", {
            "rFonts": rfonts(style, body.font, body),
            "kern": {"val": 0},
            "sz": {"val": round(body.size * 2)},
            "szCs": {"val": round(body.size * 2)},
            "lang": {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"},
        }, RPR_ORDER)
        sub(dd, "pPrDefault")

        normal = sub(root, "style", type="paragraph", default=1, styleId="Normal")
        sub(normal, "name", val="Normal")
        sub(normal, "qFormat")
        build_props(normal, "pPr", {
            "widowControl": {},  # no single line of a paragraph alone at a page's foot or head
            "kinsoku": {},
            "overflowPunct": {"val": 0},
            "autoSpaceDE": {"val": 0},
            "autoSpaceDN": {"val": 0},
            "spacing": {"before": 0, "after": 0, "line": g.line, "lineRule": "exact"},
            "ind": {"left": 0, "right": 0, "firstLine": 0},
            "jc": {"val": "both"},
        }, PPR_ORDER)
        build_props(normal, "rPr", {"spacing": {"val": g.char_spacing}}, RPR_ORDER)

        dpf = sub(root, "style", type="character", default=1, styleId="DefaultParagraphFont")
        sub(dpf, "name", val="Default Paragraph Font")
        sub(dpf, "uiPriority", val=1)
        sub(dpf, "semiHidden")
        sub(dpf, "unhideWhenUsed")

        tn = sub(root, "style", type="table", default=1, styleId="TableNormal")
        sub(tn, "name", val="Normal Table")
        sub(tn, "uiPriority", val=99)
        sub(tn, "semiHidden")
        sub(tn, "unhideWhenUsed")
        tp = sub(tn, "tblPr")
        sub(tp, "tblInd", w=0, type="dxa")
        _cell_margins(tp, 0, 108)

        for ps in self.paras.values():
            el = sub(root, "style", type="paragraph", styleId=ps.style_id)
            sub(el, "name", val=_internal_name(ps.name))
            if ps.based_on:
                sub(el, "basedOn", val=ps.based_on)
            if ps.next:
                sub(el, "next", val=ps.next)
            sub(el, "qFormat")
            build_props(el, "pPr", ps.ppr, PPR_ORDER)
            build_props(el, "rPr", ps.rpr, RPR_ORDER)

        for sid, name, cel in self.char.values():
            el = sub(root, "style", type="character", styleId=sid)
            sub(el, "name", val=name)
            sub(el, "basedOn", val="DefaultParagraphFont")
            sub(el, "qFormat")
            rpr = {"rFonts": rfonts(style, cel.font, cel)}
            if cel.bold:
                rpr["b"] = {}
                rpr["bCs"] = {}
            if cel.color and cel.color.upper() != style.color("black").upper():
                rpr["color"] = {"val": cel.color.upper()}
            build_props(el, "rPr", rpr, RPR_ORDER)

        # the table style: 0.5 pt rules all round
        el = sub(root, "style", type="table", styleId=self.ids["table_grid"])
        sub(el, "name", val=self.table_grid_name)
        sub(el, "basedOn", val="TableNormal")
        sub(el, "uiPriority", val=59)
        tp = sub(el, "tblPr")
        sz = self.table_rule_sz()
        borders = sub(tp, "tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            sub(borders, side, val="single", sz=sz, space=0, color="000000")
        _cell_margins(tp, 0, 108)
        return root

    def settings_xml(self) -> etree._Element:
        root = new("settings", nsmap=NSMAP)
        sub(root, "zoom", percent=100)
        sub(root, "defaultTabStop", val=2 * self.g.cell)
        sub(root, "evenAndOddHeaders")
        # keep the 28-cell grid: no punctuation compression (the PDF does none)
        sub(root, "characterSpacingControl", val="doNotCompress")
        compat = sub(root, "compat")
        for name, val in (("compatibilityMode", 15), ("overrideTableStyleFontSizeAndJustification", 1),
                          ("enableOpenTypeFeatures", 1), ("doNotFlipMirrorIndents", 1)):
            sub(compat, "compatSetting", name=name, uri="http://schemas.microsoft.com/office/word", val=val)
        sub(root, "themeFontLang", val="en-US", eastAsia="zh-CN")
        sub(root, "decimalSymbol", val=".")
        sub(root, "listSeparator", val=",")
        return root

    def font_table_xml(self) -> etree._Element:
        """Each font named in the styles, with its English alternative name
        and charset 86 (GB2312) for the CJK faces, which guides Word's and
        WPS's substitution when the exact font is missing."""
        style = self.style
        root = new("fonts", nsmap=NSMAP)
        seen: dict[str, str | None] = {}
        for spec in style.fonts.values():
            name = spec.get("docx")
            if not name or name in seen:
                continue
            alt = next((n for n in spec.get("names", ()) if n.isascii() and n != name), None)
            seen[name] = alt
            el = sub(root, "font", name=name)
            if alt:
                sub(el, "altName", val=alt)
            cjk = not name.isascii()
            sub(el, "charset", val="86" if cjk else "00")
            sub(el, "family", val="modern" if cjk else "roman")
            sub(el, "pitch", val="fixed" if cjk else "variable")
        return root


def _internal_name(name: str) -> str:
    """Word's stored names of built-in styles ('heading 1', 'caption', 'footer')."""
    from docx.styles import BabelFish

    return BabelFish.ui2internal(name)


def _tabs(*stops: tuple[str, int]):
    def fill(tabs):
        for kind, pos in stops:
            sub(tabs, "tab", val=kind, pos=pos)

    return fill


def _cell_margins(tblpr, vertical: int, horizontal: int) -> None:
    mar = sub(tblpr, "tblCellMar")
    sub(mar, "top", w=vertical, type="dxa")
    sub(mar, "left", w=horizontal, type="dxa")
    sub(mar, "bottom", w=vertical, type="dxa")
    sub(mar, "right", w=horizontal, type="dxa")


__all__ = ["MM", "Geometry", "StyleSheet", "twips"]
