"""The application factory: the features' routers, error handlers and middleware in a fixed
order, and one lifespan that runs the features' services.

It imports no feature: `create_app(settings, features)` gets them from the composition root
(`framelane.composition`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from framelane.api.cors import SignedUrlCorsMiddleware
from framelane.api.docs import install_docs
from framelane.api.idempotency import IdempotencyMiddleware
from framelane.api.middleware import RequestContextMiddleware
from framelane.api.ratelimit import RateLimiter, RateLimitMiddleware
from framelane.core.settings import Settings
from framelane.db.session import sessionmaker_for
from framelane.jobs.consumer import embedded_workers
from framelane.kit.errors import TOKEN_API_PREFIX, ErrorEnvelope, install_error_handlers
from framelane.kit.feature import Feature, Service
from framelane.kit.openapi import add_components
from framelane.kit.wiring import Wiring

DESCRIPTION = """Framelane: one JSON composition in, a frame-exact video out.

Every error answers `{"error": {"code", "message", "details"}}` with a stable `code`.
Authenticate with `Authorization: Bearer fl_live_…`. Job-creating `POST`s accept
`Idempotency-Key`. Lists are cursor-paginated: `{data, next_cursor, has_more}`.
"""

TOKEN_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "TokenError",
    "required": ["error"],
    "properties": {"error": {"type": "string", "description": "a human-readable message"}},
}


def error_content(schema_name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}


def describe_validation_errors(route: str, responses: dict[str, Any]) -> None:
    """`/v1` answers validation failures with 422 and the envelope; the design-token API
    under `/api/v1` answers 400 with Tokencraft's `{"error": "<message>"}`, as do its other
    errors."""
    if route.startswith(TOKEN_API_PREFIX):
        responses.pop("422", None)
        for status in ("400", "401", "403", "404", "429"):
            responses[status] = {"description": "error", "content": error_content("TokenError")}
    elif "422" in responses:
        responses["422"] = {
            "description": "validation_error",
            "content": error_content("ErrorEnvelope"),
        }


def custom_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title="Framelane API", version=app.version, description=DESCRIPTION, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorEnvelope"] = ErrorEnvelope.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    for definition in components["ErrorEnvelope"].pop("$defs", {}).items():
        components.setdefault(definition[0], definition[1])
    components["TokenError"] = TOKEN_ERROR_SCHEMA
    for route, path in schema.get("paths", {}).items():
        for operation in path.values():
            describe_validation_errors(route, operation.get("responses", {}))
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    add_components(schema)
    app.openapi_schema = schema
    return schema


def background_services(settings: Settings, wiring: Wiring) -> tuple[Service, ...]:
    """What `framelane serve` runs beside the API: the features' API services, their worker
    services and the embedded job consumers (with every feature's runners)."""
    return (*wiring.api_services, *wiring.worker_services, embedded_workers(wiring))


def lifespan_with(
    services: Sequence[Service],
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """One lifespan for every service: started in order, stopped in reverse, in one exit stack
    (a service that fails to start stops those already started)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings: Settings = app.state.settings
        async with AsyncExitStack() as stack:
            for service in services:
                stop = await anyio.to_thread.run_sync(service, settings)
                stack.push_async_callback(anyio.to_thread.run_sync, stop)
            yield

    return lifespan


def create_app(
    settings: Settings, features: Sequence[Feature], *, start_background: bool = False
) -> FastAPI:
    """The API of `features` (`framelane.composition.features()` in production).
    `start_background`: run the features' services and embedded workers with the app
    (`framelane serve`); tests that only send requests leave it off."""
    wiring = Wiring.of(features)
    services = background_services(settings, wiring) if start_background else ()
    app = FastAPI(
        title="Framelane API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan_with(services),
    )
    app.state.settings = settings
    app.state.wiring = wiring
    wiring.bind_events(settings.resolved_database_url)
    install_error_handlers(app)
    for feature in wiring.features:
        for router in feature.routers:
            app.include_router(router)
    app.openapi = lambda: custom_openapi(app)  # type: ignore[method-assign]
    install_docs(app)
    sessions = sessionmaker_for(settings.resolved_database_url)
    app.add_middleware(IdempotencyMiddleware, sessions=sessions)
    app.add_middleware(
        RateLimitMiddleware,
        limiter=RateLimiter(settings.rate_limits, settings.rate_limit_url),
        enabled=settings.rate_limits_enabled,
    )
    app.add_middleware(SignedUrlCorsMiddleware)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    return app
