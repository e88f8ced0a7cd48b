"""The OS boundary: the bubblewrap command line that a render child runs under.

What the child gets (`bwrap_command`):

- its own user, PID, network, IPC, UTS and cgroup namespaces (`--unshare-all`), no
  capabilities (`--cap-drop ALL`), no further user namespaces (`--disable-userns`),
  a new session (no terminal injection), and death with its parent;
- a root file system that is an empty read-only tmpfs holding read-only binds of just
  what rendering needs: `/usr` (programs, libraries, fonts, the TeX tree), the Python
  prefix and the virtual environment, the packages and modules in the directories
  on the child's `sys.path` outside them (editable workspace sources), a few `/etc`
  and `/var` pieces (`READ_ONLY_EXTRA`); `/root`, `/home`, the rest of `/etc`, other
  `/tmp` entries, sockets and the host's `/proc` are simply absent;
- a fresh `/proc` of its own PID namespace, a minimal read-only `/dev`;
- one writable place, `/tmp`, a tmpfs capped at the render's disk limit, holding the
  work directory `WORK_DIR` (and, read-only on top of it, the interpreter or sources
  when the checkout itself lives under `/tmp`);
- an empty environment plus what Manim needs (`child_env`).

The binds are locked: the kernel refuses to remount them writable inside the user
namespace. Everything of the render dies with the PID namespace's init.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

SANDBOX_TMP = "/tmp"
"""The only writable mount inside the boundary (a size-capped tmpfs)."""
WORK_DIR = "/tmp/render"
"""The child's work directory inside the boundary."""

READ_ONLY_EXTRA: tuple[str, ...] = (
    "/etc/fonts",  # fontconfig configuration (Pango text)
    "/etc/texmf",  # TeX configuration (texmf.cnf is a link into it)
    "/etc/ld.so.cache",  # faster library loading; lists library paths only
    "/var/cache/fontconfig",  # font cache: no font scan at every render
    "/var/lib/texmf",  # LaTeX formats (latex.fmt) and file name databases
)
"""Host paths outside /usr and Python that rendering reads. Nothing else of /etc: it
holds host secrets (shadow, ssh keys, service credentials)."""

ROOT_LINKS: tuple[str, ...] = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
"""Top-level paths that are symlinks into /usr on merged-/usr systems (mirrored)."""

BWRAP_FIX = (
    "install bubblewrap (apt-get install bubblewrap) and allow user namespaces "
    "(sysctl user.max_user_namespaces=15000; on Debian/Ubuntu also "
    "kernel.unprivileged_userns_clone=1)"
)


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(path)


