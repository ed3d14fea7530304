"""Source time 0 is the source's first frame (else its first sample after the encoder's
priming), whatever timestamps its container uses: frames and samples land exactly."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from framelane.media.decode import VideoFrames, decode_audio
from framelane.media.probe import probe_av
from tests.media.corpus import BEEP_AT, onset, read_counter, write_media

pytestmark = pytest.mark.slow

ONE_MS = 0.001


def counter_at(frames: VideoFrames, time: Fraction) -> int:
    return read_counter(frames.frame_at(time).to_ndarray(format="rgb24"))


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("program.mpg", {"video": "mpeg2video", "container": "mpeg"}),
        ("transport.ts", {"video": "mpeg2video", "container": "mpegts"}),
        ("clip.mp4", {}),
        ("clip.webm", {"video": "libvpx-vp9"}),
    ],
)
def test_frame_k_is_at_k_over_fps_from_the_first_frame(
    tmp_path: Path, name: str, options: dict[str, str]
) -> None:
    path = write_media(tmp_path / name, **options)  # type: ignore[arg-type]
    info = probe_av(path)
    assert info.duration == 1
    frames = VideoFrames(path, info)
    try:
        assert [counter_at(frames, Fraction(k, 25)) for k in range(25)] == list(range(25))
        assert counter_at(frames, Fraction(99, 100)) == 24
    finally:
        frames.close()


def test_an_edit_list_shows_only_what_it_keeps(tmp_path: Path) -> None:
    """Five frames before the edit's start are cut: the first one shown is frame 5."""
    path = write_media(tmp_path / "edit.mp4", pts=list(range(-5, 20)), time_base=Fraction(1, 25))
    info = probe_av(path)
    assert info.duration == Fraction(4, 5)
    frames = VideoFrames(path, info)
    try:
        assert [counter_at(frames, Fraction(k, 25)) for k in range(20)] == list(range(5, 25))
    finally:
        frames.close()


def test_a_delayed_first_frame_is_source_time_zero(tmp_path: Path) -> None:
    """An mp4 whose picture starts 0.2 s late (an empty edit) starts at its first frame."""
    path = write_media(tmp_path / "late.mp4", pts=list(range(5, 30)), time_base=Fraction(1, 25))
    info = probe_av(path)
    assert (info.start, info.duration) == (Fraction(1, 5), 1)
    frames = VideoFrames(path, info)
    try:
        assert counter_at(frames, Fraction(0)) == 0 and counter_at(frames, Fraction(1, 25)) == 1
    finally:
        frames.close()


def test_59_94_fps_in_a_90_khz_transport_stream(tmp_path: Path) -> None:
    """Timestamps rounded to 90 kHz ticks still give frame k at k × 1001 / 60000."""
    fps = Fraction(60000, 1001)
    path = write_media(
        tmp_path / "ntsc.ts", video="mpeg2video", container="mpegts", fps=fps, frames=60
    )
    info = probe_av(path)
    frames = VideoFrames(path, info)
    try:
        assert [counter_at(frames, k / fps) for k in range(60)] == list(range(60))
        # Sampled at 30 fps: the last frame at or before each output time.
        assert [counter_at(frames, Fraction(n, 30)) for n in range(30)] == [
            math.floor(Fraction(2000 * n, 1001)) for n in range(30)
        ]
    finally:
        frames.close()


def test_seeking_lands_on_the_same_frames_with_a_start_offset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from framelane.media import decode

    monkeypatch.setattr(decode, "SEEK_AHEAD", Fraction(1, 10))
    path = write_media(tmp_path / "program.mpg", video="mpeg2video", container="mpeg")
    frames = VideoFrames(path, probe_av(path))
    try:
        for k in (20, 3, 24, 9, 9, 0):
            assert counter_at(frames, Fraction(k, 25)) == k
    finally:
        frames.close()


def beep_onset(path: Path, in_point: Fraction = Fraction(0)) -> float:
    target = np.zeros((48_000, 2), np.float32)
    decode_audio(path, in_point, target)
    return onset(target[:, 0])


@pytest.mark.parametrize(
    ("name", "options"),
    [
        # LAME's priming (576 + 529 samples, 25 ms) is signalled in its header.
        ("beep.mp3", {"video": None, "audio": "libmp3lame", "rate": 44_100}),
        # AAC's 1024 samples of priming, cut by the mp4 edit list.
        ("beep.m4a", {"video": None, "audio": "aac"}),
        ("clip.mp4", {"audio": "aac"}),
        # Opus pre-skip (CodecDelay in WebM).
        ("beep.webm", {"video": None, "audio": "libopus"}),
        ("clip.webm", {"video": "libvpx-vp9", "audio": "libopus"}),
        # MPEG-PS: audio and video start near 0.5 s, not at the same timestamp.
        ("program.mpg", {"video": "mpeg2video", "audio": "mp2", "container": "mpeg"}),
        ("beep.wav", {"video": None, "audio": "pcm_s16le"}),
    ],
)
def test_the_beep_lands_where_it_was_made(
    tmp_path: Path, name: str, options: dict[str, str]
) -> None:
    path = write_media(tmp_path / name, **options)  # type: ignore[arg-type]
    assert abs(beep_onset(path) - BEEP_AT) <= ONE_MS
    assert abs(beep_onset(path, Fraction(1, 4)) - (BEEP_AT - 0.25)) <= ONE_MS
