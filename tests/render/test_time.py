"""Time: frame-exact windows, source time mapping (in_point, speed), motions, transitions."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from framelane.render.evaluate import frame_state, motion_amount
from framelane.render.spec import MotionSpec
from framelane.render.timeline import frame_at_or_after
from tests.render.conftest import H, W, canvas, frame_rgba, timeline_of, write_png, write_video


def box(start: float, duration: float, **fields: Any) -> dict[str, Any]:
    return {
        "type": "image",
        "id": "box",
        "source_url": "red.png",
        "time": start,
        "duration": duration,
        **fields,
    }


def visible_frames(data: dict[str, Any], base: Path, frames: int) -> list[int]:
    timeline, _ = timeline_of(data, base)
    return [n for n in range(frames) if frame_state(timeline, n).layers]


class TestFrameWindows:
    @pytest.mark.parametrize(
        ("start", "duration", "fps"),
        [(0.5, 1.0, 30), (0.51, 0.2, 30), (1 / 3, 0.5, 24), (0.1, 0.3, 25)],
    )
    def test_element_shows_from_round_time_fps_until_round_end_fps(
        self, tmp_path: Path, red_png: Path, start: float, duration: float, fps: int
    ) -> None:
        data = canvas([box(start, duration)], frame_rate=fps, duration=2)
        frames = visible_frames(data, tmp_path, 2 * fps)
        # round(time × fps), halves rounded up
        first = math.floor(Fraction(repr(start)) * fps + Fraction(1, 2))
        end = math.floor((Fraction(repr(start)) + Fraction(repr(duration))) * fps + Fraction(1, 2))
        assert frames == list(range(first, end))

    def test_frame_at_or_after_rounds_half_up(self) -> None:
        assert frame_at_or_after(Fraction(1, 60), Fraction(30)) == 1
        assert frame_at_or_after(Fraction(1, 61), Fraction(30)) == 0

    def test_visible_false_excludes_the_element(self, tmp_path: Path, red_png: Path) -> None:
        data = canvas([box(0, 1, visible=False)], duration=1)
        assert visible_frames(data, tmp_path, 30) == []

    def test_duration_is_inferred_from_the_elements(self, tmp_path: Path, red_png: Path) -> None:
        timeline, _ = timeline_of(canvas([box(0.5, 1.25)]), tmp_path)
        assert timeline.duration == Fraction(7, 4) and timeline.frame_count == 53


class TestSourceTime:
    def grey_at(self, base: Path, index: int, **fields: Any) -> int:
        video = {"type": "video", "id": "v", "source_url": "steps.mp4", **fields}
        return int(frame_rgba(canvas([video], frame_rate=30), base, index)[H // 2, W // 2, 0])

    @pytest.mark.slow
    @pytest.mark.parametrize(
        ("fields", "index", "source_frame"),
        [
            ({}, 7, 7),
            ({"in_point": 0.5}, 3, 18),
            ({"speed": 2}, 5, 10),
            ({"speed": 0.5}, 9, 4),
            ({"time": 0.5}, 20, 5),
        ],
    )
    def test_frame_n_shows_the_source_frame_at_in_point_plus_t_times_speed(
        self, tmp_path: Path, fields: dict[str, Any], index: int, source_frame: int
    ) -> None:
        write_video(tmp_path / "steps.mp4", seconds=1.0)
        assert abs(self.grey_at(tmp_path, index, **fields) - 8 * source_frame) <= 3

    @pytest.mark.slow
    def test_video_duration_follows_in_out_and_speed(self, tmp_path: Path) -> None:
        write_video(tmp_path / "steps.mp4", seconds=1.0)
        video = {
            "type": "video",
            "source_url": "steps.mp4",
            "in_point": 0.2,
            "out_point": 0.8,
            "speed": 2,
        }
        timeline, _ = timeline_of(canvas([video]), tmp_path)
        assert timeline.duration == Fraction(3, 10)


class TestMotions:
    def motion(self, kind: str, **fields: Any) -> MotionSpec:
        return MotionSpec(type=kind, time=1, duration=2, easing="linear", **fields)

    def test_entrance_amount_runs_from_0_to_1(self) -> None:
        fade = self.motion("fade")
        assert [motion_amount(fade, t, "entrance")[0] for t in (0.0, 1.0, 2.0, 3.0, 4.0)] == [
            0.0,
            0.0,
            0.5,
            1.0,
            1.0,
        ]

    def test_reversed_and_exit_presets_run_from_1_to_0(self) -> None:
        assert motion_amount(self.motion("fade", reversed=True), 2.5, "entrance")[0] == 0.25
        assert motion_amount(self.motion("zoom_out"), 2.5, "exit")[0] == 0.25

    def test_delay_loop_and_easing(self) -> None:
        assert motion_amount(self.motion("fade", delay=1), 2.0, "entrance")[0] == 0.0
        assert motion_amount(self.motion("fade", loop=True), 3.5, "entrance")[0] == 0.25
        eased = MotionSpec(type="fade", time=0, duration=1, easing="ease_in")
        assert motion_amount(eased, 0.5, "entrance")[0] == pytest.approx(0.125)

    def test_fade_halfway_gives_half_opacity(self, tmp_path: Path, red_png: Path) -> None:
        element = box(0, 2, motion=[{"type": "fade", "time": 0, "duration": 1, "easing": "linear"}])
        frame = frame_rgba(canvas([element], frame_rate=10), tmp_path, index=5)
        assert abs(int(frame[H // 2, W // 2, 0]) - 128) <= 2

    def test_slide_up_starts_below_and_ends_in_place(self, tmp_path: Path) -> None:
        write_png(tmp_path / "red.png", (255, 0, 0, 255), size=(20, 20))
        element = box(
            0,
            2,
            width=20,
            height=20,
            motion=[{"type": "slide_up", "time": 0, "duration": 1, "easing": "linear"}],
        )
        start = frame_rgba(canvas([element], frame_rate=10), tmp_path, index=5)
        rest = frame_rgba(canvas([element], frame_rate=10), tmp_path, index=15)
        rows_start = np.nonzero(start[..., 0] > 60)[0]
        rows_rest = np.nonzero(rest[..., 0] > 200)[0]
        assert rows_rest.min() == H // 2 - 10
        assert rows_start.min() == pytest.approx(H // 2 - 10 + 0.125 * H, abs=1.5)

    def test_zoom_in_scales_from_nothing(self, tmp_path: Path) -> None:
        write_png(tmp_path / "red.png", (255, 0, 0, 255), size=(40, 40))
        element = box(
            0,
            2,
            width=40,
            height=40,
            motion=[{"type": "zoom_in", "time": 0, "duration": 1, "easing": "linear"}],
        )
        assert frame_rgba(canvas([element], frame_rate=10), tmp_path, 0)[..., 0].max() == 0
        half = frame_rgba(canvas([element], frame_rate=10), tmp_path, 5)
        cols = np.nonzero(half[H // 2, :, 0] > 128)[0]
        assert cols.size == pytest.approx(20, abs=1)


class TestTransitions:
    def scene(self, tmp_path: Path, kind: str) -> dict[str, Any]:
        write_png(tmp_path / "red.png", (255, 0, 0, 255))
        write_png(tmp_path / "blue.png", (0, 0, 255, 255))
        a = {"type": "image", "id": "a", "source_url": "red.png", "time": 0, "duration": 2}
        b = {"type": "image", "id": "b", "source_url": "blue.png", "time": 2, "duration": 2}
        return canvas(
            [a, b],
            frame_rate=10,
            transitions=[{"type": kind, "duration": 1, "from_id": "a", "to_id": "b"}],
        )

    def at(self, tmp_path: Path, kind: str, index: int) -> np.ndarray:
        return frame_rgba(self.scene(tmp_path, kind), tmp_path, index)[..., :3].astype(int)

    @pytest.mark.parametrize("kind", ["cross_dissolve", "fade"])
    def test_cross_dissolve_is_centred_on_the_cut(self, tmp_path: Path, kind: str) -> None:
        assert tuple(self.at(tmp_path, kind, 14)[5, 5]) == (255, 0, 0)
        assert np.abs(self.at(tmp_path, kind, 20)[5, 5] - [128, 0, 127]).max() <= 2
        assert tuple(self.at(tmp_path, kind, 25)[5, 5]) == (0, 0, 255)

    def test_dip_to_black_and_white(self, tmp_path: Path) -> None:
        assert tuple(self.at(tmp_path, "dip_to_black", 20)[5, 5]) == (0, 0, 0)
        assert np.abs(self.at(tmp_path, "dip_to_black", 17)[5, 5] - [153, 0, 0]).max() <= 2
        assert np.abs(self.at(tmp_path, "dip_to_white", 22)[5, 5] - [153, 153, 255]).max() <= 2

    @pytest.mark.parametrize(
        ("kind", "incoming_at", "outgoing_at"),
        [
            ("wipe_left", (45, 150), (45, 10)),
            ("wipe_right", (45, 10), (45, 150)),
            ("wipe_up", (85, 80), (5, 80)),
            ("wipe_down", (5, 80), (85, 80)),
        ],
    )
    def test_wipes_reveal_the_incoming_element_from_the_named_side(
        self, tmp_path: Path, kind: str, incoming_at: tuple[int, int], outgoing_at: tuple[int, int]
    ) -> None:
        frame = self.at(tmp_path, kind, 20)
        assert tuple(frame[incoming_at]) == (0, 0, 255)
        assert tuple(frame[outgoing_at]) == (255, 0, 0)


class TestPictureTransitions:
    """Transitions that blend the two pictures (issue 7 writes them; the compositor draws
    the pair). A supported copy of `iris` is registered for the test."""

    @pytest.fixture(autouse=True)
    def iris_supported(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from dataclasses import replace

        from framelane.render.transitions import TRANSITIONS
        from framelane.render.transitions.shapes import IRIS

        monkeypatch.setitem(TRANSITIONS._entries, "iris", replace(IRIS, supported=True))

    def scene(self, tmp_path: Path, **extra: Any) -> dict[str, Any]:
        return TestTransitions().scene(tmp_path, "iris") | extra

    def test_the_incoming_picture_opens_from_the_centre(self, tmp_path: Path) -> None:
        data = self.scene(tmp_path)
        before = frame_rgba(data, tmp_path, 14)[..., :3].astype(int)
        middle = frame_rgba(data, tmp_path, 20)[..., :3].astype(int)
        after = frame_rgba(data, tmp_path, 25)[..., :3].astype(int)
        assert tuple(before[H // 2, W // 2]) == (255, 0, 0)
        assert tuple(middle[H // 2, W // 2]) == (0, 0, 255) and tuple(middle[1, 1]) == (255, 0, 0)
        assert tuple(after[1, 1]) == (0, 0, 255)

    def test_layers_above_the_pair_stay_on_top(self, tmp_path: Path) -> None:
        write_png(tmp_path / "green.png", (0, 255, 0, 255), size=(20, 20))
        data = self.scene(tmp_path)
        badge = {
            "type": "image",
            "id": "g",
            "source_url": "green.png",
            "duration": 4,
            "width": 20,
            "height": 20,
            "z_index": 1,
        }
        data["elements"] = [*data["elements"], badge]
        middle = frame_rgba(data, tmp_path, 20)[..., :3].astype(int)
        assert tuple(middle[H // 2, W // 2]) == (0, 255, 0)
        assert tuple(middle[H // 2, W // 2 + 20]) == (0, 0, 255)


class TestSoftInvariants:
    def codes(self, data: dict[str, Any], base: Path) -> list[tuple[str, str]]:
        timeline, _ = timeline_of(data, base)
        return [(w["code"], w["message"]) for w in timeline.warnings]

    def test_an_element_starting_after_the_end(self, tmp_path: Path, red_png: Path) -> None:
        found = self.codes(canvas([box(0, 1), box(3, 1, id="late")], duration=2), tmp_path)
        assert [c for c, _ in found] == ["element_after_end"]
        assert "elements[1]" in found[0][1]

    def test_no_visible_elements(self, tmp_path: Path, red_png: Path) -> None:
        found = self.codes(canvas([box(0, 1, visible=False)], duration=1), tmp_path)
        assert [c for c, _ in found] == ["empty_timeline"]

    def test_caption_words_outside_their_element(self, tmp_path: Path) -> None:
        words = [{"text": "early", "start": 0, "end": 0.5}, {"text": "late", "start": 5, "end": 6}]
        caption = {
            "type": "text",
            "text": "early late",
            "time": 1,
            "duration": 2,
            "word_animation": {"style": "box", "words": words},
        }
        found = self.codes(canvas([caption]), tmp_path)
        assert [c for c, _ in found] == ["word_outside_element"]
        assert "'early'" in found[0][1] and "'late'" in found[0][1]
