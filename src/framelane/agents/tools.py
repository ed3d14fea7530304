"""The MCP server: tools, resources and prompts over the Framelane API.

Every tool acts through the HTTP API with the caller's own key (`AsyncFramelane`), so an agent
gets exactly the validation, quotas and workspace scoping of any other client. How the client
is made is the transport's business (`Connector`): in-process against the app for `/mcp`, the
configured remote API for `framelane mcp` (stdio).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.types import Image
from pydantic import Field

from framelane.agents import playbooks
from framelane.agents.schema import render_schema
from framelane.client import AsyncFramelane, FramelaneAPIError
from framelane.ingest.schemas import AssetOut, ImportOut
from framelane.jobs.schemas import JobOut
from framelane.projects.schemas import OpsResult, ProjectOut
from framelane.renders.schemas import PreviewValidation
from framelane.tasks.schemas import TaskType

Result = TypeVar("Result")
# The caller's client for a request (None: no caller, e.g. a public resource).
Connector = Callable[[Context | None], AsyncFramelane]
RenderArg = Annotated[
    dict[str, Any], Field(description="The render request (see framelane://schema/render).")
]
JobId = Annotated[str, Field(description="The id returned by the create call.")]
ProjectId = Annotated[str, Field(description="The project's id (proj_…).")]
VARIABLES = "Values of the project's declared template variables."

INSTRUCTIONS = """Framelane renders video from one JSON request and runs AI media tasks.
Read framelane://capabilities for what is supported and framelane://schema/render for the
request schema. Validate with validate_render (free), look with create_preview, then
create_render and wait_for_render. Media you want to use must be reachable by URL:
upload_from_url copies a public file into the workspace and gives a source_url."""

HINTS = {
    "validation_error": "Fix the fields listed (JSON paths) and call again; "
    "framelane://schema/render has every field.",
    "capability_unsupported": "That feature is not supported yet; read framelane://capabilities "
    "and pick a supported alternative.",
    "limit_exceeded": "The request is over a limit (size, duration, count); make it smaller.",
    "unauthorized": "The API key is missing or invalid; the user must configure a valid key.",
    "forbidden": "This key may not do that in this workspace.",
    "not_found": "No such id in this workspace; check the id returned by the create call.",
    "job_not_completed": "The job has not completed; call wait_for_render / wait_for_task first.",
    "job_not_cancellable": "The job has already ended; nothing to cancel.",
    "rate_limited": "Too many requests; wait a few seconds and call again.",
    "quota_exceeded": "The workspace's plan quota is used up; tell the user.",
    "wait_timeout": "The job is still running; call the wait tool again with the same id.",
    "connection_error": "The Framelane API could not be reached; try again shortly.",
}


def tool_error(error: FramelaneAPIError) -> ToolError:
    """The API's error as text a model can act on: code, message, each field at its JSON path,
    and what to do."""
    lines = [f"{error.code}: {error.message}"]
    for detail in error.details if isinstance(error.details, list) else []:
        if isinstance(detail, dict) and "loc" in detail:
            lines.append(f"- {json_path(detail['loc'])}: {detail.get('msg', '')}")
    hint = HINTS.get(error.code) or (
        "The source media could not be used: check the URL is public and the file is valid."
        if error.is_source_problem
        else ""
    )
    if hint:
        lines.append(f"How to fix: {hint}")
    return ToolError("\n".join(lines))


def json_path(loc: list[Any]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(the request)"


async def acting(
    connect: Connector, ctx: Context, action: Callable[[AsyncFramelane], Awaitable[Result]]
) -> Result:
    """Run `action` with the caller's client; API errors become tool errors."""
    async with connect(ctx) as fl:
        try:
            return await action(fl)
        except FramelaneAPIError as error:
            raise tool_error(error) from error


def progress_reporter(ctx: Context) -> Callable[[JobOut], Awaitable[None]]:
    async def report(job: JobOut) -> None:
        stage = job.progress_stage or job.status
        await ctx.report_progress(job.progress_percent, 100, f"{job.id} {stage}")

    return report


RENDER_TOOLS = frozenset({"create_render", "validate_render", "create_preview", "create_project"})


def build_server(connect: Connector) -> MCPServer:
    tools = [
        Tool.from_function(fn, name=fn.__name__, description=description)
        for fn, description in (
            *job_tools(connect),
            *media_tools(connect),
            *project_tools(connect),
        )
    ]
    server: MCPServer = MCPServer(
        name="framelane",
        title="Framelane",
        instructions=INSTRUCTIONS,
        version="0.1.0",
        # MCPServer calls logging.basicConfig: WARNING keeps Python's default root level where
        # nothing configured logging yet (`framelane serve` configures it first: a no-op there).
        log_level="WARNING",
        tools=[advertised(tool) for tool in tools],
    )
    add_resources(server, connect)
    playbooks.add_prompts(server)
    return server


