"""Hooks the jobs feature installs in the app: embedded workers, `/readyz`, workspace delete."""

from __future__ import annotations

from fastapi import Request

from framelane.api.app import register_startup
from framelane.api.system import register_readiness_check
from framelane.jobs.consumer import register_worker_service, start_embedded_workers
from framelane.jobs.queue import queue_for
from framelane.jobs.service import cancel_workspace_jobs
from framelane.webhooks.dispatcher import start_background as start_webhook_dispatcher
from framelane.workspaces.service import register_deletion_hook


def check_queue(request: Request) -> None:
    queue_for(request.app.state.settings).check()


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    register_startup(start_embedded_workers)
    register_readiness_check("queue", check_queue)
    register_deletion_hook(cancel_workspace_jobs)
    # `framelane worker` processes deliver webhooks too (several dispatchers share the
    # database safely: each attempt is leased).
    register_worker_service(start_webhook_dispatcher)
