"""Every field of a layer's state, walked through every fast path (fast_paths.py): a field a
path does not list, set to anything but its rest value, turns that path off; a field it lists
draws the same pixels through the fast path as through the general one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from av.video.reformatter import VideoReformatter
from PIL import Image

from framelane.render import compositor, evaluate, planar, scene
from framelane.render.adjust import Adjustments
from framelane.render.effects import EffectInput
from framelane.render.evaluate import LayerState
from framelane.render.fast_paths import (
    DIRECT_SPRITE,
    FAST_PATHS,
    HANDOVER,
    INSET,
    PASSTHROUGH,
    PICTURE_REST,
    PLACEMENT_REST,
    SOURCE_OVER,
    STYLE_REST,
    WARPED,
    FastPath,
)
from framelane.render.lut import Lut3D
from framelane.render.motions import REST, MotionState
from framelane.render.placement import BoxStyle, Placement
from framelane.render.planar_sprites import DirectSprites
from framelane.render.scene import SceneRenderer
from framelane.render.timeline import EffectStep, Layer, Picture, Timeline
from framelane.render.transitions import UNCHANGED, LayerModifier
from tests.render.conftest import H, W, canvas, timeline_of, write_video
from tests.render.test_planar import gradient

RECORDS: dict[str, tuple[type, Any]] = {
    "motion": (MotionState, REST),
    "modifier": (LayerModifier, UNCHANGED),
    "placement": (Placement, PLACEMENT_REST),
    "style": (BoxStyle, STYLE_REST),
    "picture": (Picture, PICTURE_REST),
}
"""The records a fast path's allow-lists name, with the value each field rests at."""

SAMPLES: dict[str, dict[str, Any]] = {
    "motion": {
        "dx": 3.25,
        "dy": -2.5,
        "scale": 1.2,
        "rotation": 12.0,
        "opacity": 0.6,
        "reveal": (0.1, 0.0, 1.0, 0.8),
        "rotation_x": 20.0,
        "rotation_y": 15.0,
        "blend": "multiply",
        "blend_mix": 0.5,
        "blur": 1.5,
        "scatter": 0.4,
    },
    "modifier": {
        "opacity": 0.5,
        "canvas_clip": (0.0, 0.0, 0.6, 1.0),
        "tint": (255, 255, 255),
        "tint_amount": 0.4,
    },
    "placement": {
        "x": 1.5,
        "y": 2.0,
        "width": 2.0,
        "height": 2.0,
        "anchor_x": 0.25,
        "anchor_y": 0.75,
        "rotation_x": 20.0,
        "rotation_y": 20.0,
        "rotation_z": 30.0,
        "scale_x": 1.5,
        "scale_y": 0.75,
        "flip_horizontal": True,
        "flip_vertical": True,
        "opacity": 0.7,
        "blend_mode": "screen",
        "clip": True,
        "color_overlay": (255, 0, 0, 128),
    },
    "style": {
        "border_radius": 6.0,
        "border_color": (255, 255, 255, 255),
        "border_width": 3.0,
        "shadow_color": (0, 0, 0, 200),
        "shadow_blur": 20.0,
        "shadow_x": 4.0,
        "shadow_y": 3.0,
    },
    "picture": {
        "crop": (0.1, 0.0, 0.0, 0.1),
        "adjust": Adjustments(brightness=0.2),
        "lut": Lut3D(2, np.zeros((2, 2, 2, 3), np.float32)),
        "lut_intensity": 0.5,
        "effects": (EffectStep("sepia", EffectInput(1.0)),),
    },
}
"""A value other than the rest value for every field ("placement" geometry: added to the
layer's own). A field without one fails `test_every_field_has_a_sample`."""

LAYER_STATE_NOT_DRAWN = {"layer", "local_time", "source_time"}
"""LayerState fields that are not how a layer is drawn: which layer, and when."""
LAYER_NOT_DRAWN = {
    "key": "identity",
    "order": "identity",
    "kind": "its element type (each type has its source)",
    "element": "the spec its source draws from",
    "start": "timing",
    "end": "timing",
    "own_start": "timing",
    "own_end": "timing",
    "motions": "evaluated into the MotionState",
    "transitions": "evaluated into the LayerModifier",
    "source": "what its source reads",
    "media": "what its source reads (alpha is checked by the video paths)",
    "in_point": "timing",
    "speed": "timing",
    "text": "what the text source draws",
    "scene": "what the composition source draws",
}
"""Layer fields the sources turn into the picture (or into motion and modifier states), with
why the fast paths need not list them. The others are walked."""
LAYER_RECORDS = {"placement", "style", "picture"}


