"""Sign up through the pages, then compose, scrub, render and play in the playground."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.console.conftest import Console, Server, open_console, sign_up

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def console(browser: Any, server: Server) -> Iterator[Console]:
    opened = open_console(browser, server)
    sign_up(opened, "maker@example.test", "Makers")
    yield opened
    opened.context.close()


def test_sign_up_lands_on_the_overview_signed_in(console: Console) -> None:
    page = console.page
    assert page.url.endswith("/console")
    assert page.get_by_text("Makers").first.is_visible()
    console.shot("overview-desktop-light")
    assert console.errors == []


def editor_spec(console: Console) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(console.page.locator("#composition").input_value())
    return spec


def test_a_starter_scrubs_renders_and_plays(console: Console) -> None:
    page = console.page
    console.goto("/console/playground")
    page.locator("#preview-image").wait_for()
    page.locator('[data-starter="title-card"]').click()
    page.locator("#preview-image").wait_for()
    first_frame = page.locator("#preview-image").get_attribute("src")
    page.locator("#scrubber").fill("1.5")
    page.wait_for_function(
        "src => document.querySelector('#preview-image').src !== src", arg=first_frame
    )
    assert page.locator("#scrub-time").inner_text() == "1.5"
    spec = editor_spec(console)
    page.locator("#render-button").click()
    seen = set()
    page.locator("#render-percent").wait_for()
    for _ in range(600):
        seen.add(page.locator("#render-percent").inner_text())
        if page.locator("#render-output").count():
            break
        page.wait_for_timeout(100)
    assert len(seen) >= 2, f"the progress never moved: {seen}"
    video = page.locator("#render-output")
    page.wait_for_function("() => document.querySelector('#render-output').readyState >= 2")
    video.evaluate("v => { v.muted = true; return v.play() }")
    page.wait_for_function("() => document.querySelector('#render-output').currentTime > 0")
    duration = video.evaluate("v => v.duration")
    assert duration == pytest.approx(spec["duration"], abs=1 / spec["frame_rate"])
    console.shot("playground-rendered-desktop-light")
    assert console.errors == []


def test_an_invalid_edit_is_marked_at_its_field(console: Console) -> None:
    page = console.page
    console.goto("/console/playground")
    page.locator("#preview-image").wait_for()
    spec = editor_spec(console)
    spec["elements"][0]["font_size"] = "huge"
    page.locator("#composition").fill(json.dumps(spec, indent=2))
    page.get_by_role("button", name="Validate (dry run)").click()
    marked = page.locator(".tok-error")
    marked.first.wait_for()
    assert marked.first.get_attribute("data-error-path") == "elements.0.font_size"
    assert marked.first.inner_text() == '"font_size"'
    assert page.locator(".error-code").inner_text() == "validation_error"
    page.locator('button[data-path="elements.0.font_size"]').click()
    selected = page.locator("#composition").evaluate(
        "area => area.value.slice(area.selectionStart, area.selectionEnd)"
    )
    assert selected == '"font_size"'
    console.shot("playground-invalid-desktop-light")
    assert console.errors == []


def test_the_request_is_offered_as_curl_and_python(console: Console) -> None:
    page = console.page
    console.goto("/console/playground")
    page.locator("#preview-image").wait_for()
    page.get_by_role("button", name="curl", exact=True).click()
    curl = page.locator("#share-code").inner_text()
    assert curl.startswith(f'curl -X POST "{console.server.base_url}/v1/renders"')
    assert "Bearer $FRAMELANE_API_KEY" in curl and '"Hello, Framelane"' in curl
    page.get_by_role("button", name="Python", exact=True).click()
    python = page.locator("#share-code").inner_text()
    assert "httpx.post(" in python and "FRAMELANE_API_KEY" in python
    assert console.errors == []


def test_a_catalog_entry_opens_in_the_playground_with_sample_media(console: Console) -> None:
    page = console.page
    console.goto("/console/catalog")
    page.get_by_label("Filter").fill("sepia")
    card = page.locator('article[data-entry="sepia"]')
    card.get_by_role("button", name="Try in playground").click()
    page.locator("#preview-image").wait_for(timeout=30_000)
    spec = editor_spec(console)
    image = spec["elements"][0]
    assert image["effects"] == [{"type": "sepia", "intensity": 100}]
    assert image["source_url"].startswith(console.server.base_url + "/v1/files/")
    assert console.errors == []
