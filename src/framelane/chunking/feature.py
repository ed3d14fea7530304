"""What the chunking feature plugs into the service: the `render` runner that splits long
renders (it supersedes the one-piece runner of `framelane.renders`, which it calls for every
render it does not split) and the runner of render-part messages."""

from __future__ import annotations

from framelane.chunking.actors import run_render, run_render_part
from framelane.chunking.processes import start_worker_processes
from framelane.chunking.service import PART_KIND, start_part_sweeper
from framelane.kit.feature import Feature

# Part runners go to `framelane.jobs.parts.register_part_runner` (the Feature record has no
# field for them yet).
PART_RUNNERS = {PART_KIND: run_render_part}

FEATURE = Feature(
    name="chunking",
    runners={"render": run_render},
    # FRAMELANE_EMBEDDED_WORKER_PROCESSES `framelane worker` processes beside `serve`
    api_services=(start_worker_processes,),
    worker_services=(start_part_sweeper,),
)
