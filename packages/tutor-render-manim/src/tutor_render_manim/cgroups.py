"""A cgroup per render: caps its process count and total memory, and kills all of it.

Rlimits are per process (and `RLIMIT_NPROC` does not bind root), so they cannot cap
a render that forks; a control group can. Each render gets its own group under the
worker's own cgroup (so any limit the host puts on the worker still applies), in
every hierarchy that carries the `pids` or `memory` controller:

- cgroup v1 (`/sys/fs/cgroup/pids`, `/sys/fs/cgroup/memory`): `pids.max`,
  `memory.limit_in_bytes` (+ `memory.memsw.limit_in_bytes`, so swap does not extend it);
- cgroup v2: `pids.max`, `memory.max`, `memory.swap.max`, and `cgroup.kill`.

The render joins its groups before it starts: the sandbox launches it through a
one-line shell that writes its own pid into each group's `cgroup.procs` and then
execs bubblewrap, so every process of the render is born inside the groups.

Where no hierarchy is writable (not root, no delegation), `cgroup_support()` says so
and `tutor doctor` reports which limits are missing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

CONTROLLERS = ("pids", "memory")
GROUP_PREFIX = "tutor-render-"


@dataclass(frozen=True)
class Hierarchy:
    """One place where render groups are created.

    Attributes:
        version: 1 or 2.
        controllers: the controllers of ours this hierarchy carries.
        base: the worker's own cgroup directory in it (render groups go below).
    """

    version: int
    controllers: tuple[str, ...]
    base: Path


@dataclass(frozen=True)
class CgroupSupport:
    """Which per-render cgroup limits work on this host."""

    hierarchies: tuple[Hierarchy, ...]
    detail: str

    @property
    def pids(self) -> bool:
        """Whether the process count of a render can be capped."""
        return any("pids" in h.controllers for h in self.hierarchies)

    @property
    def memory(self) -> bool:
        """Whether the total memory of a render can be capped."""
        return any("memory" in h.controllers for h in self.hierarchies)


def _mounts() -> list[tuple[str, str, str, set[str]]]:
    """(mount point, mount root, fstype, super options) of every cgroup mount."""
    found = []
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        fields = left.split()
        fstype, _source, *rest = right.split()
        if fstype not in ("cgroup", "cgroup2") or len(fields) < 5:
            continue
        options = set(rest[0].split(",")) if rest else set()
        found.append((fields[4], fields[3], fstype, options))
    return found


def _own_paths() -> dict[str, str]:
    """The worker's cgroup path per v1 controller, and under key '' for v2."""
    paths: dict[str, str] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return paths
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _hid, controllers, path = parts
        if not controllers:
            paths[""] = path
        for name in controllers.split(","):
            paths[name] = path
    return paths


def _base(mount: str, mount_root: str, own: str) -> Path:
    rel = own
    if mount_root != "/" and (own == mount_root or own.startswith(mount_root + "/")):
        rel = own[len(mount_root) :]
    return Path(mount) / rel.lstrip("/")


def _try_group(base: Path) -> str | None:
    """Create and remove a probe group under `base`; None when that works."""
    probe = base / f"{GROUP_PREFIX}probe-{os.getpid()}-{secrets.token_hex(3)}"
    try:
        probe.mkdir()
    except OSError as exc:
        return f"cannot create a group in {base}: {exc.strerror}"
    with contextlib.suppress(OSError):
        probe.rmdir()
    return None


def _v2_enable(base: Path) -> str | None:
    """Make `pids` and `memory` available to groups under `base` (v2); None when done."""
    try:
        available = set((base / "cgroup.controllers").read_text().split())
        enabled = set((base / "cgroup.subtree_control").read_text().split())
    except OSError as exc:
        return f"cannot read {base}: {exc.strerror}"
    missing = [c for c in CONTROLLERS if c not in available]
    if missing:
        return f"the v2 controllers {', '.join(missing)} are not available in {base}"
    wanted = [c for c in CONTROLLERS if c not in enabled]
    if not wanted:
        return None
    try:
        (base / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted))
    except OSError as exc:
        why = (
            "the worker's own cgroup holds processes (run it in a delegated cgroup, "
            "e.g. systemd Delegate=yes)"
            if exc.errno == errno.EBUSY
            else exc.strerror
        )
        return f"cannot enable {', '.join(wanted)} in {base}: {why}"
    return None


@cache
def cgroup_support() -> CgroupSupport:
    """Probe (once per process) where per-render cgroups can be created."""
    if not Path("/proc/self/cgroup").exists():
        return CgroupSupport((), "no cgroups on this system")
    own = _own_paths()
    mounts = _mounts()
    hierarchies: list[Hierarchy] = []
    problems: list[str] = []
    covered: set[str] = set()
    for mount, root, fstype, options in mounts:
        if fstype != "cgroup":
            continue
        mine = tuple(c for c in CONTROLLERS if c in options and c not in covered)
        if not mine:
            continue
        base = _base(mount, root, own.get(mine[0], "/"))
        problem = _try_group(base)
        if problem:
            problems.append(problem)
            continue
        hierarchies.append(Hierarchy(1, mine, base))
        covered.update(mine)
    v2 = next((m for m in mounts if m[2] == "cgroup2"), None)
    if v2 is not None and len(covered) < len(CONTROLLERS):
        base = _base(v2[0], v2[1], own.get("", "/"))
        problem = _v2_enable(base) or _try_group(base)
        if problem:
            problems.append(problem)
        else:
            mine = tuple(c for c in CONTROLLERS if c not in covered)
            hierarchies.append(Hierarchy(2, mine, base))
            covered.update(mine)
    for hierarchy in hierarchies:
        remove_stale_groups(hierarchy.base)
    if len(covered) == len(CONTROLLERS):
        versions = sorted({h.version for h in hierarchies})
        detail = "cgroup " + "+".join(f"v{v}" for v in versions)
    elif covered:
        detail = f"only {', '.join(sorted(covered))}; " + "; ".join(problems)
    else:
        detail = "; ".join(problems) or "no pids or memory cgroup controller is mounted"
    return CgroupSupport(tuple(hierarchies), detail)


