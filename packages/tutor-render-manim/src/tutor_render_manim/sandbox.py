"""Run Manim on untrusted code in a child process with several layers of containment.

Layers (the static policy in `policy.py` comes before all of these):

- a child process (`python -I -m tutor_render_manim.child`) in its own session and
  process group, killed as a group (`os.killpg`) at the wall-clock timeout;
- resource limits set by the child before it reads the scene code: CPU seconds,
  address space, file size, process count, no core dumps;
- a scrubbed environment (PATH, HOME and TMPDIR inside the private work directory,
  LANG, thread caps; no TUTOR_*, AWS_* or other secrets) and TeX run in paranoid mode;
- a private work directory (mode 0700, removed afterwards) as the current directory;
- no network: `unshare --user --map-root-user --net` gives the child a network
  namespace with only a loopback that is down (probed once; without it, renders fall
  back to no isolation and `tutor doctor` says so);
- a read-only file system: in a private mount namespace (`--mount`) every mount is
  remounted read-only except the work directory, so even code that slipped past the
  policy and the guard cannot change a file of the host, as root included (probed
  once, like the network layer);
- the runtime guard in the child (audit hook + import blocker, see `child.py`).

`run_sandboxed` is async and never blocks the event loop.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import anyio

from tutor_core.models import RenderError

GIB = 1024**3
MIB = 1024**2

DEFAULT_TIMEOUT = 300.0


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits for one render child (None leaves a limit unchanged).

    Attributes:
        cpu_seconds: CPU time; None derives it from the timeout (2x, threads count too).
        address_space: bytes of virtual memory (RLIMIT_AS).
        file_size: largest file the child may write (RLIMIT_FSIZE).
        processes: RLIMIT_NPROC (threads count; root is exempt by the kernel).
    """

    cpu_seconds: int | None = None
    address_space: int | None = 4 * GIB
    file_size: int | None = 512 * MIB
    processes: int | None = 512

    def for_timeout(self, timeout: float) -> dict[str, int | None]:
        """The limits the child applies, with the CPU limit filled in."""
        cpu = self.cpu_seconds if self.cpu_seconds is not None else int(timeout * 2) + 10
        return {
            "cpu": cpu,
            "address_space": self.address_space,
            "file_size": self.file_size,
            "processes": self.processes,
        }


@dataclass
class SandboxOutcome:
    """A successful child run: the movie it wrote and what it reported."""

    path: Path
    frames: int
    seconds: float
    """The scene's length as Manim counted it."""
    wall_seconds: float
    isolated: bool
    """Whether the child ran without network (a private namespace)."""


@dataclass
class SandboxRun:
    """Everything a child run produced; `error` is None on success."""

    outcome: SandboxOutcome | None
    error: RenderError | None
    returncode: int | None
    timed_out: bool
    stderr_tail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_KEEP_ENV = ("PATH", "LANG", "LC_ALL", "TZ")


def child_env(work: Path) -> dict[str, str]:
    """The whole environment of a render child: nothing secret passes through."""
    env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.setdefault("LANG", "C.UTF-8")
    env.update(
        HOME=str(work / "home"),
        TMPDIR=str(work / "tmp"),
        XDG_CACHE_HOME=str(work / "home" / ".cache"),
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
        TEXMFOUTPUT=str(work),
        openout_any="p",
        shell_escape="f",
    )
    return env


READ_ONLY_WRAPPER = r"""
set -e
work=$1; shift
mount --bind "$work" "$work"
# Every other mount read-only: the scene may write only in its work directory.
for m in $(awk '{print $5}' /proc/self/mountinfo); do
  [ "$m" = "$work" ] || mount -o remount,bind,ro "$m" 2>/dev/null || true
done
exec "$@"
"""
"""Runs inside the new mount namespace, then becomes the render child."""


def _unshare_prefix(*, network: bool, filesystem: bool, work: Path) -> list[str]:
    unshare = shutil.which("unshare") or "unshare"
    flags = ["--user", "--map-root-user"]
    if network:
        flags.append("--net")
    if not filesystem:
        return [unshare, *flags, "--"]
    sh = shutil.which("sh") or "/bin/sh"
    return [unshare, *flags, "--mount", "--", sh, "-c", READ_ONLY_WRAPPER, "sh", str(work)]


