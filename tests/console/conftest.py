"""A real `framelane serve` on a free loopback port (SQLite in a temp data dir) and Debian's
Chromium driven by Playwright. With CI=true a missing Chromium fails, never skips."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
EXPECTED_HTTP_ERROR = re.compile(
    r"Failed to load resource: the server responded with a status of 4\d\d"
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def code_for(self, email: str, purpose: str, after: int = 0, timeout: float = 10) -> str:
        """The newest one-time code logged for `email` (the dev mailer writes it to the log)."""
        pattern = re.compile(
            rf"one-time code for {re.escape(email)} \({re.escape(purpose)}\): (\d{{6}})"
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            codes = pattern.findall(self.log()[after:])
            if codes:
                return str(codes[-1])
            time.sleep(0.1)
        raise AssertionError(f"no {purpose} code for {email} in the server log")

    def log_size(self) -> int:
        return len(self.log())


def start_server(data_dir: Path) -> Server:
    port = free_port()
    log_path = data_dir / "server.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "FRAMELANE_ENV": "development",
        "FRAMELANE_DATA_DIR": str(data_dir),
        "FRAMELANE_RATE_LIMITS_ENABLED": "false",
        "FRAMELANE_ALLOW_PRIVATE_URLS": "true",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("FRAMELANE_DATABASE_URL", "FRAMELANE_QUEUE_URL", "FRAMELANE_SMTP_HOST"):
        env.pop(name, None)
    command = [sys.executable, "-m", "framelane.cli", "serve", "--host", "127.0.0.1"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env
        )
    server = Server(f"http://127.0.0.1:{port}", log_path, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"framelane serve exited:\n{server.log()[-4000:]}")
        try:
            if httpx.get(server.base_url + "/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise AssertionError(f"framelane serve did not start:\n{server.log()[-4000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("console-server"))
    yield running
    running.process.terminate()
    try:
        running.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        running.process.kill()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (scripts/system-deps.sh installs chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@dataclass
class Console:
    """One browser context (its own cookies) on the console, collecting console errors."""

    server: Server
    context: Any
    page: Any
    errors: list[str] = field(default_factory=list)

    def note(self, kind: str, text: str) -> None:
        """A console error, except the browser's own line for an API answer of 4xx (a 401
        after sign-out, a 422 of an invalid edit): those are shown on the page as code and
        message, by design."""
        if kind == "error" and not EXPECTED_HTTP_ERROR.search(text):
            self.errors.append(text)

    def goto(self, path: str) -> None:
        self.page.goto(self.server.base_url + path)

    def csrf(self) -> str:
        cookies = {c["name"]: c["value"] for c in self.context.cookies()}
        return str(cookies.get("fl_csrf", ""))

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """A call with this browser's session (its cookie and CSRF header), as the pages do."""
        response = self.context.request.fetch(
            self.server.base_url + path,
            method=method,
            headers={"X-CSRF-Token": self.csrf()},
            data=body,
        )
        assert response.ok, f"{method} {path}: {response.status} {response.text()}"
        return response.json() if response.status != 204 else None

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path


def open_console(browser: Any, server: Server, viewport: dict[str, int] | None = None) -> Console:
    context = browser.new_context(
        viewport=viewport or DESKTOP, base_url=server.base_url, color_scheme="light"
    )
    page = context.new_page()
    console = Console(server, context, page)
    page.on("console", lambda message: console.note(message.type, message.text))
    page.on("pageerror", lambda error: console.errors.append(str(error)))
    return console


@dataclass
class Account:
    email: str
    workspace: str
    key: str = ""


def sign_up(console: Console, email: str, workspace: str) -> Account:
    """Sign up through the pages: workspace and email, the verification code, the sign-in code."""
    page, server = console.page, console.server
    console.goto("/console/signup")
    page.get_by_label("Workspace name").fill(workspace)
    page.get_by_label("Email").fill(email)
    mark = server.log_size()
    page.get_by_role("button", name="Create workspace").click()
    page.get_by_label("6-digit code").fill(server.code_for(email, "signup", mark))
    mark = server.log_size()
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Email verified").wait_for()
    page.get_by_label("6-digit code").fill(server.code_for(email, "login", mark))
    page.get_by_role("button", name="Continue").click()
    try:
        page.get_by_role("button", name="Sign out").wait_for()
    except Exception:
        console.shot("sign-up-failure")
        raise
    return Account(email, workspace)
