"""Every API call described once — method, path, body, how to read the answer — for both the
sync and the async client, which only differ in how they send it.

Answers are read into the server's own pydantic models. The render request model
(`RenderSpec`) pulls in the render engine, so it is imported only when a caller hands one in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import httpx
from pydantic import BaseModel

from framelane.client.errors import FramelaneAPIError, JobFailed
from framelane.identity.schemas import ApiKeyCreated, WorkspaceOut
from framelane.ingest.schemas import AssetOut, ImportOut, UploadOut, UploadReceived
from framelane.jobs.schemas import JobOut
from framelane.renders.schemas import PreviewValidation
from framelane.tasks.schemas import TaskType
from framelane.webhooks.schemas import DeliveryAttemptOut, SecretOut, WebhookCreated, WebhookOut
from framelane.workspaces.schemas import UsageOut

if TYPE_CHECKING:
    from framelane.projects.schemas import OpsResult, ProjectOut, ProjectPreviewValidation

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
Kind = Literal["render", "task"]
TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled"})
# The long-poll window the server allows (`?wait=` ≤ 30 s).
MAX_WAIT_WINDOW = 25.0


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One logical API call. `idempotency_key` is fixed when the call is built, so every
    retry of this call sends the same key."""

    method: str
    path: str
    read: Callable[[httpx.Response], T]
    params: Mapping[str, Any] | None = None
    json: Any = None
    content: Any = None
    authenticated: bool = True
    idempotency_key: str | None = None
    timeout: float | None = None
    follow_redirects: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)

    def request_headers(self, api_key: str | None) -> dict[str, str]:
        headers = dict(self.headers)
        if self.authenticated and api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        if self.idempotency_key:
            headers["Idempotency-Key"] = self.idempotency_key
        return headers


def reader(model: type[M]) -> Callable[[httpx.Response], M]:
    def read(response: httpx.Response) -> M:
        return model.model_validate_json(response.content, by_name=True)

    return read


def read_json(response: httpx.Response) -> Any:
    return response.json()


def read_nothing(_response: httpx.Response) -> None:
    return None


def read_bytes(response: httpx.Response) -> bytes:
    return response.content


def new_key() -> str:
    return f"sdk-{uuid.uuid4()}"


def post(path: str, body: Any, read: Callable[[httpx.Response], T], **extra: Any) -> Call[T]:
    """A POST with its own Idempotency-Key (a replay answers the first call's result)."""
    key = extra.pop("idempotency_key", None) or new_key()
    return Call("POST", path, read, json=body, idempotency_key=key, **extra)


def body_of(spec: Any) -> dict[str, Any]:
    """A render request as JSON: a `RenderSpec` (or any model) dumped, a mapping copied."""
    if isinstance(spec, BaseModel):
        return spec.model_dump(mode="json", exclude_unset=True)
    return dict(spec)


def strict_headers(strict: bool) -> dict[str, str]:
    return {"Framelane-Strict": "true"} if strict else {}


# --- jobs: renders and tasks ------------------------------------------------------------------


def collection(kind: Kind) -> str:
    return "/v1/renders" if kind == "render" else "/v1/tasks"


def task_path(task_type: TaskType | str) -> str:
    return f"/v1/tasks/{str(task_type).replace('_', '-')}"


def kind_of(job_id: str) -> Kind:
    return "task" if job_id.startswith("task_") else "render"


def create_render(
    spec: Any, *, strict: bool = False, idempotency_key: str | None = None
) -> Call[JobOut]:
    return post(
        "/v1/renders",
        body_of(spec),
        reader(JobOut),
        headers=strict_headers(strict),
        idempotency_key=idempotency_key,
    )


def create_task(
    task_type: TaskType | str,
    source_url: str,
    params: Mapping[str, Any],
    *,
    strict: bool = False,
    idempotency_key: str | None = None,
) -> Call[JobOut]:
    body = {"source_url": source_url, **params}
    return post(
        task_path(task_type),
        body,
        reader(JobOut),
        headers=strict_headers(strict),
        idempotency_key=idempotency_key,
    )


def get_job(kind: Kind, job_id: str, wait: float = 0) -> Call[JobOut]:
    params = {"wait": f"{wait:g}"} if wait > 0 else None
    # the read timeout must outlast the server's long-poll
    return Call(
        "GET", f"{collection(kind)}/{job_id}", reader(JobOut), params=params, timeout=wait + 30
    )


def cancel_job(kind: Kind, job_id: str) -> Call[JobOut]:
    return Call("DELETE", f"{collection(kind)}/{job_id}", reader(JobOut))


def download_job(kind: Kind, job_id: str, fmt: str | None = None) -> Call[None]:
    """Follows the 302 to the signed artifact URL; the caller streams the body."""
    params = {"format": fmt} if fmt else None
    return Call("GET", f"{collection(kind)}/{job_id}/download", read_nothing, params=params)


