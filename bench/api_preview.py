"""`POST /v1/preview` of the reference composition (issue 3) against a real `framelane serve`.

`.venv/bin/python bench/api_preview.py [--rounds 3]`

The sources are served over HTTP on 127.0.0.1 (the server runs with private URLs allowed, as in
local development), so the first preview includes fetching them; the next ones hit the
workspace source cache. Target (issue 4): the first PNG in under one second.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import struct
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

os.environ.setdefault("FRAMELANE_BENCH_DIR", "/tmp/framelane-bench-api")  # not shared
sys.path.insert(0, str(Path(__file__).parent))
from api_server import running_server
from render_inputs import WORK, inputs
from render_reference import reference_spec


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


def serve_sources() -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(WORK))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = inputs()
    sources, base_url = serve_sources()
    urls: dict[str, Any] = {name: f"{base_url}/{path.name}" for name, path in files.items()}
    spec = reference_spec(urls)
    results: dict[str, Any] = {}
    with (
        running_server({"FRAMELANE_ALLOW_PRIVATE_URLS": "true"}) as server,
        httpx.Client(base_url=server.base, headers=server.headers, timeout=120) as api,
    ):
        started = time.perf_counter()
        dry = api.post("/v1/preview", json={**spec, "dry_run": True})
        results["dry_run_ms"] = round((time.perf_counter() - started) * 1000, 1)
        assert dry.status_code == 200, dry.text
        timings = []
        for _ in range(args.rounds + 1):
            started = time.perf_counter()
            answer = api.post("/v1/preview", json={**spec, "time": 0})
            timings.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text
            assert png_size(answer.content) == (1920, 1080)
        started = time.perf_counter()
        sheet = api.post("/v1/preview", json={**spec, "contact_sheet": 6})
        results["contact_sheet_6_ms"] = round((time.perf_counter() - started) * 1000, 1)
        assert sheet.status_code == 200 and png_size(sheet.content)[0] > 0
    sources.shutdown()
    results["first_png_ms"] = round(timings[0] * 1000, 1)
    results["warm_png_ms"] = [round(t * 1000, 1) for t in timings[1:]]
    results["target_first_png_ms"] = 1000
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
