"""A normal render prints nothing on stderr: no fontconfig warning from skia's bundled
fontconfig, and the system's fonts and aliases still resolve."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from framelane.render.fontconfig import OPERATOR_SETTINGS, SYSTEM_RULES

pytestmark = pytest.mark.slow  # a fresh interpreter renders a clip


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in OPERATOR_SETTINGS}
    env["TMPDIR"] = str(tmp_path)
    return env


@pytest.mark.skipif(not SYSTEM_RULES.is_dir(), reason="the system has no fontconfig rules")
def test_a_render_prints_nothing_on_stderr(tmp_path: Path) -> None:
    spec = {
        "width": 64,
        "height": 36,
        "duration": 0.2,
        "elements": [{"type": "text", "text": "Hi", "duration": 0.2}],
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    run = subprocess.run(
        [sys.executable, "-m", "framelane.cli", "render", "spec.json", "-o", "out.mp4"],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert (tmp_path / "out.mp4").stat().st_size > 0


@pytest.mark.skipif(not SYSTEM_RULES.is_dir(), reason="the system has no fontconfig rules")
def test_system_families_and_aliases_resolve_as_before(tmp_path: Path) -> None:
    probe = (
        "import framelane.render, skia; m = skia.FontMgr(); "
        "print([(n, (m.matchFamilyStyle(n, skia.FontStyle()) or None) and "
        "m.matchFamilyStyle(n, skia.FontStyle()).getFamilyName()) "
        "for n in ('sans-serif', 'serif', 'monospace')], m.countFamilies())"
    )
    ours = subprocess.run(
        [sys.executable, "-c", probe], env=clean_env(tmp_path), capture_output=True, text=True
    )
    plain = {**clean_env(tmp_path), "FONTCONFIG_FILE": "/etc/fonts/fonts.conf"}
    system = subprocess.run(
        [sys.executable, "-c", probe], env=plain, capture_output=True, text=True
    )
    assert ours.returncode == 0 and system.returncode == 0, ours.stderr + system.stderr
    assert ours.stdout == system.stdout
    assert ours.stderr == ""
