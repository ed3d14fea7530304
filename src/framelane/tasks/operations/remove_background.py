"""remove-background: cut the subject out of an image or a video.

- `person`: MediaPipe selfie segmentation, temporally smoothed on video so it does not flicker.
- `general`: U²-Net-p (any salient object), slower; best for stills.
- `auto`: `person` when a face is found (in one of the first 50 frames of a video), else `general`.

The model's coarse matte is refined with a fast colour guided filter against the frame, so edges
follow the image instead of the model's small grid. Output: RGBA PNG for images; WebM VP9 `yuva420p`
(alpha that decodes back with libvpx) or MOV ProRes 4444 for videos, audio kept. With
`background_color` the subject is blended over that colour instead of transparency.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, field_validator

from framelane.tasks.operations import matting
from framelane.tasks.operations.base import (
    ProgressMeter,
    RejectsUnsupportedFields,
    TaskContext,
    TaskParams,
    TaskResult,
    coerce_params,
    describe_operation,
)
from framelane.tasks.operations.errors import MediaTooLarge, UnsupportedMedia
from framelane.tasks.operations.media import (
    MediaInfo,
    check_frame_limits,
    load_image_with_alpha,
    probe_media,
    require_kind,
    save_png,
)
from framelane.tasks.operations.video_io import (
    Frame,
    format_for,
    iter_video_frames,
    transform_video,
)

_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
MatteModel = Literal["auto", "person", "general"]
_AUTO_SAMPLES = (0, 12, 25, 50)  # frames `auto` looks at for a face (fade-ins, late entrances)


class RemoveBackgroundParams(TaskParams):
    """Body of `POST /v1/tasks/remove-background`."""

    model: MatteModel = Field(
        "auto",
        description="`person` (fast, video-ready), `general` (any salient object), or `auto`.",
        examples=["person"],
    )
    output_format: Literal["png", "webm", "mov"] | None = Field(
        None,
        description="`png` for images; `webm` (VP9 with alpha) or `mov` (ProRes 4444) for videos. "
        "Default: png for images, webm for videos.",
        examples=["webm"],
    )
    background_color: str | None = Field(
        None,
        description="Fill colour `#rrggbb` or `#rrggbbaa` instead of transparency.",
        examples=["#00ff00"],
    )

    @field_validator("background_color")
    @classmethod
    def _hex_color(cls, value: str | None) -> str | None:
        if value is not None and not _HEX_COLOR.match(value):
            raise ValueError("must be a colour like #rrggbb or #rrggbbaa")
        return value

    def background_rgba(self) -> tuple[int, int, int, int] | None:
        """`background_color` as an RGBA tuple, or None for a transparent result."""
        if self.background_color is None:
            return None
        digits = self.background_color[1:]
        channels = [int(digits[i : i + 2], 16) for i in range(0, len(digits), 2)]
        return (channels[0], channels[1], channels[2], channels[3] if len(channels) == 4 else 255)


class FrameMatter:
    """Turns RGB frames into RGBA (or filled RGB) frames with one model, refined and smoothed."""

    def __init__(
        self,
        model: Literal["person", "general"],
        background: tuple[int, int, int, int] | None,
        video: bool,
    ) -> None:
        self._model = model
        self._background = background
        self._video = video
        self._smoother = matting.TemporalMatteSmoother() if video else None

    def matte(self, rgb: Frame) -> matting.Matte:
        """The refined matte of one frame, at the frame's size."""
        if self._model == "person":
            landscape = self._video and rgb.shape[1] > rgb.shape[0]
            coarse = matting.sharpen_matte(matting.person_matte(rgb, landscape=landscape))
        else:
            coarse = matting.sharpen_matte(matting.general_matte(rgb), 0.2, 0.8)
        if self._smoother is not None:
            coarse = self._smoother.update(coarse)
        return matting.refine_matte(rgb, coarse, work_side=320 if self._video else 640)

    def __call__(self, rgb: Frame) -> Frame:
        return matting.compose_rgba(rgb, self.matte(rgb), self._background)


