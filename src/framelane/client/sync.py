"""`Framelane`: the blocking client (`AsyncFramelane` in `aio.py` is its awaitable twin)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import httpx

from framelane.client import calls
from framelane.client.calls import Call, Kind
from framelane.client.config import CHUNK, IMPORT_POLL_SECONDS, ClientConfig, content_type_of
from framelane.client.errors import ConnectionFailed, WaitTimeout, error_from_response
from framelane.identity.schemas import ApiKeyCreated, ApiKeyOut, WorkspaceOut
from framelane.ingest.schemas import AssetOut, ImportOut, UploadOut, UploadReceived
from framelane.jobs.schemas import JobOut
from framelane.renders.schemas import PreviewValidation
from framelane.tasks.schemas import TaskType
from framelane.webhooks.schemas import DeliveryAttemptOut, SecretOut, WebhookCreated, WebhookOut
from framelane.workspaces.schemas import UsageOut

if TYPE_CHECKING:
    from framelane.projects.schemas import OpsResult, ProjectOut, ProjectPreviewValidation

T = TypeVar("T")
Progress = Callable[[JobOut], None]
Destination = str | Path | IO[bytes]


class Framelane:
    """The Framelane API from Python.

    >>> fl = Framelane()  # FRAMELANE_API_URL and FRAMELANE_API_KEY
    >>> job = fl.renders.run({"width": 320, "height": 180, "duration": 1, "elements": []})
    >>> fl.renders.download(job.id, "out.mp4")
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = ClientConfig.resolve(api_key, base_url, timeout, max_retries)
        self.http = httpx.Client(transport=transport, **self.config.http_options())  # type: ignore[arg-type]
        self.renders = Renders(self, "render")
        self.tasks = Tasks(self, "task")
        self.uploads = Uploads(self)
        self.imports = Imports(self)
        self.assets = Assets(self)
        self.webhooks = Webhooks(self)
        self.keys = Keys(self)
        self.workspace = Workspace(self)
        self.projects = Projects(self)

    def __enter__(self) -> Framelane:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    # --- sending ----------------------------------------------------------------------------

    def send(self, call: Call[T]) -> T:
        """Send `call` (retrying what is transient) and read its answer."""
        response = self.respond(call, stream=False)
        return call.read(response)

    def respond(self, call: Call[Any], *, stream: bool) -> httpx.Response:
        """The final answer to `call`: a success, or the error raised. Connection failures,
        429 and 5xx are tried again (with the same Idempotency-Key)."""
        policy = self.config.retry
        attempt = 0
        while True:
            try:
                response = self.http.send(
                    self.build(call), stream=stream, follow_redirects=call.follow_redirects
                )
            except httpx.TransportError as exc:
                delay = policy.after_error(attempt)
                if delay is None:
                    raise ConnectionFailed("connection_error", str(exc) or repr(exc)) from exc
            else:
                if calls.is_final(call, response):
                    return response
                delay = policy.after_response(attempt, response)
                response.read()
                response.close()
                if delay is None:
                    raise error_from_response(response)
            time.sleep(delay)
            attempt += 1

    def build(self, call: Call[Any]) -> httpx.Request:
        timeout = self.http.timeout if call.timeout is None else httpx.Timeout(call.timeout)
        return self.http.build_request(
            call.method,
            call.path,
            params=call.params,
            json=call.json,
            content=call.content,
            headers=call.request_headers(self.config.api_key),
            timeout=timeout,
        )

    def pages(self, call: Call[Any], item: Callable[[Any], T]) -> Iterator[T]:
        """Every item of a paginated list, fetching pages as they are consumed."""
        while True:
            items, cursor = calls.page_items(self.send(call), item)
            yield from items
            if cursor is None:
                return
            call = calls.next_page(call, cursor)

    @contextmanager
    def stream(self, call: Call[Any]) -> Iterator[httpx.Response]:
        response = self.respond(call, stream=True)
        try:
            yield response
        finally:
            response.close()

    def save(self, call: Call[Any], destination: Destination) -> int:
        """Stream an artifact to a path or an open binary file; the number of bytes."""
        with self.stream(call) as response:
            if isinstance(destination, str | Path):
                with Path(destination).open("wb") as out:
                    return write_all(response, out)
            return write_all(response, destination)

    # --- one-off calls ------------------------------------------------------------------------

    def validate(self, spec: Any, *, strict: bool = False) -> PreviewValidation:
        """The server's free check of a render request (raises with the failing fields)."""
        return self.send(calls.validate_render(spec, strict=strict))

    def preview(self, spec: Any, *, time: float = 0, contact_sheet: int | None = None) -> bytes:
        """A PNG of one frame (or of a contact sheet of `contact_sheet` frames)."""
        return self.send(calls.preview_render(spec, time=time, contact_sheet=contact_sheet))

    def usage(self) -> UsageOut:
        return self.send(calls.get_usage())

    def capabilities(self) -> dict[str, Any]:
        return self.send(calls.get_capabilities())


