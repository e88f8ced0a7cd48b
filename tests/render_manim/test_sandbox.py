"""Sandbox mechanics: the bubblewrap view, cgroups, the result channel, kills and fallbacks."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor_core.errors import ConfigurationError
from tutor_core.models import CodeSource, SpecSource
from tutor_core.plugins import get_renderer
from tutor_core.settings import Settings
from tutor_core.spec import SceneSpec
from tutor_render_manim.boundary import BoundaryStatus, boundary_status, require_boundary
from tutor_render_manim.bwrap import (
    READ_ONLY_EXTRA,
    WORK_DIR,
    BwrapInfo,
    bwrap_command,
    bwrap_info,
    read_only_binds,
)
from tutor_render_manim.cgroups import RenderCgroup, cgroup_support, join_command
from tutor_render_manim.protocol import HEADER_LIMIT, ProtocolError, ResultParser
from tutor_render_manim.renderer import ManimRenderer
from tutor_render_manim.sandbox import (
    GIB,
    MESSAGE_LIMIT,
    MIB,
    TRACEBACK_LIMIT,
    SandboxLimits,
    SandboxRun,
    child_env,
    rlimits_available,
    run_sandboxed,
)

SCENE = """from manim import *

class Small(Scene):
    def construct(self):
        self.play(Create(Circle()), run_time=0.2)
