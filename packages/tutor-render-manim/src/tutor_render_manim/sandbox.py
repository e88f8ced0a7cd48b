"""Run Manim on untrusted code in a child process behind an OS boundary.

The boundary (see `bwrap.py`, `cgroups.py`), which does not depend on the lint layers:

- bubblewrap: own PID, network, IPC, UTS, cgroup and user namespaces, no capabilities,
  a minimal read-only view of the file system, `/tmp` as a tmpfs capped at the disk
  limit (the work directory lives there), an empty environment plus what Manim needs;
- a cgroup per render, where the host allows it: caps on its process count and total
  memory, and a way to kill every process it started;
- a wall-clock timeout, after which (and after every normal exit) all of the render's
  processes are gone: the PID namespace dies with its init, and the cgroup is emptied;
- pipes only: the job goes in on stdin, the result and the movie come back on stdout,
  logs on stderr; the parent reads each with a bound and never opens a path the
  child could have replaced.

In front of it, as lint for clear early errors: rlimits set by the child, the code
policy (`policy.py`) and the runtime guard (`child.py`).

Where bubblewrap cannot run, renders fall back to those lint layers plus `unshare`
(`unshare.py`) when it works; every such render logs a warning, and
`boundary.require_boundary` lets a server refuse generated code in that case.

`run_sandboxed` is async and never blocks the event loop.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import anyio.abc

from tutor_core.errors import ConfigurationError
from tutor_core.models import RenderError
from tutor_render_manim.boundary import BoundaryStatus, boundary_status
from tutor_render_manim.bwrap import BWRAP_FIX, WORK_DIR, bwrap_command
from tutor_render_manim.cgroups import CgroupStats, RenderCgroup, join_command
from tutor_render_manim.protocol import ProtocolError, ResultParser
from tutor_render_manim.unshare import (
    filesystem_isolation_available,
    network_isolation_available,
    unshare_prefix,
)

log = logging.getLogger("tutor.render")

GIB = 1024**3
MIB = 1024**2

DEFAULT_TIMEOUT = 300.0
LOG_TAIL = 16 * 1024
"""Bytes of the child's log (stderr) the parent keeps: the last ones."""
MESSAGE_LIMIT = 2000
TRACEBACK_LIMIT = 6000
EXIT_GRACE = 5.0
"""Seconds to wait for pipes to close after every process of the render was killed."""
CGROUP_JOIN_FAILED = 125


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits of one render (None leaves a limit off).

    Per process (rlimits, set by the child; lint-level):

    Attributes:
        cpu_seconds: CPU time; None derives it from the timeout (2x, threads count too).
        address_space: bytes of virtual memory per process (RLIMIT_AS).
        file_size: largest file a process may write (RLIMIT_FSIZE).
        processes: RLIMIT_NPROC (the kernel does not apply it to root).

    For the whole render (the boundary):

    Attributes:
        memory: bytes of memory of all its processes together, tmpfs included (cgroup).
        pids: processes and threads at once (cgroup).
        disk: bytes it may write in total (the size of its tmpfs; bubblewrap only).
    """

    cpu_seconds: int | None = None
    address_space: int | None = 4 * GIB
    file_size: int | None = 512 * MIB
    processes: int | None = 512
    memory: int | None = 4 * GIB
    pids: int | None = 256
    disk: int | None = 1 * GIB

    def for_timeout(self, timeout: float) -> dict[str, int | None]:
        """The rlimits the child applies, with the CPU limit filled in."""
        cpu = self.cpu_seconds if self.cpu_seconds is not None else int(timeout * 2) + 10
        return {
            "cpu": cpu,
            "address_space": self.address_space,
            "file_size": self.file_size,
            "processes": self.processes,
        }

    @property
    def max_movie(self) -> int:
        """The largest movie the parent accepts from the child."""
        return self.disk if self.disk is not None else 4 * GIB


@dataclass
class SandboxOutcome:
    """A successful child run: the movie it wrote and what it reported."""

    path: Path
    frames: int
    seconds: float
    """The scene's length as Manim counted it."""
    wall_seconds: float
    boundary: bool
    """Whether the render ran inside the OS boundary (bubblewrap)."""
    cpu_seconds: float = 0.0
    """CPU time the child reported for itself and LaTeX (user + system)."""


