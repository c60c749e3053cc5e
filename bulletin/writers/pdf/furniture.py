"""The furniture of the first and last page and of every page: the
masthead (报头), the 版记 on the foot of the last page, and the page
numbers (a mixin of ``layout.Layout``).
"""

from __future__ import annotations

from math import ceil

from bulletin.text import Glyph, Run, break_paragraph

from bulletin.writers.pdf.items import ASCENT, EPS, MM, Atom, Rule, TextLine


class Furniture:
    """Masthead, 版记 and page numbers; mixed into ``Layout``."""

    # -- masthead -----------------------------------------------------------------
    def masthead(self, m) -> None:
        for mark in m.marks:
            self.paragraph([Run(mark, self.role("marks"))], "marks", None, first=0)
        el = self.el("masthead_title")
        size = el.size
        role = self.role("masthead_title")
        natural = break_paragraph([Run(m.title, role)], measure=self.measure, line_width=1e9, cell=size,
                                  align="left")[0].width
        if natural > self.width + EPS and str(el.get("fit", "shrink")) == "shrink":
            size = el.size * self.width / natural
            role = self.role("masthead_title", size=size)
        lines = break_paragraph([Run(m.title, role)], measure=self.measure, line_width=self.width + 1e-3,
                                cell=size, align="center")
        # Grid lines for the title: room for a CJK face's full line height
        # (ascent + descent, 1.45 em), as the DOCX reserves it; the type is
        # centred in the first of them that hold its em (2 at 初号), where
        # LibreOffice's line grid sets it too, the rest is air below.
        h = max(1, ceil(size * float(el.get("line_em", 1.45)) / self.pitch - EPS))
        cell = max(1, min(h, ceil(size / self.pitch - EPS)))
        for line in lines:
            self.add(Atom(h, [TextLine(self.left, self.baseline(size, cell), line.glyphs, "masthead_title")]))
        issue = self.el("issue_line")
        self.blank(issue.before)
        self.paragraph([Run(m.issue_line, self.role("issue_line"))], "issue_line", None, align="center", first=0)
        # The editor line: editor flush left, date flush right, one grid line
        # (two when they do not fit side by side).
        ed = self.el("editor_line")
        y = self.baseline(ed.size)
        left, _ = self.break_lines([Run(m.editor, self.role("editor_line"))], "editor_line", align="left", first=0)
        right, _ = self.break_lines([Run(m.date_text, self.role("editor_line"))], "editor_line", align="right", first=0)
        room = right[-1].glyphs[0].x if right[-1].glyphs else self.width  # where the date starts
        if len(left) == 1 and left[0].width + self.cell <= room:
            items = [TextLine(self.left, y, left[0].glyphs, "editor_line"),
                     TextLine(self.left, y, right[-1].glyphs, "editor_line")]
        else:
            for line in left:
                self.add(Atom(1, [TextLine(self.left, y, line.glyphs, "editor_line")]))
            items = [TextLine(self.left, y, line.glyphs, "editor_line") for line in right[-1:]]
        rule = self.el("masthead_rule")
        width = float(rule.get("width_pt", 1.5))
        gap = rule.get("gap_mm")
        # "directly under it": on the bottom edge of the editor line's grid line
        # (13 pt ≈ 4.6 mm under the type, GB/T 9704's 4 mm), or gap_mm under the em box.
        ry = (self.baseline(ed.size) - (1 - ASCENT) * ed.size - float(gap) * MM) if gap is not None \
            else -self.pitch + width / 2
        items.append(Rule(self.left, self.right, ry, width, rule.color))
        self.add(Atom(1, items))
        after = rule.after
        if after:
            self.add(Atom(round(after), []))  # not dropped: the masthead's own space
        self.fresh = True

    # -- the 版记 -----------------------------------------------------------------
    def imprint(self, imp) -> tuple[float, Atom]:
        """The 版记 as one atom whose bottom lies on the 版心's bottom edge."""
        el = self.el("imprint")
        size = el.size
        sub = float(el.get("pitch_lines", 0.75)) * self.pitch
        thick = float(el.get("rule_thick_mm", 0.35)) * MM
        thin = float(el.get("rule_thin_mm", 0.25)) * MM
        inset = el.indent * self.cell
        x0, avail = self.left + inset, self.width - 2 * inset
        color = self.style.color(el.raw.get("rule_color"))
        role = self.role("imprint")
        rows: list[tuple[str, object]] = []  # ("rule", width) | ("line", [TextLine…])
        base = -((sub - size) / 2 + ASCENT * size)  # em box centred in its sub-line
        rows.append(("rule", thick))
        for i, d in enumerate(imp.distribution):
            if i:
                rows.append(("rule", thin))
            label = f"{d.label}："
            label_line = break_paragraph([Run(label, role)], measure=self.measure, line_width=1e9, cell=size,
                                         align="left")[0]
            lw = label_line.width
            lines = break_paragraph([Run(d.text, role)], measure=self.measure, line_width=avail - lw, cell=size,
                                    align="justify")
            for k, line in enumerate(lines):
                items = [TextLine(x0 + lw, base, line.glyphs, "imprint")]
                if k == 0:
                    items.insert(0, TextLine(x0, base, label_line.glyphs, "imprint"))
                rows.append(("line", items))
        if imp.distribution:
            rows.append(("rule", thin))
        left = break_paragraph([Run(imp.issuer, role)], measure=self.measure, line_width=avail, cell=size,
                               align="left")
        right = break_paragraph([Run(imp.print_date, role)], measure=self.measure, line_width=avail, cell=size,
                                align="right")
        rows.append(("line", [TextLine(x0, base, left[0].glyphs, "imprint"),
                              TextLine(x0, base, right[-1].glyphs, "imprint")]))
        if imp.contact:
            natural = break_paragraph([Run(imp.contact, role)], measure=self.measure, line_width=1e9, cell=size,
                                      align="left")[0].width
            crole, csize = role, size
            if natural > avail + EPS:  # too long for one line: shrink the type to fit
                csize = size * avail / natural * (1 - 1e-9)
                crole = self.role("imprint", size=csize)
            line = break_paragraph([Run(imp.contact, crole)], measure=self.measure, line_width=avail + 1e-3,
                                   cell=csize, align="left")[0]
            cbase = -((sub - csize) / 2 + ASCENT * csize)
            rows.append(("rule", thin))  # the seed prints a rule between the 印发 line and the contact line
            rows.append(("line", [TextLine(x0, cbase, line.glyphs, "imprint")]))
        rows.append(("rule", thick))
        n_lines = sum(1 for kind, _ in rows if kind == "line")
        height = n_lines * sub
        items: list = []
        y = 0.0
        row = 0
        for kind, value in rows:
            if kind == "rule":
                items.append(Rule(self.left, self.right, y, value, color))
            else:
                for t in value:
                    t.y += y
                    t.row = row
                    items.append(t)
                y -= sub
                row += 1
        return height, Atom(0, items)

    def page_number_text(self, number: int) -> str:
        dash = str(self.el("page_number").get("dash", "—"))
        return f"{dash} {number} {dash}"

    def page_number(self, number: int, widths) -> TextLine:
        """`— N —` in 宋体 四号, its em box's top ``below_mm`` under the 版心;
        odd pages flush right, even pages flush left, ``indent`` cells in.
        Drawn as one string in the role's face (half-width digits of 宋体)."""
        el = self.el("page_number")
        role = self.role("page_number")
        text = self.page_number_text(number)
        size = el.size
        w = widths.of(text, size)
        inset = el.indent * self.cell
        x = (self.right - inset - w) if number % 2 else (self.left + inset)
        baseline = self.bottom - float(el.get("below_mm", 7)) * MM - ASCENT * size
        return TextLine(x, baseline, (Glyph(0.0, text, role, "raw", w),), "page_number")
