"""How long the command line takes to answer, and `framelane serve` to become healthy.

Each figure is the median of several fresh processes: the CPU seconds the process spent (user +
system, steady on a shared machine) and the wall-clock seconds. `--before SRC` measures another
source tree too (e.g. an older checkout's src/) in the same run and prints the ratio.

    python bench/cli_startup.py [--runs 7] [--before /path/to/other/src]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
COMMANDS = {
    "framelane --help": ["--help"],
    "framelane render --help": ["render", "--help"],
    "framelane worker --help": ["worker", "--help"],
}


def environment(src: Path, data_dir: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    if data_dir is not None:
        env["FRAMELANE_DATA_DIR"] = str(data_dir)
    return env


Figure = tuple[float, float]  # (CPU seconds, wall seconds)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command_seconds(src: Path, args: list[str]) -> Figure:
    cpu, started = children_cpu(), time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "framelane.cli", *args],
        env=environment(src),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return children_cpu() - cpu, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_seconds(src: Path) -> Figure:
    """From `framelane serve` starting (fresh SQLite, migrations included) to `/healthz` 200."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="cli-startup-") as folder:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "framelane.cli", "serve", "--port", str(port)],
            env=environment(src, Path(folder)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        wall = time.perf_counter() - started
                        times = psutil.Process(process.pid).cpu_times()
                        return times.user + times.system, wall
                except httpx.TransportError:
                    pass
                if process.poll() is not None:
                    raise RuntimeError("framelane serve exited before it was healthy")
                time.sleep(0.02)
        finally:
            process.terminate()
            process.wait(timeout=30)


def median(figures: list[Figure]) -> Figure:
    return (
        statistics.median(cpu for cpu, _ in figures),
        statistics.median(wall for _, wall in figures),
    )


def medians(src: Path, runs: int, serve_runs: int) -> dict[str, Figure]:
    figures = {
        name: median([command_seconds(src, args) for _ in range(runs)])
        for name, args in COMMANDS.items()
    }
    figures["framelane serve → /healthz"] = median([serve_seconds(src) for _ in range(serve_runs)])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--serve-runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another src/ to compare with")
    args = parser.parse_args()
    after = medians(HERE.parent / "src", args.runs, args.serve_runs)
    before = medians(args.before, args.runs, args.serve_runs) if args.before else None
    header = f"{'median seconds (CPU / wall)':32s} {'this tree':>15s}"
    print(header + (f" {'before':>15s} {'CPU ratio':>9s}" if before else ""))
    for name, (cpu, wall) in after.items():
        line = f"{name:32s} {cpu:6.2f} / {wall:6.2f}"
        if before:
            old_cpu, old_wall = before[name]
            line += f" {old_cpu:6.2f} / {old_wall:6.2f} {old_cpu / cpu:8.1f}×"
        print(line)


if __name__ == "__main__":
    main()