"""


def sandbox(code: str, tmp_path: Path, **kwargs: object) -> SandboxRun:
    async def go() -> SandboxRun:
        return await run_sandboxed(code, out_path=tmp_path / "out.mp4", **kwargs)  # type: ignore[arg-type]

    return anyio.run(go)


# ------------------------------------------------------------------ pure parts


def test_child_env_is_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("TUTOR_S3_SECRET", "y")
    monkeypatch.setenv("OPENAI_API_KEY", "z")
    monkeypatch.setenv("PATH", "/secret/bin:/usr/bin")
    env = child_env(WORK_DIR)
    assert env["HOME"] == f"{WORK_DIR}/home"
    assert env["TMPDIR"] == f"{WORK_DIR}/tmp"
    assert env["PATH"] == "/usr/local/bin:/usr/bin:/bin"  # not the parent's
    assert env["openin_any"] == "p"  # TeX may not read host files
    assert set(env) <= {
        "PATH", "LANG", "LC_ALL", "TZ", "HOME", "TMPDIR", "XDG_CACHE_HOME",
        "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MALLOC_ARENA_MAX", "openin_any",
        "openout_any", "shell_escape", "TEXMFOUTPUT",
    }  # fmt: skip


def test_limits() -> None:
    limits = SandboxLimits()
    rl = limits.for_timeout(300)
    assert rl["address_space"] == 4 * GIB and rl["cpu"] == 610
    assert SandboxLimits(cpu_seconds=5).for_timeout(300)["cpu"] == 5
    assert (limits.memory, limits.pids, limits.disk) == (4 * GIB, 256, GIB)
    assert limits.max_movie == GIB
    ok, detail = rlimits_available()
    assert ok and "CPU" in detail


def test_bwrap_command_shows_only_what_rendering_needs() -> None:
    env = {"PATH": "/usr/bin", "HOME": f"{WORK_DIR}/home"}
    cmd = bwrap_command("/usr/bin/bwrap", ["python", "-I"], env=env, disk_limit=64 * MIB)
    text = " ".join(cmd)
    for flag in ("--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
                 "--disable-userns", "--clearenv"):  # fmt: skip
        assert flag in cmd, flag
    assert cmd[cmd.index("--cap-drop") + 1] == "ALL"
    # the only writable place: a tmpfs capped at the disk limit
    size = cmd.index("--size")
    assert cmd[size + 1] == str(64 * MIB) and cmd[size + 4 : size + 6] == ["--tmpfs", "/tmp"]
    assert cmd[cmd.index("--remount-ro") + 1] == "/dev"
    assert cmd[cmd.index("--chdir") - 2 : cmd.index("--chdir")] == ["--remount-ro", "/"]
    binds = [(cmd[i + 1], cmd[i + 2]) for i, a in enumerate(cmd) if a == "--ro-bind"]
    dests = [d for _s, d in binds]
    assert "/usr" in dests
    whole = ("/", "/etc", "/root", "/home", "/tmp", "/var", "/run", "/proc")
    assert not any(d in whole for d in dests)
    prefixes = {os.path.abspath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    # The workspace's package sources and the interpreter are bound wherever the clone
    # is (under /tmp or /home too); nothing else of the clone, nor anything else there.
    checkout = Path(__file__).resolve().parents[2]
    ours = {str(p.resolve()) for p in checkout.glob("packages/*/src/*") if p.is_dir()}
    assert not covered_by(str(checkout), dests), "the checkout itself stays invisible"
    for d in dests:
        if d in ours or d in prefixes:
            continue
        assert not d.startswith(("/home", "/run", "/tmp", "/sys", "/dev", "/root/")), d
        if d.startswith("/etc/"):  # under /etc only READ_ONLY_EXTRA
            assert d in READ_ONLY_EXTRA, d
    assert "--bind" not in cmd and "--dev-bind" not in cmd  # nothing writable from the host
    # the environment is exactly what was given
    sets = [(cmd[i + 1], cmd[i + 2]) for i, a in enumerate(cmd) if a == "--setenv"]
    assert dict(sets) == env
    assert cmd[-3:] == ["--", "python", "-I"]
    assert "--bind-data" not in text


def covered_by(path: str, dests: list[str]) -> bool:
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in dests)


def test_read_only_binds_cover_the_interpreter() -> None:
    import manim

    import tutor_render_manim

    dests = [d for _s, d in read_only_binds()]

    def covered(path: str) -> bool:
        return any(path == d or path.startswith(d.rstrip("/") + "/") for d in dests)

    assert covered(sys.executable) and covered(sys.base_prefix)
    assert covered(manim.__file__) and covered(tutor_render_manim.__file__)
    assert not covered(os.getcwd()), "the checkout itself is not visible, only its sources"


def test_a_checkout_under_tmp_stays_visible(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sources under /tmp (a clone there) are bound on top of the sandbox's own /tmp."""
    import shutil
    import subprocess
    import tempfile

    from tutor_render_manim import bwrap

    root = Path(tempfile.mkdtemp(prefix="tutor-checkout-", dir="/tmp"))
    try:
        sources = root / "src"
        sources.mkdir()
        (sources / "tutor_probe_mod.py").write_text("VALUE = 'seen'\n")
        (root / "secret.txt").write_text("not for renders")
        real = bwrap.read_only_binds
        monkeypatch.setattr(bwrap, "read_only_binds", lambda: [*real(), (str(sources),) * 2])
        code = (
            f"import os, sys; sys.path.insert(0, {str(sources)!r}); import tutor_probe_mod; "
            f"print(tutor_probe_mod.VALUE, os.path.exists({str(root / 'secret.txt')!r}))"
        )
        exe = shutil.which("bwrap")
        assert exe is not None
        cmd = bwrap_command(exe, [sys.executable, "-I", "-c", code], env={}, disk_limit=MIB)
        tmpfs = cmd.index("--tmpfs")
        assert cmd.index(str(sources)) > tmpfs  # bound after the tmpfs, not hidden by it
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        assert done.stdout.split() == ["seen", "False"], done.stderr
    finally:
        shutil.rmtree(root)


def test_bwrap_probe_and_boundary_status() -> None:
    info = bwrap_info()
    assert info.ok, info.detail  # set-up installs bubblewrap; this machine runs it
    assert info.version >= (0, 8)
    status = boundary_status()
    assert status.enforced and status.cgroups.pids and status.cgroups.memory
    assert "bubblewrap" in status.describe()
    assert require_boundary(allow_unsandboxed=False) == status


def test_require_boundary_refuses_without_bwrap() -> None:
    # A host where bubblewrap is missing (this one has it, so its status is built here).
    missing = BoundaryStatus(BwrapInfo(False, "bwrap is not installed"), cgroup_support())
    assert not missing.enforced
    assert "code policy and runtime guard (lint, not a boundary)" in missing.layers()
    assert missing.missing()[0] == "OS boundary: bwrap is not installed"
    with pytest.raises(ConfigurationError) as info:
        require_boundary(allow_unsandboxed=False, status=missing)
    assert "bwrap is not installed" in info.value.message
    assert "TUTOR_ALLOW_UNSANDBOXED_CODE=true" in (info.value.hint or "")
    assert "apt-get install bubblewrap" in (info.value.hint or "")
    assert require_boundary(allow_unsandboxed=True, status=missing) is missing


