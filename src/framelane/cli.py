"""`framelane` command line: serve, migrate, worker, render, admin."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from framelane import composition

if TYPE_CHECKING:  # the settings (pydantic) load only when a command runs, not for `--help`
    from framelane.core.settings import Settings

Handler = Callable[[argparse.Namespace], int]


def cmd_migrate(_args: argparse.Namespace) -> int:
    from framelane.core.settings import get_settings
    from framelane.db.migrate import upgrade

    settings = get_settings()
    upgrade(settings.resolved_database_url)
    print(json.dumps({"migrated": settings.resolved_database_url.split("@")[-1]}))
    return 0


def with_local_base_url(settings: Settings, host: str, port: int) -> Settings:
    """On loopback, signed URLs point at the port actually served unless configured."""
    from framelane.core.settings import is_loopback_host

    if "public_base_url" in settings.model_fields_set or not is_loopback_host(host):
        return settings
    shown = "127.0.0.1" if host in {"", "localhost"} else host
    shown = f"[{shown}]" if ":" in shown else shown
    return settings.model_copy(update={"public_base_url": f"http://{shown}:{port}"})


def freeze_startup_heap() -> None:
    """Move everything the imports and the app built into the GC's permanent generation: a
    full collection then scans only what requests allocate (with the media libraries loaded
    it otherwise pauses every request for 50–150 ms now and then)."""
    gc.collect()
    gc.freeze()


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from framelane.api.app import create_app
    from framelane.core.logging import configure_logging
    from framelane.core.settings import UnsafeConfiguration, check_safe_to_serve, get_settings
    from framelane.db.migrate import upgrade

    settings = get_settings()
    if args.workers is not None:  # `--workers N` overrides FRAMELANE_EMBEDDED_WORKERS
        settings = settings.model_copy(update={"embedded_workers": args.workers})
    settings = with_local_base_url(settings, args.host, args.port)
    try:
        check_safe_to_serve(settings, args.host)
    except UnsafeConfiguration as exc:
        print(f"framelane: {exc}", file=sys.stderr)
        return 2
    configure_logging()
    upgrade(settings.resolved_database_url)
    app = create_app(settings, composition.features(), start_background=True)
    freeze_startup_heap()
    # loop/http "auto" pick uvloop and httptools (dependencies); the access log is our own
    # middleware's JSON line, so uvicorn's is off.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        workers=1,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
        loop="auto",
        http="auto",
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """`framelane worker`: consume jobs with every feature's runners (run `framelane migrate`,
    or `serve`, first: workers never migrate, so several can start at once)."""
    from framelane.core.logging import configure_logging
    from framelane.core.settings import get_settings
    from framelane.jobs.consumer import run_worker
    from framelane.kit.wiring import Wiring

    settings = get_settings()
    configure_logging()
    wiring = Wiring.of(composition.features())
    started = {
        "worker": "started",
        "workers": args.workers,
        "queue": settings.resolved_queue_url.split("@")[-1],
    }
    print(json.dumps(started), flush=True)
    run_worker(settings, wiring, args.workers)
    return 0


def cmd_create_workspace(args: argparse.Namespace) -> int:
    from framelane.core.settings import get_settings
    from framelane.db.session import session_scope
    from framelane.identity.service import create_workspace

    settings = get_settings()
    with session_scope(settings.resolved_database_url) as session:
        created = create_workspace(
            session, name=args.name, email=args.email, plan=args.plan, verified=True
        )
        out = {
            "workspace_id": created.workspace.id,
            "user_id": created.user.id,
            "email": created.user.email,
            "plan": created.workspace.plan,
            "api_key": created.key.plaintext,
            "key_id": created.key.record.id,
        }
    print(json.dumps(out))
    return 0


def cmd_set_plan(args: argparse.Namespace) -> int:
    from framelane.core.settings import get_settings
    from framelane.db.session import session_scope
    from framelane.identity.repository import IdentityRepository

    settings = get_settings()
    if args.plan not in settings.plans:
        print(
            f"framelane: unknown plan {args.plan!r}; one of {sorted(settings.plans)}",
            file=sys.stderr,
        )
        return 2
    with session_scope(settings.resolved_database_url) as session:
        workspace = IdentityRepository.from_session(session).workspace(args.workspace)
        if workspace is None:
            print(f"framelane: no workspace {args.workspace!r}", file=sys.stderr)
            return 1
        workspace.plan = args.plan
    print(json.dumps({"workspace_id": args.workspace, "plan": args.plan}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from framelane.tokens import cli as token_commands

    parser = argparse.ArgumentParser(prog="framelane", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API with embedded workers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="embedded worker threads (default: FRAMELANE_EMBEDDED_WORKERS)",
    )
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    worker = sub.add_parser("worker", help="consume jobs from FRAMELANE_QUEUE_URL")
    worker.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")
    worker.set_defaults(func=cmd_worker)
    admin = sub.add_parser("admin", help="operator commands").add_subparsers(
        dest="admin_command", required=True
    )
    create = admin.add_parser("create-workspace", help="a verified workspace and its first key")
    create.add_argument("--name", required=True)
    create.add_argument("--email", required=True)
    create.add_argument("--plan", default="free")
    create.set_defaults(func=cmd_create_workspace)
    set_plan = admin.add_parser("set-plan", help="change a workspace's plan")
    set_plan.add_argument("workspace")
    set_plan.add_argument("plan")
    set_plan.set_defaults(func=cmd_set_plan)
    token_commands.register(admin)  # create-token, set-token-plan
    for register in composition.commands():
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.func
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
