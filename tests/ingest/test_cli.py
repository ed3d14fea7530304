"""`framelane ingest probe` prints one JSON line per file and fails when any is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framelane.cli import main


def test_probe_reports_metadata_and_codes(
    media_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    code = main(
        ["ingest", "probe", str(media_dir / "clip.mp4"), str(media_dir / "bomb.png"), str(empty)]
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert (lines[0]["kind"], lines[0]["width"], lines[0]["video_codec"]) == ("video", 64, "h264")
    assert lines[1]["error"]["code"] == "source_too_large"
    assert lines[2]["error"]["code"] == "source_corrupt"
    assert main(["ingest", "probe", str(media_dir / "tone.wav")]) == 0
