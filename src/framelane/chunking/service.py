"""Splitting a render job into parts, running a part, and joining the parts.

The render job stays the one job the user sees. Its worker (the coordinator) plans the parts,
queues one message per part, takes free parts itself, and once the plan's count of parts left
reaches zero joins them. Every other worker that receives a part message renders that part.
A part has its own lease: when its worker dies the lease runs out and the part alone is taken
again (by the coordinator, or by a worker the coordinator queues it for again).
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

from framelane.chunking.models import RenderChunk
from framelane.chunking.repository import ChunkRepository, PartSpec
from framelane.core.errors import FramelaneError
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.jobs.models import TERMINAL_STATUSES
from framelane.jobs.parts import enqueue_part
from framelane.jobs.repository import JobRepository
from framelane.jobs.runner_support import job_session, worker_id
from framelane.jobs.watch import shutting_down
from framelane.kit.running import RunContext, RunResult
from framelane.render.chunked import (
    Outline,
    frame_ranges,
    join_parts,
    render_audio_track,
    split_refusal,
)
from framelane.render.encode import CONTENT_TYPES
from framelane.render.errors import RenderCancelled
from framelane.render.pipeline import render
from framelane.render.sources.resolve import SourceResolver
from framelane.render.spec import RenderSpec
from framelane.storage.factory import storage_for
from framelane.storage.keys import safe_segment

log = logging.getLogger("framelane.chunking")
PART_KIND = "render_chunk"
"""The part kind of `framelane.jobs.parts` whose messages carry one render part."""
WAIT_SECONDS = 0.2
"""How often the coordinator looks at its parts while other workers render them."""
RENEW_SECONDS = 1.0
"""How often a part's worker renews its lease and writes the frames it has done."""


@dataclass(frozen=True, slots=True)
class Split:
    ranges: list[range]
    has_audio: bool
    fps: Fraction
    frame_count: int

    @property
    def parts(self) -> list[PartSpec]:
        video = [PartSpec("video", i, frames) for i, frames in enumerate(self.ranges)]
        audio = [PartSpec("audio", 0, range(0, self.frame_count))] if self.has_audio else []
        return video + audio


def split_of(spec: RenderSpec, shape: Outline, settings: Settings) -> Split | None:
    """The parts to render, or None for one piece (a format that cannot be joined, chunking
    off, or too short to be worth it)."""
    if split_refusal(spec) is not None or shape.duration < settings.chunk_min_seconds:
        return None
    ranges = frame_ranges(shape.frame_count, shape.fps, settings.chunk_seconds)
    if len(ranges) < 2:
        return None
    return Split(ranges, shape.has_audio, shape.fps, shape.frame_count)


def chunk_prefix(workspace_id: str, job_id: str) -> str:
    return f"{workspace_id}/chunks/{safe_segment(job_id)}/"


def chunk_key(workspace_id: str, chunk: RenderChunk, output_format: str) -> str:
    return f"{chunk_prefix(workspace_id, chunk.job_id)}{safe_segment(chunk.id)}.{output_format}"


def ensure_plan(settings: Settings, job_id: str, split: Split) -> None:
    """The job's plan: kept as it is when an earlier attempt made the same one (its finished
    parts are not rendered again), made afresh otherwise."""
    with job_session(settings) as session:
        repo = ChunkRepository.from_session(session)
        plan = repo.plan(job_id)
        if plan is not None:
            if (plan.video_parts, plan.frame_count, plan.has_audio) == (
                len(split.ranges),
                split.frame_count,
                split.has_audio,
            ):
                return
            repo.drop_plan(job_id)
        repo.create_plan(job_id, split.parts, split.frame_count, split.has_audio)


def queue_free_parts(settings: Settings, job_id: str) -> None:
    with job_session(settings) as session:
        free = [
            part.id for part in ChunkRepository.from_session(session).free_parts(job_id, utcnow())
        ]
    for chunk_id in free:
        enqueue_part(settings, PART_KIND, job_id, chunk_id)