def test_setting_reaches_the_renderer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(home=tmp_path).allow_unsandboxed_code is False
    monkeypatch.setenv("TUTOR_ALLOW_UNSANDBOXED_CODE", "true")
    assert Settings(home=tmp_path).allow_unsandboxed_code is True
    renderer = get_renderer("manim", Settings(home=tmp_path))
    assert isinstance(renderer, ManimRenderer) and renderer.allow_unsandboxed_code
    monkeypatch.delenv("TUTOR_ALLOW_UNSANDBOXED_CODE")
    renderer = get_renderer("manim", Settings(home=tmp_path))
    assert isinstance(renderer, ManimRenderer) and not renderer.allow_unsandboxed_code


@pytest.mark.anyio
async def test_generated_code_is_refused_without_the_boundary() -> None:
    renderer = ManimRenderer(boundary=False, allow_unsandboxed_code=False)
    problems = await renderer.validate(CodeSource(code=SCENE))
    assert [p.code for p in problems] == ["no-boundary"]
    assert "OS boundary" in problems[0].message
    # compiled specs are not generated code: they still render without the boundary
    spec = SpecSource(spec=SceneSpec.model_validate({"title": "Hi", "duration": 1.0}))
    assert await renderer.validate(spec) == []
    # with the boundary (this machine), code is fine
    assert await ManimRenderer(allow_unsandboxed_code=False).validate(CodeSource(code=SCENE)) == []


# ------------------------------------------------------------------ the result channel


def _stream(header: dict[str, object], movie: bytes) -> bytes:
    return json.dumps({**header, "size": len(movie)}).encode() + b"\n" + movie


@settings(max_examples=200, deadline=None)
@given(
    movie=st.binary(max_size=3000),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=8),
    trailing=st.binary(max_size=100),
)
def test_parser_splits_header_and_movie_at_any_chunking(
    movie: bytes, cuts: list[int], trailing: bytes
) -> None:
    data = _stream({"ok": True, "frames": 3}, movie) + trailing
    bounds = sorted({0, len(data), *[c for c in cuts if c < len(data)]})
    parser = ResultParser(max_movie=10_000)
    got = b"".join(parser.feed(data[a:b]) for a, b in zip(bounds, bounds[1:], strict=False))
    assert got == movie  # the bytes after the announced movie are ignored
    assert parser.finish()["frames"] == 3


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_parser_never_crashes_on_garbage(data: bytes) -> None:
    parser = ResultParser(max_movie=1000)
    try:
        parser.feed(data)
        parser.finish()
    except ProtocolError as exc:
        assert str(exc)


def test_parser_bounds() -> None:
    parser = ResultParser(max_movie=100)
    with pytest.raises(ProtocolError, match="over"):
        parser.feed(b"x" * (HEADER_LIMIT + 1))
    with pytest.raises(ProtocolError, match="over the limit"):
        ResultParser(max_movie=100).feed(_stream({"ok": True}, b"x" * 101))
    for bad in (b'{"ok": true, "size": -1}\n', b'{"ok": true, "size": "9"}\n', b"[1]\n", b"{\n"):
        with pytest.raises(ProtocolError):
            ResultParser(max_movie=100).feed(bad)
    cut = ResultParser(max_movie=100)
    cut.feed(_stream({"ok": True}, b"x" * 50)[:-10])
    with pytest.raises(ProtocolError, match="cut short"):
        cut.finish()
    with pytest.raises(ProtocolError, match="without a result"):
        ResultParser(max_movie=100).finish()
    failed = ResultParser(max_movie=100)
    assert failed.feed(b'{"ok": false, "size": 99999}\nrest') == b""  # no movie on failure
    assert failed.finish()["ok"] is False


# ------------------------------------------------------------------ cgroups


def _groups_of_this_process() -> list[Path]:
    found = []
    for h in cgroup_support().hierarchies:
        found += [p for p in h.base.iterdir() if p.name.startswith(f"tutor-render-{os.getpid()}-")]
    return found


