"""`AsyncFramelane`: the awaitable twin of `Framelane` (same calls, from `calls.py`)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import anyio
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
Progress = Callable[[JobOut], Awaitable[None] | None]


class AsyncFramelane:
    """The Framelane API from asyncio (or trio): `await fl.renders.run(spec)`."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = ClientConfig.resolve(api_key, base_url, timeout, max_retries)
        self.http = httpx.AsyncClient(transport=transport, **self.config.http_options())  # type: ignore[arg-type]
        self.renders = AsyncRenders(self, "render")
        self.tasks = AsyncTasks(self, "task")
        self.uploads = AsyncUploads(self)
        self.imports = AsyncImports(self)
        self.assets = AsyncAssets(self)
        self.webhooks = AsyncWebhooks(self)
        self.keys = AsyncKeys(self)
        self.workspace = AsyncWorkspace(self)
        self.projects = AsyncProjects(self)

    async def __aenter__(self) -> AsyncFramelane:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.http.aclose()

    async def send(self, call: Call[T]) -> T:
        response = await self.respond(call, stream=False)
        return call.read(response)

    async def respond(self, call: Call[Any], *, stream: bool) -> httpx.Response:
        """As `Framelane.respond`: retries with the same Idempotency-Key."""
        policy = self.config.retry
        attempt = 0
        while True:
            try:
                response = await self.http.send(
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
                await response.aread()
                await response.aclose()
                if delay is None:
                    raise error_from_response(response)
            await anyio.sleep(delay)
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

    async def pages(self, call: Call[Any], item: Callable[[Any], T]) -> AsyncIterator[T]:
        while True:
            items, cursor = calls.page_items(await self.send(call), item)
            for entry in items:
                yield entry
            if cursor is None:
                return
            call = calls.next_page(call, cursor)

    @asynccontextmanager
    async def stream(self, call: Call[Any]) -> AsyncIterator[httpx.Response]:
        response = await self.respond(call, stream=True)
        try:
            yield response
        finally:
            await response.aclose()

    async def save(self, call: Call[Any], destination: str | Path | IO[bytes]) -> int:
        async with self.stream(call) as response:
            if isinstance(destination, str | Path):
                with Path(destination).open("wb") as out:
                    return await write_all(response, out)
            return await write_all(response, destination)

    async def validate(self, spec: Any, *, strict: bool = False) -> PreviewValidation:
        return await self.send(calls.validate_render(spec, strict=strict))

    async def preview(
        self, spec: Any, *, time: float = 0, contact_sheet: int | None = None
    ) -> bytes:
        return await self.send(calls.preview_render(spec, time=time, contact_sheet=contact_sheet))

    async def usage(self) -> UsageOut:
        return await self.send(calls.get_usage())

    async def capabilities(self) -> dict[str, Any]:
        return await self.send(calls.get_capabilities())


async def write_all(response: httpx.Response, out: IO[bytes]) -> int:
    written = 0
    async for chunk in response.aiter_bytes(CHUNK):
        out.write(chunk)
        written += len(chunk)
    return written


class AsyncResource:
    def __init__(self, client: AsyncFramelane) -> None:
        self.client = client


class AsyncJobs(AsyncResource):
    def __init__(self, client: AsyncFramelane, kind: Kind) -> None:
        super().__init__(client)
        self.kind: Kind = kind

    async def get(self, job_id: str, *, wait: float = 0) -> JobOut:
        return await self.client.send(calls.get_job(self.kind, job_id, wait))

    async def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        on_progress: Progress | None = None,
        progress_interval: float = 1.0,
    ) -> JobOut:
        """As `Framelane.renders.wait`; `on_progress` may be a coroutine function."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            window = calls.next_window(remaining, on_progress is not None, progress_interval)
            job = await self.get(job_id, wait=window)
            if on_progress is not None:
                reported = on_progress(job)
                if reported is not None:
                    await reported
            if calls.is_terminal(job):
                return calls.finished(job)
            if deadline is not None and time.monotonic() >= deadline:
                raise WaitTimeout(job)

    async def cancel(self, job_id: str) -> JobOut:
        return await self.client.send(calls.cancel_job(self.kind, job_id))

    def list(self, *, status: str | None = None, limit: int | None = None) -> AsyncIterator[JobOut]:
        call = calls.list_jobs(self.kind, status=status, limit=limit)
        return self.client.pages(call, calls.model_item(JobOut))

    async def download(
        self, job_id: str, destination: str | Path | IO[bytes], *, fmt: str | None = None
    ) -> int:
        return await self.client.save(calls.download_job(self.kind, job_id, fmt), destination)

    async def download_url(self, job_id: str, *, fmt: str | None = None) -> str:
        return await self.client.send(calls.download_location(self.kind, job_id, fmt))

    async def stream(self, job_id: str, *, fmt: str | None = None) -> AsyncIterator[bytes]:
        async with self.client.stream(calls.download_job(self.kind, job_id, fmt)) as response:
            async for chunk in response.aiter_bytes(CHUNK):
                yield chunk


class AsyncRenders(AsyncJobs):
    async def create(
        self, spec: Any, *, strict: bool = False, idempotency_key: str | None = None
    ) -> JobOut:
        return await self.client.send(
            calls.create_render(spec, strict=strict, idempotency_key=idempotency_key)
        )

    async def run(
        self, spec: Any, *, timeout: float | None = None, on_progress: Progress | None = None
    ) -> JobOut:
        job = await self.create(spec)
        return await self.wait(job.id, timeout=timeout, on_progress=on_progress)


class AsyncTasks(AsyncJobs):
    async def create(
        self,
        task_type: TaskType | str,
        source_url: str,
        *,
        strict: bool = False,
        idempotency_key: str | None = None,
        **params: Any,
    ) -> JobOut:
        call = calls.create_task(
            task_type, source_url, params, strict=strict, idempotency_key=idempotency_key
        )
        return await self.client.send(call)

    async def run(
        self,
        task_type: TaskType | str,
        source_url: str,
        *,
        timeout: float | None = None,
        on_progress: Progress | None = None,
        **params: Any,
    ) -> JobOut:
        job = await self.create(task_type, source_url, **params)
        return await self.wait(job.id, timeout=timeout, on_progress=on_progress)


class AsyncUploads(AsyncResource):
    async def create(
        self, content_type: str, *, filename: str | None = None, size_bytes: int | None = None
    ) -> UploadOut:
        return await self.client.send(calls.create_upload(content_type, filename, size_bytes))

    async def put(self, upload: UploadOut, content: bytes) -> UploadReceived:
        return await self.client.send(calls.put_upload(upload, content))

    async def upload_file(
        self, path: str | Path, *, content_type: str | None = None
    ) -> UploadReceived:
        path = Path(path)
        kind = content_type_of(path, content_type)
        upload = await self.create(kind, filename=path.name, size_bytes=path.stat().st_size)
        return await self.put(upload, await anyio.Path(path).read_bytes())


class AsyncImports(AsyncResource):
    async def create(self, url: str, *, filename: str | None = None) -> ImportOut:
        return await self.client.send(calls.create_import(url, filename))

    async def get(self, import_id: str) -> ImportOut:
        return await self.client.send(calls.get_import(import_id))

    async def wait(self, import_id: str, *, timeout: float = 300) -> ImportOut:
        deadline = time.monotonic() + timeout
        while True:
            found = await self.get(import_id)
            if calls.import_done(found, time.monotonic() >= deadline):
                return found
            await anyio.sleep(IMPORT_POLL_SECONDS)


class AsyncAssets(AsyncResource):
    def list(self, *, kind: str | None = None, limit: int | None = None) -> AsyncIterator[AssetOut]:
        return self.client.pages(calls.list_assets(kind, limit), calls.model_item(AssetOut))

    async def get(self, asset_id: str) -> AssetOut:
        return await self.client.send(calls.get_asset(asset_id))

    async def delete(self, asset_id: str) -> None:
        await self.client.send(calls.delete_asset(asset_id))


class AsyncWebhooks(AsyncResource):
    async def create(self, url: str, events: list[str], *, enabled: bool = True) -> WebhookCreated:
        return await self.client.send(calls.create_webhook(url, events, enabled))

    def list(self) -> AsyncIterator[WebhookOut]:
        return self.client.pages(calls.list_webhooks(), calls.model_item(WebhookOut))

    async def get(self, webhook_id: str) -> WebhookOut:
        return await self.client.send(calls.get_webhook(webhook_id))

    async def update(self, webhook_id: str, **changes: Any) -> WebhookOut:
        return await self.client.send(calls.update_webhook(webhook_id, **changes))

    async def delete(self, webhook_id: str) -> None:
        await self.client.send(calls.delete_webhook(webhook_id))

    async def test(self, webhook_id: str) -> DeliveryAttemptOut:
        return await self.client.send(calls.test_webhook(webhook_id))

    async def rotate_secret(self, webhook_id: str) -> SecretOut:
        return await self.client.send(calls.rotate_webhook_secret(webhook_id))

    def deliveries(self, webhook_id: str) -> AsyncIterator[DeliveryAttemptOut]:
        return self.client.pages(
            calls.list_deliveries(webhook_id), calls.model_item(DeliveryAttemptOut)
        )

    async def retry_delivery(self, webhook_id: str, delivery_id: str) -> DeliveryAttemptOut:
        return await self.client.send(calls.retry_delivery(webhook_id, delivery_id))


class AsyncKeys(AsyncResource):
    async def create(self, name: str) -> ApiKeyCreated:
        return await self.client.send(calls.create_key(name))

    def list(self) -> AsyncIterator[ApiKeyOut]:
        return self.client.pages(calls.list_keys(), calls.model_item(ApiKeyOut))

    async def revoke(self, key_id: str) -> None:
        await self.client.send(calls.revoke_key(key_id))


class AsyncWorkspace(AsyncResource):
    async def get(self) -> WorkspaceOut:
        return await self.client.send(calls.get_workspace())

    async def rename(self, name: str) -> WorkspaceOut:
        return await self.client.send(calls.rename_workspace(name))


class AsyncProjects(AsyncResource):
    async def create(
        self,
        render_request: Any = None,
        *,
        name: str | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> ProjectOut:
        return await self.client.send(calls.create_project(name, render_request, variables))

    async def get(self, project_id: str, *, full: bool = False) -> ProjectOut:
        return await self.client.send(calls.get_project(project_id, full))

    def list(self) -> AsyncIterator[ProjectOut]:
        return self.client.pages(calls.list_projects(), calls.project_item)

    async def delete(self, project_id: str) -> None:
        await self.client.send(calls.delete_project(project_id))

    async def edit(
        self, project_id: str, ops: Sequence[Any], *, if_version: int | None = None
    ) -> OpsResult:
        return await self.client.send(calls.edit_project(project_id, ops, if_version))

    async def preview(self, project_id: str, **options: Any) -> bytes:
        return await self.client.send(calls.preview_project(project_id, options))

    async def validate(self, project_id: str, **options: Any) -> ProjectPreviewValidation:
        return await self.client.send(calls.validate_project(project_id, options))

    async def render(self, project_id: str, **options: Any) -> JobOut:
        return await self.client.send(calls.render_project(project_id, options))