def walk() -> Iterator[tuple[FastPath, str, str]]:
    for path in FAST_PATHS:
        for record, (kind, _) in RECORDS.items():
            for field in dataclasses.fields(kind):
                yield path, record, field.name


def allowed(path: FastPath, record: str) -> frozenset[str]:
    lists: frozenset[str] = getattr(path, record)
    return lists


def test_every_field_has_a_sample() -> None:
    """A new field of a layer's state: give it a sample here, then list it in the paths that
    draw it the same (the others refuse it: the general path draws it)."""
    for record, (kind, rest) in RECORDS.items():
        names = {field.name for field in dataclasses.fields(kind)}
        assert names == set(SAMPLES[record]), record
        for name in names:
            assert SAMPLES[record][name] != getattr(rest, name), (record, name)


def test_the_state_of_a_layer_is_walked_whole() -> None:
    """LayerState and Layer fields are either walked (motion, modifier, placement, style,
    picture) or are not how the layer is drawn: a new one must be sorted into one or the
    other."""
    state_fields = {field.name for field in dataclasses.fields(LayerState)}
    assert state_fields == LAYER_STATE_NOT_DRAWN | {"motion", "modifier"}
    layer_fields = {field.name for field in dataclasses.fields(Layer)}
    assert layer_fields == set(LAYER_NOT_DRAWN) | LAYER_RECORDS


@pytest.fixture(scope="module")
def rest_layer(tmp_path_factory: pytest.TempPathFactory) -> Layer:
    base = tmp_path_factory.mktemp("rest")
    clip = write_video(base / "clip.mp4", seconds=0.1, bt709=True)
    timeline, _ = timeline_of(canvas([{"type": "video", "source_url": str(clip)}]), base)
    layer = timeline.layers[0]
    at_rest = dataclasses.replace(PLACEMENT_REST, width=64.0, height=36.0, x=10.0, y=8.0)
    return dataclasses.replace(layer, placement=at_rest, style=STYLE_REST, picture=PICTURE_REST)


def with_sample(layer: Layer, record: str, name: str) -> LayerState:
    motion, modifier = REST, UNCHANGED
    value = SAMPLES[record][name]
    if record == "motion":
        motion = dataclasses.replace(REST, **{name: value})
    elif record == "modifier":
        modifier = dataclasses.replace(UNCHANGED, **{name: value})
    else:
        layer = changed(layer, record, name)
    return LayerState(layer, Fraction(0), Fraction(0), motion, modifier)


def changed(layer: Layer, record: str, name: str) -> Layer:
    """`layer` with one placement, style or picture field set to its sample (geometry moved
    by it)."""
    current = getattr(layer, record)
    value = SAMPLES[record][name]
    if record == "placement" and name in ("x", "y", "width", "height"):
        value = getattr(current, name) + value
    return dataclasses.replace(layer, **{record: dataclasses.replace(current, **{name: value})})


def test_every_path_takes_a_layer_at_rest(rest_layer: Layer) -> None:
    state = LayerState(rest_layer, Fraction(0), Fraction(0), REST, UNCHANGED)
    for path in FAST_PATHS:
        assert path.accepts(state), path.name


@pytest.mark.parametrize(
    ("path", "record", "name"),
    [(p, r, n) for p, r, n in walk()],
    ids=[f"{p.name}-{r}.{n}" for p, r, n in walk()],
)
def test_a_field_a_path_does_not_list_turns_it_off(
    rest_layer: Layer, path: FastPath, record: str, name: str
) -> None:
    state = with_sample(rest_layer, record, name)
    assert path.accepts(state) == (name in allowed(path, record))


# Pixels: a small scene with a layer for every path (a full-canvas video at the bottom, a video
# inset, a turned picture, a picture with round corners), one field of one layer set to its
# sample, drawn with the fast paths and without them.

SUBJECT = {
    HANDOVER.name: "bottom",
    PASSTHROUGH.name: "bottom",
    SOURCE_OVER.name: "card",
    WARPED.name: "logo",
    DIRECT_SPRITE.name: "logo",
    INSET.name: "inset",
}
"""The layer of the scene each path draws."""
EXACT = {HANDOVER.name, WARPED.name, PASSTHROUGH.name}
"""Paths compared in BGRA, where they are exact. `passthrough` only moves a conversion from
the decode worker to the compositor: the frames it hands over and the BGRA drawn from them are
the same; the planar frame built around them is checked by the planar paths."""


