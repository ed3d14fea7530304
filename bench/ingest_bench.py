"""Ingest numbers: streaming PUT through a real `framelane serve` (throughput, server RSS),
probe time of a 720p clip, external download throughput and a 304 revalidation, and a streamed
multipart put to SeaweedFS. Run: `.venv/bin/python bench/ingest_bench.py [MiB]`."""

from __future__ import annotations

import functools
import http.server
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import httpx
import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api_server import running_server

from framelane.ingest.fetch import Fetcher, Validators
from framelane.ingest.probe import probe_file

CHUNK = 1 << 20


def mp4_like(total: int, head: bytes) -> Iterator[bytes]:
    """A body that sniffs as MP4 (real header) followed by filler, produced lazily."""
    yield head
    sent = len(head)
    filler = os.urandom(CHUNK)
    while sent < total:
        piece = filler[: min(CHUNK, total - sent)]
        sent += len(piece)
        yield piece


def make_clip(path: Path, seconds: int = 10) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        for index in range(seconds * 30):
            pixels = np.full((720, 1280, 3), index % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, 30)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def bench_put(mib: int, head: bytes) -> None:
    with running_server() as server:
        process = psutil.Process(server.pid)
        created = httpx.post(
            f"{server.base}/v1/uploads", headers=server.headers, json={"content_type": "video/mp4"}
        ).json()
        url = server.base + created["upload_url"].split("127.0.0.1:8000", 1)[1]
        before = process.memory_info().rss
        peak = [before]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], process.memory_info().rss)
                time.sleep(0.02)

        threading.Thread(target=sample, daemon=True).start()
        started = time.perf_counter()
        response = httpx.put(
            url,
            content=mp4_like(mib * CHUNK, head),
            headers={"Content-Type": "video/mp4"},
            timeout=600,
        )
        elapsed = time.perf_counter() - started
        done.set()
        assert response.status_code == 200, response.text
        print(
            f"PUT {mib} MiB via framelane serve: {elapsed:.2f} s = {mib / elapsed:.0f} MiB/s; "
            f"server RSS {before / 2**20:.0f} → peak {peak[0] / 2**20:.0f} MiB "
            f"(+{(peak[0] - before) / 2**20:.0f} MiB)"
        )


def bench_concurrent_uploads(head: bytes, uploads: int = 60) -> None:
    """Many slow uploads at once must not starve the API's sync endpoints (thread pool)."""
    with running_server() as server:
        release = threading.Event()
        urls = []
        for _ in range(uploads):
            created = httpx.post(
                f"{server.base}/v1/uploads",
                headers=server.headers,
                json={"content_type": "video/mp4"},
            ).json()
            urls.append(server.base + created["upload_url"].split("127.0.0.1:8000", 1)[1])

        def slow_body() -> Iterator[bytes]:
            yield head
            release.wait(60)
            yield b"\x00" * 1024

        def one(url: str) -> None:
            httpx.put(url, content=slow_body(), headers={"Content-Type": "video/mp4"}, timeout=120)

        threads = [threading.Thread(target=one, args=(url,)) for url in urls]
        for thread in threads:
            thread.start()
        time.sleep(3)
        latencies = []
        for path in ["/healthz", "/v1/workspace"] * 5:
            started = time.perf_counter()
            status = httpx.get(server.base + path, headers=server.headers, timeout=120).status_code
            latencies.append(time.perf_counter() - started)
            assert status == 200
        release.set()
        for thread in threads:
            thread.join(60)
        print(
            f"{uploads} uploads streaming at once: sync endpoints answered in "
            f"{max(latencies) * 1000:.0f} ms at worst (10 calls)"
        )


def bench_probe(folder: Path) -> Path:
    started = time.perf_counter()
    clip = make_clip(folder / "clip720.mp4")
    made = time.perf_counter() - started
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        probe = probe_file(clip)
        timings.append(time.perf_counter() - started)
    print(
        f"probe of a 10 s 1280x720 H.264 clip ({clip.stat().st_size / 2**20:.1f} MiB, made "
        f"in {made:.1f} s): best {min(timings) * 1000:.0f} ms → {probe.kind} "
        f"{probe.width}x{probe.height} {probe.fps} fps {probe.duration:.2f} s"
    )
    return clip


def bench_fetch(folder: Path, mib: int, head: bytes) -> None:
    big = folder / "served" / "big.mp4"
    big.parent.mkdir()
    with big.open("wb") as handle:
        for chunk in mp4_like(mib * CHUNK, head):
            handle.write(chunk)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(big.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/big.mp4"
    fetcher = Fetcher(allow_private=True, max_bytes=8 * 2**30)
    try:
        started = time.perf_counter()
        download = fetcher.download(url, folder / "got.mp4")
        elapsed = time.perf_counter() - started
        started = time.perf_counter()
        again = fetcher.download(
            url, folder / "again.mp4", Validators(last_modified=download.validators.last_modified)
        )
        revalidate = time.perf_counter() - started
    finally:
        httpd.shutdown()
    print(
        f"fetch {mib} MiB over loopback (SSRF-pinned, streamed, sniffed): {elapsed:.2f} s = "
        f"{mib / elapsed:.0f} MiB/s; conditional re-fetch → not_modified={again.not_modified} "
        f"in {revalidate * 1000:.1f} ms"
    )


def bench_s3(mib: int, head: bytes) -> None:
    from tests.fixtures.seaweedfs import start_server

    from framelane.storage.s3 import S3Storage

    started = time.perf_counter()
    server = start_server()
    boot = time.perf_counter() - started
    try:
        server.client().create_bucket(Bucket="bench")  # type: ignore[attr-defined]
        storage = S3Storage.from_url(server.storage_url("bench"))
        rss = psutil.Process().memory_info().rss
        started = time.perf_counter()
        storage.put_stream(
            "ws_b/uploads/big.mp4", mp4_like(mib * CHUNK, head), "video/mp4", 8 * 2**30
        )
        elapsed = time.perf_counter() - started
        grown = (psutil.Process().memory_info().rss - rss) / 2**20
        print(
            f"SeaweedFS boot {boot:.1f} s; S3 multipart put_stream {mib} MiB: {elapsed:.2f} s "
            f"= {mib / elapsed:.0f} MiB/s, client RSS +{grown:.0f} MiB"
        )
    finally:
        server.stop()


def main() -> None:
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    if len(sys.argv) > 2 and sys.argv[2] == "concurrency":
        with tempfile.TemporaryDirectory(prefix="framelane-ingest-bench-") as tmp:
            bench_concurrent_uploads(make_clip(Path(tmp) / "c.mp4", 1).read_bytes()[:4096])
        return
    with tempfile.TemporaryDirectory(prefix="framelane-ingest-bench-") as tmp:
        folder = Path(tmp)
        clip = bench_probe(folder)
        head = clip.read_bytes()[:4096]
        bench_put(mib, head)
        bench_concurrent_uploads(head)
        bench_fetch(folder, mib, head)
        bench_s3(mib, head)


if __name__ == "__main__":
    main()
