"""The dispatcher: claims due attempts from the database and POSTs them, a few at a time.

* `run_due_once(settings, now)` delivers everything due at `now` and returns the results (tests,
  cron-style callers); `now` is also the clock used for the schedule and the signature.
* `start_background(settings) -> stop` runs a loop thread in `framelane serve` and in
  `framelane worker` processes (the webhooks feature's worker service). Several
  dispatchers, in one or many processes, can run against one database: each attempt is
  claimed with a lease (a conditional UPDATE), so it is sent by one of them; a dispatcher that
  dies mid-attempt leaves the lease to expire and another one retries that attempt.

A try has a 10 s budget (connect, send, read), reads at most 64 KiB of the answer, follows no
redirect (a 3xx is a failed attempt) and checks the URL with the SSRF guard first. At most
`concurrency` tries run at once, so a slow receiver holds one slot, never the others.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from prometheus_client import Counter, Histogram

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import session_scope
from framelane.net.ssrf import SafeResponse, UrlNotAllowed, safe_client, safe_request
from framelane.webhooks.delivery import (
    RETRY_SCHEDULE,
    Outcome,
    Outgoing,
    prepare_attempt,
    record_outcome,
)
from framelane.webhooks.repository import WebhookRepository
from framelane.webhooks.service import off_new_attempts, on_new_attempts

log = logging.getLogger("framelane.webhooks")

Clock = Callable[[], datetime]
DELIVERY_TIMEOUT = 10.0
MAX_READ_BYTES = 64 * 1024
LEASE_SECONDS = 60
CONCURRENCY = 8
POLL_SECONDS = 1.0
SCAN_PAGE = 100  # due attempts read per page while looking for free targets
SCAN_LIMIT = 2000  # at most this many due attempts are looked at per claim
RETENTION = timedelta(days=30)
PURGE_EVERY = timedelta(hours=1)

ATTEMPTS = Counter("framelane_webhook_attempts_total", "Webhook delivery attempts", ["result"])
ATTEMPT_SECONDS = Histogram(
    "framelane_webhook_attempt_seconds",
    "Duration of webhook delivery attempts",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15),
)


@dataclass(frozen=True, slots=True)
class Delivered:
    attempt_id: str
    delivery_id: str
    url: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Claimed:
    """A leased attempt, its ordering key, and its signed request (None: nothing to send)."""

    attempt_id: str
    key: str
    outgoing: Outgoing | None


def classify(response: SafeResponse) -> Outcome:
    text = response.body.decode("utf-8", "replace")
    if 300 <= response.status_code < 400:
        location = response.headers.get("location", "")
        return Outcome(
            response.status_code,
            text,
            {
                "code": "redirect_not_followed",
                "message": f"Redirects are not followed (Location: {location[:500]}).",
            },
        )
    return Outcome(response.status_code, text)


def failure(code: str, exc: Exception) -> Outcome:
    return Outcome(error={"code": code, "message": (str(exc) or type(exc).__name__)[:500]})


class Dispatcher:
    """Claims, sends and records webhook attempts for one database."""

    def __init__(
        self,
        settings: Settings,
        *,
        timeout: float = DELIVERY_TIMEOUT,
        concurrency: int = CONCURRENCY,
        lease_seconds: int = LEASE_SECONDS,
        schedule: tuple[int, ...] = RETRY_SCHEDULE,
        clock: Clock = utcnow,
        poll_seconds: float = POLL_SECONDS,
        max_read_bytes: int = MAX_READ_BYTES,
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.lease = timedelta(seconds=max(lease_seconds, int(timeout) + 5))
        self.schedule = schedule
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.max_read_bytes = max_read_bytes
        self.client = safe_client(
            timeout=timeout,
            limits=httpx.Limits(
                max_connections=self.concurrency * 2, max_keepalive_connections=self.concurrency
            ),
        )
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._inflight = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._busy: set[str] = set()

    @property
    def url(self) -> str:
        return self.settings.resolved_database_url

    # one attempt
    def claim(self, now: datetime, limit: int) -> list[str]:
        """Lease up to `limit` due attempts (at most one per target and subject)."""
        return [claimed.attempt_id for claimed in self.claim_prepared(now, limit, set())]

    def claim_prepared(self, now: datetime, limit: int, busy: set[str]) -> list[Claimed]:
        """Lease and sign up to `limit` due attempts in one transaction, skipping the ordering
        keys in `busy` (target + subject in flight), so a job's `completed` is not sent while
        its `processing` is still on the wire."""
        taken = set(busy)
        claimed: list[Claimed] = []
        with session_scope(self.url) as session:
            repo = WebhookRepository.from_session(session)
            for offset in range(0, SCAN_LIMIT, SCAN_PAGE):
                page = repo.due_attempts(now, SCAN_PAGE, offset)
                for attempt_id, key in page:
                    if len(claimed) == limit:
                        return claimed
                    if key in taken or not repo.claim(attempt_id, now, now + self.lease):
                        continue
                    taken.add(key)
                    claimed.append(
                        Claimed(attempt_id, key, prepare_attempt(session, attempt_id, now))
                    )
                if len(page) < SCAN_PAGE:
                    break
        return claimed

    def send(self, outgoing: Outgoing) -> Outcome:
        started = time.monotonic()
        try:
            response = safe_request(
                "POST",
                outgoing.url,
                allow_private=self.settings.allow_private_urls,
                client=self.client,
                headers=outgoing.headers,
                content=outgoing.body,
                follow_redirects=False,
                timeout=self.timeout,
                max_body_bytes=self.max_read_bytes,
            )
            outcome = classify(response)
        except UrlNotAllowed as exc:
            outcome = Outcome(error={"code": exc.code, "message": exc.message})
        except httpx.TimeoutException as exc:
            outcome = failure("timeout", exc)
        except httpx.ConnectError as exc:
            outcome = failure("connection_failed", exc)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            outcome = failure("connection_closed", exc)
        except httpx.HTTPError as exc:
            outcome = failure("transport_error", exc)
        elapsed = int((time.monotonic() - started) * 1000)
        return Outcome(outcome.status_code, outcome.response_body, outcome.error, elapsed)

    def deliver(self, attempt_id: str, now: datetime | None = None) -> Delivered | None:
        """Sign, send and record one claimed attempt; None when it no longer needs sending."""
        with session_scope(self.url) as session:
            outgoing = prepare_attempt(session, attempt_id, now or self.clock())
        return self.send_and_record(Claimed(attempt_id, attempt_id, outgoing), now)

    def send_and_record(self, claimed: Claimed, now: datetime | None = None) -> Delivered | None:
        outgoing = claimed.outgoing
        if outgoing is None:
            return None
        outcome = self.send(outgoing)
        with session_scope(self.url) as session:
            record_outcome(session, claimed.attempt_id, outcome, now or self.clock(), self.schedule)
        ATTEMPTS.labels(
            "success"
            if outcome.succeeded
            else (outcome.error or {}).get("code", f"http_{outcome.status_code}")
        ).inc()
        ATTEMPT_SECONDS.observe(outcome.duration_ms / 1000)
        log.info(
            "webhook attempt",
            extra={
                "attempt_id": claimed.attempt_id,
                "delivery_id": outgoing.delivery_id,
                "status_code": outcome.status_code,
                "error": (outcome.error or {}).get("code"),
                "duration_ms": outcome.duration_ms,
            },
        )
        return Delivered(claimed.attempt_id, outgoing.delivery_id, outgoing.url, outcome)

    # batches
    def run_due_once(
        self, now: datetime | None = None, max_attempts: int = 1000
    ) -> list[Delivered]:
        """Deliver every attempt due at `now` (concurrently) and wait for all of them."""
        at = now or self.clock()
        results: list[Delivered] = []
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook") as pool:
            while len(results) < max_attempts:
                claimed = self.claim_prepared(at, self.concurrency, set())
                if not claimed:
                    break
                for done in pool.map(lambda one: self.send_and_record(one, now), claimed):
                    if done is not None:
                        results.append(done)
        return results

    def purge(self, now: datetime | None = None, retention: timedelta = RETENTION) -> int:
        """Forget events (with their deliveries and attempts) older than `retention`, unless
        a delivery is still pending."""
        with session_scope(self.url) as session:
            return WebhookRepository.from_session(session).purge_events_before(
                (now or self.clock()) - retention
            )

    # background loop
    def wake(self) -> None:
        self._wake.set()

    def start(self) -> Callable[[], None]:
        on_new_attempts(self.wake)
        self._thread = threading.Thread(target=self._loop, name="framelane-webhooks", daemon=True)
        self._thread.start()
        return self.stop

    def stop(self) -> None:
        off_new_attempts(self.wake)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 5)
        self.client.close()

    def _loop(self) -> None:
        purged_at: datetime | None = None
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook") as pool:
            while not self._stop.is_set():
                self._wake.clear()
                purged_at = self._purge_hourly(purged_at)
                for claimed in self._claim_free_slots():
                    pool.submit(self._run_one, claimed)
                self._wake.wait(self.poll_seconds)

    def _purge_hourly(self, last: datetime | None) -> datetime | None:
        now = self.clock()
        if last is not None and now - last < PURGE_EVERY:
            return last
        try:
            self.purge(now)
        except Exception:
            log.exception("webhook dispatcher could not purge old events")
        return now

    def _claim_free_slots(self) -> list[Claimed]:
        with self._lock:
            free, busy = self.concurrency - self._inflight, set(self._busy)
        if free <= 0:
            return []
        try:
            claimed = self.claim_prepared(self.clock(), free, busy)
        except Exception:
            log.exception("webhook dispatcher could not claim attempts")
            return []
        with self._lock:
            self._inflight += len(claimed)
            self._busy.update(one.key for one in claimed)
        return claimed

    def _run_one(self, claimed: Claimed) -> None:
        try:
            self.send_and_record(claimed)
        except Exception:
            log.exception("webhook attempt crashed", extra={"attempt_id": claimed.attempt_id})
        finally:
            with self._lock:
                self._inflight -= 1
                self._busy.discard(claimed.key)
            self._wake.set()


def run_due_once(settings: Settings, now: datetime | None = None) -> list[Delivered]:
    """Deliver every attempt due at `now` (default: the current time)."""
    dispatcher = Dispatcher(settings)
    try:
        return dispatcher.run_due_once(now)
    finally:
        dispatcher.client.close()


def start_background(settings: Settings, **options: object) -> Callable[[], None]:
    """Start a dispatcher loop thread; returns the function that stops it."""
    return Dispatcher(settings, **options).start()  # type: ignore[arg-type]
