"""The source resolver: own URLs from storage (owner only), external URLs through the SSRF
guard, limits, sniffing and the per-workspace cache (counted at a real local server)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from framelane.core.errors import FramelaneError
from framelane.core.settings import Settings
from framelane.ingest.resolver import IngestResolver, make_resolver
from framelane.ingest.urls import source_url_for
from framelane.net.ssrf import ResolvedTarget, check_url
from framelane.storage.factory import storage_for
from tests.fixtures.identity import VerifiedWorkspace
from tests.ingest.http_server import SourceServer


@pytest.fixture
def slow_url(media_dir: Path, source_server: SourceServer) -> str:
    """A video trickling in 1 KiB every 20 ms: about 40 s for all of it."""
    trickle = (media_dir / "clip.mp4").read_bytes() + bytes(2 << 20)
    return source_server.add("/slow.mp4", trickle, chunk_delay=0.02)


def code_of(excinfo: pytest.ExceptionInfo[FramelaneError]) -> str:
    return excinfo.value.code


class TestOwnSources:
    def test_owner_resolves_from_storage_and_others_cannot(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        other_workspace: VerifiedWorkspace,
        media_dir: Path,
        tmp_path: Path,
    ) -> None:
        key = f"{workspace.id}/uploads/asset_1.mp4"
        storage_for(settings).put_file(key, media_dir / "clip.mp4", "video/mp4")
        url = source_url_for(settings, key)
        path = make_resolver(settings, workspace.id, tmp_path / "a").resolve(url, "video")
        assert path.read_bytes() == (media_dir / "clip.mp4").read_bytes()
        assert path.stat().st_nlink == 2  # local storage: a hard link, not a copy
        with pytest.raises(FramelaneError) as stolen:
            make_resolver(settings, other_workspace.id, tmp_path / "b").resolve(url, "video")
        assert code_of(stolen) == "source_not_found"
        assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())

    @pytest.mark.parametrize("suffix", ["uploads/missing.mp4", "../etc/passwd", "uploads/%2e%2e"])
    def test_missing_or_malformed_keys_are_not_found(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        tmp_path: Path,
        suffix: str,
    ) -> None:
        url = f"{settings.public_base_url}/v1/files/{workspace.id}/{suffix}"
        with pytest.raises(FramelaneError) as missing:
            make_resolver(settings, workspace.id, tmp_path).resolve(url, "video")
        assert code_of(missing) == "source_not_found"

    def test_kind_is_checked_by_content(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
        tmp_path: Path,
    ) -> None:
        key = f"{workspace.id}/uploads/asset_2.mp4"  # a PNG named .mp4
        storage_for(settings).put_file(key, media_dir / "still.png", "video/mp4")
        resolver = make_resolver(settings, workspace.id, tmp_path)
        with pytest.raises(FramelaneError) as wrong:
            resolver.resolve(source_url_for(settings, key), "video")
        assert code_of(wrong) == "codec_unsupported"
        assert resolver.resolve(source_url_for(settings, key), "image").stat().st_size > 0


class TestExternalSources:
    def test_second_render_revalidates_without_refetching(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        other_workspace: VerifiedWorkspace,
        media_dir: Path,
        tmp_path: Path,
        source_server: SourceServer,
    ) -> None:
        body = (media_dir / "clip.mp4").read_bytes()
        url = source_server.add("/clip.mp4", body, content_type="video/mp4", etag='"v1"')
        first = make_resolver(settings, workspace.id, tmp_path / "r1").resolve(url, "video")
        second = make_resolver(settings, workspace.id, tmp_path / "r2").resolve(url, "video")
        assert first.read_bytes() == second.read_bytes() == body
        assert source_server.full_bodies["/clip.mp4"] == 1
        assert source_server.hits["/clip.mp4"] == 2  # the second one was a 304
        make_resolver(settings, other_workspace.id, tmp_path / "r3").resolve(url, "video")
        assert source_server.full_bodies["/clip.mp4"] == 2  # the cache is per workspace

    def test_changed_source_is_fetched_again(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
        tmp_path: Path,
        source_server: SourceServer,
    ) -> None:
        url = source_server.add(
            "/v.webm",
            (media_dir / "clip.webm").read_bytes(),
            etag='"a"',
            last_modified=1_700_000_000.0,
        )
        make_resolver(settings, workspace.id, tmp_path / "1").resolve(url, "video")
        source_server.routes["/v.webm"].etag = '"b"'
        source_server.routes["/v.webm"].body = (media_dir / "clip.mp4").read_bytes()
        source_server.routes["/v.webm"].last_modified = 1_800_000_000.0
        path = make_resolver(settings, workspace.id, tmp_path / "2").resolve(url, "video")
        assert path.read_bytes()[4:8] == b"ftyp"
        assert source_server.full_bodies["/v.webm"] == 2

    def test_max_age_means_no_request_at_all(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
        tmp_path: Path,
        source_server: SourceServer,
    ) -> None:
        url = source_server.add(
            "/p.png",
            (media_dir / "still.png").read_bytes(),
            headers={"Cache-Control": "public, max-age=3600"},
        )
        for run in range(3):
            make_resolver(settings, workspace.id, tmp_path / str(run)).resolve(url, "image")
        assert source_server.hits["/p.png"] == 1

    @pytest.mark.parametrize(
        ("route", "kwargs", "kind", "code"),
        [
            ("/missing.mp4", None, "video", "source_not_found"),
            ("/error.mp4", {"body": b"boom", "status": 500}, "video", "source_not_found"),
            ("/empty.mp4", {"body": b""}, "video", "source_corrupt"),
            (
                "/page.mp4",
                {"body": b"<!DOCTYPE html><html>login</html>"},
                "video",
                "codec_unsupported",
            ),
            ("/big.mp4", {"body": b"\x00" * 5000}, "video", "source_too_large"),
        ],
    )
    def test_failures_have_precise_codes(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        tmp_path: Path,
        source_server: SourceServer,
        route: str,
        kwargs: dict[str, object] | None,
        kind: str,
        code: str,
    ) -> None:
        url = source_server.add(route, **kwargs) if kwargs else source_server.url(route)
        resolver = IngestResolver(settings, workspace.id, tmp_path / "w", max_bytes=4096)
        with pytest.raises(FramelaneError) as failed:
            resolver.resolve(url, kind)
        assert code_of(failed) == code
        assert [p.name for p in (tmp_path / "w").iterdir()] == []

    def test_slow_download_hits_the_time_limit(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        tmp_path: Path,
        slow_url: str,
    ) -> None:
        url = slow_url
        resolver = IngestResolver(settings, workspace.id, tmp_path / "w", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(FramelaneError) as slow:
            resolver.resolve(url, "video")
        assert time.monotonic() - started < 3.0
        assert code_of(slow) == "source_not_found"
        assert "took longer" in slow.value.message
        assert list((tmp_path / "w").iterdir()) == []

    def test_a_cancelled_job_stops_its_download(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        tmp_path: Path,
        slow_url: str,
        source_server: SourceServer,
    ) -> None:
        url = slow_url
        cancel_at = time.monotonic() + 0.5
        resolver = make_resolver(
            settings, workspace.id, tmp_path / "w", should_stop=lambda: time.monotonic() > cancel_at
        )
        with pytest.raises(FramelaneError) as stopped:
            resolver.resolve(url, "video")
        assert time.monotonic() - cancel_at < 1.0
        assert code_of(stopped) == "cancelled"
        assert list((tmp_path / "w").iterdir()) == []  # no partial file
        assert source_server.full_bodies["/slow.mp4"] == 1  # it had started sending

    def test_a_cancelled_job_stops_a_download_whose_server_went_silent(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        tmp_path: Path,
        media_dir: Path,
        source_server: SourceServer,
    ) -> None:
        """Headers and 4 KiB, then nothing for 20 s on an open connection: no chunk arrives
        to check the job on, so a watcher hangs up."""
        body = (media_dir / "clip.mp4").read_bytes()
        url = source_server.add("/silent.mp4", body, stall_after=4096, stall=20.0)
        cancel_at = time.monotonic() + 0.5
        resolver = make_resolver(
            settings, workspace.id, tmp_path / "w", should_stop=lambda: time.monotonic() > cancel_at
        )
        with pytest.raises(FramelaneError) as stopped:
            resolver.resolve(url, "video")
        assert time.monotonic() - cancel_at < 1.0  # not the 30 s read timeout
        assert code_of(stopped) == "cancelled"
        assert list((tmp_path / "w").iterdir()) == []  # no partial file

    def test_a_download_that_is_not_cancelled_is_whole_after_a_silence(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        tmp_path: Path,
        media_dir: Path,
        source_server: SourceServer,
    ) -> None:
        body = (media_dir / "clip.mp4").read_bytes()
        url = source_server.add("/pause.mp4", body, stall_after=4096, stall=1.0)
        resolver = make_resolver(settings, workspace.id, tmp_path / "w", should_stop=lambda: False)
        path = resolver.resolve(url, "video")
        assert Path(path).read_bytes() == body

    def test_redirect_to_cloud_metadata_is_refused(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        tmp_path: Path,
        source_server: SourceServer,
    ) -> None:
        url = source_server.add(
            "/go", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
        )
        origin = source_server.url("/")

        def only_the_test_server_is_private(target: str) -> ResolvedTarget:
            if target.startswith(origin):
                return check_url(target, allow_private=True)
            return check_url(target, allow_private=False)

        strict = settings.model_copy(update={"allow_private_urls": False})
        resolver = IngestResolver(
            strict, workspace.id, tmp_path, guard=only_the_test_server_is_private
        )
        with pytest.raises(FramelaneError) as refused:
            resolver.resolve(url, "video")
        assert code_of(refused) == "url_not_allowed"
        assert source_server.hits["/go"] == 1


SSRF_TARGETS = [
    "http://127.0.0.1/x.mp4",
    "http://127.8.9.10/x.mp4",
    "http://localhost/x.mp4",
    "http://app.localhost/x.mp4",
    "http://10.0.0.5/x.mp4",
    "http://172.16.3.4/x.mp4",
    "http://192.168.1.1/x.mp4",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/x.mp4",
    "http://0.0.0.0/x.mp4",
    "http://224.0.0.1/x.mp4",
    "http://255.255.255.255/x.mp4",
    "http://[::1]/x.mp4",
    "http://[::ffff:127.0.0.1]/x.mp4",
    "http://[::ffff:169.254.169.254]/x.mp4",
    "http://[fe80::1]/x.mp4",
    "http://[fc00::1]/x.mp4",
    "http://[64:ff9b::a9fe:a9fe]/x.mp4",
    "http://[2002:7f00:1::]/x.mp4",
    "http://2130706433/x.mp4",
    "http://0x7f.1/x.mp4",
    "http://0177.0.0.1/x.mp4",
    "http://127.1/x.mp4",
    "http://user:pw@example.com/x.mp4",
    "file:///etc/passwd",
    "ftp://example.com/x.mp4",
    "gopher://127.0.0.1:6379/_INFO",
    "http://[::]/x.mp4",
]


@pytest.mark.parametrize("url", SSRF_TARGETS)
def test_ssrf_targets_are_refused_with_private_urls_off(
    settings: Settings,
    workspace: VerifiedWorkspace,
    tmp_path: Path,
    url: str,
) -> None:
    strict = settings.model_copy(update={"allow_private_urls": False})
    with pytest.raises(FramelaneError) as refused:
        make_resolver(strict, workspace.id, tmp_path).resolve(url, "video")
    assert code_of(refused) == "url_not_allowed"


def test_private_target_is_fetched_with_private_urls_on(
    settings: Settings,
    workspace: VerifiedWorkspace,
    tmp_path: Path,
    media_dir: Path,
    source_server: SourceServer,
) -> None:
    assert settings.allow_private_urls
    url = source_server.add("/ok.wav", (media_dir / "tone.wav").read_bytes())
    path = make_resolver(settings, workspace.id, tmp_path).resolve(url, "audio")
    assert path.read_bytes() == (media_dir / "tone.wav").read_bytes()


def test_concurrent_first_fetches_of_one_url_all_succeed(
    settings: Settings,
    workspace: VerifiedWorkspace,
    media_dir: Path,
    tmp_path: Path,
    source_server: SourceServer,
) -> None:
    import threading

    url = source_server.add("/same.png", (media_dir / "still.png").read_bytes(), etag='"s"')
    results: list[object] = []

    def resolve(index: int) -> None:
        try:
            results.append(
                make_resolver(settings, workspace.id, tmp_path / str(index)).resolve(url, "image")
            )
        except Exception as error:
            results.append(error)

    threads = [threading.Thread(target=resolve, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 6 and all(isinstance(item, Path) for item in results), results
