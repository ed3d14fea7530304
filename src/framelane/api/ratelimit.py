"""Moving-window rate limits: in this process by default, or shared through Redis (with the
`limits` library) when `FRAMELANE_RATE_LIMIT_URL` is set. Rules use `limits`' notation.

`/v1` answers carry `RateLimit-Limit/Remaining/Reset` and `Retry-After` on 429; the design-token
API under `/api/v1` carries Tokencraft's `X-RateLimit-*` headers (Reset as a Unix timestamp).
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from framelane.api.middleware import client_ip, header, send_error
from framelane.core.settings import RateLimits


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    item: RateLimitItem
    per: str  # "ip" or "token"


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_at: float


class LocalMovingWindow:
    """The moving window of one process (`memory://`, the default): per rule and identity, the
    times of the hits inside the window. The same answers as `limits`' moving window, at O(1)
    a hit and with no thread: `limits`' memory storage starts a new timer thread every 10 ms
    to expire entries, and the request that starts it waits for it."""

    SWEEP_SECONDS = 60.0

    def __init__(self) -> None:
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._windows: dict[str, float] = {}
        self._lock = threading.Lock()
        self._next_sweep = time.time() + self.SWEEP_SECONDS

    def check(self, rule: Rule, identity: str) -> Verdict:
        window, amount = rule.item.get_expiry(), rule.item.amount
        now = time.time()
        with self._lock:
            self._windows[rule.name] = window
            hits = self._hits.setdefault((rule.name, identity), deque())
            while hits and hits[0] < now - window:
                hits.popleft()
            allowed = len(hits) < amount
            if allowed:
                hits.append(now)
            reset_at = (hits[0] if hits else now) + window
            verdict = Verdict(allowed, amount, max(0, amount - len(hits)), reset_at)
            if now >= self._next_sweep:
                self._sweep(now)
        return verdict

    def _sweep(self, now: float) -> None:
        """Forget the identities whose every hit has left its rule's window."""
        self._next_sweep = now + self.SWEEP_SECONDS
        idle = [
            key
            for key, hits in self._hits.items()
            if not hits or hits[-1] < now - self._windows[key[0]]
        ]
        for key in idle:
            del self._hits[key]


class RateLimiter:
    def __init__(self, rates: RateLimits, storage_url: str | None) -> None:
        url = storage_url or "memory://"
        self.local = LocalMovingWindow() if url.startswith("memory://") else None
        self.limiter = None if self.local else MovingWindowRateLimiter(storage_from_string(url))
        self.renders = Rule("renders", parse(rates.renders_per_ip), "ip")
        self.tasks = Rule("tasks", parse(rates.tasks_per_ip), "ip")
        self.signup = Rule("signup", parse(rates.signup_per_ip), "ip")
        self.per_key = Rule("key", parse(rates.per_key), "token")
        self.tokens = Rule("tokens", parse(rates.tokens_per_token), "token")

    def rules_for(self, method: str, path: str, has_token: bool) -> list[Rule]:
        if path.startswith("/api/v1"):
            return [self.tokens] if has_token else []
        rules: list[Rule] = []
        if method == "POST" and path == "/v1/renders":
            rules.append(self.renders)
        elif method == "POST" and path.startswith("/v1/tasks/"):
            rules.append(self.tasks)
        elif method == "POST" and path.startswith(("/v1/signup", "/v1/auth/login")):
            rules.append(self.signup)
        if has_token and path.startswith("/v1/"):
            rules.append(self.per_key)
        return rules

    def check(self, rule: Rule, identity: str) -> Verdict:
        if self.local is not None:
            return self.local.check(rule, identity)
        assert self.limiter is not None
        allowed = self.limiter.hit(rule.item, rule.name, identity)
        reset_at, remaining = self.limiter.get_window_stats(rule.item, rule.name, identity)
        return Verdict(allowed, rule.item.amount, max(0, remaining), float(reset_at))


def token_identity(scope: Scope) -> str | None:
    auth = header(scope, b"authorization")
    if not auth or " " not in auth:
        return None
    return hashlib.sha256(auth.split(" ", 1)[1].strip().encode()).hexdigest()[:32]


def limit_headers(path: str, verdict: Verdict) -> list[tuple[bytes, bytes]]:
    reset_in = max(0, math.ceil(verdict.reset_at - time.time()))
    if path.startswith("/api/v1"):
        return [
            (b"x-ratelimit-limit", str(verdict.limit).encode()),
            (b"x-ratelimit-remaining", str(verdict.remaining).encode()),
            (b"x-ratelimit-reset", str(math.ceil(verdict.reset_at)).encode()),
        ]
    return [
        (b"ratelimit-limit", str(verdict.limit).encode()),
        (b"ratelimit-remaining", str(verdict.remaining).encode()),
        (b"ratelimit-reset", str(reset_in).encode()),
    ]


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limiter: RateLimiter, enabled: bool) -> None:
        self.app = app
        self.limiter = limiter
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.enabled:
            await self.app(scope, receive, send)
            return
        path, token = str(scope["path"]), token_identity(scope)
        tightest: Verdict | None = None
        for rule in self.limiter.rules_for(scope["method"], path, token is not None):
            identity = token if rule.per == "token" and token else client_ip(scope)
            verdict = self.limiter.check(rule, identity)
            if not verdict.allowed:
                await self._refuse(scope, send, path, verdict)
                return
            if tightest is None or verdict.remaining < tightest.remaining:
                tightest = verdict
        if tightest is None:
            await self.app(scope, receive, send)
            return
        extra = limit_headers(path, tightest)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, scope: Scope, send: Send, path: str, verdict: Verdict) -> None:
        retry_after = max(1, math.ceil(verdict.reset_at - time.time()))
        message = (
            "Rate limit exceeded. Please try again later."
            if path.startswith("/api/v1")
            else f"Too many requests. Retry after {retry_after} seconds."
        )
        headers = [*limit_headers(path, verdict), (b"retry-after", str(retry_after).encode())]
        await send_error(send, scope, 429, "rate_limited", message, None, headers)
