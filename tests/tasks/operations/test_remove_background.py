"""remove-background on a person composited over a known background, and on a plain object."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest
import tasks_media
from numpy.typing import NDArray
from PIL import Image

from framelane.tasks.operations import matting
from framelane.tasks.operations.base import TaskContext
from framelane.tasks.operations.errors import TaskCancelled, UnsupportedMedia
from framelane.tasks.operations.remove_background import RemoveBackground, RemoveBackgroundParams
from framelane.tasks.operations.video_io import read_alpha_video

from .conftest import ProgressLog, cancel_after

SRC = "https://example.com/in"
OP = RemoveBackground()
pytestmark = pytest.mark.slow


def _params(**kw: object) -> RemoveBackgroundParams:
    return RemoveBackgroundParams.model_validate({"source_url": SRC, **kw})


def _alpha(path: Path) -> NDArray[np.float32]:
    with Image.open(path) as img:
        assert img.mode == "RGBA"
        return np.asarray(img, dtype=np.float32)[..., 3] / 255.0


@pytest.mark.parametrize("model", ["person", "general", "auto"])
def test_still_matte_matches_the_known_composite(
    model: str, person_still: tuple[Path, NDArray[np.float32]], ctx: TaskContext
) -> None:
    path, truth = person_still
    result = OP.run(path, _params(model=model), ctx)
    assert result.content_type == "image/png" and (result.width, result.height) == (480, 360)
    alpha = _alpha(result.output_path)
    assert tasks_media.iou(alpha, truth) >= 0.93
    assert float(np.abs(alpha - truth).mean()) < 0.04


def test_edges_are_soft_and_follow_the_image(
    person_still: tuple[Path, NDArray[np.float32]], ctx: TaskContext
) -> None:
    path, truth = person_still
    alpha = _alpha(OP.run(path, _params(model="person"), ctx).output_path)
    partial = (alpha > 0.05) & (alpha < 0.95)
    hard = (truth > 0.5).astype(np.uint8)
    edge = cv2.morphologyEx(hard, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    edge_band = cv2.dilate(edge, np.ones((9, 9), np.uint8))
    assert partial.sum() > 0
    assert (partial & (edge_band == 0)).sum() / partial.sum() < 0.25


def test_background_color_fills_instead_of_transparency(
    person_still: tuple[Path, NDArray[np.float32]], ctx: TaskContext
) -> None:
    path, truth = person_still
    result = OP.run(path, _params(background_color="#00ff00"), ctx)
    with Image.open(result.output_path) as img:
        assert img.mode == "RGB"
        rgb = np.asarray(img)
    background = rgb[truth < 0.01].astype(int)
    assert np.abs(background - [0, 255, 0]).mean() < 12


def test_auto_uses_the_general_model_without_a_face(tmp_path: Path, ctx: TaskContext) -> None:
    canvas = tasks_media.known_background(320, 240, seed=3)
    disc = np.zeros((240, 320), np.uint8)
    cv2.circle(disc, (160, 120), 70, 1, -1)
    canvas[disc > 0] = (230, 30, 30)
    path = tmp_path / "disc.png"
    Image.fromarray(canvas).save(path)
    rgb = np.asarray(Image.open(path).convert("RGB"))
    assert not matting.has_face(rgb)
    alpha = _alpha(OP.run(path, _params(), ctx).output_path)
    assert tasks_media.iou(alpha, disc.astype(np.float32)) >= 0.85


def test_video_to_webm_keeps_alpha_audio_and_a_stable_matte(
    person_video: tuple[Path, list[NDArray[np.float32]]], ctx: TaskContext, progress: ProgressLog
) -> None:
    path, truths = person_video
    result = OP.run(path, _params(model="person"), ctx)
    assert result.content_type == "video/webm" and result.output_path.suffix == ".webm"
    frames = list(read_alpha_video(result.output_path))
    assert len(frames) == len(truths)
    ious = [tasks_media.iou(f[..., 3] / 255.0, t) for f, t in zip(frames, truths, strict=True)]
    assert min(ious) >= 0.9
    alphas = np.stack([f[..., 3].astype(np.float32) / 255 for f in frames])
    flicker = np.abs(np.diff(alphas, axis=0)).mean()
    truth_motion = np.abs(np.diff(np.stack(truths), axis=0)).mean()
    assert flicker < truth_motion + 0.01
    with av.open(str(result.output_path)) as container:
        assert container.streams.audio and container.streams.audio[0].codec_context.name == "opus"
    assert progress.percents == sorted(progress.percents) and progress.percents[-1] == 100.0


def test_video_to_mov_prores_4444(
    person_video: tuple[Path, list[NDArray[np.float32]]], ctx: TaskContext
) -> None:
    path, truths = person_video
    result = OP.run(path, _params(model="person", output_format="mov"), ctx)
    with av.open(str(result.output_path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "prores" and "a" in stream.format.name
        assert container.streams.audio
    first = next(read_alpha_video(result.output_path))
    assert tasks_media.iou(first[..., 3] / 255.0, truths[0]) >= 0.9


def test_image_cannot_become_a_video(
    person_still: tuple[Path, NDArray[np.float32]], ctx: TaskContext
) -> None:
    with pytest.raises(UnsupportedMedia):
        OP.run(person_still[0], _params(output_format="webm"), ctx)


def test_audio_is_not_an_image_or_video(speech_wav: Path, ctx: TaskContext) -> None:
    with pytest.raises(UnsupportedMedia):
        OP.run(speech_wav, _params(), ctx)


def test_cancel_stops_between_frames(
    person_video: tuple[Path, list[NDArray[np.float32]]], tmp_path: Path
) -> None:
    answers = cancel_after(3)
    ctx = TaskContext(workdir=tmp_path, should_cancel=lambda: next(answers))
    with pytest.raises(TaskCancelled) as caught:
        OP.run(person_video[0], _params(model="person"), ctx)
    assert caught.value.code == "cancelled"
    assert list(tmp_path.iterdir()) == []


def test_odd_sized_video_reports_the_encoded_size(tmp_path: Path, ctx: TaskContext) -> None:
    background = tasks_media.known_background(161, 121)
    frame = tasks_media.composite_person(background, 0.2, (40, 10))[0]
    path = tmp_path / "odd.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 161, 121, "yuv444p"
        for index in range(3):
            video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
            video_frame.pts = index
            out.mux(stream.encode(video_frame))
        out.mux(stream.encode(None))
    result = OP.run(path, _params(model="person", background_color="#000000"), ctx)
    with av.open(str(result.output_path)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (result.width, result.height) == (160, 120)


def test_auto_finds_a_person_who_enters_after_the_first_frame(tmp_path: Path) -> None:
    from framelane.tasks.operations.remove_background import choose_model, sample_frames

    background = tasks_media.known_background(320, 240)
    person = tasks_media.composite_person(background, 0.4, (90, 20))[0]
    video = tasks_media.write_mp4([background] * 12 + [person] * 2, tmp_path / "enter.mp4")
    assert choose_model("auto", sample_frames(video)) == "person"
    assert choose_model("auto", sample_frames(video, (0, 5))) == "general"


class TestTemporalSmoother:
    def test_damps_noise_on_a_still_matte(self) -> None:
        rng = np.random.default_rng(0)
        base = np.zeros((40, 40), np.float32)
        base[10:30, 10:30] = 1.0
        smoother = matting.TemporalMatteSmoother()
        raw, smoothed = [], []
        for _ in range(30):
            noisy = np.clip(base + rng.normal(0, 0.05, base.shape), 0, 1).astype(np.float32)
            raw.append(noisy)
            smoothed.append(smoother.update(noisy).copy())
        raw_flicker = np.abs(np.diff(np.stack(raw[10:]), axis=0)).mean()
        smooth_flicker = np.abs(np.diff(np.stack(smoothed[10:]), axis=0)).mean()
        assert smooth_flicker < 0.6 * raw_flicker

    def test_follows_real_motion_at_once(self) -> None:
        smoother = matting.TemporalMatteSmoother()
        a = np.zeros((20, 20), np.float32)
        b = a.copy()
        b[:, 10:] = 1.0
        smoother.update(a)
        assert smoother.update(b)[:, 10:].min() == 1.0


def test_refinement_pulls_the_outline_onto_the_true_edge(
    person_still: tuple[Path, NDArray[np.float32]],
) -> None:
    path, truth = person_still
    rgb = np.asarray(Image.open(path).convert("RGB"))
    coarse = matting.sharpen_matte(matting.person_matte(rgb))
    upsampled = cv2.resize(coarse, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    refined = matting.refine_matte(rgb, coarse)
    hard = (truth > 0.5).astype(np.uint8)
    edge = cv2.morphologyEx(hard, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    band = cv2.dilate(edge, np.ones((11, 11), np.uint8)) > 0
    plain_error = float(np.abs(upsampled - truth)[band].mean())
    refined_error = float(np.abs(refined - truth)[band].mean())
    assert refined_error < 0.95 * plain_error


def test_big_frames_are_refined_and_blended_in_strips_with_the_same_result(
    person_still: tuple[Path, NDArray[np.float32]], monkeypatch: pytest.MonkeyPatch
) -> None:
    rgb = np.asarray(Image.open(person_still[0]).convert("RGB"))
    coarse = matting.sharpen_matte(matting.person_matte(rgb))
    whole = matting.refine_matte(rgb, coarse)
    whole_rgba = matting.compose_rgba(rgb, whole, (10, 200, 30, 128))
    monkeypatch.setattr(matting, "STRIP_PIXELS", 7_000)
    strips = matting.refine_matte(rgb, coarse)
    assert float(np.abs(strips - whole).max()) < 2e-3
    strips_rgba = matting.compose_rgba(rgb, whole, (10, 200, 30, 128))
    assert np.array_equal(strips_rgba, whole_rgba)


def test_long_videos_for_the_slow_object_model_are_refused(
    person_video: tuple[Path, list[NDArray[np.float32]]], tmp_path: Path
) -> None:
    from framelane.tasks.operations.base import TaskLimits
    from framelane.tasks.operations.errors import MediaTooLarge

    ctx = TaskContext(workdir=tmp_path, limits=TaskLimits(max_object_matte_frames=10))
    with pytest.raises(MediaTooLarge, match="general model"):
        OP.run(person_video[0], _params(model="general"), ctx)
    assert OP.run(person_video[0], _params(model="person"), ctx).output_path.exists()
