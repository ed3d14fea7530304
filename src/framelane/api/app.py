"""The application factory: routers, error handlers and middleware in a fixed order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy.orm import Session

from framelane.agents.http import mount_mcp
from framelane.api.cors import SignedUrlCorsMiddleware
from framelane.api.deps import forget_workspace
from framelane.api.errors import TOKEN_API_PREFIX, ErrorEnvelope, install_error_handlers
from framelane.api.idempotency import IdempotencyMiddleware
from framelane.api.middleware import RequestContextMiddleware
from framelane.api.openapi import add_components
from framelane.api.ratelimit import RateLimiter, RateLimitMiddleware
from framelane.core.settings import Settings, get_settings
from framelane.db.session import sessionmaker_for
from framelane.workspaces.service import register_deletion_hook

DESCRIPTION = """Framelane: one JSON composition in, a frame-exact video out.

Every error answers `{"error": {"code", "message", "details"}}` with a stable `code`.
Authenticate with `Authorization: Bearer fl_live_…`. Job-creating `POST`s accept
`Idempotency-Key`. Lists are cursor-paginated: `{data, next_cursor, has_more}`.
"""

Startup = Callable[[FastAPI], None]
_startup_hooks: list[Startup] = []


def register_startup(hook: Startup) -> Startup:
    """Features that start background work with the app (embedded workers) register here."""
    _startup_hooks.append(hook)
    return hook


def feature_routers() -> list[APIRouter]:
    from framelane.agents import endpoints as agents
    from framelane.api import system
    from framelane.capabilities import endpoints as capabilities
    from framelane.identity import endpoints as identity
    from framelane.ingest import endpoints as ingest
    from framelane.renders import endpoints as renders
    from framelane.storage import endpoints as files
    from framelane.tasks import endpoints as tasks
    from framelane.tokens import routes as tokens
    from framelane.webhooks import endpoints as webhooks
    from framelane.workspaces import endpoints as workspaces

    return [
        system.router,
        identity.router,
        workspaces.router,
        files.router,
        renders.router,
        webhooks.router,
        tokens.router,
        ingest.router,
        tasks.router,
        capabilities.router,
        agents.router,
    ]


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


def forget_deleted_workspace(session: Session, _settings: Settings, workspace_id: str) -> None:
    """Workspace-delete hook: its keys stop authenticating cached reads too."""
    forget_workspace(session, workspace_id)


def create_app(settings: Settings | None = None, *, start_background: bool = False) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="Framelane API", version="0.1.0", description=DESCRIPTION)
    app.state.settings = settings
    install_error_handlers(app)
    register_deletion_hook(forget_deleted_workspace)
    for router in feature_routers():
        app.include_router(router)
    mount_mcp(app)
    app.openapi = lambda: custom_openapi(app)  # type: ignore[method-assign]
    sessions = sessionmaker_for(settings.resolved_database_url)
    app.add_middleware(IdempotencyMiddleware, sessions=sessions)
    app.add_middleware(
        RateLimitMiddleware,
        limiter=RateLimiter(settings.rate_limits, settings.rate_limit_url),
        enabled=settings.rate_limits_enabled,
    )
    app.add_middleware(SignedUrlCorsMiddleware)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    if start_background:
        for hook in _startup_hooks:
            hook(app)
    return app