class PartWatch:
    """Renews a part's lease (with the frames done) and notices when the part must stop: the
    job was cancelled or finished, the part was taken over, or this process is stopping."""

    def __init__(
        self,
        settings: Settings,
        chunk: RenderChunk,
        attempt: int,
        on_renew: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.chunk_id = chunk.id
        self.job_id = chunk.job_id
        self.attempt = attempt
        self.frames_done = 0
        self.reason: str | None = None
        self.on_renew = on_renew
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"part-{chunk.id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=5)

    def frame(self, done: int, _total: int) -> None:
        self.frames_done = done

    def should_stop(self) -> bool:
        if self.reason is None and shutting_down(self.settings):
            self.reason = "shutdown"
        return self.reason is not None

    def _loop(self) -> None:
        while not self._done.wait(min(RENEW_SECONDS, 0.4)):
            try:
                self._renew_and_observe()
            except Exception:  # a database hiccup must not kill the watch; retry next tick
                continue
            if self.reason is not None:
                return

    def _renew_and_observe(self) -> None:
        until = utcnow() + timedelta(seconds=self.settings.job_lease_seconds)
        with job_session(self.settings) as session:
            control = JobRepository.from_session(session).control(self.job_id)
            if control is None or control[0] in TERMINAL_STATUSES or control[1]:
                self.reason = "cancelled"
                return
            held = ChunkRepository.from_session(session).renew(
                self.chunk_id, self.attempt, until, self.frames_done
            )
            if not held:
                self.reason = "lost"
        if self.on_renew is not None:
            self.on_renew()


@dataclass(frozen=True, slots=True)
class PartJob:
    """What a part's worker needs of the render job."""

    job_id: str
    workspace_id: str
    spec: RenderSpec


def run_part(
    settings: Settings,
    job: PartJob,
    chunk_id: str,
    resolver: SourceResolver,
    workdir: Path,
    on_renew: Callable[[], None] | None = None,
) -> bool:
    """Take the part if nobody holds it and render it into storage; False if it was taken."""
    with job_session(settings) as session:
        repo = ChunkRepository.from_session(session)
        now = utcnow()
        lease = now + timedelta(seconds=settings.job_lease_seconds)
        if not repo.claim(chunk_id, worker_id(), now, lease):
            return False
        chunk = repo.get(chunk_id)
        assert chunk is not None
        session.expunge(chunk)
    watch = PartWatch(settings, chunk, chunk.attempts, on_renew)
    watch.start()
    try:
        _render_and_store(settings, job, chunk, resolver, workdir, watch)
    finally:
        watch.stop()
    return True


def _render_and_store(
    settings: Settings,
    job: PartJob,
    chunk: RenderChunk,
    resolver: SourceResolver,
    workdir: Path,
    watch: PartWatch,
) -> None:
    output_format = job.spec.output_format
    path = workdir / f"{chunk.id}.{output_format}"
    try:
        _render_part(job.spec, chunk, path, resolver, watch)
        if watch.should_stop():
            raise RenderCancelled("the part was stopped")
        _store(settings, job, chunk, path, watch.attempt)
    except FramelaneError as error:
        _after_error(settings, chunk, watch, error.code, error.message)
    except Exception as error:
        log.exception("render part crashed", extra={"job_id": job.job_id, "part": chunk.id})
        _after_error(
            settings,
            chunk,
            watch,
            "internal_error",
            f"A part of the render failed unexpectedly ({type(error).__name__}).",
        )
    finally:
        path.unlink(missing_ok=True)


def _render_part(
    spec: RenderSpec, chunk: RenderChunk, path: Path, resolver: SourceResolver, watch: PartWatch
) -> None:
    if chunk.kind == "audio":
        render_audio_track(spec, path, resolver=resolver, should_cancel=watch.should_stop)
    else:
        render(
            spec,
            path,
            resolver=resolver,
            should_cancel=watch.should_stop,
            on_frame=watch.frame,
            frames=range(chunk.frame_start, chunk.frame_stop),
        )


def _store(settings: Settings, job: PartJob, chunk: RenderChunk, path: Path, attempt: int) -> None:
    storage = storage_for(settings)
    key = chunk_key(job.workspace_id, chunk, job.spec.output_format)
    storage.put_file(key, path, CONTENT_TYPES[job.spec.output_format])
    with job_session(settings) as session:
        remaining = ChunkRepository.from_session(session).finish(chunk, attempt, key)
        control = JobRepository.from_session(session).control(job.job_id)
    if remaining is None or control is None or control[0] in TERMINAL_STATUSES:
        storage.delete(key)  # taken over, or the job ended meanwhile: leave nothing behind


def _after_error(
    settings: Settings, chunk: RenderChunk, watch: PartWatch, code: str, message: str
) -> None:
    with job_session(settings) as session:
        repo = ChunkRepository.from_session(session)
        if watch.reason == "shutdown":
            repo.release(chunk.id, watch.attempt)
        elif watch.reason is None and code != "cancelled":
            repo.fail(chunk.id, watch.attempt, {"code": code, "message": message[:2000]})
    if watch.reason == "shutdown":
        enqueue_part(settings, PART_KIND, chunk.job_id, chunk.id)


class Coordinator:
    """The render job's own worker: takes free parts, waits for the others, joins them."""

    def __init__(self, ctx: RunContext, spec: RenderSpec, split: Split) -> None:
        self.ctx = ctx
        self.spec = spec
        self.split = split
        self.job = PartJob(ctx.job_id, ctx.workspace_id, spec)

    def run(self, resolver: SourceResolver, shape: Outline, filename: str) -> RunResult:
        settings = self.ctx.settings
        ensure_plan(settings, self.ctx.job_id, self.split)
        queue_free_parts(settings, self.ctx.job_id)
        try:
            parts = self._until_every_part_is_done(resolver)
            path = self._join(parts, filename)
        except BaseException:
            if not shutting_down(settings):  # a hand-back keeps the finished parts
                remove_part_files(settings, self.ctx.workspace_id, self.ctx.job_id)
            raise
        remove_part_files(settings, self.ctx.workspace_id, self.ctx.job_id)
        self.ctx.on_progress("encoding", 95.0)
        return RunResult(
            path=path,
            content_type=CONTENT_TYPES[self.spec.output_format],
            filename=filename,
            width=shape.width,
            height=shape.height,
            duration=shape.duration,
            warnings=[dict(w) for w in shape.warnings],
            extra={"chunks": len(self.split.ranges)},
        )

    def _until_every_part_is_done(self, resolver: SourceResolver) -> Sequence[RenderChunk]:
        settings = self.ctx.settings
        while True:
            if self.ctx.should_cancel():
                raise RenderCancelled("the render was cancelled")
            parts = self._parts()
            self._raise_failed(parts)
            if all(part.status == "done" for part in parts):
                return parts
            self._report_progress(parts)
            free = [part for part in parts if _is_free(part)]
            if free:
                self._queue_lost(free[1:])
                run_part(
                    settings,
                    self.job,
                    free[0].id,
                    resolver,
                    self.ctx.workdir,
                    on_renew=lambda: self._report_progress(self._parts()),
                )
            else:
                time.sleep(WAIT_SECONDS)

    def _parts(self) -> Sequence[RenderChunk]:
        with job_session(self.ctx.settings) as session:
            parts = ChunkRepository.from_session(session).parts(self.ctx.job_id)
            session.expunge_all()
            return parts

    def _raise_failed(self, parts: Sequence[RenderChunk]) -> None:
        for part in parts:
            if part.status == "failed" and part.error:
                raise FramelaneError(part.error["message"], code=part.error["code"])
            if _is_free(part) and part.attempts >= self.ctx.settings.job_max_attempts:
                raise FramelaneError(
                    f"The worker rendering part {part.position + 1} stopped responding "
                    f"({part.attempts} attempt(s)).",
                    code="worker_lost",
                )

    def _queue_lost(self, free: Sequence[RenderChunk]) -> None:
        """Parts whose worker died: queued again, so another idle worker may take them."""
        for part in free:
            if part.status == "running":
                enqueue_part(self.ctx.settings, PART_KIND, part.job_id, part.id)

    def _report_progress(self, parts: Sequence[RenderChunk]) -> None:
        done = sum(part.frames_done for part in parts if part.kind == "video")
        fraction = done / max(self.split.frame_count, 1)
        self.ctx.on_progress("compositing", 10.0 + 85.0 * min(fraction, 1.0))

    def _join(self, parts: Sequence[RenderChunk], filename: str) -> Path:
        storage = storage_for(self.ctx.settings)
        local: list[tuple[Path, int]] = []
        audio: Path | None = None
        for part in parts:
            assert part.storage_key is not None
            path = self.ctx.workdir / f"joined-{part.id}.{self.spec.output_format}"
            storage.download_to(part.storage_key, path)
            if part.kind == "audio":
                audio = path
            else:
                local.append((path, part.frames))
        out = self.ctx.workdir / filename
        join_parts(local, audio, out, self.spec.output_format, self.split.fps)
        for path, _ in local:
            path.unlink(missing_ok=True)
        return out


def _is_free(part: RenderChunk) -> bool:
    if part.status == "pending":
        return True
    lease = part.lease_expires_at
    return part.status == "running" and lease is not None and lease < utcnow()


def remove_part_files(settings: Settings, workspace_id: str, job_id: str) -> None:
    """Every stored part of the job (after the join, a failure or a cancel)."""
    try:
        storage_for(settings).delete_prefix(chunk_prefix(workspace_id, job_id))
        with job_session(settings) as session:
            ChunkRepository.from_session(session).mark_files_removed(job_id)
    except Exception:  # storage down: the sweep removes them later
        log.exception("removing render parts failed", extra={"job_id": job_id})


def sweep_part_files(settings: Settings) -> int:
    """Remove the stored parts of ended jobs whose worker could not (it died, and the job was
    then cancelled or failed); returns how many jobs were swept."""
    with job_session(settings) as session:
        ended = ChunkRepository.from_session(session).ended_with_files()
    for workspace_id, job_id in ended:
        remove_part_files(settings, workspace_id, job_id)
    return len(ended)


SWEEP_SECONDS = 60.0


def start_part_sweeper(settings: Settings) -> Callable[[], None]:
    """A worker service: `sweep_part_files` every minute; returns its stop function."""
    stopped = threading.Event()

    def loop() -> None:
        while not stopped.wait(SWEEP_SECONDS):
            try:
                sweep_part_files(settings)
            except Exception:  # keep sweeping after a transient error
                log.exception("sweeping render parts failed")

    thread = threading.Thread(target=loop, name="framelane-part-sweeper", daemon=True)
    thread.start()

    def stop() -> None:
        stopped.set()
        thread.join(timeout=5)

    return stop


def part_workdir(settings: Settings, chunk_id: str) -> Path:
    workdir = settings.data_dir / "work" / f"{chunk_id}-{time.monotonic_ns()}"
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir


def clean_workdir(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
