"""Where a glyph's ink starts, read from the face itself, without fontTools.

The PDF writer sets an opening mark that starts a line with its ink flush
with the line's start, so it needs the left edge of a few glyphs' outlines
per face.  fontTools would cost its import and a full cmap parse (~0.3 s
for a Fandol face, most of a first build); here the cmap is read lazily and
the outline walked directly.

CFF faces (the default free faces) only: the Type 2 charstring is run
(subroutines, hints, flex) and every curve's exact extremum taken;
tests/test_fonts_cff.py checks the result against fontTools' BoundsPen.

    ink_left_edges(face, chars) -> {char: left edge in em} or None
"""

from __future__ import annotations

import struct

from bulletin.fonts.cff import CFF, CFFError, _bias, charstring_number



def _cubic_min_x(x0: float, x1: float, x2: float, x3: float) -> float:
    """The least x on a cubic Bézier (its end points, or an extremum between)."""
    low = min(x0, x3)
    if min(x1, x2) >= low:
        return low
    a = -x0 + 3 * x1 - 3 * x2 + x3
    b = 2 * (x0 - 2 * x1 + x2)
    c = x1 - x0
    roots = []
    if abs(a) < 1e-12:
        if abs(b) > 1e-12:
            roots.append(-c / b)
    else:
        disc = b * b - 4 * a * c
        if disc >= 0:
            r = disc**0.5
            roots += [(-b + r) / (2 * a), (-b - r) / (2 * a)]
    for t in roots:
        if 0 < t < 1:
            u = 1 - t
            low = min(low, u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3)
    return low


