"""`/console…`: the single-page app, its assets, starter compositions and catalog previews.

Nothing here reads workspace data: the pages call the public `/v1` API with the session cookie
and the CSRF header, through the same services and workspace scoping as any API key.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, Header
from fastapi.responses import FileResponse, RedirectResponse, Response

from framelane.console import previews
from framelane.core.errors import NotFound
from framelane.core.settings import Settings
from framelane.identity.auth import PrincipalDep
from framelane.kit.errors import ERROR_RESPONSES
from framelane.kit.web import SettingsDep

router = APIRouter(tags=["console"], include_in_schema=False, responses=ERROR_RESPONSES)

PACKAGE = Path(__file__).parent
STATIC = PACKAGE / "static"
STARTERS = PACKAGE / "starters"
INDEX = STATIC / "index.html"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(settings: Settings) -> str:
    """Scripts and styles from this origin only; media and API calls also to the public base
    URL (signed artifact and upload URLs point there)."""
    base = origin_of(settings.public_base_url)
    extra = f" {base}" if base else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: blob:{extra}",
            f"media-src 'self' blob:{extra}",
            f"connect-src 'self'{extra}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def console_headers(settings: Settings) -> dict[str, str]:
    return {
        "content-security-policy": content_security_policy(settings),
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "cache-control": "no-cache",
    }


def wants_html(accept: str | None) -> bool:
    return "text/html" in (accept or "")


@router.get("/")
def root(accept: Annotated[str | None, Header()] = None) -> Response:
    """A browser goes to the console; an API client gets a pointer to the API."""
    if wants_html(accept):
        return RedirectResponse("/console", status_code=303)
    body = {"name": "Framelane API", "docs": "/docs", "openapi": "/openapi.json"}
    return Response(json.dumps(body), media_type="application/json")


def page(settings: Settings) -> FileResponse:
    return FileResponse(INDEX, media_type="text/html", headers=console_headers(settings))


@router.get("/console")
def console_home(settings: SettingsDep) -> FileResponse:
    return page(settings)


def static_file(relative: str) -> Path:
    """A file under `static/`, never outside it."""
    target = (STATIC / relative).resolve()
    if not target.is_file() or STATIC.resolve() not in target.parents:
        raise NotFound("No such console asset.", code="not_found")
    return target


MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


@router.get("/console/static/{relative:path}")
def console_static(relative: str, settings: SettingsDep) -> FileResponse:
    target = static_file(relative)
    return FileResponse(
        target, media_type=MEDIA_TYPES.get(target.suffix), headers=console_headers(settings)
    )


@lru_cache(maxsize=1)
def starters() -> list[dict[str, Any]]:
    """The bundled starter compositions (sorted by file name)."""
    return [json.loads(path.read_text()) for path in sorted(STARTERS.glob("*.json"))]


@router.get("/console/starters.json")
def console_starters() -> list[dict[str, Any]]:
    return starters()


@router.get("/console/previews/{kind}/{name}.mp4")
async def catalog_preview(
    kind: str, name: str, settings: SettingsDep, _principal: PrincipalDep
) -> FileResponse:
    """A 1-second 160×90 clip of one catalog entry: rendered on first request, then cached."""
    path = await anyio.to_thread.run_sync(previews.preview_clip, settings.data_dir, kind, name)
    return FileResponse(path, media_type="video/mp4", headers=console_headers(settings))


@router.get("/console/{rest:path}")
def console_page(rest: str, settings: SettingsDep) -> FileResponse:
    """Every console route is the same page; the app routes on the path."""
    del rest
    return page(settings)