@dataclass
class SandboxRun:
    """Everything a child run produced; `error` is None on success."""

    outcome: SandboxOutcome | None
    error: RenderError | None
    returncode: int | None
    timed_out: bool
    stderr_tail: str = ""
    """The end of the child's log (bounded), host paths removed."""
    boundary: bool = False
    layers: list[str] = field(default_factory=list)
    """What contained this render (for logs)."""
    cgroup: CgroupStats | None = None


_KEEP_ENV = ("LANG", "LC_ALL", "TZ")


def child_env(work: str | Path) -> dict[str, str]:
    """The whole environment of a render child: nothing of the parent's passes but locale."""
    env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    work = str(work)
    env.update(
        PATH="/usr/local/bin:/usr/bin:/bin",
        HOME=f"{work}/home",
        TMPDIR=f"{work}/tmp",
        XDG_CACHE_HOME=f"{work}/home/.cache",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONHASHSEED="0",
        # One BLAS thread per render: renders run side by side on few cores.
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        # glibc reserves 64 MiB of address space per malloc arena; keep RLIMIT_AS honest.
        MALLOC_ARENA_MAX="2",
        # kpathsea: TeX may only read/write files under the work directory.
        openin_any="p",
        TEXMFOUTPUT=work,
        openout_any="p",
        shell_escape="f",
    )
    return env


def rlimits_available() -> tuple[bool, str]:
    """Whether `resource.setrlimit` exists here, with a line for `tutor doctor`."""
    try:
        import resource
    except ImportError:
        return False, "the resource module is missing: renders run without rlimits"
    names = ["RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NPROC", "RLIMIT_CORE"]
    missing = [n for n in names if not hasattr(resource, n)]
    if missing:
        return False, f"missing rlimits: {', '.join(missing)}"
    note = " (running as root: the kernel does not apply RLIMIT_NPROC)" if _is_root() else ""
    return True, "CPU, address space, file size, process and core limits apply" + note


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _kill_group(pid: int) -> None:
    # The launcher leads its own session: this reaches everything in its process
    # group (the fallback's forks and LaTeX), not just the direct child.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _signal_error(returncode: int, stderr_tail: str, stats: CgroupStats | None) -> RenderError:
    signum = -returncode
    name = signal.Signals(signum).name if signum in signal.Signals.__members__.values() else ""
    if stats is not None and stats.oom_killed:
        return RenderError(
            kind="resource-limit",
            message="the render used more memory than its limit and was stopped",
            hint="draw fewer or simpler objects",
        )
    if signum == signal.SIGXCPU:
        return RenderError(
            kind="resource-limit",
            message="the render used up its CPU time limit and was stopped",
            hint="make the scene shorter or simpler, or raise the render timeout",
        )
    if signum == signal.SIGXFSZ:
        return RenderError(
            kind="resource-limit",
            message="the render wrote a file over the size limit and was stopped",
            hint="scenes must not write large files",
        )
    return RenderError(
        kind="crash",
        message=f"the render process died from signal {name or signum}"
        + (f": {stderr_tail[-300:]}" if stderr_tail else ""),
        hint="this is often memory exhaustion; draw fewer or simpler objects",
    )


def _text(value: object, limit: int) -> str | None:
    return str(value)[:limit] if value is not None else None


def _result_error(doc: dict[str, Any]) -> RenderError:
    kind = doc.get("kind", "exception")
    if kind not in {"exception", "timeout", "resource-limit", "policy", "crash", "output"}:
        kind = "exception"
    line = doc.get("line")
    return RenderError(
        kind=kind,
        message=_text(doc.get("message"), MESSAGE_LIMIT) or "the render failed",
        exception_type=_text(doc.get("exception_type"), 100),
        line=line if isinstance(line, int) and not isinstance(line, bool) else None,
        traceback=_text(doc.get("traceback"), TRACEBACK_LIMIT),
        hint=_text(doc.get("hint"), 500),
    )


def _number(value: object) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return float(value) if ok else 0.0  # type: ignore[arg-type]


