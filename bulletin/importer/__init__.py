"""Word → the document model → Markdown sources: `bulletin import`.

The reader runs in the other direction from the writers: a submission (or a
whole past issue) saved by Word, WPS, LibreOffice or pandoc is read for what
it means — title, heading numbers, run-in heads, attribution, county — into
the same model blocks the Markdown reader produces, and written back out as
an article the Markdown reader turns into those very blocks.

  package.py      open a file safely: sniffing, size limits, .doc conversion
  wordxml.py      document.xml → raw paragraphs and tables (layout removed)
  listlabels.py   numbering.xml → the labels Word would print (一、 （一） 1．)
  structure.py    raw paragraphs → title, subtitle, blocks, attribution
  attribution.py  （单位 作者） / 供稿： / 作者： lines → unit, authors, county
  counties.py     Guangxi's county-level divisions and their pinyin
  past.py         a whole printed issue → issue metadata + articles
  markdown.py     model blocks + front matter → Markdown text
"""
