"""Content sniffing: what a file is, from its first bytes (never from its name or URL)."""

from __future__ import annotations

from pathlib import Path

HEAD_BYTES = 4096
HTML_MARKERS = (b"<html", b"<!doctype html", b"<script", b"<?php", b"<svg", b"<body")


def sniff_bytes(head: bytes) -> str | None:
    """The MIME type the bytes are, or None when they are no format we accept."""
    for check in (_image, _container, _audio, _font):
        found = check(head)
        if found:
            return found
    return None


def sniff_file(path: Path) -> str | None:
    with path.open("rb") as handle:
        return sniff_bytes(handle.read(HEAD_BYTES))


def looks_like_markup(head: bytes) -> bool:
    """HTML or script near the start: a polyglot aimed at browsers, or an error page."""
    lowered = head[:1024].lower()
    return any(marker in lowered for marker in HTML_MARKERS)


def file_contains_markup(path: Path, chunk_size: int = 1 << 20) -> bool:
    """HTML/script anywhere in the file (an image that is also a web page or script)."""
    overlap = max(len(marker) for marker in HTML_MARKERS)
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            window = (tail + chunk).lower()
            if any(marker in window for marker in HTML_MARKERS):
                return True
            tail = window[-overlap:]
    return False


HEIF_BRANDS = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"heim": "image/heic",
    b"heis": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
    b"avif": "image/avif",
    b"avis": "image/avif",
}
"""ISO-BMFF brands of HEIC/HEIF (iPhone photos) and AVIF stills, told apart from mp4."""


def _svg(head: bytes) -> bool:
    """SVG markup: an `<svg` root after an optional BOM, XML declaration, comments or
    doctype (an HTML page that embeds an SVG starts otherwise)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not text.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")):
        return False
    return b"<svg" in text and b"<html" not in text


def _image(head: bytes) -> str | None:
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIF_BRANDS[head[8:12]]
    if _svg(head):
        return "image/svg+xml"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[:2] == b"BM" and len(head) >= 26 and head[6:10] == b"\x00\x00\x00\x00":
        return "image/bmp"  # not uploadable (§15.1), but a source the engine reads
    return None


def _container(head: bytes) -> str | None:
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        return "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"):
        return "video/mpeg"
    if len(head) > 376 and head[0] == 0x47 and head[188] == 0x47 and head[376] == 0x47:
        return "video/mpeg"
    return None


def _audio(head: bytes) -> str | None:
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[:3] == b"ID3":
        return "audio/mpeg"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] in (0xF1, 0xF9):
            return "audio/aac"
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0:
            return "audio/mpeg"
    return None


def _font(head: bytes) -> str | None:
    if head[:4] in (b"\x00\x01\x00\x00", b"true"):
        return "font/ttf"
    if head[:4] == b"OTTO":
        return "font/otf"
    if head[:4] == b"wOFF":
        return "font/woff"
    if head[:4] == b"wOF2":
        return "font/woff2"
    return None
