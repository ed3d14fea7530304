"""Operational probes (not part of the original API): health, readiness, version, metrics."""

from __future__ import annotations

from importlib.metadata import version as package_version
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from framelane.db.session import engine_for
from framelane.kit.wiring import Wiring

router = APIRouter(tags=["system"])


def check_database(request: Request) -> None:
    with engine_for(request.app.state.settings.resolved_database_url).connect() as connection:
        connection.execute(text("SELECT 1"))


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Database, storage and queue are reachable (every feature's readiness check passes)."""
    wiring: Wiring = request.app.state.wiring
    results: dict[str, Any] = {}
    for name, check in wiring.readiness_checks.items():
        try:
            check(request)
            results[name] = "ok"
        except Exception as exc:  # a probe reports every failure, whatever its type
            results[name] = f"error: {type(exc).__name__}: {exc}"[:300]
    ready = all(value == "ok" for value in results.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status_code=200 if ready else 503,
    )


@router.get("/version")
def version() -> dict[str, str]:
    return {"name": "framelane", "version": package_version("framelane"), "api": "v1"}


@router.get("/metrics")
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