def write_all(response: httpx.Response, out: IO[bytes]) -> int:
    written = 0
    for chunk in response.iter_bytes(CHUNK):
        out.write(chunk)
        written += len(chunk)
    return written


class Resource:
    def __init__(self, client: Framelane) -> None:
        self.client = client


class Jobs(Resource):
    """What renders and tasks share: get, wait, cancel, list, download."""

    def __init__(self, client: Framelane, kind: Kind) -> None:
        super().__init__(client)
        self.kind: Kind = kind

    def get(self, job_id: str, *, wait: float = 0) -> JobOut:
        """The job; with `wait` (≤ 30 s) the server answers once it ends or the time is up."""
        return self.client.send(calls.get_job(self.kind, job_id, wait))

    def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        on_progress: Progress | None = None,
        progress_interval: float = 1.0,
    ) -> JobOut:
        """Block until the job ends; the completed job, or `JobFailed` / `WaitTimeout`.

        Uses the server's long-poll; `on_progress(job)` is called with every state seen.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            window = calls.next_window(remaining, on_progress is not None, progress_interval)
            job = self.get(job_id, wait=window)
            if on_progress is not None:
                on_progress(job)
            if calls.is_terminal(job):
                return calls.finished(job)
            if deadline is not None and time.monotonic() >= deadline:
                raise WaitTimeout(job)

    def cancel(self, job_id: str) -> JobOut:
        return self.client.send(calls.cancel_job(self.kind, job_id))

    def list(self, *, status: str | None = None, limit: int | None = None) -> Iterator[JobOut]:
        call = calls.list_jobs(self.kind, status=status, limit=limit)
        return self.client.pages(call, calls.model_item(JobOut))

    def download(self, job_id: str, destination: Destination, *, fmt: str | None = None) -> int:
        """Save the artifact to a path or a binary file; the number of bytes written."""
        return self.client.save(calls.download_job(self.kind, job_id, fmt), destination)

    def download_url(self, job_id: str, *, fmt: str | None = None) -> str:
        """A fresh signed URL of the artifact (about 15 minutes)."""
        return self.client.send(calls.download_location(self.kind, job_id, fmt))

    def stream(self, job_id: str, *, fmt: str | None = None) -> Iterator[bytes]:
        """The artifact's bytes, chunk by chunk."""
        with self.client.stream(calls.download_job(self.kind, job_id, fmt)) as response:
            yield from response.iter_bytes(CHUNK)


class Renders(Jobs):
    def create(
        self, spec: Any, *, strict: bool = False, idempotency_key: str | None = None
    ) -> JobOut:
        """Queue a render (a `RenderSpec` or its JSON as a dict); 422 names the bad fields."""
        return self.client.send(
            calls.create_render(spec, strict=strict, idempotency_key=idempotency_key)
        )

    def run(
        self, spec: Any, *, timeout: float | None = None, on_progress: Progress | None = None
    ) -> JobOut:
        """Create, then wait for the render to complete."""
        job = self.create(spec)
        return self.wait(job.id, timeout=timeout, on_progress=on_progress)


class Tasks(Jobs):
    def create(
        self,
        task_type: TaskType | str,
        source_url: str,
        *,
        strict: bool = False,
        idempotency_key: str | None = None,
        **params: Any,
    ) -> JobOut:
        """Queue an AI task (`remove_background`, `gaze_redirect`, `super_resolution`,
        `transcribe`) on `source_url`, with the task's parameters as keywords."""
        call = calls.create_task(
            task_type, source_url, params, strict=strict, idempotency_key=idempotency_key
        )
        return self.client.send(call)

    def run(
        self,
        task_type: TaskType | str,
        source_url: str,
        *,
        timeout: float | None = None,
        on_progress: Progress | None = None,
        **params: Any,
    ) -> JobOut:
        job = self.create(task_type, source_url, **params)
        return self.wait(job.id, timeout=timeout, on_progress=on_progress)


class Uploads(Resource):
    def create(
        self, content_type: str, *, filename: str | None = None, size_bytes: int | None = None
    ) -> UploadOut:
        """A signed URL to PUT one file to."""
        return self.client.send(calls.create_upload(content_type, filename, size_bytes))

    def put(self, upload: UploadOut, content: bytes | IO[bytes]) -> UploadReceived:
        return self.client.send(calls.put_upload(upload, content))

    def upload_file(self, path: str | Path, *, content_type: str | None = None) -> UploadReceived:
        """Upload a local file; `.source_url` is usable in renders and tasks."""
        path = Path(path)
        kind = content_type_of(path, content_type)
        upload = self.create(kind, filename=path.name, size_bytes=path.stat().st_size)
        return self.put(upload, path.read_bytes())


