"""`build_gallery`: render every catalog entry to a clip and a labelled contact sheet, plus an
overview montage per kind, `gallery.json` and an `index.html` to browse them. Entries the
engine cannot render yet get a labelled card naming what is missing."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from framelane.gallery import sheets
from framelane.gallery.html import write_index
from framelane.gallery.sources import write_sources
from framelane.gallery.specs import (
    Frame,
    effect_spec,
    motion_spec,
    transition_spec,
    word_animation_spec,
)
from framelane.render.effects import EFFECTS
from framelane.render.motions import MOTIONS
from framelane.render.pipeline import render, render_contact_sheet_png, render_still_png
from framelane.render.pixels import Pixels
from framelane.render.registry import Registry
from framelane.render.transitions import TRANSITIONS
from framelane.render.word_animations import WORD_ANIMATIONS

SpecFn = Callable[[str, Frame, dict[str, Path]], dict[str, Any]]
KINDS: dict[str, tuple[Registry[Any], SpecFn]] = {
    "effects": (EFFECTS, effect_spec),
    "motions": (MOTIONS, motion_spec),
    "transitions": (TRANSITIONS, transition_spec),
    "word_animations": (WORD_ANIMATIONS, word_animation_spec),
}
SHEET_FRAMES = 6


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    name: str
    supported: bool
    description: str
    how: str
    """`engine` (rendered from a spec) or `missing` (not renderable yet, with the reason)."""
    clip: str | None
    sheet: str
    milliseconds: float


def build_gallery(
    outdir: Path,
    *,
    frame: Frame | None = None,
    kinds: tuple[str, ...] = (),
    only: frozenset[str] = frozenset(),
    progress: Callable[[Entry], None] | None = None,
) -> list[Entry]:
    frame = frame or Frame()
    outdir.mkdir(parents=True, exist_ok=True)
    sources = write_sources(outdir / "sources", frame.width, frame.height)
    entries: list[Entry] = []
    for kind in kinds or tuple(KINDS):
        registry, spec_fn = KINDS[kind]
        thumbs: list[Pixels] = []
        for name in registry:
            if only and name not in only:
                continue
            entry, thumb = _one(outdir, kind, name, registry, spec_fn, frame, sources)
            entries.append(entry)
            thumbs.append(sheets.labelled(thumb, name, entry.how, supported=entry.supported))
            if progress is not None:
                progress(entry)
        if thumbs:
            sheets.save_png(
                sheets.grid(thumbs, columns=min(6, len(thumbs))), outdir / f"{kind}.png"
            )
    (outdir / "gallery.json").write_text(json.dumps([asdict(e) for e in entries], indent=2))
    write_index(outdir, entries, frame)
    return entries


def _one(
    outdir: Path,
    kind: str,
    name: str,
    registry: Registry[Any],
    spec_fn: SpecFn,
    frame: Frame,
    sources: dict[str, Path],
) -> tuple[Entry, Pixels]:
    started = time.perf_counter()
    entry = registry.entry(name)
    clip_path, sheet_path = outdir / kind / f"{name}.mp4", outdir / kind / f"{name}.png"
    clip_path.parent.mkdir(parents=True, exist_ok=True)
    if registry.is_supported(name):
        spec = spec_fn(name, frame, sources)
        render(spec, clip_path)
        body = sheets.decode_png(render_contact_sheet_png(spec, SHEET_FRAMES))
        thumb = sheets.decode_png(render_still_png(spec, frame.seconds * 0.45))
        how, clip = "engine", clip_path
    else:
        body = thumb = sheets.placeholder(frame.width, frame.height, entry.description)
        how, clip = "missing: the protocol cannot express it yet", None
    sheets.save_png(
        sheets.labelled(body, f"{kind[:-1]}: {name}", entry.description, supported=entry.supported),
        sheet_path,
    )
    elapsed = (time.perf_counter() - started) * 1000.0
    result = Entry(
        kind,
        name,
        entry.supported,
        entry.description,
        how,
        str(clip.relative_to(outdir)) if clip else None,
        str(sheet_path.relative_to(outdir)),
        round(elapsed, 1),
    )
    return result, thumb
