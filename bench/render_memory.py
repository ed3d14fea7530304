"""Peak memory of long renders: 1080p30 with three video layers (a full-frame clip and two
picture-in-picture clips, each repeated back to back), at 10 s and at 60 s of output.

Each render runs in its own process, which reports its peak RSS. Flat numbers mean the engine
streams (sources are decoded sequentially, layers are closed when they end, audio is mixed from
disk).

    .venv/bin/python bench/render_memory.py [SECONDS ...]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from render_inputs import WORK, inputs

CHILD = """
import json, resource, sys, time
from framelane.render.pipeline import render
spec = json.loads(sys.argv[1])
started = time.perf_counter()
result = render(spec, sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "size_mb": result.size_bytes / 1e6}))
"""


def three_layers(paths: dict[str, Path], seconds: int) -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    for start in range(0, seconds, 10):
        elements += [
            {
                "type": "video",
                "source_url": str(paths["b"]),
                "time": start,
                "width": 640,
                "height": 360,
                "x": 400,
                "y": 300,
                "border_radius": 24,
                "z_index": 2,
            },
            {
                "type": "video",
                "source_url": str(paths["a"]),
                "time": start,
                "width": 480,
                "height": 270,
                "x": 1500,
                "y": 800,
                "shadow_color": "#000000aa",
                "shadow_blur": 20,
                "z_index": 1,
            },
            {"type": "video", "source_url": str(paths["a"]), "time": start},
        ]
    return {
        "width": 1920,
        "height": 1080,
        "frame_rate": 30,
        "duration": seconds,
        "elements": elements,
    }


def measure(spec: dict[str, Any], out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(spec), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    lengths = [int(a) for a in sys.argv[1:]] or [10, 60]
    paths = inputs()
    for seconds in lengths:
        result = measure(three_layers(paths, seconds), WORK / f"memory-{seconds}s.mp4")
        print(
            f"{seconds:>3} s of 1080p30, three video layers: "
            f"peak RSS {result['peak_rss_mb']:.0f} MB, "
            f"{result['seconds']:.1f} s wall ({seconds * 30 / result['seconds']:.1f} fps)"
        )


if __name__ == "__main__":
    main()
