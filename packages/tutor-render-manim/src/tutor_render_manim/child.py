"""The render child: `python -I -m tutor_render_manim.child`, run by `sandbox.py`.

It talks to its parent only through the pipes the parent opened: the job (settings
and the scene's code) arrives as JSON on stdin; the result goes back on the original
stdout (see `protocol.py`), which the child keeps as a private descriptor before
pointing stdout at stderr (the log pipe), so nothing a library prints can corrupt it.

In order, it:

1. applies the resource limits from the job (before any untrusted code exists in memory);
2. imports Manim and patches its frame timing so a scene of T seconds has exactly
   round(T * fps) frames (Manim's own `np.arange` timing drifts by a frame);
3. unless the job turns it off, installs the runtime guard: an audit hook that refuses
   sockets, forks, ctypes, programs other than `latex` and `dvisvgm` (by resolved path),
   file writes outside the work directory and reads outside it and the Python/system
   install, a check on `av.open` (libav opens files without an audit event), and an
   import blocker for dangerous modules not yet loaded. The guard is lint, for clear
   early errors: the boundary around the child does not depend on it;
4. executes the scene code, renders it, remuxes the movie with `+faststart`;
5. sends the result header and the movie bytes to the parent.

This module must not import tutor_core: it stays small and fast to start, and what
it reports is plain JSON that the parent turns into models.
"""

from __future__ import annotations

import json
import linecache
import os
import resource
import shutil
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import CodeType, TracebackType
from typing import Any

from tutor_render_manim.protocol import send_result

USER_FILENAME = "scene.py"
"""The file name untrusted code is compiled under (used to find its lines in tracebacks)."""

TEX_PROGRAMS = ("latex", "dvisvgm")
"""The only programs the guard lets Manim start (to typeset MathTex), checked by name
and by resolved path: `pdflatex` is the same binary as `latex`, and `lualatex` or
`xelatex` could read files through Lua or shell hooks."""

JOB_LIMIT = 8 * 1024 * 1024
"""Largest job document the child reads from stdin."""

BLOCKED_IMPORTS = frozenset(
    {
        "ctypes", "_ctypes", "pty", "socket", "_socket", "ssl", "_ssl", "multiprocessing",
        "_multiprocessing", "urllib.request", "http.client", "ftplib", "smtplib",
        "webbrowser", "telnetlib", "socketserver", "xmlrpc", "asyncio",
    }
)  # fmt: skip
"""Modules the guard refuses to load after Manim is imported."""

