"""Every JSON example in docs/*.md and the README parses, and every render request among them
renders (its media URLs pointed at small generated files) into a file of the declared size and
length."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

from framelane.render.pipeline import render
from framelane.render.sources.resolve import DefaultResolver
from framelane.render.spec import parse_spec
from framelane.tokens.render_tokens import substitute
from tests.ingest.media import make_png, make_video, make_wav

ROOT = Path(__file__).resolve().parents[2]
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
BLOCK = re.compile(r"```json\n(.*?)\n```", re.DOTALL)
# A block may open with the request line of the call it is the body of: `POST /v1/projects`.
REQUEST_LINE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) /\S*\n")
MEDIA_URL = re.compile(r"^https?://\S+\.(mp4|mov|webm|png|jpe?g|wav|mp3)$")


def token_value(name: str) -> str:
    """What a brand-token reference in an example stands for (a colour or a font family)."""
    if name.endswith("fontFamily"):
        return "Inter"
    if name.split(".")[0] in {"color", "colors"}:
        return "#3366cc"
    raise KeyError(name)


def examples() -> list[tuple[str, str]]:
    found = []
    for path in PAGES:
        for index, block in enumerate(BLOCK.findall(path.read_text())):
            found.append((f"{path.name}#{index}", REQUEST_LINE.sub("", block, count=1)))
    return found


def render_requests() -> list[tuple[str, dict[str, Any]]]:
    requests = []
    for name, block in examples():
        data = json.loads(block)
        if isinstance(data, dict) and isinstance(data.get("elements"), list):
            requests.append((name, data))
    return requests


def with_local_media(node: Any, media: dict[str, Path]) -> Any:
    """A copy of `node` with each media URL replaced by a generated file of its kind."""
    if isinstance(node, dict):
        return {key: with_local_media(value, media) for key, value in node.items()}
    if isinstance(node, list):
        return [with_local_media(value, media) for value in node]
    if isinstance(node, str) and (match := MEDIA_URL.match(node)):
        kind = match.group(1)
        return str(media["video" if kind in {"mp4", "mov", "webm"} else kind])
    return node


def without_tokens(data: dict[str, Any]) -> dict[str, Any]:
    if "tokens" not in data:
        return data
    rest = {key: value for key, value in data.items() if key != "tokens"}
    return dict(substitute(rest, token_value))


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docs-media")
    png = make_png(folder / "picture.png", size=(160, 90))
    return {
        "video": make_video(folder / "clip.mp4", seconds=4, fps=12, size=(160, 90)),
        "png": png,
        "jpg": png,
        "jpeg": png,
        "wav": make_wav(folder / "sound.wav", seconds=3),
        "mp3": make_wav(folder / "sound2.wav", seconds=3),
    }


def test_there_are_render_examples_and_every_json_example_parses() -> None:
    for name, block in examples():
        try:
            json.loads(block)
        except json.JSONDecodeError as error:
            pytest.fail(f"{name}: {error}")
    assert len(render_requests()) >= 10


@pytest.mark.slow
@pytest.mark.parametrize(("name", "request_body"), render_requests(), ids=lambda v: str(v)[:24])
def test_every_render_example_renders(
    name: str, request_body: dict[str, Any], media: dict[str, Path], tmp_path: Path
) -> None:
    parsed = parse_spec(with_local_media(without_tokens(request_body), media), strict=True)
    spec = parsed.spec
    out = tmp_path / f"out.{spec.output_format}"
    resolver = DefaultResolver(base_dir=tmp_path)
    try:
        result = render(spec, out, resolver=resolver)
    finally:
        resolver.close()

    width, height = spec.canvas_size
    if spec.output_format in {"png", "jpg"}:
        with Image.open(out) as still:
            assert still.size == (width, height), name
        return
    with av.open(str(out)) as container:
        frames = list(container.decode(video=0))
    assert (frames[0].width, frames[0].height) == (width, height), name
    assert len(frames) == round(Fraction(result.duration).limit_denominator() * spec.frame_rate)
