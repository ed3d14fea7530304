"""`/v1/schema/render.json`, `/llms.txt`, `/llms-full.txt`."""

from __future__ import annotations

import jsonschema
from fastapi.testclient import TestClient

from framelane.agents.llms import DOCS_DIR
from tests.fixtures.identity import VerifiedWorkspace


def test_the_render_schema_is_2020_12_and_agrees_with_the_validator(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    schema = client.get("/v1/schema/render.json").json()
    validator = jsonschema.Draft202012Validator(schema)
    good = {
        "width": 64,
        "height": 36,
        "elements": [{"type": "text", "id": "t", "text": "hi", "duration": 1}],
    }
    bad = {"width": 8, "elements": [{"type": "image", "id": "i", "duration": 1}]}

    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert not list(validator.iter_errors(good))
    checked = client.post("/v1/preview", json={**good, "dry_run": True}, headers=workspace.headers)
    refused = client.post("/v1/preview", json={**bad, "dry_run": True}, headers=workspace.headers)
    assert checked.json()["valid"] and refused.status_code == 422
    refused_at = {tuple(d["loc"]) for d in refused.json()["error"]["details"]}
    schema_at = {tuple(e.absolute_path) for e in validator.iter_errors(bad)}
    assert ("width",) in refused_at and ("width",) in schema_at


def test_llms_txt_lists_every_doc_and_the_catalog(client: TestClient) -> None:
    index = client.get("/llms.txt")
    full = client.get("/llms-full.txt").text
    docs = sorted(DOCS_DIR.glob("*.md"))

    assert index.status_code == 200 and index.text.startswith("# Framelane")
    assert docs and all(f"(/docs/{doc.name})" in index.text for doc in docs)
    assert "cross_dissolve" in index.text and "transcribe" in index.text
    assert all(doc.read_text().strip()[:200] in full for doc in docs)
    assert client.get("/docs/renders.md").text == (DOCS_DIR / "renders.md").read_text()
    assert client.get("/docs/nothing.md").json()["error"]["code"] == "not_found"
