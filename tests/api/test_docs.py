"""`/docs` works offline (Swagger UI from the package, no CDN), "Authorize" is declared, and the
render request schema documents every accepted field, with real examples."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from framelane.api.docs import ASSETS, SWAGGER_UI_VERSION
from framelane.render.spec import RenderSpec, VideoElement, parse_spec
from framelane.renders.examples import RENDER_EXAMPLES


def test_docs_load_every_asset_from_this_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls and all(url.startswith("/docs/assets/") for url in urls), urls
    assert "cdn" not in page.text.lower()
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 500, url
    assert client.get("/redoc").status_code == 404


def test_the_vendored_swagger_ui_is_pinned_and_licensed() -> None:
    assert (ASSETS / "VERSION.txt").read_text().split() == ["swagger-ui-dist", SWAGGER_UI_VERSION]
    assert "Apache License" in (ASSETS / "LICENSE.txt").read_text()
    bundle = (ASSETS / "swagger-ui-bundle.js").read_text(errors="replace")
    assert "SwaggerUIBundle" in bundle


def test_a_bearer_scheme_is_declared_where_a_key_is_needed(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"]["type"] == "http" and schemes["bearer"]["scheme"] == "bearer"
    paths = document["paths"]
    assert paths["/v1/renders"]["post"]["security"] == [{"bearer": []}]
    assert paths["/v1/uploads"]["post"]["security"] == [{"bearer": []}]
    assert paths["/healthz"]["get"]["security"] == []
    assert paths["/v1/signup"]["post"]["security"] == []


def test_the_render_schema_lists_every_accepted_field(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schemas["RenderSpec"]["properties"]) == set(RenderSpec.model_fields)
    assert "tokens" in schemas["RenderSpec"]["properties"]
    video = schemas["VideoElement"]["properties"]
    assert set(video) == set(VideoElement.model_fields)
    assert {"duration", "loop"} <= set(video)
    assert video["source_url"]["pattern"].startswith("^https?")


def test_render_examples_are_offered_and_valid(client: TestClient) -> None:
    body = client.get("/openapi.json").json()["paths"]["/v1/renders"]["post"]["requestBody"]
    examples = body["content"]["application/json"]["examples"]
    assert set(examples) == {"video_with_trim", "captions", "transition", "brand_tokens"}
    brand = {'"{colors.background}"': '"#111827"', '"{colors.accent}"': '"#f59e0b"'}
    for name, example in RENDER_EXAMPLES.items():
        text = json.dumps(example["value"])
        for reference, value in brand.items():
            text = text.replace(reference, value)
        parsed = parse_spec(json.loads(text), strict=True)
        assert parsed.warnings == [], name


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_the_docs_need_no_key(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200
