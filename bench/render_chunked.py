"""Split rendering on the 60 s 1080p30 reference: the reference composition of
render_reference.py (clip A full frame, clip B as a moving 640×360 inset with a shadow, a
turning logo, a stroked title) for 60 s, its clips played six times back to back.

Prints, from one run (each configuration once, in its own process):
- one worker pinned to one core (`taskset -c 0`) rendering in one piece;
- the same core rendering the same output split in parts (FRAMELANE_CHUNK_SECONDS, 10 s)
  one after the other, then joined: the cost of splitting (goal ≤ 1.05×);
- two worker processes, each pinned to its own core, taking the parts as they come (as two
  machines on one queue would), then the join: wall time ÷ one worker (goal ≤ 0.6×);
- each part's time, the join's, and from them the wall time to expect with N workers (parts
  scheduled longest first on N workers, plus the planning and the join).

    .venv/bin/python bench/render_chunked.py [--seconds 60] [--chunk-seconds 10]
"""

from __future__ import annotations

import argparse
import heapq
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from render_inputs import FPS, WORK, inputs
from render_reference import reference_spec

from framelane.render.chunked import frame_ranges, join_parts, outline, render_audio_track
from framelane.render.pipeline import render

CLIP_SECONDS = 10


def long_reference(seconds: int) -> dict[str, Any]:
    """The reference composition for `seconds`, its 10 s clips repeated back to back."""
    spec = reference_spec(inputs())
    spec["duration"] = seconds
    still = [e for e in spec["elements"] if e["type"] != "video"]
    for element in still:
        element["duration"] = seconds
        for motion in element.get("motion", []):
            if motion.get("loop"):
                motion["duration"] = seconds
    clips = [e for e in spec["elements"] if e["type"] == "video"]
    repeated = []
    for start in range(0, seconds, CLIP_SECONDS):
        for clip in clips:
            repeated.append({**clip, "id": f"{clip['id']}{start}", "time": start})
    spec["elements"] = still + repeated
    return spec


def pin(core: int) -> None:
    os.sched_setaffinity(0, {core})


def render_part(spec: dict[str, Any], path: str, start: int, stop: int) -> float:
    began = time.perf_counter()
    render(spec, path, frames=range(start, stop))
    return time.perf_counter() - began


def render_audio(spec: dict[str, Any], path: str) -> float:
    began = time.perf_counter()
    render_audio_track(spec, path)
    return time.perf_counter() - began


def pin_next(counter: Any, cores: list[int]) -> None:
    """Pool initializer: each worker process on its own core."""
    with counter.get_lock():
        core = cores[counter.value % len(cores)]
        counter.value += 1
    pin(core)


def child_whole(spec: dict[str, Any], out: Path) -> dict[str, Any]:
    began = time.perf_counter()
    render(spec, out)
    return {"wall": time.perf_counter() - began}


def child_parts(
    spec: dict[str, Any], out: Path, chunk_seconds: float, cores: list[int]
) -> dict[str, Any]:
    """Parts taken as they come by one worker process per core, then joined."""
    began = time.perf_counter()
    shape = outline(spec)
    planned = time.perf_counter() - began
    ranges = frame_ranges(shape.frame_count, shape.fps, chunk_seconds)
    scratch = Path(tempfile.mkdtemp(prefix="framelane-bench-parts-"))
    paths = [scratch / f"part-{i}.mp4" for i in range(len(ranges))]
    audio = scratch / "audio.mp4" if shape.has_audio else None
    counter = multiprocessing.get_context("fork").Value("i", 0)
    part_seconds: list[float] = [0.0] * len(ranges)
    with ProcessPoolExecutor(
        max_workers=len(cores),
        mp_context=multiprocessing.get_context("fork"),
        initializer=pin_next,
        initargs=(counter, cores),
    ) as pool:
        futures = {
            pool.submit(render_part, spec, str(path), r.start, r.stop): i
            for i, (path, r) in enumerate(zip(paths, ranges, strict=True))
        }
        if audio is not None:
            futures[pool.submit(render_audio, spec, str(audio))] = -1
        for future in as_completed(futures):
            if futures[future] >= 0:
                part_seconds[futures[future]] = future.result()
    joined = time.perf_counter()
    join_parts(
        [(p, len(r)) for p, r in zip(paths, ranges, strict=True)], audio, out, "mp4", shape.fps
    )
    join_seconds = time.perf_counter() - joined
    return {
        "wall": time.perf_counter() - began,
        "plan": planned,
        "parts": part_seconds,
        "join": join_seconds,
    }


def run_child(common: list[str], args: list[str], cores: str) -> dict[str, Any]:
    command = ["taskset", "-c", cores, sys.executable, __file__, *common, "--child", *args]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def expected_wall(parts: list[float], plan: float, join: float, workers: int) -> float:
    """Longest parts first, each to the worker free soonest (as idle workers take messages)."""
    free = [0.0] * workers
    for cost in sorted(parts, reverse=True):
        heapq.heapreplace(free, free[0] + cost)
    return plan + max(free) + join


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--chunk-seconds", type=float, default=10.0)
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    spec = long_reference(args.seconds)
    if args.child:
        kind, out = args.child[0], Path(args.child[1])
        if kind == "whole":
            result = child_whole(spec, out)
        else:
            cores = [int(c) for c in args.child[2].split(",")]
            result = child_parts(spec, out, args.chunk_seconds, cores)
        print(json.dumps(result))
        return
    out = WORK / "chunked"
    out.mkdir(parents=True, exist_ok=True)
    common = ["--seconds", str(args.seconds), "--chunk-seconds", str(args.chunk_seconds)]
    whole = run_child(common, ["whole", str(out / "whole.mp4")], "0")
    split_one = run_child(common, ["parts", str(out / "split1.mp4"), "0"], "0")
    split_two = run_child(common, ["parts", str(out / "split2.mp4"), "0,1"], "0,1")
    print(f"{args.seconds} s 1080p{FPS} reference, parts of {args.chunk_seconds:g} s")
    print(f"one worker, one core, one piece:   {whole['wall']:7.1f} s")
    print(
        f"one worker, one core, in parts:    {split_one['wall']:7.1f} s  "
        f"= {split_one['wall'] / whole['wall']:.3f}× one piece (goal ≤ 1.05)"
    )
    print(
        f"two workers, a core each, parts:   {split_two['wall']:7.1f} s  "
        f"= {split_two['wall'] / whole['wall']:.3f}× one worker (goal ≤ 0.6)"
    )
    parts = split_one["parts"]
    print("parts (one core): " + ", ".join(f"{p:.1f}" for p in parts) + " s")
    print(f"planning {split_one['plan']:.2f} s, join (stream copy) {split_one['join']:.2f} s")
    for workers in (1, 2, 4, 6, 8, 12):
        wall = expected_wall(parts, split_one["plan"], split_one["join"], workers)
        print(f"expected with {workers:2d} workers: {wall:7.1f} s = {wall / whole['wall']:.3f}×")


if __name__ == "__main__":
    main()
