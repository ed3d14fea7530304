"""The error envelope, rendered once for every failure the HTTP layer can meet.

`/v1/*` answers `{"error": {"code", "message", "details"}}`; the design-token API under
`/api/v1/*` keeps Tokencraft's own `{"error": "<message>"}` so its clients work unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from framelane.core.errors import FramelaneError

log = logging.getLogger("framelane.api")

TOKEN_API_PREFIX = "/api/v1"

HTTP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(BaseModel):
    """Every error answer of the `/v1` API."""

    error: ErrorBody


def error_response(
    request: Request | None,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    path = request.url.path if request is not None else ""
    if path.startswith(TOKEN_API_PREFIX):
        body: dict[str, Any] = {"error": message}
    else:
        body = {"error": {"code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status, headers=headers)


def validation_details(errors: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "loc": list(error.get("loc", ())),
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


async def handle_framelane_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FramelaneError)
    return error_response(request, exc.status_code, exc.code, exc.message, exc.details, exc.headers)


async def handle_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = validation_details(list(exc.errors()))
    if request.url.path.startswith(TOKEN_API_PREFIX):
        first = details[0] if details else {"loc": [], "msg": "Invalid request"}
        field = ".".join(str(part) for part in first["loc"][1:]) or "body"
        return error_response(request, 400, "invalid_request", f"{field}: {first['msg']}")
    return error_response(request, 422, "validation_error", "The request is invalid.", details)


async def handle_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = str(exc.detail) if exc.detail else code.replace("_", " ")
    if exc.status_code == 404 and message == "Not Found":
        message = f"No route for {request.method} {request.url.path}."
    if exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}."
    return error_response(
        request, exc.status_code, code, message, None, getattr(exc, "headers", None)
    )


async def handle_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    log.exception("unhandled error", extra={"request_id": request_id})
    message = (
        "Internal server error"
        if request.url.path.startswith(TOKEN_API_PREFIX)
        else ("An unexpected error occurred.")
    )
    return error_response(request, 500, "internal_error", message, {"request_id": request_id})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(FramelaneError, handle_framelane_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(Exception, handle_unexpected_error)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": code.replace("_", " ")}
    for status, code in [
        (400, "invalid_request"),
        (401, "unauthorized"),
        (403, "forbidden"),
        (404, "not_found"),
        (409, "conflict"),
        (413, "payload_too_large"),
        (422, "validation_error"),
        (429, "rate_limited"),
        (500, "internal_error"),
    ]
}
