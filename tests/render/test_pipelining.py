"""The threaded hot loop gives the same pixels as the plain one: video sources decoding ahead
on worker threads, the bottom video's pixels handed to the encoder without a copy, and the
encoder thread. Nothing here measures time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from framelane.render import compositor, encode
from framelane.render.errors import EncodeFailed, SourceCorrupt
from framelane.render.pipeline import render
from framelane.render.scene import SceneRenderer
from framelane.render.sources.layers import VideoSource
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


def stripes(n: int) -> np.ndarray:
    """Sharp, moving colour stripes: chroma siting and any off-by-one frame show up."""
    rgb = np.zeros((H, W, 3), np.uint8)
    xs = (np.arange(W) + 3 * n) % 16 < 8
    rgb[:, xs] = (230, 20, 40)
    rgb[:, ~xs] = (20, 40, 230)
    rgb[: H // 3] = (8 * n, 255 - 8 * n, 90)
    return rgb


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_video(tmp_path / "stripes.mp4", seconds=1.0, frame=stripes)


def spec(clip: Path, logo: Path, **bottom: Any) -> dict[str, Any]:
    return canvas(
        [
            {
                "type": "image",
                "id": "logo",
                "source_url": str(logo),
                "duration": 1,
                "width": 40,
                "height": 20,
                "x": 60,
                "y": 30,
                "z_rotation": "10deg",
                "z_index": 2,
            },
            {
                "type": "video",
                "id": "inset",
                "source_url": str(clip),
                "width": 80,
                "height": 45,
                "x": 100,
                "y": 60,
                "border_radius": 6,
                "z_index": 1,
                "motion": [{"type": "zoom_in", "time": 0, "duration": 1}],
            },
            {"type": "video", "id": "bottom", "source_url": str(clip), **bottom},
        ],
        duration=1,
    )


def frames(data: dict[str, Any], base: Path, sequential: bool, handover: bool) -> list[Any]:
    timeline, fonts = timeline_of(data, base)
    renderer = SceneRenderer(timeline, fonts, timeline.background, sequential=sequential)
    out = []
    try:
        for index in range(timeline.frame_count):
            if handover:
                pixels, frame = renderer.render_handover(index)
                out.append((pixels.copy(), frame is not None))
            else:
                out.append((renderer.render(index).copy(), False))
    finally:
        renderer.close()
    return out


def test_decoding_ahead_and_handing_over_give_the_same_pixels(tmp_path: Path, clip: Path) -> None:
    logo = write_png(tmp_path / "logo.png", (250, 200, 0, 200), (40, 20))
    data = spec(clip, logo)
    plain = frames(data, tmp_path, sequential=False, handover=False)
    threaded = frames(data, tmp_path, sequential=True, handover=True)
    assert len(plain) == len(threaded) == 30
    assert all(handed for _, handed in threaded)  # a full-frame opaque bottom video
    for (expected, _), (actual, _) in zip(plain, threaded, strict=True):
        assert np.array_equal(expected, actual)


@pytest.mark.parametrize(
    "bottom",
    [
        {"opacity": 50},
        {"border_radius": 10},
        {"blend_mode": "multiply"},
        {"x": "51%"},
        {"width": "90%", "height": "90%"},
        {"shadow_color": "#000000"},
    ],
)
def test_a_bottom_video_that_does_not_cover_the_canvas_is_drawn(
    tmp_path: Path, clip: Path, bottom: dict[str, Any]
) -> None:
    logo = write_png(tmp_path / "logo.png", (250, 200, 0, 200), (40, 20))
    data = spec(clip, logo, **bottom)
    data["background_color"] = "#204060"
    plain = frames(data, tmp_path, sequential=False, handover=False)
    threaded = frames(data, tmp_path, sequential=True, handover=True)
    assert not any(handed for _, handed in threaded)
    for (expected, _), (actual, _) in zip(plain, threaded, strict=True):
        assert np.array_equal(expected, actual)


def test_the_encoded_file_is_the_same_with_and_without_handing_over(
    tmp_path: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handed-over frame must carry nothing of the source (picture type, time base,
    chroma siting) into the encoder: the files decode to the same pictures. (A leaked chroma
    siting or forced picture type moved chroma by 30+ levels; the scene-level pixels are
    compared exactly above. Under the full suite, about one run in five, frame 1 of the two
    encodes differed by up to 4 levels around the inset; never alone — see the render README.)"""
    logo = write_png(tmp_path / "logo.png", (250, 200, 0, 200), (40, 20))
    data = spec(clip, logo)
    handed = render(data, tmp_path / "handed.mp4")
    monkeypatch.setattr(compositor.Canvas, "covered_by", lambda *args: False)
    drawn = render(data, tmp_path / "drawn.mp4")
    a = decode_frames(handed.path, "yuv420p")
    b = decode_frames(drawn.path, "yuv420p")
    assert len(a) == len(b) == 30
    for x, y in zip(a, b, strict=True):
        assert np.abs(x.astype(int) - y).max() <= 8
    with av.open(str(handed.path)) as container:
        times = [f.time for f in container.decode(video=0)]
    assert times == pytest.approx([n / 30 for n in range(30)], abs=1e-6)


