"""The peers' inputs, made from our document model so every tool sets the
same text: a Typst source (same page geometry, sizes and font files as our
PDF) and a Markdown rendition for pandoc.

    typst_source(bulletin, fonts)  → str   (.typ)
    pandoc_markdown(bulletin)      → str   (.md with YAML front matter)
    font_folder(faces, dest)       → Path  (symlinks to exactly our font files, for Typst's font_paths)
"""

from __future__ import annotations

import os
from pathlib import Path

from bulletin.model import Bulletin, Figure, Heading, Para, Quote, Spans, Table
from bulletin.style import Style

# --------------------------------------------------------------------------
# Fonts


def resolved_faces(root: Path, style: Style, overrides: dict | None = None) -> dict:
    """role → FontFace, as our PDF writer resolves them."""
    from bulletin.fonts import resolve_fonts

    return resolve_fonts(style.fonts, {str(k): str(v) for k, v in (overrides or {}).items()}, root)


def font_folder(faces: dict, dest: Path) -> Path:
    """A folder of symlinks to exactly the font files our PDF uses."""
    dest.mkdir(parents=True, exist_ok=True)
    for face in faces.values():
        link = dest / face.path.name
        if not link.exists():
            os.symlink(face.path, link)
    return dest


# --------------------------------------------------------------------------
# Typst