@dataclasses.dataclass(frozen=True)
class Tolerance:
    max_difference: int
    mean: float
    """Over the whole frame, each plane."""


PLANAR_TOLERANCE = {
    SOURCE_OVER.name: Tolerance(16, 1.25),
    DIRECT_SPRITE.name: Tolerance(4, 0.25),
    INSET.name: Tolerance(32, 0.5),
}
"""Planar paths are compared with the same frame built in planes without them. `source_over`
off: the layer's region is converted to BGRA, drawn on and converted back, which rounds the
video under it through BGRA (~1 level on average, up to ~13 on chroma edges; measured 13 and
1.07 for a tint, whose region is the whole canvas). `direct_sprite` off: the layer recorded,
played back by skia and converted (measured within 3 levels). `inset` off: skia draws the
inset moved by a fraction of a pixel; each is within 1/16 of the edge's contrast of exact
arithmetic (test_planar_sprites.py), so up to twice that of each other at the inset's edges
(measured 24, 0.28 on average)."""
SWITCHED_OFF: dict[str, tuple[Any, str, Any]] = {
    SOURCE_OVER.name: (scene, "draws_source_over", lambda state: False),
    DIRECT_SPRITE.name: (DirectSprites, "transformed", lambda self, *args: None),
    INSET.name: (DirectSprites, "inset", lambda self, *args: None),
}
"""How each planar path is switched off (its layer then takes the general path in planes)."""


