"""gaze-redirect: make the eyes look into the camera, on images and videos.

Per frame, MediaPipe Face Mesh (with iris refinement) finds the eyes; `gaze_warp` moves each iris
toward the centre of its eye opening by `intensity` (0 = unchanged, 1 = fully centred). On video
the correction is stabilised over time, frames with no face pass through unchanged, and a video in
which no frame has a face fails with `no_face_detected`. The audio is kept (output: H.264 mp4).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from framelane.tasks.operations import gaze_warp
from framelane.tasks.operations.base import (
    ProgressMeter,
    TaskContext,
    TaskParams,
    TaskResult,
    coerce_params,
    describe_operation,
    reject_unsupported_fields,
)
from framelane.tasks.operations.errors import NoFaceDetected
from framelane.tasks.operations.media import (
    MediaInfo,
    check_frame_limits,
    load_image_with_alpha,
    probe_media,
    require_kind,
    save_png,
    with_alpha,
)
from framelane.tasks.operations.video_io import MP4_H264, Frame, transform_video


class GazeRedirectParams(TaskParams):
    """Body of `POST /v1/tasks/gaze-redirect`."""

    intensity: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="How far to move the irises toward the camera: 0 = unchanged, 1 = fully.",
        examples=[0.8],
    )


class FrameRedirector:
    """Per-video corrector: tracks the face, measures the landmark response now and then, and
    smooths the shared gaze shift over time."""

    probe_every = 10

    def __init__(self, intensity: float, fps: float, video: bool) -> None:
        self.intensity = intensity
        self.frames_with_face = 0
        self._mesh = gaze_warp.video_mesh() if video else None
        self._filter = gaze_warp.OneEuroFilter(fps) if video else None
        self._sensitivity: float | None = None

    def _update_sensitivity(self, rgb: Frame, eyes: tuple[gaze_warp.Eye, gaze_warp.Eye]) -> None:
        if self._sensitivity is not None and (self.frames_with_face - 1) % self.probe_every:
            return
        measured = gaze_warp.measure_sensitivity(rgb, eyes, gaze_warp.face_points)
        if measured is None:
            return
        old = self._sensitivity
        self._sensitivity = measured if old is None else 0.7 * old + 0.3 * measured

    def __call__(self, rgb: Frame) -> Frame:
        points = gaze_warp.face_points(rgb, self._mesh)
        if points is None:
            if self._filter is not None:
                self._filter.reset()
            return rgb
        self.frames_with_face += 1
        if self.intensity <= 0.0:
            return rgb
        eyes = gaze_warp.eyes_from_points(points)
        self._update_sensitivity(rgb, eyes)
        shift = gaze_warp.desired_shift(eyes, self.intensity, self._sensitivity or 1.0)
        if self._filter is not None:
            shift = self._filter(shift)
        return gaze_warp.redirect(rgb, eyes, gaze_warp.per_eye(eyes, shift))

    def close(self) -> None:
        """Release the tracking graph."""
        if self._mesh is not None:
            self._mesh.close()


class GazeRedirect:
    """The gaze-redirect operation."""

    task_type = "gaze_redirect"
    slug = "gaze-redirect"
    Params = GazeRedirectParams

    def check_supported(self, params: TaskParams) -> None:
        reject_unsupported_fields(params)

    def capabilities(self) -> dict[str, Any]:
        return describe_operation(
            self,
            notes={
                "input": "image or video with a face (detected from the content)",
                "output": "png for images, mp4 (H.264, audio kept) for videos",
                "method": "MediaPipe iris landmarks + geometric iris warp, One-Euro stabilised",
                "limits": "one face per frame (the most prominent); sideways gaze is corrected, "
                "a downward look only slightly (2D iris shift, eyelids are not re-drawn)",
            },
        )

    def run(self, input_path: Path, params: TaskParams, ctx: TaskContext) -> TaskResult:
        p = coerce_params(params, GazeRedirectParams)
        meter = ProgressMeter(ctx)
        info = probe_media(input_path)
        require_kind(info, "image", "video")
        check_frame_limits(info, ctx.limits)
        if info.kind == "image":
            return self._run_image(input_path, p, ctx, meter)
        return self._run_video(input_path, p, info, ctx, meter)

    def _run_image(
        self, path: Path, p: GazeRedirectParams, ctx: TaskContext, meter: ProgressMeter
    ) -> TaskResult:
        rgb, alpha = load_image_with_alpha(path)
        ctx.raise_if_cancelled()
        redirector = FrameRedirector(p.intensity, fps=1.0, video=False)
        out_rgb = redirector(rgb)
        if redirector.frames_with_face == 0:
            raise NoFaceDetected("no face was found in the image")
        meter.report(0.9, "encoding")
        out = save_png(with_alpha(out_rgb, alpha), ctx.workdir / "output.png")
        meter.report(1.0)
        return TaskResult(out, "image/png", rgb.shape[1], rgb.shape[0])

    def _run_video(
        self,
        path: Path,
        p: GazeRedirectParams,
        info: MediaInfo,
        ctx: TaskContext,
        meter: ProgressMeter,
    ) -> TaskResult:
        redirector = FrameRedirector(p.intensity, float(info.fps), video=True)
        out = ctx.workdir / "output.mp4"
        try:
            result = transform_video(
                path, out, info, MP4_H264, (info.width, info.height), redirector, ctx, meter
            )
        finally:
            redirector.close()
        if redirector.frames_with_face == 0:
            out.unlink(missing_ok=True)
            raise NoFaceDetected("no face was found in any frame of the video")
        meter.report(1.0, "encoding")
        return result