def _q(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


class _Typst:
    def __init__(self, style: Style, faces: dict):
        self.style = style
        self.fonts = {}
        for role, face in faces.items():
            weight = "bold" if "bold" in (face.style or "").lower() else "regular"
            self.fonts[role] = (face.family, weight)
        self.latin = self.fonts.get("latin", (None, None))[0]

    def font(self, role: str, bold: bool = False) -> str:
        family, weight = self.fonts[role]
        weight = "bold" if bold else weight
        fam = f"({_q(self.latin)}, {_q(family)})" if self.latin and role != "latin" else _q(family)
        return f"font: {fam}, weight: {_q(weight)}"

    def el(self, name: str, **extra) -> str:
        """text(...) arguments for a style element."""
        e = self.style.element(name)
        args = [self.font(e.font, e.bold), f"size: {e.size}pt"]
        if e.color and e.color != "000000":
            args.append(f'fill: rgb("#{e.color}")')
        args += [f"{k}: {v}" for k, v in extra.items()]
        return ", ".join(args)

    def spans(self, spans: Spans, base: str = "body") -> str:
        out = []
        for s in spans:
            if s.bold:
                out.append(f"#text({self.el('lead')})[#{_q(s.text)}]")
            elif s.italic:
                out.append(f"#emph[#{_q(s.text)}]")
            else:
                out.append(f"#{_q(s.text)}")
        return "".join(out)

    def para(self, el: str, content: str, indent: bool = True, align: str | None = None) -> str:
        e = self.style.element(el)
        body = f"#text({self.el(el)})[{content}]"
        if not indent:
            body = f"#par(first-line-indent: 0pt)[{body}]"
        if align or e.align in ("center", "right"):
            body = f"#align({align or e.align})[{body}]"
        return body + "\n\n"

    def block(self, b) -> str:
        if isinstance(b, Heading):
            return self.para(f"heading{b.level}", self.spans(b.spans))
        if isinstance(b, Para):
            lead = f"#text({self.el('lead')})[{''.join('#' + _q(s.text) for s in b.lead)}]" if b.lead else ""
            return self.para("body", lead + self.spans(b.spans))
        if isinstance(b, Quote):
            return "".join(self.para("quote", self.spans(p.spans)) for p in b.paras)
        if isinstance(b, Table):
            cells = [f"[#text({self.el('table')})[{self.spans(c)}]]" for c in b.header]
            for row in b.rows:
                cells += [f"[#text({self.el('table')})[{self.spans(c)}]]" for c in row]
            return (f"#align(center)[#table(columns: {len(b.header)}, stroke: 0.5pt, "
                    f"{', '.join(cells)})]\n\n")
        if isinstance(b, Figure):
            return self.para("caption", f"#{_q(b.caption)}", indent=False)
        raise TypeError(b)

    def document(self, b: Bulletin) -> str:
        st = self.style
        mm = lambda v: f"{v}mm"
        page = st.page
        right = page["width_mm"] - page["margin_left_mm"] - page["block_width_mm"]
        bottom = page["height_mm"] - page["margin_top_mm"] - page["block_height_mm"]
        body = st.element("body")
        leading = st.line_pitch - body.size
        pn = st.element("page_number")
        out = [
            (f"#set page(width: {mm(page['width_mm'])}, height: {mm(page['height_mm'])}, "
            f"margin: (top: {mm(page['margin_top_mm'])}, left: {mm(page['margin_left_mm'])}, "
            f"right: {mm(right)}, bottom: {mm(bottom)}), footer-descent: {pn.get('below_mm', 7)}mm, "
            f"footer: context {{ let n = counter(page).get().first(); "
            f"let t = text({self.el('page_number')})[— #n —]; "
            f"if calc.odd(n) {{ align(right, pad(right: 1em, t)) }} else {{ align(left, pad(left: 1em, t)) }} }})"),
            (f'#set text({self.font("fangsong")}, size: {body.size}pt, lang: "zh", region: "cn", '
            f'top-edge: 1em, bottom-edge: 0em)'),
            (f"#set par(justify: true, leading: {leading:.3f}pt, spacing: {leading:.3f}pt, "
            f"first-line-indent: (amount: 2em, all: true))"),
            "",
        ]
        m = b.masthead
        out.append(self.para("masthead_title", f"#{_q(m.title)}", indent=False))
        out.append(self.para("issue_line", f"#{_q(m.issue_line)}", indent=False))
        out.append(f"#grid(columns: (1fr, 1fr), text({self.el('editor_line')})[#{_q(m.editor)}], "
                   f"align(right, text({self.el('editor_line')})[#{_q(m.date_text)}]))\n")
        out.append(f'#line(length: 100%, stroke: 1.5pt + rgb("#{st.color("red")}"))\n#v({leading:.3f}pt)\n\n')
        if b.note:
            out.append(self.para("note", f"#text({self.el('note_label')})[编者按：]" + self.spans(b.note)))
        for group in b.groups:
            if group.label:
                out.append(self.para("column_label", f"#{_q('【' + group.label + '】')}", indent=False))
            for art in group.articles:
                out.append(self.para("article_title", f"#{_q(art.title)}", indent=False))
                if art.subtitle:
                    out.append(self.para("subtitle", f"#{_q('——' + art.subtitle)}", indent=False))
                out.extend(self.block(x) for x in art.blocks)
                if art.attribution:
                    out.append(self.para("attribution", f"#{_q(art.attribution)}", indent=False))
        imp = b.imprint
        im = self.el("imprint")
        out.append("#v(1fr)\n#line(length: 100%, stroke: 1pt)\n")
        for d in imp.distribution:
            out.append(f"#par(first-line-indent: 0pt)[#text({im})[#{_q(d.label + '：' + d.text)}]]\n")
        out.append("#line(length: 100%, stroke: 0.7pt)\n")
        out.append(f"#grid(columns: (1fr, 1fr), text({im})[#{_q(imp.issuer)}], "
                   f"align(right, text({im})[#{_q(imp.print_date)}]))\n")
        if imp.contact:
            out.append(f"#line(length: 100%, stroke: 0.7pt)\n#par(first-line-indent: 0pt)[#text({im})[#{_q(imp.contact)}]]\n")
        out.append("#line(length: 100%, stroke: 1pt)\n")
        return "\n".join(out)


def typst_source(bulletin: Bulletin, style: Style, faces: dict) -> str:
    return _Typst(style, faces).document(bulletin)


# --------------------------------------------------------------------------
# pandoc


def _md_spans(spans: Spans) -> str:
    return "".join(f"**{s.text}**" if s.bold else f"*{s.text}*" if s.italic else s.text for s in spans)


def _md_block(b) -> str:
    if isinstance(b, Heading):
        return "#" * (b.level + 1) + " " + _md_spans(b.spans)
    if isinstance(b, Para):
        lead = f"**{''.join(s.text for s in b.lead)}**" if b.lead else ""
        return lead + _md_spans(b.spans)
    if isinstance(b, Quote):
        return "\n>\n".join("> " + _md_spans(p.spans) for p in b.paras)
    if isinstance(b, Table):
        rows = ["| " + " | ".join(_md_spans(c) for c in b.header) + " |", "|" + "---|" * len(b.header)]
        rows += ["| " + " | ".join(_md_spans(c) for c in r) + " |" for r in b.rows]
        return "\n".join(rows)
    if isinstance(b, Figure):
        return f"![{b.caption}]({b.path})"
    raise TypeError(b)


def pandoc_markdown(b: Bulletin) -> str:
    """The issue as one Markdown file: masthead in the front matter, then the
    articles, then the 版记 lines (as peers.md measured pandoc)."""
    m = b.masthead
    out = ["---", f'title: "{m.title}"', f'subtitle: "{m.issue_line}"', f'author: "{m.editor}"',
           f'date: "{m.date_text}"', "---", ""]
    if b.note:
        out += ["**编者按：**" + _md_spans(b.note), ""]
    for group in b.groups:
        if group.label:
            out += [f"【{group.label}】", ""]
        for art in group.articles:
            out += [f"# {art.title}", ""]
            if art.subtitle:
                out += [f"——{art.subtitle}", ""]
            for block in art.blocks:
                out += [_md_block(block), ""]
            if art.attribution:
                out += [f"::: {{custom-style=\"Attribution\"}}\n{art.attribution}\n:::", ""]
    out += ["------", ""]
    for d in b.imprint.distribution:
        out += [f"{d.label}：{d.text}", ""]
    out += [f"{b.imprint.issuer}　{b.imprint.print_date}", ""]
    if b.imprint.contact:
        out += [b.imprint.contact, ""]
    return "\n".join(out)