def _under(path: str, roots: Sequence[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


@cache
def child_sys_path() -> tuple[str, ...]:
    """The module search path of `python -I` here (probed once), existing entries only.

    Editable installs add their source directories through `.pth` files; the child
    needs exactly those, not the checkout around them.
    """
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", "import sys, json; print(json.dumps(sys.path))"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
            env={"PATH": os.defpath},
        )
        entries = json.loads(proc.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        entries = list(sys.path)
    return tuple(e for e in entries if isinstance(e, str) and e and os.path.exists(e))


def importable(directory: str) -> list[str]:
    """The packages and modules in a `sys.path` directory, nothing else in it.

    An editable install may put a whole checkout on the path; the child needs its
    code, not its `.env`, `.git` or data files.
    """
    found = []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    for name in names:
        path = os.path.join(directory, name)
        if name.startswith("."):
            continue
        if os.path.isdir(path) and name.isidentifier():
            found.append(path)  # a package (namespace packages have no __init__.py)
        elif name.endswith((".py", ".so", ".pyd")) and os.path.isfile(path):
            found.append(path)
    return found


def read_only_binds() -> list[tuple[str, str]]:
    """(host source, sandbox destination) of every read-only bind, outermost first.

    Destinations keep the host path, so the interpreter and the virtual environment
    find each other exactly as outside (a venv records its base interpreter's path).
    """
    binds: list[tuple[str, str]] = [("/usr", "/usr")]
    roots = ["/usr"]

    def add(path: str) -> None:
        dest = os.path.abspath(path)
        if _under(dest, roots) or not os.path.exists(dest):
            return
        binds.append((_real(dest), dest))
        roots.append(dest)

    for prefix in (sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix):
        add(prefix)
    for entry in child_sys_path():
        if not _under(os.path.abspath(entry), roots):
            for path in importable(entry):
                add(path)
    for extra in READ_ONLY_EXTRA:
        add(extra)
    return binds


def _root_links() -> list[str]:
    args: list[str] = []
    for path in ROOT_LINKS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args


@dataclass(frozen=True)
class BwrapInfo:
    """Whether bubblewrap runs the render child here, and why not."""

    ok: bool
    detail: str
    path: str | None = None
    version: tuple[int, ...] = ()


def _version(exe: str) -> tuple[int, ...]:
    try:
        out = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
    return tuple(int(g) for g in match.groups() if g is not None) if match else ()


def bwrap_command(
    exe: str,
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    disk_limit: int | None,
    version: tuple[int, ...] = (0, 8),
) -> list[str]:
    """The full bubblewrap command line that runs `command` inside the boundary."""
    args = [
        exe,
        "--unshare-all",
        "--unshare-user",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--hostname",
        "render",
    ]
    if version >= (0, 8):
        args.append("--disable-userns")
    # A checkout or virtual environment under /tmp is bound after the tmpfs that
    # becomes the sandbox's /tmp, or the tmpfs would hide it (and the interpreter).
    binds = read_only_binds()
    inside_tmp = [(s, d) for s, d in binds if _under(d, [SANDBOX_TMP])]
    for src, dest in binds:
        if (src, dest) not in inside_tmp:
            args += ["--ro-bind", src, dest]
    args += _root_links()
    args += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev"]
    if disk_limit is not None:
        args += ["--size", str(disk_limit)]
    args += ["--perms", "0700", "--tmpfs", SANDBOX_TMP]
    for src, dest in inside_tmp:
        args += ["--ro-bind", src, dest]
    args += ["--perms", "0700", "--dir", WORK_DIR]
    args += ["--remount-ro", "/", "--chdir", WORK_DIR, "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return [*args, "--", *command]


PROBE_CODE = (
    "import os, sys\n"
    "assert os.getpid() <= 3, 'no PID namespace'\n"
    "open(os.path.join(os.getcwd(), 'probe'), 'w').write('ok')\n"
    "try:\n    open(sys.prefix + '/tutor-probe', 'w')\n"
    "except OSError:\n    print('ok')\n"
)
"""Checks the three things a render relies on: own PID namespace, writable work
directory, read-only Python."""


@cache
def bwrap_info() -> BwrapInfo:
    """Probe (once per process) that bubblewrap can run the render child here."""
    if not sys.platform.startswith("linux"):
        return BwrapInfo(False, f"bubblewrap needs Linux (this is {sys.platform})")
    exe = shutil.which("bwrap")
    if exe is None:
        return BwrapInfo(False, "bwrap is not installed")
    version = _version(exe)
    cmd = bwrap_command(
        exe,
        [sys.executable, "-I", "-c", PROBE_CODE],
        env={"PATH": "/usr/bin:/bin"},
        disk_limit=1024 * 1024,
        version=version,
    )
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=60, check=False, env={"PATH": os.defpath}
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return BwrapInfo(False, f"bwrap did not start: {exc}", exe, version)
    if proc.returncode != 0 or proc.stdout.strip() != "ok":
        why = (proc.stderr.strip().splitlines() or ["no output"])[-1][:300]
        return BwrapInfo(False, f"bwrap cannot run a render here: {why}", exe, version)
    shown = ".".join(str(v) for v in version) or "?"
    return BwrapInfo(True, f"bubblewrap {shown}", exe, version)
