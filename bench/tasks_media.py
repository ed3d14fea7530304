"""Synthetic media with known answers, for `bench/tasks_bench.py` and `tests/tasks/operations`.

- a person (matplotlib's `grace_hopper.jpg`) cut out with a fixed reference matte and pasted over
  a known, busy background: the true matte of the composite is exactly that reference;
- speech from `espeak-ng` with the sentences it says;
- a face whose irises were shifted sideways by a known fraction of the eye width;
- small mp4 files with an audio track, written with PyAV directly (not with the code under test).
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from numpy.typing import NDArray

U8 = NDArray[np.uint8]
F32 = NDArray[np.float32]

RIGHT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246]
LEFT_EYE = [362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398]
EYES = ((RIGHT_EYE, 468, [469, 470, 471, 472]), (LEFT_EYE, 473, [474, 475, 476, 477]))

SENTENCES = [
    "Good morning everyone, today we will talk about the weather in the mountains.",
    "It has been raining for three days and the rivers are very high.",
    "The farmers are worried about their crops.",
    "Tomorrow the sun should come back and we can all go outside again.",
    "Please upload the video before the meeting starts.",
    "The library opens at nine in the morning and closes at six.",
    "My sister bought a new car last week.",
    "We need more paper for the printer in the office.",
    "The train to the city leaves every twenty minutes.",
    "Thank you for listening and have a wonderful afternoon.",
    "Please remember to water the plants on Friday.",
    "The children played in the garden until it was dark.",
]


@functools.cache
def grace_hopper() -> U8:
    """The 512x600 RGB portrait that ships inside matplotlib."""
    import matplotlib.cbook as cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    return np.ascontiguousarray(bgr[..., ::-1])


@functools.cache
def reference_matte() -> F32:
    """A fixed, cleaned person matte of `grace_hopper()`; the truth for every composite below."""
    import mediapipe as mp

    with mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0) as seg:
        mask = seg.process(grace_hopper()).segmentation_mask
    hard = (mask > 0.5).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    hard = cv2.morphologyEx(cv2.morphologyEx(hard, cv2.MORPH_OPEN, kernel), cv2.MORPH_CLOSE, kernel)
    return cv2.GaussianBlur(hard.astype(np.float32), (0, 0), 1.0)


def known_background(width: int, height: int, seed: int = 7) -> U8:
    """A busy but deterministic background: colour gradients plus large soft blobs."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack(
        [80 + 120 * xx / width, 150 + 60 * np.sin(yy / 37.0), 90 + 100 * yy / height], axis=-1
    )
    for _ in range(6):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        radius = rng.uniform(0.05, 0.2) * max(width, height)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * radius**2))
        base += blob[..., None] * rng.uniform(-90, 90, size=3)
    return np.clip(base, 0, 255).astype(np.uint8)


def composite_person(background: U8, scale: float, offset: tuple[int, int]) -> tuple[U8, F32]:
    """Paste the person over `background` (scaled, top-left at `offset`): image, true matte."""
    person = cv2.resize(grace_hopper(), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    matte = cv2.resize(reference_matte(), (person.shape[1], person.shape[0]))
    height, width = background.shape[:2]
    x0, y0 = offset
    x1, y1 = min(width, x0 + person.shape[1]), min(height, y0 + person.shape[0])
    full_matte = np.zeros((height, width), np.float32)
    full_matte[y0:y1, x0:x1] = matte[: y1 - y0, : x1 - x0]
    layer = np.zeros_like(background)
    layer[y0:y1, x0:x1] = person[: y1 - y0, : x1 - x0]
    alpha = full_matte[..., None]
    out = layer.astype(np.float32) * alpha + background.astype(np.float32) * (1 - alpha)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), full_matte


def iou(a: NDArray[np.floating], b: NDArray[np.floating], threshold: float = 0.5) -> float:
    """Intersection over union of two mattes thresholded at `threshold`."""
    ha, hb = a > threshold, b > threshold
    return float((ha & hb).sum() / max(1, (ha | hb).sum()))