def _scrub(text: str, work: str | None) -> str:
    pairs = [(p, "<python>") for p in {sys.prefix, sys.base_prefix, os.path.realpath(sys.prefix)}]
    if work:
        pairs.append((work, "."))
    for prefix, repl in sorted(pairs, key=lambda pr: -len(pr[0])):
        text = text.replace(prefix, repl)
    return text


@dataclass
class _Launch:
    """How one render child is started."""

    command: list[str]
    env: dict[str, str]
    cwd: str
    work_dir: str
    host_work: Path | None
    """The work directory on the host (fallback only; removed afterwards)."""


def _choose(
    status: BoundaryStatus,
    boundary: bool | None,
    isolate_network: bool | None,
    isolate_filesystem: bool | None,
) -> bool:
    """Whether to use bubblewrap; raise when a required layer is missing."""
    if boundary is True and not status.enforced:
        raise ConfigurationError(
            f"the OS boundary was required but is not available: {status.bwrap.detail}",
            hint=BWRAP_FIX,
        )
    use = status.enforced if boundary is None else boundary
    if not use:
        if isolate_network and not status.network_fallback and not network_isolation_available():
            raise ConfigurationError(
                "network isolation was required but unshare does not work here",
                hint="install util-linux and allow user namespaces",
            )
        if isolate_filesystem and not filesystem_isolation_available():
            raise ConfigurationError(
                "file-system isolation was required but does not work here",
                hint="install util-linux and allow user namespaces",
            )
    return use


def _prepare(
    use_bwrap: bool,
    status: BoundaryStatus,
    limits: SandboxLimits,
    isolate_network: bool | None,
    isolate_filesystem: bool | None,
) -> _Launch:
    child = [sys.executable, "-I", "-m", "tutor_render_manim.child"]
    if use_bwrap:
        env = child_env(WORK_DIR)
        assert status.bwrap.path is not None
        cmd = bwrap_command(
            status.bwrap.path,
            child,
            env=env,
            disk_limit=limits.disk,
            version=status.bwrap.version,
        )
        # bwrap's own environment is visible in the sandbox's /proc/1/environ: pass
        # only the child's.
        return _Launch(cmd, env, "/", WORK_DIR, None)
    work = Path(os.path.realpath(tempfile.mkdtemp(prefix="tutor-render-")))
    os.chmod(work, 0o700)
    for sub in ("home", "tmp"):
        (work / sub).mkdir(mode=0o700)
    network = network_isolation_available() if isolate_network is None else isolate_network
    filesystem = (
        filesystem_isolation_available() if isolate_filesystem is None else isolate_filesystem
    )
    if network or filesystem:
        child = [*unshare_prefix(network=network, filesystem=filesystem, work=work), *child]
    return _Launch(child, child_env(work), str(work), str(work), work)


