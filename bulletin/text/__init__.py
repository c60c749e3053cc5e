"""Chinese line breaking and justification: pure functions, widths injected.

``break_paragraph`` turns styled runs into positioned lines on the 公文 grid;
see ``breaker.py`` for the method and ``chars.py`` for the character classes.
"""

from bulletin.text.breaker import Glyph, Line, Run, Unit, break_paragraph, tokenize

__all__ = ["Glyph", "Line", "Run", "Unit", "break_paragraph", "tokenize"]
