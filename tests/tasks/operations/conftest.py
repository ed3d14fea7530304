"""Media with known answers for the operation tests, generated once per session.

The generators live in `bench/tasks_media.py` so the benchmark measures on the same material.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from framelane.tasks.operations.base import TaskContext

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import tasks_media

SPEECH_TEXT = "The weather is lovely today. Please upload the video before the meeting."


class ProgressLog:
    """Records `(stage, percent)` reports."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, float]] = []

    def __call__(self, stage: str, percent: float) -> None:
        self.reports.append((stage, percent))

    @property
    def percents(self) -> list[float]:
        return [p for _, p in self.reports]


@pytest.fixture
def progress() -> ProgressLog:
    return ProgressLog()


@pytest.fixture
def ctx(tmp_path: Path, progress: ProgressLog) -> TaskContext:
    workdir = tmp_path / "work"
    workdir.mkdir()
    return TaskContext(workdir=workdir, on_progress=progress)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("task-media")


def save_rgb(array: NDArray[np.uint8], path: Path) -> Path:
    Image.fromarray(array).save(path)
    return path


@pytest.fixture(scope="session")
def speech_wav(media_dir: Path) -> Path:
    return tasks_media.speak(SPEECH_TEXT, media_dir / "speech.wav")


@pytest.fixture(scope="session")
def person_still(media_dir: Path) -> tuple[Path, NDArray[np.float32]]:
    """A 480x360 composite of the person over the known background, with its true matte."""
    background = tasks_media.known_background(480, 360)
    image, matte = tasks_media.composite_person(background, 0.55, (130, 30))
    return save_rgb(image, media_dir / "person.png"), matte


@pytest.fixture(scope="session")
def person_video(media_dir: Path, speech_wav: Path) -> tuple[Path, list[NDArray[np.float32]]]:
    """16 frames of the person sliding slowly over the background, with speech audio."""
    background = tasks_media.known_background(320, 240)
    frames, mattes = [], []
    for i in range(16):
        image, matte = tasks_media.composite_person(background, 0.4, (90 + i, 20))
        frames.append(image)
        mattes.append(matte)
    path = tasks_media.write_mp4(frames, media_dir / "person.mp4", fps=25, audio=speech_wav)
    return path, mattes


@pytest.fixture(scope="session")
def sideways_face(media_dir: Path) -> Path:
    """The portrait (1x) with both irises pushed sideways."""
    return save_rgb(
        tasks_media.sideways_face(scale=1.0, shift=(-0.25, 0.0)), media_dir / "side.png"
    )


@pytest.fixture(scope="session")
def sideways_video(media_dir: Path, speech_wav: Path) -> Path:
    """12 frames: 8 of the sideways face, then 4 without any face; with audio."""
    face = tasks_media.sideways_face(1.0, (-0.25, 0.0))
    blank = tasks_media.known_background(face.shape[1], face.shape[0])
    frames = [face] * 8 + [blank] * 4
    return tasks_media.write_mp4(frames, media_dir / "side.mp4", fps=25, audio=speech_wav)


@pytest.fixture(scope="session")
def faceless_video(media_dir: Path) -> Path:
    frames = [tasks_media.known_background(160, 120, seed=i) for i in range(6)]
    return tasks_media.write_mp4(frames, media_dir / "faceless.mp4", fps=25)


@pytest.fixture(scope="session")
def text_file(media_dir: Path) -> Path:
    path = media_dir / "notes.mp4"
    path.write_text("this is not a video, whatever the extension says\n" * 20)
    return path


@pytest.fixture(scope="session")
def truncated_png(media_dir: Path, person_still: tuple[Path, NDArray[np.float32]]) -> Path:
    data = person_still[0].read_bytes()
    path = media_dir / "truncated.png"
    path.write_bytes(data[: len(data) // 3])
    return path


@pytest.fixture(scope="session")
def truncated_mp4(media_dir: Path, person_video: tuple[Path, list[NDArray[np.float32]]]) -> Path:
    data = person_video[0].read_bytes()
    path = media_dir / "truncated.mp4"
    path.write_bytes(data[:2000])
    return path


def cancel_after(calls: int) -> Iterator[bool]:
    """An endless `should_cancel` sequence: False `calls` times, then True."""
    count = 0
    while True:
        count += 1
        yield count > calls
