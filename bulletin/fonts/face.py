"""What every font module shares: the FontFace a role resolves to, the
one-line FontError, name normalisation, counters, and how a face is named
in messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bulletin.i18n import N_

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

#: Counters for tests and timing reports (e.g. "no conversion happened").
stats = {"conversions": 0, "fc_list_calls": 0, "files_scanned": 0}


@dataclass(frozen=True)
class FontFace:
    role: str
    family: str  # family name as found in the font (the spelling that matched)
    path: Path
    index: int  # TTC face index, 0 otherwise
    outline: str  # "glyf" or "cff"
    source: str  # "config" | "official" | "fallback" ("" from find_family)
    style: str = ""  # style name as found, for display only


class FontError(Exception):
    """A font problem the user can fix; ``str()`` is one line per problem."""

    def __init__(self, lines: str | list[str]):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))


def _norm(name: str) -> str:
    # fontconfig compares families ignoring case and blanks; so do we.
    return "".join(name.split()).casefold()


def _split_style(spec: str) -> tuple[str, str | None]:
    """'Noto Serif CJK SC:Bold' → ('Noto Serif CJK SC', 'Bold')."""
    family, sep, style = spec.partition(":")
    return family.strip(), (style.strip() or None) if sep else None


_REGULAR_STYLES = {"regular", "book", "normal", "roman", "standard", "medium", "w3", "常规", "標準", "标准"}


def _key(face: FontFace) -> tuple[str, int]:
    return (str(face.path), face.index)


def _who(face: FontFace) -> str:
    return N_("font for role '{role}'", role=face.role) if face.role else N_("font {family}", family=face.family)


def _where(face: FontFace) -> str:
    collection = face.path.suffix.lower() in (".ttc", ".otc")
    return f"{face.path}#{face.index}" if collection or face.index else str(face.path)
