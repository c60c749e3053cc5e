"""Fonts as the PDF writer needs them: roles → faces (resolved once per
process), Latin widths for the line breaker, and — after layout, before any
drawing — the coverage check and registration of every face with the exact
characters the document uses.

Widths come from reportlab's parsed faces (``face.charWidths``, 1/1000 em),
read directly so measuring a run is one dict lookup per character.
"""

from __future__ import annotations

from pathlib import Path

from bulletin import fonts as _fonts
from bulletin.diagnostics import BulletinError, Diagnostic
from bulletin.i18n import N_

LATIN_ROLE = "latin"

# (style fonts, overrides, root) → {role: FontFace}; fonts do not change while a process runs.
_RESOLVED: dict[tuple, dict] = {}

_BOLD_WORDS = ("bold", "heavy", "black", "粗")


def resolve(style_fonts: dict, overrides: dict | None, root: Path | None) -> dict:
    """Role → FontFace, resolved once per process for the same inputs."""
    key = (repr(style_fonts), repr(sorted((overrides or {}).items())), str(root))
    faces = _RESOLVED.get(key)
    if faces is None:
        try:
            faces = _fonts.resolve_fonts(style_fonts, overrides or None, root)
        except _fonts.FontError as err:
            raise font_error(err) from None
        _RESOLVED[key] = faces
    return faces


def font_error(err: Exception) -> BulletinError:
    lines = getattr(err, "lines", None) or [str(err)]
    return BulletinError([Diagnostic("bulletin.yaml", 1, 1, "E040", line) for line in lines])


def is_bold_face(face) -> bool:
    style = (face.style or "").casefold()
    return any(word in style for word in _BOLD_WORDS)


class Widths:
    """Advance widths of one registered reportlab face, in points per 1 pt of size."""

    __slots__ = ("cmap", "default", "name", "table")

    def __init__(self, rl_name: str):
        from reportlab.pdfbase import pdfmetrics

        font = pdfmetrics.getFont(rl_name)
        self.name = rl_name
        self.table = font.face.charWidths  # code point → width in 1/1000 em
        self.default = font.face.defaultWidth
        self.cmap = font.face.charToGlyph

    def of(self, text: str, size: float) -> float:
        get, default = self.table.get, self.default
        return sum(get(ord(c), default) for c in text) * size / 1000.0

    def has(self, c: str) -> bool:
        return bool(self.cmap.get(ord(c)))


class FontSet:
    """The faces of one document.

    The Latin face is registered at once (the breaker measures with it);
    CJK faces are registered by ``check_and_register`` once the document's characters
    are known, because a CFF face is converted for exactly those characters.
    """

    def __init__(self, faces: dict):
        self.faces = faces
        if LATIN_ROLE not in faces:
            raise BulletinError([Diagnostic("bulletin.yaml", 1, 1, "E040", N_("the style defines no 'latin' font role"))])
        try:
            self.latin = Widths(_fonts.registered_name(faces[LATIN_ROLE]))
        except _fonts.FontError as err:
            raise font_error(err) from None
        self.widths: dict[str, Widths] = {LATIN_ROLE: self.latin}

    # -- Latin runs -----------------------------------------------------------
    def latin_pieces(self, text: str) -> list[tuple[str, bool]]:
        """``text`` cut into (piece, in_latin_font): characters the Latin face
        lacks (rare: the breaker only sends Latin-script runs) fall back to
        the run's CJK face."""
        has = self.latin.has
        if all(has(c) for c in text):
            return [(text, True)]
        pieces: list[tuple[str, bool]] = []
        for c in text:
            ok = has(c)
            if pieces and pieces[-1][1] == ok:
                pieces[-1] = (pieces[-1][0] + c, ok)
            else:
                pieces.append((c, ok))
        return pieces

    def latin_width(self, text: str, size: float) -> float:
        # Characters missing from the Latin face are measured as half an em, the
        # width CJK faces give half-width forms; they are drawn in the CJK face.
        has, get, default = self.latin.has, self.latin.table.get, self.latin.default
        total = 0.0
        for c in text:
            total += get(ord(c), default) if has(c) else 500.0
        return total * size / 1000.0

    # -- coverage and registration --------------------------------------------
    def check_and_register(self, chars_by_role: dict[str, dict[str, object]], where) -> None:
        """Raise E041 for every character a role's face lacks, else register
        each face for its characters.  ``chars_by_role`` maps a font role to
        {character: first source}; ``where(char, src)`` gives (path, line, col)."""
        diags: list[Diagnostic] = []
        for role in sorted(chars_by_role):
            chars = chars_by_role[role]
            face = self.faces.get(role)
            if face is None:
                diags.append(Diagnostic("bulletin.yaml", 1, 1, "E040", N_("the style uses font role '{role}', which it does not define", role=role)))
                continue
            try:
                missing = _fonts.missing_chars(face, chars.keys())
            except _fonts.FontError as err:
                raise font_error(err) from None
            for c in sorted(missing, key=lambda ch: (str(chars[ch]), ord(ch))):
                path, line, col = where(c, chars[c])
                diags.append(Diagnostic(
                    path, line, col, "E041",
                    N_("character '{char}' (U+{code:04X}) is not in font {family} for {role}", char=c, code=ord(c), family=face.family, role=role),
                ))
        if diags:
            raise BulletinError(diags)
        for role in sorted(chars_by_role):
            if role in self.widths:
                continue
            try:
                name = _fonts.registered_name(self.faces[role], chars_by_role[role].keys())
            except _fonts.FontError as err:
                raise font_error(err) from None
            self.widths[role] = Widths(name)