def remove_stale_groups(base: Path) -> list[Path]:
    """Remove the empty render groups of worker processes that no longer exist.

    A worker killed outright cannot remove its groups; its renders died with it
    (`--die-with-parent`), so the groups are empty and `rmdir` takes them.
    """
    removed: list[Path] = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for path in entries:
        parts = path.name[len(GROUP_PREFIX) :].split("-")
        if not path.name.startswith(GROUP_PREFIX) or not parts[0].isdigit():
            continue
        try:
            os.kill(int(parts[0]), 0)
            continue  # its worker still runs
        except ProcessLookupError:
            pass
        except (PermissionError, OverflowError):
            continue
        with contextlib.suppress(OSError):
            path.rmdir()  # refused while a process is in it
            removed.append(path)
    return removed


@dataclass
class CgroupStats:
    """What a render's groups recorded."""

    oom_killed: bool = False
    """The kernel killed a process of the render at the memory limit."""
    pids_limited: bool = False
    """A fork or thread was refused at the process limit."""
    memory_peak: int | None = None


def _read_counter(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


@dataclass
class RenderCgroup:
    """The groups of one render (one per hierarchy), created with their limits."""

    groups: list[tuple[Hierarchy, Path]] = field(default_factory=list)

    @classmethod
    def create(
        cls, support: CgroupSupport, *, pids: int | None, memory: int | None
    ) -> RenderCgroup:
        """Create the groups and write the limits (raise OSError when that fails)."""
        name = f"{GROUP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
        made = cls()
        try:
            for hierarchy in support.hierarchies:
                path = hierarchy.base / name
                path.mkdir(mode=0o755)
                made.groups.append((hierarchy, path))
                if "pids" in hierarchy.controllers and pids is not None:
                    (path / "pids.max").write_text(str(pids))
                if "memory" in hierarchy.controllers and memory is not None:
                    _write_memory(hierarchy.version, path, memory)
        except OSError:
            made.remove()
            raise
        return made

    @property
    def procs_files(self) -> list[str]:
        """The `cgroup.procs` files a process writes its pid into to join."""
        return [str(path / "cgroup.procs") for _h, path in self.groups]

    def pids(self) -> set[int]:
        """Every process currently in the groups."""
        found: set[int] = set()
        for _h, path in self.groups:
            with contextlib.suppress(OSError, ValueError):
                found.update(int(p) for p in (path / "cgroup.procs").read_text().split())
        return found

    def kill(self, timeout: float = 5.0) -> bool:
        """SIGKILL every process in the groups until none is left; True when empty."""
        for hierarchy, path in self.groups:
            if hierarchy.version == 2 and (path / "cgroup.kill").exists():
                with contextlib.suppress(OSError):
                    (path / "cgroup.kill").write_text("1")
        deadline = time.monotonic() + timeout
        while True:
            left = self.pids()
            if not left:
                return True
            for pid in left:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)

    def stats(self) -> CgroupStats:
        """OOM kills, refused forks and peak memory, as far as the hierarchy reports them."""
        stats = CgroupStats()
        for hierarchy, path in self.groups:
            if "pids" in hierarchy.controllers:
                stats.pids_limited |= _read_counter(path / "pids.events", "max") > 0
            if "memory" not in hierarchy.controllers:
                continue
            if hierarchy.version == 1:
                stats.oom_killed |= _read_counter(path / "memory.oom_control", "oom_kill") > 0
                stats.memory_peak = _read_int(path / "memory.max_usage_in_bytes")
            else:
                stats.oom_killed |= _read_counter(path / "memory.events", "oom_kill") > 0
                stats.memory_peak = _read_int(path / "memory.peak")
        return stats

    def remove(self) -> None:
        """Kill what is left and remove the groups (best effort, bounded)."""
        if self.groups:
            self.kill()
        for _h, path in reversed(self.groups):
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
        self.groups = []


def _write_memory(version: int, path: Path, limit: int) -> None:
    if version == 1:
        (path / "memory.limit_in_bytes").write_text(str(limit))
        swap = path / "memory.memsw.limit_in_bytes"
        if swap.exists():
            # Memory + swap: without it a render could spill into swap past its limit.
            with contextlib.suppress(OSError):
                swap.write_text(str(limit))
        return
    (path / "memory.max").write_text(str(limit))
    swap = path / "memory.swap.max"
    if swap.exists():
        with contextlib.suppress(OSError):
            swap.write_text("0")


def join_command(procs_files: list[str], command: list[str]) -> list[str]:
    """`command`, started so that it is inside the groups before it runs.

    A shell writes its own pid into each `cgroup.procs`, then execs the command (the
    pid stays the same), so nothing of the render ever runs outside its groups. Exit
    status 125 means joining failed.
    """
    if not procs_files:
        return command
    script = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'
    return ["/bin/sh", "-c", script, "tutor-cgroup", *procs_files, "--", *command]
