"""Batch renders of a template: submission time of a 500-row CSV, and render throughput.

`PYTHONPATH=src .venv/bin/python bench/projects_batch.py [--rows 500] [--render-rows 40]`

Starts a real `framelane serve` (SQLite, two embedded workers, enterprise plan), creates a
project with two template variables, then:
1. posts a `--rows`-row CSV to `POST /v1/projects/{id}/renders/batch` and times the answer
   (every row validated, one job per row, all in one transaction), then cancels those jobs;
2. posts a `--render-rows`-row batch of small renders (160×90, 1 s at 10 fps, mp4) and times
   it from submission until `GET /v1/batches/{id}` says completed: renders per second on the
   two workers.
"""

from __future__ import annotations

import argparse
import time

import httpx
from api_server import Server, running_server

TEMPLATE = {
    "width": 160,
    "height": 90,
    "duration": 1,
    "frame_rate": 10,
    "background_color": "#101820",
    "elements": [
        {
            "type": "text",
            "id": "name",
            "text": "Hello {{name}}",
            "text_color": "{{color}}",
            "duration": 1,
            "font_size": 18,
        }
    ],
}
VARIABLES = {"name": {"type": "string"}, "color": {"type": "color", "default": "#ffffff"}}
COLOURS = ("#ff0000", "#00ff00", "#0000ff", "#ffff00", "#00ffff")


def csv_rows(count: int) -> bytes:
    lines = ["name,color"] + [f"Person {n},{COLOURS[n % len(COLOURS)]}" for n in range(count)]
    return ("\n".join(lines) + "\n").encode()


def submit_csv(api: httpx.Client, project_id: str, rows: int) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    answer = api.post(
        f"/v1/projects/{project_id}/renders/batch",
        content=csv_rows(rows),
        headers={"Content-Type": "text/csv"},
    )
    elapsed = time.perf_counter() - started
    assert answer.status_code == 202, answer.text
    return elapsed, answer.json()


def cancel_all(api: httpx.Client, batch: dict[str, object]) -> None:
    for job in batch["jobs"]:  # type: ignore[attr-defined]
        api.delete(f"/v1/renders/{job['id']}")


def wait_for_batch(api: httpx.Client, batch_id: str, timeout: float = 1800) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        batch: dict[str, object] = api.get(f"/v1/batches/{batch_id}").json()
        if batch["status"] == "completed" or time.monotonic() > deadline:
            return batch
        time.sleep(0.2)


def run(server: Server, rows: int, render_rows: int) -> None:
    with httpx.Client(base_url=server.base, headers=server.headers, timeout=600) as api:
        created = api.post(
            "/v1/projects", json={"render_request": TEMPLATE, "variables": VARIABLES}
        )
        project_id = created.json()["id"]
        seconds, batch = submit_csv(api, project_id, rows)
        per_row = 1000 * seconds / rows
        print(f"submission of a {rows}-row CSV batch: {seconds:.2f} s ({per_row:.1f} ms a row)")
        cancel_all(api, batch)
        time.sleep(2)  # let the workers see the cancellations
        started = time.perf_counter()
        _, small = submit_csv(api, project_id, render_rows)
        done = wait_for_batch(api, str(small["id"]))
        elapsed = time.perf_counter() - started
        assert done["status"] == "completed", done
        print(
            f"{render_rows} small renders on two workers: {elapsed:.1f} s, "
            f"{render_rows / elapsed:.2f} renders/s ({elapsed / render_rows:.2f} s a render), "
            f"counts {done['counts']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--render-rows", type=int, default=40)
    args = parser.parse_args()
    with running_server({"FRAMELANE_EMBEDDED_WORKERS": "2"}) as server:
        run(server, args.rows, args.render_rows)


if __name__ == "__main__":
    main()
