"""Compositing straight into the bottom video's own 4:2:0 planes (planar.py): the frame the
encoder gets keeps the source's exact values where no layer draws, matches the BGRA composite
where layers draw, and every case the passthrough cannot serve falls back to BGRA.

Layers that blend normally are blended in the planes over the source's own values; the BGRA
composite first rounds the source through BGRA, which blurs sharp chroma edges. Comparisons
where layers draw therefore use a clip with smooth colour (`smooth`); the sharp checks
(`tagged`) show that nothing else is touched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import skia
from av.video.reformatter import Colorspace, VideoReformatter

from framelane.render import planar
from framelane.render.pipeline import render
from framelane.render.scene import SceneRenderer
from tests.render.conftest import (
    H,
    W,
    calls_to,
    canvas,
    decode_frames,
    timeline_of,
    write_png,
    write_video,
)

pytestmark = pytest.mark.slow


def checks(n: int) -> np.ndarray:
    """Sharp coloured checks (chroma edges show any conversion) that move every frame."""
    ys, xs = np.mgrid[0:H, 0:W]
    on = ((xs + 2 * n) // 8 + ys // 8) % 2 == 1
    rgb = np.zeros((H, W, 3), np.uint8)
    rgb[on] = (230, 40, 30)
    rgb[~on] = (30, 90, 220)
    return rgb


def gradient(n: int) -> np.ndarray:
    """Colour that changes smoothly across the frame, and a little every frame."""
    ys, xs = np.mgrid[0:H, 0:W]
    rgb = np.empty((H, W, 3), np.uint8)
    rgb[..., 0] = 40 + xs * 160 // W
    rgb[..., 1] = 200 - ys * 150 // H
    rgb[..., 2] = 90 + 4 * n
    return rgb


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    return write_video(tmp_path / "tagged.mp4", seconds=0.5, frame=checks, bt709=True)


@pytest.fixture
def smooth(tmp_path: Path) -> Path:
    return write_video(tmp_path / "smooth.mp4", seconds=0.5, frame=gradient, bt709=True)


def overlays(logo: Path) -> list[dict[str, Any]]:
    box = write_png(logo.with_name("box.png"), (32, 192, 64, 192), (40, 20))
    """Everything in the top-left 100×56 of the 160×90 canvas."""
    return [
        {
            "type": "image",
            "id": "logo",
            "source_url": str(logo),
            "duration": 0.5,
            "width": 30,
            "height": 16,
            "x": 30,
            "y": 20,
            "z_rotation": "10deg",
            "z_index": 3,
            "motion": [{"type": "blur", "time": 0, "duration": 0.5}],
        },
        {
            "type": "text",
            "id": "title",
            "text": "Hi",
            "font_size": 14,
            "x": 70,
            "y": 14,
            "duration": 0.5,
            "stroke_color": "#000000",
            "stroke_width": 2,
            "z_index": 2,
        },
        {
            "type": "image",
            "id": "box",
            "source_url": str(box),
            "width": 40,
            "height": 20,
            "x": 40,
            "y": 36,
            "border_radius": 4,
            "opacity": 80,
            "shadow_color": "#00000099",
            "shadow_blur": 6,
            "shadow_x": 2,
            "shadow_y": 2,
            "duration": 0.5,
            "z_index": 1,
        },
    ]


def spec(clip: Path, logo: Path, **bottom: Any) -> dict[str, Any]:
    elements = [
        *overlays(logo),
        {"type": "video", "id": "bottom", "source_url": str(clip), **bottom},
    ]
    return canvas(elements, duration=0.5)


def planar_frames(data: dict[str, Any], base: Path) -> list[av.VideoFrame | None]:
    timeline, fonts = timeline_of(data, base)
    scene = SceneRenderer(timeline, fonts, timeline.background, sequential=True, planar=True)
    out: list[av.VideoFrame | None] = []
    try:
        for index in range(timeline.frame_count):
            frame = av.VideoFrame(W, H, "yuv420p")
            out.append(frame if scene.render_planar(index, frame) else None)
            if out[-1] is None:
                scene.render_handover(index)  # the fallback takes the same decoded frame
    finally:
        scene.close()
    return out


def bgra_frames(data: dict[str, Any], base: Path) -> list[np.ndarray]:
    timeline, fonts = timeline_of(data, base)
    scene = SceneRenderer(timeline, fonts, timeline.background)
    try:
        return [scene.render(index).copy() for index in range(timeline.frame_count)]
    finally:
        scene.close()


def as_bgr(frame: av.VideoFrame) -> np.ndarray:
    converted = frame.reformat(
        format="bgra", src_colorspace=Colorspace.ITU709, interpolation="BILINEAR"
    )
    return converted.to_ndarray()[..., :3].astype(int)


def source_planes(clip: Path) -> list[tuple[np.ndarray, ...]]:
    with av.open(str(clip)) as container:
        return [tuple(p.copy() for p in planar.planes(f)) for f in container.decode(video=0)]


def drawing_shape(logo_path: Path) -> Path:
    return write_png(logo_path, (250, 200, 0, 220), (30, 16))


def test_layers_are_blended_over_the_source_values_as_exact_arithmetic_would(
    tmp_path: Path, smooth: Path
) -> None:
    logo = drawing_shape(tmp_path / "logo.png")
    data = spec(smooth, logo)
    drawn = assert_matches_exact_blend(
        canvas(overlays(logo), duration=0.5),
        tmp_path,
        planar_frames(data, tmp_path),
        source_planes(smooth),
    )
    for mask in drawn:
        assert mask[:56, :100].sum() > 300  # the layers really are there


def assert_matches_exact_blend(
    layers_only: dict[str, Any],
    base: Path,
    frames: list[av.VideoFrame | None],
    source: list[tuple[np.ndarray, ...]],
    max_difference: int = 3,
    mean: float = 0.75,
    fallbacks: bool = False,
) -> list[np.ndarray]:
    """Each planar frame is, to within rounding, the layers (drawn together, premultiplied)
    converted to BT.709 limited-range Y'CbCr in floating point, chroma and alpha averaged over
    2×2 blocks, blended over the source's own planes: sprite + source × (1 − alpha).
    Returns where the layers draw (luma pixels). `fallbacks`: frames drawn in BGRA (None)
    are allowed, and left out."""
    timeline, fonts = timeline_of(layers_only, base)
    scene = SceneRenderer(timeline, fonts, None)
    masks = []
    try:
        for index, (frame, planes_) in enumerate(zip(frames, source, strict=True)):
            if frame is None and fallbacks:
                continue
            assert frame is not None
            expected = exact_blend(scene.render(index).astype(float), planes_)
            alpha = scene.render(index)[..., 3] > 0
            chroma_alpha = alpha.reshape(H // 2, 2, W // 2, 2).any(axis=(1, 3))
            for got, wanted, mask in zip(
                planar.planes(frame), expected, (alpha, chroma_alpha, chroma_alpha), strict=True
            ):
                if fallbacks and not mask.any():
                    continue
                difference = np.abs(got - wanted)[mask]
                # Each overlapping layer rounds once. (The BGRA path measures 2–5 and 0.5–0.7
                # from the same exact values.)
                assert difference.max() <= max_difference
                assert difference.mean() <= mean
            masks.append(alpha)
    finally:
        scene.close()
    return masks


def exact_blend(bgra: np.ndarray, source: tuple[np.ndarray, ...]) -> list[np.ndarray]:
    b, g, r, a = (bgra[..., channel] for channel in range(4))
    alpha = a / 255
    luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
    y = 16 * alpha + 219 / 255 * luma
    u = 128 * alpha + 224 / 255 * (b - luma) / 1.8556
    v = 128 * alpha + 224 / 255 * (r - luma) / 1.5748

    def blocks(plane: np.ndarray) -> np.ndarray:
        return plane.reshape(H // 2, 2, W // 2, 2).mean(axis=(1, 3))

    chroma_alpha = blocks(alpha)
    return [
        y + (1 - alpha) * source[0],
        blocks(u) + (1 - chroma_alpha) * source[1],
        blocks(v) + (1 - chroma_alpha) * source[2],
    ]


def test_the_rest_keeps_the_source_values(tmp_path: Path, tagged: Path) -> None:
    data = spec(tagged, drawing_shape(tmp_path / "logo.png"))
    for frame, (y, u, v) in zip(planar_frames(data, tmp_path), source_planes(tagged), strict=True):
        assert frame is not None
        # Untouched (bottom-right, away from every layer): the decoded values, exactly.
        got_y, got_u, got_v = planar.planes(frame)
        assert np.array_equal(got_y[60:, 110:], y[60:, 110:])
        assert np.array_equal(got_u[30:, 55:], u[30:, 55:])
        assert np.array_equal(got_v[30:, 55:], v[30:, 55:])
        assert not np.array_equal(got_y[:56, :100], y[:56, :100])


@pytest.mark.parametrize("blend_mode", ["multiply", "screen"])
def test_layers_that_blend_with_what_is_under_them_are_drawn_as_in_bgra(
    tmp_path: Path, smooth: Path, blend_mode: str
) -> None:
    layers = [
        {**layer, "blend_mode": blend_mode} if layer["id"] != "title" else layer
        for layer in overlays(drawing_shape(tmp_path / "logo.png"))
    ]
    data = canvas(
        [*layers, {"type": "video", "id": "bottom", "source_url": str(smooth)}], duration=0.5
    )
    drawn = assert_matches_bgra(
        data, tmp_path, planar_frames(data, tmp_path), source_planes(smooth)
    )
    assert all(mask[:56, :100].sum() > 300 for mask in drawn)


def test_a_still_layer_is_converted_once_and_blended_every_frame(
    tmp_path: Path, smooth: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversions = calls_to(monkeypatch, planar, "_converted_444")
    title = {
        "type": "text",
        "id": "title",
        "text": "Hi",
        "font_size": 14,
        "x": 70,
        "y": 14,
        "duration": 0.5,
        "stroke_color": "#000000",
        "stroke_width": 2,
        "opacity": 70,
    }
    data = canvas([title, {"type": "video", "id": "v", "source_url": str(smooth)}], duration=0.5)
    frames = planar_frames(data, tmp_path)
    assert len(conversions) == 1
    assert_matches_exact_blend(
        canvas([title], duration=0.5), tmp_path, frames, source_planes(smooth)
    )


def assert_matches_bgra(
    data: dict[str, Any],
    base: Path,
    frames: list[av.VideoFrame | None],
    source: list[tuple[np.ndarray, ...]],
    mean: float = 0.5,
) -> list[np.ndarray]:
    """Where layers draw, each planar frame is the BGRA composite as the encoder would have
    converted it, within rounding. Returns the masks of where layers draw (luma pixels).

    `mean`: the mean difference allowed. Where layers blend over the source in the planes,
    the BGRA composite is the one off: it rounds the source through BGRA first, which
    measures 0.5–0.7 levels darker on average than exact arithmetic."""
    expected = bgra_frames(data, base)
    assert len(frames) == len(expected) == len(source)
    masks = []
    for frame, bgra, (y, _, _) in zip(frames, expected, source, strict=True):
        assert frame is not None
        want = planar.planes(planar.to_planar(VideoReformatter(), bgra_frame(bgra), (W, H)))
        drawn = np.abs(want[0].astype(int) - y) > 12
        chroma_drawn = drawn.reshape(H // 2, 2, W // 2, 2).any(axis=(1, 3))
        masks_per_plane = (drawn, chroma_drawn, chroma_drawn)
        for got, wanted, mask in zip(planar.planes(frame), want, masks_per_plane, strict=True):
            difference = np.abs(got.astype(int) - wanted)[mask]
            if difference.size:
                assert difference.max() <= 3
                assert difference.mean() <= mean
        masks.append(drawn)
    return masks


def bgra_frame(bgra: np.ndarray) -> av.VideoFrame:
    return av.VideoFrame.from_numpy_buffer(np.ascontiguousarray(bgra), format="bgra")


def _source_frame(y: np.ndarray, u: np.ndarray, v: np.ndarray) -> av.VideoFrame:
    frame = av.VideoFrame(W, H, "yuv420p")
    for dst, src in zip(planar.planes(frame), (y, u, v), strict=True):
        np.copyto(dst, src)
    return frame


@pytest.mark.parametrize(
    "bottom",
    [
        {"opacity": 50},
        {"x": "51%"},
        {"width": "90%", "height": "90%"},
        {"crop_left": 0.1},
        {"brightness": 20},
    ],
)
def test_a_bottom_video_that_is_not_the_picture_as_it_is_falls_back(
    tmp_path: Path, tagged: Path, bottom: dict[str, Any]
) -> None:
    """Nor can the background take its place: the video covers more than half the canvas."""
    data = spec(tagged, drawing_shape(tmp_path / "logo.png"), **bottom)
    assert not any(planar_frames(data, tmp_path))


def test_a_video_zooming_in_from_small_is_a_layer_over_the_background_until_it_is_large(
    tmp_path: Path, smooth: Path
) -> None:
    zoom = {"motion": [{"type": "zoom_in", "time": 0, "duration": 0.5}]}
    data = spec(smooth, drawing_shape(tmp_path / "logo.png"), **zoom)
    frames = planar_frames(data, tmp_path)
    used = [frame is not None for frame in frames]
    assert used[0] and not used[-1]
    assert used == sorted(used, reverse=True)  # planar while small, then BGRA for good
    expected = bgra_frames(data, tmp_path)
    for frame, bgra in zip(frames, expected, strict=True):
        if frame is not None:
            want = planar.to_planar(VideoReformatter(), bgra_frame(bgra), (W, H))
            for got, wanted in zip(planar.planes(frame), planar.planes(want), strict=True):
                # At layer edges swscale's chroma filter (whole frame) and the sprites' 2×2
                # average differ by a few levels. While the video is a few pixels wide, its
                # edges are most of it: skia covers them clamped to the edge texel, OpenCV
                # mixes in transparency (a handful of pixels then differ by up to ~10).
                difference = np.abs(got.astype(int) - wanted)
                assert difference.max() <= 12
                assert (difference > 6).sum() <= 4
                assert difference.mean() <= 0.5


def test_layers_over_a_background_colour_are_blended_into_its_planes(tmp_path: Path) -> None:
    logo = drawing_shape(tmp_path / "logo.png")
    data = {**canvas(overlays(logo), duration=0.5), "background_color": "#3060c0"}
    frames = planar_frames(data, tmp_path)
    assert all(frame is not None for frame in frames)
    background = planar.planes(
        planar.to_planar(
            VideoReformatter(),
            bgra_frame(np.broadcast_to(np.array([192, 96, 48, 255], np.uint8), (H, W, 4)).copy()),
            (W, H),
        )
    )
    layers_only = {**canvas(overlays(logo), duration=0.5), "background_color": "#00000000"}
    drawn = assert_matches_exact_blend(
        layers_only, tmp_path, frames, [tuple(background)] * len(frames)
    )
    for frame, mask in zip(frames, drawn, strict=True):
        assert frame is not None
        for got, flat in zip(planar.planes(frame), background, strict=True):
            assert np.array_equal(got[-20:, -40:], flat[-20:, -40:])  # away from the layers
        assert mask.sum() > 300


def test_a_still_full_canvas_picture_is_converted_once_it_has_stayed_still(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo element filling the canvas under a moving title: the first frame cannot know
    the photo will stay (BGRA); from the second on it is one sprite, blended each frame."""
    converted = calls_to(monkeypatch, planar, "_converted_444")
    photo = write_png(tmp_path / "photo.png", (200, 120, 40, 255), (32, 18))
    data = canvas(
        [
            {
                "type": "text",
                "id": "title",
                "text": "Hi",
                "font_size": 14,
                "x": 70,
                "y": 14,
                "duration": 0.5,
                "motion": [{"type": "slide_right", "time": 0, "duration": 0.5}],
            },
            {"type": "image", "id": "photo", "source_url": str(photo), "duration": 0.5},
        ],
        duration=0.5,
    )
    frames = planar_frames(data, tmp_path)
    assert frames[0] is None and all(frame is not None for frame in frames[1:])
    # The photo and the title, each converted once: the title is warped as it slides.
    areas = [pixels.shape[0] * pixels.shape[1] for _, pixels in converted]
    assert len(areas) == 2 and 32 * 18 in areas
    for frame, bgra in zip(frames[1:], bgra_frames(data, tmp_path)[1:], strict=True):
        assert frame is not None
        want = planar.to_planar(VideoReformatter(), bgra_frame(bgra), (W, H))
        for got, wanted in zip(planar.planes(frame), planar.planes(want), strict=True):
            difference = np.abs(got.astype(int) - wanted)
            assert difference.max() <= 6  # the title's edges, as above
            assert difference.mean() <= 0.3


