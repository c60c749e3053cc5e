"""The command line: a thin Click layer from arguments to the commands and an exit code.

One module per command here (build.py, check.py …); the logic they call
lives in bulletin/commands/ and returns results without printing.  The root
group imports a command's module only when that command runs (or when
`--help` lists them), and heavy libraries (reportlab, python-docx,
markdown-it) only inside the commands, so `bulletin --help` and
`bulletin list` start fast.
"""

from __future__ import annotations

import importlib

import click

from bulletin import __version__

# name → (module under bulletin.cli, attribute).  A new command adds one line.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "build"),
    "check": ("check", "check_command"),
    "fonts": ("fonts", "fonts_command"),
    "init": ("scaffold", "init_command"),
    "list": ("listing", "list_command"),
    "new": ("scaffold", "new_command"),
}


class LazyGroup(click.Group):
    """Click's documented pattern for lazily loaded subcommands."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        entry = COMMANDS.get(name)
        if entry is None:
            return None
        module, attribute = entry
        return getattr(importlib.import_module(f"bulletin.cli.{module}"), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
def main() -> None:
    """Typeset Chinese work bulletins (简报) from Markdown articles: DOCX for Word/WPS and a print-ready PDF."""
