"""Messages in the users' language (SPEC.md "Messages in the users' language").

Chinese when the locale is Chinese, English otherwise.  The catalogue is a
standard gettext one, `locale/zh_CN/LC_MESSAGES/bulletin.po`, compiled to the
`.mo` beside it that the standard library reads at run time (Babel only
extracts and compiles it, at development time: `make messages`).

Two ways in:

- `_(text)` translates now: help texts, summary lines, anything printed at
  once.
- `N_(template, **fields)` makes a `Message`: a `str` holding the English text
  (so every caller that treats a diagnostic's message as text still works and
  JSON, sorting and de-duplication stay as they were) that also remembers its
  template and fields.  It is translated when printed (`localize`), so a
  diagnostic made in a worker process, or cached, carries no language of its
  own.  Fields may themselves be Messages (an English word such as "a list"
  inside a sentence); they are translated too.

Start-up cost matters (`bulletin --help`): in English nothing is loaded at
all; in Chinese the standard `gettext` module reads one small file, once.
"""

from __future__ import annotations

import os

DOMAIN = "bulletin"
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
CATALOGUE_LANGUAGE = "zh_CN"

# The variables gettext itself consults, in its order; BULLETIN_LANG overrides them.
_LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_translations: dict[str, object] = {}


def language() -> str:
    """'zh' or 'en', from BULLETIN_LANG (zh|en), else the first locale
    variable that is set.  Read each time (a dict look-up or four), so a test
    or a long-running `watch` that changes the environment is believed."""
    forced = os.environ.get("BULLETIN_LANG", "").strip().lower()
    if forced:
        return "zh" if forced.startswith("zh") else "en"
    for var in _LOCALE_VARS:
        value = os.environ.get(var, "")
        if value:
            # LANGUAGE is a list of preferences (zh_CN:en): the first one decides.
            return "zh" if value.split(":")[0].strip().lower().startswith("zh") else "en"
    return "en"


def _catalogue():
    """The Chinese translations, or None in English."""
    lang = language()
    if lang == "en":
        return None
    found = _translations.get(lang)
    if found is None:
        import gettext

        found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[CATALOGUE_LANGUAGE], fallback=True)
        _translations[lang] = found
    return found


def _(text: str) -> str:
    catalogue = _catalogue()
    return text if catalogue is None else catalogue.gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    catalogue = _catalogue()
    if catalogue is None:
        return singular if n == 1 else plural
    return catalogue.ngettext(singular, plural, n)


class Message(str):
    """English text that knows its template and fields, to be translated
    when printed.  Equal to (and hashed as) its English text."""

    __slots__ = ("template", "fields", "context")

    def __new__(cls, template: str, fields: dict, context: str | None = None):
        self = super().__new__(cls, template.format(**fields) if fields else template)
        self.template = template
        self.fields = fields
        self.context = context
        return self

    def __reduce__(self):
        # Batch workers send diagnostics back pickled; str's own reduction
        # would rebuild a Message from its English text and lose the template.
        return (Message, (self.template, self.fields, self.context))

    def localize(self) -> str:
        translated = _(self.template) if self.context is None else pgettext(self.context, self.template)
        if translated == self.template and not self.fields:
            return str(self)
        try:
            return translated.format(**{k: v.localize() if isinstance(v, Message) else v for k, v in self.fields.items()})
        except (KeyError, IndexError, ValueError):  # a broken translation must not hide the finding
            return str(self)


def N_(template: str, **fields) -> Message:
    """A message to be translated when printed: N_("'{key}' is required", key="title")."""
    return Message(template, fields)


def NP_(context: str, text: str) -> Message:
    """A word translated in a context, when printed: NP_("key", "title") is
    'title' in English and 'title（标题）' in Chinese."""
    return Message(text, {}, context)


def pgettext(context: str, text: str) -> str:
    catalogue = _catalogue()
    return text if catalogue is None else catalogue.pgettext(context, text)


def localize(value) -> str:
    """`value` in the users' language: a Message translated, anything else as text."""
    return value.localize() if isinstance(value, Message) else str(value)


def translate_click() -> None:
    """Let Click's own words (Usage:, Options, Error: …, Missing argument …)
    come from our catalogue too.  Click binds `gettext.gettext` into its
    modules' globals at import; in Chinese we rebind those names to ours.
    In English nothing is touched."""
    if _catalogue() is None:
        return
    import gettext
    import sys

    for name, module in list(sys.modules.items()):
        if name == "click" or name.startswith("click."):
            if getattr(module, "_", None) is gettext.gettext:
                module._ = _
            if getattr(module, "ngettext", None) is gettext.ngettext:
                module.ngettext = ngettext


def translate_command(command):
    """A Click command's help texts (its docstring, short help, each option's
    help) in the users' language.  The English texts are the message ids, so
    the command modules stay plain Click; `make messages` collects them."""
    if _catalogue() is None or getattr(command, "_bulletin_translated", False):
        return command
    import inspect  # already loaded by Click

    for item in (command, *command.params):
        for attr in ("help", "short_help"):
            text = getattr(item, attr, None)
            if isinstance(text, str) and text:
                setattr(item, attr, _(inspect.cleandoc(text)))
    command._bulletin_translated = True
    return command
