"""A labelled horizontal bar chart (信息采用统计), as SVG or PNG.

One geometry, two painters: ``bar_chart`` places every bar, rule and label
(measured with the CJK face that bulletin.fonts resolved), ``svg`` writes it
as SVG text elements (selectable, searchable, named in the face's own family
with generic fallbacks) and ``png`` paints it with Pillow in that same face.

Why not reportlab's graphics for both: reportlab 4+ renders bitmaps only
through rlPyCairo, which needs pycairo — no wheel on PyPI for Linux, and a
source build needs the cairo headers and a compiler on every machine; and
its SVG renderer names each font by its reportlab registration name, which
no viewer has.  Pillow is already installed (reportlab depends on it) and
draws TrueType/OpenType (TTC too) through FreeType.  Horizontal bars, so
county names read left to right in ranking order, top to bottom.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    anchor: str = "start"  # start | middle | end
    fill: str = "#000000"


@dataclass
class Chart:
    width: float
    height: float
    items: list = field(default_factory=list)
    title: str = ""
    font_path: Path | None = None
    font_index: int = 0
    family: str = ""


def _measure(font_path: Path | None, index: int):
    """Width of a text at a size, in the chart's face (hanzi 1 em, others ½ em without one)."""
    if font_path is None:
        return lambda text, size: sum(size if ord(c) > 0x2E7F else size / 2 for c in text)
    from PIL import ImageFont

    cache: dict[float, object] = {}

    def measure(text: str, size: float) -> float:
        font = cache.get(size)
        if font is None:
            font = cache[size] = ImageFont.truetype(str(font_path), size=max(1, round(size * 10)), index=index)
        return font.getlength(text) / 10

    return measure


def _step(top: int) -> int:
    """A round tick step giving at most about six ticks up to ``top``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 6:
            return step
    return max(1, top // 6)


def bar_chart(title: str, labels: list[str], values: list[int], *, font_path: Path | None = None,
              font_index: int = 0, family: str = "", color: str = "#C8102E", subtitle: str = "") -> Chart:
    measure = _measure(font_path, font_index)
    size, title_size, bar_h, gap, pad = 14.0, 20.0, 22.0, 10.0, 24.0
    label_w = max([measure(s, size) for s in labels] + [0.0])
    plot_x = pad + label_w + 12
    plot_w = 480.0
    top = pad + title_size + (size + 10 if subtitle else 0) + 18
    width = plot_x + plot_w + 48 + pad
    n = max(len(values), 1)
    plot_h = n * (bar_h + gap) + gap
    height = top + plot_h + size + 16 + pad
    chart = Chart(width, height, title=title, font_path=font_path, font_index=font_index, family=family)
    add = chart.items.append
    add(Rect(0, 0, width, height, "#FFFFFF"))
    add(Text(width / 2, pad + title_size * 0.88, title, title_size, "middle"))
    if subtitle:
        add(Text(width / 2, pad + title_size + 8 + size * 0.88, subtitle, size, "middle", "#444444"))
    most = max(values + [1])
    step = _step(most)
    axis_top = -(-most // step) * step
    scale = plot_w / axis_top
    for tick in range(0, axis_top + 1, step):
        x = plot_x + tick * scale
        add(Line(x, top, x, top + plot_h, "#D0D0D0" if tick else "#000000", 1.0))
        add(Text(x, top + plot_h + 6 + size * 0.88, str(tick), size, "middle", "#444444"))
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + gap + i * (bar_h + gap)
        base = y + bar_h / 2 + size * 0.35
        add(Text(plot_x - 12, base, label, size, "end"))
        add(Rect(plot_x, y, value * scale, bar_h, color))
        add(Text(plot_x + value * scale + 6, base, str(value), size, "start"))
    return chart


def svg(chart: Chart) -> bytes:
    families = [f for f in (chart.family, "Noto Sans CJK SC", "WenQuanYi Micro Hei", "SimHei") if f]
    font = ", ".join(quoteattr(f)[1:-1] if " " not in f else f"'{f}'" for f in families) + ", sans-serif"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(chart.width)}" height="{_n(chart.height)}" '
        f'viewBox="0 0 {_n(chart.width)} {_n(chart.height)}" role="img" lang="zh-CN" '
        f'font-family={quoteattr(font)}>',
        f"<title>{escape(chart.title)}</title>",
    ]
    for item in chart.items:
        if isinstance(item, Rect):
            out.append(f'<rect x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.w)}" height="{_n(item.h)}" '
                       f'fill="{item.fill}"/>')
        elif isinstance(item, Line):
            out.append(f'<line x1="{_n(item.x1)}" y1="{_n(item.y1)}" x2="{_n(item.x2)}" y2="{_n(item.y2)}" '
                       f'stroke="{item.stroke}" stroke-width="{_n(item.width)}"/>')
        else:
            out.append(f'<text x="{_n(item.x)}" y="{_n(item.y)}" font-size="{_n(item.size)}" '
                       f'text-anchor="{item.anchor}" fill="{item.fill}">{escape(item.text)}</text>')
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")


def png(chart: Chart, scale: float = 2.0) -> bytes:
    """The chart at ``scale`` pixels per unit (2: sharp on a slide or in Word)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (round(chart.width * scale), round(chart.height * scale)), "#FFFFFF")
    draw = ImageDraw.Draw(img)
    fonts: dict[float, object] = {}

    def font(size: float):
        if size not in fonts:
            if chart.font_path is not None:
                fonts[size] = ImageFont.truetype(str(chart.font_path), size=round(size * scale),
                                                 index=chart.font_index)
            else:
                fonts[size] = ImageFont.load_default(size=round(size * scale))
        return fonts[size]

    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for item in chart.items:
        if isinstance(item, Rect):
            if item.w > 0 and item.h > 0:
                draw.rectangle([item.x * scale, item.y * scale, (item.x + item.w) * scale - 1,
                                (item.y + item.h) * scale - 1], fill=item.fill)
        elif isinstance(item, Line):
            draw.line([item.x1 * scale, item.y1 * scale, item.x2 * scale, item.y2 * scale], fill=item.stroke,
                      width=max(1, round(item.width * scale)))
        else:
            draw.text((item.x * scale, item.y * scale), item.text, fill=item.fill, font=font(item.size),
                      anchor=anchors[item.anchor])
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")