@pytest.fixture(scope="module")
def scene_spec(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    base = tmp_path_factory.mktemp("scene")
    bottom = write_video(base / "bottom.mp4", seconds=0.2, frame=gradient, bt709=True)
    inner = write_video(
        base / "inset.mp4", seconds=0.2, frame=lambda n: gradient(n)[::-1, ::-1], bt709=True
    )
    ys, xs = np.mgrid[0:20, 0:40]
    logo = np.dstack([60 + xs * 4, 200 - ys * 6, 120 + 0 * xs, 150 + ys * 4]).astype(np.uint8)
    logo_path = base / "logo.png"
    Image.fromarray(logo, "RGBA").save(logo_path)
    elements = [
        {
            "type": "image",
            "id": "logo",
            "source_url": str(logo_path),
            "width": 40,
            "height": 20,
            "x": 110,
            "y": 30,
            "z_rotation": 20,
            "duration": 0.2,
            "z_index": 2,
        },
        {
            "type": "video",
            "id": "inset",
            "source_url": str(inner),
            "width": 64,
            "height": 36,
            "x": 40,
            "y": 50,
            "z_index": 1,
        },
        {
            "type": "image",
            "id": "card",
            "source_url": str(logo_path),
            "width": 30,
            "height": 24,
            "x": 120,
            "y": 70,
            "border_radius": 5,
            "duration": 0.2,
            "z_index": 2,
        },
        {"type": "video", "id": "bottom", "source_url": str(bottom)},
    ]
    return canvas(elements, duration=0.2), base


def sampled_timeline(
    spec: tuple[dict[str, Any], Path], subject: str, record: str | None, name: str | None
) -> tuple[Timeline, Any]:
    timeline, fonts = timeline_of(*spec)
    if record in LAYER_RECORDS and name is not None:
        layers = tuple(
            changed(layer, record, name) if layer.element.id == subject else layer
            for layer in timeline.layers
        )
        timeline = dataclasses.replace(timeline, layers=layers)
    return timeline, fonts


STATE_OF = {"motion": ("motion_state", REST), "modifier": ("transition_modifier", UNCHANGED)}
"""Where the evaluator makes each per-frame record, and its rest value."""


def sampled_states(
    monkeypatch: pytest.MonkeyPatch, subject: str, record: str | None, name: str | None
) -> None:
    """The subject's motion or transition state replaced by the sample on every frame."""
    if record not in STATE_OF or name is None:
        return
    function, rest = STATE_OF[record]
    original = getattr(evaluate, function)
    sample = dataclasses.replace(rest, **{name: SAMPLES[record][name]})

    def sampled(layer: Layer, *args: Any) -> Any:
        return sample if layer.element.id == subject else original(layer, *args)

    monkeypatch.setattr(evaluate, function, sampled)


FRAME = 2


def general_bgra(timeline: Timeline, fonts: Any, monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    """The frame drawn by skia alone: no handover, no warp, no planes."""
    with monkeypatch.context() as patch:
        patch.setattr(compositor, "only_transformed", lambda state: False)
        renderer = SceneRenderer(timeline, fonts, timeline.background)
        try:
            return renderer.render(FRAME).copy()
        finally:
            renderer.close()


def fast_bgra(timeline: Timeline, fonts: Any, planar: bool = False) -> tuple[np.ndarray, bool]:
    """`planar`: video sources set up for planes (passthrough frames), drawn in BGRA."""
    renderer = SceneRenderer(timeline, fonts, timeline.background, planar=planar)
    try:
        pixels, frame = renderer.render_handover(FRAME)
        return pixels.copy(), frame is not None
    finally:
        renderer.close()


def fast_planes(timeline: Timeline, fonts: Any) -> list[np.ndarray]:
    renderer = SceneRenderer(timeline, fonts, timeline.background, planar=True)
    try:
        frame = av.VideoFrame(W, H, "yuv420p")
        if not renderer.render_planar(FRAME, frame):
            frame = as_planes(renderer.render_handover(FRAME)[0])
        return [plane.copy() for plane in planar.planes(frame)]
    finally:
        renderer.close()


def as_planes(bgra: np.ndarray) -> av.VideoFrame:
    source = av.VideoFrame.from_numpy_buffer(np.ascontiguousarray(bgra), format="bgra")
    return planar.to_planar(VideoReformatter(), source, (W, H))


def assert_same_planes(got: list[np.ndarray], want: list[np.ndarray], tolerance: Tolerance) -> None:
    for ours, theirs in zip(got, want, strict=True):
        difference = np.abs(ours.astype(int) - theirs.astype(int))
        assert difference.max() <= tolerance.max_difference
        assert difference.mean() <= tolerance.mean


def engaged(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times each path drew something (a refusal does not count)."""
    counts = dict.fromkeys(SUBJECT, 0)

    def counting(owner: Any, attribute: str, path: str, took: Callable[[Any], bool]) -> None:
        original = getattr(owner, attribute)

        def counted(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            counts[path] += took(result)
            return result

        monkeypatch.setattr(owner, attribute, counted)

    counting(SceneRenderer, "render_handover", HANDOVER.name, lambda r: r[1] is not None)
    counting(SceneRenderer, "_passthrough_bottom", PASSTHROUGH.name, lambda r: r is not None)
    counting(compositor, "only_transformed", WARPED.name, bool)
    counting(scene, "draws_source_over", SOURCE_OVER.name, bool)
    counting(DirectSprites, "transformed", DIRECT_SPRITE.name, lambda r: r is not None)
    counting(DirectSprites, "inset", INSET.name, lambda r: r is not None)
    return counts


def test_the_scene_takes_every_path(
    monkeypatch: pytest.MonkeyPatch, scene_spec: tuple[dict[str, Any], Path]
) -> None:
    """Without a sample, every fast path draws its layer (so the comparisons below compare)."""
    counts = engaged(monkeypatch)
    timeline, fonts = sampled_timeline(scene_spec, "", None, None)
    fast_bgra(timeline, fonts)
    fast_planes(timeline, fonts)
    assert all(counts.values()), counts


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "record", "name"),
    [(p, r, n) for p, r, n in walk() if n in allowed(p, r)],
    ids=[f"{p.name}-{r}.{n}" for p, r, n in walk() if n in allowed(p, r)],
)
def test_a_field_a_path_lists_draws_the_same_pixels_through_it(
    monkeypatch: pytest.MonkeyPatch,
    scene_spec: tuple[dict[str, Any], Path],
    path: FastPath,
    record: str,
    name: str,
) -> None:
    subject = SUBJECT[path.name]
    timeline, fonts = sampled_timeline(scene_spec, subject, record, name)
    sampled_states(monkeypatch, subject, record, name)
    if path.name in EXACT:
        general = general_bgra(timeline, fonts, monkeypatch)
        with monkeypatch.context() as patch:
            patch.setattr(scene, "may_be_inset", lambda layer: False)  # insets scale in planes
            fast, _ = fast_bgra(timeline, fonts, planar=path is PASSTHROUGH)
        np.testing.assert_array_equal(fast, general)
        return
    fast_frame = fast_planes(timeline, fonts)
    with monkeypatch.context() as patch:
        patch.setattr(*SWITCHED_OFF[path.name])
        general_frame = fast_planes(timeline, fonts)
    assert_same_planes(fast_frame, general_frame, PLANAR_TOLERANCE[path.name])
