"""Writers: PyAV video+audio containers (mp4, webm, mov), GIF with a two-pass palette, and
PNG/JPEG stills. Integer PTS appear only here (time_base = 1 / fps, 1 / 48000)."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import av
import cv2
import numpy as np
from av.video.reformatter import ColorRange, VideoReformatter

from framelane.render.audio import SAMPLE_RATE, Samples
from framelane.render.errors import EncodeFailed
from framelane.render.pixels import Pixels, is_opaque, unpremultiply
from framelane.render.planar import PLANAR_FORMAT, to_planar

CONTENT_TYPES = {
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mov": "video/quicktime",
    "gif": "image/gif",
    "png": "image/png",
    "jpg": "image/jpeg",
}
BT709 = 1
STAGING_FRAMES = 4
"""Reused BGRA frames between the compositor and the encoder thread."""
QUEUED_FRAMES = 2
"""Frames waiting for the encoder thread (each pins one canvas-size frame)."""
_Job = tuple[str, Any, int, bool]
"""(kind "video" or "audio", frame or samples, frame index, recycle as staging)."""


@dataclass(frozen=True, slots=True)
class VideoCodec:
    name: str
    pix_fmt: str
    options: dict[str, str]
    audio: str
    alpha: bool


def video_codec(output_format: str, alpha: bool) -> VideoCodec:
    if output_format == "webm":
        vp9 = {"deadline": "realtime", "cpu-used": "8", "row-mt": "1", "crf": "30", "b": "0"}
        pix = "yuva420p" if alpha else "yuv420p"
        return VideoCodec("libvpx-vp9", pix, vp9, "libopus", alpha)
    if output_format == "mov" and alpha:
        prores = {"profile": "4", "vendor": "apl0", "qscale": "9"}
        return VideoCodec("prores_ks", "yuva444p10le", prores, "aac", True)
    return VideoCodec("libx264", "yuv420p", {"preset": "veryfast", "crf": "20"}, "aac", False)


class VideoWriter:
    """Encodes composited BGRA frames (premultiplied) and the mixed audio into one file."""

    def __init__(
        self,
        path: Path,
        output_format: str,
        size: tuple[int, int],
        fps: Fraction,
        alpha: bool,
        with_audio: bool,
    ) -> None:
        self.codec = video_codec(output_format, alpha)
        options = {"movflags": "+faststart"} if output_format in ("mp4", "mov") else {}
        try:
            self.container = av.open(str(path), "w", format=_muxer(output_format), options=options)
            self.stream = self._video_stream(size, fps)
            self.audio = self._audio_stream() if with_audio else None
        except (av.error.FFmpegError, ValueError) as error:
            raise EncodeFailed(f"cannot start the {output_format} encoder: {error}") from error
        self.reformatter = VideoReformatter()
        self.size = size
        self.audio_written = 0
        self.pending_audio = np.zeros((0, 2), np.float32)
        # Conversion to YUV, x264 submission and muxing run on one worker thread (PyAV releases
        # the GIL there), overlapping the next frame's compositing. A few reused staging frames
        # carry canvases to it; frames the scene hands over (`frame=`) are sent without a copy.
        self.staging: dict[str, queue.Queue[av.VideoFrame]] = {}
        self.staging_made: dict[str, int] = {}
        self.jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=QUEUED_FRAMES)
        self.failure: BaseException | None = None
        self.worker = threading.Thread(target=self._work, name="framelane-encode", daemon=True)
        self.worker.start()

    def _video_stream(self, size: tuple[int, int], fps: Fraction) -> av.VideoStream:
        stream = cast(
            av.VideoStream,
            self.container.add_stream(self.codec.name, rate=fps, options=self.codec.options),
        )
        stream.width, stream.height = _even(size[0]), _even(size[1])
        stream.pix_fmt = self.codec.pix_fmt
        stream.time_base = 1 / fps
        context = stream.codec_context
        context.thread_type = "FRAME"  # libx264 frame threads, not slices
        context.color_primaries = BT709
        context.color_trc = BT709
        context.colorspace = BT709
        context.color_range = ColorRange.MPEG
        return stream

    def _audio_stream(self) -> av.AudioStream:
        stream = cast(av.AudioStream, self.container.add_stream(self.codec.audio, rate=SAMPLE_RATE))
        stream.layout = "stereo"
        if self.codec.audio == "aac":
            stream.bit_rate = 192_000
        return stream

    def write_frame(self, bgra: Pixels, index: int, frame: av.VideoFrame | None = None) -> None:
        """Queue one premultiplied BGRA frame. `frame`, when given, is a clean av.VideoFrame
        over `bgra` (VideoFrame.from_numpy_buffer) whose pixels the caller hands over and never
        touches again: it is encoded without a copy."""
        if frame is None or self.codec.alpha:
            # Copying into a reused frame is far cheaper than VideoFrame.from_ndarray, which
            # allocates (and page-faults) 8 MB per 1080p frame.
            staging = self._staging_frame("bgra")
            np.copyto(plane_view(staging, *self.size), bgra)
            self._submit(("video", staging, index, True))
        else:
            self._submit(("video", frame, index, False))

    @property
    def accepts_planar(self) -> bool:
        """Whether frames may come composited in the output's own format: yuv420p of the
        canvas size (`planar_frame`, `write_planar`)."""
        return self.codec.pix_fmt == PLANAR_FORMAT and self.size == (
            self.stream.width,
            self.stream.height,
        )

    def planar_frame(self) -> av.VideoFrame:
        """A reused yuv420p frame of the canvas size for the scene to composite into; give it
        back with `write_planar` or `release_planar`."""
        return self._staging_frame(PLANAR_FORMAT)

    def write_planar(self, frame: av.VideoFrame, index: int) -> None:
        """Queue a frame from `planar_frame`, composited in the output's own format."""
        self._submit(("video", frame, index, True))

    def release_planar(self, frame: av.VideoFrame) -> None:
        self._staging_for(PLANAR_FORMAT).put(frame)

    def write_audio(self, samples: Samples) -> None:
        """Append mixed samples; whole encoder frames are sent as they fill up."""
        if self.audio is not None:
            self._submit(("audio", samples, 0, False))

    def _staging_for(self, pix_fmt: str) -> queue.Queue[av.VideoFrame]:
        return self.staging.setdefault(pix_fmt, queue.Queue())

    def _staging_frame(self, pix_fmt: str) -> av.VideoFrame:
        """A free staging frame of that format; they are made on first need (none when every
        frame is handed over), up to STAGING_FRAMES of each format."""
        free = self._staging_for(pix_fmt)
        while True:
            self._raise_failure()
            try:
                return free.get_nowait()
            except queue.Empty:
                pass
            if self.staging_made.get(pix_fmt, 0) < STAGING_FRAMES:
                self.staging_made[pix_fmt] = self.staging_made.get(pix_fmt, 0) + 1
                return av.VideoFrame(self.size[0], self.size[1], pix_fmt)
            try:
                return free.get(timeout=0.1)
            except queue.Empty:
                continue

    def _submit(self, job: _Job | None) -> None:
        while True:
            self._raise_failure()
            try:
                self.jobs.put(job, timeout=0.1)
                return
            except queue.Full:
                continue

    def _raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure
        if not self.worker.is_alive():
            raise EncodeFailed("the encoder thread stopped")

    def _work(self) -> None:
        try:
            while (job := self.jobs.get()) is not None:
                kind, payload, index, recycle = job
                if kind == "audio":
                    self._append_audio(payload)
                else:
                    self._encode_video(payload, index, recycle)
        except BaseException as error:  # handed to the rendering thread
            self.failure = error
            self._drain_jobs()

    def _drain_jobs(self) -> None:
        while True:
            try:
                self.jobs.get_nowait()
            except queue.Empty:
                return

    def _encode_video(self, frame: av.VideoFrame, index: int, recycle: bool) -> None:
        if frame.format.name == self.codec.pix_fmt:
            converted = frame  # composited in the output's own format (planar.py)
        else:
            if self.codec.alpha:
                view = plane_view(frame, *self.size)
                np.copyto(view, unpremultiply(view))
            converted = to_planar(
                self.reformatter,
                frame,
                (self.stream.width, self.stream.height),
                self.codec.pix_fmt,
            )
        converted.pts = index
        self._mux(self.stream.encode(converted))
        if recycle:
            self._staging_for(frame.format.name).put(frame)

    def _append_audio(self, samples: Samples) -> None:
        assert self.audio is not None
        self.pending_audio = np.concatenate([self.pending_audio, samples])
        size = self.audio.codec_context.frame_size or 1024
        while len(self.pending_audio) >= size:
            self._encode_audio(self.pending_audio[:size])
            self.pending_audio = self.pending_audio[size:]

    def _encode_audio(self, block: Samples) -> None:
        assert self.audio is not None
        planar = np.ascontiguousarray(block.T)
        frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self.audio_written
        frame.time_base = Fraction(1, SAMPLE_RATE)
        self.audio_written += len(block)
        self._mux(self.audio.encode(frame))

    def _mux(self, packets: list[Any]) -> None:
        try:
            self.container.mux(packets)
        except av.error.FFmpegError as error:
            raise EncodeFailed(f"muxing failed: {error}") from error

    def _finish_worker(self) -> None:
        """Let the worker finish what is queued, then stop it."""
        if self.worker.is_alive():
            self._submit(None)
            self.worker.join()
        if self.failure is not None:
            raise self.failure

    def close(self) -> None:
        """Encode what is queued, flush the encoders (encode(None)) and finish the file."""
        try:
            self._finish_worker()
            if self.audio is not None:
                if len(self.pending_audio):
                    self._encode_audio(self.pending_audio)
                    self.pending_audio = self.pending_audio[:0]
                self._mux(self.audio.encode(None))
            self._mux(self.stream.encode(None))
        finally:
            self.container.close()

    def abort(self) -> None:
        if self.worker.is_alive():
            self._drain_jobs()
            try:
                self.jobs.put(None, timeout=5)
            except queue.Full:
                pass
            self.worker.join(timeout=30)
        self.container.close()