Described = tuple[Callable[..., Any], str]


def job_tools(connect: Connector) -> list[Described]:
    async def create_render(render: RenderArg, ctx: Context) -> JobOut:
        return await acting(connect, ctx, lambda fl: fl.renders.create(render))

    async def validate_render(render: RenderArg, ctx: Context) -> PreviewValidation:
        return await acting(connect, ctx, lambda fl: fl.validate(render))

    async def create_preview(
        render: RenderArg,
        ctx: Context,
        time: Annotated[float, Field(ge=0, description="Seconds: the frame to draw.")] = 0,
    ) -> Image:
        png = await acting(connect, ctx, lambda fl: fl.preview(render, time=time))
        return Image(data=png, format="png")

    async def get_render(render_id: JobId, ctx: Context) -> JobOut:
        return await acting(connect, ctx, lambda fl: fl.renders.get(render_id))

    async def wait_for_render(
        render_id: JobId,
        ctx: Context,
        timeout_seconds: Annotated[float, Field(gt=0, le=3600)] = 600,
    ) -> JobOut:
        return await wait_for(connect, ctx, "render", render_id, timeout_seconds)

    async def get_render_download(render_id: JobId, ctx: Context) -> dict[str, Any]:
        return await download_of(connect, ctx, "render", render_id, None)

    async def cancel_render(render_id: JobId, ctx: Context) -> JobOut:
        return await acting(connect, ctx, lambda fl: fl.renders.cancel(render_id))

    async def run_task(
        task_type: TaskType,
        source_url: Annotated[str, Field(description="URL of the media to process.")],
        ctx: Context,
        params: Annotated[
            dict[str, Any] | None,
            Field(description="The task's parameters (framelane://capabilities → tasks)."),
        ] = None,
    ) -> JobOut:
        return await acting(
            connect, ctx, lambda fl: fl.tasks.create(task_type, source_url, **(params or {}))
        )

    async def wait_for_task(
        task_id: JobId, ctx: Context, timeout_seconds: Annotated[float, Field(gt=0, le=3600)] = 600
    ) -> JobOut:
        return await wait_for(connect, ctx, "task", task_id, timeout_seconds)

    async def get_task_download(
        task_id: JobId,
        ctx: Context,
        format: Annotated[
            str | None, Field(description="`srt` or `vtt` for a transcript as subtitles.")
        ] = None,
    ) -> dict[str, Any]:
        return await download_of(connect, ctx, "task", task_id, format)

    return [
        (create_render, CREATE_RENDER),
        (validate_render, VALIDATE_RENDER),
        (create_preview, CREATE_PREVIEW),
        (get_render, GET_JOB.format(kind="render")),
        (wait_for_render, WAIT_FOR.format(kind="render")),
        (get_render_download, DOWNLOAD.format(kind="render", extra="")),
        (cancel_render, CANCEL_RENDER),
        (run_task, RUN_TASK),
        (wait_for_task, WAIT_FOR.format(kind="task")),
        (get_task_download, DOWNLOAD.format(kind="task", extra=TASK_FORMAT)),
    ]


def media_tools(connect: Connector) -> list[Described]:
    async def upload_from_url(
        url: Annotated[
            str, Field(description="A public http(s) URL of a video, audio, image or font file.")
        ],
        ctx: Context,
        filename: Annotated[
            str | None, Field(description="Extension hint if the URL has none.")
        ] = None,
    ) -> ImportOut:
        async def imported(fl: AsyncFramelane) -> ImportOut:
            started = await fl.imports.create(url, filename=filename)
            return await fl.imports.wait(started.id, timeout=300)

        return await acting(connect, ctx, imported)

    async def list_assets(
        ctx: Context,
        kind: Annotated[str | None, Field(description="video | audio | image | font")] = None,
        limit: Annotated[int, Field(ge=1, le=100)] = 20,
    ) -> list[AssetOut]:
        async def listed(fl: AsyncFramelane) -> list[AssetOut]:
            found: list[AssetOut] = []
            async for asset in fl.assets.list(kind=kind, limit=limit):
                found.append(asset)
                if len(found) >= limit:
                    break
            return found

        return await acting(connect, ctx, listed)

    return [(upload_from_url, UPLOAD_FROM_URL), (list_assets, LIST_ASSETS)]


