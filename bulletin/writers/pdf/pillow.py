"""Pillow, loaded when a figure needs it rather than when reportlab loads.

reportlab's ``lib.utils`` runs ``from PIL import Image`` at its own import,
which costs ~8 ms (PIL.Image with ExifTags, TiffTags and the C core), a
sixth of a PDF worker's start-up, though reportlab needs Pillow only to
read a raster figure.  ``defer()`` puts PIL.Image in ``sys.modules`` as a
module that runs its code on first attribute access (the standard
library's ``importlib.util.LazyLoader``), so an issue without figures never
pays for it and one with figures gets the very same module, a moment later.
"""

from __future__ import annotations

import sys


def defer() -> None:
    """Make the coming ``import PIL.Image`` lazy (a no-op once it is loaded)."""
    if "PIL.Image" in sys.modules or "reportlab.lib.utils" in sys.modules:
        return
    import importlib.util

    try:
        spec = importlib.util.find_spec("PIL.Image")
    except (ImportError, ValueError):
        return  # no Pillow: reportlab reports that itself
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["PIL.Image"] = module
    spec.loader.exec_module(module)  # lazy: only arms the first attribute access
    setattr(sys.modules["PIL"], "Image", module)  # as the import system does for a submodule
