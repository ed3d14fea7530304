"""Element types: one entry per `type` of the spec, with all the engine knows of it.

An `ElementType` names its spec model (validated by the spec, listed by the catalog), the
fields its layer gets when the timeline is built (`layer`: None for an element that draws
nothing), the sound it plays (`sound`), and the source that turns its layer into pixels
frame by frame (`source`). `build.py` and `scene.py` look the type up by name; nothing else
branches on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from framelane.core.errors import LimitExceeded
from framelane.media.image import image_size
from framelane.render.adjust import Adjustments
from framelane.render.effects import EffectInput
from framelane.render.errors import CodecUnsupported, FontNotFound, SourceError
from framelane.render.fonts import FontLibrary
from framelane.render.limits import RenderLimits
from framelane.render.lut import load_cube
from framelane.render.placement import text_look
from framelane.render.schema_fields import model_fields
from framelane.render.sources.composition import CompositionSource, NestedScene
from framelane.render.sources.layers import (
    DecodePolicy,
    ImageSource,
    LayerSource,
    TextSource,
    VideoSource,
)
from framelane.render.sources.probe import MediaInfo, probe
from framelane.render.sources.resolve import SourceResolver
from framelane.render.sources.text import measure
from framelane.render.spans import media_span
from framelane.render.spec.models import (
    AudioElement,
    CompositionElement,
    ImageElement,
    TextElement,
    TransitionSpec,
    VideoElement,
)
from framelane.render.spec.units import Rgba, rgba
from framelane.render.timeline import AudioClip, EffectStep, Layer, Picture, Timeline, seconds


@dataclass
class BuildContext:
    resolver: SourceResolver
    limits: RenderLimits
    fonts: FontLibrary
    warnings: list[dict[str, str]] = field(default_factory=list)
    probes: dict[Path, MediaInfo] = field(default_factory=dict)

    def media(self, url: str, kind: str) -> tuple[Path, MediaInfo]:
        path = self.resolver.resolve(url, kind)
        if path not in self.probes:
            self.probes[path] = probe(path, self.limits)
        return path, self.probes[path]

    def warn(self, warning: dict[str, str]) -> None:
        if warning not in self.warnings:
            self.warnings.append(warning)


@dataclass(frozen=True, slots=True)
class SceneRequest:
    """A scene to build: the top-level render, or a composition's own."""

    size: tuple[int, int]
    fps: Fraction
    duration: Fraction | None
    background: Rgba | None
    background_image: Path | None
    elements: Sequence[Any]
    transitions: Sequence[TransitionSpec]
    prefix: str
    """Prepended to the layers' keys (a nested scene's keys start with its own)."""
    depth: int


@dataclass(frozen=True, slots=True)
class LayerRequest:
    """What a layer builder is given besides its element."""

    key: str
    canvas: tuple[int, int]
    size: tuple[float, float]
    """The element's box, in pixels."""
    fps: Fraction
    start: Fraction
    depth: int
    nested: Callable[[SceneRequest], Timeline]
    """Builds a scene inside this one (a composition's)."""


@dataclass(frozen=True, slots=True)
class LayerParts:
    """The fields of a `Layer` its element type fills in."""

    fields: dict[str, Any]
    end: Fraction
    """Where the element's own content ends on its parent's timeline."""
    size: tuple[float, float] | None = None
    """The box, when the content sets it (a text measured)."""


@dataclass(frozen=True, slots=True)
class SourceContext:
    """What a source is built with (by the scene that draws the layer)."""

    fonts: FontLibrary
    decode: DecodePolicy
    """How a video is to be decoded (ahead on a thread, passed through, scaled as an inset)."""
    nested: Callable[[Timeline], NestedScene]
    """Renders a timeline inside this scene (a composition's)."""


LayerBuilder = Callable[[BuildContext, Any, LayerRequest], LayerParts]
SoundBuilder = Callable[[BuildContext, Any, Layer | None], list[AudioClip]]
SourceFactory = Callable[[Layer, SourceContext], LayerSource]


@dataclass(frozen=True)
class ElementType:
    name: str
    model: type[BaseModel]
    layer: LayerBuilder | None
    """The type's layer fields (None: the element draws nothing)."""
    sound: SoundBuilder | None
    """The sound the element plays (None: it is silent)."""
    source: SourceFactory | None
    """Its layer's pixels, frame by frame (None exactly when `layer` is)."""
    supported: bool = True

    def catalog_entry(self) -> dict[str, Any]:
        return {"name": self.name, "supported": self.supported, "fields": model_fields(self.model)}

    def open_source(self, layer: Layer, context: SourceContext) -> LayerSource:
        assert self.source is not None, f"{self.name} elements draw nothing"
        return self.source(layer, context)