def project_tools(connect: Connector) -> list[Described]:
    async def create_project(
        ctx: Context,
        name: Annotated[str | None, Field(description="A name for people.")] = None,
        render: Annotated[dict[str, Any] | None, Field(description="The first version.")] = None,
    ) -> ProjectOut:
        return await acting(connect, ctx, lambda fl: fl.projects.create(render, name=name))

    async def edit_project(
        project_id: ProjectId,
        ops: list[dict[str, Any]],
        ctx: Context,
        if_version: Annotated[
            int | None, Field(description="Refuse (409 conflict) unless this is the newest.")
        ] = None,
    ) -> OpsResult:
        return await acting(
            connect, ctx, lambda fl: fl.projects.edit(project_id, ops, if_version=if_version)
        )

    async def preview_project(
        project_id: ProjectId,
        ctx: Context,
        time: Annotated[float, Field(ge=0, description="Seconds: the frame to draw.")] = 0,
        variables: Annotated[dict[str, Any] | None, Field(description=VARIABLES)] = None,
    ) -> Image:
        png = await acting(
            connect,
            ctx,
            lambda fl: fl.projects.preview(project_id, time=time, variables=variables),
        )
        return Image(data=png, format="png")

    async def render_project(
        project_id: ProjectId,
        ctx: Context,
        variables: Annotated[dict[str, Any] | None, Field(description=VARIABLES)] = None,
        version: Annotated[int | None, Field(ge=1, description="Default: the newest.")] = None,
    ) -> JobOut:
        return await acting(
            connect,
            ctx,
            lambda fl: fl.projects.render(project_id, variables=variables, version=version),
        )

    return [
        (create_project, CREATE_PROJECT),
        (edit_project, EDIT_PROJECT),
        (preview_project, PREVIEW_PROJECT),
        (render_project, RENDER_PROJECT),
    ]


async def wait_for(
    connect: Connector, ctx: Context, kind: str, job_id: str, timeout: float
) -> JobOut:
    """Wait with MCP progress notifications; a failed job is a tool error with its code."""
    report = progress_reporter(ctx)

    async def waited(fl: AsyncFramelane) -> JobOut:
        jobs = fl.renders if kind == "render" else fl.tasks
        return await jobs.wait(job_id, timeout=timeout, on_progress=report)

    return await acting(connect, ctx, waited)


async def download_of(
    connect: Connector, ctx: Context, kind: str, job_id: str, fmt: str | None
) -> dict[str, Any]:
    async def located(fl: AsyncFramelane) -> dict[str, Any]:
        jobs = fl.renders if kind == "render" else fl.tasks
        url = await jobs.download_url(job_id, fmt=fmt)  # job_not_completed before the end
        job = await jobs.get(job_id)
        output = job.output.model_dump() if job.output else {}
        return {**output, "url": url, "id": job.id}

    return await acting(connect, ctx, located)


def with_argument_schema(tool: Tool, argument: str, schema: dict[str, Any]) -> Tool:
    """Advertise `schema` (a model's own JSON Schema) as the tool's `argument`: the tool
    accepts the JSON as it is and lets the API's validator answer, at JSON paths."""
    body = {k: v for k, v in schema.items() if k not in {"$defs", "$schema", "$id"}}
    parameters = dict(tool.parameters)
    parameters["properties"] = {**parameters["properties"], argument: body}
    parameters["$defs"] = {**parameters.get("$defs", {}), **schema.get("$defs", {})}
    return tool.model_copy(update={"parameters": parameters})


def ops_schema() -> dict[str, Any]:
    """The `ops` list of `POST /v1/projects/{id}/ops`, from its model."""
    from framelane.projects.schemas import OpsRequest

    schema = OpsRequest.model_json_schema()
    return {**schema["properties"]["ops"], "$defs": schema.get("$defs", {})}


def advertised(tool: Tool) -> Tool:
    if tool.name in RENDER_TOOLS:
        return with_argument_schema(tool, "render", render_schema())
    if tool.name == "edit_project":
        return with_argument_schema(tool, "ops", ops_schema())
    return tool


def add_resources(server: MCPServer, connect: Connector) -> None:
    @server.resource(
        "framelane://capabilities",
        name="capabilities",
        description="Everything a render or task may use, each entry flagged `supported`.",
        mime_type="application/json",
    )
    async def capabilities() -> str:
        async with connect(None) as fl:
            return json.dumps(await fl.capabilities())

    @server.resource(
        "framelane://schema/render",
        name="render-schema",
        description="JSON Schema (2020-12) of a render request.",
        mime_type="application/schema+json",
    )
    def schema() -> str:
        return json.dumps(render_schema())


