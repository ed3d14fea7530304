"""The remote command line: `submit`, `validate`, `task`, `jobs`.

Configured by FRAMELANE_API_URL and FRAMELANE_API_KEY. Exit codes:
0 success · 1 the job failed · 2 invalid input · 3 a source problem · 4 transient (try again).
argparse, like the rest of `framelane`: one parser tree, no extra dependency, and the handlers
import what they need only when they run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from framelane.client.errors import FramelaneAPIError
    from framelane.client.sync import Framelane
    from framelane.jobs.schemas import JobOut

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_SOURCE, EXIT_TRANSIENT = 0, 1, 2, 3, 4
INVALID_CODES = frozenset(
    {
        "validation_error",
        "invalid_request",
        "capability_unsupported",
        "limit_exceeded",
        "unauthorized",
        "forbidden",
        "not_found",
        "conflict",
        "idempotency_conflict",
        "job_not_completed",
        "job_not_cancellable",
    }
)
TASK_TYPES = ("transcribe", "remove-background", "gaze-redirect", "super-resolution")
OUTPUT_FORMATS = frozenset({"mp4", "webm", "mov", "gif", "png", "jpg"})

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def register(subparsers: Subparsers) -> None:
    submit = subparsers.add_parser("submit", help="submit a render spec to a Framelane API")
    submit.add_argument("spec", type=Path, help="render spec (the POST /v1/renders body)")
    add_job_options(submit)
    submit.add_argument("--strict", action="store_true", help="unknown fields are errors")
    submit.set_defaults(func=cmd_submit)

    validate = subparsers.add_parser("validate", help="check a render spec offline")
    validate.add_argument("spec", type=Path)
    validate.add_argument("--strict", action="store_true", help="unknown fields are errors")
    validate.add_argument("--json", action="store_true", help="print the error envelope")
    validate.set_defaults(func=cmd_validate)

    task = subparsers.add_parser("task", help="run an AI task on a Framelane API")
    task.add_argument("task_type", choices=TASK_TYPES)
    task.add_argument("--source", required=True, help="a URL, or a local file to upload first")
    task.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a task parameter"
    )
    task.add_argument("--format", choices=("srt", "vtt"), help="transcripts as subtitles")
    add_job_options(task)
    task.set_defaults(func=cmd_task)

    register_jobs(subparsers)


def add_job_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", action="store_true", help="wait until the job ends")
    parser.add_argument(
        "-o", "--output", type=Path, help="download the result here (implies --wait)"
    )
    parser.add_argument("--timeout", type=float, default=None, help="give up waiting after N s")
    parser.add_argument("--json", action="store_true", help="JSON lines instead of a progress bar")


def register_jobs(subparsers: Subparsers) -> None:
    jobs = subparsers.add_parser("jobs", help="list, inspect, cancel and download jobs")
    commands = jobs.add_subparsers(dest="jobs_command", required=True)
    listing = commands.add_parser("list", help="recent renders or tasks (JSON lines)")
    listing.add_argument("--kind", choices=("render", "task"), default="render")
    listing.add_argument("--status", default=None)
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(func=cmd_jobs_list)
    for name, handler in (("get", cmd_jobs_get), ("cancel", cmd_jobs_cancel)):
        command = commands.add_parser(name, help=f"{name} one job (render_… or task_…)")
        command.add_argument("job_id")
        command.set_defaults(func=handler)
    download = commands.add_parser("download", help="save a completed job's result")
    download.add_argument("job_id")
    download.add_argument("-o", "--output", type=Path, required=True)
    download.add_argument("--format", choices=("srt", "vtt"), default=None)
    download.set_defaults(func=cmd_jobs_download)


# --- handlers -----------------------------------------------------------------------------------


def cmd_submit(args: argparse.Namespace) -> int:
    spec = read_spec(args.spec)
    if spec is None:
        return EXIT_INVALID
    if args.output is not None:
        spec = with_output_format(spec, args.output)
    return reported(lambda fl: finish(fl, fl.renders.create(spec, strict=args.strict), args))


def cmd_task(args: argparse.Namespace) -> int:
    params = parse_params(args.param)
    if params is None:
        return EXIT_INVALID

    def run(fl: Framelane) -> int:
        source = source_url(fl, args.source)
        job = fl.tasks.create(args.task_type, source, **params)
        return finish(fl, job, args, fmt=args.format)

    return reported(run)


def cmd_validate(args: argparse.Namespace) -> int:
    """The server's own validator (`parse_spec`), offline; errors at their JSON path."""
    from framelane.core.errors import FramelaneError
    from framelane.render.spec import parse_spec

    spec = read_spec(args.spec)
    if spec is None:
        return EXIT_INVALID
    try:
        parsed = parse_spec(spec, strict=args.strict)
    except FramelaneError as error:
        print_error(error.code, error.message, error.details, as_json=args.json)
        return EXIT_INVALID
    for path in parsed.warnings:
        print(f"warning: unknown field ignored: {path}", file=sys.stderr)
    width, height = parsed.spec.canvas_size
    summary = {"valid": True, "width": width, "height": height, "warnings": parsed.warnings}
    print(json.dumps(summary) if args.json else f"{args.spec}: valid ({width}×{height})")
    return EXIT_OK


def cmd_jobs_list(args: argparse.Namespace) -> int:
    def run(fl: Framelane) -> int:
        jobs = fl.renders if args.kind == "render" else fl.tasks
        for count, job in enumerate(jobs.list(status=args.status, limit=min(args.limit, 100))):
            if count >= args.limit:
                break
            print(job.model_dump_json())
        return EXIT_OK

    return reported(run)


