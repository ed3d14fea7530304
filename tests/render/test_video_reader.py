"""Sequential decoding with seeks only when needed, and the same frame either way."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from framelane.media import decode
from framelane.render.limits import DEFAULT_LIMITS
from framelane.render.sources.probe import probe
from framelane.render.sources.video import VideoReader
from tests.render.conftest import write_video

pytestmark = pytest.mark.slow


def grey(reader: VideoReader, time: Fraction) -> int:
    return int(reader.pixels_at(time, 16, 16)[8, 8, 2])


@pytest.fixture
def steps(tmp_path: Path) -> Path:
    return write_video(tmp_path / "steps.mp4", seconds=1.0)


def test_forward_reads_never_seek(steps: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader = VideoReader(steps, probe(steps, DEFAULT_LIMITS))
    monkeypatch.setattr(reader, "_seek", lambda time: pytest.fail("seeked"))
    for n in range(0, 30, 3):
        assert abs(grey(reader, Fraction(n, 30)) - 8 * n) <= 3
    reader.close()


def test_backward_and_far_jumps_seek_to_the_exact_frame(
    steps: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decode, "SEEK_AHEAD", Fraction(1, 10))
    reader = VideoReader(steps, probe(steps, DEFAULT_LIMITS))
    for n in (20, 3, 27, 9, 9, 29, 0):
        assert abs(grey(reader, Fraction(n, 30)) - 8 * n) <= 3, n
    reader.close()


def test_times_past_the_end_hold_the_last_frame(steps: Path) -> None:
    reader = VideoReader(steps, probe(steps, DEFAULT_LIMITS))
    assert abs(grey(reader, Fraction(5, 4)) - 8 * 29) <= 3
    reader.close()


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_the_display_rotation_is_applied(tmp_path: Path, rotation: int) -> None:
    """A phone video stored landscape with a display matrix shows upright."""
    path = tmp_path / "phone.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 16, "yuv420p"
        stream.set_display_rotation(rotation)
        picture = np.zeros((16, 32, 3), np.uint8)
        picture[:4] = (0, 255, 0)  # a green band along the top edge
        for n in range(2):
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = n
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    reader = VideoReader(path, probe(path, DEFAULT_LIMITS))
    shown = reader.display_size(Fraction(0))
    pixels = reader.pixels_at(Fraction(0), *shown)
    reader.close()
    green = pixels[..., 1] > 200
    expected = np.rot90(picture[..., 1] > 200, rotation // 90)
    assert shown == (expected.shape[1], expected.shape[0])
    assert (green == expected).mean() > 0.95