def check_image(path: Path, limits: RenderLimits) -> tuple[int, int]:
    """Read only the header; refuse decompression bombs before decoding."""
    width, height = image_size(path)
    if width * height > limits.max_image_pixels:
        raise LimitExceeded(
            f"image {path.name} is {width}x{height}, over {limits.max_image_pixels} pixels: use "
            f"an image {(width * height / limits.max_image_pixels) ** 0.5:.2f} times smaller "
            "on each side",
            details=[
                {
                    "limit": "max_image_pixels",
                    "value": width * height,
                    "maximum": limits.max_image_pixels,
                }
            ],
        )
    return width, height


def _picture(ctx: BuildContext, element: VideoElement | ImageElement) -> Picture:
    lut = load_cube(ctx.resolver.resolve(element.lut_url, "lut")) if element.lut_url else None
    adjust = Adjustments(
        brightness=element.brightness,
        contrast=element.contrast,
        saturation=element.saturation,
        exposure=element.exposure,
        sharpness=element.sharpness,
        blur=element.blur,
        noise=element.noise,
        vignette=element.vignette,
        hue_rotate=element.hue_rotate,
    )
    effects = tuple(
        EffectStep(e.type, EffectInput(e.intensity / 100.0, _settings(e.chroma_settings)))
        for e in element.effects
    )
    crop = (element.crop_left, element.crop_top, element.crop_right, element.crop_bottom)
    return Picture(crop, adjust, lut, element.lut_intensity / 100.0, effects)


def _settings(chroma: Any) -> dict[str, float]:
    if chroma is None:
        return {}
    return {k: float(v) for k, v in chroma.model_dump().items() if v is not None}


# Video


def _video_layer(ctx: BuildContext, element: VideoElement, request: LayerRequest) -> LayerParts:
    path, media = ctx.media(element.source_url, "video")
    if not media.has_video:
        raise CodecUnsupported(f"{element.source_url} has no video stream")
    in_point = seconds(element.in_point)
    out_point = seconds(element.out_point) if element.out_point else media.duration
    out_point = min(out_point, media.duration) if media.duration > 0 else out_point
    speed = seconds(element.speed)
    span = media_span(element, request.start, in_point, out_point, speed)
    fields = {"source": path, "media": media, "in_point": in_point, "speed": speed}
    fields.update(picture=_picture(ctx, element), loop=span.loop, open_ended=span.open_ended)
    return LayerParts(fields, span.end)


def _video_sound(ctx: BuildContext, element: VideoElement, layer: Layer | None) -> list[AudioClip]:
    """The video's own sound, cut where its picture ends."""
    assert layer is not None
    if element.volume > 0 and layer.media is not None and layer.media.has_audio:
        clip = _audio_clip(ctx, element)
        return [replace(clip, end=layer.own_end, loop=layer.loop, layer=layer.key)]
    return []


def _video_source(layer: Layer, context: SourceContext) -> LayerSource:
    return VideoSource(layer, context.decode)


# Image


def _image_layer(ctx: BuildContext, element: ImageElement, request: LayerRequest) -> LayerParts:
    path = ctx.resolver.resolve(element.source_url, "image")
    check_image(path, ctx.limits)
    fields = {"source": path, "picture": _picture(ctx, element)}
    return LayerParts(fields, request.start + seconds(element.duration))


def _image_source(layer: Layer, context: SourceContext) -> LayerSource:
    return ImageSource(layer, context.fonts)


# Text


def _font_family(ctx: BuildContext, name: str) -> str:
    if name.startswith(("http://", "https://", "file://")) or name.lower().endswith(
        (".ttf", ".otf")
    ):
        try:
            path = ctx.resolver.resolve(name, "font")
        except SourceError as error:
            raise FontNotFound(f"cannot fetch font {name}: {error.message}") from error
        return ctx.fonts.load_url_font(path, name)
    choice = ctx.fonts.choose(name)
    if choice.substituted_from is not None:
        ctx.warn(
            {
                "code": "font_substituted",
                "message": f"font family {name!r} is not available; used {choice.family!r}",
            }
        )
    return choice.family


def _check_glyph_motions(ctx: BuildContext, element: TextElement) -> None:
    if not any(motion.scope == "character" for motion in element.motion):
        return
    glyphs = sum(not char.isspace() for char in element.text)
    if glyphs > ctx.limits.max_glyph_motions:
        raise LimitExceeded(
            f"text element {element.id!r} has {glyphs} characters under a per-character "
            f"motion; at most {ctx.limits.max_glyph_motions} move one by one: shorten the text by "
            f'{glyphs - ctx.limits.max_glyph_motions} characters or use scope "element"',
            details=[
                {
                    "limit": "max_glyph_motions",
                    "value": glyphs,
                    "maximum": ctx.limits.max_glyph_motions,
                }
            ],
        )