def cmd_jobs_get(args: argparse.Namespace) -> int:
    return reported(lambda fl: show(jobs_of(fl, args.job_id).get(args.job_id)))


def cmd_jobs_cancel(args: argparse.Namespace) -> int:
    return reported(lambda fl: show(jobs_of(fl, args.job_id).cancel(args.job_id)))


def cmd_jobs_download(args: argparse.Namespace) -> int:
    def run(fl: Framelane) -> int:
        size = jobs_of(fl, args.job_id).download(args.job_id, args.output, fmt=args.format)
        print(json.dumps({"path": str(args.output), "size_bytes": size}))
        return EXIT_OK

    return reported(run)


# --- shared pieces ------------------------------------------------------------------------------


def reported(action: Any) -> int:
    """Run `action(client)`; an API error is printed and becomes the exit code."""
    from framelane.client import Framelane, FramelaneAPIError

    try:
        with Framelane() as fl:
            return int(action(fl))
    except FramelaneAPIError as error:
        print_error(error.code, error.message, error.details, as_json=False)
        return exit_code(error)


def exit_code(error: FramelaneAPIError) -> int:
    from framelane.client.errors import JobFailed

    if error.is_source_problem:
        return EXIT_SOURCE
    if error.is_transient or error.code == "wait_timeout":
        return EXIT_TRANSIENT
    if isinstance(error, JobFailed):
        return EXIT_INVALID if error.code in INVALID_CODES else EXIT_FAILED
    return EXIT_INVALID if error.code in INVALID_CODES or error.status in {400, 422} else 1


def finish(fl: Framelane, job: JobOut, args: argparse.Namespace, fmt: str | None = None) -> int:
    """Print the job; with --wait or -o, follow it to the end and download the result."""
    jobs = jobs_of(fl, job.id)
    if not (args.wait or args.output):
        return show(job)
    with ProgressDisplay(as_json=args.json) as display:
        display.update(job)
        done = jobs.wait(job.id, timeout=args.timeout, on_progress=display.update)
    if args.output is None:
        return show(done)
    size = jobs.download(done.id, args.output, fmt=fmt)
    event = {"event": "downloaded", "id": done.id, "path": str(args.output), "size_bytes": size}
    print(json.dumps(event) if args.json else f"wrote {args.output} ({size} bytes)")
    return EXIT_OK


class ProgressDisplay:
    """A rich bar (percent, stage, elapsed) on a terminal; JSON lines with --json; quiet
    otherwise."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self.progress: Any = None
        self.task: Any = None
        self.last: tuple[str, float] | None = None
        if not as_json and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>5.1f}%"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )

    def __enter__(self) -> ProgressDisplay:
        if self.progress is not None:
            self.progress.__enter__()
            self.task = self.progress.add_task("queued", total=100)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)

    def update(self, job: JobOut) -> None:
        state = (job.status, job.progress_percent)
        if state == self.last:
            return
        self.last = state
        if self.as_json:
            print(json.dumps(progress_event(job)), flush=True)
        elif self.progress is not None:
            label = f"{job.id} {job.progress_stage or job.status}"
            self.progress.update(self.task, completed=job.progress_percent, description=label)


def progress_event(job: JobOut) -> dict[str, Any]:
    return {
        "event": "progress"
        if job.status not in {"completed", "failed", "cancelled"}
        else job.status,
        "id": job.id,
        "status": job.status,
        "progress_percent": job.progress_percent,
        "progress_stage": job.progress_stage,
    }


def show(job: JobOut) -> int:
    print(job.model_dump_json())
    return EXIT_OK


def jobs_of(fl: Framelane, job_id: str) -> Any:
    return fl.tasks if job_id.startswith("task_") else fl.renders


def source_url(fl: Framelane, source: str) -> str:
    """A URL as it is; a local file is uploaded first and its `source_url` used."""
    if "://" in source:
        return source
    return fl.uploads.upload_file(Path(source)).source_url


def read_spec(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        print_error("validation_error", f"cannot read {path}: {error}", None, as_json=False)
        return None
    if not isinstance(data, dict):
        print_error("validation_error", "the spec must be a JSON object", None, as_json=False)
        return None
    return data


def with_output_format(spec: dict[str, Any], output: Path) -> dict[str, Any]:
    """`-o out.webm` asks for webm unless the spec names a format."""
    extension = output.suffix.lower().lstrip(".").replace("jpeg", "jpg")
    if extension in OUTPUT_FORMATS and "output_format" not in spec:
        return {**spec, "output_format": extension}
    return spec


def parse_params(pairs: list[str]) -> dict[str, Any] | None:
    """`--param name=value`; the value is read as JSON when it is JSON, else as text."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            print_error(
                "invalid_request", f"--param {pair!r} is not NAME=VALUE", None, as_json=False
            )
            return None
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
    return params


def print_error(code: str, message: str, details: Any, *, as_json: bool) -> None:
    """The error envelope with --json; otherwise `code: message`, then one line per field at
    its JSON path."""
    if as_json:
        print(json.dumps({"error": {"code": code, "message": message, "details": details}}))
        return
    print(f"error: {code}: {message}", file=sys.stderr)
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, dict) and "loc" in detail:
            print(f"  {field_path(detail['loc'])}: {detail.get('msg', '')}", file=sys.stderr)


def field_path(loc: list[Any]) -> str:
    from framelane.render.spec.unknown import json_path

    return json_path(tuple(loc)) or "(the request)"