def plane_view(frame: av.VideoFrame, width: int, height: int) -> Pixels:
    """A writable numpy view of a packed 4-byte frame's plane (rows may be padded)."""
    plane = frame.planes[0]
    array = np.frombuffer(memoryview(plane), np.uint8).reshape(height, plane.line_size // 4, 4)
    return array[:, :width]


def _muxer(output_format: str) -> str:
    return {"mp4": "mp4", "webm": "webm", "mov": "mov", "gif": "gif"}[output_format]


def _even(value: int) -> int:
    """4:2:0 chroma needs even dimensions."""
    return value + (value % 2)


def still_bytes(bgra: Pixels, output_format: str) -> bytes:
    """PNG keeps transparency (RGB when the frame is opaque); JPEG is flattened on black.
    OpenCV's encoders take BGR(A) as is and are several times faster than Pillow's."""
    if output_format == "jpg":
        # Premultiplied colour is the picture composited over black.
        ok, data = cv2.imencode(
            ".jpg", np.ascontiguousarray(bgra[..., :3]), [cv2.IMWRITE_JPEG_QUALITY, 92]
        )
    else:
        picture = bgra[..., :3] if is_opaque(bgra) else unpremultiply(bgra)
        ok, data = cv2.imencode(
            ".png", np.ascontiguousarray(picture), [cv2.IMWRITE_PNG_COMPRESSION, 1]
        )
    if not ok:
        raise EncodeFailed(f"cannot encode the {output_format} still")
    return bytes(data)