@cache
def filesystem_isolation_available() -> bool:
    """Whether the read-only mount namespace works here (probed once per process).

    The probe checks both halves: the work directory stays writable and a file
    beside it cannot be created.
    """
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    if not sys.platform.startswith("linux"):
        return False
    with tempfile.TemporaryDirectory(prefix="tutor-fs-probe-") as tmp:
        work = Path(os.path.realpath(tmp)) / "work"
        work.mkdir()
        outside = Path(tmp) / "outside"
        script = (
            "import sys, pathlib\n"
            "pathlib.Path(sys.argv[1], 'inside').write_text('ok')\n"
            "try:\n    pathlib.Path(sys.argv[2]).write_text('escaped')\n"
            "except OSError:\n    pass\n"
        )
        cmd = [
            *_unshare_prefix(network=False, filesystem=True, work=work),
            sys.executable, "-I", "-c", script, str(work), str(outside),
        ]  # fmt: skip
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            return False
        return proc.returncode == 0 and (work / "inside").is_file() and not outside.exists()


@cache
def network_isolation_available() -> bool:
    """Whether `unshare --user --map-root-user --net` works here (probed once per process)."""
    exe = shutil.which("unshare")
    if exe is None or not sys.platform.startswith("linux"):
        return False
    try:
        proc = subprocess.run(
            [exe, "--user", "--map-root-user", "--net", "--", sys.executable, "-I", "-c", "0"],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


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
    # The child leads its own session, so its pid is the process group id; this
    # kills everything it started too (forks, LaTeX), not just the child.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _signal_error(returncode: int, stderr_tail: str) -> RenderError:
    signum = -returncode
    name = signal.Signals(signum).name if signum in signal.Signals.__members__.values() else ""
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


def _result_error(doc: dict[str, Any]) -> RenderError:
    kind = doc.get("kind", "exception")
    if kind not in {"exception", "timeout", "resource-limit", "policy", "crash", "output"}:
        kind = "exception"
    return RenderError(
        kind=kind,
        message=str(doc.get("message") or "the render failed")[:2000],
        exception_type=doc.get("exception_type"),
        line=doc.get("line") if isinstance(doc.get("line"), int) else None,
        traceback=doc.get("traceback"),
        hint=doc.get("hint"),
    )


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - limit))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


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
    isolate_network: bool | None = None,
    isolate_filesystem: bool | None = None,
    guard: bool = True,
) -> SandboxRun:
    """Render `code` in a sandboxed child; on success move the movie to `out_path`.

    Args:
        code: the scene code (already checked by the policy, or trusted).
        out_path: where the finished mp4 goes.
        scene_class: the Scene subclass to render (None: the only one).
        width: pixel width.
        height: pixel height.
        fps: frame rate (constant).
        time_limit: wall-clock seconds before the process group is killed.
        limits: resource limits; default SandboxLimits().
        isolate_network: True requires a network namespace, False skips it, None uses
            it when available.
        isolate_filesystem: the same for the read-only mount namespace.
        guard: install the runtime guard in the child (tests turn it off to check the
            other layers).

    Returns:
        A SandboxRun with either an outcome or a structured RenderError.
    """
    limits = limits or SandboxLimits()
    if isolate_network is None:
        isolate_network = await anyio.to_thread.run_sync(network_isolation_available)
    elif isolate_network and not await anyio.to_thread.run_sync(network_isolation_available):
        raise RuntimeError("network isolation was required but unshare does not work here")
    fs_ok = await anyio.to_thread.run_sync(filesystem_isolation_available)
    if isolate_filesystem is None:
        isolate_filesystem = fs_ok
    elif isolate_filesystem and not fs_ok:
        raise RuntimeError("file-system isolation was required but does not work here")
    # The real path: the mount namespace binds it by the name the kernel reports.
    work = Path(
        await anyio.to_thread.run_sync(
            lambda: os.path.realpath(tempfile.mkdtemp(prefix="tutor-render-"))
        )
    )
    try:
        os.chmod(work, 0o700)
        for sub in ("home", "tmp", "media"):
            (work / sub).mkdir(mode=0o700)
        (work / "scene.py").write_text(code, encoding="utf-8")
        job = {
            "work_dir": str(work),
            "scene_class": scene_class,
            "width": width,
            "height": height,
            "fps": fps,
            "limits": limits.for_timeout(time_limit),
            "guard": guard,
        }
        job_path = work / "job.json"
        job_path.write_text(json.dumps(job), encoding="utf-8")
        cmd = [sys.executable, "-I", "-m", "tutor_render_manim.child", str(job_path)]
        if isolate_network or isolate_filesystem:
            prefix = _unshare_prefix(
                network=bool(isolate_network), filesystem=bool(isolate_filesystem), work=work
            )
            cmd = [*prefix, *cmd]
        return await _run_child(cmd, work, out_path, time_limit, bool(isolate_network))
    finally:
        await anyio.to_thread.run_sync(lambda: shutil.rmtree(work, ignore_errors=True))


