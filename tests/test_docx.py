"""The DOCX writer: text read back in order, named styles, clean runs, the
package, determinism, and a snapshot of document.xml.  Rendering through
LibreOffice is tested in test_docx_render.py."""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from conftest import EXAMPLE, REPO, check_snapshot, run_cli
from lxml import etree

from bulletin import model
from bulletin.commands.build import read_bulletins
from bulletin.diagnostics import Collector
from bulletin.model import (
    Article,
    Bulletin,
    ColumnGroup,
    Figure,
    Heading,
    Para,
    Quote,
    Span,
    plain_text,
)
from bulletin.numbering import IssueId
from bulletin.style import load_style
from bulletin.writers.docx import BLOCK_RULES, write_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
FIXTURES = Path(__file__).parent / "fixtures"
SNAPSHOTS = Path(__file__).parent / "snapshots" / "docx"


def _bulletin(issue: str) -> Bulletin:
    y, n = (int(x) for x in issue.split("-"))
    diags = Collector()
    b = read_bulletins(EXAMPLE, [IssueId(y, n)], diags)[IssueId(y, n)]
    assert b is not None, [str(d) for d in diags]
    return b


@pytest.fixture(scope="module")
def style():
    return load_style()


@pytest.fixture(scope="module")
def b48() -> Bulletin:
    return _bulletin("2018-48")


@pytest.fixture(scope="module")
def b49() -> Bulletin:
    return _bulletin("2018-49")


@pytest.fixture(scope="module")
def docx48(b48, style) -> bytes:
    return write_docx(b48, style, EXAMPLE)