def psnr(a: U8, b: U8) -> float:
    """Peak signal-to-noise ratio in dB between two uint8 images."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10.0 * float(np.log10(255.0**2 / mse))


def speak(text: str, path: Path, speed: int = 150) -> Path:
    """Write `text` spoken by espeak-ng (en-us) to the WAV file `path`."""
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", str(speed), "-w", str(path), text],
        check=True,
        capture_output=True,
    )
    return path


def silence_wav(path: Path, seconds: float, rate: int = 16000) -> Path:
    """Write `seconds` of near-silence (very faint noise) as a 16-bit mono WAV."""
    import wave

    noise = (np.random.default_rng(1).normal(0, 3, int(seconds * rate))).astype(np.int16)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(noise.tobytes())
    return path


def write_mp4(frames: Iterable[U8], path: Path, fps: int = 25, audio: Path | None = None) -> Path:
    """Encode RGB frames as H.264 mp4, with the audio of `audio` (AAC) when given."""
    with av.open(str(path), "w") as out:
        stream = None
        audio_in = av.open(str(audio)) if audio else None
        audio_out = out.add_stream("aac", rate=audio_in.streams.audio[0].rate) if audio_in else None
        for index, frame in enumerate(frames):
            if stream is None:
                stream = out.add_stream("libx264", rate=Fraction(fps))
                stream.height, stream.width = frame.shape[0], frame.shape[1]
                stream.pix_fmt = "yuv420p"
                stream.options = {"preset": "ultrafast", "crf": "16"}
            video_frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
            video_frame.pts = index
            out.mux(stream.encode(video_frame))
        assert stream is not None
        out.mux(stream.encode(None))
        if audio_in is not None and audio_out is not None:
            resampler = av.AudioResampler("fltp", "mono", audio_out.rate, frame_size=1024)
            for audio_frame in audio_in.decode(audio=0):
                audio_frame.pts = None
                for chunk in resampler.resample(audio_frame):
                    out.mux(audio_out.encode(chunk))
            out.mux(audio_out.encode(None))
            audio_in.close()
    return path


def face_landmarks(rgb: U8) -> NDArray[np.float64] | None:
    """478 face-mesh landmarks in pixels, or None when no face is found."""
    import mediapipe as mp

    with mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True, max_num_faces=1, refine_landmarks=True, min_detection_confidence=0.3
    ) as mesh:
        result = mesh.process(rgb)
    if not result.multi_face_landmarks:
        return None
    height, width = rgb.shape[:2]
    return np.array([(p.x * width, p.y * height) for p in result.multi_face_landmarks[0].landmark])


def iris_error(points: NDArray[np.float64], reference: NDArray[np.float64]) -> float:
    """Mean distance of both iris centres from where they are in `reference`, in eye widths.

    `reference` is the landmarks of the untouched portrait, whose subject looks into the camera,
    so 0 means "looking at the camera" and the value is independent of the code under test.
    """
    errors = []
    for eye, centre, _ring in EYES:
        width = float(np.linalg.norm(reference[eye[0]] - reference[eye[8]]))
        errors.append(float(np.linalg.norm(points[centre] - reference[centre])) / width)
    return float(np.mean(errors))


def shift_irises(rgb: U8, points: NDArray[np.float64], shift: tuple[float, float]) -> U8:
    """Move both irises by `shift` (fractions of the eye width) inside the eye openings."""
    height, width = rgb.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    map_x, map_y = xx.copy(), yy.copy()
    for eye, centre, ring in EYES:
        eye_width = float(np.linalg.norm(points[eye[0]] - points[eye[8]]))
        radius = float(np.mean(np.linalg.norm(points[ring] - points[centre], axis=1)))
        delta = np.array(shift) * eye_width
        target = points[centre] + delta
        mask = np.zeros((height, width), np.uint8)
        cv2.fillPoly(mask, [points[eye].astype(np.int32)], 255)
        soft = cv2.GaussianBlur(mask, (0, 0), max(1.0, radius * 0.25)).astype(np.float32) / 255
        sigma = radius * 1.6
        weight = np.exp(-((xx - target[0]) ** 2 + (yy - target[1]) ** 2) / (2 * sigma**2)) * soft
        map_x -= weight * float(delta[0])
        map_y -= weight * float(delta[1])
    return cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def portrait(scale: float = 1.0) -> U8:
    """The portrait resized by `scale` (bicubic)."""
    if scale == 1.0:
        return grace_hopper()
    return np.asarray(
        cv2.resize(grace_hopper(), None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    )


def sideways_face(scale: float = 1.0, shift: tuple[float, float] = (-0.25, 0.0)) -> U8:
    """The portrait resized by `scale` with both irises pushed sideways by `shift`."""
    face = portrait(scale)
    points = face_landmarks(face)
    assert points is not None
    return shift_irises(face, points, shift)


def mp3_with_cover(audio: Path, path: Path) -> Path:
    """An MP3 of `audio` with a small JPEG as cover art (a video stream that is not a video)."""
    with av.open(str(path), "w") as out, av.open(str(audio)) as source:
        sound = out.add_stream("libmp3lame", rate=source.streams.audio[0].rate, layout="mono")
        cover = out.add_stream("mjpeg", rate=1)
        cover.width, cover.height, cover.pix_fmt = 64, 64, "yuvj420p"
        cover.disposition = av.stream.Disposition.attached_pic
        picture = av.VideoFrame.from_ndarray(np.full((64, 64, 3), 180, np.uint8), format="rgb24")
        picture.pts = 0
        out.mux(cover.encode(picture))
        out.mux(cover.encode(None))
        resampler = av.AudioResampler("s16p", "mono", sound.rate, frame_size=1152)
        for frame in source.decode(audio=0):
            frame.pts = None
            for chunk in resampler.resample(frame):
                out.mux(sound.encode(chunk))
        out.mux(sound.encode(None))
    return path