def choose_model(model: MatteModel, samples: Iterable[Frame]) -> Literal["person", "general"]:
    """Resolve `auto`: person when a face is visible in any sample, else the general model."""
    if model != "auto":
        return model
    return "person" if any(matting.has_face(frame) for frame in samples) else "general"


def sample_frames(path: Path, indexes: tuple[int, ...] = _AUTO_SAMPLES) -> Iterator[Frame]:
    """Frames at `indexes` (those the video has), decoded lazily from the start."""
    wanted = set(indexes)
    for index, frame in enumerate(iter_video_frames(path)):
        if index in wanted:
            yield frame
        if index >= max(indexes):
            return


def _output_format(params: RemoveBackgroundParams, info: MediaInfo) -> str:
    wanted = params.output_format or ("png" if info.kind == "image" else "webm")
    if info.kind == "image" and wanted != "png":
        raise UnsupportedMedia(f"output_format '{wanted}' needs a video source; use png for images")
    if info.kind == "video" and wanted == "png":
        raise UnsupportedMedia("output_format 'png' needs an image source; use webm or mov")
    return wanted


class RemoveBackground(RejectsUnsupportedFields):
    """The remove-background operation."""

    task_type = "remove_background"
    slug = "remove-background"
    Params = RemoveBackgroundParams

    def capabilities(self) -> dict[str, Any]:
        return describe_operation(
            self,
            notes={
                "input": "image or video (detected from the content)",
                "output": "png (RGBA) for images; webm VP9 yuva420p or mov ProRes 4444 for videos",
            },
        )

    def run(self, input_path: Path, params: TaskParams, ctx: TaskContext) -> TaskResult:
        p = coerce_params(params, RemoveBackgroundParams)
        meter = ProgressMeter(ctx)
        info = probe_media(input_path)
        require_kind(info, "image", "video")
        check_frame_limits(info, ctx.limits)
        out_format = _output_format(p, info)
        if info.kind == "image":
            return self._run_image(input_path, p, ctx, meter)
        return self._run_video(input_path, p, info, out_format, ctx, meter)

    def _run_image(
        self, path: Path, p: RemoveBackgroundParams, ctx: TaskContext, meter: ProgressMeter
    ) -> TaskResult:
        rgb, alpha = load_image_with_alpha(path)
        ctx.raise_if_cancelled()
        matter = FrameMatter(choose_model(p.model, [rgb]), p.background_rgba(), video=False)
        meter.report(0.2)
        matte = matter.matte(rgb)
        if alpha is not None:  # what was already transparent stays transparent
            matte *= alpha.astype(np.float32) / 255
        rgba = matting.compose_rgba(rgb, matte, p.background_rgba())
        if p.background_rgba() is not None and rgba[..., 3].min() == 255:
            rgba = np.ascontiguousarray(rgba[..., :3])
        meter.report(0.9, "encoding")
        out = save_png(rgba, ctx.workdir / "output.png")
        meter.report(1.0)
        return TaskResult(out, "image/png", width=rgb.shape[1], height=rgb.shape[0])

    def _run_video(
        self,
        path: Path,
        p: RemoveBackgroundParams,
        info: MediaInfo,
        out_format: str,
        ctx: TaskContext,
        meter: ProgressMeter,
    ) -> TaskResult:
        background = p.background_rgba()
        alpha = background is None or background[3] < 255
        fmt = format_for(out_format, alpha)
        model = choose_model(p.model, sample_frames(path))
        if model == "general" and info.frame_count > ctx.limits.max_object_matte_frames:
            raise MediaTooLarge(
                f"the general model takes up to a second a frame; {info.frame_count} frames exceed "
                f"the limit of {ctx.limits.max_object_matte_frames} (use model 'person' for people)"
            )
        matter = FrameMatter(model, background, video=True)
        per_frame: Callable[[Frame], Frame] = matter
        if not alpha:
            per_frame = lambda rgb: matter(rgb)[..., :3]  # noqa: E731
        out = ctx.workdir / f"output{fmt.suffix}"
        size = (info.width, info.height)
        result = transform_video(path, out, info, fmt, size, per_frame, ctx, meter)
        meter.report(1.0, "encoding")
        return result
