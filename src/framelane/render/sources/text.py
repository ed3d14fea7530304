"""Text rasterisation with skia's textlayout (HarfBuzz shaping, bidi, wrapping, emoji).

A text element becomes one premultiplied BGRA raster of its box plus a margin for the stroke
and shadow; the raster is cached and redrawn only when a caption word changes state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import skia
from skia import textlayout

from framelane.render.fonts import EMOJI_FAMILY, FontLibrary
from framelane.render.pixels import Pixels
from framelane.render.spec.units import Rgba
from framelane.render.word_animations import WordLook

_ALIGN = {
    "left": textlayout.TextAlign.kLeft,
    "center": textlayout.TextAlign.kCenter,
    "right": textlayout.TextAlign.kRight,
}
_DECORATION = {
    "underline": textlayout.TextDecoration.kUnderline,
    "strikethrough": textlayout.TextDecoration.kLineThrough,
}
NOWRAP_WIDTH = 1e6


@dataclass(frozen=True, slots=True)
class Shadow:
    color: Rgba
    blur: float
    dx: float
    dy: float


@dataclass(frozen=True, slots=True)
class TextLook:
    """Everything that decides how a text element is drawn, resolved to pixels."""

    text: str
    family: str
    size: float
    weight: int
    italic: bool
    color: Rgba
    align: str
    decoration: str
    tracking: float
    leading: float | None
    stroke_color: Rgba | None
    stroke_width: float
    outline_only: bool
    background: Rgba | None
    background_radius: float
    pad_x: float
    pad_y: float
    shadow: Shadow | None
    wrap: bool
    width: float
    height: float | None


@dataclass(frozen=True, slots=True)
class WordRun:
    start: int
    end: int
    look: WordLook


@dataclass(frozen=True, slots=True)
class TextRaster:
    pixels: Pixels
    margin: int
    width: float
    height: float


def _color(rgba: Rgba, opacity: float = 1.0) -> int:
    r, g, b, a = rgba
    return int(skia.Color(r, g, b, round(a * opacity)))


def _style(look: TextLook, paint: skia.Paint) -> textlayout.TextStyle:
    style = textlayout.TextStyle()
    style.setFontFamilies([look.family, EMOJI_FAMILY])
    style.setFontSize(look.size)
    slant = skia.FontStyle.kItalic_Slant if look.italic else skia.FontStyle.kUpright_Slant
    style.setFontStyle(skia.FontStyle(look.weight, skia.FontStyle.kNormal_Width, slant))
    style.setLetterSpacing(look.tracking)
    if look.leading is not None:
        style.setHeight(look.leading)
        style.setHeightOverride(True)
    if look.decoration in _DECORATION:
        style.setDecoration(_DECORATION[look.decoration])
        style.setDecorationColor(paint.getColor())
    style.setForegroundPaint(paint)
    return style


def _fill_paint(rgba: Rgba, opacity: float = 1.0) -> skia.Paint:
    return skia.Paint(AntiAlias=True, Color=_color(rgba, opacity))


def _stroke_paint(look: TextLook) -> skia.Paint:
    paint = _fill_paint(look.stroke_color or look.color)
    paint.setStyle(skia.Paint.kStroke_Style)
    paint.setStrokeWidth(look.stroke_width)
    paint.setStrokeJoin(skia.Paint.kRound_Join)
    return paint


def _paragraph(
    look: TextLook,
    fonts: FontLibrary,
    base: skia.Paint,
    runs: Sequence[WordRun] = (),
    word_paint: dict[int, skia.Paint] | None = None,
) -> textlayout.Paragraph:
    paragraph_style = textlayout.ParagraphStyle()
    paragraph_style.setTextAlign(_ALIGN[look.align])
    base_style = _style(look, base)
    paragraph_style.setTextStyle(base_style)
    builder = textlayout.ParagraphBuilder(paragraph_style, fonts.collection, skia.Unicode())
    builder.pushStyle(base_style)
    cursor = 0
    for index, run in enumerate(runs):
        paint = (word_paint or {}).get(index)
        if paint is None:
            continue
        builder.addText(look.text[cursor : run.start])
        builder.pushStyle(_style(look, paint))
        builder.addText(look.text[run.start : run.end])
        builder.pop()
        cursor = run.end
    builder.addText(look.text[cursor:])
    paragraph = builder.Build()
    paragraph.layout(_layout_width(look))
    if not look.wrap:
        paragraph.layout(max(_layout_width(look, wrap=True), math.ceil(paragraph.LongestLine) + 1))
    return paragraph


def _layout_width(look: TextLook, *, wrap: bool | None = None) -> float:
    if not (look.wrap if wrap is None else wrap):
        return NOWRAP_WIDTH
    return max(1.0, look.width - 2 * look.pad_x)


def measure(look: TextLook, fonts: FontLibrary) -> tuple[float, float]:
    """The element box (width, height): the wrap width × the paragraph height + padding."""
    paragraph = _paragraph(look, fonts, _fill_paint(look.color))
    width = max(look.width, paragraph.LongestLine + 2 * look.pad_x)
    height = look.height if look.height is not None else paragraph.Height + 2 * look.pad_y
    return width, height


def _margin(look: TextLook) -> int:
    extra = look.stroke_width
    if look.shadow is not None:
        extra += look.shadow.blur * 1.5 + max(abs(look.shadow.dx), abs(look.shadow.dy))
    return math.ceil(extra) + 2


def word_paints(look: TextLook, runs: Sequence[WordRun]) -> dict[int, skia.Paint]:
    paints: dict[int, skia.Paint] = {}
    for index, run in enumerate(runs):
        if run.look.moved:
            paints[index] = _HIDDEN
        elif run.look.color is not None or run.look.opacity < 1.0:
            paints[index] = _fill_paint(run.look.color or look.color, run.look.opacity)
    return paints


_HIDDEN = skia.Paint(Color=skia.ColorTRANSPARENT)
"""Keeps a word's place in the layout without drawing it (a moved word is drawn on its own)."""


