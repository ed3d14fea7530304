"""Quality and speed of the four AI operations in one run: `.venv/bin/python bench/tasks_bench.py`.

Targets (issue 8): transcription WER <= 10 % and real-time factor <= 0.1; person-matte IoU >= 0.9
and >= 30 fps at 720p; super-resolution PSNR >= bicubic + 1 dB (2x); gaze iris offset reduced by
>= 60 % at intensity 1. All inputs are generated here (see `tasks_media.py`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np
import tasks_media as tm

from framelane.tasks.operations.base import TaskContext
from framelane.tasks.operations.gaze_redirect import FrameRedirector
from framelane.tasks.operations.remove_background import (
    FrameMatter,
    RemoveBackground,
    RemoveBackgroundParams,
)
from framelane.tasks.operations.super_resolution import upscale_frame
from framelane.tasks.operations.transcribe import Transcribe, TranscribeParams

SRC = "https://example.com/bench"


def report(name: str, value: str, target: str, ok: bool | None) -> None:
    verdict = "" if ok is None else ("PASS" if ok else "MISS")
    print(f"  {name:<58} {value:>16}   target {target:<8} {verdict}")


def words_of(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]", " ", text.lower()).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = words_of(reference), words_of(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, 1):
        previous, row[0] = row[:], i
        for j, hyp_word in enumerate(hyp, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word))
    return row[-1] / max(1, len(ref))


def concatenate_wavs(paths: list[Path], out: Path, gap_s: float = 0.6) -> float:
    """Join mono WAVs with silence between them; return the duration in seconds."""
    chunks, rate = [], 22050
    for path in paths:
        with wave.open(str(path)) as wav:
            rate = wav.getframerate()
            chunks.append(np.frombuffer(wav.readframes(wav.getnframes()), np.int16))
            chunks.append(np.zeros(int(gap_s * rate), np.int16))
    audio = np.concatenate(chunks)
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(audio.tobytes())
    return len(audio) / rate


class Timing(NamedTuple):
    """Best wall-clock seconds and best CPU seconds (all threads of this process) of some runs."""

    wall: float
    cpu: float


def timed(fn: Callable[[], object], repeat: int = 1) -> Timing:
    """Best of `repeat` runs. On a shared, busy machine the wall time includes waiting for a core;
    the CPU time does not, so it shows what the code costs on its own."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return Timing(wall, cpu)


def bench_transcribe(tmp: Path) -> None:
    print(f"transcribe (Whisper tiny.en int8, {len(tm.SENTENCES)} espeak-ng sentences, one file)")
    clips = [tm.speak(s, tmp / f"s{i}.wav") for i, s in enumerate(tm.SENTENCES)]
    long_wav = tmp / "all.wav"
    duration = concatenate_wavs(clips, long_wav)
    op, params = Transcribe(), TranscribeParams(source_url=SRC)
    op.run(clips[0], params, TaskContext(workdir=tmp))  # loads the model
    elapsed = timed(lambda: op.run(long_wav, params, TaskContext(workdir=tmp)), repeat=3)
    hypothesis = json.loads((tmp / "transcript.json").read_text())["text"]
    wer = word_error_rate(" ".join(tm.SENTENCES), hypothesis)
    report("WER", f"{wer * 100:.1f} %", "<= 10 %", wer <= 0.10)
    report(
        f"real-time factor ({duration:.1f} s of audio), wall / CPU",
        f"{elapsed.wall / duration:.3f} / {elapsed.cpu / duration:.3f}",
        "<= 0.1",
        elapsed.wall / duration <= 0.1,
    )
    print(f"    heard: {hypothesis}")


def bench_matte(tmp: Path) -> None:
    print("remove-background, person model at 1280x720 (person composited over a known background)")
    background = tm.known_background(1280, 720)
    frames = [tm.composite_person(background, 1.1, (300 + 4 * i, 60)) for i in range(60)]
    matter = FrameMatter("person", None, video=True)
    matter.matte(frames[0][0])
    mattes = [matter.matte(image) for image, _ in frames]
    ious = [tm.iou(matte, truth) for matte, (_, truth) in zip(mattes, frames, strict=True)]
    seconds = timed(lambda: [matter.matte(image) for image, _ in frames], repeat=3)
    matte_fps = len(frames) / seconds.wall
    report(
        "matte IoU vs known composite (mean / min)",
        f"{np.mean(ious):.3f} / {min(ious):.3f}",
        ">= 0.9",
        min(ious) >= 0.9,
    )
    report(
        "matte fps (segment + smooth + refine), wall / CPU",
        f"{matte_fps:.1f} / {len(frames) / seconds.cpu:.1f}",
        ">= 30",
        matte_fps >= 30,
    )
    video = tm.write_mp4([f[0] for f in frames], tmp / "720p.mp4")
    workdir = tmp / "rb"
    workdir.mkdir()
    elapsed = timed(
        lambda: RemoveBackground().run(
            video, RemoveBackgroundParams(source_url=SRC, model="person"), TaskContext(workdir)
        )
    )
    report(
        "whole task fps (decode + matte + VP9 alpha), wall / CPU",
        f"{len(frames) / elapsed.wall:.1f} / {len(frames) / elapsed.cpu:.1f}",
        "",
        None,
    )
    general = FrameMatter("general", None, video=False)
    image, truth = frames[0]
    general.matte(image)
    general_s = timed(lambda: general.matte(image))
    report(
        "general model (u2netp) IoU, s/frame",
        f"{tm.iou(general.matte(image), truth):.3f}, {general_s.wall:.2f}",
        "",
        None,
    )