async def run_sandboxed(
    code: str,
    *,
    out_path: Path,
    scene_class: str | None = None,
    width: int = 854,
    height: int = 480,
    fps: int = 30,
    time_limit: float = DEFAULT_TIMEOUT,
    limits: SandboxLimits | None = None,
    boundary: bool | None = None,
    cgroup: bool | None = None,
    guard: bool = True,
    isolate_network: bool | None = None,
    isolate_filesystem: bool | None = None,
) -> SandboxRun:
    """Render `code` in a sandboxed child; on success write the movie to `out_path`.

    Args:
        code: the scene code (already checked by the policy, or trusted).
        out_path: where the finished mp4 goes.
        scene_class: the Scene subclass to render (None: the only one).
        width: pixel width.
        height: pixel height.
        fps: frame rate (constant).
        time_limit: wall-clock seconds before every process of the render is killed.
        limits: resource limits; default SandboxLimits().
        boundary: True requires the OS boundary (bubblewrap), False runs without it
            (the fallback layers), None uses it when available.
        cgroup: the same for the per-render cgroup.
        guard: install the runtime guard in the child (tests turn it off to show the
            boundary holds on its own).
        isolate_network: without bubblewrap only: require (True) or skip (False) the
            `unshare` network namespace; None uses it when available.
        isolate_filesystem: the same for the fallback's read-only mount namespace.

    Returns:
        A SandboxRun with either an outcome or a structured RenderError.

    Raises:
        ConfigurationError: a layer was required (True) but does not work here.
    """
    limits = limits or SandboxLimits()
    status = await anyio.to_thread.run_sync(boundary_status)
    use_bwrap = _choose(status, boundary, isolate_network, isolate_filesystem)
    effective = status if use_bwrap else await anyio.to_thread.run_sync(status.without_bwrap)
    layers = effective.layers()
    if use_bwrap:
        log.info("render boundary: %s", "; ".join(layers))
    else:
        log.warning(
            "render WITHOUT the OS boundary (%s): only %s stand between the scene and this machine",
            status.bwrap.detail if not status.enforced else "turned off by the caller",
            ", ".join(layers),
        )
    launch = await anyio.to_thread.run_sync(
        _prepare, use_bwrap, status, limits, isolate_network, isolate_filesystem
    )
    group: RenderCgroup | None = None
    try:
        want_cgroup = (status.cgroups.pids or status.cgroups.memory) if cgroup is None else cgroup
        if want_cgroup:
            if not status.cgroups.hierarchies:
                raise ConfigurationError(
                    f"a cgroup per render was required but: {status.cgroups.detail}",
                    hint="run the worker as root or in a delegated cgroup",
                )
            group = await anyio.to_thread.run_sync(
                lambda: RenderCgroup.create(status.cgroups, pids=limits.pids, memory=limits.memory)
            )
        job = {
            "code": code,
            "scene_class": scene_class,
            "work_dir": launch.work_dir,
            "width": width,
            "height": height,
            "fps": fps,
            "limits": limits.for_timeout(time_limit),
            "guard": guard,
        }
        command = join_command(group.procs_files, launch.command) if group else launch.command
        run = await _run_child(command, launch, job, out_path, time_limit, limits, group)
        run.boundary = use_bwrap
        run.layers = layers
        if run.outcome is not None:
            run.outcome.boundary = use_bwrap
        return run
    finally:
        with anyio.CancelScope(shield=True):
            if group is not None:
                await anyio.to_thread.run_sync(group.remove)
            if launch.host_work is not None:
                host_work = launch.host_work
                await anyio.to_thread.run_sync(lambda: shutil.rmtree(host_work, ignore_errors=True))