@pytest.fixture(scope="module")
def docx49(b49, style) -> bytes:
    return write_docx(b49, style, EXAMPLE)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def xml(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(parts(data)[name])


def read_back(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every non-empty paragraph, in reading order:
    body paragraphs and table cells, then the footers."""
    document = docx.Document(io.BytesIO(data))
    out: list[tuple[str, str]] = []

    def add(p):
        if p.text:
            out.append((p.style.name, p.text))

    for item in document.iter_inner_content():
        if isinstance(item, docx.table.Table):
            for row in item.rows:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        add(p)
        else:
            add(item)
    for section in document.sections:
        for part in (section.header, section.even_page_header, section.first_page_header,
                     section.footer, section.even_page_footer, section.first_page_footer):
            if not part.is_linked_to_previous:  # defined in this section
                for p in part.paragraphs:
                    add(p)
    return out


def seed_paragraphs() -> list[str]:
    """The body paragraphs of the printed reference issue, one per line.

    tests/fixtures/seed_2018_48_paragraphs.txt was produced once from
    shared/seed/guangxi-2018-48.txt (text extracted from the printed PDF) by:

        body = seed.split("\\n---\\n")[0]            # the 版记 follows the first rule
        lines = [l.strip() for l in body.splitlines() if l.strip()][4:]  # drop the masthead + 领导批示
        for each line: '#' lines (titles, headings) and （…） lines (attributions)
            end a paragraph; '**' is dropped; a line continues the previous
            paragraph when that one does not end in 。！？” (a page break split it)
        then the extraction's spaces between CJK and ASCII are deleted
            (re.sub(r"(?<=[^\\x00-\\x7f]) +(?=[\\x21-\\x7e])|(?<=[\\x21-\\x7e]) +(?=[^\\x00-\\x7f])", "", p))
    so "设 1 至 2 个" reads "设1至2个" as printed.
    """
    return (FIXTURES / "seed_2018_48_paragraphs.txt").read_text(encoding="utf-8").splitlines()


# ------------------------------------------------------------ text, in order


def test_every_model_block_type_has_a_rule():
    assert set(BLOCK_RULES) == set(model.BLOCK_TYPES)


def test_2018_48_reads_back_in_order(docx48, b48):
    got = read_back(docx48)
    texts = [t.replace("\n", "") for _, t in got]
    m, imp = b48.masthead, b48.imprint
    expected = [
        "广西精准脱贫攻坚简报",
        "2018年第48期（总第210期）",
        "广西壮族自治区扶贫开发办公室编\t2018年11月15日",
        "领导批示",
    ]
    for art in b48.articles:
        expected.append(art.title.replace("\n", ""))
        for block in art.blocks:
            if isinstance(block, Heading):
                expected.append(plain_text(block.spans))
            elif isinstance(block, Para):
                expected.append(plain_text(block.lead) + plain_text(block.spans))
        expected.append(art.attribution)
    expected += [f"{d.label}：{d.text}" for d in imp.distribution]
    expected += ["广西壮族自治区扶贫开发办公室\t2018年11月15日印发", imp.contact]
    expected += ["— 1 —", "— 1 —"]  # odd and even footers (the PAGE field's cached result)
    assert texts == expected
    # spot checks against the printed issue itself, not the model
    assert [t for s, t in got if s == "Title"] == [
        "乐业县探索“三变”\n实现贫困户产业全覆盖",  # broken where the writer (and the printed issue) broke it
        "全州县“五心五线”工作法严管厚爱\n驻村工作队员",
        "蒙山县多重保障推进健康扶贫工作",
    ]
    assert [t for s, t in got if s == "Attribution"] == [
        "（乐业县委办公室 周白阳）", "（全州县宣传部 周娜 胡常胜）", "（梧州市扶贫办开发办公室 陈世万）",
    ]
    assert texts[texts.index(m.title) + 1] == m.issue_line
    assert [t for s, t in got if s == "Heading 1"] == [
        "一、盘活农村闲置资源，推动资源变资产。",
        "一、筑起“六道保障”线，健全健康扶贫补偿机制",
        "二、优化服务流程，多举措方便患者就医",
        "三、加强能力建设，提升服务水平",
    ]
    assert texts[-6].startswith("报：国务院扶贫开发领导小组办公室及21个定点帮扶广西")
    assert texts[-5].startswith("送：自治区扶贫开发领导小组成员")
    assert texts[-4].endswith("2018年11月15日印发")
    assert texts[-3].startswith("联系人：") and texts[-3].endswith("投稿邮箱：gtxpxcb@163.com")


def test_2018_48_body_paragraphs_equal_the_printed_issue(docx48, b48):
    body = [t for s, t in read_back(docx48) if s == "Body Text"]
    model_paras = [plain_text(p.lead) + plain_text(p.spans)
                   for a in b48.articles for p in a.blocks if isinstance(p, Para)]
    assert body == model_paras
    assert body == seed_paragraphs()


def test_2018_49_reads_back_note_columns_table_quote_subtitle(docx49):
    got = read_back(docx49)
    styles = {}
    for s, t in got:
        styles.setdefault(s, []).append(t)
    assert styles["Editor Note"] == ["编者按：本期刊发三个县的经验做法，供各地在推进产业扶贫和易地扶贫搬迁后续扶持工作中参考借鉴。"]
    assert styles["Column Label"] == ["工作动态", "经验交流"]
    assert styles["Subtitle"] == ["——以村级党组织为引领发展乡村旅游"]
    assert styles["Quote"] == ["自治区领导批示：隆林的做法很实在，请各地学习借鉴，把后续扶持工作抓紧抓实。"]
    assert styles["Heading 2"] == ["（一）开展信用评级", "（二）建立风险补偿金"]
    assert styles["Table Header"] == ["乡镇", "贷款户数", "贷款金额（万元）"]
    assert styles["Table Text"] == ["平马镇", "1260", "5980", "祥周镇", "980", "4650", "林逢镇", "1105", "5210"]
    # the note comes first, each column label once, before its first article
    order = [t for _, t in got]
    assert order.index(styles["Editor Note"][0]) < order.index("工作动态") < order.index("田东县“农村金融+产业”助推贫困户增收")
    assert order.index("（隆林各族自治县 韦小燕）") < order.index("经验交流") < order.index("融水苗族自治县探索“党建+旅游”扶贫模式")


# ------------------------------------------------------------------ styles


def _styles(data: bytes) -> dict[str, etree._Element]:
    root = xml(data, "word/styles.xml")
    return {s.get(f"{{{W}}}styleId"): s for s in root.iterfind("w:style", NS)}


def _name(style_el) -> str:
    return style_el.find("w:name", NS).get(f"{{{W}}}val")


def test_every_paragraph_has_a_named_style_and_runs_carry_only_bold_italic(docx48, docx49):
    for data in (docx48, docx49):
        styles = _styles(data)
        char_styles = {sid for sid, s in styles.items() if s.get(f"{{{W}}}type") == "character"}
        names = [n for n in parts(data) if re.fullmatch(r"word/(document|footer\d+)\.xml", n)]
        assert len(names) == 3
        for name in names:
            root = xml(data, name)
            for p in root.iter(f"{{{W}}}p"):
                ps = p.find("w:pPr/w:pStyle", NS)
                assert ps is not None, etree.tostring(p, encoding="unicode")[:200]
                sid = ps.get(f"{{{W}}}val")
                assert sid in styles and sid != "Normal"
            for rpr in root.iter(f"{{{W}}}rPr"):
                if rpr.getparent().tag != f"{{{W}}}r":
                    continue  # paragraph-mark properties
                kids = [etree.QName(k).localname for k in rpr]
                assert set(kids) <= {"rStyle", "b", "i"}, kids
                rs = rpr.find("w:rStyle", NS)
                if rs is not None:
                    assert rs.get(f"{{{W}}}val") in char_styles


def _resolved(styles, sid: str, path: str, attr: str):
    """An attribute of a style property, following basedOn."""
    while sid:
        s = styles[sid]
        el = s.find(path, NS)
        if el is not None and el.get(f"{{{W}}}{attr}") is not None:
            return el.get(f"{{{W}}}{attr}")
        based = s.find("w:basedOn", NS)
        sid = based.get(f"{{{W}}}val") if based is not None else None
    return None


def test_style_fonts_follow_the_style_description(docx48, style):
    styles = _styles(docx48)
    by_name = {_name(s): sid for sid, s in styles.items()}
    east = {name: _resolved(styles, by_name[name], "w:rPr/w:rFonts", "eastAsia") for name in by_name}
    assert east["Masthead Title"] == east["Title"] == "方正小标宋简体"
    assert east["Body Text"] == east["Issue Line"] == east["Table Text"] == east["Imprint"] == "仿宋_GB2312"
    assert east["heading 1"] == east["Column Label"] == east["Run-in Lead"] == east["Note Label"] == "黑体"
    assert east["heading 2"] == east["Quote"] == east["Attribution"] == east["Editor Note"] == "楷体_GB2312"
    assert east["caption"] == "楷体_GB2312" and east["heading 3"] == "仿宋_GB2312"
    assert east["footer"] == "宋体"
    # generically: every element's style names its role's docx font
    for key, name in style.data["docx_styles"].items():
        if key in style.data["elements"] and "font" in style.data["elements"][key]:
            internal = docx.styles.BabelFish.ui2internal(name)
            assert east[internal] == style.docx_font(style.element(key).font), key
    # 仿宋 set digits in Times New Roman; sizes, colour, bold
    assert _resolved(styles, by_name["Body Text"], "w:rPr/w:rFonts", "ascii") == "Times New Roman"
    assert _resolved(styles, by_name["Body Text"], "w:rPr/w:sz", "val") == "32"
    assert _resolved(styles, by_name["Title"], "w:rPr/w:sz", "val") == "44"
    assert _resolved(styles, by_name["Imprint"], "w:rPr/w:sz", "val") == "28"
    assert _resolved(styles, by_name["footer"], "w:rPr/w:sz", "val") == "28"
    assert _resolved(styles, by_name["Masthead Title"], "w:rPr/w:color", "val") == "E60012"
    assert _resolved(styles, by_name["Masthead Title"], "w:rPr/w:sz", "val") == "84"
    assert styles[by_name["Run-in Lead"]].get(f"{{{W}}}type") == "character"
    assert styles[by_name["Run-in Lead"]].find("w:rPr/w:b", NS) is not None
    assert _resolved(styles, by_name["heading 3"], "w:rPr/w:b", "val") is None  # present, i.e. on
    assert styles[by_name["heading 3"]].find("w:rPr/w:b", NS) is not None


def test_paragraph_layout_in_styles(docx48):
    styles = _styles(docx48)
    by_name = {_name(s): sid for sid, s in styles.items()}

    def get(name, path, attr):
        return _resolved(styles, by_name[name], path, attr)

    # the grid: exact 579-twip lines, widow control on, kinsoku on, no hanging punctuation
    assert get("Body Text", "w:pPr/w:spacing", "line") == "579"
    assert get("Body Text", "w:pPr/w:spacing", "lineRule") == "exact"
    assert styles["Normal"].find("w:pPr/w:widowControl", NS) is not None
    assert get("Body Text", "w:pPr/w:widowControl", "val") in (None, "1", "true", "on")
    assert get("Body Text", "w:pPr/w:overflowPunct", "val") == "0"
    assert styles["Normal"].find("w:pPr/w:kinsoku", NS) is not None
    assert get("Body Text", "w:rPr/w:spacing", "val") == "-5"
    assert get("Body Text", "w:pPr/w:jc", "val") == "both"
    assert get("Body Text", "w:pPr/w:ind", "firstLineChars") == "200"
    assert int(get("Body Text", "w:pPr/w:ind", "firstLine")) > 600
    # table cells, captions, figures and page numbers do not inherit the indent
    for name in ("Table Text", "Table Header", "caption", "Figure", "footer", "Footer Even",
                 "Imprint Print Line", "Imprint Contact", "Attribution", "Title", "Masthead Title"):
        assert get(name, "w:pPr/w:ind", "firstLine") in ("0", None), name
        assert get(name, "w:pPr/w:ind", "firstLineChars") in ("0", None), name
    # 报：… hangs: continuation lines start after the label and colon
    hang = int(get("Imprint", "w:pPr/w:ind", "hanging"))
    assert int(get("Imprint", "w:pPr/w:ind", "left")) == 316 + hang and 540 <= hang <= 560
    assert get("Imprint", "w:pPr/w:ind", "right") == "316"
    # headings: own line, kept with the next, in the navigation pane
    assert styles[by_name["heading 1"]].find("w:pPr/w:keepNext", NS) is not None
    assert get("heading 1", "w:pPr/w:outlineLvl", "val") == "0"
    # masthead: the red rule under the editor line, date at a right tab on the block's edge
    bottom = styles[by_name["Editor Line"]].find("w:pPr/w:pBdr/w:bottom", NS)
    assert bottom.get(f"{{{W}}}sz") == "12" and bottom.get(f"{{{W}}}color") == "E60012"
    tab = styles[by_name["Editor Line"]].find("w:pPr/w:tabs/w:tab", NS)
    assert tab.get(f"{{{W}}}val") == "right" and tab.get(f"{{{W}}}pos") == "8844"
    # page numbers: odd right with one cell in, even left with one cell in
    assert get("footer", "w:pPr/w:jc", "val") == "right" and get("footer", "w:pPr/w:ind", "right") == "316"
    assert get("Footer Even", "w:pPr/w:jc", "val") == "left" and get("Footer Even", "w:pPr/w:ind", "left") == "316"


def test_no_theme_fonts_anywhere(docx48, docx49):
    for data in (docx48, docx49):
        for name, blob in parts(data).items():
            if name.endswith((".xml", ".rels")):
                assert not re.search(rb"\w+Theme=", blob), name
                assert b"w:rsid" not in blob, name


# ----------------------------------------------------------------- the page


def test_section_page_grid_and_footers(docx48):
    root = xml(docx48, "word/document.xml")
    sect = root.find("w:body/w:sectPr", NS)
    a = lambda el, k: el.get(f"{{{W}}}{k}")
    pg = sect.find("w:pgSz", NS)
    assert (a(pg, "w"), a(pg, "h")) == ("11906", "16838")  # A4
    mar = sect.find("w:pgMar", NS)
    assert (a(mar, "top"), a(mar, "left"), a(mar, "right"), a(mar, "bottom")) == ("2098", "1587", "1475", "1984")
    grid = sect.find("w:docGrid", NS)
    assert (a(grid, "type"), a(grid, "linePitch")) == ("lines", "579")
    refs = {a(r, "type") for r in sect.iterfind("w:footerReference", NS)}
    assert refs == {"default", "even"}
    settings = xml(docx48, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    assert settings.find(".//w:rsids", NS) is None
    for name in ("word/footer1.xml", "word/footer2.xml"):
        ftr = xml(docx48, name)
        kinds = [a(f, "fldCharType") for f in ftr.iter(f"{{{W}}}fldChar")]
        assert kinds == ["begin", "separate", "end"]
        assert [i.text for i in ftr.iter(f"{{{W}}}instrText")] == [" PAGE "]
        assert "".join(t.text for t in ftr.iter(f"{{{W}}}t")) == "— 1 —"


def test_imprint_is_a_floating_table_at_the_foot_of_the_block(docx48):
    root = xml(docx48, "word/document.xml")
    body = root.find("w:body", NS)
    tables = body.findall("w:tbl", NS)
    assert len(tables) == 1
    imp = tables[0]
    pos = imp.find("w:tblPr/w:tblpPr", NS)
    a = lambda el, k: el.get(f"{{{W}}}{k}")
    assert (a(pos, "vertAnchor"), a(pos, "tblpYSpec")) == ("margin", "bottom")
    assert (a(pos, "horzAnchor"), a(pos, "tblpX")) == ("page", "1587")
    borders = imp.find("w:tblPr/w:tblBorders", NS)
    assert a(borders.find("w:top", NS), "sz") == a(borders.find("w:bottom", NS), "sz") == "8"  # 0.35 mm
    assert a(borders.find("w:insideH", NS), "sz") == "6"  # 0.25 mm
    assert a(borders.find("w:left", NS), "val") == "nil"
    rows = imp.findall("w:tr", NS)
    assert len(rows) == 4  # 报, 送, print line, contact
    # the table is the last block; a paragraph anchors it
    kids = [etree.QName(k).localname for k in body]
    assert kids[-3:] == ["tbl", "p", "sectPr"]


def test_table_is_a_real_word_table(docx49, style):
    document = docx.Document(io.BytesIO(docx49))
    [table, _imprint] = document.tables
    assert table.style.name == "Bulletin Table"
    assert len(table.rows) == 4 and len(table.columns) == 3
    tbl = table._tbl
    widths = [int(c.get(f"{{{W}}}w")) for c in tbl.iterfind("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) <= 8844
    assert tbl.find("w:tr/w:trPr/w:tblHeader", NS) is not None
    styles = _styles(docx49)
    borders = styles[table.style.style_id].find("w:tblPr/w:tblBorders", NS)
    assert {b.get(f"{{{W}}}sz") for b in borders} == {"4"}  # 0.5 pt
    # numeric columns right-aligned as the Markdown asked (|---:|)
    cell = table.rows[1].cells[1].paragraphs[0]
    assert cell._p.find("w:pPr/w:jc", NS).get(f"{{{W}}}val") == "right"
    assert table.rows[0].cells[0].paragraphs[0].style.name == "Table Header"


# ---------------------------------------------------------------- package


def test_package_is_lean_and_properties_come_from_the_issue(docx48):
    names = sorted(parts(docx48))
    assert names == [
        "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
        "word/_rels/document.xml.rels", "word/document.xml", "word/fontTable.xml",
        "word/footer1.xml", "word/footer2.xml", "word/settings.xml", "word/styles.xml",
    ]
    with zipfile.ZipFile(io.BytesIO(docx48)) as z:
        assert [i.filename for i in z.infolist()] == names  # sorted entries
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    for rels in ("_rels/.rels", "word/_rels/document.xml.rels", "[Content_Types].xml"):
        blob = parts(docx48)[rels]
        for gone in (b"thumbnail", b"customXml", b"theme", b"numbering", b"webSettings", b"stylesWithEffects"):
            assert gone not in blob, (rels, gone)
    cp = docx.Document(io.BytesIO(docx48)).core_properties
    assert cp.title == "广西精准脱贫攻坚简报 2018年第48期（总第210期）"
    assert cp.author == cp.last_modified_by == "广西壮族自治区扶贫开发办公室编"
    assert cp.revision == 1
    assert cp.created.isoformat()[:19] == cp.modified.isoformat()[:19] == "2018-11-15T00:00:00"
    assert cp.comments == ""


def test_same_bytes_in_process(b48, style, docx48):
    assert write_docx(b48, style, EXAMPLE) == docx48


def test_same_bytes_from_two_cli_processes(tmp_path):
    outs = []
    for i, seed in enumerate(("1", "2")):
        out = tmp_path / f"out{i}"
        r = run_cli("build", "2018-48", "--format", "docx", "--root", str(EXAMPLE), "--out", str(out),
                    env={"PYTHONHASHSEED": seed})
        assert r.returncode == 0, r.stderr
        outs.append((out / "2018-48.docx").read_bytes())
    assert outs[0] == outs[1]


def test_write_docx_is_fast(b48, style):
    """pandoc takes about 0.05 s per DOCX; we should not be slower."""
    write_docx(b48, style, EXAMPLE)  # warm caches (template, imports)
    times = []
    for _ in range(5):
        t = time.perf_counter()
        write_docx(b48, style, EXAMPLE)
        times.append(time.perf_counter() - t)
    assert sorted(times)[2] < 0.05, times


def canonical(element: etree._Element) -> str:
    """Pretty-printed XML with attributes sorted: a readable, stable dump."""
    element = etree.fromstring(etree.tostring(element))
    for el in element.iter():
        if not isinstance(el.tag, str):
            continue
        items = sorted(el.attrib.items())
        el.attrib.clear()
        for k, v in items:
            el.set(k, v)
    etree.indent(element, space="  ")
    return etree.tostring(element, encoding="unicode") + "\n"


def test_document_xml_snapshot_2018_49(docx49):
    check_snapshot(SNAPSHOTS / "2018-49.document.xml", canonical(xml(docx49, "word/document.xml")))


# ------------------------------------------------------- edge cases, safety


def _tiny_bulletin(b48: Bulletin, blocks, title="测试标题", masthead_title=None) -> Bulletin:
    art = Article(title=title, county="测试县", blocks=tuple(blocks), attribution="（测试县 某某）")
    mh = b48.masthead if masthead_title is None else replace(b48.masthead, title=masthead_title)
    return replace(b48, masthead=mh, note=None, groups=(ColumnGroup(None, (art,)),))


def test_raw_html_and_markup_characters_arrive_as_text(b48, style, tmp_path):
    nasty = '<script>alert("x")</script> & <w:p/> ]]> \x01\x0b'
    b = _tiny_bulletin(b48, [Para((Span(nasty),)), Quote((Para((Span("a < b", bold=True),)),))],
                       title="<b>标题</b> & 1")
    data = write_docx(b, style, tmp_path)
    texts = [t for _, t in read_back(data)]
    assert '<script>alert("x")</script> & <w:p/> ]]> ' in texts  # control characters dropped
    assert "a < b" in texts and "<b>标题</b> & 1" in texts
    assert b"<script>" not in parts(data)["word/document.xml"]


def _png(path: Path, width: int, height: int, dpi: int = 72) -> None:
    """A grey PNG written with zlib alone (no imaging library needed)."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    ppm = round(dpi / 0.0254)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_figures_are_inline_pictures_within_the_block_with_a_caption(b48, style, tmp_path):
    (tmp_path / "img").mkdir()
    _png(tmp_path / "img" / "wide.png", 1200, 300)  # 1200 px at 72 dpi = 423 mm: scaled down
    _png(tmp_path / "img" / "small.png", 100, 50)   # 35 mm: kept
    b = _tiny_bulletin(b48, [Para((Span("正文"),)), Figure("img/wide.png", "图1 宽图"),
                             Figure("img/small.png", "图2 小图")])
    data = write_docx(b, style, tmp_path)
    assert "word/media/image1.png" in parts(data) and "word/media/image2.png" in parts(data)
    root = xml(data, "word/document.xml")
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    extents = [(int(e.get("cx")), int(e.get("cy"))) for e in root.iter(f"{{{wp}}}extent")]
    block_emu = 8844 * 635
    assert extents[0][0] == pytest.approx(block_emu, abs=635) and extents[0][1] == pytest.approx(block_emu / 4, rel=0.01)
    assert extents[1] == (100 * 12700, 50 * 12700)
    got = read_back(data)
    assert ("Caption", "图1 宽图") in got and ("Caption", "图2 小图") in got
    document = docx.Document(io.BytesIO(data))
    paras = document.paragraphs
    i = next(k for k, p in enumerate(paras) if p.text == "图1 宽图")
    assert paras[i - 1].style.name == "Figure" and paras[i - 1]._p.xpath(".//w:drawing")


def test_masthead_title_shrinks_to_one_line(b48, style, tmp_path):
    long = "某某自治区某某市某某县精准脱贫攻坚工作简报"  # 21 characters: 21 × 42 pt > 442 pt
    data = write_docx(_tiny_bulletin(b48, [Para((Span("正文"),))], masthead_title=long), style, tmp_path)
    styles = _styles(data)
    sz = int(styles["MastheadTitle"].find("w:rPr/w:sz", NS).get(f"{{{W}}}val")) / 2
    assert sz < 42
    assert len(long) * (sz - 0.25) <= 442.2
    assert (len(long)) * (sz + 0.5 - 0.25) > 442.2  # the largest half point that fits


def test_contact_line_shrinks_to_one_line_between_its_indents(docx48, b48):
    # at 四号 the reference issue's contact line measures about 37 em, wider than the block
    sz = int(_styles(docx48)["ImprintContact"].find("w:rPr/w:sz", NS).get(f"{{{W}}}val")) / 2
    ems = sum(0.5 if c.isascii() else 1 for c in b48.imprint.contact)
    assert sz < 14
    room = 442.2 - 2 * (14 - 0.25)  # one 四号 cell of indent on each side (character spacing -0.25 pt)
    assert ems * (sz - 0.25) <= room
    assert ems * (sz + 0.5 - 0.25) > room  # the largest half point that fits


def test_unknown_block_type_is_not_silently_dropped(b48, style, tmp_path):
    class Odd:  # a block type added to the model but not to the writer
        pass

    with pytest.raises(KeyError):
        write_docx(_tiny_bulletin(b48, [Odd()]), style, tmp_path)


def test_writer_module_has_no_upward_imports():
    for path in (REPO / "bulletin" / "writers" / "docx").glob("*.py"):
        src = path.read_text(encoding="utf-8")
        assert "bulletin.commands" not in src and "bulletin.sources" not in src, path


def test_masthead_marks_and_vertical_rhythm(b48, b49, style, tmp_path):
    b = replace(_tiny_bulletin(b48, [Para((Span("正文"),))]),
                masthead=replace(b48.masthead, marks=("内部资料 注意保存",)))
    got = read_back(write_docx(b, style, tmp_path))
    assert got[:2] == [("Bulletin Marks", "内部资料 注意保存"), ("Masthead Title", "广西精准脱贫攻坚简报")]
    # blank grid lines: none above the first title (the masthead leaves two);
    # a column label takes the blank line above the title it heads
    body = xml(write_docx(b49, style, EXAMPLE), "word/document.xml").find("w:body", NS)
    before = []
    for p in body.iterfind("w:p", NS):
        sid = p.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val")
        sp = p.find("w:pPr/w:spacing", NS)
        if sid in ("ColumnLabel", "TitleSpace", "Title"):
            before.append((sid, sp.get(f"{{{W}}}before")))
    # a title block: an empty Title Space paragraph (half a grid line) above the title's text
    assert before == [("ColumnLabel", "579"), ("TitleSpace", "0"), ("Title", "0"), ("TitleSpace", "579"),
                      ("Title", "0"), ("ColumnLabel", "579"), ("TitleSpace", "0"), ("Title", "0")]
    styles = _styles(write_docx(b49, style, EXAMPLE))
    space = styles["TitleSpace"].find("w:pPr/w:spacing", NS)
    assert space.get(f"{{{W}}}line") == "289" and space.get(f"{{{W}}}lineRule") == "exact"
    assert styles["TitleSpace"].find("w:pPr/w:keepNext", NS) is not None


def test_a_figure_word_cannot_embed_is_a_clear_error(b48, style, tmp_path):
    (tmp_path / "a.svg").write_text("<svg/>", encoding="utf-8")
    fig = Figure("a.svg", "图", src=model.Src("issues/x/a.md", 3))
    with pytest.raises(ValueError, match=r"issues/x/a.md:3: figure 'a.svg' is not an image Word can embed"):
        write_docx(_tiny_bulletin(b48, [fig]), style, tmp_path)


# ---------------------------------------------------------------- keeping together (issue 14)


def _sid(p) -> str:
    return p.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val")


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))