class _Ink:
    """Runs a Type 2 charstring for the least x of its outline."""

    def __init__(self, cff: CFF, gid: int):
        self.cff, self.x, self.y = cff, 0.0, 0.0
        self.min_x: float | None = None
        self.stems, self.seen_width, self.done = 0, False, False
        fd = cff.fd_of[gid]
        self.lsubrs = cff.fds[fd][2]
        self.run(cff.charstrings[gid], [], 0)

    def point(self, x: float) -> None:
        self.min_x = x if self.min_x is None else min(self.min_x, x)

    def move(self, dx, dy) -> None:
        self.x += dx
        self.y += dy

    def line(self, dx, dy) -> None:
        self.point(self.x)
        self.x += dx
        self.y += dy
        self.point(self.x)

    def curve(self, dx1, dy1, dx2, dy2, dx3, dy3) -> None:
        x0 = self.x
        x1 = x0 + dx1
        x2 = x1 + dx2
        x3 = x2 + dx3
        self.point(_cubic_min_x(x0, x1, x2, x3))
        self.x, self.y = x3, self.y + dy1 + dy2 + dy3

    def width(self, args: list, expected: int) -> list:
        # The first stack-clearing operator may carry the advance width first.
        if not self.seen_width:
            self.seen_width = True
            if (len(args) % 2) if expected == 0 else (len(args) > expected):  # 0: stem pairs
                return args[1:]
        return args

    def run(self, span, stack: list, depth: int) -> None:  # noqa: C901 - one branch per operator
        data, (i, end) = self.cff.data, span
        while i < end and not self.done:
            b = data[i]
            if b >= 32 or b == 28:
                value, i = charstring_number(data, i)
                stack.append(value)
                continue
            i += 1
            args = stack[:]
            stack.clear()
            if b in (1, 3, 18, 23):  # stems
                self.stems += len(self.width(args, 0)) // 2
            elif b in (19, 20):  # hintmask cntrmask
                self.stems += len(self.width(args, 0)) // 2
                i += (self.stems + 7) // 8
            elif b == 21:
                self.move(*self.width(args, 2)[-2:])
            elif b == 22:
                self.move(self.width(args, 1)[-1], 0)
            elif b == 4:
                self.move(0, self.width(args, 1)[-1])
            elif b == 5:
                for k in range(0, len(args) - 1, 2):
                    self.line(args[k], args[k + 1])
            elif b in (6, 7):  # hlineto vlineto: alternating
                horizontal = b == 6
                for v in args:
                    self.line(v, 0) if horizontal else self.line(0, v)
                    horizontal = not horizontal
            elif b == 8:
                for k in range(0, len(args) - 5, 6):
                    self.curve(*args[k : k + 6])
            elif b == 24:  # rcurveline
                for k in range(0, len(args) - 2 - 5, 6):
                    self.curve(*args[k : k + 6])
                self.line(*args[-2:])
            elif b == 25:  # rlinecurve
                for k in range(0, len(args) - 6 - 1, 2):
                    self.line(args[k], args[k + 1])
                self.curve(*args[-6:])
            elif b == 26:  # vvcurveto
                dx1 = args.pop(0) if len(args) % 2 else 0
                for k in range(0, len(args) - 3, 4):
                    self.curve(dx1, args[k], args[k + 1], args[k + 2], 0, args[k + 3])
                    dx1 = 0
            elif b == 27:  # hhcurveto
                dy1 = args.pop(0) if len(args) % 2 else 0
                for k in range(0, len(args) - 3, 4):
                    self.curve(args[k], dy1, args[k + 1], args[k + 2], args[k + 3], 0)
                    dy1 = 0
            elif b in (30, 31):  # vhcurveto hvcurveto: alternating
                vertical = b == 30
                while len(args) >= 4:
                    a, bb, c, d = args[:4]
                    args = args[4:]
                    last = args.pop(0) if len(args) == 1 else 0
                    if vertical:
                        self.curve(0, a, bb, c, d, last)
                    else:
                        self.curve(a, 0, bb, c, last, d)
                    vertical = not vertical
            elif b in (10, 29):
                n = args[-1] + (_bias(len(self.lsubrs)) if b == 10 else _bias(len(self.cff.gsubrs)))
                subrs = self.lsubrs if b == 10 else self.cff.gsubrs
                if depth > 10 or not 0 <= n < len(subrs):
                    raise CFFError("bad subroutine call")
                inner = args[:-1]  # the subroutine works on the caller's operands
                self.run(subrs[n], inner, depth + 1)
                stack.extend(inner)
                continue
            elif b == 11:  # return: the operands left go back to the caller
                stack.extend(args)
                return
            elif b == 14:
                self.done = True
            elif b == 12:
                esc = data[i]
                i += 1
                if esc == 35:  # flex
                    self.curve(*args[:6])
                    self.curve(*args[6:12])
                elif esc == 34:  # hflex
                    dx1, dx2, dy2, dx3, dx4, dx5, dx6 = args[:7]
                    self.curve(dx1, 0, dx2, dy2, dx3, 0)
                    self.curve(dx4, 0, dx5, -dy2, dx6, 0)
                elif esc == 36:  # hflex1
                    dx1, dy1, dx2, dy2, dx3, dx4, dx5, dy5, dx6 = args[:9]
                    self.curve(dx1, dy1, dx2, dy2, dx3, 0)
                    self.curve(dx4, 0, dx5, dy5, dx6, -(dy1 + dy2 + dy5))
                elif esc == 37:  # flex1
                    d = args[:11]
                    sx, sy = sum(d[0:10:2]), sum(d[1:10:2])
                    self.curve(*d[:6])
                    if abs(sx) > abs(sy):
                        self.curve(d[6], d[7], d[8], d[9], d[10], -sy)
                    else:
                        self.curve(d[6], d[7], d[8], d[9], -sx, d[10])
                else:
                    raise CFFError(f"charstring operator 12 {esc}")


def ink_left(cff: CFF, gid: int) -> float | None:
    """The least x of glyph ``gid``'s outline in font units (None: blank)."""
    return _Ink(cff, gid).min_x


def ink_left_edges(face, chars) -> dict[str, float] | None:
    """{char: left edge of its ink in ems from the origin, at least 0} for
    the characters of ``chars`` that ``face`` (a FontFace) draws with ink;
    None when the face is one this module cannot read (then ask fontTools)."""
    from bulletin.fonts.face import FontError
    from bulletin.fonts.register import _rl_font, _via_subset

    if _via_subset(face):
        return None
    try:
        rl_face = _rl_font(face).face
    except FontError:
        return None
    cff = getattr(rl_face, "cff", None)
    if cff is None:
        # glyf: a glyph header's xMin counts off-curve points, which may lie
        # outside the ink (AR PL KaitiM GB's “ by 0.006 em), so not used.
        return None
    cmap, out = rl_face.charToGlyph, {}
    try:
        for c in chars:
            code = ord(c)
            glyph = cmap[code] if code in cmap else 0
            if not glyph:
                continue
            left = ink_left(cff, glyph)
            if left is not None:
                out[c] = max(0.0, left / rl_face.units_per_em)
    except (CFFError, IndexError, struct.error):
        return None
    return out
