"""Every page at 1280×800 and 390×844, light and dark: no script errors, nothing wider than
the screen, a screenshot of each (tests/console/artifacts/); the CSP header and `/`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.console.conftest import DESKTOP, PHONE, Console, Server, open_console, sign_up

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAGES = {
    "overview": "/console",
    "playground": "/console/playground",
    "jobs": "/console/jobs",
    "media": "/console/media",
    "keys": "/console/keys",
    "webhooks": "/console/webhooks",
    "tokens": "/console/tokens",
    "catalog": "/console/catalog",
    "settings": "/console/settings",
}
READY = {"playground": "#preview-image", "catalog": "article.card", "job": "#job-request"}


@pytest.fixture(scope="module")
def console(browser: Any, server: Server) -> Iterator[Console]:
    opened = open_console(browser, server)
    sign_up(opened, "viewer@screens.test", "Screens")
    job = opened.api(
        "POST",
        "/v1/renders",
        {"width": 64, "height": 36, "duration": 1, "frame_rate": 10, "background_color": "#336699"},
    )
    PAGES["job"] = f"/console/jobs/{job['id']}"
    yield opened
    opened.context.close()


def show(console: Console, name: str, viewport: dict[str, int], theme: str) -> None:
    page = console.page
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=theme)
    console.goto(PAGES[name])
    page.locator("main h1").first.wait_for()
    if name in READY:
        page.locator(READY[name]).first.wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{name} is {width}px wide at {viewport['width']}px"
    size = "desktop" if viewport == DESKTOP else "phone"
    console.shot(f"{name}-{size}-{theme}")


@pytest.mark.parametrize("name", [*PAGES, "job"])
def test_every_page_in_both_sizes_light(console: Console, name: str) -> None:
    show(console, name, DESKTOP, "light")
    show(console, name, PHONE, "light")
    assert console.errors == []


@pytest.mark.parametrize("name", ["overview", "playground", "jobs", "catalog", "settings"])
def test_pages_in_the_dark_theme(console: Console, name: str) -> None:
    show(console, name, DESKTOP, "dark")
    show(console, name, PHONE, "dark")
    assert console.errors == []


def test_the_sign_in_page_and_the_phone_menu(browser: Any, server: Server) -> None:
    console = open_console(browser, server, PHONE)
    console.goto("/console")
    console.page.get_by_role("button", name="Send me a code").wait_for()
    console.shot("sign-in-phone-light")
    sign_up(console, "menu@screens.test", "Menus")
    console.page.get_by_role("button", name="Menu").click()
    console.page.get_by_role("link", name="Webhooks").click()
    console.page.get_by_role("heading", name="Webhooks").wait_for()
    assert console.page.url.endswith("/console/webhooks")
    assert console.errors == []
    console.context.close()


def test_console_pages_carry_a_content_security_policy(server: Server) -> None:
    for path in ("/console", "/console/keys", "/console/static/app.js"):
        policy = httpx.get(server.base_url + path).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert httpx.get(server.base_url + "/console/static/..%2Fendpoints.py").status_code == 404


def test_the_root_sends_a_browser_to_the_console_and_an_api_client_to_the_api(
    server: Server,
) -> None:
    browser = httpx.get(server.base_url + "/", headers={"Accept": "text/html"})
    assert browser.status_code == 303 and browser.headers["location"] == "/console"
    client = httpx.get(server.base_url + "/", headers={"Accept": "application/json"})
    assert client.status_code == 200 and client.json()["openapi"] == "/openapi.json"
