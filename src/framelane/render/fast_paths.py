"""When each fast path of the engine may draw a layer: allow-lists, in one place.

A fast path draws some layers more cheaply than the general path (skia drawing the layer in
BGRA over the canvas, every frame), and must give the same picture. Each one names the fields
of the layer's state it can honour: a `MotionState`, `LayerModifier`, `Placement`, `BoxStyle`
or `Picture` field it does not list must hold its rest value, or the layer takes the general
path. A field added to one of those records is therefore refused by every fast path until
someone lists it where it is drawn the same (`tests/render/test_fast_paths.py` walks every
field of every record through every path: a field either turns the path off or gives the same
pixels).

What a path needs beyond its fields (an opaque picture, a transform that stays a translation,
a box of whole even pixels) is checked where the path is taken; `FastPath.also` says what.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from framelane.render.evaluate import LayerState
from framelane.render.motions import REST
from framelane.render.placement import BoxStyle, Placement
from framelane.render.timeline import Layer, Picture
from framelane.render.transitions.base import UNCHANGED

GEOMETRY = frozenset({"x", "y", "width", "height", "anchor_x", "anchor_y"})
"""Where the box is: every path takes it into the layer's transform and box."""
FLAT_TRANSFORM = GEOMETRY | {"rotation_z", "scale_x", "scale_y", "flip_horizontal", "flip_vertical"}
"""A transform without perspective (an affine one)."""
SHADOW_PLACE = frozenset({"shadow_blur", "shadow_x", "shadow_y"})
"""A shadow's blur and offset: nothing is drawn with them unless a shadow colour is set."""
UNDRAWN_STYLE = SHADOW_PLACE | {"border_width"}
"""Style fields that draw nothing alone (no shadow colour, no border colour)."""
EVERY_PICTURE = frozenset({"crop", "adjust", "lut", "lut_intensity", "effects"})
"""A drawing path never sees these: the layer's source applied them to the picture."""

PLACEMENT_REST = Placement(
    x=0.0,
    y=0.0,
    width=1.0,
    height=1.0,
    anchor_x=0.0,
    anchor_y=0.0,
    rotation_x=0.0,
    rotation_y=0.0,
    rotation_z=0.0,
    scale_x=1.0,
    scale_y=1.0,
    flip_horizontal=False,
    flip_vertical=False,
    opacity=1.0,
    blend_mode="none",
    clip=False,
    color_overlay=None,
)
"""A placement that changes nothing (its geometry is allowed by every path)."""
STYLE_REST = BoxStyle(
    border_radius=0.0,
    border_color=None,
    border_width=0.0,
    shadow_color=None,
    shadow_blur=0.0,
    shadow_x=0.0,
    shadow_y=0.0,
)
PICTURE_REST = Picture()
"""No crop, colour work, LUT or effect."""

SNAPPED_SHADOW_SIGMA = 8.0
"""From this blur on, a box shadow is a cached picture (per quarter-pixel phase) drawn at
whole pixels: its edge is soft enough that the ≤ 1/8 pixel left moves no level by more than
~2. skia blits a blurred round-rect mask at ~5 ns a pixel (1.8 ms for the reference's inset
shadow); an aligned picture at ~0.3 ns."""


class AtRest:
    """Whether a record's fields outside `allowed` all hold the rest record's values."""

    def __init__(self, rest: Any, allowed: frozenset[str]) -> None:
        names = {name.name for name in dataclasses.fields(rest)}
        unknown = allowed - names
        if unknown:
            raise ValueError(f"{type(rest).__name__} has no field {sorted(unknown)}")
        self.checked = tuple(sorted(names - allowed))
        getter = attrgetter(*self.checked) if self.checked else None
        self._get: Callable[[Any], Any] | None = getter
        self._rest = getter(rest) if getter else None

    def __call__(self, value: Any) -> bool:
        return self._get is None or self._get(value) == self._rest


@dataclass(frozen=True)
class FastPath:
    """A fast path and the fields it draws as the general path does (exactly in BGRA, within
    rounding in planes)."""

    name: str
    summary: str
    also: str
    """What the path needs beyond its fields, checked where it is taken."""
    motion: frozenset[str]
    modifier: frozenset[str]
    placement: frozenset[str]
    style: frozenset[str]
    picture: frozenset[str] = EVERY_PICTURE
    _checks: tuple[AtRest, ...] = field(init=False, repr=False, compare=False)
    """Motion, modifier, placement, style and picture (a name that is no field raises here,
    when the module is imported)."""

    def __post_init__(self) -> None:
        checks = (
            AtRest(REST, self.motion),
            AtRest(UNCHANGED, self.modifier),
            AtRest(PLACEMENT_REST, self.placement),
            AtRest(STYLE_REST, self.style),
            AtRest(PICTURE_REST, self.picture),
        )
        object.__setattr__(self, "_checks", checks)

    def accepts_layer(self, layer: Layer) -> bool:
        """What does not change from frame to frame: placement, style and picture."""
        _, _, placement, style, picture = self._checks
        return placement(layer.placement) and style(layer.style) and picture(layer.picture)

    def accepts_frame(self, state: LayerState) -> bool:
        """What changes per frame: the motions' and the transitions' state."""
        motion, modifier, *_ = self._checks
        return motion(state.motion) and modifier(state.modifier)

    def accepts(self, state: LayerState) -> bool:
        return self.accepts_frame(state) and self.accepts_layer(state.layer)