def _moved_margin(look: TextLook, width: float, runs: Sequence[WordRun]) -> float:
    """Room for moved words: their offset, and half the text's width per unit of growth."""
    extra = 0.0
    for run in runs:
        if run.look.moved:
            grow = max(0.0, run.look.scale - 1.0) * max(width, look.size) / 2
            if run.look.rotation:  # a turned word reaches up to half its length further
                grow += max(width, look.size) / 2 * max(run.look.scale, 1.0)
            extra = max(extra, (abs(run.look.dx) + abs(run.look.dy)) * look.size + grow)
    return extra


def rasterize(look: TextLook, fonts: FontLibrary, runs: Sequence[WordRun] = ()) -> TextRaster:
    width, height = measure(look, fonts)
    margin = _margin(look) + math.ceil(_moved_margin(look, width, runs))
    buffer = np.zeros((math.ceil(height) + 2 * margin, math.ceil(width) + 2 * margin, 4), np.uint8)
    surface = skia.Surface(buffer, skia.kBGRA_8888_ColorType, skia.kPremul_AlphaType)
    canvas = surface.getCanvas()
    fill = _paragraph(look, fonts, _fill_paint(look.color), runs, word_paints(look, runs))
    left = margin + look.pad_x
    top = margin + (height - fill.Height) / 2
    if look.background is not None:
        _draw_background(canvas, look, fill, left, top, width)
    for index, run in enumerate(runs):
        if run.look.box_color is not None:
            _draw_word_box(canvas, look, fonts, runs, index, (left, top), buffer.shape[:2])
    _draw_glyphs(canvas, look, fonts, fill, runs, (left, top))
    return TextRaster(pixels=buffer, margin=margin, width=width, height=height)


def _draw_glyphs(
    canvas: skia.Canvas,
    look: TextLook,
    fonts: FontLibrary,
    fill: textlayout.Paragraph,
    runs: Sequence[WordRun],
    at: tuple[float, float],
) -> None:
    if look.shadow is not None:
        s = look.shadow
        drop = skia.ImageFilters.DropShadow(s.dx, s.dy, s.blur / 2, s.blur / 2, _color(s.color))
        canvas.saveLayer(None, skia.Paint(ImageFilter=drop))
    stroked = look.stroke_width > 0 and (look.stroke_color is not None or look.outline_only)
    hidden = {i: _HIDDEN for i, run in enumerate(runs) if run.look.moved}
    if stroked:
        _paragraph(look, fonts, _stroke_paint(look), runs, hidden).paint(canvas, *at)
    if not look.outline_only:
        fill.paint(canvas, *at)
    for index in hidden:
        _draw_moved_word(canvas, look, fonts, runs, index, at, stroked)
    if look.shadow is not None:
        canvas.restore()


