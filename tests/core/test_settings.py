"""Settings: the generated development secret, and refusing unsafe configurations."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from framelane.cli import freeze_startup_heap, main
from framelane.core.settings import (
    UnsafeConfiguration,
    check_safe_to_serve,
    settings_with,
)


class TestSecret:
    def test_generated_once_and_persisted_in_the_data_dir(self, tmp_path: Path) -> None:
        first = settings_with(data_dir=tmp_path).resolved_secret_key
        second = settings_with(data_dir=tmp_path).resolved_secret_key
        assert first == second and len(first) > 32
        assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


class TestSafeToServe:
    def test_loopback_development_is_fine(self, tmp_path: Path) -> None:
        check_safe_to_serve(settings_with(data_dir=tmp_path), "127.0.0.1")

    @pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
    def test_dev_secret_beyond_loopback_is_refused(self, tmp_path: Path, host: str) -> None:
        with pytest.raises(UnsafeConfiguration, match="FRAMELANE_SECRET_KEY"):
            check_safe_to_serve(settings_with(data_dir=tmp_path), host)

    def test_private_urls_and_default_base_url_are_refused_too(self, tmp_path: Path) -> None:
        settings = settings_with(data_dir=tmp_path, secret_key="k" * 40, allow_private_urls=True)
        with pytest.raises(UnsafeConfiguration) as caught:
            check_safe_to_serve(settings, "0.0.0.0")
        assert "ALLOW_PRIVATE_URLS" in str(caught.value)
        assert "PUBLIC_BASE_URL" in str(caught.value)

    def test_a_complete_production_config_passes(self, tmp_path: Path) -> None:
        settings = settings_with(
            data_dir=tmp_path,
            env="production",
            secret_key="k" * 40,
            public_base_url="https://video.example.com",
        )
        check_safe_to_serve(settings, "0.0.0.0")

    def test_serve_exits_2_with_a_clear_message(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("FRAMELANE_DATA_DIR", str(tmp_path))
        from framelane.core.settings import get_settings

        get_settings.cache_clear()
        try:
            assert main(["serve", "--host", "0.0.0.0", "--port", "9"]) == 2
        finally:
            get_settings.cache_clear()
        assert "refusing to serve" in capsys.readouterr().err


class TestServedBaseUrl:
    def test_loopback_serve_points_signed_urls_at_the_served_port(self, tmp_path: Path) -> None:
        from framelane.cli import with_local_base_url

        settings = settings_with(data_dir=tmp_path)
        assert with_local_base_url(settings, "127.0.0.1", 8766).public_base_url == (
            "http://127.0.0.1:8766"
        )
        configured = settings_with(data_dir=tmp_path, public_base_url="https://v.example.com")
        assert with_local_base_url(configured, "127.0.0.1", 8766).public_base_url == (
            "https://v.example.com"
        )
        assert with_local_base_url(settings, "0.0.0.0", 80).public_base_url == (
            settings.public_base_url
        )


class TestServeHeap:
    def test_the_startup_heap_is_frozen_out_of_full_collections(self) -> None:
        try:
            freeze_startup_heap()
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()
