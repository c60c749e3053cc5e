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
from bulletin.i18n import language, translate_click, translate_command

translate_click()  # before the decorators below ask Click for its words
if language() == "zh":
    from bulletin.cli import cjkwrap

    cjkwrap.install()  # help pages wrapped by display width, between hanzi

# name → (module under bulletin.cli, attribute).  A new command adds one line.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "build"),
    "check": ("check", "check_command"),
    "fonts": ("fonts", "fonts_command"),
    "init": ("scaffold", "init_command"),
    "import": ("importing", "import_command"),
    "list": ("listing", "list_command"),
    "new": ("scaffold", "new_command"),
    "preview": ("preview", "preview_command"),
    "watch": ("watch", "watch_command"),
    "stats": ("stats", "stats_command"),
    "volume": ("volume", "volume_command"),
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
        return translate_command(getattr(importlib.import_module(f"bulletin.cli.{module}"), attribute))

    def invoke(self, ctx: click.Context):
        # Ctrl-C: exit 130 (128 + SIGINT) as shells expect, not Click's
        # 'Aborted!' and 1, which is the content-error code.  (build catches
        # it itself first, to write the issues already finished.)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("", err=True)
            ctx.exit(130)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
def main() -> None:
    """Typeset Chinese work bulletins (简报) from Markdown articles: DOCX for Word/WPS and a print-ready PDF."""


translate_command(main)
