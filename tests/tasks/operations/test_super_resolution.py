"""super-resolution: fidelity against bicubic, tiling without seams, video with audio, limits."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest
import tasks_media
from numpy.typing import NDArray
from PIL import Image

from framelane.tasks.operations import super_resolution as sr
from framelane.tasks.operations.base import TaskContext, TaskLimits
from framelane.tasks.operations.errors import MediaTooLarge, TaskCancelled
from framelane.tasks.operations.super_resolution import SuperResolution, SuperResolutionParams

from .conftest import cancel_after

OP = SuperResolution()
pytestmark = pytest.mark.slow


def _params(scale: int) -> SuperResolutionParams:
    return SuperResolutionParams(source_url="https://example.com/x", scale=scale)


def _face_crop(size: int) -> NDArray[np.uint8]:
    face = tasks_media.grace_hopper()
    return np.ascontiguousarray(face[60 : 60 + size, 150 : 150 + size])


def _down(image: NDArray[np.uint8], factor: int) -> NDArray[np.uint8]:
    h, w = image.shape[:2]
    return np.asarray(cv2.resize(image, (w // factor, h // factor), interpolation=cv2.INTER_AREA))


def _save(image: NDArray[np.uint8], path: Path) -> Path:
    Image.fromarray(image).save(path)
    return path


def test_2x_beats_bicubic_by_a_decibel(tmp_path: Path, ctx: TaskContext) -> None:
    original = _face_crop(192)
    small = _down(original, 2)
    result = OP.run(_save(small, tmp_path / "small.png"), _params(2), ctx)
    assert (result.width, result.height) == (192, 192)
    upscaled = np.asarray(Image.open(result.output_path).convert("RGB"))
    bicubic = cv2.resize(small, (192, 192), interpolation=cv2.INTER_CUBIC)
    assert tasks_media.psnr(upscaled, original) >= tasks_media.psnr(bicubic, original) + 1.0


@pytest.mark.parametrize("scale", [1, 3, 4])
def test_other_scales_give_the_right_size_and_stay_faithful(
    scale: int, tmp_path: Path, ctx: TaskContext
) -> None:
    source = _face_crop(72) if scale > 1 else _face_crop(120)
    result = OP.run(_save(source, tmp_path / "in.png"), _params(scale), ctx)
    out = np.asarray(Image.open(result.output_path).convert("RGB"))
    assert out.shape == (source.shape[0] * scale, source.shape[1] * scale, 3)
    assert tasks_media.psnr(_down(out, scale), source) > 30.0


def test_tiles_leave_no_seams(monkeypatch: pytest.MonkeyPatch) -> None:
    source = np.ascontiguousarray(tasks_media.grace_hopper()[100:360, 50:350])
    tiled = sr.upscale_frame(source, 2)
    monkeypatch.setattr(sr, "_TILE", 1024)
    whole = sr.upscale_frame(source, 2)
    assert tasks_media.psnr(tiled, whole) > 38.0


def test_video_is_upscaled_frame_by_frame_with_audio(
    media_dir: Path, speech_wav: Path, ctx: TaskContext
) -> None:
    frames = [_down(_face_crop(192), 2)[:, :, :] for _ in range(4)]
    path = tasks_media.write_mp4(frames, media_dir / "sr-in.mp4", audio=speech_wav)
    result = OP.run(path, _params(2), ctx)
    assert (result.content_type, result.width, result.height) == ("video/mp4", 192, 192)
    with av.open(str(result.output_path)) as container:
        assert container.streams.audio
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(decoded) == 4 and decoded[0].shape == (192, 192, 3)
    with av.open(str(path)) as container:
        source = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)][-1]
    bicubic = cv2.resize(source, (192, 192), interpolation=cv2.INTER_CUBIC)
    original = _face_crop(192)
    assert tasks_media.psnr(decoded[-1], original) > tasks_media.psnr(bicubic, original) + 0.5


def test_output_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    ctx = TaskContext(workdir=tmp_path, limits=TaskLimits(max_output_image_pixels=100_000))
    path = _save(_face_crop(200), tmp_path / "in.png")
    with pytest.raises(MediaTooLarge):
        OP.run(path, _params(4), ctx)


def test_cancel_is_checked_between_tiles(tmp_path: Path) -> None:
    answers = cancel_after(1)
    ctx = TaskContext(workdir=tmp_path, should_cancel=lambda: next(answers))
    path = _save(np.ascontiguousarray(tasks_media.grace_hopper()[:400, :400]), tmp_path / "in.png")
    with pytest.raises(TaskCancelled):
        OP.run(path, _params(2), ctx)


def test_long_videos_are_refused_before_hours_of_work(
    person_video: tuple[Path, list[NDArray[np.float32]]], tmp_path: Path
) -> None:
    limits = TaskLimits(max_upscale_megapixel_frames=1.0)  # the clip is 16 x 0.077 MP
    with pytest.raises(MediaTooLarge, match="megapixel-frames"):
        OP.run(person_video[0], _params(2), TaskContext(workdir=tmp_path, limits=limits))
