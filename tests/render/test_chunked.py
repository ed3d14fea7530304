"""A render split into parts and joined by stream copy against the same render in one piece."""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from framelane.render.chunked import (
    frame_ranges,
    join_parts,
    outline,
    render_audio_track,
    split_refusal,
)
from framelane.render.pipeline import render
from framelane.render.sources.resolve import DefaultResolver
from framelane.render.spec import parse_spec
from tests.render.conftest import SAMPLE_RATE, beep, decode_audio, write_png, write_video, write_wav

FPS = 30
SECONDS = 30
PARTS = 4
BEEP_EVERY = 5
W, H = 320, 180


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def moving_bar(n: int) -> np.ndarray:
    """Frame n of the source clip: a white bar at x = 3n (decoding the wrong frame shows)."""
    rgb = np.full((H // 2, W // 2, 3), 40, np.uint8)
    rgb[:, 3 * n % (W // 2) : 3 * n % (W // 2) + 4] = 255
    return rgb


def beeps() -> np.ndarray:
    """A 1 kHz beep of 0.2 s at 1 s, 6 s, 11 s, … (every 5 s)."""
    track = np.zeros(SECONDS * SAMPLE_RATE, np.float32)
    tone = beep(0.2)
    for start in range(1, SECONDS, BEEP_EVERY):
        track[start * SAMPLE_RATE : start * SAMPLE_RATE + len(tone)] = tone
    return track


def composition(base: Path, output_format: str) -> dict[str, Any]:
    """Boundaries of 4 parts fall at 7.5 s, 15 s and 22.5 s: a cross-dissolve spans the first,
    a sliding title and a video clip the second, a nested scene and captions the third."""
    write_png(base / "red.png", (220, 30, 30, 255), (W, H))
    write_png(base / "blue.png", (30, 30, 220, 255), (W, H))
    write_png(base / "logo.png", (250, 250, 250, 255), (40, 40))
    write_video(base / "bar.mp4", seconds=3.0, size=(W // 2, H // 2), frame=moving_bar)
    write_wav(base / "beeps.wav", beeps())
    nested = {
        "type": "composition",
        "time": 20,
        "duration": 5,
        "width": 160,
        "height": 90,
        "x": 10,
        "y": 10,
        "background_color": "#204020",
        "elements": [
            {
                "type": "image",
                "id": "logo",
                "source_url": "logo.png",
                "duration": 5,
                "width": 40,
                "height": 40,
                "motion": [{"type": "slide_left", "time": 1, "duration": 3}],
            }
        ],
    }
    words = [
        {"text": word, "start": 21.6 + 0.3 * i, "end": 21.9 + 0.3 * i}
        for i, word in enumerate(["seams", "nobody", "can", "find"])
    ]
    return {
        "width": W,
        "height": H,
        "duration": SECONDS,
        "frame_rate": FPS,
        "output_format": output_format,
        "background_color": "#000000",
        "elements": [
            {"type": "image", "id": "a", "source_url": "red.png", "time": 0, "duration": 7.5},
            {"type": "image", "id": "b", "source_url": "blue.png", "time": 7.5, "duration": 22.5},
            {
                "type": "video",
                "source_url": "bar.mp4",
                "time": 13.5,
                "x": 80,
                "y": 45,
                "width": W // 2,
                "height": H // 2,
            },
            {
                "type": "text",
                "text": "Across the seam",
                "time": 13,
                "duration": 4,
                "font_size": 20,
                "motion": [{"type": "slide_right", "time": 0, "duration": 4, "easing": "linear"}],
            },
            nested,
            {
                "type": "text",
                "text": "seams nobody can find",
                "time": 21.5,
                "duration": 2,
                "font_size": 18,
                "y": 140,
                "word_animation": {"style": "color", "words": words},
            },
            {"type": "audio", "source_url": "beeps.wav"},
        ],
        "transitions": [{"type": "cross_dissolve", "duration": 1, "from_id": "a", "to_id": "b"}],
    }


def render_split(data: dict[str, Any], base: Path, out: Path) -> list[range]:
    resolver = DefaultResolver(base_dir=base)
    shape = outline(data, resolver=resolver)
    ranges = frame_ranges(shape.frame_count, shape.fps, SECONDS / PARTS)
    parts = []
    for i, frames in enumerate(ranges):
        part = base / f"part-{i}.{out.suffix[1:]}"
        render(data, part, resolver=resolver, frames=frames)
        parts.append((part, len(frames)))
    audio = base / f"audio.{out.suffix[1:]}"
    assert render_audio_track(data, audio, resolver=resolver)
    join_parts(parts, audio, out, out.suffix[1:], shape.fps)
    return ranges


def decoded(path: Path) -> tuple[list[np.ndarray], list[Fraction]]:
    frames, times = [], []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            frames.append(frame.to_ndarray(format="rgb24"))
            times.append(frame.pts * stream.time_base)
    return frames, times


def beep_onsets(samples: np.ndarray) -> list[int]:
    """Where each beep's one-period RMS envelope first reaches half its plateau."""
    window = SAMPLE_RATE // 1000
    envelope = np.sqrt(np.convolve(samples**2, np.ones(window) / window, mode="same"))
    loud = envelope > 0.5 * np.percentile(envelope, 99.5)
    rising = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    return [int(r) for r in rising if not loud[max(0, r - SAMPLE_RATE // 2) : r].any()]


class TestPlan:
    def test_parts_are_whole_frames_covering_the_timeline_once(self) -> None:
        ranges = frame_ranges(901, Fraction(30), 7.5)
        assert [len(r) for r in ranges] == [225, 225, 225, 226]
        assert ranges[0].start == 0 and ranges[-1].stop == 901
        assert all(a.stop == b.start for a, b in pairwise(ranges))

    @pytest.mark.parametrize("output_format", ["gif", "png", "jpg"])
    def test_gif_and_stills_are_never_split(self, output_format: str) -> None:
        spec = parse_spec({"elements": [], "duration": 60, "output_format": output_format}).spec
        assert split_refusal(spec) is not None

    def test_chunking_off_is_honoured(self) -> None:
        spec = parse_spec({"elements": [], "duration": 60, "chunking": "off"}).spec
        assert split_refusal(spec) == "the request set chunking to off"
        assert split_refusal(parse_spec({"elements": [], "duration": 60}).spec) is None

    def test_a_still_cannot_be_rendered_as_a_part(self, tmp_path: Path) -> None:
        data = {"elements": [], "duration": 2, "output_format": "gif", "width": 32, "height": 32}
        with pytest.raises(ValueError, match="one piece"):
            render(data, tmp_path / "x.gif", frames=range(0, 10))


@pytest.mark.slow
class TestSplitAgainstOnePiece:
    @pytest.fixture(scope="class")
    def renders(self, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
        base = tmp_path_factory.mktemp("chunked")
        data = composition(base, "mp4")
        whole = render(data, base / "whole.mp4", resolver=DefaultResolver(base_dir=base))
        ranges = render_split(data, base, base / "split.mp4")
        return {"whole": whole.path, "split": base / "split.mp4", "ranges": ranges}

    def test_four_parts_with_the_same_frames_and_continuous_timestamps(
        self, renders: dict[str, Any]
    ) -> None:
        assert len(renders["ranges"]) == PARTS
        whole, whole_times = decoded(renders["whole"])
        split, split_times = decoded(renders["split"])
        assert len(split) == len(whole) == SECONDS * FPS
        assert split_times == [Fraction(i, FPS) for i in range(len(split))]
        assert split_times == whole_times

    def test_every_frame_within_45_db_and_the_seams_alike(self, renders: dict[str, Any]) -> None:
        whole, _ = decoded(renders["whole"])
        split, _ = decoded(renders["split"])
        scores = [psnr(a, b) for a, b in zip(whole, split, strict=True)]
        assert min(scores) >= 45, f"worst frame {int(np.argmin(scores))}: {min(scores):.1f} dB"
        for frames in renders["ranges"][1:]:
            for index in (frames.start - 1, frames.start, frames.start + 1):
                assert psnr(whole[index], split[index]) >= 45
                # not a frozen or repeated frame at the seam: it moves as in one piece
                change_whole = psnr(whole[index - 1], whole[index])
                change_split = psnr(split[index - 1], split[index])
                assert abs(change_whole - change_split) < 3 or min(change_whole, change_split) > 45

    def test_beeps_at_the_same_samples(self, renders: dict[str, Any]) -> None:
        whole = beep_onsets(decode_audio(renders["whole"]))
        split = beep_onsets(decode_audio(renders["split"]))
        expected = [s * SAMPLE_RATE for s in range(1, SECONDS, BEEP_EVERY)]
        assert len(split) == len(whole) == len(expected)
        assert max(abs(a - b) for a, b in zip(whole, split, strict=True)) <= SAMPLE_RATE // 1000
        assert max(abs(a - b) for a, b in zip(split, expected, strict=True)) <= SAMPLE_RATE // 100


@pytest.mark.slow
@pytest.mark.parametrize(
    ("output_format", "alpha", "floor_db"), [("webm", False, 38.0), ("mov", True, 60.0)]
)
def test_webm_and_prores_parts_join_frame_exact(
    tmp_path: Path, output_format: str, alpha: bool, floor_db: float
) -> None:
    """ProRes parts are all intra frames: nearly bit-exact. VP9 in real-time mode carries
    rate-control state from frame to frame, so a part's frames differ by encoding noise (a
    tiny sharp-edged title at its CRF): each must still be its own frame, nearer to the
    one-piece frame of its index than to either neighbour."""
    data = {
        "width": 64,
        "height": 36,
        "duration": 3,
        "frame_rate": FPS,
        "output_format": output_format,
        "alpha": alpha,
        "elements": [
            {
                "type": "text",
                "text": "slide",
                "duration": 3,
                "font_size": 12,
                "motion": [{"type": "slide_right", "time": 0, "duration": 3, "easing": "linear"}],
            }
        ],
    }
    whole = render(data, tmp_path / f"whole.{output_format}")
    parts = []
    for i, frames in enumerate(frame_ranges(90, Fraction(FPS), 1.0)):
        part = tmp_path / f"p{i}.{output_format}"
        render(data, part, frames=frames)
        parts.append((part, len(frames)))
    join_parts(parts, None, tmp_path / f"split.{output_format}", output_format, Fraction(FPS))
    a, a_times = decoded(whole.path)
    b, b_times = decoded(tmp_path / f"split.{output_format}")
    assert len(a) == len(b) == 90
    assert a_times == b_times
    assert min(psnr(x, y) for x, y in zip(a, b, strict=True)) >= floor_db
    for i in range(1, 89):
        if max(psnr(a[i], a[i - 1]), psnr(a[i], a[i + 1])) < floor_db:  # it moved
            assert psnr(b[i], a[i]) > max(psnr(b[i], a[i - 1]), psnr(b[i], a[i + 1])), i


@pytest.mark.slow
def test_the_cli_renders_in_parts_on_several_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from framelane.render.cli import main

    monkeypatch.setenv("FRAMELANE_CHUNK_SECONDS", "1")
    monkeypatch.setenv("FRAMELANE_CHUNK_MIN_SECONDS", "3")
    monkeypatch.setenv("FRAMELANE_DATA_DIR", str(tmp_path / "data"))
    write_wav(tmp_path / "beeps.wav", beeps()[: 4 * SAMPLE_RATE])
    spec = {
        "width": 64,
        "height": 36,
        "duration": 4,
        "frame_rate": FPS,
        "elements": [
            {"type": "text", "text": "cli", "duration": 4, "font_size": 12},
            {"type": "audio", "source_url": "beeps.wav"},
        ],
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    out = tmp_path / "out.mp4"
    assert (
        main(["render", str(tmp_path / "spec.json"), "-o", str(out), "--workers", "2", "--json"])
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["chunks"] == 4 and summary["duration"] == 4.0
    frames, times = decoded(out)
    assert len(frames) == 4 * FPS and times == [Fraction(i, FPS) for i in range(4 * FPS)]
    assert beep_onsets(decode_audio(out))[0] == pytest.approx(SAMPLE_RATE, abs=SAMPLE_RATE // 100)
    one = tmp_path / "one.mp4"
    assert main(["render", str(tmp_path / "spec.json"), "-o", str(one), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["chunks"] == 1