class Imports(Resource):
    def create(self, url: str, *, filename: str | None = None) -> ImportOut:
        """Copy a remote file into the workspace (`status` processing → ready | failed)."""
        return self.client.send(calls.create_import(url, filename))

    def get(self, import_id: str) -> ImportOut:
        return self.client.send(calls.get_import(import_id))

    def wait(self, import_id: str, *, timeout: float = 300) -> ImportOut:
        """Poll until the import is ready (raises `FramelaneAPIError` when it failed)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.get(import_id)
            if calls.import_done(found, time.monotonic() >= deadline):
                return found
            time.sleep(IMPORT_POLL_SECONDS)


class Assets(Resource):
    def list(self, *, kind: str | None = None, limit: int | None = None) -> Iterator[AssetOut]:
        return self.client.pages(calls.list_assets(kind, limit), calls.model_item(AssetOut))

    def get(self, asset_id: str) -> AssetOut:
        return self.client.send(calls.get_asset(asset_id))

    def delete(self, asset_id: str) -> None:
        self.client.send(calls.delete_asset(asset_id))


class Webhooks(Resource):
    def create(self, url: str, events: list[str], *, enabled: bool = True) -> WebhookCreated:
        """A webhook endpoint; the answer carries the workspace signing `secret`."""
        return self.client.send(calls.create_webhook(url, events, enabled))

    def list(self) -> Iterator[WebhookOut]:
        return self.client.pages(calls.list_webhooks(), calls.model_item(WebhookOut))

    def get(self, webhook_id: str) -> WebhookOut:
        return self.client.send(calls.get_webhook(webhook_id))

    def update(self, webhook_id: str, **changes: Any) -> WebhookOut:
        return self.client.send(calls.update_webhook(webhook_id, **changes))

    def delete(self, webhook_id: str) -> None:
        self.client.send(calls.delete_webhook(webhook_id))

    def test(self, webhook_id: str) -> DeliveryAttemptOut:
        return self.client.send(calls.test_webhook(webhook_id))

    def rotate_secret(self, webhook_id: str) -> SecretOut:
        return self.client.send(calls.rotate_webhook_secret(webhook_id))

    def deliveries(self, webhook_id: str) -> Iterator[DeliveryAttemptOut]:
        return self.client.pages(
            calls.list_deliveries(webhook_id), calls.model_item(DeliveryAttemptOut)
        )

    def retry_delivery(self, webhook_id: str, delivery_id: str) -> DeliveryAttemptOut:
        return self.client.send(calls.retry_delivery(webhook_id, delivery_id))


class Keys(Resource):
    def create(self, name: str) -> ApiKeyCreated:
        """A new API key; `.key` is its plaintext, shown only this once."""
        return self.client.send(calls.create_key(name))

    def list(self) -> Iterator[ApiKeyOut]:
        return self.client.pages(calls.list_keys(), calls.model_item(ApiKeyOut))

    def revoke(self, key_id: str) -> None:
        self.client.send(calls.revoke_key(key_id))


class Workspace(Resource):
    def get(self) -> WorkspaceOut:
        return self.client.send(calls.get_workspace())

    def rename(self, name: str) -> WorkspaceOut:
        return self.client.send(calls.rename_workspace(name))


class Projects(Resource):
    """Saved compositions edited by ops, previewed and rendered with variables."""

    def create(
        self,
        render_request: Any = None,
        *,
        name: str | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> ProjectOut:
        return self.client.send(calls.create_project(name, render_request, variables))

    def get(self, project_id: str, *, full: bool = False) -> ProjectOut:
        """The summary; `full=True` adds the newest version's `render_request`."""
        return self.client.send(calls.get_project(project_id, full))

    def list(self) -> Iterator[ProjectOut]:
        return self.client.pages(calls.list_projects(), calls.project_item)

    def delete(self, project_id: str) -> None:
        self.client.send(calls.delete_project(project_id))

    def edit(
        self, project_id: str, ops: Sequence[Any], *, if_version: int | None = None
    ) -> OpsResult:
        """Apply ops atomically (422 names the failing op; a stale `if_version` is 409)."""
        return self.client.send(calls.edit_project(project_id, ops, if_version))

    def preview(self, project_id: str, **options: Any) -> bytes:
        """A PNG (`time`, `contact_sheet`, `window`, `version`, `variables`)."""
        return self.client.send(calls.preview_project(project_id, options))

    def validate(self, project_id: str, **options: Any) -> ProjectPreviewValidation:
        return self.client.send(calls.validate_project(project_id, options))

    def render(self, project_id: str, **options: Any) -> JobOut:
        """A render job of the newest (or `version=`) version with `variables=`."""
        return self.client.send(calls.render_project(project_id, options))