def test_out_of_order_frames_restart_decoding_ahead(tmp_path: Path, clip: Path) -> None:
    logo = write_png(tmp_path / "logo.png", (250, 200, 0, 200), (40, 20))
    data = spec(clip, logo)
    plain = frames(data, tmp_path, sequential=False, handover=False)
    timeline, fonts = timeline_of(data, tmp_path)
    renderer = SceneRenderer(timeline, fonts, timeline.background, sequential=True)
    try:
        for index in (0, 1, 2, 17, 18, 5, 29, 28, 6):
            assert np.array_equal(renderer.render(index), plain[index][0]), index
    finally:
        renderer.close()


def test_a_decode_error_ahead_is_raised_on_its_own_frame(
    tmp_path: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = VideoSource.decoded

    def failing(self: VideoSource, state: Any, frame_index: int) -> Any:
        if state.source_time >= 0.5:
            raise SourceCorrupt("broken at half a second")
        return original(self, state, frame_index)

    monkeypatch.setattr(VideoSource, "decoded", failing)
    timeline, fonts = timeline_of(canvas([{"type": "video", "source_url": str(clip)}]), tmp_path)
    renderer = SceneRenderer(timeline, fonts, timeline.background, sequential=True)
    try:
        for index in range(15):
            renderer.render_handover(index)
        with pytest.raises(SourceCorrupt, match="broken at half a second"):
            renderer.render_handover(15)
    finally:
        renderer.close()


def test_closing_mid_render_stops_the_workers(tmp_path: Path, clip: Path) -> None:
    timeline, fonts = timeline_of(canvas([{"type": "video", "source_url": str(clip)}]), tmp_path)
    renderer = SceneRenderer(timeline, fonts, timeline.background, sequential=True)
    renderer.render(0)
    sources = list(renderer._sources.values())
    workers = [s._prefetch.thread for s in sources if isinstance(s, VideoSource) and s._prefetch]
    assert workers
    renderer.close()
    assert not any(worker.is_alive() for worker in workers)


def test_an_encoder_thread_failure_fails_the_render(
    tmp_path: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    original = encode.VideoWriter._mux

    def failing(self: encode.VideoWriter, packets: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise EncodeFailed("muxing failed: disk full")
        original(self, packets)

    monkeypatch.setattr(encode.VideoWriter, "_mux", failing)
    out = tmp_path / "out.mp4"
    with pytest.raises(EncodeFailed, match="disk full"):
        render(canvas([{"type": "video", "source_url": str(clip)}]), out)
    assert not out.exists()


@pytest.fixture
def prefetch_starts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """One entry each time a video source starts decoding ahead (a restart seeks)."""
    from framelane.render.sources import layers

    return calls_to(monkeypatch, layers._Prefetch, "__init__")


def test_a_video_the_planar_path_looked_at_is_drawn_from_the_same_decoded_frame(
    tmp_path: Path, clip: Path, prefetch_starts: list[tuple[Any, ...]]
) -> None:
    """A full-canvas video zooming over a colour: the planar path looks at each frame (and
    is refused once the video is large), then the frame is drawn in BGRA. Both take the same
    decoded frame: decoding ahead starts once. (It restarted, from a seek, on every refused
    frame: 20× slower on a 1080p clip.)"""
    data = {
        **canvas(
            [
                {
                    "type": "video",
                    "id": "v",
                    "source_url": str(clip),
                    "motion": [{"type": "zoom_in", "time": 0, "duration": 1}],
                }
            ],
            duration=1,
        ),
        "background_color": "#203040",
    }
    rendered = render(data, tmp_path / "zoom.mp4")
    assert len(prefetch_starts) == 1
    plain = frames(data, tmp_path, sequential=False, handover=False)
    got = decode_frames(rendered.path, "rgb24")
    assert len(got) == len(plain) == 30
    rgb = [bgra[..., 2::-1].astype(int) for bgra, _ in plain]
    for index, picture in enumerate(got):
        # x264 at crf 20 on sharp stripes moves levels a lot (2–11 on average); the right
        # frame is still the nearest one (the stripes move 3 pixels a frame; while the video
        # is small, neighbours tie).
        off = [
            np.abs(picture - rgb[n]).mean()
            for n in (index - 1, index, index + 1)
            if 0 <= n < len(rgb)
        ]
        assert np.abs(picture - rgb[index]).mean() <= min(off) + 0.5


def test_a_full_canvas_video_that_cannot_pass_through_is_still_handed_over(
    tmp_path: Path, clip: Path, prefetch_starts: list[tuple[Any, ...]]
) -> None:
    """Untagged SD (taken as BT.601) cannot be the 4:2:0 output as it is: the planar path
    looks at each frame and declines, then its converted pixels are handed to the encoder
    in place, decoded once. (Not on the frames where the planar path recorded the layer to
    try it over the background: 0, 1, then one every 15 frames.)"""
    only_video = canvas([{"type": "video", "id": "v", "source_url": str(clip)}], duration=1)
    timeline, fonts = timeline_of(only_video, tmp_path)
    scene = SceneRenderer(timeline, fonts, timeline.background, sequential=True, planar=True)
    handed = []
    try:
        for index in range(timeline.frame_count):
            assert not scene.render_planar(index, av.VideoFrame(W, H, "yuv420p"))
            handed.append(scene.render_handover(index)[1] is not None)
    finally:
        scene.close()
    assert len(handed) == 30 and sum(handed) >= 27
    assert len(prefetch_starts) == 1
