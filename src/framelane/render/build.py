"""`build_timeline`: spec → `Timeline` (sources resolved and probed, sizes in pixels)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

from PIL import Image

from framelane.core.errors import LimitExceeded
from framelane.render.adjust import Adjustments
from framelane.render.effects import EffectInput
from framelane.render.errors import CodecUnsupported, FontNotFound, SourceError
from framelane.render.fonts import FontLibrary
from framelane.render.invariants import scene_warnings
from framelane.render.limits import RenderLimits
from framelane.render.lut import load_cube
from framelane.render.placement import box_size, box_style, placement, text_look
from framelane.render.sources.probe import MediaInfo, probe
from framelane.render.sources.resolve import SourceResolver, WorkspaceFonts
from framelane.render.sources.text import measure
from framelane.render.spec.models import (
    AudioElement,
    CompositionElement,
    ImageElement,
    RenderSpec,
    TextElement,
    TransitionSpec,
    VideoElement,
    VisualElement,
)
from framelane.render.spec.units import rgba
from framelane.render.timeline import (
    AudioClip,
    EffectStep,
    Layer,
    Picture,
    Timeline,
    TransitionRole,
    empty_timeline_error,
    seconds,
)
from framelane.render.transitions import TRANSITIONS


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


def _register_workspace_fonts(ctx: BuildContext) -> None:
    listing = getattr(ctx.resolver, "workspace_fonts", None)
    if listing is None:
        return
    for path in cast(WorkspaceFonts, ctx.resolver).workspace_fonts():
        ctx.fonts.load_url_font(path, path.name)


def build_timeline(spec: RenderSpec, ctx: BuildContext) -> Timeline:
    _register_workspace_fonts(ctx)
    width, height = spec.canvas_size
    background = (
        ctx.resolver.resolve(spec.background_image_url, "image")
        if (spec.background_image_url)
        else None
    )
    if background is not None:
        check_image(background, ctx.limits)
    return _scene(
        ctx,
        size=(width, height),
        fps=Fraction(spec.frame_rate),
        duration=seconds(spec.duration) if spec.duration else None,
        background=rgba(spec.background_color) if spec.background_color else None,
        background_image=background,
        elements=spec.elements,
        transitions=spec.transitions,
        prefix="",
        depth=0,
    )


def _scene(
    ctx: BuildContext,
    *,
    size: tuple[int, int],
    fps: Fraction,
    duration: Fraction | None,
    background: tuple[int, int, int, int] | None,
    background_image: Path | None,
    elements: Sequence[Any],
    transitions: Sequence[TransitionSpec],
    prefix: str,
    depth: int,
) -> Timeline:
    layers: list[Layer] = []
    audio: list[AudioClip] = []
    for index, element in enumerate(elements):
        if not element.visible:
            continue
        key = f"{prefix}{index}"
        if isinstance(element, AudioElement):
            audio.append(_audio_clip(ctx, element))
            continue
        layer = _layer(ctx, element, key, index, size, fps, depth)
        layers.append(layer)
        audio += _layer_audio(ctx, element, layer)
    ends = [layer.own_end for layer in layers] + [clip.end for clip in audio]
    total = duration if duration is not None else max(ends, default=Fraction(0))
    if total <= 0:
        raise empty_timeline_error()
    for warning in scene_warnings(elements, layers, total, prefix):
        if warning not in ctx.warnings:
            ctx.warnings.append(warning)
    layers = _apply_transitions(layers, transitions, elements, prefix)
    layers.sort(key=lambda layer: (layer.element.z_index, -layer.order))
    return Timeline(
        width=size[0],
        height=size[1],
        fps=fps,
        duration=total,
        background=background,
        background_image=background_image,
        layers=tuple(layers),
        audio=tuple(clip for clip in audio if clip.start < total),
        warnings=tuple(ctx.warnings) if depth == 0 else (),
    )


def _layer(
    ctx: BuildContext,
    element: VisualElement,
    key: str,
    index: int,
    canvas: tuple[int, int],
    fps: Fraction,
    depth: int,
) -> Layer:
    size = box_size(element, canvas)
    extra: dict[str, Any] = {}
    start = seconds(element.time)
    if isinstance(element, VideoElement):
        extra, own_end = _video_fields(ctx, element, start)
    elif isinstance(element, ImageElement):
        extra = _image_fields(ctx, element)
        own_end = start + seconds(element.duration)
    elif isinstance(element, TextElement):
        extra, size = _text_fields(ctx, element, canvas)
        own_end = start + seconds(element.duration)
    else:
        extra, own_end = _composition_fields(ctx, element, key, size, fps, start, depth)
    return Layer(
        key=key,
        order=index,
        kind=element.type,
        element=element,
        start=start,
        end=own_end,
        own_start=start,
        own_end=own_end,
        placement=placement(element, canvas, size),
        style=box_style(element, canvas, size),
        motions=tuple(element.motion),
        **extra,
    )


def check_image(path: Path, limits: RenderLimits) -> tuple[int, int]:
    """Read only the header; refuse decompression bombs before decoding."""
    try:
        with Image.open(path) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        width, height = _header_size(path)
    except OSError as error:
        raise CodecUnsupported(f"not a readable image: {path.name}") from error
    if width * height > limits.max_image_pixels:
        raise LimitExceeded(
            f"image {path.name} is {width}x{height}, over {limits.max_image_pixels} pixels",
            details=[
                {
                    "limit": "max_image_pixels",
                    "value": width * height,
                    "maximum": limits.max_image_pixels,
                }
            ],
        )
    return width, height


def _header_size(path: Path) -> tuple[int, int]:
    """Pillow refuses to even open a decompression bomb; read its size without the check."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(path) as image:
            return image.size
    finally:
        Image.MAX_IMAGE_PIXELS = previous


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


