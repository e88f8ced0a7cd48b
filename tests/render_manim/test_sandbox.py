"""Sandbox mechanics: scrubbed environment, limits, group kill on timeout and cancellation."""

from __future__ import annotations

import os
import time
from pathlib import Path

import anyio
import pytest

from tutor_render_manim.sandbox import (
    GIB,
    SandboxLimits,
    child_env,
    network_isolation_available,
    rlimits_available,
    run_sandboxed,
)


def test_child_env_is_scrubbed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("TUTOR_S3_SECRET", "y")
    monkeypatch.setenv("OPENAI_API_KEY", "z")
    env = child_env(tmp_path)
    assert env["HOME"] == str(tmp_path / "home")
    assert env["TMPDIR"] == str(tmp_path / "tmp")
    assert env["openin_any"] == "p"  # TeX may not read host files
    assert not [k for k in env if k.startswith(("AWS_", "TUTOR_", "OPENAI_"))]
    assert set(env) <= {
        "PATH", "LANG", "LC_ALL", "TZ", "HOME", "TMPDIR", "XDG_CACHE_HOME",
        "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MALLOC_ARENA_MAX", "openin_any",
        "openout_any", "shell_escape", "TEXMFOUTPUT",
    }  # fmt: skip


def test_limits() -> None:
    limits = SandboxLimits().for_timeout(300)
    assert limits["address_space"] == 4 * GIB
    assert limits["cpu"] == 610
    assert SandboxLimits(cpu_seconds=5).for_timeout(300)["cpu"] == 5
    ok, detail = rlimits_available()
    assert ok and "CPU" in detail
    assert isinstance(network_isolation_available(), bool)


def _pids_with_cmdline(marker: bytes) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _gone(marker: bytes) -> bool:
    for _ in range(50):  # bounded: killed processes may take a moment to be reaped
        if not _pids_with_cmdline(marker):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    marker = "317.25"  # an unusual sleep length identifies the grandchild
    code = f"import subprocess\nsubprocess.Popen(['sleep', '{marker}'])\nwhile True:\n    pass\n"

    async def go() -> object:
        return await run_sandboxed(code, out_path=tmp_path / "o.mp4", time_limit=4, guard=False)

    run = anyio.run(go)
    assert run.timed_out  # type: ignore[attr-defined]
    assert _gone(b"sleep\x00" + marker.encode())


@pytest.mark.slow
def test_cancellation_kills_the_child(tmp_path: Path) -> None:
    code = "import time\ntime.sleep(300)\n"

    async def go() -> list[int]:
        seen: list[int] = []
        with anyio.move_on_after(60):
            async with anyio.create_task_group() as tg:
                tg.start_soon(
                    lambda: run_sandboxed(code, out_path=tmp_path / "o.mp4", time_limit=120)
                )
                for _ in range(200):  # wait (bounded) until the child is running
                    seen = [
                        p
                        for p in _pids_with_cmdline(b"tutor_render_manim.child")
                        if Path(f"/proc/{p}/stat").read_text().split(") ", 1)[1].split()[1]
                        == str(os.getpid())
                    ]
                    if seen:
                        break
                    await anyio.sleep(0.05)
                tg.cancel_scope.cancel()
        return seen

    seen = anyio.run(go)
    assert seen, "the child never started"
    for _ in range(50):
        if not any(Path(f"/proc/{p}").exists() for p in seen):
            break
        time.sleep(0.1)
    assert not any(Path(f"/proc/{p}").exists() for p in seen)
