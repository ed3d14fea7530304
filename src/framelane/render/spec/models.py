"""The `POST /v1/renders` body: elements (a union discriminated on `type`) and the canvas."""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import Field

from framelane.render.spec.base import SpecModel, TransitionName, WordStyleName
from framelane.render.spec.fields import (
    CommonFields,
    ImageLooping,
    PictureFields,
    SourceFields,
    StyleFields,
    VisualFields,
)
from framelane.render.spec.units import URL_SCHEMA, Dimension, HexColor

OutputFormat = Literal["mp4", "webm", "mov", "gif", "png", "jpg"]
ALPHA_FORMATS = ("webm", "mov")


class VideoElement(CommonFields, VisualFields, StyleFields, PictureFields, SourceFields):
    type: Literal["video"] = Field("video", description="Element type.")
    volume: float = Field(100, ge=0, le=100, description="Embedded audio volume; 0 mutes it.")


class ImageElement(CommonFields, VisualFields, StyleFields, PictureFields, ImageLooping):
    type: Literal["image"] = Field("image", description="Element type.")
    source_url: str = Field(
        min_length=1,
        max_length=2083,
        description="Image URL: http(s), or the source_url of an upload.",
        json_schema_extra=URL_SCHEMA,
    )
    duration: float = Field(gt=0, description="Seconds on screen (required).")


class AudioElement(CommonFields, SourceFields):
    type: Literal["audio"] = Field("audio", description="Element type.")
    volume: float = Field(100, gt=0, le=100, description="Volume in percent (must be > 0).")


class Word(SpecModel):
    text: str = Field(description="The word as it appears in `text`.")
    start: float = Field(ge=0, description="Absolute timeline seconds.")
    end: float = Field(gt=0, description="Absolute timeline seconds.")


class WordAnimationSpec(SpecModel):
    style: WordStyleName = Field(description="Caption style.")
    words: list[Word] = Field(min_length=1, description="Word timings (absolute seconds).")
    highlight_color: HexColor = Field(
        "#facc15", description="Colour of the active word (style `color`)."
    )


class TextElement(CommonFields, VisualFields, StyleFields):
    type: Literal["text"] = Field("text", description="Element type.")
    text: str = Field(min_length=1, description="The text; may contain line breaks.")
    duration: float = Field(gt=0, description="Seconds on screen (required).")
    font_family: str = Field("Inter", description="Family name, or a font URL (.ttf/.otf).")
    font_size: float = Field(48, gt=0, description="Font size in pixels.")
    font_weight: int = Field(400, ge=100, le=900, description="100–900.")
    font_style: Literal["normal", "italic", "bold", "bolditalic"] = Field(
        "normal", description="`bold` sets weight 700 unless font_weight is given."
    )
    text_color: HexColor = Field("#ffffff", description="Fill colour.")
    text_align: Literal["left", "center", "right"] = Field(
        "center", description="Alignment of the lines inside the box."
    )
    text_decoration: Literal["none", "underline", "strikethrough"] = Field(
        "none", description="Line under or through the text."
    )
    tracking: float = Field(0, description="Extra space between letters, in pixels.")
    leading: float | None = Field(None, gt=0, description="Line height as a multiple of size.")
    stroke_color: HexColor | None = Field(None, description="Outline colour.")
    stroke_width: float = Field(0, ge=0, description="Outline width in pixels.")
    background_color: HexColor | None = Field(None, description="Box colour behind the text.")
    background_opacity: float = Field(100, ge=0, le=100, description="Box opacity in percent.")
    x_padding: Dimension = Field(0, description="Box padding left and right.")
    y_padding: Dimension = Field(0, description="Box padding top and bottom.")
    background: bool | None = Field(None, description="Draw the background box.")
    stroke: bool | None = Field(None, description="Outline only, no fill.")
    shadow: bool | None = Field(None, description="Drop shadow behind the glyphs.")
    text_wrap: Literal["wrap", "nowrap"] = Field(
        "wrap", description="`wrap` breaks lines at `width`; `nowrap` only at line breaks."
    )
    word_animation: WordAnimationSpec | None = Field(None, description="Animated captions.")
    animation_preset: str | None = Field(None, description="Not supported yet.")