HANDOVER = FastPath(
    name="handover",
    summary="The bottom layer's picture is the frame as it is: no clear, no draw, no copy "
    "(in BGRA, its converted pixels become the canvas; in planes, its decoded frame is "
    "copied into the output frame).",
    also="an opaque picture of the canvas size whose transform puts it 1:1 on the canvas, "
    "covering it",
    motion=frozenset({"dx", "dy", "scale", "rotation", "blend"}),
    modifier=frozenset({"tint"}),
    placement=FLAT_TRANSFORM | {"clip"},
    style=UNDRAWN_STYLE,
)
EVERY_MOTION = frozenset(  # every field known today, by name: a new one is refused until listed
    {
        "dx",
        "dy",
        "scale",
        "rotation",
        "opacity",
        "reveal",
        "rotation_x",
        "rotation_y",
        "blend",
        "blend_mix",
        "blur",
        "scatter",
    }
)
EVERY_MODIFIER = frozenset({"opacity", "canvas_clip", "tint", "tint_amount"})
EVERY_PLACEMENT = FLAT_TRANSFORM | {
    "rotation_x",
    "rotation_y",
    "opacity",
    "blend_mode",
    "clip",
    "color_overlay",
}
EVERY_STYLE = UNDRAWN_STYLE | {"border_radius", "border_color", "shadow_color"}
PASSTHROUGH = FastPath(
    name="passthrough",
    summary="A video's decode worker hands over the decoded frame itself, unconverted, for "
    "the planar compositor to build the frame around. Only where the conversion runs "
    "changes: a frame `handover` refuses is converted on the compositor's thread, so any "
    "motion, transition, placement and style gives the same pixels.",
    also="an opaque video whose box is the canvas; per frame, an 8-bit 4:2:0 BT.709 "
    "limited-range upright frame with nothing under it",
    motion=EVERY_MOTION,
    modifier=EVERY_MODIFIER,
    placement=EVERY_PLACEMENT,
    style=EVERY_STYLE,
    picture=frozenset({"lut_intensity"}),
)
SOURCE_OVER = FastPath(
    name="source_over",
    summary="The layer only ever goes over what is under it, so in planes it is blended as "
    "a premultiplied sprite of its own (not drawn in BGRA onto the converted region).",
    also="nothing",
    motion=EVERY_MOTION - {"blend_mix"},
    modifier=EVERY_MODIFIER,
    placement=EVERY_PLACEMENT - {"blend_mode"},
    style=EVERY_STYLE,
)
WARPED = FastPath(
    name="warped",
    summary="A turned or skewed picture is resampled by OpenCV into the canvas pixels it "
    "covers and drawn 1:1, with no clip to keep (skia bounds a recording of it tightly).",
    also="an affine transform that is not only a scale and a translation, a pixel array",
    motion=frozenset({"dx", "dy", "scale", "rotation", "opacity", "blur"}),
    modifier=frozenset({"opacity", "tint"}),
    placement=FLAT_TRANSFORM | {"opacity", "blend_mode"},
    style=UNDRAWN_STYLE,
)
DIRECT_SPRITE = FastPath(
    name="direct_sprite",
    summary="In planes, a picture only moved, scaled, turned or faded is converted to "
    "Y'CbCrA once and warped by OpenCV every frame (no skia playback, no swscale).",
    also="an affine transform, a BGRA pixel array",
    motion=frozenset({"dx", "dy", "scale", "rotation", "opacity"}),
    modifier=frozenset({"opacity", "tint"}),
    placement=FLAT_TRANSFORM | {"opacity"},
    style=UNDRAWN_STYLE,
)
INSET = FastPath(
    name="inset",
    summary="In planes, a video drawn 1:1 in its box, moved and faded, with round corners "
    "and a soft shadow: scaled to the box in its own planes by its decode worker, shifted, "
    "masked and blended (no BGRA at all).",
    also="an opaque video, a box of whole even pixels, a shadow blur of at least "
    "2 × SNAPPED_SHADOW_SIGMA; per frame, an 8-bit 4:2:0 BT.709 frame of the box's shape",
    motion=frozenset({"dx", "dy", "opacity", "blend"}),
    modifier=frozenset({"opacity", "tint"}),
    placement=GEOMETRY | {"opacity", "clip"},
    style=SHADOW_PLACE | {"border_radius", "border_width", "shadow_color"},
    picture=frozenset({"lut_intensity"}),
)

FAST_PATHS: tuple[FastPath, ...] = (
    HANDOVER,
    PASSTHROUGH,
    SOURCE_OVER,
    WARPED,
    DIRECT_SPRITE,
    INSET,
)


def may_pass_through(layer: Layer, canvas: tuple[int, int]) -> bool:
    """Whether a video layer's decoded frames might become the output picture as they are
    (`PASSTHROUGH`): what is checked per frame is checked when the frame is drawn; a frame
    that then cannot pass through is converted on the compositor's thread."""
    return (
        layer.media is not None
        and not layer.media.has_alpha
        and (layer.placement.width, layer.placement.height) == canvas
        and PASSTHROUGH.accepts_layer(layer)
    )


def may_be_inset(layer: Layer) -> bool:
    """Whether a video layer could be drawn as an inset (`INSET`): what does not change from
    frame to frame."""
    style, media = layer.style, layer.media
    width, height = layer.placement.width, layer.placement.height
    return (
        layer.kind == "video"
        and media is not None
        and not media.has_alpha
        and (style.shadow_color is None or style.shadow_blur / 2 >= SNAPPED_SHADOW_SIGMA)
        and float(width).is_integer()
        and float(height).is_integer()
        and int(width) % 2 == 0
        and int(height) % 2 == 0
        and INSET.accepts_layer(layer)
    )


def inset_ready(state: LayerState) -> bool:
    """Whether this frame of a layer that `may_be_inset` is an inset: only moved and faded by
    its motions, and whole (no transition clip or tint). The scene asks only for such layers,
    so the layer's own fields are not checked again here, on every frame."""
    return INSET.accepts_frame(state)
