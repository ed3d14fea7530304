"""The agent playbooks served as MCP prompts: step-by-step plans that use the tools."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer

SOCIAL_CLIP = """Make a 1080×1920 (9:16) captioned social clip from {source_url}.

1. If the file is not in the workspace yet, call upload_from_url with it and use the returned
   source_url from here on.
2. Pick the part to keep: in_point {in_point} s to out_point {out_point} s of the source.
3. Call run_task with task_type "transcribe", that source_url and params
   {{"word_timings": true}}; then wait_for_task and get_task_download to read the words.
4. Split the words into caption lines: end a line at a sentence end (. ! ?) or where the pause
   before the next word is longer than 0.8 s. Shift each word's start/end by -in_point so the
   times are on the output timeline.
5. Build the render: width 1080, height 1920, output_format "mp4". One video element with the
   source, in_point/out_point as chosen, clip true, centre-cropped from 16:9 with
   crop_left 0.342 and crop_right 0.342. One text element per caption line at y "80%", with
   time = the line's first word start and duration = its last word end minus that, and a
   word_animation whose style cycles line by line through "color", "box" and "glow", with the
   line's words.
6. validate_render, then create_preview at a time inside the first caption and look at it;
   fix what looks wrong.
7. create_render, wait_for_render, then get_render_download and give the user the url."""

BATCH_TASKS = """Run the AI task {task_type} on each of these sources:
{sources}

1. For each source that is not a Framelane source_url yet, call upload_from_url first.
2. Call run_task once per source (task_type "{task_type}", params {params}); keep every job id.
   Do not wait between submissions.
3. Call wait_for_task for each job id. A job that fails reports its error code: source errors
   mean that file is unusable (report it and go on); rate_limited means wait and submit again.
4. Call get_task_download for each completed job and list, per source, the result url or the
   error."""


def add_prompts(server: MCPServer) -> None:
    @server.prompt(
        name="generate-social-clip",
        title="Captioned 9:16 social clip",
        description="Trim a video, crop it to 9:16, transcribe it and burn in animated captions.",
    )
    def generate_social_clip(source_url: str, in_point: float = 0, out_point: float = 30) -> str:
        return SOCIAL_CLIP.format(source_url=source_url, in_point=in_point, out_point=out_point)

    @server.prompt(
        name="batch-tasks",
        title="One AI task over many files",
        description="Submit one task type for several sources, wait for all, collect results.",
    )
    def batch_tasks(task_type: str, source_urls: str, params: str = "{}") -> str:
        sources = "\n".join(f"- {url.strip()}" for url in source_urls.split(",") if url.strip())
        return BATCH_TASKS.format(task_type=task_type, sources=sources, params=params)
