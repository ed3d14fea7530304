"""What the webhooks feature installs in a process: the outbox subscriber and the dispatcher."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI

from framelane.core.settings import Settings

Lifespan = Callable[[Any], AbstractAsyncContextManager[Any]]


def start_dispatcher(app: FastAPI) -> None:
    """`register_startup` hook: a dispatcher loop runs for the lifetime of `framelane serve`."""
    from framelane.webhooks.dispatcher import start_background

    settings: Settings = app.state.settings
    previous: Lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(asgi_app: Any) -> AsyncIterator[Any]:
        stop = start_background(settings)
        app.state.webhook_dispatcher_stop = stop
        try:
            async with previous(asgi_app) as state:
                yield state
        finally:
            await anyio.to_thread.run_sync(stop)

    app.router.lifespan_context = lifespan


_installed = False


def install() -> None:
    """Idempotent: subscribe the outbox to domain events and register the dispatcher hook."""
    global _installed
    if _installed:
        return
    _installed = True
    from framelane.api.app import register_startup
    from framelane.webhooks import service  # noqa: F401  (subscribes at import)

    register_startup(start_dispatcher)
