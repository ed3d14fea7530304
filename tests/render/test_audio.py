"""Audio: sample-accurate placement, speed, volume, fades, and the encoded beep position."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from framelane.render.audio import AudioMix
from framelane.render.errors import RenderCancelled
from framelane.render.pipeline import render
from framelane.render.sources.resolve import DefaultResolver
from tests.render.conftest import (
    SAMPLE_RATE,
    beep,
    canvas,
    decode_audio,
    timeline_of,
    write_video,
    write_wav,
)

pytestmark = pytest.mark.slow  # every test here encodes or decodes real audio


def mix_of(data: dict[str, Any], base: Path) -> AudioMix:
    timeline, _ = timeline_of(data, base)
    return AudioMix(timeline.audio, timeline.duration)


def onset(samples: np.ndarray, threshold: float = 0.5) -> int:
    """First sample where the one-period RMS envelope reaches `threshold` of its plateau."""
    window = SAMPLE_RATE // 1000
    envelope = np.sqrt(np.convolve(samples**2, np.ones(window) / window, mode="same"))
    plateau = np.percentile(envelope, 99)
    return int(np.argmax(envelope > threshold * plateau))


def sound(source: str, **fields: Any) -> dict[str, Any]:
    return {"type": "audio", "source_url": source, **fields}


class TestMix:
    def test_a_clip_starts_on_its_exact_sample(self, tmp_path: Path) -> None:
        write_wav(tmp_path / "beep.wav", beep(0.3))
        mix = mix_of(canvas([sound("beep.wav", time=2.0)]), tmp_path)
        block = mix.read(2 * SAMPLE_RATE - 48, 96)[:, 0]
        mix.close()
        assert np.all(block[:49] == 0.0)
        assert np.abs(block[49:]).max() > 0

    def test_speed_moves_and_shortens_the_sound(self, tmp_path: Path) -> None:
        signal = np.concatenate([np.zeros(SAMPLE_RATE, np.float32), beep(0.4)])
        write_wav(tmp_path / "late.wav", signal)
        mix = mix_of(canvas([sound("late.wav", speed=2)]), tmp_path)
        assert mix.total == round(1.4 / 2 * SAMPLE_RATE)
        samples = mix.read(0, mix.total)[:, 0]
        mix.close()
        assert abs(onset(samples) - SAMPLE_RATE // 2) <= 48
        spectrum = np.abs(np.fft.rfft(samples[SAMPLE_RATE // 2 + 500 :]))
        peak_hz = np.argmax(spectrum) * SAMPLE_RATE / len(samples[SAMPLE_RATE // 2 + 500 :])
        assert abs(peak_hz - 2000) < 20

    def test_in_point_volume_and_fades(self, tmp_path: Path) -> None:
        write_wav(tmp_path / "tone.wav", beep(2.0))
        mix = mix_of(
            canvas([sound("tone.wav", in_point=0.5, volume=50, fade_in_duration=0.2)]), tmp_path
        )
        samples = mix.read(0, mix.total)[:, 0]
        mix.close()
        assert mix.total == round(1.5 * SAMPLE_RATE)
        assert np.abs(samples[SAMPLE_RATE // 2 : SAMPLE_RATE]).max() == pytest.approx(
            0.25, abs=0.01
        )
        assert np.abs(samples[4560:4850]).max() == pytest.approx(0.125, abs=0.01)

    def test_hard_cuts_get_a_short_declick_ramp(self, tmp_path: Path) -> None:
        write_wav(tmp_path / "dc.wav", np.full(SAMPLE_RATE, 0.5, np.float32))
        mix = mix_of(canvas([sound("dc.wav")]), tmp_path)
        samples = mix.read(0, mix.total)[:, 0]
        mix.close()
        assert samples[0] < 0.01 and samples[120] == pytest.approx(0.25, abs=0.01)
        assert samples[SAMPLE_RATE // 2] == pytest.approx(0.5, abs=0.001)
        assert samples[-1] < 0.01

    def test_clips_are_summed(self, tmp_path: Path) -> None:
        write_wav(tmp_path / "dc.wav", np.full(SAMPLE_RATE, 0.25, np.float32))
        mix = mix_of(canvas([sound("dc.wav"), sound("dc.wav", time=0.5)]), tmp_path)
        samples = mix.read(0, mix.total)[:, 0]
        mix.close()
        assert samples[SAMPLE_RATE // 4] == pytest.approx(0.25, abs=0.001)
        assert samples[3 * SAMPLE_RATE // 4] == pytest.approx(0.5, abs=0.001)

    def test_decoding_stops_when_the_render_is_cancelled(self, tmp_path: Path) -> None:
        write_wav(tmp_path / "tone.wav", beep(1.0))
        timeline, _ = timeline_of(canvas([sound("tone.wav")]), tmp_path)
        with pytest.raises(RenderCancelled):
            AudioMix(timeline.audio, timeline.duration, should_cancel=lambda: True)

    def test_sound_inside_a_composition_follows_its_start_and_end(self, tmp_path: Path) -> None:
        write_wav(tmp_path / "dc.wav", np.full(2 * SAMPLE_RATE, 0.25, np.float32))
        nested = {
            "type": "composition",
            "time": 1.0,
            "duration": 0.5,
            "elements": [sound("dc.wav")],
        }
        mix = mix_of(canvas([nested], duration=2), tmp_path)
        samples = mix.read(0, mix.total)[:, 0]
        mix.close()
        assert samples[SAMPLE_RATE - 1] == 0.0
        assert samples[SAMPLE_RATE + 1000] == pytest.approx(0.25, abs=1e-3)
        assert samples[int(1.5 * SAMPLE_RATE) + 10] == 0.0


class TestEncodedAudio:
    @pytest.mark.parametrize("extension", ["mp4", "webm", "mov"])
    def test_a_1khz_beep_placed_at_2s_is_found_within_1ms(
        self, tmp_path: Path, extension: str
    ) -> None:
        write_wav(tmp_path / "beep.wav", beep(0.3))
        data = {**canvas([sound("beep.wav", time=2.0)], duration=2.5), "output_format": extension}
        data["width"], data["height"] = 32, 32
        out = render(
            data, tmp_path / f"out.{extension}", resolver=DefaultResolver(base_dir=tmp_path)
        )
        decoded = decode_audio(out.path)
        ideal = np.zeros(round(2.5 * SAMPLE_RATE), np.float32)
        mix = mix_of(data, tmp_path)
        ideal[:] = mix.read(0, len(ideal))[:, 0]
        mix.close()
        assert abs(onset(decoded) - onset(ideal)) <= SAMPLE_RATE // 1000
        assert onset(ideal) - 2 * SAMPLE_RATE < 240  # the 5 ms de-click ramp, nothing more

    def test_a_video_brings_its_own_sound_unless_muted(self, tmp_path: Path) -> None:
        write_video(tmp_path / "talk.mp4", seconds=1.0, tone=beep(1.0))
        for volume, expected in ((100, True), (0, False)):
            video = {"type": "video", "source_url": "talk.mp4", "volume": volume}
            result = render(
                canvas([video]),
                tmp_path / f"v{volume}.mp4",
                resolver=DefaultResolver(base_dir=tmp_path),
            )
            with av.open(str(result.path)) as container:
                assert bool(container.streams.audio) is expected
