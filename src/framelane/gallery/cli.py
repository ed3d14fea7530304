"""`framelane gallery OUTDIR`: render the whole catalog as clips and labelled contact sheets."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine loads when the gallery is built, not for `--help`
    from framelane.gallery.service import Entry


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "gallery", help="render every effect, motion, transition and caption style"
    )
    parser.add_argument("outdir", type=Path, help="directory for clips, sheets and index.html")
    parser.add_argument(
        "--kind",
        action="append",
        default=[],
        metavar="KIND",
        help="only these catalog kinds (repeatable; default all)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="only these catalog names (repeatable)",
    )
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--height", type=int, default=90)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(func=run)


def _report(entry: Entry) -> None:
    mark = "ok " if entry.supported else "-- "
    print(
        f"{mark}{entry.kind:16s} {entry.name:24s} {entry.milliseconds:7.0f} ms  {entry.how}",
        file=sys.stderr,
    )


def run(args: argparse.Namespace) -> int:
    from framelane.gallery.service import KINDS, build_gallery
    from framelane.gallery.specs import Frame

    unknown = sorted(set(args.kind) - set(KINDS))
    if unknown:
        print(f"framelane: unknown --kind {unknown}; one of {sorted(KINDS)}", file=sys.stderr)
        return 2
    if args.width % 2 or args.height % 2:
        print("framelane: --width and --height must be even (H.264)", file=sys.stderr)
        return 2
    frame = Frame(args.width, args.height, args.seconds, args.fps)
    entries = build_gallery(
        args.outdir,
        frame=frame,
        kinds=tuple(args.kind),
        only=frozenset(args.only),
        progress=None if args.quiet else _report,
    )
    summary = {
        kind: {
            "entries": sum(e.kind == kind for e in entries),
            "supported": sum(e.kind == kind and e.supported for e in entries),
        }
        for kind in dict.fromkeys(e.kind for e in entries)
    }
    print(
        json.dumps(
            {"outdir": str(args.outdir), "index": str(args.outdir / "index.html"), "kinds": summary}
        )
    )
    return 0 if entries else 1
