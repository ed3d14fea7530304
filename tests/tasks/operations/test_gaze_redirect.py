"""gaze-redirect on the portrait with irises pushed sideways by a known amount.

The portrait's subject looks into the camera, so the error is measured (with an independent
face-mesh call) as the distance of each iris from where it is in the untouched portrait.
"""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest
import tasks_media
from numpy.typing import NDArray
from PIL import Image

from framelane.tasks.operations.base import TaskContext
from framelane.tasks.operations.errors import NoFaceDetected
from framelane.tasks.operations.gaze_redirect import GazeRedirect, GazeRedirectParams

OP = GazeRedirect()
pytestmark = pytest.mark.slow


def _params(intensity: float = 1.0) -> GazeRedirectParams:
    return GazeRedirectParams(source_url="https://example.com/face.mp4", intensity=intensity)


def _load(path: Path) -> NDArray[np.uint8]:
    return np.asarray(Image.open(path).convert("RGB"))


def _error(image: NDArray[np.uint8]) -> float:
    reference = tasks_media.face_landmarks(tasks_media.portrait(1.0))
    points = tasks_media.face_landmarks(image)
    assert reference is not None and points is not None
    return tasks_media.iris_error(points, reference)


def _eye_box_mask(image: NDArray[np.uint8], pad: int = 24) -> NDArray[np.bool_]:
    points = tasks_media.face_landmarks(image)
    assert points is not None
    mask = np.zeros(image.shape[:2], bool)
    for eye, _centre, _ring in tasks_media.EYES:
        x0, y0 = points[eye].min(axis=0).astype(int) - pad
        x1, y1 = points[eye].max(axis=0).astype(int) + pad
        mask[max(0, y0) : y1, max(0, x0) : x1] = True
    return mask


@pytest.mark.parametrize("shift", [(-0.25, 0.0), (0.2, 0.0)])
def test_irises_move_back_toward_the_camera(
    shift: tuple[float, float], tmp_path: Path, ctx: TaskContext
) -> None:
    side = tasks_media.sideways_face(1.0, shift)
    path = tmp_path / "side.png"
    Image.fromarray(side).save(path)
    result = OP.run(path, _params(), ctx)
    assert result.content_type == "image/png"
    before, after = _error(side), _error(_load(result.output_path))
    assert before > 0.08
    assert after <= 0.4 * before


def test_only_the_eyes_change(sideways_face: Path, ctx: TaskContext) -> None:
    source = _load(sideways_face)
    out = _load(OP.run(sideways_face, _params(), ctx).output_path)
    eyes = _eye_box_mask(source)
    assert np.array_equal(out[~eyes], source[~eyes])
    assert np.abs(out[eyes].astype(int) - source[eyes]).max() > 30


def test_intensity_scales_the_correction(sideways_face: Path, tmp_path: Path) -> None:
    errors = {}
    for intensity in (0.0, 0.5, 1.0):
        workdir = tmp_path / str(intensity)
        workdir.mkdir()
        result = OP.run(sideways_face, _params(intensity), TaskContext(workdir=workdir))
        errors[intensity] = _error(_load(result.output_path))
        if intensity == 0.0:
            assert np.array_equal(_load(result.output_path), _load(sideways_face))
    assert errors[1.0] < errors[0.5] < errors[0.0]


def test_image_without_a_face_fails(tmp_path: Path, ctx: TaskContext) -> None:
    path = tmp_path / "bg.png"
    Image.fromarray(tasks_media.known_background(200, 150)).save(path)
    with pytest.raises(NoFaceDetected) as caught:
        OP.run(path, _params(), ctx)
    assert caught.value.code == "no_face_detected"


def test_video_is_corrected_steadily_and_faceless_frames_pass_through(
    sideways_video: Path, ctx: TaskContext
) -> None:
    result = OP.run(sideways_video, _params(), ctx)
    assert result.content_type == "video/mp4"
    with av.open(str(result.output_path)) as container:
        assert container.streams.audio
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    with av.open(str(sideways_video)) as container:
        sources = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == len(sources) == 12
    before = _error(sources[0])
    errors = [_error(frame) for frame in frames[:8]]
    assert max(errors) <= 0.5 * before
    assert float(np.std(errors)) < 0.01
    for frame, source in zip(frames[8:], sources[8:], strict=True):
        assert tasks_media.psnr(frame, source) > 38.0


def test_video_without_any_face_fails_and_leaves_nothing(
    faceless_video: Path, ctx: TaskContext
) -> None:
    with pytest.raises(NoFaceDetected):
        OP.run(faceless_video, _params(), ctx)
    assert list(ctx.workdir.iterdir()) == []


