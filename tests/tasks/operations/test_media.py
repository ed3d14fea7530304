"""Content sniffing, limits and error codes for bad input."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import tasks_media
from numpy.typing import NDArray

from framelane.tasks.operations.base import TaskContext, TaskLimits
from framelane.tasks.operations.errors import MediaTooLarge, SourceCorrupt, UnsupportedMedia
from framelane.tasks.operations.media import check_frame_limits, probe_media
from framelane.tasks.operations.registry import get_operation
from framelane.tasks.operations.video_io import (
    format_for,
    iter_video_frames,
    open_writer,
    read_alpha_video,
)

SRC = "https://example.com/x"
pytestmark = pytest.mark.slow  # every test here decodes or encodes real media


def test_probe_identifies_image_video_and_audio(
    person_still: tuple[Path, NDArray[np.float32]],
    person_video: tuple[Path, list[NDArray[np.float32]]],
    speech_wav: Path,
) -> None:
    image = probe_media(person_still[0])
    assert (image.kind, image.width, image.height) == ("image", 480, 360)
    video = probe_media(person_video[0])
    assert (video.kind, video.width, video.height, video.has_audio) == ("video", 320, 240, True)
    assert video.fps == 25 and video.frame_count == 16
    audio = probe_media(speech_wav)
    assert audio.kind == "audio" and audio.duration > 2


def test_text_with_a_video_extension_is_unsupported_media(text_file: Path) -> None:
    with pytest.raises(UnsupportedMedia) as caught:
        probe_media(text_file)
    assert caught.value.code == "unsupported_media"


def test_empty_file_is_unsupported_media(tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(UnsupportedMedia):
        probe_media(empty)


def test_truncated_mp4_is_source_corrupt(truncated_mp4: Path) -> None:
    with pytest.raises(SourceCorrupt) as caught:
        probe_media(truncated_mp4)
    assert caught.value.code == "source_corrupt"


@pytest.mark.parametrize("slug", ["remove-background", "super-resolution", "gaze-redirect"])
def test_truncated_png_fails_every_image_task_as_corrupt(
    slug: str, truncated_png: Path, ctx: TaskContext
) -> None:
    op = get_operation(slug)
    with pytest.raises(SourceCorrupt):
        op.run(truncated_png, op.Params(source_url=SRC), ctx)


def test_frame_and_duration_limits(
    person_still: tuple[Path, NDArray[np.float32]],
    person_video: tuple[Path, list[NDArray[np.float32]]],
) -> None:
    small = TaskLimits(max_image_pixels=1000, max_video_pixels=1000, max_duration_s=0.1)
    with pytest.raises(MediaTooLarge) as caught:
        check_frame_limits(probe_media(person_still[0]), small)
    assert caught.value.code == "limit_exceeded"
    with pytest.raises(MediaTooLarge):
        check_frame_limits(probe_media(person_video[0]), small)
    short = TaskLimits(max_duration_s=0.1)
    with pytest.raises(MediaTooLarge, match="duration"):
        check_frame_limits(probe_media(person_video[0]), short)


def test_huge_image_is_refused_before_decoding(tmp_path: Path, ctx: TaskContext) -> None:
    from PIL import Image

    path = tmp_path / "huge.png"
    Image.new("L", (9000, 9000)).save(path)
    op = get_operation("super-resolution")
    with pytest.raises(MediaTooLarge):
        op.run(path, op.Params(source_url=SRC, scale=1), ctx)


@pytest.mark.parametrize("name", ["webm", "mov"])
def test_alpha_video_formats_keep_alpha_and_odd_sizes_are_handled(
    name: str, tmp_path: Path
) -> None:
    out = tmp_path / f"a.{name}"
    frame = np.zeros((31, 45, 4), np.uint8)
    frame[..., 1] = 200
    frame[5:20, 10:30, 3] = 255
    with open_writer(out, format_for(name, alpha=True), (45, 31), fps=Fraction(10)) as w:
        for _ in range(3):
            w.write(frame)
    decoded = list(read_alpha_video(out))
    assert len(decoded) == 3
    alpha = decoded[0][..., 3].astype(int)
    assert alpha[10, 20] > 240 and alpha[25, 5] < 15


def test_phone_rotation_is_applied_to_size_and_frames(tmp_path: Path) -> None:
    path = tmp_path / "rotated.mp4"
    frame = np.zeros((32, 64, 3), np.uint8)
    frame[:8, :8] = 255
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(10))
        stream.width, stream.height, stream.pix_fmt = 64, 32, "yuv420p"
        stream.set_display_rotation(90)
        for index in range(2):
            video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
            video_frame.pts = index
            out.mux(stream.encode(video_frame))
        out.mux(stream.encode(None))
    info = probe_media(path)
    assert (info.width, info.height) == (32, 64)
    first = next(iter_video_frames(path))
    assert first.shape == (64, 32, 3)
    assert first[60, 2].mean() > 200 and first[2, 2].mean() < 50


def test_sixteen_bit_and_float_greyscale_keep_their_tones(tmp_path: Path) -> None:
    from PIL import Image

    from framelane.tasks.operations.media import load_image_rgb

    ramp = np.tile(np.linspace(0, 65535, 64).astype(np.uint16), (8, 1))
    Image.fromarray(ramp).save(tmp_path / "deep.png")
    rgb = load_image_rgb(tmp_path / "deep.png")
    assert rgb.shape == (8, 64, 3)
    assert rgb[0, 0, 0] < 5 and 120 < rgb[0, 32, 0] < 135 and rgb[0, -1, 0] > 250


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    from PIL import Image

    from framelane.tasks.operations.media import load_image_rgb

    image = np.zeros((20, 40, 3), np.uint8)
    image[:5, :5] = 255
    pil = Image.fromarray(image)
    exif = pil.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    pil.save(tmp_path / "turned.jpg", exif=exif, quality=95)
    rgb = load_image_rgb(tmp_path / "turned.jpg")
    assert rgb.shape == (40, 20, 3)
    assert rgb[:5, -5:].mean() > 200 and rgb[:5, :5].mean() < 50


def _audio_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        return sum(f.samples / f.sample_rate for f in container.decode(audio=0))


@pytest.mark.parametrize(("name", "codec"), [("mp4", "aac"), ("webm", "opus"), ("mov", "aac")])
def test_audio_survives_copy_or_transcode(
    name: str,
    codec: str,
    person_video: tuple[Path, list[NDArray[np.float32]]],
    tmp_path: Path,
) -> None:
    source = person_video[0]
    out = tmp_path / f"out.{name}"
    with open_writer(out, format_for(name, alpha=False), (320, 240), Fraction(25), source) as w:
        for frame in iter_video_frames(source):
            w.write(frame)
    with av.open(str(out)) as container:
        assert container.streams.audio[0].codec_context.name == codec
    assert abs(_audio_seconds(out) - _audio_seconds(source)) < 0.1


@pytest.mark.parametrize("slug", ["remove-background", "super-resolution", "gaze-redirect"])
def test_transparency_of_a_still_is_kept(slug: str, tmp_path: Path, ctx: TaskContext) -> None:
    from PIL import Image

    face = tasks_media.grace_hopper()
    alpha = np.full(face.shape[:2], 255, np.uint8)
    alpha[:, :60] = 0
    path = tmp_path / "cutout.png"
    Image.fromarray(np.dstack([face, alpha])).save(path)
    op = get_operation(slug)
    result = op.run(path, op.Params(source_url=SRC), ctx)
    with Image.open(result.output_path) as out:
        assert out.mode == "RGBA"
        out_alpha = np.asarray(out)[..., 3]
    scale = out_alpha.shape[1] // face.shape[1]
    assert out_alpha[:, : 55 * scale].max() == 0
    if slug != "remove-background":
        assert out_alpha[:, 65 * scale :].min() == 255


def test_cover_art_does_not_make_an_mp3_a_video(
    speech_wav: Path, tmp_path: Path, ctx: TaskContext
) -> None:
    import json

    path = tasks_media.mp3_with_cover(speech_wav, tmp_path / "song.mp3")
    assert probe_media(path).kind == "audio"
    with pytest.raises(UnsupportedMedia):
        get_operation("remove-background").run(
            path, get_operation("remove-background").Params(source_url=SRC), ctx
        )
    op = get_operation("transcribe")
    result = op.run(path, op.Params(source_url=SRC), ctx)
    assert "upload" in json.loads(result.output_path.read_text())["text"].lower()
