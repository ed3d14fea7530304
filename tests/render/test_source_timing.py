"""Real-world timing through the engine: which source frame each output frame shows, and
where each source's sound lands in the mix (generated corpus: tests/media/corpus.py)."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from framelane.media.probe import probe_av
from framelane.render.audio import AudioMix
from framelane.render.scene import SceneRenderer
from tests.media.corpus import BEEP_AT, H, W, onset, read_counter, source_frames, write_media
from tests.render.conftest import timeline_of

pytestmark = pytest.mark.slow


def spec(elements: list[dict[str, Any]], fps: int) -> dict[str, Any]:
    return {"width": W, "height": H, "frame_rate": fps, "elements": elements}


def shown(base: Path, source: str, fps: int, **fields: Any) -> list[int]:
    """The counter every output frame shows of a video element playing `source`."""
    timeline, fonts = timeline_of(
        spec([{"type": "video", "source_url": source, **fields}], fps), base
    )
    scene = SceneRenderer(timeline, fonts, timeline.background)
    try:
        return [read_counter(scene.render(n)[..., [2, 1, 0]]) for n in range(timeline.frame_count)]
    finally:
        scene.close()


def expected(path: Path, fps: int, length: Fraction | None = None) -> list[int]:
    """For each output frame, the last source frame whose time (from the first frame) is at
    or before it, over the source's whole length (rounded to output frames)."""
    frames = source_frames(path)
    first, last = frames[0][0], frames[-1][0]
    if length is None:
        length = last - first + (frames[-1][0] - frames[-2][0])
    count = math.floor(length * fps + Fraction(1, 2))
    times = [time - first for time, _ in frames]
    picks = []
    for n in range(count):
        index = max(i for i, time in enumerate(times) if time <= Fraction(n, fps))
        picks.append(frames[index][1])
    return picks


def test_an_mpeg_program_stream_plays_every_frame_from_its_first(tmp_path: Path) -> None:
    write_media(tmp_path / "old.mpg", video="mpeg2video", container="mpeg")
    assert shown(tmp_path, "old.mpg", 25) == list(range(25))


def test_25_fps_into_30(tmp_path: Path) -> None:
    write_media(tmp_path / "pal.mpg", video="mpeg2video", container="mpeg")
    assert shown(tmp_path, "pal.mpg", 30) == [n * 25 // 30 for n in range(30)]


def test_59_94_fps_into_30_and_60(tmp_path: Path) -> None:
    path = write_media(
        tmp_path / "ntsc.ts",
        video="mpeg2video",
        container="mpegts",
        fps=Fraction(60000, 1001),
        frames=30,
    )
    assert shown(tmp_path, "ntsc.ts", 30) == expected(path, 30)
    assert shown(tmp_path, "ntsc.ts", 60) == expected(path, 60)


def test_variable_frame_rate_shows_the_last_frame(tmp_path: Path) -> None:
    """A phone clip of 0.32 s (9.6 output frames at 30 fps): its tenth output frame (t = 0.3)
    is inside it and shows the last source frame, stamped 0.29."""
    pts = [0, 33, 70, 100, 180, 200, 260, 290]
    path = write_media(
        tmp_path / "phone.mp4",
        frames=8,
        pts=pts,
        time_base=Fraction(1, 1000),
        fps=Fraction(30),
        last_duration=50,
    )
    assert probe_av(path).duration == Fraction(8, 25)
    frames = shown(tmp_path, "phone.mp4", 30)
    assert frames == [0, 1, 1, 3, 3, 3, 5, 5, 6, 7]
    assert frames == expected(path, 30, probe_av(path).duration)


def test_an_edit_list_starts_where_it_says(tmp_path: Path) -> None:
    write_media(tmp_path / "edit.mp4", pts=list(range(-5, 20)), time_base=Fraction(1, 25))
    assert shown(tmp_path, "edit.mp4", 25) == list(range(5, 25))


def test_in_point_counts_from_the_first_frame(tmp_path: Path) -> None:
    write_media(tmp_path / "old.mpg", video="mpeg2video", container="mpeg")
    assert shown(tmp_path, "old.mpg", 25, in_point=0.4) == list(range(10, 25))


def mixed_onset(base: Path, element: dict[str, Any]) -> float:
    timeline, _ = timeline_of(spec([element], 30), base)
    mix = AudioMix(timeline.audio, timeline.duration)
    try:
        samples = mix.read(0, mix.total)
    finally:
        mix.close()
    return onset(np.asarray(samples[:, 0]))


@pytest.mark.parametrize(
    ("name", "options", "kind"),
    [
        ("beep.mp3", {"video": None, "audio": "libmp3lame", "rate": 44_100}, "audio"),
        ("beep.m4a", {"video": None, "audio": "aac"}, "audio"),
        ("clip.mp4", {"audio": "aac"}, "video"),
        ("beep.webm", {"video": None, "audio": "libopus"}, "audio"),
        ("old.mpg", {"video": "mpeg2video", "audio": "mp2", "container": "mpeg"}, "video"),
    ],
)
def test_a_beep_lands_on_its_sample(
    tmp_path: Path, name: str, options: dict[str, Any], kind: str
) -> None:
    write_media(tmp_path / name, **options)
    element = {"type": kind, "source_url": name, "time": 0.25}
    assert abs(mixed_onset(tmp_path, element) - (0.25 + BEEP_AT)) <= 0.001