def test_keeping_together_in_styles(docx49):
    """Widow control on for every paragraph (Normal); titles, subtitles,
    column labels and headings keep with the paragraph after them."""
    styles = _styles(docx49)
    by_name = {_name(s): sid for sid, s in styles.items()}
    widow = styles["Normal"].find("w:pPr/w:widowControl", NS)
    assert widow is not None and widow.get(f"{{{W}}}val") in (None, "1", "true", "on")
    for name in ("Title", "Subtitle", "Column Label", "heading 1", "heading 2", "heading 3"):
        assert styles[by_name[name]].find("w:pPr/w:keepNext", NS) is not None, name
    for name in ("Body Text", "Quote", "Attribution"):
        assert styles[by_name[name]].find("w:pPr/w:keepNext", NS) is None, name


def test_keeping_together_in_the_document(docx48, docx49):
    """A paragraph of two lines or less keeps its lines (and only those);
    the paragraph before an attribution keeps with it."""
    from bulletin.writers.docx.geometry import em_units

    short = long = attributions = 0
    for data in (docx48, docx49):
        paras = list(xml(data, "word/document.xml").find("w:body", NS).iterfind("w:p", NS))
        for prev, p in zip(paras, paras[1:]):
            if _sid(p) == "Attribution":
                attributions += 1
                assert prev.find("w:pPr/w:keepNext", NS) is not None, _text(prev)
        for p in paras:
            if _sid(p) not in ("BodyText", "Quote"):
                continue
            cells = sum(map(em_units, _text(p))) + 2  # the first-line indent
            kept = p.find("w:pPr/w:keepLines", NS) is not None
            assert kept == (cells <= 56), (_text(p), cells)
            short += kept
            long += not kept
    assert attributions == 6 and short > 5 and long > 20


def test_subtitle_has_one_lead(b49, style, tmp_path):
    art = b49.groups[1].articles[0]
    assert art.subtitle and not art.subtitle.startswith("——")
    for subtitle in (art.subtitle, "——" + art.subtitle):
        b = replace(b49, groups=(replace(b49.groups[1], articles=(replace(art, subtitle=subtitle),)),))
        got = [t for s, t in read_back(write_docx(b, style, tmp_path)) if s == "Subtitle"]
        assert got == ["——" + art.subtitle]


def test_masthead_title_over_255_characters_builds(b48, style, tmp_path):
    """core.xml holds at most 255 characters per property: the title there
    is shortened, the page keeps it whole."""
    long = "广西" * 150
    data = write_docx(_tiny_bulletin(b48, [Para((Span("正文"),))], masthead_title=long), style, tmp_path)
    core = docx.Document(io.BytesIO(data)).core_properties
    assert len(core.title) <= 255 and core.title.startswith("广西广西")
    assert ("Masthead Title", long) in read_back(data)
