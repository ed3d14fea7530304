"""`framelane worker [--workers N]`: consume render/task jobs from the configured queue.

Run `framelane migrate` (or `serve`) first: workers never migrate, so several can start at once.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def cmd_worker(args: argparse.Namespace) -> int:
    from framelane.core.logging import configure_logging
    from framelane.core.settings import get_settings
    from framelane.jobs.consumer import run_worker

    settings = get_settings()
    configure_logging()
    print(
        json.dumps(
            {
                "worker": "started",
                "workers": args.workers,
                "queue": settings.resolved_queue_url.split("@")[-1],
            }
        ),
        flush=True,
    )
    run_worker(settings, args.workers)
    return 0


def register(subparsers: Any) -> None:
    worker = subparsers.add_parser("worker", help="consume jobs from FRAMELANE_QUEUE_URL")
    worker.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")
    worker.set_defaults(func=cmd_worker)