CREATE_RENDER = """Queue a render of the JSON request `render` (canvas, elements, timing,
motions, transitions, captions, output_format). Returns the job (`id`, `status: queued`); follow
with wait_for_render. Errors: validation_error lists each bad field at its JSON path (fix those
fields; see framelane://schema/render), capability_unsupported names a feature that is not
available (pick another from framelane://capabilities), limit_exceeded, rate_limited (wait, retry),
quota_exceeded. Tip: call validate_render and create_preview first; they are free."""

VALIDATE_RENDER = """Check a render request without rendering (free). Returns width, height,
frame_rate, output_format, duration and warnings (unknown fields that would be ignored).
Errors: validation_error with each bad field at its JSON path — fix them and validate again."""

CREATE_PREVIEW = """Draw one frame of a render request at `time` seconds and return it as a
PNG image, to check layout, fonts and colours before rendering. Same errors as validate_render;
source errors (source_not_found, source_corrupt) mean a media URL is not usable."""

GET_JOB = """Get a {kind} job by id: status (ingesting, queued, processing, completed, failed,
cancelled), progress_percent, output (url, width, height, duration, size_bytes) once completed,
error (code, message) once failed. Errors: not_found (wrong id or another workspace's)."""

WAIT_FOR = """Wait until a {kind} job ends, sending MCP progress notifications (percent and
stage) meanwhile. Returns the completed job. Errors: the job's own error code when it failed
(e.g. source_not_found: a media URL is wrong; fix it and create a new job), cancelled,
wait_timeout (still running: call again), not_found."""

DOWNLOAD = """The download of a completed {kind}: a fresh signed `url` (valid about 15 minutes)
with width, height, duration, size_bytes and content_type.{extra} Errors: job_not_completed
(wait first), not_found."""

TASK_FORMAT = " `format` srt or vtt gives a transcript as subtitles."

CANCEL_RENDER = """Cancel a render that is queued, ingesting or processing. Returns the job
(status cancelled). Errors: job_not_cancellable (it already ended), not_found."""

RUN_TASK = """Start an AI media task on `source_url`: remove_background (image or video; params
model, output_format, background_color), gaze_redirect (params intensity), super_resolution
(params scale 2–4), transcribe (params language, word_timings, ...). Returns the job; follow with
wait_for_task and get_task_download. Errors: validation_error (bad params, at their JSON path;
see framelane://capabilities → tasks), source errors (the URL is not reachable or not media)."""

IMPORT_URL = "A public http(s) URL of a video, audio, image or font file."
IMPORT_FILENAME = "Extension hint if the URL has none."

UPLOAD_FROM_URL = """Copy a public file (video, audio, image, font) into the workspace and wait
until it is probed. Returns the import with `source_url` to use in renders and tasks, and the
asset id. Errors: the import's error code (source_not_found, unsupported_content_type,
source_too_large) — check the URL is public and points at a supported file."""

LIST_ASSETS = """List the workspace's uploaded and imported media (newest first) with their
source_url, kind, duration, width, height and status. Use a ready asset's source_url in
create_render or run_task."""

CREATE_PROJECT = """Create a project: a saved render request that is then edited by small ops
instead of being rewritten. `render` (optional) is its first version, the same JSON as
create_render. Returns the project (`id`, `version` 1, a summary of its elements). Errors:
validation_error at JSON paths (fix and call again)."""

EDIT_PROJECT = """Apply ops to a project, all or none, making a new version: shift_element,
trim_element, swap_source, set_fields, set_request_fields, add_element, remove_element, reorder,
add_transition, remove_transition, change_transition, add_caption, edit_caption, … (each
addresses elements by id; the schema lists every op and its fields). Returns the new version,
the changed ids and `violations` (problems that would block a render, with paths). Errors:
validation_error naming the failing op (fix it; nothing was applied), conflict when
`if_version` is not the newest (get the project again), not_found."""

PREVIEW_PROJECT = """Draw one frame of a project's newest version at `time` seconds, with
`variables`, and return it as a PNG image. Errors: validation_error (a violation blocks drawing:
fix it with edit_project), source errors (a media URL is not usable), not_found."""

RENDER_PROJECT = """Render a project's newest (or given) version with `variables`. Returns the
job; follow with wait_for_render and get_render_download. Errors: validation_error (a missing
required variable or a violation; fix with edit_project), not_found, rate_limited,
quota_exceeded."""
