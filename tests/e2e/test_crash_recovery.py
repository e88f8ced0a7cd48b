"""A `tutor generate` killed with SIGKILL mid-render: a later `tutor retry` finishes the lesson.

Real processes, real Manim renders (draft), the real SQLite store. The killed process
renews nothing any more, so once its lease has run out the next command recovers its
scene (recovery at start) and `tutor retry` makes what is missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tutor_core.media import probe

pytestmark = pytest.mark.slow

TUTOR = str(Path(sys.executable).with_name("tutor"))
LEASE = 12.0
"""Long enough for the first `tutor retry` to start inside it, on a loaded machine too."""


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TUTOR_HOME": str(home),
        "TUTOR_QUALITY": "draft",
        "TUTOR_LEASE_SECONDS": str(LEASE),
        "TUTOR_CONCURRENCY": "1",
        "NO_COLOR": "1",
    }


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TUTOR, *args], capture_output=True, text=True, env=_env(home), timeout=600, check=False
    )


def _scenes(home: Path) -> list[dict[str, object]]:
    db = home / "tutor.db"
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
            rows = conn.execute("SELECT data FROM scenes ORDER BY idx").fetchall()
    except sqlite3.OperationalError:  # the schema is being created
        return []
    return [json.loads(r[0]) for r in rows]


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (its render children), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def test_sigkill_mid_render_then_retry_finishes_the_lesson(tmp_path: Path) -> None:
    home = tmp_path / "home"
    generate = subprocess.Popen(
        [TUTOR, "generate", "explain the Pythagorean theorem", "--scenes", "2", "--no-narration"],
        env=_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    orphans: list[int] = []
    try:
        deadline = time.monotonic() + 300
        while not any(s["status"] == "rendering" for s in _scenes(home)):
            assert generate.poll() is None, "generate ended before it rendered anything"
            assert time.monotonic() < deadline, "no scene started rendering"
            time.sleep(0.2)
        time.sleep(0.5)  # well inside the render
        orphans = _descendants(generate.pid)
        os.kill(generate.pid, signal.SIGKILL)
        generate.wait(timeout=30)
    finally:
        if generate.poll() is None:
            os.kill(generate.pid, signal.SIGKILL)
            generate.wait(timeout=30)
        for pid in orphans:  # the render children it left behind, by pid
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    stuck = _scenes(home)
    busy = [s for s in stuck if s["status"] in ("queued", "generating_code", "rendering")]
    assert busy, stuck
    assert all(s["version"] == 0 for s in stuck)

    # While the dead job's lease still runs, its scenes are not taken over.
    early = _run("retry", "--json", home=home)
    if early.returncode == 1:
        assert "busy" in early.stderr and "lease" in early.stderr, early.stderr
        expires = max(float(str(s["lease_expires_at"])) for s in busy) / 1000.0
        time.sleep(max(0.0, expires - time.time()) + 0.5)
        # Recovery at start: the first command after the lease ran out settles the scenes.
        shown = _run("show", "--json", home=home)
        assert shown.returncode == 0, shown.stderr
        view = json.loads(shown.stdout)
        assert view["status"] in ("ready", "error")
        assert all(s["status"] in ("ready", "error") for s in view["scenes"])
        assert any("interrupted" in (s["errorMessage"] or "") for s in view["scenes"])
        retried = _run("retry", "--json", home=home)
    else:  # so loaded a machine that the lease ran out first: that retry took over
        retried = early
    assert retried.returncode == 0, retried.stderr
    done = json.loads(retried.stdout)
    assert done["status"] == "ready"
    assert [s["status"] for s in done["scenes"]] == ["ready", "ready"]
    assert [s["version"] for s in done["scenes"]] == [1, 1]

    out = tmp_path / "lesson.mp4"
    exported = _run("export", "--out", str(out), home=home)
    assert exported.returncode == 0, exported.stderr
    assert probe(out).frames == sum(s["durationInFrames"] for s in done["scenes"])
