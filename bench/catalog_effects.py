"""Milliseconds per 1080p frame for every catalog effect (and every pixel-blend transition).

    .venv/bin/python bench/catalog_effects.py [--runs 7] [--out bench/out/catalog_effects.json]

Each entry runs on the gallery's synthetic 1920×1080 landscape (opaque, premultiplied BGRA) at
intensity 80, at a different time each run so animated effects do their full work; the table
reports the median and fastest wall time and the median process CPU time (the VM is shared and
noisy: CPU time and the minimum are the steadier numbers). OpenCV may use its own threads,
which the CPU time includes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

from framelane.gallery.sources import landscape, night_city
from framelane.render.effects import EFFECTS, EffectInput
from framelane.render.pixels import Pixels, premultiply
from framelane.render.transitions import TRANSITIONS
from framelane.render.transitions.pixel import PixelTransition


def frame(make: object) -> Pixels:
    rgba = make(1920, 1080)  # type: ignore[operator]
    return premultiply(np.ascontiguousarray(rgba[..., [2, 1, 0, 3]]))


def timed(run: object, runs: int) -> tuple[float, float, float]:
    """(median wall ms, fastest wall ms, median CPU ms of the whole process)."""
    wall, cpu = [], []
    for i in range(runs + 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        run(i)  # type: ignore[operator]
        wall.append((time.perf_counter() - started) * 1000.0)
        cpu.append((time.process_time() - started_cpu) * 1000.0)
    # the first run fills the per-size caches (maps, masks, LUTs) and is left out
    return statistics.median(wall[1:]), min(wall[1:]), statistics.median(cpu[1:])


def row(median: float, best: float, cpu: float) -> dict[str, float]:
    return {"median_ms": round(median, 1), "min_ms": round(best, 1), "cpu_ms": round(cpu, 1)}


def bench(runs: int) -> dict[str, dict[str, dict[str, float]]]:
    a, b = frame(landscape), frame(night_city)
    results: dict[str, dict[str, dict[str, float]]] = {"effects": {}, "transitions": {}}
    for name in EFFECTS:
        effect = EFFECTS.get(name)
        stats = timed(lambda i, e=effect: e.apply(a, EffectInput(0.8, {}, 0.37 * i)), runs)
        results["effects"][name] = row(*stats)
    for name in TRANSITIONS:
        entry = TRANSITIONS.entry(name)
        if isinstance(entry, PixelTransition):
            stats = timed(lambda i, t=entry: t.blend(a, b, 0.2 + 0.1 * (i % 7)), runs)
            results["transitions"][name] = row(*stats)
    return results


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    lines = []
    for kind, rows in results.items():
        lines += [
            f"\n{kind} (1920x1080)",
            "| name | median ms | min ms | CPU ms |",
            "|---|---|---|---|",
        ]
        for name, r in sorted(rows.items(), key=lambda kv: -kv[1]["cpu_ms"]):
            cells = (r["median_ms"], r["min_ms"], r["cpu_ms"])
            lines.append(f"| {name} | " + " | ".join(f"{c:.1f}" for c in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/out/catalog_effects.json"))
    args = parser.parse_args()
    results = bench(args.runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"cv2_threads": cv2.getNumThreads(), "runs": args.runs}
    args.out.write_text(json.dumps({"meta": meta, **results}, indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
