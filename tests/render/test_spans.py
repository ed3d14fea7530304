"""Trims (`duration` on video and audio), loops, fade-outs that end where the sound stops, and
the equal-power audio crossfade under a transition — on real clips, by pixels and samples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from framelane.render.audio import AudioMix
from tests.render.conftest import (
    SAMPLE_RATE,
    beep,
    canvas,
    frame_rgba,
    timeline_of,
    write_video,
    write_wav,
)

pytestmark = pytest.mark.slow  # every test here decodes real media


def grey_at(data: dict[str, Any], base: Path, index: int) -> int:
    return int(frame_rgba(data, base, index)[45, 80, 0])


def video(source: str, **fields: Any) -> dict[str, Any]:
    return {"type": "video", "source_url": source, **fields}


def sound(source: str, **fields: Any) -> dict[str, Any]:
    return {"type": "audio", "source_url": source, **fields}


def levels(data: dict[str, Any], base: Path, *times: float) -> list[float]:
    """RMS of the mix over 20 ms around each time."""
    timeline, _ = timeline_of(data, base)
    mix = AudioMix(timeline.audio, timeline.duration)
    try:
        found = []
        for time in times:
            block = mix.read(round((time - 0.01) * SAMPLE_RATE), SAMPLE_RATE // 50)[:, 0]
            found.append(float(np.sqrt(np.mean(block**2))))
        return found
    finally:
        mix.close()


FULL = 0.5 / np.sqrt(2)
"""RMS of the 0.5-amplitude tones below."""


class TestVideo:
    def test_duration_trims_a_video(self, tmp_path: Path) -> None:
        write_video(tmp_path / "clip.mp4")  # 30 frames, grey 8·n
        data = canvas([video("clip.mp4", duration=0.5)])
        timeline, _ = timeline_of(data, tmp_path)
        assert timeline.duration == pytest.approx(0.5)
        assert abs(grey_at(data, tmp_path, 14) - 8 * 14) <= 2

    def test_a_looping_video_repeats_until_its_duration(self, tmp_path: Path) -> None:
        write_video(tmp_path / "clip.mp4")
        data = canvas([video("clip.mp4", loop=True, duration=2.5, in_point=0.2)])
        timeline, _ = timeline_of(data, tmp_path)
        assert timeline.duration == pytest.approx(2.5)
        # one pass is 0.8 s (frames 6…29): t = 1.9 s is 0.3 s into the third pass → frame 15
        assert abs(grey_at(data, tmp_path, 57) - 8 * 15) <= 2

    def test_an_open_loop_fills_the_render_without_making_it_longer(self, tmp_path: Path) -> None:
        write_video(tmp_path / "clip.mp4")
        text = {"type": "text", "text": "Hi", "duration": 2.2, "font_size": 10}
        data = canvas([video("clip.mp4", loop=True), text])
        timeline, _ = timeline_of(data, tmp_path)
        assert timeline.duration == pytest.approx(2.2)
        assert [layer.own_end for layer in timeline.layers if layer.kind == "video"] == [
            timeline.duration
        ]
        assert abs(grey_at(data, tmp_path, 64) - 8 * 4) <= 2  # 2.133 s → frame 4 of pass 3


class TestAudio:
    def test_duration_trims_a_sound_and_a_loop_repeats_it(self, tmp_path: Path) -> None:
        write_wav(tmp_path / "tone.wav", beep(0.5, 440.0))
        trimmed, _ = timeline_of(canvas([sound("tone.wav", duration=0.2)]), tmp_path)
        assert trimmed.duration == pytest.approx(0.2)
        bed = canvas([sound("tone.wav", loop=True)], duration=1.7)
        assert all(
            level == pytest.approx(FULL, rel=0.05) for level in levels(bed, tmp_path, 0.7, 1.6)
        )

    def test_a_fade_out_completes_where_the_render_cuts_the_sound(self, tmp_path: Path) -> None:
        write_wav(tmp_path / "long.wav", beep(3.0, 440.0))
        data = canvas([sound("long.wav", fade_out_duration=0.5)], duration=1.0)
        before, middle, end = levels(data, tmp_path, 0.3, 0.75, 0.99)
        assert before == pytest.approx(FULL, rel=0.05)
        assert middle == pytest.approx(FULL / 2, rel=0.1)
        assert end < FULL * 0.05

    def test_a_fade_out_completes_at_a_trim(self, tmp_path: Path) -> None:
        write_wav(tmp_path / "long.wav", beep(3.0, 440.0))
        data = canvas([sound("long.wav", duration=1.0, fade_out_duration=0.5)], duration=2.0)
        middle, end, after = levels(data, tmp_path, 0.75, 0.99, 1.5)
        assert middle == pytest.approx(FULL / 2, rel=0.1)
        assert end < FULL * 0.05 and after == 0.0


class TestTransitionAudio:
    @staticmethod
    def pair(tmp_path: Path, audio: str | None = None) -> dict[str, Any]:
        write_video(tmp_path / "a.mp4", seconds=2.0, tone=beep(2.0, 440.0))
        write_video(tmp_path / "b.mp4", seconds=1.0)
        fade: dict[str, Any] = {"type": "fade", "duration": 0.4, "from_id": "a", "to_id": "b"}
        if audio is not None:
            fade["audio"] = audio
        return canvas(
            [video("a.mp4", id="a", out_point=1.0), video("b.mp4", id="b", time=1.0)],
            transitions=[fade],
        )

    def test_the_outgoing_sound_falls_on_an_equal_power_curve(self, tmp_path: Path) -> None:
        # the window is 0.8…1.2 s: a quarter in, three quarters in, and at its end
        full, early, late, end = levels(self.pair(tmp_path), tmp_path, 0.5, 0.9, 1.1, 1.19)
        assert full == pytest.approx(FULL, rel=0.05)
        assert early == pytest.approx(full * np.cos(np.pi / 8), rel=0.05)
        assert late == pytest.approx(full * np.cos(3 * np.pi / 8), rel=0.05)
        assert end < full * 0.1

    def test_the_incoming_sound_rises_from_before_the_cut(self, tmp_path: Path) -> None:
        write_video(tmp_path / "a.mp4", seconds=1.0)
        write_video(tmp_path / "b.mp4", seconds=2.0, tone=beep(2.0, 440.0))
        fade = {"type": "fade", "duration": 0.4, "from_id": "a", "to_id": "b"}
        data = canvas(
            [video("a.mp4", id="a"), video("b.mp4", id="b", time=1.0, in_point=0.5)],
            transitions=[fade],
        )
        start, early, late, full = levels(data, tmp_path, 0.81, 0.9, 1.1, 1.5)
        assert full == pytest.approx(FULL, rel=0.05)
        assert start < full * 0.1
        assert early == pytest.approx(full * np.sin(np.pi / 8), rel=0.05)
        assert late == pytest.approx(full * np.sin(3 * np.pi / 8), rel=0.05)

    def test_audio_cut_keeps_the_hard_cut(self, tmp_path: Path) -> None:
        full, before_cut, after_cut = levels(self.pair(tmp_path, "cut"), tmp_path, 0.5, 0.9, 1.1)
        assert before_cut == pytest.approx(full, rel=0.05) and after_cut == 0.0
