"""The Python SDK's per-call overhead on `renders.get` against raw httpx.

Two settings, each run as interleaved rounds (raw, SDK, raw, SDK, …) so machine noise falls on
both alike:

* **loopback** — a real `framelane serve` (SQLite, its own data dir): raw is
  `httpx.Client.get(...).json()`, SDK is `Framelane.renders.get(id)` (which also validates the
  answer into `JobOut`). Shows the overhead next to a real call.
* **in memory** — the same job JSON served by an `httpx.MockTransport`: no network, no server,
  so the difference is the SDK's own cost (building the call, headers, the retry loop, pydantic
  validation).

Run: `PYTHONPATH=src .venv/bin/python bench/sdk_overhead.py [--calls 300] [--rounds 5]`
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_server import running_server

from framelane.client import Framelane

SPEC = {
    "width": 64,
    "height": 36,
    "duration": 1,
    "frame_rate": 10,
    "elements": [{"type": "text", "id": "t", "text": "bench", "duration": 1}],
}


def per_call_us(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


def interleaved(
    raw: Callable[[], object], sdk: Callable[[], object], calls: int, rounds: int
) -> tuple[float, float]:
    """The fastest round of each (the least disturbed by other work on the machine); the
    order alternates so neither always runs first."""
    raw_times, sdk_times = [], []
    for _ in range(3):  # warm both paths (connections, imports, caches)
        raw()
        sdk()
    for index in range(rounds):
        first, second = (raw, sdk) if index % 2 == 0 else (sdk, raw)
        a, b = per_call_us(first, calls), per_call_us(second, calls)
        raw_times.append(a if first is raw else b)
        sdk_times.append(b if first is raw else a)
    print(f"    rounds raw {[round(t) for t in raw_times]} sdk {[round(t) for t in sdk_times]}")
    return min(raw_times), min(sdk_times)


def report(setting: str, raw_us: float, sdk_us: float) -> None:
    print(
        f"{setting:>10}: raw httpx {raw_us:8.1f} µs/call · SDK {sdk_us:8.1f} µs/call · "
        f"overhead {sdk_us - raw_us:+7.1f} µs ({sdk_us / raw_us:.2f}×)"
    )


def loopback(calls: int, rounds: int) -> tuple[float, float, bytes]:
    with (
        running_server() as server,
        Framelane(server.key, base_url=server.base, max_retries=0) as fl,
        httpx.Client(base_url=server.base, headers=server.headers) as http,
    ):
        job = fl.renders.run(SPEC, timeout=120)
        path = f"/v1/renders/{job.id}"
        body = http.get(path).content
        raw_us, sdk_us = interleaved(
            lambda: http.get(path).json(), lambda: fl.renders.get(job.id), calls, rounds
        )
    return raw_us, sdk_us, body


def in_memory(body: bytes, calls: int, rounds: int) -> tuple[float, float]:
    def answer(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    base = "http://framelane.bench"
    with (
        httpx.Client(base_url=base, transport=httpx.MockTransport(answer)) as http,
        Framelane("fl_live_bench", base_url=base, transport=httpx.MockTransport(answer)) as fl,
    ):
        return interleaved(
            lambda: http.get("/v1/renders/render_x", headers={"Authorization": "Bearer k"}).json(),
            lambda: fl.renders.get("render_x"),
            calls,
            rounds,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per round")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    raw_us, sdk_us, body = loopback(args.calls, args.rounds)
    report("loopback", raw_us, sdk_us)
    raw_us, sdk_us = in_memory(body, args.calls * 4, args.rounds)
    report("in memory", raw_us, sdk_us)


if __name__ == "__main__":
    main()
