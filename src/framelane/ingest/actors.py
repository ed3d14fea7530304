"""Where ingest work runs: a small bounded thread pool in the process that received the bytes
(the API), plus a watcher thread started with `framelane serve` that notices uploads which went
straight to object storage and re-queues probes/imports a crash left in `processing`.

Probes are short and I/O-bound and need the uploaded object, so they stay out of the render
queue; the asset row is the truth, so a lost thread is recovered by the watcher.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from framelane.core.settings import Settings

log = logging.getLogger("framelane.ingest.actors")
POOL_THREADS = 2
WATCH_INTERVAL_SECONDS = 2.0

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(POOL_THREADS, thread_name_prefix="framelane-ingest")
        return _pool


def submit_probe(settings: Settings, asset_id: str) -> Future[None]:
    return pool().submit(probe_asset, settings, asset_id)


def submit_import(settings: Settings, import_id: str) -> Future[None]:
    return pool().submit(import_asset, settings, import_id)


def probe_asset(settings: Settings, asset_id: str) -> None:
    from framelane.ingest.processing import run_probe

    try:
        run_probe(settings, asset_id)
    except Exception as error:
        log.exception("probe crashed", extra={"asset_id": asset_id})
        _give_up(settings, asset_id, error)


def import_asset(settings: Settings, import_id: str) -> None:
    from framelane.ingest.processing import run_import

    try:
        run_import(settings, import_id)
    except Exception as error:
        log.exception("import crashed", extra={"import_id": import_id})
        from framelane.db.session import session_scope
        from framelane.ingest.repository import IngestRepository

        with session_scope(settings.resolved_database_url) as session:
            record = IngestRepository.from_session(session).import_by_id(import_id)
            asset_id = record.asset_id if record is not None else None
        if asset_id is not None:
            _give_up(settings, asset_id, error)


def _give_up(settings: Settings, asset_id: str, error: Exception) -> None:
    """An unexpected crash fails the asset (`internal_error`) instead of retrying forever."""
    from framelane.core.errors import FramelaneError
    from framelane.ingest.processing import fail

    try:
        fail(
            settings,
            asset_id,
            FramelaneError(
                f"Processing failed unexpectedly ({type(error).__name__}).", code="internal_error"
            ),
        )
    except Exception:
        log.exception("could not record the failure", extra={"asset_id": asset_id})


def watch_once(settings: Settings) -> None:
    """One watcher round (see `framelane.ingest.housekeeping`); re-queues stalled work."""
    from framelane.ingest.housekeeping import sweep

    result = sweep(settings)
    for import_id in result.retry_imports:
        submit_import(settings, import_id)
    for asset_id in result.retry_probes:
        submit_probe(settings, asset_id)


def start_watcher(settings: Settings) -> Callable[[], None]:
    """The ingest feature's API service: the watcher runs for the lifetime of `framelane
    serve` (it notices uploads that went straight to object storage)."""
    stop = threading.Event()
    thread = threading.Thread(
        target=_watch_loop, args=(settings, stop), name="framelane-ingest-watch", daemon=True
    )
    thread.start()
    return stop.set


def _watch_loop(settings: Settings, stop: threading.Event) -> None:
    while not stop.wait(WATCH_INTERVAL_SECONDS):
        try:
            watch_once(settings)
        except Exception:
            log.exception("ingest watcher round failed")