def _draw_moved_word(
    canvas: skia.Canvas,
    look: TextLook,
    fonts: FontLibrary,
    runs: Sequence[WordRun],
    index: int,
    at: tuple[float, float],
    stroked: bool,
) -> None:
    """Draw one word alone into a layer, then that layer offset, turned and scaled about the
    word's ink centre, at the word's opacity (its stroke and the shadow follow it)."""
    word = runs[index].look
    if word.opacity <= 0.0:
        return
    info = canvas.imageInfo()
    alone = np.zeros((info.height(), info.width(), 4), np.uint8)
    surface = skia.Surface(alone, skia.kBGRA_8888_ColorType, skia.kPremul_AlphaType)
    only: dict[int, skia.Paint]
    if stroked:
        only = {index: _stroke_paint(look)}
        _paragraph(look, fonts, _HIDDEN, runs, only).paint(surface.getCanvas(), *at)
    if not look.outline_only:
        only = {index: _fill_paint(word.color or look.color)}
        _paragraph(look, fonts, _HIDDEN, runs, only).paint(surface.getCanvas(), *at)
    left, top, ink_w, ink_h = cv2.boundingRect(cv2.extractChannel(alone, 3))  # 10x np.nonzero
    if ink_w == 0:
        return
    cx, cy = left + ink_w / 2, top + ink_h / 2
    image = skia.Image.fromarray(alone, skia.kBGRA_8888_ColorType, skia.kPremul_AlphaType)
    paint = skia.Paint(AntiAlias=True)
    paint.setAlphaf(min(word.opacity, 1.0))
    canvas.save()
    canvas.translate(cx + word.dx * look.size, cy + word.dy * look.size)
    canvas.rotate(word.rotation)
    canvas.scale(word.scale, word.scale)
    canvas.translate(-cx, -cy)
    canvas.drawImage(image, 0, 0, skia.SamplingOptions(skia.FilterMode.kLinear), paint)
    canvas.restore()


def _draw_background(
    canvas: skia.Canvas,
    look: TextLook,
    paragraph: textlayout.Paragraph,
    left: float,
    top: float,
    width: float,
) -> None:
    assert look.background is not None
    inner = _layout_width(look, wrap=True) if look.wrap else paragraph.LongestLine
    line = paragraph.LongestLine
    offset = {"left": 0.0, "center": (inner - line) / 2, "right": inner - line}[look.align]
    rect = skia.Rect.MakeXYWH(
        left + offset - look.pad_x,
        top - look.pad_y,
        line + 2 * look.pad_x,
        paragraph.Height + 2 * look.pad_y,
    )
    radius = look.background_radius
    canvas.drawRRect(skia.RRect.MakeRectXY(rect, radius, radius), _fill_paint(look.background))


def _draw_word_box(
    canvas: skia.Canvas,
    look: TextLook,
    fonts: FontLibrary,
    runs: Sequence[WordRun],
    index: int,
    at: tuple[float, float],
    shape: tuple[int, int],
) -> None:
    """Find the active word's ink by drawing only that word, then box it."""
    box_color = runs[index].look.box_color
    assert box_color is not None
    probe = np.zeros((shape[0], shape[1], 4), np.uint8)
    probe_surface = skia.Surface(probe, skia.kBGRA_8888_ColorType, skia.kPremul_AlphaType)
    hidden = _fill_paint((0, 0, 0, 0))
    only_word = {index: _fill_paint((255, 255, 255, 255))}
    _paragraph(look, fonts, hidden, runs, only_word).paint(probe_surface.getCanvas(), *at)
    ys, xs = np.nonzero(probe[..., 3])
    if len(xs) == 0:
        return
    pad = look.size * 0.15
    centre = (ys.min() + ys.max()) / 2
    half_height = max((ys.max() - ys.min()) / 2, look.size * 0.45) + pad
    rect = skia.Rect.MakeLTRB(
        xs.min() - pad, centre - half_height, xs.max() + 1 + pad, centre + half_height
    )
    radius = look.size * 0.15
    canvas.drawRRect(skia.RRect.MakeRectXY(rect, radius, radius), _fill_paint(box_color))


def word_runs(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Character ranges of each caption word in `text`, found in order (−1 when missing)."""
    ranges: list[tuple[int, int]] = []
    cursor = 0
    lowered = text.lower()
    for word in words:
        position = lowered.find(word.lower(), cursor)
        if position < 0:
            ranges.append((-1, -1))
            continue
        ranges.append((position, position + len(word)))
        cursor = position + len(word)
    return ranges