def test_layers_too_large_for_the_background_path_are_not_recorded_every_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full-canvas picture zooming the whole time: refused on frames 0 and 1 (the second
    try is for still layers), then drawn in BGRA only, its layers not prepared for the planes
    first each frame."""
    prepared = calls_to(monkeypatch, SceneRenderer, "_planar_layer")
    photo = write_png(tmp_path / "photo.png", (200, 120, 40, 255), (32, 18))
    data = canvas(
        [
            {
                "type": "image",
                "id": "photo",
                "source_url": str(photo),
                "duration": 0.5,
                "motion": [{"type": "zoom_out", "time": 0, "duration": 0.5}],
            }
        ],
        duration=0.5,
    )
    frames = planar_frames(data, tmp_path)
    assert not any(frames) and len(frames) == 15
    assert len(prepared) == 2


def test_a_background_image_is_converted_once_and_layers_go_over_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from framelane.render import scene

    conversions = calls_to(monkeypatch, scene, "to_planar")
    picture = write_png(tmp_path / "backdrop.png", (20, 160, 90, 255), (32, 18))
    white = write_png(tmp_path / "white.png", (240, 240, 240, 255), (40, 30))
    box = {
        "type": "image",
        "id": "box",
        "source_url": str(white),
        "width": 40,
        "height": 30,
        "x": 30,
        "y": 25,
        "duration": 0.5,
    }
    data = {**canvas([box], duration=0.5), "background_image_url": str(picture)}
    frames = planar_frames(data, tmp_path)
    assert all(frame is not None for frame in frames) and len(conversions) == 1
    backdrop = bgra_frames(
        {**canvas([], duration=0.5), "background_image_url": str(picture)}, tmp_path
    )[0]
    under = planar.planes(planar.to_planar(VideoReformatter(), bgra_frame(backdrop), (W, H)))
    layers_only = {**canvas([box], duration=0.5), "background_color": "#00000000"}
    assert_matches_exact_blend(layers_only, tmp_path, frames, [tuple(under)] * len(frames))


@pytest.mark.parametrize("size", [(320, 180), (96, 54)])
def test_a_source_of_another_size_and_the_same_shape_is_scaled_in_its_own_planes(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """Larger (shrunk by area) or smaller (enlarged bilinearly): either way no BGRA frame;
    the result is the BGRA composite within resampling differences."""

    def large_gradient(n: int) -> np.ndarray:
        ys, xs = np.mgrid[0 : size[1], 0 : size[0]]
        rgb = np.empty((size[1], size[0], 3), np.uint8)
        rgb[..., 0] = 40 + xs * 160 // size[0]
        rgb[..., 1] = 200 - ys * 150 // size[1]
        rgb[..., 2] = 90 + 4 * n
        return rgb

    clip = write_video(
        tmp_path / "other-size.mp4", seconds=0.5, size=size, frame=large_gradient, bt709=True
    )
    data = spec(clip, drawing_shape(tmp_path / "logo.png"))
    frames = planar_frames(data, tmp_path)
    assert all(frame is not None for frame in frames)
    for frame, bgra in zip(frames, bgra_frames(data, tmp_path), strict=True):
        assert frame is not None
        want = planar.to_planar(VideoReformatter(), bgra_frame(bgra), (W, H))
        for got, wanted in zip(planar.planes(frame), planar.planes(want), strict=True):
            difference = np.abs(got.astype(int) - wanted)
            # swscale's and skia's resampling (and the BGRA round trip) differ by a level or
            # so on average.
            rows, columns = difference.shape
            assert difference[rows // 2 :, columns // 2 :].max() <= 3  # the video alone
            assert difference.mean() <= 1.5


def test_a_source_of_another_shape_or_zooming_is_not_scaled_to_the_canvas(
    tmp_path: Path,
) -> None:
    square = write_video(tmp_path / "square.mp4", seconds=0.5, size=(120, 90), bt709=True)
    assert not any(planar_frames(spec(square, drawing_shape(tmp_path / "logo.png")), tmp_path))
    large = write_video(tmp_path / "large.mp4", seconds=0.5, size=(320, 180), bt709=True)
    zoom = {"motion": [{"type": "zoom_out", "time": 0, "duration": 0.5}]}
    frames = planar_frames(spec(large, drawing_shape(tmp_path / "logo.png"), **zoom), tmp_path)
    assert frames[0] is not None  # at rest
    assert not any(frames[1:10])  # zoomed: drawn from the source, not from a scaled copy


def test_an_untagged_sd_source_is_bt601_and_falls_back(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "sd.mp4", seconds=0.5, frame=checks)
    assert not any(planar_frames(spec(clip, drawing_shape(tmp_path / "logo.png")), tmp_path))


def test_a_picture_blending_transition_falls_back_while_it_runs(
    tmp_path: Path, tagged: Path
) -> None:
    other = write_video(tmp_path / "other.mp4", seconds=0.5, bt709=True)
    used = [
        frame is not None for frame in planar_frames(transition("swirl", tagged, other), tmp_path)
    ]
    assert used[:12] == [True] * 12  # before the swirl (12 = round((0.5 - 0.1) × 30))
    assert not any(used[12:18])
    assert all(used[18:])


def test_a_cross_dissolve_is_drawn_in_planes(tmp_path: Path, smooth: Path) -> None:
    other = write_video(tmp_path / "other.mp4", seconds=0.5, bt709=True)
    data = transition("cross_dissolve", smooth, other)
    frames = planar_frames(data, tmp_path)
    assert all(frame is not None for frame in frames)
    source = source_planes(smooth) + source_planes(other)
    drawn = assert_matches_bgra(data, tmp_path, frames, source, mean=1.0)
    assert not any(mask.any() for mask in drawn[:12])  # only `a` yet
    assert drawn[16].mean() > 0.9  # `b` fading in over `a`


def transition(name: str, first: Path, second: Path) -> dict[str, Any]:
    return canvas(
        [
            {"type": "video", "id": "a", "source_url": str(first), "duration": 0.5},
            {"type": "video", "id": "b", "source_url": str(second), "time": 0.5, "duration": 0.5},
        ],
        duration=1,
        transitions=[{"type": name, "from_id": "a", "to_id": "b", "duration": 0.2}],
    )


def test_a_render_composites_in_planes_and_the_file_shows_it(
    tmp_path: Path, tagged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes: list[bool] = []
    original = SceneRenderer.render_planar

    def counting(self: SceneRenderer, index: int, into: av.VideoFrame) -> bool:
        outcomes.append(original(self, index, into))
        return outcomes[-1]

    monkeypatch.setattr(SceneRenderer, "render_planar", counting)
    white = write_png(tmp_path / "white.png", (240, 240, 240, 255), (40, 30))
    box = {
        "type": "image",
        "id": "box",
        "source_url": str(white),
        "width": 40,
        "height": 30,
        "x": 30,
        "y": 25,
        "duration": 0.5,
    }
    data = canvas([box, {"type": "video", "id": "v", "source_url": str(tagged)}], duration=0.5)
    result = render(data, tmp_path / "out.mp4")
    assert outcomes == [True] * 15
    frames = decode_frames(result.path)
    assert len(frames) == 15
    clip = decode_frames(tagged)
    errors = []
    for rgb, shown in zip(frames, clip, strict=True):
        assert np.abs(rgb[20:30, 20:40].astype(int) - 240).max() <= 4  # the box
        inner, original = rgb[50:90, 80:160].astype(int), shown[50:90, 80:160]
        errors.append(np.median(np.abs(inner - original)))
    # The clip away from the box: only x264's loss at crf 20 on sharp chroma checks (2–5
    # levels; through BGRA and back it was 6–9).
    assert max(errors) <= 6
    assert np.mean(errors) <= 4
    with av.open(str(result.path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.colorspace == 1  # still tagged BT.709


def test_gif_and_alpha_outputs_never_ask_for_planes(
    tmp_path: Path, tagged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any) -> bool:
        raise AssertionError("planar compositing for an output that is not yuv420p")

    monkeypatch.setattr(SceneRenderer, "render_planar", refuse)
    data = canvas([{"type": "video", "id": "v", "source_url": str(tagged)}], duration=0.2)
    render({**data, "output_format": "gif"}, tmp_path / "out.gif")
    render({**data, "output_format": "webm", "alpha": True}, tmp_path / "out.webm")


def recorded(*rects: tuple[float, float, float, float]) -> list[skia.Picture]:
    pictures = []
    for rect in rects:
        recorder = skia.PictureRecorder()
        bbh = skia.RTreeFactory()()
        c = recorder.beginRecording(skia.Rect.MakeWH(W, H), bbh)
        if rect != (0, 0, 0, 0):
            c.drawRect(skia.Rect.MakeLTRB(*rect), skia.Paint(Color=skia.ColorRED))
        pictures.append(recorder.finishRecordingAsPicture())
    return pictures


def test_regions_merge_overlapping_layers_in_paint_order_and_stay_in_whole_chroma_samples() -> None:
    pictures = recorded(
        (10, 10, 20, 20), (0, 0, 0, 0), (100, 50, 120, 60), (15.5, 15, 31, 25), (150, 80, 170, 100)
    )
    found = planar.regions([planar.drawn_box(p, (W, H)) for p in pictures])
    assert [region.layers for region in found] == [[2], [0, 3], [4]]
    assert found[1].box == (8, 8, 32, 26)
    assert found[2].box == (148, 78, 160, 90)  # clipped to the canvas
    for region in found:
        assert all(edge % 2 == 0 for edge in region.box)


def test_a_layer_inside_another_regions_bounding_box_but_clear_of_its_parts_stays_apart() -> None:
    """An L of two overlapping layers and a third in the L's corner: only what the layers
    cover is converted, so the third needs no merging (it would make one big region)."""
    pictures = recorded((0, 0, 40, 10), (30, 0, 40, 60), (0, 40, 20, 60))
    found = planar.regions([planar.drawn_box(p, (W, H)) for p in pictures])
    assert [region.layers for region in found] == [[0, 1], [2]]
    assert found[0].box == (0, 0, 42, 62)
    assert found[0].parts == [(0, 0, 42, 12), (28, 0, 42, 62)]


def test_frames_with_a_layer_under_the_video_are_converted_ahead_not_on_the_compositor(
    tmp_path: Path, tagged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A picture under the full-frame video for its first 0.2 s: those frames are drawn in
    BGRA, converted by the decode thread as before; the rest pass through."""
    import threading

    from framelane.render.sources.video import VideoReader

    on_compositor: list[int] = []
    convert = VideoReader.convert

    def watched(self: VideoReader, *args: Any) -> Any:
        if threading.current_thread() is threading.main_thread():
            on_compositor.append(1)
        return convert(self, *args)

    monkeypatch.setattr(VideoReader, "convert", watched)
    under = write_png(tmp_path / "under.png", (200, 0, 0, 255), (W, H))
    data = canvas(
        [
            {"type": "video", "id": "v", "source_url": str(tagged), "z_index": 1},
            {
                "type": "image",
                "id": "under",
                "source_url": str(under),
                "duration": 0.2,
                "z_index": 0,
            },
        ],
        duration=0.5,
    )
    used = [frame is not None for frame in planar_frames(data, tmp_path)]
    assert used == [False] * 6 + [True] * 9
    assert on_compositor == []
