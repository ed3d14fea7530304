"""Job GETs per second against a real `framelane serve`, from this separate process.

`.venv/bin/python bench/api_throughput.py [--rate 500] [--seconds 10] [--connections 32]`

Starts the server (SQLite, embedded worker; rate limiting stays ENABLED, with the per-key
budget raised to RATE_LIMIT_PER_KEY so it does not cut the run), completes one tiny render,
then sends `GET /v1/renders/{id}` at a fixed rate (open loop: each request has a scheduled
send time, latency counts from that time, so queueing shows in p99) over keep-alive
connections, then a closed-loop run for the maximum rate. Target (issue 4):
≥ 500 req/s with p99 < 30 ms on this 2-core machine. Each run also reports the CPU time the
client (this process) and the server spent per request, since both share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from urllib.parse import urlsplit

import httpx
import psutil
from api_server import Server, running_server

RATE_LIMIT_PER_KEY = "1000000/minute"
LEAD_IN_SECONDS = 0.05  # connections open before the first fixed-rate send


def tiny_render() -> dict[str, object]:
    return {
        "width": 64,
        "height": 36,
        "duration": 1,
        "frame_rate": 10,
        "elements": [{"type": "text", "id": "t", "text": "bench", "duration": 1}],
    }


def completed_job(server: Server) -> tuple[str, str]:
    """A completed render's id, and the RateLimit-Limit its GET answers (limits are on)."""
    with httpx.Client(base_url=server.base, headers=server.headers, timeout=60) as api:
        job_id: str = api.post("/v1/renders", json=tiny_render()).json()["id"]
        answer = api.get(f"/v1/renders/{job_id}", params={"wait": 30})
        assert answer.json()["status"] == "completed", answer.text
        return job_id, answer.headers["ratelimit-limit"]


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def connection(
    base: str,
    request: bytes,
    slots: asyncio.Queue[float | None],
    latencies: list[float],
    errors: list[int],
) -> None:
    parts = urlsplit(base)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        while (scheduled := await slots.get()) is not None:
            if scheduled > 0:
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            start = scheduled if scheduled > 0 else time.perf_counter()
            writer.write(request)
            status = await read_response(reader)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


def measured(
    server: Server, request: bytes, *, rate: float | None, seconds: float, connections: int
) -> dict[str, float]:
    """One run, plus the CPU the client and the server spent on it (ms per request)."""
    process = psutil.Process(server.pid)
    client_before, server_before = time.process_time(), sum(process.cpu_times()[:2])
    result = asyncio.run(
        run(server.base, request, rate=rate, seconds=seconds, connections=connections)
    )
    client = time.process_time() - client_before
    served = sum(process.cpu_times()[:2]) - server_before
    count = max(result["requests"], 1)
    return {
        **result,
        "client_cpu_ms_per_req": round(client * 1000 / count, 3),
        "server_cpu_ms_per_req": round(served * 1000 / count, 3),
    }


async def run(
    base: str, request: bytes, *, rate: float | None, seconds: float, connections: int
) -> dict[str, float]:
    slots: asyncio.Queue[float | None] = asyncio.Queue()
    latencies: list[float] = []
    errors: list[int] = []
    workers = [
        asyncio.create_task(connection(base, request, slots, latencies, errors))
        for _ in range(connections)
    ]
    # req/s counts from the first (scheduled) send to the last answer
    started = time.perf_counter() + (LEAD_IN_SECONDS if rate else 0.0)
    if rate:
        for i in range(int(rate * seconds)):
            slots.put_nowait(started + i / rate)
    else:
        for _ in range(int(seconds * 5000)):
            slots.put_nowait(0.0)
    for _ in workers:
        slots.put_nowait(None)
    if rate:
        await asyncio.gather(*workers)
    else:
        await asyncio.sleep(seconds)
        while not slots.empty():
            slots.get_nowait()
        for _ in workers:
            slots.put_nowait(None)
        await asyncio.gather(*workers)
    elapsed = time.perf_counter() - started
    latencies.sort()
    pick = lambda q: latencies[min(int(q * len(latencies)), len(latencies) - 1)] * 1000  # noqa: E731
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "req_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pick(0.50), 2),
        "p90_ms": round(pick(0.90), 2),
        "p99_ms": round(pick(0.99), 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with running_server(
        {
            "FRAMELANE_RATE_LIMITS_ENABLED": "true",
            "FRAMELANE_RATE_LIMITS__PER_KEY": RATE_LIMIT_PER_KEY,
        }
    ) as server:
        job_id, limit_header = completed_job(server)
        host = urlsplit(server.base).netloc

        def get(path: str) -> bytes:
            return (
                f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {server.key}\r\n\r\n"
            ).encode()

        request = get(f"/v1/renders/{job_id}")
        asyncio.run(run(server.base, request, rate=None, seconds=2, connections=8))  # warm-up
        fixed = measured(
            server, request, rate=args.rate, seconds=args.seconds, connections=args.connections
        )
        closed = measured(
            server, request, rate=None, seconds=args.seconds, connections=args.connections
        )
        baselines = {
            path: measured(
                server, get(path), rate=None, seconds=args.seconds / 2, connections=args.connections
            )["req_per_s"]
            for path in ("/healthz", "/v1/workspace")
        }
    print(
        json.dumps(
            {
                "endpoint": "GET /v1/renders/{id}",
                "rate_limiting": (
                    f"enabled, per key {RATE_LIMIT_PER_KEY} (RateLimit-Limit: {limit_header})"
                ),
                "client": "asyncio raw sockets (this process)",
                "fixed_rate": {"target_req_per_s": args.rate, **fixed},
                "max_rate_closed_loop": closed,
                "same_server_closed_loop_req_per_s": baselines,
                "load_average_1min": {
                    "before": round(load_before, 2),
                    "after": round(os.getloadavg()[0], 2),
                },
                "cpu_count": os.cpu_count(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
