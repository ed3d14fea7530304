"""Ingest fixtures: a local source server and tiny generated media."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from tests.ingest import media
from tests.ingest.helpers import EVENT_RECORDER
from tests.ingest.http_server import SourceServer, serve


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The product's app, with the domain events it publishes recorded (`helpers.EVENTS`)."""
    return create_app(settings, (*composition.features(), EVENT_RECORDER))


@pytest.fixture
def source_server() -> Iterator[SourceServer]:
    with serve() as server:
        yield server


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    media.make_video(folder / "clip.mp4")
    media.make_video(folder / "clip.webm", codec="libvpx-vp9")
    media.make_video(folder / "rotated.mp4", audio=False, rotation=90)
    media.make_wav(folder / "tone.wav")
    media.make_png(folder / "still.png")
    media.make_jpeg(folder / "photo.jpg")
    media.make_png_bomb(folder / "bomb.png")
    return folder
