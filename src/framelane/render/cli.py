"""`framelane render SPEC.json -o OUT [--json] [--workers N]`: render locally, without a server
(`--workers N`: a long mp4/webm/mov in parts on N processes, joined as a worker fleet does).

Exit codes: 0 ok, 2 invalid spec (the error envelope is printed with JSON paths), 3 a source
problem, 1 anything else.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framelane.core.errors import FramelaneError
from framelane.render.errors import SourceError

if TYPE_CHECKING:  # the engine (media libraries) loads when a render runs, not for `--help`
    from framelane.render.pipeline import RenderResult
    from framelane.render.spec import RenderSpec

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_SOURCE = 0, 1, 2, 3
OUTPUT_FORMATS = frozenset({"mp4", "webm", "mov", "gif", "png", "jpg"})
INVALID_CODES = frozenset({"validation_error", "capability_unsupported", "limit_exceeded"})


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("render", help="render a spec file to a video or still")
    _add_arguments(parser)
    parser.set_defaults(handler=run, func=run)  # `func` is what framelane.cli dispatches on


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", type=Path, help="render spec (the POST /v1/renders body)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output file")
    parser.add_argument("--json", action="store_true", help="print a machine-readable result")
    parser.add_argument("--strict", action="store_true", help="unknown fields are errors")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes rendering parts side by side (FRAMELANE_CHUNK_SECONDS long, from "
        "FRAMELANE_CHUNK_MIN_SECONDS on; mp4, webm and mov only)",
    )


def _envelope(error: FramelaneError) -> dict[str, Any]:
    from framelane.render.spec.unknown import json_path

    body = error.to_dict()
    if isinstance(body.get("details"), list):
        body["details"] = [
            {**d, "path": json_path(tuple(d["loc"]))} if isinstance(d, dict) and "loc" in d else d
            for d in body["details"]
        ]
    return {"error": body}


def _exit_code(error: FramelaneError) -> int:
    if error.code in INVALID_CODES:
        return EXIT_INVALID
    return EXIT_SOURCE if isinstance(error, SourceError) else EXIT_FAILED


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise FramelaneError(
            f"cannot read spec {path}: {error}",
            code="validation_error",
            details=[{"loc": [], "msg": str(error), "type": "json_invalid"}],
        ) from error
    if not isinstance(data, dict):
        raise FramelaneError("the spec must be a JSON object", code="validation_error")
    return data


def _with_output_format(data: dict[str, Any], output: Path) -> dict[str, Any]:
    """The extension of `-o` (mp4, webm, mov, gif, png, jpg) picks the output format."""
    extension = output.suffix.lower().lstrip(".")
    extension = "jpg" if extension == "jpeg" else extension
    if extension in OUTPUT_FORMATS:
        return {**data, "output_format": extension}
    return data


class _Bar:
    """A rich progress bar (frames, fps, ETA) when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.progress: Any = None
        self.task: Any = None
        if enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("rendering"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[fps]:.1f} fps"),
                TimeRemainingColumn(),
            )
        self.started = time.perf_counter()

    def __enter__(self) -> _Bar:
        if self.progress is not None:
            self.progress.__enter__()
            self.task = self.progress.add_task("render", total=None, fps=0.0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)

    def frame(self, done: int, total: int) -> None:
        if self.progress is not None:
            fps = done / max(time.perf_counter() - self.started, 1e-6)
            self.progress.update(self.task, completed=done, total=total, fps=fps)


def _result_json(
    result: RenderResult, warnings: list[dict[str, str]], seconds: float, chunks: int
) -> dict[str, Any]:
    return {
        "path": str(result.path),
        "width": result.width,
        "height": result.height,
        "duration": result.duration,
        "size_bytes": result.size_bytes,
        "content_type": result.content_type,
        "warnings": warnings + result.warnings,
        "render_seconds": round(seconds, 3),
        "chunks": chunks,
    }


def _in_parts(spec: RenderSpec, args: argparse.Namespace, bar: _Bar) -> tuple[RenderResult, int]:
    from framelane.core.settings import get_settings
    from framelane.render.chunked import render_in_parts

    settings = get_settings()
    return render_in_parts(
        spec,
        args.output,
        workers=args.workers,
        chunk_seconds=settings.chunk_seconds,
        min_seconds=settings.chunk_min_seconds,
        base_dir=args.spec.resolve().parent,
        on_part=bar.frame,
    )


def run(args: argparse.Namespace) -> int:
    from framelane.render.pipeline import render
    from framelane.render.sources.resolve import DefaultResolver
    from framelane.render.spec import parse_spec

    started = time.perf_counter()
    resolver = DefaultResolver(base_dir=args.spec.resolve().parent)
    try:
        parsed = parse_spec(_with_output_format(_load(args.spec), args.output), strict=args.strict)
        with _Bar(enabled=sys.stderr.isatty() and not args.json) as bar:
            if args.workers > 1:
                result, chunks = _in_parts(parsed.spec, args, bar)
            else:
                result = render(parsed.spec, args.output, resolver=resolver, on_frame=bar.frame)
                chunks = 1
    except FramelaneError as error:
        print(json.dumps(_envelope(error), indent=None if args.json else 2))
        return _exit_code(error)
    except Exception as error:  # the process must report, not crash
        envelope = {"error": {"code": "internal_error", "message": str(error), "details": None}}
        print(json.dumps(envelope))
        return EXIT_FAILED
    finally:
        resolver.close()
    summary = _result_json(result, parsed.warnings, time.perf_counter() - started, chunks)
    if args.json:
        print(json.dumps(summary))
    else:
        for warning in summary["warnings"]:
            print(f"warning: {warning['code']}: {warning['message']}", file=sys.stderr)
        print(f"wrote {result.path} ({result.size_bytes} bytes, {result.duration:g} s)")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="framelane")
    subparsers = parser.add_subparsers(dest="command", required=True)
    register(subparsers)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