def _video_fields(
    ctx: BuildContext, element: VideoElement, start: Fraction
) -> tuple[dict[str, Any], Fraction]:
    path, media = ctx.media(element.source_url, "video")
    if not media.has_video:
        raise CodecUnsupported(f"{element.source_url} has no video stream")
    in_point = seconds(element.in_point)
    out_point = seconds(element.out_point) if element.out_point else media.duration
    out_point = min(out_point, media.duration) if media.duration > 0 else out_point
    speed = seconds(element.speed)
    length = max(out_point - in_point, Fraction(0))
    fields = {"source": path, "media": media, "in_point": in_point, "speed": speed}
    fields["picture"] = _picture(ctx, element)
    return fields, start + length / speed


def _image_fields(ctx: BuildContext, element: ImageElement) -> dict[str, Any]:
    path = ctx.resolver.resolve(element.source_url, "image")
    check_image(path, ctx.limits)
    return {"source": path, "picture": _picture(ctx, element)}


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
        warning = {
            "code": "font_substituted",
            "message": f"font family {name!r} is not available; used {choice.family!r}",
        }
        if warning not in ctx.warnings:
            ctx.warnings.append(warning)
    return choice.family


def _check_glyph_motions(ctx: BuildContext, element: TextElement) -> None:
    if not any(motion.scope == "character" for motion in element.motion):
        return
    glyphs = sum(not char.isspace() for char in element.text)
    if glyphs > ctx.limits.max_glyph_motions:
        raise LimitExceeded(
            f"text element {element.id!r} has {glyphs} characters under a per-character "
            f"motion; at most {ctx.limits.max_glyph_motions} move one by one",
            details=[
                {
                    "limit": "max_glyph_motions",
                    "value": glyphs,
                    "maximum": ctx.limits.max_glyph_motions,
                }
            ],
        )


def _text_fields(
    ctx: BuildContext, element: TextElement, canvas: tuple[int, int]
) -> tuple[dict[str, Any], tuple[float, float]]:
    _check_glyph_motions(ctx, element)
    look = text_look(element, _font_family(ctx, element.font_family), canvas)
    size = measure(look, ctx.fonts)
    if size[0] * size[1] > ctx.limits.max_image_pixels:
        raise LimitExceeded(
            f"text element {element.id or element.text[:20]!r} would be "
            f"{size[0]:.0f}x{size[1]:.0f} pixels",
            details=[
                {
                    "limit": "max_image_pixels",
                    "value": size[0] * size[1],
                    "maximum": ctx.limits.max_image_pixels,
                }
            ],
        )
    return {"text": replace(look, width=size[0], height=size[1])}, size


