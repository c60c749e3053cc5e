"""Typst's side of benchmark (a): compile every .typ of a folder to PDF in
one process with one reused compiler (Typst's fastest batch; it memoises
layout across documents).

    python3 benchmarks/typst_batch.py TYP_DIR FONT_DIR OUT_DIR
"""

import sys
from pathlib import Path

import typst


def main(typ_dir: str, font_dir: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    compiler = typst.Compiler(font_paths=[font_dir], ignore_system_fonts=True, root=typ_dir)
    for typ in sorted(Path(typ_dir).glob("*.typ")):
        compiler.compile(input=str(typ), output=str(out / (typ.stem + ".pdf")))


if __name__ == "__main__":
    main(*sys.argv[1:4])
