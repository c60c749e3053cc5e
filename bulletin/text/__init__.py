"""Chinese line breaking and justification: pure functions, widths injected.

``break_paragraph`` turns styled runs into positioned lines on the 公文 grid;
see ``breaker.py`` for the method and ``chars.py`` for the character classes.

The names below are loaded from ``breaker`` on first use (PEP 562), not
when the package is: the readers import ``text.chars`` and ``text.invisible``
only, and should not pay for the breaker's tables (~3 ms of a build's
reading half).
"""

__all__ = ["Glyph", "Line", "Run", "Unit", "break_paragraph", "tokenize"]


def __getattr__(name: str):
    if name in __all__:
        from bulletin.text import breaker

        value = getattr(breaker, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
