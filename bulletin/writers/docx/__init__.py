"""The DOCX writer: model + style → a Word document with named styles.

writer.py walks the model; styles.py builds styles.xml and the page geometry;
ooxml.py has the raw-XML helpers in schema order; package.py the lean package
and its deterministic zip.
"""

from bulletin.writers.docx.writer import BLOCK_RULES, write_docx

__all__ = ["BLOCK_RULES", "write_docx"]