def test_video_correction_is_steadier_than_frame_by_frame() -> None:
    """A slowly moving head: after undoing the known motion, the eyes should barely change."""
    from framelane.tasks.operations.gaze_redirect import FrameRedirector

    side = tasks_media.sideways_face(1.0, (-0.25, 0.0))
    height, width = side.shape[:2]
    points = tasks_media.face_landmarks(side)
    assert points is not None
    x0, y0 = (points[468:478].min(axis=0) - 25).astype(int)
    x1, y1 = (points[468:478].max(axis=0) + 25).astype(int)
    moves = [(3 * np.sin(i / 3.0), 2 * np.cos(i / 4.0)) for i in range(24)]

    def translate(image: NDArray[np.uint8], dx: float, dy: float) -> NDArray[np.uint8]:
        matrix = np.float32([[1, 0, dx], [0, 1, dy]])
        return np.asarray(
            cv2.warpAffine(
                image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT
            )
        )

    frames = [translate(side, dx, dy) for dx, dy in moves]

    def eye_flicker(outputs: list[NDArray[np.uint8]]) -> float:
        still = np.stack(
            [
                translate(o, -dx, -dy)[y0:y1, x0:x1].astype(np.float32)
                for o, (dx, dy) in zip(outputs, moves, strict=True)
            ]
        )
        return float(np.abs(np.diff(still[3:], axis=0)).mean())

    tracked = FrameRedirector(1.0, fps=25.0, video=True)
    baseline = eye_flicker(frames)
    steady = eye_flicker([tracked(f) for f in frames]) - baseline
    independent = eye_flicker([FrameRedirector(1.0, fps=25.0, video=False)(f) for f in frames])
    assert steady < 0.85 * (independent - baseline)


class TestOneEuroFilter:
    def test_damps_landmark_noise_on_a_still_gaze(self) -> None:
        from framelane.tasks.operations.gaze_warp import OneEuroFilter

        rng = np.random.default_rng(3)
        one_euro = OneEuroFilter(fps=25.0)
        noisy = 0.1 + rng.normal(0, 0.01, size=(100, 2))
        smooth = np.array([one_euro(v) for v in noisy])
        assert (
            np.abs(np.diff(smooth[20:], axis=0)).mean()
            < 0.3 * np.abs(np.diff(noisy[20:], axis=0)).mean()
        )

    def test_follows_a_real_eye_movement_within_a_few_frames(self) -> None:
        from framelane.tasks.operations.gaze_warp import OneEuroFilter

        one_euro = OneEuroFilter(fps=25.0)
        for _ in range(10):
            one_euro(np.array([0.0, 0.0]))
        out = [one_euro(np.array([0.3, 0.0]))[0] for _ in range(5)]
        assert out[-1] > 0.24


def test_video_cancel_leaves_no_output(sideways_video: Path, tmp_path: Path) -> None:
    from framelane.tasks.operations.errors import TaskCancelled

    from .conftest import cancel_after

    answers = cancel_after(2)
    ctx = TaskContext(workdir=tmp_path, should_cancel=lambda: next(answers))
    with pytest.raises(TaskCancelled):
        OP.run(sideways_video, _params(), ctx)
    assert list(tmp_path.iterdir()) == []


def test_every_face_in_a_group_shot_is_corrected(tmp_path: Path, ctx: TaskContext) -> None:
    left = tasks_media.sideways_face(1.0, (-0.25, 0.0))
    right = tasks_media.sideways_face(1.0, (0.2, 0.0))
    path = tmp_path / "pair.png"
    Image.fromarray(np.hstack([left, right])).save(path)
    out = _load(OP.run(path, _params(), ctx).output_path)
    width = left.shape[1]
    for before, after in ((left, out[:, :width]), (right, out[:, width:])):
        assert _error(np.ascontiguousarray(after)) <= 0.5 * _error(before)


def test_two_faces_in_a_video_are_followed_separately(tmp_path: Path, ctx: TaskContext) -> None:
    left = tasks_media.sideways_face(1.0, (-0.25, 0.0))
    right = tasks_media.sideways_face(1.0, (0.2, 0.0))
    pair = np.hstack([left, right])
    video = tasks_media.write_mp4([pair] * 6, tmp_path / "pair.mp4")
    result = OP.run(video, _params(), ctx)
    with av.open(str(result.output_path)) as container:
        last = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)][-1]
    width = left.shape[1]
    for before, after in ((left, last[:, :width]), (right, last[:, width:])):
        assert _error(np.ascontiguousarray(after)) <= 0.5 * _error(before)
