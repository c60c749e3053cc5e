"""A year's issues, for the commands that work on whole years (volume, stats).

A YEAR argument is four digits.  A malformed one, and a year for which the
repository has no issue folder, are content errors (exit 1, one line each),
as the yearly-publications issue asks — not usage errors: the argument is
well formed for Click, it names nothing in the repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.diagnostics import Collector
from bulletin.i18n import N_

if TYPE_CHECKING:
    from bulletin.model import Bulletin

_YEAR = re.compile(r"^\d{4}$")


def parse_years(texts: list[str] | tuple[str, ...], diags: Collector) -> list[int]:
    years = []
    for text in texts:
        if _YEAR.match(text):
            years.append(int(text))
        else:
            diags.error("E004", "issues", 1, N_("malformed year '{year}' (a year is four digits, e.g. 2018)", year=text))
    return list(dict.fromkeys(years))


def read_years(root: Path, years: list[int] | None, diags: Collector) -> list[Bulletin]:
    """The assembled issues of ``years`` (None: every year), in (year, N)
    order.  Any error — a year without issues, a bad source — is collected and
    the result is then empty: a yearly publication is all or nothing."""
    from bulletin.commands.build import read_bulletins
    from bulletin.sources.repo import issue_folders

    found = issue_folders(root, Collector())  # misnamed folders are reported by the reading below
    wanted = []
    for year in (sorted({i.year for i in found}) if years is None else years):
        ids = sorted(i for i in found if i.year == year)
        if not ids:
            diags.error("E002", "issues", 1, N_("no issues in {year} (no folder issues/{year}-N)", year=year))
        wanted += ids
    if diags.errors or not wanted:
        if not wanted and not diags.errors:
            diags.error("E002", "issues", 1, N_("the repository has no issues (no folder issues/YEAR-N)"))
        return []
    local = Collector()
    bulletins = read_bulletins(root, wanted, local)
    diags.extend(local)
    if local.errors or any(b is None for b in bulletins.values()):
        return []
    return [bulletins[i] for i in wanted]
