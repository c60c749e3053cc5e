"""Font roles → faces: a bulletin.yaml override (family or file), else the
style's official families, else its free fallbacks; and the report
``bulletin fonts`` prints."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from bulletin.fonts.face import _REGULAR_STYLES, FONT_SUFFIXES, FontError, FontFace, _norm, _where
from bulletin.fonts.find import find_family
from bulletin.fonts.sfnt import read_font_file
from bulletin.i18n import N_


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


_FACE_INDEX = re.compile(r"^(.*)#(\d+)$")


def _looks_like_path(value: str) -> bool:
    bare = _FACE_INDEX.sub(r"\1", value)
    return "/" in value or "\\" in value or bare.lower().endswith(FONT_SUFFIXES)


def _face_from_file(role: str, spec: str, root: Path | None) -> FontFace:
    """An override naming a file: 'fonts/x.ttf', 'x.ttc#2', '~/y.otf'."""
    m = _FACE_INDEX.match(spec)
    raw, index = (m.group(1), int(m.group(2))) if m else (spec, 0)
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = (root or Path.cwd()) / path
    if not path.is_file():
        raise FontError(N_("font for role '{role}': fonts.{role} in bulletin.yaml names {spec}, which does not exist", role=role, spec=spec))
    faces = {e.index: e for e in read_font_file(path)}
    if not faces:
        raise FontError(N_("font for role '{role}': fonts.{role} in bulletin.yaml names {spec}, which is not a TrueType/OpenType font", role=role, spec=spec))
    if index not in faces:
        raise FontError(N_(
            "font for role '{role}': fonts.{role} in bulletin.yaml names face #{index} of {file}, which has faces {faces}",
            role=role, index=index, file=raw, faces=", ".join(f"#{i}" for i in sorted(faces)),
        ))
    entry = faces[index]
    return FontFace(
        role, entry.families[0], path.resolve(), index, entry.outline, "config", entry.styles[0] if entry.styles else ""
    )


def _resolve_role(role: str, spec: dict, override: str | None, root: Path | None) -> FontFace:
    if override:
        override = str(override).strip()
        if _looks_like_path(override):
            return _face_from_file(role, override, root)
        face = find_family(override)
        if face is None:
            raise FontError(N_(
                "font for role '{role}': fonts.{role} in bulletin.yaml names family '{family}', which is not installed",
                role=role, family=override,
            ))
        return dataclasses.replace(face, role=role, source="config")
    official, fallback = _as_list(spec.get("names")), _as_list(spec.get("fallback"))
    for names, source in ((official, "official"), (fallback, "fallback")):
        for name in names:
            face = find_family(name)
            if face is not None:
                return dataclasses.replace(face, role=role, source=source)
    tried = ", ".join(official + fallback) or N_("(no font names in the style)")
    raise FontError(N_(
        "font for role '{role}': none of {tried} found; install one of them or set fonts.{role} in bulletin.yaml",
        role=role, tried=tried,
    ))


def resolve_fonts(
    roles: dict[str, dict],
    overrides: dict[str, str] | None = None,
    root: Path | None = None,
) -> dict[str, FontFace]:
    """Role → face: override, then official names, then fallbacks.

    Raises FontError with one line per role that failed (all roles are tried).
    """
    overrides = dict(overrides or {})
    faces: dict[str, FontFace] = {}
    errors: list[str] = []
    for role in sorted(set(overrides) - set(roles)):
        errors.append(N_("fonts.{role} in bulletin.yaml: unknown font role '{role}' (known: {known})", role=role, known=", ".join(roles)))
    for role, spec in roles.items():
        try:
            faces[role] = _resolve_role(role, spec or {}, overrides.get(role), root)
        except FontError as err:
            errors.extend(err.lines)
    if errors:
        raise FontError(errors)
    return faces


def describe(faces: dict[str, FontFace]) -> list[str]:
    """One line per role for ``bulletin fonts``; fallbacks carry a warning."""
    from bulletin.fonts.register import _via_subset

    width = max((len(role) for role in faces), default=0)
    lines = []
    for role, face in faces.items():
        family = (
            f"{face.family} {face.style}" if face.style and _norm(face.style) not in _REGULAR_STYLES else face.family
        )
        if face.outline != "cff":
            embed = "embedded as subset"
        elif _via_subset(face):
            embed = "converted from CFF, embedded as subset"
        else:
            embed = "embedded as subset (CFF as it is)"
        line = f"{role:<{width}}  {family}  {_where(face)}  {face.source}  {face.outline}  {embed}"
        if face.source == "fallback":
            line += "  [warning: official font not installed, using a substitute]"
        lines.append(line)
    return lines