def bench_super_resolution() -> None:
    print("super-resolution 2x (Real-ESRGAN animevideov3 + back-projection, CPU)")
    original = np.ascontiguousarray(tm.grace_hopper()[:512, :512])
    small = np.asarray(cv2.resize(original, (256, 256), interpolation=cv2.INTER_AREA))
    upscale_frame(small, 2)  # loads the model
    upscaled = upscale_frame(small, 2)
    bicubic = np.asarray(cv2.resize(small, (512, 512), interpolation=cv2.INTER_CUBIC))
    gain = tm.psnr(upscaled, original) - tm.psnr(bicubic, original)
    report(
        "PSNR model / bicubic (dB)",
        f"{tm.psnr(upscaled, original):.2f} / {tm.psnr(bicubic, original):.2f}",
        "+1 dB",
        gain >= 1.0,
    )
    small_seconds = timed(lambda: upscale_frame(small, 2), repeat=2)
    report(
        "s per 256x256 frame (-> 512x512), wall / CPU",
        f"{small_seconds.wall:.2f} / {small_seconds.cpu:.2f}",
        "",
        None,
    )
    seconds = timed(lambda: upscale_frame(original, 2), repeat=2)
    report(
        "s per 512x512 frame (-> 1024x1024), wall / CPU",
        f"{seconds.wall:.2f} / {seconds.cpu:.2f}",
        "",
        None,
    )
    seconds4 = timed(lambda: upscale_frame(original, 4))
    report(
        "s per 512x512 frame at 4x, wall / CPU",
        f"{seconds4.wall:.2f} / {seconds4.cpu:.2f}",
        "",
        None,
    )


def bench_gaze() -> None:
    print("gaze-redirect, intensity 1 (irises pushed sideways; error vs the untouched portrait)")
    reductions, times = [], []
    for scale in (1.0, 2.0):
        reference = tm.face_landmarks(tm.portrait(scale))
        assert reference is not None
        for shift in ((-0.25, 0.0), (0.2, 0.0), (-0.15, 0.0), (0.25, 0.0)):
            side = tm.sideways_face(scale, shift)
            start = time.perf_counter()
            fixed = FrameRedirector(1.0, fps=1.0, video=False)(side)
            times.append(time.perf_counter() - start)
            before = tm.iris_error(tm.face_landmarks(side), reference)  # type: ignore[arg-type]
            after = tm.iris_error(tm.face_landmarks(fixed), reference)  # type: ignore[arg-type]
            reductions.append(1 - after / before)
            print(f"    scale {scale} shift {shift}: iris error {before:.3f} -> {after:.3f}")
    mean = float(np.mean(reductions))
    report(
        "iris offset reduction (mean / worst)",
        f"{mean * 100:.0f} % / {min(reductions) * 100:.0f} %",
        ">= 60 %",
        mean >= 0.6,
    )
    report("ms per still (landmarks x2 + warp)", f"{np.median(times) * 1000:.0f}", "", None)
    bench_gaze_video()


def translate(image: np.ndarray, dx: float, dy: float) -> np.ndarray:
    height, width = image.shape[:2]
    matrix = np.float32([[1, 0, dx], [0, 1, dy]])
    return np.asarray(
        cv2.warpAffine(
            image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT
        )
    )


def bench_gaze_video() -> None:
    """A head drifting a few pixels: eye-region change between frames once the motion is undone."""
    side = tm.sideways_face(1.0, (-0.25, 0.0))
    points = tm.face_landmarks(side)
    assert points is not None
    x0, y0 = (points[468:478].min(axis=0) - 25).astype(int)
    x1, y1 = (points[468:478].max(axis=0) + 25).astype(int)
    moves = [(3 * np.sin(i / 3.0), 2 * np.cos(i / 4.0)) for i in range(48)]
    frames = [translate(side, dx, dy) for dx, dy in moves]

    def flicker(images: list[np.ndarray]) -> float:
        still = np.stack(
            [
                translate(im, -dx, -dy)[y0:y1, x0:x1].astype(np.float32)
                for im, (dx, dy) in zip(images, moves, strict=True)
            ]
        )
        return float(np.abs(np.diff(still[3:], axis=0)).mean())

    tracked = FrameRedirector(1.0, fps=25.0, video=True)
    start = time.perf_counter()
    steady = [tracked(f) for f in frames]
    ms = (time.perf_counter() - start) / len(frames) * 1000
    each = [FrameRedirector(1.0, fps=25.0, video=False)(f) for f in frames]
    report(
        "eye flicker: input / tracked / frame-by-frame",
        f"{flicker(frames):.2f} / {flicker(steady):.2f} / {flicker(each):.2f}",
        "",
        None,
    )
    report(f"video ms/frame at {side.shape[1]}x{side.shape[0]}", f"{ms:.1f}", "", None)


def main() -> None:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        bench_transcribe(tmp)
        bench_matte(tmp)
        bench_super_resolution()
        bench_gaze()
    print(f"load average {os.getloadavg()[0]:.1f} at the end; targets are judged on wall time")


if __name__ == "__main__":
    main()
