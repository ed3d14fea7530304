"""Errors of the design-token API. Messages are Tokencraft's own where its docs give one."""

from __future__ import annotations

from framelane.core.errors import (
    BadRequest,
    Forbidden,
    FramelaneError,
    NotFound,
    ValidationFailed,
)


class InvalidTokenRequest(BadRequest):
    """Raised when a design-token request body breaks a rule (400 `{"error": "<message>"}`)."""


class ScopeMissing(Forbidden):
    """Raised when the `tkc_` token lacks the scope an endpoint needs."""

    code = "scope_missing"

    def __init__(self, scope: str) -> None:
        super().__init__(f"This operation requires the '{scope}' scope")


class RoleForbidsWrite(Forbidden):
    """Raised when a TEAM member's role (viewer) does not allow API writes."""

    code = "role_forbidden"

    def __init__(self) -> None:
        super().__init__(
            "Your workspace role does not allow API write operations on this TEAM workspace."
        )


class PlanForbidsWrite(Forbidden):
    """Raised when the workspace owner's plan (FREE) has no API write access."""

    code = "plan_forbidden"

    def __init__(self) -> None:
        super().__init__(
            "API write access is not available for this workspace owner's current plan."
        )


class WorkspaceLimitReached(Forbidden):
    """Raised when the caller already owns as many workspaces as their plan allows."""

    code = "workspace_limit"


class WorkspaceDeleteFailed(FramelaneError):
    """Raised when deleting a workspace fails unexpectedly; nothing is deleted (rolled back)."""

    code = "delete_failed"
    status_code = 500


class ResourceMissing(NotFound):
    """Raised when a workspace, tokenset, mode or token is missing or not visible to the caller."""


class TokenNotFound(ValidationFailed):
    """Raised when a render references a brand token that the chosen mode does not define."""

    code = "token_not_found"


class TokenNotRenderable(ValidationFailed):
    """Raised when a render references a composite token (e.g. a shadow) as a single value."""

    code = "token_not_renderable"


class TokenModeNotFound(ValidationFailed):
    """Raised when a render's `tokens.mode` names no mode of the tokenset."""

    code = "mode_not_found"
