"""What a render submission refuses before a job exists, because it could never work.

* a source URL that is neither http(s) nor one of our own upload URLs (a local path,
  `file://`, `ftp://`, `data:`…) → 422 `source_url_unsupported`;
* a source URL naming a private, loopback or link-local address (an IP literal or
  `localhost`) while `FRAMELANE_ALLOW_PRIVATE_URLS` is off → 422 `source_url_private`;
* a request that shows and plays nothing (no visible element, no background) → 422
  `nothing_to_render`.

Host names are not resolved here (a DNS answer at submission proves nothing about the one at
download time): the fetcher checks every address again when it downloads.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from typing import Any

from framelane.core.errors import FramelaneError
from framelane.core.settings import Settings
from framelane.ingest.urls import own_storage_key
from framelane.net.ssrf import PRIVATE_HINT, UrlNotAllowed, address_problem, parse_target
from framelane.render.spec.models import CompositionElement, RenderSpec, TextElement
from framelane.render.spec.unknown import json_path

Loc = tuple[str | int, ...]
URL_FIELDS = ("source_url", "lut_url")


class SourceUrlRefused(FramelaneError):
    """A source URL no worker could ever fetch; `details` lists every one with its reason."""

    status_code = 422


class NothingToRender(FramelaneError):
    code = "nothing_to_render"
    status_code = 422


def source_urls(spec: RenderSpec) -> Iterator[tuple[Loc, str]]:
    """Every URL the render would fetch, with where it is in the request."""
    if spec.background_image_url:
        yield ("background_image_url",), spec.background_image_url
    yield from _element_urls(spec.elements, ())


def _element_urls(elements: Sequence[Any], prefix: Loc) -> Iterator[tuple[Loc, str]]:
    for index, element in enumerate(elements):
        loc = (*prefix, "elements", index)
        for name in URL_FIELDS:
            value = getattr(element, name, None)
            if value:
                yield (*loc, name), value
        if isinstance(element, TextElement) and "://" in element.font_family:
            yield (*loc, "font_family"), element.font_family
        if isinstance(element, CompositionElement):
            yield from _element_urls(element.elements, loc)


def url_problem(settings: Settings, url: str) -> tuple[str, str] | None:
    """(code, reason) when `url` can never be fetched by this server, else None."""
    if own_storage_key(settings, url) is not None:
        return None
    try:
        _parsed, host, _port = parse_target(url, allow_private=settings.allow_private_urls)
    except UrlNotAllowed as error:
        reason = str(error.details.get("reason", error.message))
        private = PRIVATE_HINT in reason
        return ("source_url_private" if private else "source_url_unsupported"), reason
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a host name: its addresses are checked when it is downloaded
    problem = address_problem(address, allow_private=settings.allow_private_urls)
    if problem is None:
        return None
    return ("source_url_private" if PRIVATE_HINT in problem else "source_url_unsupported"), problem


def refuse_unusable_sources(settings: Settings, spec: RenderSpec) -> None:
    refused = []
    for loc, url in source_urls(spec):
        problem = url_problem(settings, url)
        if problem is not None:
            refused.append({"loc": list(loc), "url": url, "type": problem[0], "msg": problem[1]})
    if not refused:
        return
    first = refused[0]
    more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
    hint = (
        "use an http(s) URL or upload the file (POST /v1/uploads) and use its source_url"
        if first["type"] == "source_url_unsupported"
        else "use a public address"
    )
    raise SourceUrlRefused(
        f"{json_path(tuple(first['loc']))}: {first['url']!r} can never be fetched: {first['msg']}; "
        f"{hint}{more}",
        code=str(first["type"]),
        details=refused,
    )


def refuse_empty(spec: RenderSpec) -> None:
    """A render needs something to see or hear: a visible element or a background."""
    if any(element.visible for element in spec.elements):
        return
    if spec.background_color or spec.background_image_url:
        return
    raise NothingToRender(
        "the request has nothing to show or play: add elements (video, image, audio, text or "
        "composition), or a background_color with a duration",
        details=[{"loc": ["elements"], "msg": "no visible element", "type": "nothing_to_render"}],
    )