def download_location(kind: Kind, job_id: str, fmt: str | None = None) -> Call[str]:
    """The signed artifact URL the download endpoint redirects to (not followed)."""
    params = {"format": fmt} if fmt else None
    path = f"{collection(kind)}/{job_id}/download"
    return Call("GET", path, read_location, params=params, follow_redirects=False)


def read_location(response: httpx.Response) -> str:
    return str(response.headers["location"])


def is_final(call: Call[Any], response: httpx.Response) -> bool:
    """A success, or the redirect itself when the call does not follow it."""
    return response.is_success or (response.is_redirect and not call.follow_redirects)


def list_jobs(kind: Kind, **filters: Any) -> Call[Any]:
    return Call("GET", collection(kind), read_json, params=clean(filters))


def is_terminal(job: JobOut) -> bool:
    return job.status in TERMINAL_STATUSES


def finished(job: JobOut) -> JobOut:
    """The completed job, or `JobFailed` for one that failed or was cancelled."""
    if job.status != "completed":
        raise JobFailed(job)
    return job


def next_window(remaining: float | None, with_progress: bool, progress_interval: float) -> float:
    """How long the next long-poll may hold: short while someone watches the progress, up to
    the server's limit otherwise, never past the caller's deadline."""
    window = progress_interval if with_progress else MAX_WAIT_WINDOW
    if remaining is not None:
        window = min(window, remaining)
    return max(window, 0.0)


# --- preview -----------------------------------------------------------------------------------


def validate_render(spec: Any, *, strict: bool = False) -> Call[PreviewValidation]:
    """The server's free `dry_run` check of a render request."""
    body = {**body_of(spec), "dry_run": True}
    return Call(
        "POST", "/v1/preview", reader(PreviewValidation), json=body, headers=strict_headers(strict)
    )


def preview_render(
    spec: Any, *, time: float = 0, contact_sheet: int | None = None, strict: bool = False
) -> Call[bytes]:
    """A PNG of the frame at `time` (or a contact sheet of evenly spaced frames)."""
    body: dict[str, Any] = {**body_of(spec), "time": time}
    if contact_sheet is not None:
        body["contact_sheet"] = contact_sheet
    return Call("POST", "/v1/preview", read_bytes, json=body, headers=strict_headers(strict))


# --- media: uploads, imports, assets -----------------------------------------------------------


def create_upload(
    content_type: str, filename: str | None = None, size_bytes: int | None = None
) -> Call[UploadOut]:
    body = clean({"content_type": content_type, "filename": filename, "size_bytes": size_bytes})
    return post("/v1/uploads", body, reader(UploadOut))


def put_upload(upload: UploadOut, content: Any) -> Call[UploadReceived]:
    """The signed PUT (no API key: the URL's signature is the permission)."""
    return Call(
        upload.method,
        upload.upload_url,
        reader(UploadReceived),
        content=content,
        authenticated=False,
        headers=upload.headers,
        timeout=600,
    )


def create_import(url: str, filename: str | None = None) -> Call[ImportOut]:
    return post("/v1/imports", clean({"url": url, "filename": filename}), reader(ImportOut))


def import_done(found: ImportOut, out_of_time: bool) -> bool:
    """True once ready; a failed import raises its error, one still going past the deadline
    raises `wait_timeout`."""
    if found.status == "ready":
        return True
    if found.status == "failed":
        error = found.error
        code, message = (error.code, error.message) if error else ("import_failed", found.status)
        raise FramelaneAPIError(code, message, {"import_id": found.id})
    if out_of_time:
        raise FramelaneAPIError("wait_timeout", f"{found.id} is still {found.status}")
    return False


def get_import(import_id: str) -> Call[ImportOut]:
    return Call("GET", f"/v1/imports/{import_id}", reader(ImportOut))


def list_assets(kind: str | None = None, limit: int | None = None) -> Call[Any]:
    return Call(
        "GET", "/v1/workspace/assets", read_json, params=clean({"kind": kind, "limit": limit})
    )


def get_asset(asset_id: str) -> Call[AssetOut]:
    return Call("GET", f"/v1/workspace/assets/{asset_id}", reader(AssetOut))


def delete_asset(asset_id: str) -> Call[None]:
    return Call("DELETE", f"/v1/workspace/assets/{asset_id}", read_nothing)


# --- workspace, keys, usage, capabilities ------------------------------------------------------


def get_workspace() -> Call[WorkspaceOut]:
    return Call("GET", "/v1/workspace", reader(WorkspaceOut))


def rename_workspace(name: str) -> Call[WorkspaceOut]:
    return Call("PATCH", "/v1/workspace", reader(WorkspaceOut), json={"name": name})


def get_usage() -> Call[UsageOut]:
    return Call("GET", "/v1/workspace/usage", reader(UsageOut))


def create_key(name: str) -> Call[ApiKeyCreated]:
    return post("/v1/api-keys", {"name": name}, reader(ApiKeyCreated))


def list_keys() -> Call[Any]:
    return Call("GET", "/v1/api-keys", read_json)