def test_cgroup_limits_join_kill_and_remove() -> None:
    import subprocess

    support = cgroup_support()
    assert support.pids and support.memory, support.detail
    group = RenderCgroup.create(support, pids=32, memory=256 * MIB)
    try:
        for hierarchy, path in group.groups:
            if "pids" in hierarchy.controllers:
                assert (path / "pids.max").read_text().strip() == "32"
            if "memory" in hierarchy.controllers and hierarchy.version == 1:
                assert int((path / "memory.limit_in_bytes").read_text()) == 256 * MIB
        proc = subprocess.Popen(join_command(group.procs_files, ["sleep", "600"]))
        for _ in range(100):
            if proc.pid in group.pids():
                break
            time.sleep(0.02)
        assert proc.pid in group.pids()  # the command itself, not just the shell
        assert group.kill()
        assert proc.wait(10) == -9
        assert group.pids() == set()
    finally:
        group.remove()
    assert not any(path.exists() for _h, path in group.groups) and group.groups == []


def test_join_failure_is_reported(tmp_path: Path) -> None:
    import subprocess

    missing = str(tmp_path / "gone" / "cgroup.procs")
    proc = subprocess.run(join_command([missing], ["true"]), capture_output=True, check=False)
    assert proc.returncode == 125


# ------------------------------------------------------------------ runs


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        kids = [p for p, pp in parents.items() if pp == pid]
        found += kids
        todo += kids
    return found


