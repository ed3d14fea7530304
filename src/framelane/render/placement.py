"""Resolve an element's visual, style and text fields to pixels and plain numbers."""

from __future__ import annotations

from dataclasses import dataclass

from framelane.render.sources.text import Shadow, TextLook
from framelane.render.spec.models import TextElement, VisualElement
from framelane.render.spec.units import Rgba, angle, factor, length, rgba

BOLD_WEIGHT = 700
DEFAULT_SHADOW = "#000000b3"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where and how the element box sits on its parent canvas (before motions)."""

    x: float
    y: float
    width: float
    height: float
    anchor_x: float
    anchor_y: float
    rotation_x: float
    rotation_y: float
    rotation_z: float
    scale_x: float
    scale_y: float
    flip_horizontal: bool
    flip_vertical: bool
    opacity: float
    blend_mode: str
    clip: bool
    color_overlay: Rgba | None


@dataclass(frozen=True, slots=True)
class BoxStyle:
    border_radius: float
    border_color: Rgba | None
    border_width: float
    shadow_color: Rgba | None
    shadow_blur: float
    shadow_x: float
    shadow_y: float


def box_size(element: VisualElement, canvas: tuple[float, float]) -> tuple[float, float]:
    """Width and height in pixels; `aspect_ratio` derives the one that was not given."""
    width = length(element.width, canvas[0])
    height = length(element.height, canvas[1])
    ratio = element.aspect_ratio
    if ratio is not None:
        given = element.model_fields_set
        if "height" in given and "width" not in given:
            width = height * ratio
        else:
            height = width / ratio
    return max(width, 1.0), max(height, 1.0)


def _anchor(value: float | str, size: float) -> float:
    return length(value, size) / size if size else 0.5


def placement(
    element: VisualElement, canvas: tuple[float, float], size: tuple[float, float]
) -> Placement:
    width, height = size
    return Placement(
        x=length(element.x, canvas[0]),
        y=length(element.y, canvas[1]),
        width=width,
        height=height,
        anchor_x=_anchor(element.x_anchor, width),
        anchor_y=_anchor(element.y_anchor, height),
        rotation_x=angle(element.x_rotation),
        rotation_y=angle(element.y_rotation),
        rotation_z=angle(element.z_rotation),
        scale_x=factor(element.x_scale),
        scale_y=factor(element.y_scale),
        flip_horizontal=element.flip_horizontal,
        flip_vertical=element.flip_vertical,
        opacity=element.opacity / 100.0,
        blend_mode=element.blend_mode,
        clip=element.clip,
        color_overlay=rgba(element.color_overlay) if element.color_overlay else None,
    )


def box_style(
    element: VisualElement, canvas: tuple[float, float], size: tuple[float, float]
) -> BoxStyle:
    shortest = min(size)
    shadow_color = element.shadow_color
    is_text = isinstance(element, TextElement)
    return BoxStyle(
        border_radius=length(element.border_radius, shortest),
        border_color=rgba(element.border_color) if element.border_color else None,
        border_width=length(element.border_width, shortest),
        # On text the shadow follows the glyphs (drawn by the text raster), not the box.
        shadow_color=rgba(shadow_color) if shadow_color and not is_text else None,
        shadow_blur=length(element.shadow_blur, canvas[0]),
        shadow_x=length(element.shadow_x, canvas[0]),
        shadow_y=length(element.shadow_y, canvas[0]),
    )


def _text_shadow(element: TextElement, canvas: tuple[float, float]) -> Shadow | None:
    if not element.shadow and element.shadow_color is None:
        return None
    explicit = element.model_fields_set
    blur = length(element.shadow_blur, canvas[0]) if "shadow_blur" in explicit else 6.0
    dx = length(element.shadow_x, canvas[0]) if "shadow_x" in explicit else 2.0
    dy = length(element.shadow_y, canvas[0]) if "shadow_y" in explicit else 2.0
    return Shadow(rgba(element.shadow_color or DEFAULT_SHADOW), blur, dx, dy)


def _text_background(element: TextElement) -> Rgba | None:
    if not element.background:
        return None
    r, g, b, a = rgba(element.background_color or "#000000")
    return (r, g, b, round(a * element.background_opacity / 100.0))


def text_look(element: TextElement, family: str, canvas: tuple[float, float]) -> TextLook:
    width = length(element.width, canvas[0])
    height = length(element.height, canvas[1]) if "height" in element.model_fields_set else None
    weight = element.font_weight
    if (
        element.font_style in ("bold", "bolditalic")
        and "font_weight" not in element.model_fields_set
    ):
        weight = BOLD_WEIGHT
    outline_only = bool(element.stroke)
    stroke_width = element.stroke_width
    if outline_only and stroke_width <= 0:
        stroke_width = max(1.0, element.font_size / 24.0)
    return TextLook(
        text=element.text,
        family=family,
        size=element.font_size,
        weight=weight,
        italic=element.font_style in ("italic", "bolditalic"),
        color=rgba(element.text_color),
        align=element.text_align,
        decoration=element.text_decoration,
        tracking=element.tracking,
        leading=element.leading,
        stroke_color=rgba(element.stroke_color) if element.stroke_color else None,
        stroke_width=stroke_width,
        outline_only=outline_only,
        background=_text_background(element),
        background_radius=length(element.border_radius, element.font_size * 2),
        pad_x=length(element.x_padding, width),
        pad_y=length(element.y_padding, canvas[1]),
        shadow=_text_shadow(element, canvas),
        wrap=element.text_wrap == "wrap",
        width=width,
        height=height,
    )
