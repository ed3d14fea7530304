"""Import links: share links rewritten to their direct-download form; video sites refused.

Video-site imports (YouTube, Vimeo, TikTok, …) need an extractor, which this server does not
ship: they are `supported: false` and answer 422 `capability_unsupported`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from framelane.core.errors import CapabilityUnsupported

VIDEO_SITES = {
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "youtube-nocookie.com": "YouTube",
    "vimeo.com": "Vimeo",
    "tiktok.com": "TikTok",
    "instagram.com": "Instagram",
    "facebook.com": "Facebook",
    "fb.watch": "Facebook",
    "twitter.com": "X",
    "x.com": "X",
    "twitch.tv": "Twitch",
    "dailymotion.com": "Dailymotion",
    "dai.ly": "Dailymotion",
    "vm.tiktok.com": "TikTok",
    "reddit.com": "Reddit",
    "v.redd.it": "Reddit",
}
_DRIVE_FILE = re.compile(r"^/file/d/([A-Za-z0-9_-]+)")


def _site_of(host: str) -> str | None:
    parts = host.lower().rstrip(".").split(".")
    for size in range(len(parts), 1, -1):
        provider = VIDEO_SITES.get(".".join(parts[-size:]))
        if provider:
            return provider
    return None


def direct_download_url(url: str) -> str:
    """The URL to download for `url`; raises for video sites (`capability_unsupported`)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    provider = _site_of(host)
    if provider is not None:
        raise CapabilityUnsupported(
            f"Importing from {provider} needs a video-site extractor, which this server does "
            "not have. Download the file and upload it (POST /v1/uploads) instead.",
            details={"capability": "imports.video_sites", "provider": provider, "supported": False},
        )
    if host in ("dropbox.com", "www.dropbox.com"):
        query = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k not in ("dl", "raw")
        ]
        return urlunsplit(parts._replace(query=urlencode([*query, ("dl", "1")])))
    if host == "drive.google.com":
        file_id = _drive_file_id(parts.path, parts.query)
        if file_id:
            return f"https://drive.google.com/uc?export=download&id={file_id}"
    return url


def _drive_file_id(path: str, query: str) -> str | None:
    match = _DRIVE_FILE.match(path)
    if match:
        return match.group(1)
    if path in ("/open", "/uc"):
        return dict(parse_qsl(query)).get("id")
    return None
