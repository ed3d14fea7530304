"""`framelane ingest probe FILE…` (what a file is, or the precise reason it is refused) and
`framelane ingest sweep` (one watcher round: arrivals, silent uploads, stale work, old cache)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any


def cmd_probe(args: argparse.Namespace) -> int:
    from framelane.core.errors import FramelaneError
    from framelane.ingest.probe import probe_file

    failed = 0
    for name in args.files:
        try:
            result: dict[str, Any] = {"file": name, **probe_file(Path(name)).as_dict()}
        except FramelaneError as error:
            failed += 1
            result = {"file": name, "error": {"code": error.code, "message": error.message}}
        except OSError as error:
            failed += 1
            result = {"file": name, "error": {"code": "source_not_found", "message": str(error)}}
        print(json.dumps(result))
    return 1 if failed else 0


def cmd_sweep(_args: argparse.Namespace) -> int:
    from framelane.core.settings import get_settings
    from framelane.ingest.housekeeping import sweep

    print(json.dumps(asdict(sweep(get_settings()))))
    return 0


def register(subparsers: Any) -> None:
    ingest = subparsers.add_parser("ingest", help="media ingest tools")
    commands = ingest.add_subparsers(dest="ingest_command", required=True)
    probe = commands.add_parser("probe", help="probe media files (JSON lines)")
    probe.add_argument("files", nargs="+")
    probe.set_defaults(func=cmd_probe)
    commands.add_parser("sweep", help="run one ingest watcher round").set_defaults(func=cmd_sweep)
