"""Who a request acts for: the calling principal and workspace, known below the web layer.

Services take a `WorkspaceContext`; the web layer builds it from the request (API key, user
token or console session). The workspace row is loaded on first use of `workspace`, by the
loader the web layer gives, so a read whose workspace was verified moments ago needs only the id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the type only: the row is loaded by the caller's loader
    from framelane.identity.models import Workspace


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a workspace key, a user token or a console session."""

    kind: Literal["workspace_key", "user_token", "session"]
    user_id: str | None
    workspace_id: str | None
    key_id: str | None
    scopes: tuple[str, ...] = ()
    csrf_token: str | None = None


class WorkspaceContext:
    """The calling workspace, its principal and the caller's role in it."""

    __slots__ = ("_load", "_workspace", "id", "principal", "role")

    def __init__(
        self,
        workspace_id: str,
        principal: Principal,
        role: str,
        load: Callable[[], Workspace],
        workspace: Workspace | None = None,
    ) -> None:
        self.id = workspace_id
        self.principal = principal
        self.role = role
        self._load = load
        self._workspace = workspace

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            self._workspace = self._load()
        return self._workspace
