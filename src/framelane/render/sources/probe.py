"""A video or audio source as the engine uses it: `framelane.media.probe` plus the render
limits on frame size and duration."""

from __future__ import annotations

from pathlib import Path

from framelane.media.errors import SourceTooLarge
from framelane.media.probe import MediaInfo, open_media, probe_av
from framelane.render.limits import RenderLimits

__all__ = ["MediaInfo", "open_media", "probe"]


def probe(path: Path, limits: RenderLimits) -> MediaInfo:
    info = probe_av(path, limits.max_video_pixels)
    if info.duration > limits.max_source_duration:
        raise SourceTooLarge(f"{path.name}: longer than {limits.max_source_duration:g} s")
    return info
