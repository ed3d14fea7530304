"""`/docs`: Swagger UI served from assets shipped inside the package, so the page works on a
host without internet access (no CDN).

The assets are `swagger-ui-dist` from the npm registry (Apache-2.0; its LICENSE and NOTICE
sit beside them), refreshed by `scripts/vendor-swagger-ui.sh`. `/redoc`, which would load its
script from a CDN, is not offered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute, Route

from framelane.kit.openapi import add_security

SWAGGER_UI_VERSION = "5.36.0"
ASSETS = Path(__file__).with_name("swagger_ui")
ASSETS_ROUTE = "/docs/assets"
DOCS_ROUTES = ("/docs", "/docs/oauth2-redirect", "/redoc")
AUTHENTICATING = frozenset({"get_principal", "get_caller"})
"""Dependencies that demand a credential: an operation using one needs the bearer key."""


def install_docs(app: FastAPI) -> None:
    """Replace FastAPI's CDN-based `/docs` (and `/redoc`) with the vendored Swagger UI, and
    declare in the OpenAPI document which operations need the bearer key."""
    _declare_security(app)
    app.router.routes[:] = [route for route in app.router.routes if not _default_docs(route)]
    app.mount(ASSETS_ROUTE, StaticFiles(directory=ASSETS), name="docs-assets")
    title = f"{app.title} — docs"
    openapi_url = app.openapi_url or "/openapi.json"

    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{ASSETS_ROUTE}/swagger-ui-bundle.js?v={SWAGGER_UI_VERSION}",
            swagger_css_url=f"{ASSETS_ROUTE}/swagger-ui.css?v={SWAGGER_UI_VERSION}",
            swagger_favicon_url=f"{ASSETS_ROUTE}/favicon-32x32.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_ui_parameters={"persistAuthorization": True, "displayRequestDuration": True},
        )

    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    app.add_api_route("/docs", swagger_ui, include_in_schema=False)
    app.add_api_route("/docs/oauth2-redirect", oauth2_redirect, include_in_schema=False)


def _default_docs(route: BaseRoute) -> bool:
    return isinstance(route, Route) and route.path in DOCS_ROUTES


def _declare_security(app: FastAPI) -> None:
    build = app.openapi

    def document() -> dict[str, Any]:
        schema = build()
        if "securitySchemes" not in schema.get("components", {}):
            add_security(schema, public_operations(app.routes))
        return schema

    app.openapi = document  # type: ignore[method-assign]


def public_operations(routes: list[BaseRoute]) -> set[tuple[str, str]]:
    """(path, METHOD) of every operation that needs no credential."""
    found: set[tuple[str, str]] = set()
    for context in iter_route_contexts(routes):
        route = context.original_route
        if isinstance(route, APIRoute) and not _authenticates(context.dependant):
            found |= {(str(context.path), method) for method in route.methods or ()}
    return found


def _authenticates(dependant: Dependant) -> bool:
    if getattr(dependant.call, "__name__", "") in AUTHENTICATING:
        return True
    return any(_authenticates(sub) for sub in dependant.dependencies)