def revoke_key(key_id: str) -> Call[None]:
    return Call("DELETE", f"/v1/api-keys/{key_id}", read_nothing)


def get_capabilities() -> Call[dict[str, Any]]:
    return Call("GET", "/v1/capabilities", read_json, authenticated=False)


# --- webhooks ------------------------------------------------------------------------------------


def create_webhook(url: str, events: list[str], enabled: bool = True) -> Call[WebhookCreated]:
    body = {"url": url, "events": events, "enabled": enabled}
    return post("/v1/webhooks", body, reader(WebhookCreated))


def list_webhooks() -> Call[Any]:
    return Call("GET", "/v1/webhooks", read_json)


def get_webhook(webhook_id: str) -> Call[WebhookOut]:
    return Call("GET", f"/v1/webhooks/{webhook_id}", reader(WebhookOut))


def update_webhook(webhook_id: str, **changes: Any) -> Call[WebhookOut]:
    path = f"/v1/webhooks/{webhook_id}"
    return Call("PATCH", path, reader(WebhookOut), json=clean(changes))


def delete_webhook(webhook_id: str) -> Call[None]:
    return Call("DELETE", f"/v1/webhooks/{webhook_id}", read_nothing)


def test_webhook(webhook_id: str) -> Call[DeliveryAttemptOut]:
    return post(f"/v1/webhooks/{webhook_id}/test", None, reader(DeliveryAttemptOut))


def rotate_webhook_secret(webhook_id: str) -> Call[SecretOut]:
    return post(f"/v1/webhooks/{webhook_id}/rotate-secret", None, reader(SecretOut))


def list_deliveries(webhook_id: str) -> Call[Any]:
    return Call("GET", f"/v1/webhooks/{webhook_id}/deliveries", read_json)


def retry_delivery(webhook_id: str, delivery_id: str) -> Call[DeliveryAttemptOut]:
    path = f"/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"
    return post(path, None, reader(DeliveryAttemptOut))


# --- projects ------------------------------------------------------------------------------------
# Their models import the render engine (ops validate elements), so they are read lazily.


def project_reader(model: str) -> Callable[[httpx.Response], Any]:
    def read(response: httpx.Response) -> Any:
        from framelane.projects import schemas

        return getattr(schemas, model).model_validate_json(response.content, by_name=True)

    return read


def project_item(entry: Any) -> Any:
    from framelane.projects.schemas import ProjectOut

    return ProjectOut.model_validate(entry, by_name=True)


def create_project(
    name: str | None, render_request: Any, variables: Mapping[str, Any] | None
) -> Call[ProjectOut]:
    body = clean({"name": name, "variables": variables})
    if render_request is not None:
        body["render_request"] = body_of(render_request)
    return post("/v1/projects", body, project_reader("ProjectOut"))


def get_project(project_id: str, full: bool) -> Call[ProjectOut]:
    params = {"view": "full" if full else "summary"}
    return Call("GET", f"/v1/projects/{project_id}", project_reader("ProjectOut"), params=params)


def list_projects() -> Call[Any]:
    return Call("GET", "/v1/projects", read_json)


def delete_project(project_id: str) -> Call[None]:
    return Call("DELETE", f"/v1/projects/{project_id}", read_nothing)


def edit_project(project_id: str, ops: Sequence[Any], if_version: int | None) -> Call[OpsResult]:
    body = clean({"ops": list(ops), "if_version": if_version, "author": "user"})
    return post(f"/v1/projects/{project_id}/ops", body, project_reader("OpsResult"))


def preview_project(project_id: str, options: Mapping[str, Any]) -> Call[bytes]:
    return Call("POST", f"/v1/projects/{project_id}/preview", read_bytes, json=clean(options))


def validate_project(project_id: str, options: Mapping[str, Any]) -> Call[ProjectPreviewValidation]:
    body = {**clean(options), "dry_run": True}
    path = f"/v1/projects/{project_id}/preview"
    return Call("POST", path, project_reader("ProjectPreviewValidation"), json=body)


def render_project(project_id: str, options: Mapping[str, Any]) -> Call[JobOut]:
    return post(f"/v1/projects/{project_id}/renders", clean(options), reader(JobOut))


# --- pagination ------------------------------------------------------------------------------


def next_page(call: Call[Any], cursor: str) -> Call[Any]:
    return Call(call.method, call.path, call.read, params={**(call.params or {}), "cursor": cursor})


def page_items(page: Any, item: Callable[[Any], T]) -> tuple[list[T], str | None]:
    """The items of one `{data, next_cursor, has_more}` page and the cursor of the next."""
    items = [item(entry) for entry in page.get("data", [])]
    cursor = page.get("next_cursor") if page.get("has_more") else None
    return items, cursor


def model_item(model: type[M]) -> Callable[[Any], M]:
    def item(entry: Any) -> M:
        return model.model_validate(entry, by_name=True)

    return item


def clean(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
