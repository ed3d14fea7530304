"""The console's pages on real data: keys, webhooks, uploads, tokens, sign-out, isolation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.console.conftest import Console, Server, open_console, sign_up
from tests.net.http_server import live_server

pytestmark = [pytest.mark.slow, pytest.mark.browser]
SAMPLE = Path(__file__).parents[2] / "src/framelane/console/static/samples"


@pytest.fixture(scope="module")
def console(browser: Any, server: Server) -> Iterator[Console]:
    opened = open_console(browser, server)
    sign_up(opened, "owner@pages.test", "Pages")
    yield opened
    opened.context.close()


def test_a_key_is_shown_once_works_over_http_then_revoked_answers_401(
    console: Console, server: Server
) -> None:
    page = console.page
    console.goto("/console/keys")
    page.get_by_label("Key name").fill("from the test")
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#new-key").inner_text().strip()
    assert key.startswith("fl_live_")
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.get(server.base_url + "/v1/workspace", headers=headers).json()["name"] == "Pages"
    page.get_by_role("button", name="Done").click()
    assert page.locator("#new-key").count() == 0
    page.get_by_role("button", name="Revoke from the test").click()
    page.get_by_role("button", name="Revoke key").click()
    page.locator("tr", has_text="from the test").locator(".badge-revoked").wait_for()
    console.shot("keys-revoked-desktop-light")
    answer = httpx.get(server.base_url + "/v1/workspace", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"
    assert console.errors == []


def test_a_test_event_reaches_a_loopback_receiver_and_its_delivery_is_logged(
    console: Console,
) -> None:
    page = console.page
    with live_server() as receiver:
        console.goto("/console/webhooks")
        page.get_by_label("Endpoint URL").fill(receiver.url("/hooks"))
        page.get_by_role("button", name="Add endpoint").click()
        assert page.locator("#webhook-secret").inner_text().startswith("whsec_")
        page.get_by_role("button", name="Send test event").click()
        delivered = page.locator(".deliveries tr", has_text="webhook.test").locator(
            ".status-code", has_text="200"
        )
        for _ in range(40):
            if delivered.count():
                break
            page.get_by_role("button", name="refresh").click()
            page.wait_for_timeout(250)
        assert delivered.count() == 1
        received = receiver.received
        assert [r.path for r in received] == ["/hooks"]
        assert b"webhook.test" in received[0].body
    console.shot("webhooks-delivered-desktop-light")
    assert console.errors == []


def test_an_uploaded_file_appears_with_its_probed_metadata(console: Console) -> None:
    page = console.page
    console.goto("/console/media")
    page.locator("#upload-input").set_input_files(str(SAMPLE / "framelane-sample-landscape.jpg"))
    row = page.locator("tr", has_text="framelane-sample-landscape.jpg")
    row.locator(".badge-ready").wait_for(timeout=30_000)
    assert "640×360" in row.locator(".asset-meta").inner_text()
    row.locator("img.thumb").wait_for()
    assert row.locator("img.thumb").evaluate("img => img.naturalWidth") == 160
    console.shot("media-uploaded-desktop-light")
    assert console.errors == []


def test_a_token_is_edited_and_its_swatch_follows(console: Console) -> None:
    page = console.page
    console.goto("/console/tokens")
    page.get_by_label("New tokenset").fill("Brand")
    page.get_by_role("button", name="Create tokenset").click()
    page.get_by_label("Tokenset", exact=True).wait_for()
    page.get_by_label("New mode name").fill("dark")
    page.get_by_role("button", name="Add mode").click()
    page.get_by_role("tab", name="dark", selected=True).wait_for()
    page.get_by_label("Token name").fill("color.brand")
    page.get_by_label("Value").fill("#ff0000")
    page.get_by_role("button", name="Add token").click()
    page.locator('tr[data-token="color.brand"]').wait_for()
    page.get_by_label("Token name").fill("color.accent")
    page.get_by_label("or alias of").select_option("color.brand")
    page.get_by_role("button", name="Add token").click()
    alias = page.locator('tr[data-token="color.accent"]')
    alias.locator(".resolved", has_text="#ff0000").wait_for()

    page.get_by_role("button", name="Edit color.brand").click()
    page.get_by_label("Value of color.brand").fill("#00ff00")
    page.get_by_role("button", name="Save").click()
    brand = page.locator('tr[data-token="color.brand"]')
    brand.locator(".token-value", has_text="#00ff00").wait_for()
    alias.locator(".resolved", has_text="#00ff00").wait_for()
    swatch = brand.locator(".swatch").evaluate("el => getComputedStyle(el).backgroundColor")
    assert swatch == "rgb(0, 255, 0)"
    console.shot("tokens-edited-desktop-light")
    assert console.errors == []


def test_after_sign_out_a_stale_page_cannot_act(browser: Any, server: Server) -> None:
    console = open_console(browser, server)
    sign_up(console, "leaver@pages.test", "Leavers")
    stale = console.context.new_page()
    stale.goto(server.base_url + "/console/keys")
    stale.get_by_label("Key name").wait_for()
    console.page.get_by_role("button", name="Sign out").click()
    console.page.get_by_role("button", name="Send me a code").wait_for()
    stale.get_by_label("Key name").fill("after sign-out")
    stale.get_by_role("button", name="Create key").click()
    stale.get_by_text("Your session ended").wait_for()
    console.goto("/console/keys")
    assert console.page.get_by_role("button", name="Send me a code").is_visible()
    console.context.close()


def test_a_second_workspace_sees_none_of_the_firsts_data(
    console: Console, browser: Any, server: Server
) -> None:
    mine = console.api(
        "POST",
        "/v1/renders",
        {"width": 64, "height": 36, "duration": 1, "background_color": "#336699"},
    )
    first_keys = {k["id"] for k in console.api("GET", "/v1/api-keys")["data"]}
    first_assets = {a["id"] for a in console.api("GET", "/v1/workspace/assets")["data"]}
    assert first_assets, "the upload test left an asset"
    other = open_console(browser, server)
    sign_up(other, "other@pages.test", "Others")
    page = other.page
    other.goto("/console/jobs")
    page.get_by_text("No jobs match").wait_for()
    assert page.locator(f'tr[data-job="{mine["id"]}"]').count() == 0
    other.goto("/console/keys")
    page.locator("tr[data-key]").first.wait_for()
    shown_keys = set(
        page.locator("tr[data-key]").evaluate_all("rows => rows.map(r => r.dataset.key)")
    )
    assert shown_keys and not shown_keys & first_keys
    other.goto("/console/media")
    page.get_by_text("No media yet").wait_for()
    other.goto(f"/console/jobs/{mine['id']}")
    page.locator(".error-code", has_text="not_found").wait_for()
    assert other.errors == []
    other.context.close()