def _pids_with(marker: bytes) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
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
        if not _pids_with(marker):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_render_inside_the_boundary(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tutor.render")
    run = sandbox(SCENE, tmp_path, time_limit=120)
    assert run.error is None and run.outcome is not None, run.error
    assert run.boundary and run.outcome.boundary
    assert run.outcome.frames == 6 and run.outcome.path.read_bytes()[4:8] == b"ftyp"
    assert any("render boundary: bubblewrap" in r.getMessage() for r in caplog.records)
    assert _groups_of_this_process() == []  # its cgroups are gone
    assert run.cgroup is not None and not run.cgroup.oom_killed


@pytest.mark.slow
def test_fallback_says_so_in_every_render_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tutor.render")
    code = (
        "import os, stat\n"
        "mode = stat.S_IMODE(os.stat('.').st_mode)\n"
        # reversed, so the parent's path scrubbing does not hide it from this test
        "raise RuntimeError(f'CWD {os.getcwd()} REV {os.getcwd()[::-1]} MODE {mode:o}')\n"
    )
    for _ in range(2):
        run = sandbox(code, tmp_path, time_limit=120, boundary=False)
        assert not run.boundary
        assert "code policy and runtime guard (lint, not a boundary)" in run.layers
    warnings = [r for r in caplog.records if "WITHOUT the OS boundary" in r.getMessage()]
    assert len(warnings) == 2 and all(r.levelno == logging.WARNING for r in warnings)
    error = run.error
    assert error is not None and "MODE 700" in error.message and "CWD . " in error.message
    work = Path(error.message.split("REV ", 1)[1].split(" MODE")[0][::-1])
    assert work.name.startswith("tutor-render-") and not work.exists()


@pytest.mark.slow
def test_timeout_kills_every_process(tmp_path: Path) -> None:
    marker = "317.25"  # an unusual sleep length identifies the grandchild
    code = (
        "import os, subprocess\n"
        f"subprocess.Popen(['sleep', '{marker}'], start_new_session=True)\n"
        "while True:\n    pass\n"
    )
    run = sandbox(code, tmp_path, time_limit=6, guard=False)
    assert run.timed_out and run.error is not None and run.error.kind == "timeout"
    assert "longer than 6 s" in run.error.message
    assert _gone(b"sleep\x00" + marker.encode())
    assert _groups_of_this_process() == []


@pytest.mark.slow
def test_cancellation_kills_the_render(tmp_path: Path) -> None:
    code = "import time\ntime.sleep(300)\n"

    async def go() -> list[int]:
        seen: list[int] = []
        with anyio.move_on_after(60):
            async with anyio.create_task_group() as tg:
                tg.start_soon(
                    lambda: run_sandboxed(code, out_path=tmp_path / "o.mp4", time_limit=120)
                )
                for _ in range(400):  # wait (bounded) until the child is running
                    seen = [
                        p
                        for p in _descendants(os.getpid())
                        if b"tutor_render_manim.child" in Path(f"/proc/{p}/cmdline").read_bytes()
                    ]
                    if len(seen) >= 2:  # bwrap and the child inside it
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
    assert _groups_of_this_process() == []


@pytest.mark.slow
def test_error_text_is_bounded(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "for _ in range(200):\n    print('x' * 100_000, file=sys.stderr)\n"  # 20 MB of log
        "raise RuntimeError('y' * 1_000_000)\n"
    )
    run = sandbox(code, tmp_path, time_limit=120, guard=False)
    error = run.error
    assert error is not None and error.exception_type == "RuntimeError"
    assert len(error.message) <= MESSAGE_LIMIT
    assert len(error.traceback or "") <= TRACEBACK_LIMIT
    assert 0 < len(run.stderr_tail) <= 16 * 1024


@pytest.mark.slow
def test_a_child_that_floods_its_result_channel(tmp_path: Path) -> None:
    # The scene finds the result pipe (stdout's private copy) and writes garbage into it.
    code = (
        "import os, stat\n"
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        if stat.S_ISFIFO(os.fstat(fd).st_mode):\n"
        "            os.write(fd, b'{' + b'x' * (1 << 20))\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n"
    )
    run = sandbox(code, tmp_path, time_limit=60, guard=False)
    assert run.error is not None and run.error.kind == "crash"
    assert "header is over" in run.error.message or "not JSON" in run.error.message
    assert not (tmp_path / "out.mp4").exists()


@pytest.mark.slow
def test_a_forged_result_cannot_name_a_file(tmp_path: Path) -> None:
    # A 'successful' result whose movie is a path: only bytes on the pipe count.
    code = (
        "import json, os, stat\n"
        "doc = json.dumps({'ok': True, 'path': '/etc/passwd', 'frames': 1, 'size': 4})\n"
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        if stat.S_ISFIFO(os.fstat(fd).st_mode):\n"
        "            os.write(fd, doc.encode() + b'\\nMP4!')\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n"
    )
    run = sandbox(code, tmp_path, time_limit=60, guard=False)
    assert run.outcome is not None and run.outcome.path.read_bytes() == b"MP4!"


@pytest.mark.slow
def test_memory_limit_is_reported(tmp_path: Path) -> None:
    code = (
        "import os, sys\nblocks = []\nwhile True:\n    blocks.append(bytearray(64 * 1024 * 1024))\n"
    )
    limits = SandboxLimits(memory=512 * MIB, address_space=None)
    run = sandbox(code, tmp_path, time_limit=60, guard=False, limits=limits)
    assert run.error is not None and run.error.kind == "resource-limit", run.error
    assert "memory" in run.error.message
    assert run.cgroup is not None and run.cgroup.oom_killed


@pytest.mark.slow
def test_latex_errors_are_shown(tmp_path: Path) -> None:
    # The LaTeX log lives in the sandbox: its error lines come back in the message.
    code = (
        "from manim import *\n\n"
        "class Bad(Scene):\n"
        "    def construct(self):\n"
        "        self.add(MathTex(r'\\frac{1}{'))\n"
    )
    run = sandbox(code, tmp_path, time_limit=120)
    assert run.error is not None and "LaTeX said: !" in run.error.message, run.error
    assert run.error.hint and "article" in run.error.hint


def test_only_code_of_an_editable_checkout_is_visible(tmp_path: Path) -> None:
    from tutor_render_manim.bwrap import importable

    for name in (".env", ".git", "pkg", "data", "my-notes"):
        (tmp_path / name).mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    for name in ("mod.py", "ext.so", "secrets.toml", "README.md"):
        (tmp_path / name).write_text("x")
    found = {Path(p).name for p in importable(str(tmp_path))}
    assert found == {"pkg", "data", "mod.py", "ext.so"}  # `data` may be a namespace package


def test_stale_groups_of_dead_workers_are_removed() -> None:
    from tutor_render_manim.cgroups import remove_stale_groups

    base = cgroup_support().hierarchies[0].base
    dead = base / "tutor-render-4194999-deadbeef"  # above any pid_max: never a live pid
    mine = base / f"tutor-render-{os.getpid()}-cafe"
    dead.mkdir()
    mine.mkdir()
    try:
        assert remove_stale_groups(base) == [dead]
        assert not dead.exists() and mine.exists()
    finally:
        for path in (dead, mine):
            if path.exists():
                path.rmdir()
