"""`framelane gallery`: clips and labelled sheets for every catalog entry, browsable in HTML."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from framelane.cli import main
from framelane.gallery.service import KINDS, build_gallery
from framelane.gallery.sheets import LABEL_HEIGHT
from framelane.gallery.specs import Frame

TINY = Frame(width=64, height=36, seconds=0.5, fps=12)
SAMPLE = frozenset({"sepia", "snow", "fade", "explode", "cross_dissolve", "iris", "color"})


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, object]]]:
    outdir = tmp_path_factory.mktemp("gallery")
    entries = build_gallery(outdir, frame=TINY, only=SAMPLE)
    return outdir, {f"{e.kind}/{e.name}": asdict(e) for e in entries}


def test_supported_entries_get_an_engine_clip_of_the_requested_size(
    sample: tuple[Path, dict[str, dict[str, object]]],
) -> None:
    outdir, entries = sample
    for key in (
        "effects/sepia",
        "effects/snow",
        "motions/fade",
        "transitions/cross_dissolve",
        "word_animations/color",
    ):
        entry = entries[key]
        assert entry["supported"] is True and entry["how"] == "engine"
        clip = frames_of(outdir / str(entry["clip"]))
        assert len(clip) == 6 and clip[0].shape == (36, 64, 3)


def test_snow_clip_moves_and_sepia_clip_is_still(
    sample: tuple[Path, dict[str, dict[str, object]]],
) -> None:
    outdir, _ = sample
    snow, sepia = frames_of(outdir / "effects/snow.mp4"), frames_of(outdir / "effects/sepia.mp4")
    assert np.abs(snow[0].astype(int) - snow[-1]).mean() > 1
    assert np.abs(sepia[0].astype(int) - sepia[-1]).mean() < 1


def test_blend_transitions_run_from_one_picture_to_the_other(
    sample: tuple[Path, dict[str, dict[str, object]]],
) -> None:
    outdir, entries = sample
    iris = entries["transitions/iris"]
    assert iris["supported"] is True and iris["how"] == "engine"
    clip = frames_of(outdir / str(iris["clip"]))
    landscape = np.asarray(Image.open(outdir / "sources/landscape.png").convert("RGB"))
    city = np.asarray(Image.open(outdir / "sources/city.png").convert("RGB"))
    assert np.abs(clip[0].astype(int) - landscape).mean() < 8
    assert np.abs(clip[-1].astype(int) - city).mean() < 8


def test_unrenderable_entries_get_a_sheet_saying_so_and_no_clip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every catalog entry renders now; a name registered as not rendered yet still gets
    its sheet (and no clip) instead of breaking the gallery."""
    from framelane.render.motions import MOTIONS
    from framelane.render.registry import Unsupported

    monkeypatch.setitem(MOTIONS._entries, "shatter", Unsupported("shatter", "Not yet."))
    entries = {
        e.name: asdict(e) for e in build_gallery(tmp_path, frame=TINY, only=frozenset({"shatter"}))
    }
    shatter = entries["shatter"]
    assert shatter["clip"] is None and str(shatter["how"]).startswith("missing")
    assert (tmp_path / str(shatter["sheet"])).exists()


def test_every_sheet_is_labelled(sample: tuple[Path, dict[str, dict[str, object]]]) -> None:
    outdir, entries = sample
    for entry in entries.values():
        sheet = np.asarray(Image.open(outdir / str(entry["sheet"])).convert("RGB"))
        assert sheet.shape[0] >= LABEL_HEIGHT + TINY.height
        strip = sheet[:LABEL_HEIGHT, 10:200]
        assert (strip > 200).any()  # the name is written in white
        badge = sheet[LABEL_HEIGHT // 2, 1]
        assert bool(badge[1] > badge[0]) is entry["supported"]  # green badge iff supported


def test_index_and_json_list_every_entry(sample: tuple[Path, dict[str, dict[str, object]]]) -> None:
    outdir, entries = sample
    listed = json.loads((outdir / "gallery.json").read_text())
    assert {f"{e['kind']}/{e['name']}" for e in listed} == set(entries)
    page = (outdir / "index.html").read_text()
    for entry in entries.values():
        assert f'src="{entry["sheet"]}"' in page
    for kind in ("effects", "motions", "transitions", "word_animations"):
        assert (outdir / f"{kind}.png").exists()


def test_cli_renders_the_selection_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "gallery",
            str(tmp_path),
            "--kind",
            "effects",
            "--only",
            "invert",
            "--width",
            "48",
            "--height",
            "28",
            "--seconds",
            "0.25",
            "--fps",
            "8",
            "--quiet",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["kinds"] == {"effects": {"entries": 1, "supported": 1}}
    assert frames_of(tmp_path / "effects/invert.mp4")[0].shape == (28, 48, 3)


def test_cli_refuses_odd_sizes(tmp_path: Path) -> None:
    assert main(["gallery", str(tmp_path), "--width", "47", "--quiet"]) == 2


@pytest.mark.slow
def test_full_gallery_covers_every_catalog_entry(tmp_path: Path) -> None:
    entries = build_gallery(tmp_path, frame=Frame(48, 28, 0.34, 9))
    for kind, (registry, _) in KINDS.items():
        names = {e.name for e in entries if e.kind == kind}
        assert names == set(registry), kind
    for entry in entries:
        assert (tmp_path / entry.sheet).exists()
        if entry.supported:
            assert entry.clip is not None and (tmp_path / entry.clip).exists()
