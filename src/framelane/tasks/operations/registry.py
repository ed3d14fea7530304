"""task_type / slug → operation, request validation, and the capabilities listing.

`validate_params(slug, body)` is what an endpoint calls before creating a job: schema errors
become `ValidationFailed` (422 `validation_error`, `details=[{loc, msg, type}, …]`, `loc`
relative to the body), options this build cannot honour become `CapabilityUnsupported`
(422 `capability_unsupported`), and non-English transcription becomes `language_unsupported`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from framelane.core.errors import NotFound, ValidationFailed
from framelane.tasks.operations.base import TaskOperation, TaskParams
from framelane.tasks.operations.gaze_redirect import GazeRedirect
from framelane.tasks.operations.remove_background import RemoveBackground
from framelane.tasks.operations.super_resolution import SuperResolution
from framelane.tasks.operations.transcribe import Transcribe

COMMON_FIELDS = frozenset({"metadata", "webhook_url"})

_OPERATIONS: tuple[TaskOperation, ...] = (
    RemoveBackground(),
    GazeRedirect(),
    SuperResolution(),
    Transcribe(),
)
_BY_NAME: dict[str, TaskOperation] = {
    **{op.slug: op for op in _OPERATIONS},
    **{op.task_type: op for op in _OPERATIONS},
}


def all_operations() -> list[TaskOperation]:
    """Every registered operation, in catalog order."""
    return list(_OPERATIONS)


def get_operation(slug_or_type: str) -> TaskOperation:
    """The operation for a path slug (`remove-background`) or task type (`remove_background`)."""
    try:
        return _BY_NAME[slug_or_type]
    except KeyError:
        raise NotFound(f"unknown task type '{slug_or_type}'") from None


def _error_details(exc: ValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]


def validate_params(slug: str, data: dict[str, Any]) -> TaskParams:
    """Validate a request body (common fields excluded) into the operation's `Params`."""
    operation = get_operation(slug)
    body = {k: v for k, v in data.items() if k not in COMMON_FIELDS}
    try:
        params = operation.Params.model_validate(body)
    except ValidationError as exc:
        raise ValidationFailed("the request body is invalid", details=_error_details(exc)) from None
    operation.check_supported(params)
    return params


def unknown_fields(slug: str, data: dict[str, Any]) -> list[str]:
    """Body fields the operation ignores (for the 202 response's `warnings`)."""
    known = set(get_operation(slug).Params.model_fields) | COMMON_FIELDS
    return sorted(k for k in data if k not in known)


def capabilities() -> dict[str, dict[str, Any]]:
    """The `tasks` block of `GET /v1/capabilities`, keyed by task type."""
    return {op.task_type: op.capabilities() for op in _OPERATIONS}
