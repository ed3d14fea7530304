"""`framelane webhooks dispatch|deliver-due`: run the webhook dispatcher outside `serve`.

`dispatch` runs the loop until SIGINT/SIGTERM (a dedicated dispatcher process);
`deliver-due` sends what is due now once and prints a JSON summary (cron, debugging).
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from collections import Counter
from typing import Any


def cmd_dispatch(_args: argparse.Namespace) -> int:
    from framelane.core.logging import configure_logging
    from framelane.core.settings import get_settings
    from framelane.webhooks.dispatcher import start_background

    settings = get_settings()
    configure_logging()
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    stop = start_background(settings)
    print(json.dumps({"webhook_dispatcher": "started"}), flush=True)
    try:
        stopped.wait()
    finally:
        stop()
    return 0


def cmd_deliver_due(_args: argparse.Namespace) -> int:
    from framelane.core.settings import get_settings
    from framelane.webhooks.dispatcher import run_due_once

    results = run_due_once(get_settings())
    outcomes = Counter("succeeded" if r.outcome.succeeded else "failed" for r in results)
    print(json.dumps({"attempts": len(results), **outcomes}))
    return 0


def register(subparsers: Any) -> None:
    webhooks = subparsers.add_parser("webhooks", help="webhook delivery")
    commands = webhooks.add_subparsers(dest="webhooks_command", required=True)
    commands.add_parser("dispatch", help="deliver webhooks until stopped").set_defaults(
        func=cmd_dispatch
    )
    commands.add_parser("deliver-due", help="deliver what is due now, once").set_defaults(
        func=cmd_deliver_due
    )
