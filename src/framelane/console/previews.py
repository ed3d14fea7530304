"""Catalog previews: one tiny clip per effect, motion, transition and caption style, drawn by
the engine from the gallery's specs on first request and cached in the data directory."""

from __future__ import annotations

import threading
from pathlib import Path

from framelane.core.errors import CapabilityUnsupported, NotFound
from framelane.gallery.service import KINDS
from framelane.gallery.sources import write_sources
from framelane.gallery.specs import Frame
from framelane.render.pipeline import render

FRAME = Frame(width=160, height=90, seconds=1.0, fps=24)
_lock = threading.Lock()


def preview_dir(data_dir: Path) -> Path:
    return data_dir / "console" / "previews"


def preview_clip(data_dir: Path, kind: str, name: str) -> Path:
    """The cached clip, rendered once (one at a time: the machine is small)."""
    if kind not in KINDS:
        raise NotFound(f"No catalog kind {kind!r}.")
    registry, spec_fn = KINDS[kind]
    if name not in registry:
        raise NotFound(f"No {kind[:-1]} named {name!r}.")
    if not registry.is_supported(name):
        raise CapabilityUnsupported(f"The {kind[:-1]} {name!r} is not supported yet.")
    target = preview_dir(data_dir) / kind / f"{name}.mp4"
    if target.is_file():
        return target
    with _lock:
        if not target.is_file():
            sources = write_sources(preview_dir(data_dir) / "sources", FRAME.width, FRAME.height)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part.mp4")
            render(spec_fn(name, FRAME, sources), partial)
            partial.replace(target)
    return target