async def _run_child(
    cmd: list[str], work: Path, out_path: Path, time_limit: float, isolated: bool
) -> SandboxRun:
    started = time.monotonic()
    timed_out = False
    with (work / "stdout.log").open("wb") as out_log, (work / "stderr.log").open("wb") as err_log:
        process = await anyio.open_process(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out_log,
            stderr=err_log,
            cwd=str(work),
            env=child_env(work),
            start_new_session=True,
            umask=0o077,
        )
        try:
            with anyio.move_on_after(time_limit) as scope:
                await process.wait()
            if scope.cancelled_caught:
                timed_out = True
                _kill_group(process.pid)
                with anyio.CancelScope(shield=True):
                    await process.wait()
            else:
                # Anything the scene left running in its group goes too.
                _kill_group(process.pid)
        except BaseException:
            _kill_group(process.pid)
            with anyio.CancelScope(shield=True):
                await process.wait()
            raise
    wall = time.monotonic() - started
    returncode = process.returncode
    stderr_tail = _tail(work / "stderr.log").replace(str(work), ".")
    if timed_out:
        error = RenderError(
            kind="timeout",
            message=f"the render took longer than {time_limit:g} s and was stopped",
            hint="make the scene shorter or simpler (fewer objects, shorter animations), "
            "or raise the render timeout",
        )
        return SandboxRun(None, error, returncode, True, stderr_tail)
    doc: dict[str, Any] | None = None
    result_path = work / "result.json"
    if result_path.is_file() and result_path.stat().st_size < 1_000_000:
        try:
            loaded = json.loads(result_path.read_text(encoding="utf-8"))
            doc = loaded if isinstance(loaded, dict) else None
        except (ValueError, UnicodeDecodeError):
            doc = None
    if returncode is not None and returncode < 0 and not (doc and doc.get("ok") is False):
        return SandboxRun(None, _signal_error(returncode, stderr_tail), returncode, False)
    if doc is None:
        error = RenderError(
            kind="crash",
            message="the render process exited without a result"
            + (f": {stderr_tail[-500:]}" if stderr_tail else ""),
            hint="check that Manim is installed (`tutor doctor`) and the scene does not "
            "exit the process",
        )
        return SandboxRun(None, error, returncode, False, stderr_tail)
    if not doc.get("ok"):
        return SandboxRun(None, _result_error(doc), returncode, False, stderr_tail)
    # Only the fixed name is accepted: the child could name any path (a symlink too).
    movie = work / "out.mp4"
    if movie.is_symlink() or not movie.is_file():
        error = RenderError(kind="output", message="the render reported success but wrote no movie")
        return SandboxRun(None, error, returncode, False, stderr_tail)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    await anyio.to_thread.run_sync(shutil.copyfile, movie, tmp)
    os.replace(tmp, out_path)
    outcome = SandboxOutcome(
        path=out_path,
        frames=int(doc.get("frames", 0)),
        seconds=float(doc.get("seconds", 0.0)),
        wall_seconds=wall,
        isolated=isolated,
    )
    return SandboxRun(outcome, None, returncode, False, stderr_tail, extra=asdict(outcome))