def _composition_fields(
    ctx: BuildContext,
    element: CompositionElement,
    key: str,
    size: tuple[float, float],
    fps: Fraction,
    start: Fraction,
    depth: int,
) -> tuple[dict[str, Any], Fraction]:
    if depth + 1 > ctx.limits.max_nesting:
        raise LimitExceeded(f"compositions nested deeper than {ctx.limits.max_nesting}")
    if size[0] > ctx.limits.max_width or size[1] > ctx.limits.max_height:
        raise LimitExceeded(
            f"composition {element.id!r} is {size[0]:.0f}x{size[1]:.0f} pixels",
            details=[{"limit": "max_width/max_height", "value": [size[0], size[1]]}],
        )
    scene = _scene(
        ctx,
        size=(max(1, round(size[0])), max(1, round(size[1]))),
        fps=fps,
        duration=seconds(element.duration) if element.duration else None,
        background=rgba(element.background_color) if element.background_color else None,
        background_image=None,
        elements=element.elements,
        transitions=element.transitions,
        prefix=f"{key}.",
        depth=depth + 1,
    )
    return {"scene": scene}, start + scene.duration


def _audio_clip(ctx: BuildContext, element: AudioElement | VideoElement) -> AudioClip:
    path, media = ctx.media(element.source_url, "audio")
    if not media.has_audio:
        raise CodecUnsupported(f"{element.source_url} has no audio stream")
    in_point = seconds(element.in_point)
    out_point = seconds(element.out_point) if element.out_point else media.duration
    speed = seconds(element.speed)
    start = seconds(element.time)
    return AudioClip(
        source=path,
        start=start,
        end=start + max(out_point - in_point, Fraction(0)) / speed,
        in_point=in_point,
        speed=speed,
        volume=element.volume / 100.0,
        fade_in=element.fade_in_duration,
        fade_out=element.fade_out_duration,
    )


def _layer_audio(ctx: BuildContext, element: VisualElement, layer: Layer) -> list[AudioClip]:
    """A video's own sound, or the sound inside a composition shifted to its start."""
    if isinstance(element, VideoElement):
        if element.volume > 0 and layer.media is not None and layer.media.has_audio:
            return [replace(_audio_clip(ctx, element), end=layer.own_end)]
        return []
    if layer.scene is None:
        return []
    shifted = []
    for clip in layer.scene.audio:
        moved = replace(clip, start=clip.start + layer.own_start, end=clip.end + layer.own_start)
        shifted.append(replace(moved, end=min(moved.end, layer.own_end)))
    return shifted


def _apply_transitions(
    layers: list[Layer],
    transitions: Sequence[TransitionSpec],
    elements: Sequence[Any],
    prefix: str,
) -> list[Layer]:
    """Centre each transition on the cut (the incoming element's start); the outgoing element
    is kept on screen until the window ends and the incoming one shows from its beginning."""
    by_id = {elements[layer.order].id: layer.key for layer in layers if elements[layer.order].id}
    by_key = {layer.key: layer for layer in layers}
    for spec in transitions:
        from_key, to_key = by_id.get(spec.from_id), by_id.get(spec.to_id)
        if from_key is None or to_key is None:
            continue  # the element is hidden (visible: false)
        outgoing, incoming = by_key[from_key], by_key[to_key]
        half = seconds(spec.duration) / 2
        cut = incoming.own_start
        window_start = max(Fraction(0), cut - half)
        name = TRANSITIONS.canonical(spec.type)
        span = cut + half - window_start
        by_key[from_key] = replace(
            outgoing.with_window(outgoing.start, cut + half),
            transitions=(
                *outgoing.transitions,
                TransitionRole(name, window_start, span, "from", to_key),
            ),
        )
        by_key[to_key] = replace(
            incoming.with_window(window_start, incoming.end),
            transitions=(
                *incoming.transitions,
                TransitionRole(name, window_start, span, "to", from_key),
            ),
        )
    return [by_key[layer.key] for layer in layers]
