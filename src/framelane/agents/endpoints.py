"""`GET /v1/schema/render.json`, `/llms.txt`, `/llms-full.txt` and the doc pages they link
to, `/docs/{page}.md` (no authentication)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse

from framelane.agents.llms import doc_files, llms_full_txt, llms_txt
from framelane.agents.schema import render_schema
from framelane.capabilities.service import build_capabilities
from framelane.core.errors import NotFound
from framelane.kit.web import SettingsDep

router = APIRouter(tags=["agents"])
CACHE = {"Cache-Control": "public, max-age=300"}


@router.get("/v1/schema/render.json", response_class=JSONResponse)
def render_request_schema() -> JSONResponse:
    """The JSON Schema (2020-12) of a render request, generated from the models that
    validate `POST /v1/renders`."""
    return JSONResponse(render_schema(), headers=CACHE, media_type="application/schema+json")


@router.get("/llms.txt", response_class=PlainTextResponse)
def llms(settings: SettingsDep) -> PlainTextResponse:
    """An index of the docs and the catalog for language models (llmstxt.org)."""
    return text(llms_txt(build_capabilities(settings)))


@router.get("/llms-full.txt", response_class=PlainTextResponse)
def llms_full(settings: SettingsDep) -> PlainTextResponse:
    """Every doc page in full, with the catalog."""
    return text(llms_full_txt(build_capabilities(settings)))


@router.get("/docs/{page}.md", response_class=PlainTextResponse)
def doc_page(page: str) -> PlainTextResponse:
    """One page of the user documentation, as Markdown."""
    for path in doc_files():
        if path.stem == page:
            return text(path.read_text())
    raise NotFound(f"No doc page {page!r}.")


def text(body: str) -> PlainTextResponse:
    headers: dict[str, Any] = dict(CACHE)
    return PlainTextResponse(body, headers=headers, media_type="text/markdown; charset=utf-8")
