"""gaze-redirect: make the eyes look into the camera, on images and videos.

Per frame, MediaPipe Face Mesh (with iris refinement) finds the eyes; `gaze_warp` moves each iris
toward the centre of its eye opening by `intensity` (0 = unchanged, 1 = fully centred). On video
the correction is stabilised over time, frames with no face pass through unchanged, and a video in
which no frame has a face fails with `no_face_detected`. The audio is kept (output: H.264 mp4).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from framelane.tasks.operations import gaze_warp
from framelane.tasks.operations.base import (
    ProgressMeter,
    RejectsUnsupportedFields,
    TaskContext,
    TaskParams,
    TaskResult,
    coerce_params,
    describe_operation,
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


class FaceTrack:
    """One face followed across frames: where it is, its landmark sensitivity, its shift filter."""

    def __init__(self, anchor: gaze_warp.Points, fps: float, video: bool) -> None:
        self.anchor = anchor
        self.frames = 0
        self.sensitivity: float | None = None
        self.filter = gaze_warp.OneEuroFilter(fps) if video else None


class FrameRedirector:
    """Per-video corrector: follows each face (up to `gaze_warp.MAX_FACES`), measures its landmark
    response now and then, and smooths its gaze shift over time."""

    probe_every = 10

    def __init__(self, intensity: float, fps: float, video: bool) -> None:
        self.intensity = intensity
        self.frames_with_face = 0
        self._fps, self._video = fps, video
        self._mesh = gaze_warp.video_mesh() if video else None
        self._tracks: list[FaceTrack] = []

    def _match(self, faces: list[gaze_warp.Points]) -> list[FaceTrack]:
        """The track of each face: the previous frame's nearest face within half an eye span."""
        matched: list[FaceTrack] = []
        for points in faces:
            anchor = points[gaze_warp.NOSE_BRIDGE]
            span = float(np.linalg.norm(points[468] - points[473]))
            track = self._nearest_track(anchor, 0.5 * span, matched)
            track = track or FaceTrack(anchor, self._fps, self._video)
            track.anchor = anchor
            matched.append(track)
        self._tracks = matched
        return matched

    def _nearest_track(
        self, anchor: gaze_warp.Points, radius: float, taken: list[FaceTrack]
    ) -> FaceTrack | None:
        distances = [
            (float(np.linalg.norm(track.anchor - anchor)), index)
            for index, track in enumerate(self._tracks)
            if track not in taken
        ]
        distance, index = min(distances, default=(float("inf"), -1))
        return self._tracks[index] if distance < radius else None

    def _update_sensitivity(
        self, track: FaceTrack, rgb: Frame, eyes: tuple[gaze_warp.Eye, gaze_warp.Eye]
    ) -> None:
        if track.sensitivity is not None and (track.frames - 1) % self.probe_every:
            return
        anchor = track.anchor
        measured = gaze_warp.measure_sensitivity(
            rgb, eyes, lambda image: gaze_warp.face_points(image, near=anchor)
        )
        if measured is None:
            return
        old = track.sensitivity
        track.sensitivity = measured if old is None else 0.7 * old + 0.3 * measured

    def _shifts(
        self, track: FaceTrack, rgb: Frame, eyes: tuple[gaze_warp.Eye, gaze_warp.Eye]
    ) -> tuple[gaze_warp.Points, gaze_warp.Points]:
        track.frames += 1
        self._update_sensitivity(track, rgb, eyes)
        shift = gaze_warp.desired_shift(eyes, self.intensity, track.sensitivity or 1.0)
        if track.filter is not None:
            shift = track.filter(shift)
        return gaze_warp.per_eye(eyes, shift)

    def __call__(self, rgb: Frame) -> Frame:
        faces = gaze_warp.all_face_points(rgb, self._mesh)
        tracks = self._match(faces)
        if not faces:
            return rgb
        self.frames_with_face += 1
        if self.intensity <= 0.0:
            return rgb
        corrections = []
        for points, track in zip(faces, tracks, strict=True):
            eyes = gaze_warp.eyes_from_points(points)
            corrections.append((eyes, self._shifts(track, rgb, eyes)))
        return gaze_warp.redirect_faces(rgb, corrections)

    def close(self) -> None:
        """Release the tracking graph."""
        if self._mesh is not None:
            self._mesh.close()


class GazeRedirect(RejectsUnsupportedFields):
    """The gaze-redirect operation."""

    task_type = "gaze_redirect"
    slug = "gaze-redirect"
    Params = GazeRedirectParams

    def capabilities(self) -> dict[str, Any]:
        return describe_operation(
            self,
            notes={
                "input": "image or video with a face (detected from the content)",
                "output": "png for images, mp4 (H.264, audio kept) for videos",
                "method": "MediaPipe iris landmarks + geometric iris warp, One-Euro stabilised",
                "limits": f"up to {gaze_warp.MAX_FACES} faces per frame; sideways gaze is "
                "corrected, a downward look only slightly (2D iris shift, lids are not re-drawn)",
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