class TransitionSpec(SpecModel):
    type: TransitionName = Field(description="Transition name (`fade` = `cross_dissolve`).")
    duration: float = Field(gt=0, description="Seconds, centred on the cut.")
    from_id: str = Field(min_length=1, description="Id of the outgoing element.")
    to_id: str = Field(min_length=1, description="Id of the incoming element.")
    z_index: int | None = Field(
        None,
        description="Not supported yet (capability_unsupported when set): the pair is "
        "drawn where its two elements stack.",
    )
    audio: Literal["crossfade", "cut"] = Field(
        "crossfade",
        description="`crossfade`: the two elements' sound crosses with an equal-power curve "
        "over the transition; `cut`: each sound stops and starts at the cut.",
    )


class TokensChoice(SpecModel):
    """Brand tokens: every string written exactly `"{group.token}"` becomes the token's value."""

    tokenset_id: str = Field(min_length=1, description="Tokenset of this workspace.")
    mode: str | None = Field(None, description="Mode id or name (default: the default mode).")


class CompositionElement(CommonFields, VisualFields, StyleFields):
    """A nested scene, rendered at its own width × height and placed like any visual."""

    type: Literal["composition"] = Field("composition", description="Element type.")
    duration: float | None = Field(None, gt=0, description="Default: inferred from elements.")
    background_color: HexColor | None = Field(None, description="Scene background.")
    elements: list[Element] = Field(default_factory=list, description="The scene's elements.")
    transitions: list[TransitionSpec] = Field(
        default_factory=list, description="Transitions between elements of this scene."
    )


Element = Annotated[
    VideoElement | ImageElement | AudioElement | TextElement | CompositionElement,
    Field(discriminator="type"),
]
VisualElement = VideoElement | ImageElement | TextElement | CompositionElement
ELEMENT_TYPES: tuple[str, ...] = tuple(
    str(model.model_fields["type"].default)
    for model in typing.get_args(typing.get_args(Element)[0])
)
"""The values of an element's `type`, in the order of the union."""


class RenderSpec(SpecModel):
    width: int | None = Field(None, ge=16, le=8192, description="Canvas width (default 1920).")
    height: int | None = Field(None, ge=16, le=8192, description="Canvas height (default 1080).")
    duration: float | None = Field(None, gt=0, description="Seconds; default inferred.")
    frame_rate: int = Field(30, ge=1, le=240, description="Frames per second.")
    output_format: OutputFormat = Field("mp4", description="png/jpg give one still.")
    output_filename: str | None = Field(None, max_length=255, description="No extension.")
    background_color: HexColor | None = Field(None, description="Canvas colour (RGBA hex).")
    background_image_url: str | None = Field(
        None,
        min_length=1,
        max_length=2083,
        description="Image drawn behind every element.",
        json_schema_extra=URL_SCHEMA,
    )
    alpha: bool = Field(False, description="Transparent output (webm or mov only).")
    snapshot_time: float = Field(0, ge=0, description="Time of the still for png/jpg.")
    chunking: Literal["auto", "off"] = Field(
        "auto",
        description="`auto`: a long mp4, webm or mov render may be split into parts rendered "
        "side by side and joined without re-encoding; `off`: always rendered in one piece.",
    )
    elements: list[Element] = Field(default_factory=list, description="What to draw and play.")
    transitions: list[TransitionSpec] = Field(
        default_factory=list, description="Transitions between elements of this scene."
    )
    metadata: dict[str, str] | None = Field(None, description="Echoed in webhooks.")
    webhook_url: str | None = Field(
        None,
        min_length=1,
        max_length=2083,
        description="Per-request webhook (service).",
        json_schema_extra=URL_SCHEMA,
    )
    ingest_external: bool | None = Field(None, description="Copy outside files first.")
    tokens: TokensChoice | None = Field(
        None, description="Brand tokens substituted into the request before it is validated."
    )

    @property
    def canvas_size(self) -> tuple[int, int]:
        return (self.width or 1920, self.height or 1080)


CompositionElement.model_rebuild()
RenderSpec.model_rebuild()
