"""`build_timeline`: spec → `Timeline` (sources resolved and probed, sizes in pixels).

What each element type adds to its layer comes from its entry in `elements.ELEMENT_TYPES`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from functools import partial
from typing import Any, cast

from framelane.render.elements import (
    ELEMENT_TYPES,
    BuildContext,
    ElementType,
    LayerRequest,
    SceneRequest,
    check_image,
)
from framelane.render.invariants import scene_warnings
from framelane.render.placement import box_size, box_style, placement
from framelane.render.sources.resolve import WorkspaceFonts
from framelane.render.spans import close_open_loops, follow_transitions, scene_end
from framelane.render.spec.models import RenderSpec, TransitionSpec, VisualElement
from framelane.render.spec.units import rgba
from framelane.render.timeline import (
    AudioClip,
    Layer,
    Timeline,
    TransitionRole,
    empty_timeline_error,
    seconds,
)
from framelane.render.transitions import TRANSITIONS

__all__ = ["BuildContext", "build_timeline"]


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
    request = SceneRequest(
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
    return _scene(ctx, request)


def _scene(ctx: BuildContext, request: SceneRequest) -> Timeline:
    layers: list[Layer] = []
    audio: list[AudioClip] = []
    for index, element in enumerate(request.elements):
        if not element.visible:
            continue
        kind = ELEMENT_TYPES[element.type]
        layer = None
        if kind.layer is not None:
            layer = _layer(ctx, kind, element, f"{request.prefix}{index}", index, request)
            layers.append(layer)
        if kind.sound is not None:
            audio += kind.sound(ctx, element, layer)
    duration = request.duration
    total = duration if duration is not None else scene_end(layers, audio)
    if total <= 0:
        raise empty_timeline_error()
    layers, audio = close_open_loops(layers, audio, total)
    for warning in scene_warnings(request.elements, layers, total, request.prefix):
        ctx.warn(warning)
    layers = _apply_transitions(layers, request.transitions, request.elements, request.prefix)
    audio = follow_transitions(audio, layers)
    layers.sort(key=lambda layer: (layer.element.z_index, -layer.order))
    return Timeline(
        width=request.size[0],
        height=request.size[1],
        fps=request.fps,
        duration=total,
        background=request.background,
        background_image=request.background_image,
        layers=tuple(layers),
        audio=tuple(clip for clip in audio if clip.start < total),
        warnings=tuple(ctx.warnings) if request.depth == 0 else (),
    )


def _layer(
    ctx: BuildContext,
    kind: ElementType,
    element: VisualElement,
    key: str,
    index: int,
    scene: SceneRequest,
) -> Layer:
    assert kind.layer is not None
    size = box_size(element, scene.size)
    start = seconds(element.time)
    request = LayerRequest(
        key=key,
        canvas=scene.size,
        size=size,
        fps=scene.fps,
        start=start,
        depth=scene.depth,
        nested=partial(_scene, ctx),
    )
    parts = kind.layer(ctx, element, request)
    size = parts.size or size
    return Layer(
        key=key,
        order=index,
        kind=element.type,
        element=element,
        start=start,
        end=parts.end,
        own_start=start,
        own_end=parts.end,
        placement=placement(element, scene.size, size),
        style=box_style(element, scene.size, size),
        motions=tuple(element.motion),
        **parts.fields,
    )


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
                TransitionRole(name, window_start, span, "from", to_key, spec.audio),
            ),
        )
        by_key[to_key] = replace(
            incoming.with_window(window_start, incoming.end),
            transitions=(
                *incoming.transitions,
                TransitionRole(name, window_start, span, "to", from_key, spec.audio),
            ),
        )
    return [by_key[layer.key] for layer in layers]
