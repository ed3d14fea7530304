"""What the chunking feature plugs in: a wrapper around the renders feature's `render` runner,
which splits a long mp4/webm/mov render into parts and leaves every other render to it (without
this feature, every render is rendered in one piece); the runner of render-part messages;
`FRAMELANE_EMBEDDED_WORKER_PROCESSES` worker processes beside `serve`; and the sweep of parts
left by a worker that died."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.chunking import actors, processes, service

    return Feature(
        name="chunking",
        runner_wrappers={"render": actors.split_long_renders},
        part_runners={service.PART_KIND: actors.run_render_part},
        api_services=(processes.start_worker_processes,),
        worker_services=(service.start_part_sweeper,),
        commands=COMMANDS,
    )
