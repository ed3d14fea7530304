"""Shared fixtures. FRAMELANE_ENV is set before anything imports the settings."""

from __future__ import annotations

import os

os.environ["FRAMELANE_ENV"] = "testing"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings, settings_with
from tests.fixtures.identity import VerifiedWorkspace, make_workspace

pytest_plugins = ["tests.fixtures.database"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: uses the database (re-run on PostgreSQL in CI)")


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return settings_with(
        env="testing",
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-key-0123456789abcdef0123456789",
        allow_private_urls=True,
        rate_limits_enabled=False,
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings, composition.features())


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def workspace(settings: Settings) -> VerifiedWorkspace:
    return make_workspace(settings, name="Acme", email="owner@acme.test")


@pytest.fixture
def other_workspace(settings: Settings) -> VerifiedWorkspace:
    return make_workspace(settings, name="Globex", email="owner@globex.test")
