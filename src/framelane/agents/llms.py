"""`/llms.txt` and `/llms-full.txt`, made from `docs/*.md` and the capabilities catalog at
request time, so they cannot drift from either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The repository's docs/ (the package is installed from the source tree).
DOCS_DIR = Path(__file__).resolve().parents[3] / "docs"
CATALOGS = ("effects", "motions", "transitions", "word_animations", "output_formats")

SUMMARY = """> Framelane is a self-hostable declarative video API: one JSON request composes a scene
> (video, image, audio, text, nested compositions, motions, transitions, animated captions) and
> comes back as mp4/webm/mov/gif/png/jpg. Also AI media tasks (transcribe, remove background,
> super-resolution, gaze redirect). Authenticate with `Authorization: Bearer fl_live_…`."""

START = """## Start here

- `GET /v1/capabilities`: everything a request may use, each entry flagged `supported` (no auth).
- `GET /v1/schema/render.json`: the JSON Schema (2020-12) of `POST /v1/renders`.
- `POST /v1/preview` with `dry_run: true`: free validation; without it, a PNG frame.
- `POST /v1/renders` → `GET /v1/renders/{id}?wait=25` (long-poll) → `GET /v1/renders/{id}/download`.
- MCP (Streamable HTTP) at `/mcp` with the same Bearer key; `framelane mcp` for stdio.
- `/openapi.json`: every endpoint."""


def doc_files(docs_dir: Path = DOCS_DIR) -> list[Path]:
    return sorted(docs_dir.glob("*.md")) if docs_dir.is_dir() else []


def title_and_lead(text: str) -> tuple[str, str]:
    """The first `# ` heading and the first paragraph after it, on one line."""
    lines = text.splitlines()
    title = next((line[2:].strip() for line in lines if line.startswith("# ")), "")
    paragraph: list[str] = []
    for line in lines[1:] if lines and lines[0].startswith("# ") else lines:
        if line.strip():
            if line.startswith(("#", "```", "|", "-")):
                break
            paragraph.append(line.strip())
        elif paragraph:
            break
    return title, " ".join(paragraph)


def catalog_lines(capabilities: dict[str, Any]) -> list[str]:
    lines = ["## Catalog", ""]
    element_types = [e["name"] for e in capabilities.get("element_types", []) if e.get("supported")]
    lines.append(f"- element types: {', '.join(element_types)}")
    for name in CATALOGS:
        entries = [e["name"] for e in capabilities.get(name, []) if e.get("supported")]
        lines.append(f"- {name.replace('_', ' ')}: {', '.join(entries)}")
    tasks = [name for name, task in capabilities.get("tasks", {}).items() if task.get("supported")]
    lines.append(f"- tasks: {', '.join(tasks)}")
    return lines


def llms_txt(capabilities: dict[str, Any], docs_dir: Path = DOCS_DIR) -> str:
    parts = ["# Framelane", "", SUMMARY, "", START, "", "## Docs", ""]
    for path in doc_files(docs_dir):
        title, lead = title_and_lead(path.read_text())
        parts.append(f"- [{title or path.stem}](/docs/{path.name}): {lead}")
    parts += ["", *catalog_lines(capabilities), ""]
    return "\n".join(parts)


def llms_full_txt(capabilities: dict[str, Any], docs_dir: Path = DOCS_DIR) -> str:
    parts = ["# Framelane", "", SUMMARY, "", START, "", *catalog_lines(capabilities), ""]
    for path in doc_files(docs_dir):
        parts += [f"<!-- docs/{path.name} -->", path.read_text().rstrip(), ""]
    return "\n".join(parts)