_BLOCKED_EVENT_PREFIXES = (
    "socket.",
    "ctypes.",
    "os.exec",
    "os.spawn",
    "os.posix_spawn",
    "os.fork",
    "pty.",
    "winreg.",
    "_winapi.",
    "resource.",
    "webbrowser.",
    "urllib.",
    "http.",
    "ftplib.",
    "smtplib.",
)
_BLOCKED_EVENTS = frozenset(
    {"os.system", "os.forkpty", "os.kill", "os.killpg", "os.startfile", "sys.remote_exec"}
)
_PATH_EVENTS: dict[str, tuple[int, ...]] = {
    # event -> indices of path arguments that must stay inside the work directory
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.link": (0, 1),
    "os.symlink": (0, 1),
    "os.truncate": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.utime": (0,),
    "os.chflags": (0,),
    "os.setxattr": (0,),
    "os.removexattr": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (1,),
    "shutil.copytree": (1,),
    "shutil.move": (1,),
    "shutil.copymode": (1,),
    "shutil.copystat": (1,),
}
_READ_EVENTS: dict[str, tuple[int, ...]] = {
    "os.listdir": (0,),
    "os.scandir": (0,),
    "glob.glob": (0,),
    "shutil.copyfile": (0,),
    "shutil.copytree": (0,),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class GuardViolation(PermissionError):
    """Raised inside the child when scene code does something the sandbox forbids."""


class _Guard:
    """The audit hook and import blocker (one per process, never removed)."""

    def __init__(self, work_dir: Path, read_roots: Sequence[str]) -> None:
        self.work = os.path.realpath(work_dir)
        self.read_roots = tuple(os.path.realpath(r) for r in read_roots if r)
        self.programs = allowed_programs()

    def check_program(self, name: str, candidates: Sequence[str]) -> None:
        """Refuse any program but `latex`/`dvisvgm` at their resolved host paths."""
        allowed = self.programs.get(name)
        resolved = {os.path.realpath(c) for c in candidates if os.path.exists(c)}
        if allowed is None or not resolved or resolved != {allowed}:
            raise GuardViolation(
                f"starting programs ({name or '?'}) is not allowed: only "
                f"{' and '.join(TEX_PROGRAMS)} may run, to typeset formulas"
            )

    @staticmethod
    def _inside(path: str, root: str) -> bool:
        return path == root or path.startswith(root.rstrip("/") + "/")

    def _resolve(self, raw: object) -> str | None:
        if isinstance(raw, int) or raw is None:
            return None  # file descriptors were opened (and checked) earlier
        if isinstance(raw, bytes):
            raw = os.fsdecode(raw)
        if not isinstance(raw, (str, os.PathLike)):
            return None
        return os.path.realpath(os.fspath(raw))

    def _check_write(self, event: str, raw: object) -> None:
        path = self._resolve(raw)
        if path is not None and path != "/dev/null" and not self._inside(path, self.work):
            raise GuardViolation(
                f"{event}: writing {path!r} is not allowed (only the work directory)"
            )

    def _check_read(self, event: str, raw: object) -> None:
        path = self._resolve(raw)
        if path is None or self._inside(path, self.work):
            return
        if path in ("/dev/null", "/dev/urandom", "/dev/random"):
            return
        if not any(self._inside(path, root) for root in self.read_roots):
            raise GuardViolation(f"{event}: reading {path!r} is not allowed in a scene")

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if event == "builtins.id":
            return  # Manim calls id() about 35 000 times per second of video
        if event == "open":
            path, mode, flags = (*args, None, None, None)[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and bool(flags & _WRITE_FLAGS)
            )
            if writing:
                self._check_write(event, path)
            else:
                self._check_read(event, path)
            return
        if event in _BLOCKED_EVENTS or event.startswith(_BLOCKED_EVENT_PREFIXES):
            raise GuardViolation(f"{event} is not allowed in a scene (sandbox)")
        if event == "subprocess.Popen":
            executable, argv = args[0], args[1]
            program = executable
            if program is None and isinstance(argv, (list, tuple)) and argv:
                program = argv[0]
            elif program is None:
                program = argv
            text = os.fsdecode(program) if isinstance(program, (str, bytes)) else ""
            found = shutil.which(text) if text and "/" not in text else text
            self.check_program(os.path.basename(text), [found] if found else [])
            return
        indices = _PATH_EVENTS.get(event)
        if indices:
            for i in indices:
                if i < len(args):
                    self._check_write(event, args[i])
        indices = _READ_EVENTS.get(event)
        if indices:
            for i in indices:
                if i < len(args):
                    self._check_read(event, args[i])


class _ImportBlocker:
    """A `sys.meta_path` finder that refuses to load blocked modules."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        root = name.split(".")[0]
        if name in BLOCKED_IMPORTS or root in BLOCKED_IMPORTS:
            raise GuardViolation(f"importing {name!r} is not allowed in a scene (sandbox)")
        return None


def allowed_programs() -> dict[str, str]:
    """The programs a scene may start (`TEX_PROGRAMS`), with their resolved paths."""
    found: dict[str, str] = {}
    for name in TEX_PROGRAMS:
        exe = shutil.which(name)
        if exe:
            found[name] = os.path.realpath(exe)
    return found


def _guard_fork_exec(guard: _Guard) -> None:
    """Check the low-level spawn function too: it raises no audit event of its own.

    `subprocess` calls `_posixsubprocess.fork_exec`; code that reaches it directly
    (past the policy) would skip the `subprocess.Popen` event, so it is wrapped. Every
    candidate path it would try must resolve to an allowed program.
    """
    try:
        import _posixsubprocess
    except ImportError:  # pragma: no cover - not POSIX
        return
    original = _posixsubprocess.fork_exec

    def fork_exec(*args: Any) -> Any:
        argv, executables = args[0], args[1]
        candidates = [os.fsdecode(e) for e in executables or ()]
        first = candidates[0] if candidates else (os.fsdecode(argv[0]) if argv else "")
        guard.check_program(os.path.basename(first), candidates)
        return original(*args)

    _posixsubprocess.fork_exec = fork_exec
    import subprocess

    if hasattr(subprocess, "_fork_exec"):  # Python 3.12+ binds it at import
        subprocess._fork_exec = fork_exec


def _guard_av_open(guard: _Guard) -> None:
    """Check the paths libav opens: its C code opens files without an audit event."""
    try:
        import av
    except ImportError:  # pragma: no cover - Manim depends on av
        return
    original: Any = av.open

    def av_open(file: Any, mode: str | None = None, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, bytes, os.PathLike)):
            if mode and "w" in mode:
                guard._check_write("av.open", file)
            else:
                guard._check_read("av.open", file)
        return original(file, mode, *args, **kwargs)

    av.open = av_open


def _set_limits(limits: dict[str, int | None]) -> None:
    pairs = {
        "cpu": resource.RLIMIT_CPU,
        "address_space": resource.RLIMIT_AS,
        "file_size": resource.RLIMIT_FSIZE,
        "processes": resource.RLIMIT_NPROC,
    }
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, which in pairs.items():
        value = limits.get(key)
        if value is None:
            continue
        _soft, hard = resource.getrlimit(which)
        new_hard = value if hard == resource.RLIM_INFINITY else min(value, hard)
        # CPU: a small gap between soft and hard gives SIGXCPU (reported) before SIGKILL.
        new_soft = min(value, new_hard)
        if which == resource.RLIMIT_CPU and (hard == resource.RLIM_INFINITY or hard > value):
            new_hard = value + 5
        resource.setrlimit(which, (new_soft, new_hard))


class FrameBudget:
    """Frames per play/wait so that the running total is round(intended seconds * fps).

    Every call gets at least one frame (Manim cannot write an empty segment); a later
    call absorbs the difference, so the total stays exact whenever no single call is
    shorter than one frame.
    """

    def __init__(self, fps: int) -> None:
        self.fps = fps
        self.seconds = 0.0
        self.frames = 0

    def take(self, seconds: float) -> int:
        """Frames for the next `seconds` of scene time."""
        self.seconds += max(0.0, seconds)
        n = max(1, round(self.seconds * self.fps) - self.frames)
        self.frames += n
        return n


def _patch_frame_timing(fps: int) -> None:
    """Make each play/wait emit frames so the running total is round(intended_time * fps).

    Manim steps `np.arange(0, run_time, 1/fps)` per animation and `int(d*fps)` for
    frozen waits, so frame counts drift from the intended duration (an extra frame
    at some joins). Tracking the intended time and the frames already written per
    scene fixes the total exactly; the first frame of each animation still starts at
    its beginning.
    """
    import numpy as np
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.scene import Scene

    budgets: dict[int, FrameBudget] = {}  # one per renderer, i.e. per scene

    def frames_for(renderer: object, seconds: float) -> int:
        return budgets.setdefault(id(renderer), FrameBudget(fps)).take(seconds)

    original = Scene.get_time_progression

    def get_time_progression(
        self: Any,
        run_time: float,
        description: str,
        n_iterations: int | None = None,
        override_skip_animations: bool = False,
    ) -> Any:
        if self.renderer.skip_animations and not override_skip_animations:
            return original(self, run_time, description, n_iterations, override_skip_animations)
        n = frames_for(self.renderer, run_time)
        return _Progression(np.arange(n, dtype=float) / fps)

    def freeze_current_frame(self: Any, duration: float) -> None:
        self.add_frame(self.get_frame(), num_frames=frames_for(self, duration))

    Scene.get_time_progression = get_time_progression  # type: ignore[method-assign]
    CairoRenderer.freeze_current_frame = freeze_current_frame  # type: ignore[method-assign]


class _Progression:
    """An iterable of frame times with tqdm's `close()` (what Manim calls on it)."""

    def __init__(self, times: Any) -> None:
        self.times = times

    def __iter__(self) -> Any:
        return iter(self.times)

    def __len__(self) -> int:
        return len(self.times)

    def close(self) -> None:
        return None


def _scrub(text: str, work_dir: Path) -> str:
    """Remove host paths from a message or traceback."""
    for prefix, repl in (
        (str(work_dir), "."),
        (os.path.realpath(work_dir), "."),
        (sys.prefix, "<python>"),
        (sys.base_prefix, "<python>"),
    ):
        if prefix:
            text = text.replace(prefix + "/", repl + "/").replace(prefix, repl)
    return text


def _short_filename(filename: str) -> str:
    if filename == USER_FILENAME:
        return filename
    marker = "site-packages/"
    if marker in filename:
        return filename.split(marker, 1)[1]
    return os.path.basename(filename)


def _trim_traceback(tb: TracebackType | None, exc: BaseException) -> tuple[str, int | None]:
    frames = traceback.extract_tb(tb)
    line: int | None = None
    kept: list[str] = []
    user_seen = False
    for i, fr in enumerate(frames):
        is_user = fr.filename == USER_FILENAME
        if is_user:
            line = fr.lineno
            user_seen = True
        # Keep the user's frames and the innermost library frame; the rest is noise.
        if is_user or (user_seen and i == len(frames) - 1):
            text = f'  File "{_short_filename(fr.filename)}", line {fr.lineno}, in {fr.name}'
            if fr.line:
                text += f"\n    {fr.line.strip()}"
            kept.append(text)
    if isinstance(exc, SyntaxError) and exc.filename == USER_FILENAME:
        line = exc.lineno
    body = "\n".join(kept[-12:])
    head = "Traceback (most recent call last):\n" if kept else ""
    tail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return f"{head}{body}\n{tail}".strip(), line


def _error(
    kind: str, exc: BaseException, work_dir: Path, hint: str | None = None
) -> dict[str, Any]:
    text, line = _trim_traceback(exc.__traceback__, exc)
    message = _scrub(str(exc) or type(exc).__name__, work_dir)[:2000]
    return {
        "ok": False,
        "kind": kind,
        "exception_type": type(exc).__name__,
        "message": message,
        "line": line,
        "traceback": _scrub(text, work_dir)[-6000:],
        "hint": hint,
    }


def _latex_errors(message: str, work: Path) -> str:
    """The `!` lines of the LaTeX log a Manim error message points to (bounded)."""
    if "latex error" not in message.lower() or ".log" not in message:
        return ""
    name = message.rsplit(".log", 1)[0].split()[-1] + ".log"
    path = (work / name).resolve()
    if not path.is_relative_to(work.resolve()):
        return ""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    errors = [line.strip() for line in lines if line.startswith("!")]
    return " ".join(errors[:3])[:500]


def _remux_faststart(src: Path, dst: Path) -> int:
    """Copy the video stream into `dst` with the index first; return the packet count."""
    import av

    count = 0
    with (
        av.open(str(src)) as inp,
        av.open(str(dst), mode="w", options={"movflags": "+faststart"}) as out,
    ):
        istream = inp.streams.video[0]
        ostream = out.add_stream_from_template(template=istream)
        for packet in inp.demux(istream):
            if packet.dts is None:
                continue  # the flush packet
            packet.stream = ostream
            out.mux(packet)
            count += 1
    return count


def _load_scene_class(code: str, scene_class: str | None) -> type:
    from manim import Scene

    # Tracebacks show the scene's lines without a scene file (mtime None: never stale).
    linecache.cache[USER_FILENAME] = (len(code), None, code.splitlines(True), USER_FILENAME)
    compiled: CodeType = compile(code, USER_FILENAME, "exec")
    namespace: dict[str, Any] = {"__name__": "tutor_scene", "__file__": USER_FILENAME}
    exec(compiled, namespace)  # noqa: S102 - untrusted code, inside the sandbox
    if scene_class is not None:
        cls = namespace.get(scene_class)
        if not (isinstance(cls, type) and issubclass(cls, Scene)):
            raise LookupError(f"the code defines no Scene subclass named {scene_class!r}")
        return cls
    found = [
        v
        for k, v in namespace.items()
        if isinstance(v, type)
        and issubclass(v, Scene)
        and getattr(v, "__module__", None) == "tutor_scene"
    ]
    if len(found) != 1:
        raise LookupError(f"expected exactly one Scene subclass, found {len(found)}")
    return found[0]


def _cpu_seconds() -> float:
    """CPU time of this process and the programs it waited for (LaTeX), user + system."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def run(job: dict[str, Any]) -> dict[str, Any]:
    """Render one job (already inside the sandbox); return the result document."""
    work = Path(job["work_dir"])
    _set_limits(job.get("limits", {}))
    os.chdir(work)
    started = time.monotonic()
    try:
        import manim
        from manim import config, tempconfig

        config.verbosity = "ERROR"
        config.progress_bar = "none"
        _patch_frame_timing(int(job["fps"]))
    except Exception as exc:  # a broken install, not the user's fault
        return _error("crash", exc, work, "reinstall manim: `pip install manim`")
    if job.get("guard", True):
        read_roots = [
            sys.prefix,
            sys.base_prefix,
            sys.exec_prefix,
            os.path.dirname(os.path.dirname(manim.__file__)),
            "/usr",
            "/etc/fonts",
            "/var/cache/fontconfig",
            *[p for p in sys.path if p and os.path.isdir(p)],
        ]
        guard = _Guard(work, read_roots)
        sys.addaudithook(guard.hook)
        _guard_fork_exec(guard)
        _guard_av_open(guard)
        sys.meta_path.insert(0, _ImportBlocker())
    code = str(job["code"])
    try:
        cls = _load_scene_class(code, job.get("scene_class"))
        with tempconfig(
            {
                "pixel_width": int(job["width"]),
                "pixel_height": int(job["height"]),
                "frame_rate": int(job["fps"]),
                "media_dir": str(work / "media"),
                "disable_caching": True,
                "progress_bar": "none",
                "verbosity": "ERROR",
                "write_to_movie": True,
                "format": "mp4",
                "output_file": "scene",
            }
        ):
            scene = cls()
            scene.render()
            movie = Path(scene.renderer.file_writer.movie_file_path)
            seconds = float(scene.renderer.time)
    except GuardViolation as exc:
        return _error(
            "policy",
            exc,
            work,
            "the sandbox refused an operation: scenes may only build Manim objects and "
            "animate them (no files, programs or network)",
        )
    except MemoryError as exc:
        return _error(
            "resource-limit",
            exc,
            work,
            "the scene used too much memory: draw fewer or simpler objects",
        )
    except OSError as exc:
        hint = None
        if getattr(exc, "errno", None) == 27:  # EFBIG from RLIMIT_FSIZE
            hint = "the scene wrote a file over the size limit"
            return _error("resource-limit", exc, work, hint)
        return _error("exception", exc, work, "fix the error in the scene code")
    except Exception as exc:
        doc = _error("exception", exc, work, "fix the error at the line shown and render again")
        tex = _latex_errors(str(exc), work)
        if tex:
            # The log Manim points to lives in the sandbox and is gone afterwards.
            doc["message"] = (doc["message"] + "\nLaTeX said: " + tex)[:2000]
            doc["hint"] = "fix the formula, or use the `article` template (see docs/rendering.md)"
        return doc
    out = work / "out.mp4"
    try:
        if not movie.is_file():
            raise FileNotFoundError("Manim wrote no movie: the scene has no animations or waits")
        frames = _remux_faststart(movie, out)
    except Exception as exc:
        return _error(
            "output", exc, work, "add at least one animation or `self.wait()` to the scene"
        )
    return {
        "ok": True,
        "path": out.name,
        "frames": frames,
        "seconds": seconds,
        "render_seconds": time.monotonic() - started,
        "cpu_seconds": _cpu_seconds(),
    }


def _read_job() -> dict[str, Any]:
    raw = sys.stdin.buffer.read(JOB_LIMIT + 1)
    if len(raw) > JOB_LIMIT:
        raise ValueError(f"the job is over {JOB_LIMIT} bytes")
    job = json.loads(raw.decode("utf-8"))
    if not isinstance(job, dict):
        raise ValueError("the job is not a JSON object")
    return job


def main() -> int:
    """Entry point: read the job from stdin, render, send the result to the parent."""
    # The result goes back on the stdout pipe; keep it on a private descriptor (not
    # inherited by LaTeX) and send whatever Manim or the scene prints to the log pipe.
    result_fd = os.dup(1)
    os.dup2(2, 1)
    work = Path.cwd()
    movie: str | None = None
    try:
        job = _read_job()
        work = Path(job["work_dir"])
        result = run(job)
        if result.get("ok"):
            movie = str(work / result.pop("path"))
    except BaseException as exc:  # SystemExit, KeyboardInterrupt from scene code
        result = _error("exception", exc, work, "do not exit the process")
    try:
        send_result(result_fd, result, movie)
    except OSError as exc:
        print(f"cannot send the result: {exc}", file=sys.stderr)
        return 3
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
