"""Sequential decoding with seeks only when needed, and the same frame either way."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from framelane.render.limits import DEFAULT_LIMITS
from framelane.render.sources import video
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
    monkeypatch.setattr(video, "SEEK_AHEAD", Fraction(1, 10))
    reader = VideoReader(steps, probe(steps, DEFAULT_LIMITS))
    for n in (20, 3, 27, 9, 9, 29, 0):
        assert abs(grey(reader, Fraction(n, 30)) - 8 * n) <= 3, n
    reader.close()


def test_times_past_the_end_hold_the_last_frame(steps: Path) -> None:
    reader = VideoReader(steps, probe(steps, DEFAULT_LIMITS))
    assert abs(grey(reader, Fraction(5, 4)) - 8 * 29) <= 3
    reader.close()