def _text_layer(ctx: BuildContext, element: TextElement, request: LayerRequest) -> LayerParts:
    _check_glyph_motions(ctx, element)
    look = text_look(element, _font_family(ctx, element.font_family), request.canvas)
    size = measure(look, ctx.fonts)
    if size[0] * size[1] > ctx.limits.max_image_pixels:
        raise LimitExceeded(
            f"text element {element.id or element.text[:20]!r} would be "
            f"{size[0]:.0f}x{size[1]:.0f} pixels, over {ctx.limits.max_image_pixels}: reduce its "
            f"font_size (or its text) about "
            f"{(size[0] * size[1] / ctx.limits.max_image_pixels) ** 0.5:.2f} times",
            details=[
                {
                    "limit": "max_image_pixels",
                    "value": size[0] * size[1],
                    "maximum": ctx.limits.max_image_pixels,
                }
            ],
        )
    fields = {"text": replace(look, width=size[0], height=size[1])}
    return LayerParts(fields, request.start + seconds(element.duration), size)


def _text_source(layer: Layer, context: SourceContext) -> LayerSource:
    return TextSource(layer, context.fonts)


# Composition


def _composition_layer(
    ctx: BuildContext, element: CompositionElement, request: LayerRequest
) -> LayerParts:
    size = request.size
    if request.depth + 1 > ctx.limits.max_nesting:
        raise LimitExceeded(
            f"compositions nested deeper than {ctx.limits.max_nesting}: move the innermost "
            "compositions' elements up a level"
        )
    if size[0] > ctx.limits.max_width or size[1] > ctx.limits.max_height:
        raise LimitExceeded(
            f"composition {element.id!r} is {size[0]:.0f}x{size[1]:.0f} pixels: reduce its width "
            f"and height to at most {ctx.limits.max_width}x{ctx.limits.max_height}",
            details=[{"limit": "max_width/max_height", "value": [size[0], size[1]]}],
        )
    scene = request.nested(
        SceneRequest(
            size=(max(1, round(size[0])), max(1, round(size[1]))),
            fps=request.fps,
            duration=seconds(element.duration) if element.duration else None,
            background=rgba(element.background_color) if element.background_color else None,
            background_image=None,
            elements=element.elements,
            transitions=element.transitions,
            prefix=f"{request.key}.",
            depth=request.depth + 1,
        )
    )
    return LayerParts({"scene": scene}, request.start + scene.duration)


def _composition_sound(
    ctx: BuildContext, element: CompositionElement, layer: Layer | None
) -> list[AudioClip]:
    """The sound inside the composition, shifted to its start and cut at its end."""
    assert layer is not None and layer.scene is not None
    shifted = []
    for clip in layer.scene.audio:
        moved = replace(clip, start=clip.start + layer.own_start, end=clip.end + layer.own_start)
        shifted.append(replace(moved, end=min(moved.end, layer.own_end)))
    return shifted


def _composition_source(layer: Layer, context: SourceContext) -> LayerSource:
    assert layer.scene is not None
    return CompositionSource(layer, context.nested(layer.scene))


# Audio


def _audio_clip(ctx: BuildContext, element: AudioElement | VideoElement) -> AudioClip:
    path, media = ctx.media(element.source_url, "audio")
    if not media.has_audio:
        raise CodecUnsupported(f"{element.source_url} has no audio stream")
    in_point = seconds(element.in_point)
    out_point = seconds(element.out_point) if element.out_point else media.duration
    speed = seconds(element.speed)
    start = seconds(element.time)
    span = media_span(element, start, in_point, out_point, speed)
    return AudioClip(
        source=path,
        start=start,
        end=span.end,
        in_point=in_point,
        speed=speed,
        volume=element.volume / 100.0,
        fade_in=element.fade_in_duration,
        fade_out=element.fade_out_duration,
        loop=span.loop,
        open_ended=span.open_ended,
    )


def _audio_sound(ctx: BuildContext, element: AudioElement, layer: Layer | None) -> list[AudioClip]:
    return [_audio_clip(ctx, element)]


ELEMENT_TYPES: dict[str, ElementType] = {
    entry.name: entry
    for entry in (
        ElementType("video", VideoElement, _video_layer, _video_sound, _video_source),
        ElementType("image", ImageElement, _image_layer, None, _image_source),
        ElementType("text", TextElement, _text_layer, None, _text_source),
        ElementType("audio", AudioElement, None, _audio_sound, None),
        ElementType(
            "composition",
            CompositionElement,
            _composition_layer,
            _composition_sound,
            _composition_source,
        ),
    )
}
"""Every element type, in catalog order."""
