"""Field groups shared by several element types (§10.3–10.5) and their sub-objects."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from framelane.render.spec.base import EffectName, MotionName, SpecModel
from framelane.render.spec.units import URL_SCHEMA, Dimension, HexColor

BlendMode = Literal[
    "none",
    "multiply",
    "screen",
    "overlay",
    "darken",
    "lighten",
    "color_dodge",
    "color_burn",
    "hard_light",
    "soft_light",
]
Easing = Literal["linear", "ease_in", "ease_out", "ease_in_out"]


class ChromaSettings(SpecModel):
    hue_min: float | None = Field(None, description="Lowest hue (degrees) keyed out.")
    hue_max: float | None = Field(None, description="Highest hue (degrees) keyed out.")
    sat_min: float | None = Field(None, description="Lowest saturation (0–100) keyed out.")
    sat_max: float | None = Field(None, description="Highest saturation (0–100) keyed out.")
    lum_min: float | None = Field(None, description="Lowest luminance (0–100) keyed out.")
    lum_max: float | None = Field(None, description="Highest luminance (0–100) keyed out.")


class EffectSpec(SpecModel):
    type: EffectName = Field(description="Effect name from the catalog.")
    intensity: float = Field(100, ge=0, le=100, description="Strength in percent.")
    chroma_settings: ChromaSettings | None = Field(None, description="Key range for chroma_key.")


class MotionSpec(SpecModel):
    type: MotionName = Field(description="Motion preset name from the catalog.")
    time: float = Field(ge=0, description="Start, in absolute timeline seconds.")
    duration: float = Field(gt=0, description="Length in seconds.")
    easing: Easing = Field("ease_in_out", description="Easing curve.")
    reversed: bool = Field(False, description="Play the exit variant of the preset.")
    scope: Literal["element", "character"] = Field(
        "element", description="`character` animates each glyph of a text element."
    )
    delay: float = Field(0, ge=0, description="Seconds added to `time` before the motion starts.")
    loop: bool = Field(False, description="Repeat the motion until the element ends.")


class CommonFields(SpecModel):
    id: str = Field("", max_length=255, description="Element id, referenced by transitions.")
    time: float = Field(0, ge=0, description="Start on the output timeline, in seconds.")
    visible: bool = Field(True, description="False excludes the element from the render.")
    name: str | None = Field(None, description="Label only.")
    track: int | None = Field(None, ge=0, le=255, description="Informational; not used.")


class VisualFields(SpecModel):
    x: Dimension = Field("50%", description="Horizontal position of the anchor point.")
    y: Dimension = Field("50%", description="Vertical position of the anchor point.")
    width: Dimension = Field("100%", description="Box width (px or % of the canvas width).")
    height: Dimension = Field("100%", description="Box height (px or % of the canvas height).")
    aspect_ratio: float | None = Field(
        None, gt=0, description="Width ÷ height; derives the dimension that was not given."
    )
    x_anchor: Dimension = Field("50%", description="Anchor point across the box (% of width).")
    y_anchor: Dimension = Field("50%", description="Anchor point down the box (% of height).")
    x_rotation: Dimension = Field("0°", description="3D rotation about the x axis.")
    y_rotation: Dimension = Field("0°", description="3D rotation about the y axis.")
    z_rotation: Dimension = Field("0°", description="Rotation in the plane, clockwise.")
    x_scale: Dimension = Field("100%", description="Horizontal scale about the anchor.")
    y_scale: Dimension = Field("100%", description="Vertical scale about the anchor.")
    flip_horizontal: bool = Field(False, description="Mirror left-right.")
    flip_vertical: bool = Field(False, description="Mirror top-bottom.")
    opacity: float = Field(100, ge=0, le=100, description="Opacity in percent.")
    z_index: int = Field(0, description="Stacking; equal z_index: earlier element on top.")
    blend_mode: BlendMode = Field("none", description="How the element mixes with layers below.")
    clip: bool = Field(
        False,
        description="True: the content covers the box and is cropped to it; "
        "false: the content is fitted inside the box.",
    )
    color_overlay: HexColor | None = Field(None, description="Tint; its alpha sets the strength.")
    motion: list[MotionSpec] = Field(default_factory=list, description="Animation presets.")


class StyleFields(SpecModel):
    border_radius: Dimension = Field(0, description="Corner radius of the box.")
    border_color: HexColor | None = Field(None, description="Border colour.")
    border_width: Dimension = Field(0, description="Border width, drawn inside the box.")
    shadow_color: HexColor | None = Field(None, description="Drop shadow colour.")
    shadow_blur: Dimension = Field(0, description="Drop shadow blur radius.")
    shadow_x: Dimension = Field(0, description="Drop shadow horizontal offset.")
    shadow_y: Dimension = Field(0, description="Drop shadow vertical offset.")


class PictureFields(SpecModel):
    """Crop, colour, LUT and effects (video and image only)."""

    crop_top: float = Field(0, ge=0, le=1, description="Fraction cropped from the top edge.")
    crop_bottom: float = Field(0, ge=0, le=1, description="Fraction cropped from the bottom.")
    crop_left: float = Field(0, ge=0, le=1, description="Fraction cropped from the left edge.")
    crop_right: float = Field(0, ge=0, le=1, description="Fraction cropped from the right.")
    brightness: float = Field(0, ge=-100, le=100, description="−100 black … +100 white.")
    contrast: float = Field(0, ge=-100, le=100, description="−100 flat grey … +100 doubled.")
    saturation: float = Field(0, ge=-100, le=100, description="−100 greyscale … +100 doubled.")
    exposure: float = Field(0, ge=-100, le=100, description="In 1/25 stops: ±100 = ±4 stops.")
    sharpness: float = Field(0, ge=0, le=100, description="Unsharp mask amount.")
    blur: float = Field(0, ge=0, le=100, description="Gaussian blur radius in pixels.")
    noise: float = Field(0, ge=0, le=100, description="Film-grain noise strength.")
    vignette: float = Field(0, ge=0, le=100, description="Darkening of the corners.")
    hue_rotate: float = Field(0, ge=-360, le=360, description="Hue rotation in degrees.")
    lut_url: str | None = Field(
        None, max_length=2083, description="URL of a .cube 3D LUT.", json_schema_extra=URL_SCHEMA
    )
    lut_intensity: float = Field(100, ge=0, le=100, description="LUT strength in percent.")
    effects: list[EffectSpec] = Field(default_factory=list, description="Effects, in order.")


class Looping(SpecModel):
    """Timed media that can repeat (video, audio)."""

    loop: bool = Field(
        False,
        description="Repeat the media (from in_point to out_point) until the element's "
        "`duration`, or until the render's end when no duration is given.",
    )


class ImageLooping(SpecModel):
    """An image that may be animated (GIF, WebP, APNG): unlike video and audio, its file
    says whether it repeats, so `loop` has a third state."""

    loop: bool | None = Field(
        None,
        description=(
            "Repeat the animation for as long as the element lasts (true), or play it once and "
            "hold its last frame (false). Unset: as the file says (an animated GIF, WebP or "
            "APNG repeats as its own loop count asks)."
        ),
    )


class SourceFields(Looping):
    source_url: str = Field(
        min_length=1,
        max_length=2083,
        description="Media URL: http(s), or the source_url of an upload.",
        json_schema_extra=URL_SCHEMA,
    )
    in_point: float = Field(0, ge=0, description="Seconds into the source where playback starts.")
    out_point: float | None = Field(
        None, gt=0, description="Seconds into the source where playback ends (default: its end)."
    )
    speed: float = Field(1, ge=0.25, le=4, description="Playback speed; audio follows it.")
    duration: float | None = Field(
        None,
        gt=0,
        description="Seconds on the timeline (a trim): the element stops after this long. "
        "Default: until out_point (or the source's end); with `loop`, the render's end.",
    )
    fade_in_duration: float = Field(0, ge=0, description="Audio fade-in, seconds.")
    fade_out_duration: float = Field(
        0,
        ge=0,
        description="Audio fade-out, seconds, ending where the element stops being heard "
        "(its trim, its out_point, or the render's end, whichever comes first).",
    )
