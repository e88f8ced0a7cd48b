"""The documented examples run as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tutor_core.media import probe

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quickstart_runs(tmp_path: Path, tutor_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py"), "explain vectors"],
        cwd=tmp_path,
        env={**os.environ, "TUTOR_HOME": str(tutor_home)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "scene 2 is now version 2" in done.stdout
    assert done.stderr == "", "a library prints nothing unless asked to"
    video = tmp_path / "quickstart.mp4"
    assert probe(video).has_audio
    assert (tmp_path / "quickstart.vtt").read_text().startswith("WEBVTT")
