"""Refresh the Chinese message catalogue: `make messages` (needs Babel: pip install -e '.[dev]').

1. Extracts every translatable text from bulletin/: `_("…")`, `N_("…", field=…)`,
   `NP_("context", "…")`, `ngettext(…)`, plus the short title of every
   diagnostic code (diagnostics.CODES, commands.lint.RULES) and the words of
   Click's own that users meet (Usage:, Options, Error: …).
2. Merges them into bulletin/locale/zh_CN/LC_MESSAGES/bulletin.po: new texts
   arrive with an empty translation (tests/test_i18n.py then fails until
   someone writes it), texts no longer used are dropped.
3. Compiles bulletin.mo beside it.  Both files are reproducible: fixed header
   dates, sorted entries, no source locations (they would churn with every edit).

Edit translations in the .po, then run this again to compile.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PO = REPO / "bulletin" / "locale" / "zh_CN" / "LC_MESSAGES" / "bulletin.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "NP_": ((1, "c"), 2), "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)  # reproducible headers

# Click's own words that a user of bulletin meets (help pages, usage errors),
# taken from Click's source so that their spelling always matches.  Not its
# metavars (FILE, DIRECTORY): they stay as typed, and keep the help aligned.
CLICK_MESSAGES = {
    "Usage:", "Options", "Commands", "Show this message and exit.", "Show the version and exit.",
    "Error: {message}", "Try '{command} {option}' for help.", "No such option {name!r}.", "No such command {name!r}.",
    "Missing argument", "Missing option", "Missing parameter", "Missing {param_type}", "Missing parameter: {param_name}",
    "Missing command.", "Invalid value for {param_hint}: {message}", "Invalid value: {message}",
    "Got unexpected extra argument ({args})", "{value!r} is not {choice}.", "{value!r} is not a valid {number_type}.",
    "{value} is not in the range {range}.", "Option {name!r} requires an argument.",
    "Option {name!r} does not take a value.", "default: {default}", "env var: {var}", "Aborted!",
    "{name} {filename!r} does not exist.", "{name} {filename!r} is a file.", "{name} {filename!r} is a directory.",
    "{value!r} does not match the format {format}.", "Did you mean {possibility}?",
    "Choose from:\n\t{choices}", "%(prog)s, version %(version)s", "(dynamic)", "deprecated",
}


def template_catalog():
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    sys.path.insert(0, str(REPO))
    from bulletin.commands.lint import RULES
    from bulletin.diagnostics import CODES

    template = Catalog(domain="bulletin", project="bulletin", creation_date=FIXED_DATE, fuzzy=False)
    for _file, _line, message, _comments, context in extract_from_dir(str(REPO / "bulletin"), keywords=KEYWORDS):
        template.add(message, context=context, flags=_flags(message))
    for title in [*CODES.values(), *(r.title for r in RULES.values())]:
        template.add(str(title))
    for text in cli_texts():
        template.add(text, flags=_flags(text))
    import click

    for _file, _line, message, _comments, context in extract_from_dir(str(Path(click.__file__).parent)):
        if (message if isinstance(message, str) else message[0]) in CLICK_MESSAGES:
            template.add(message, context=context, flags=_flags(message))
    return template


def cli_texts() -> list[str]:
    """The help texts of every command: docstrings and help= strings (the
    CLI modules stay plain Click; i18n.translate_command looks these up)."""
    import inspect
    import os

    import click

    os.environ["BULLETIN_LANG"] = "en"
    from bulletin.cli import COMMANDS, main

    texts = []
    ctx = click.Context(main)
    commands = [main]
    for name in COMMANDS:
        try:
            commands.append(main.get_command(ctx, name))
        except Exception as exc:  # noqa: BLE001 - a command being written must not stop the others
            print(f"  skipped command {name}: {exc}", file=sys.stderr)
    for command in commands:
        for item in (command, *command.params):
            for attr in ("help", "short_help"):
                text = getattr(item, attr, None)
                if isinstance(text, str) and text:
                    texts.append(inspect.cleandoc(text))  # as i18n.translate_command looks it up
    return texts


def _flags(message) -> tuple[str, ...]:
    text = message if isinstance(message, str) else message[0]
    return ("python-brace-format",) if "{" in text else ()


def main() -> int:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    template = template_catalog()
    if PO.exists():
        with PO.open("rb") as f:
            catalog = read_po(f, locale="zh_CN", domain="bulletin")
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.obsolete.clear()
        for message in catalog:  # no fuzzy matching is done, so a fuzzy mark is Babel's noise
            message.flags.discard("fuzzy")
    else:
        PO.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale="zh_CN", domain="bulletin", project="bulletin", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    catalog.version = "1"
    catalog.msgid_bugs_address = ""
    catalog.header_comment = "# Chinese messages of bulletin: edit the msgstr lines, then run `make messages`."
    catalog.last_translator = "bulletin"
    catalog.language_team = "zh_CN"
    with PO.open("wb") as f:
        write_po(f, catalog, width=0, no_location=True, sort_output=True, ignore_obsolete=True)
    with MO.open("wb") as f:
        write_mo(f, catalog)
    missing = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, (list, tuple)) else [m.string])]
    print(f"{PO.relative_to(REPO)}: {len(catalog)} messages, {len(missing)} untranslated")
    for text in missing:
        print(f"  untranslated: {text!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
