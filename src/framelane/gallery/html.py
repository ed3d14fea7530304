"""`index.html`: every entry with its contact sheet and looping clip, grouped by kind."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_STYLE = """body{font:14px system-ui,sans-serif;background:#111;color:#eee;margin:24px}
h2{margin-top:32px}.grid{display:flex;flex-wrap:wrap;gap:16px}
.card{background:#1c1c24;padding:8px;border-radius:6px;width:340px}
.card img,.card video{width:100%;display:block;margin-top:6px}
.ok{color:#6c6}.no{color:#e97}small{color:#aaa}"""


def _card(entry: Any) -> str:
    badge = (
        '<span class="ok">supported</span>'
        if entry.supported
        else ('<span class="no">not supported yet</span>')
    )
    video = (
        f'<video src="{html.escape(entry.clip)}" autoplay loop muted playsinline></video>'
        if entry.clip
        else ""
    )
    return (
        f'<div class="card"><b>{html.escape(entry.name)}</b> {badge}<br>'
        f"<small>{html.escape(entry.description)}<br>{html.escape(entry.how)} · "
        f"{entry.milliseconds:.0f} ms</small>{video}"
        f'<img src="{html.escape(entry.sheet)}" loading="lazy"></div>'
    )


def write_index(outdir: Path, entries: Sequence[Any], frame: Any) -> Path:
    parts = [
        f"<!doctype html><meta charset=utf-8><title>Framelane gallery</title>"
        f"<style>{_STYLE}</style><h1>Framelane catalog gallery</h1>"
        f"<p>{frame.width}×{frame.height}, {frame.seconds:g} s at {frame.fps} fps.</p>"
    ]
    for kind in dict.fromkeys(e.kind for e in entries):
        group = [e for e in entries if e.kind == kind]
        done = sum(e.supported for e in group)
        parts.append(
            f"<h2>{kind} ({done}/{len(group)} supported)</h2>"
            f'<img src="{kind}.png" style="max-width:100%"><div class="grid">'
        )
        parts.extend(_card(e) for e in group)
        parts.append("</div>")
    path = outdir / "index.html"
    path.write_text("\n".join(parts))
    return path