class _Tail:
    """The last `limit` bytes written to it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()

    def add(self, chunk: bytes) -> None:
        self.data += chunk
        if len(self.data) > 2 * self.limit:
            del self.data[: len(self.data) - self.limit]

    def text(self) -> str:
        return bytes(self.data[-self.limit :]).decode("utf-8", "replace")


async def _run_child(
    cmd: list[str],
    launch: _Launch,
    job: dict[str, Any],
    out_path: Path,
    time_limit: float,
    limits: SandboxLimits,
    group: RenderCgroup | None,
) -> SandboxRun:
    started = time.monotonic()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(f".{out_path.name}.{os.getpid()}.{id(job):x}.partial")
    parser = ResultParser(max_movie=limits.max_movie)
    protocol_error: list[str] = []
    tail = _Tail(LOG_TAIL)
    timed_out = False
    process = await anyio.open_process(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=launch.cwd,
        env=launch.env,
        start_new_session=True,
    )

    async def send_job() -> None:
        assert process.stdin is not None
        with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
            await process.stdin.send(json.dumps(job).encode("utf-8"))
        with contextlib.suppress(OSError, anyio.BrokenResourceError):
            await process.stdin.aclose()

    async def read_result(movie: Any, done: anyio.Event) -> None:
        assert process.stdout is not None
        try:
            async for chunk in process.stdout:
                try:
                    data = parser.feed(chunk)
                except ProtocolError as exc:
                    # A child that breaks the protocol gets no more of our time.
                    protocol_error.append(str(exc))
                    await anyio.to_thread.run_sync(kill_all)
                    break
                if data:
                    await movie.write(data)
                if parser.done:
                    break
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass
        finally:
            done.set()

    async def read_log(done: anyio.Event) -> None:
        assert process.stderr is not None
        try:
            async for chunk in process.stderr:
                tail.add(chunk)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass
        finally:
            done.set()

    def kill_all() -> None:
        _kill_group(process.pid)
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        if group is not None:
            group.kill()

    result_done = anyio.Event()
    log_done = anyio.Event()
    try:
        async with (
            await anyio.open_file(partial, "xb") as movie,
            anyio.create_task_group() as tg,
        ):
            tg.start_soon(send_job)
            tg.start_soon(read_result, movie, result_done)
            tg.start_soon(read_log, log_done)
            with anyio.move_on_after(time_limit) as scope:
                await process.wait()
            timed_out = scope.cancelled_caught
            with anyio.CancelScope(shield=True):
                # After a normal exit too: nothing the scene started may outlive it.
                await anyio.to_thread.run_sync(kill_all)
                # What the child wrote before it ended is still in the pipes.
                with anyio.move_on_after(EXIT_GRACE):
                    await result_done.wait()
                    await log_done.wait()
            tg.cancel_scope.cancel()
    except BaseException:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(kill_all)
            with contextlib.suppress(OSError):
                partial.unlink()
        raise
    finally:
        with anyio.CancelScope(shield=True), anyio.move_on_after(EXIT_GRACE):
            await process.aclose()
    try:
        return _finish(
            process.returncode, parser, protocol_error, tail, launch, partial, out_path,
            timed_out=timed_out, time_limit=time_limit, group=group, started=started,
        )  # fmt: skip
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()


def _finish(
    returncode: int | None,
    parser: ResultParser,
    protocol_error: list[str],
    tail: _Tail,
    launch: _Launch,
    partial: Path,
    out_path: Path,
    *,
    timed_out: bool,
    time_limit: float,
    group: RenderCgroup | None,
    started: float,
) -> SandboxRun:
    wall = time.monotonic() - started
    stats = group.stats() if group is not None else None
    if launch.host_work is None and returncode is not None and returncode > 128:
        # bubblewrap's init exits with 128 + N when the child died from signal N.
        returncode = -(returncode - 128)
    stderr_tail = _scrub(tail.text(), launch.work_dir)[-LOG_TAIL:]
    if timed_out:
        error = RenderError(
            kind="timeout",
            message=f"the render took longer than {time_limit:g} s and was stopped",
            hint="make the scene shorter or simpler (fewer objects, shorter animations), "
            "or raise the render timeout",
        )
        return SandboxRun(None, error, returncode, True, stderr_tail, cgroup=stats)
    if returncode == CGROUP_JOIN_FAILED and parser.header is None:
        error = RenderError(
            kind="crash",
            message="the render could not join its cgroup",
            hint="check that the worker may write to its cgroup (`tutor doctor`)",
        )
        return SandboxRun(None, error, returncode, False, stderr_tail, cgroup=stats)
    doc: dict[str, Any] | None = None
    problem = protocol_error[0] if protocol_error else None
    if problem is None:
        try:
            doc = parser.finish()
        except ProtocolError as exc:
            problem = str(exc)
    if doc is None and not protocol_error and returncode is not None and returncode < 0:
        return SandboxRun(
            None, _signal_error(returncode, stderr_tail, stats), returncode, False,
            stderr_tail, cgroup=stats,
        )  # fmt: skip
    if doc is None:
        memory = stats is not None and stats.oom_killed
        error = RenderError(
            kind="resource-limit" if memory else "crash",
            message=(
                "the render used more memory than its limit and was stopped"
                if memory
                else f"the render process failed: {problem}"
                + (f": {stderr_tail[-500:]}" if stderr_tail.strip() else "")
            ),
            hint="draw fewer or simpler objects"
            if memory
            else "check that Manim is installed (`tutor doctor`) and the scene does not "
            "exit the process",
        )
        return SandboxRun(None, error, returncode, False, stderr_tail, cgroup=stats)
    if doc.get("ok") is not True:
        return SandboxRun(None, _result_error(doc), returncode, False, stderr_tail, cgroup=stats)
    os.replace(partial, out_path)
    frames = doc.get("frames", 0)
    outcome = SandboxOutcome(
        path=out_path,
        frames=frames if isinstance(frames, int) else 0,
        seconds=_number(doc.get("seconds")),
        wall_seconds=wall,
        boundary=False,
        cpu_seconds=_number(doc.get("cpu_seconds")),
    )
    return SandboxRun(outcome, None, returncode, False, stderr_tail, cgroup=stats)
