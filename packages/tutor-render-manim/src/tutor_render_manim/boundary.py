"""What stands between generated scene code and the host, here: `boundary_status()`.

A server (or any embedder) calls `require_boundary` before it runs generated code:
without the OS boundary only lint layers (code policy, runtime guard) and rlimits
remain, and those are not a security boundary. Running anyway takes an explicit
setting (`Settings.allow_unsandboxed_code`, `TUTOR_ALLOW_UNSANDBOXED_CODE=true`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tutor_core.errors import ConfigurationError
from tutor_render_manim.bwrap import BWRAP_FIX, BwrapInfo, bwrap_info
from tutor_render_manim.cgroups import CgroupSupport, cgroup_support
from tutor_render_manim.unshare import filesystem_isolation_available, network_isolation_available


@dataclass(frozen=True)
class BoundaryStatus:
    """The containment in force for renders in this process.

    Attributes:
        bwrap: whether bubblewrap runs the render child (the OS boundary), and why not.
        cgroups: which per-render cgroup limits work.
        network_fallback: without bubblewrap, whether `unshare --net` still cuts the
            network.
        filesystem_fallback: without bubblewrap, whether a locked read-only mount
            namespace still protects host files.
    """

    bwrap: BwrapInfo
    cgroups: CgroupSupport
    network_fallback: bool = False
    filesystem_fallback: bool = False

    @property
    def enforced(self) -> bool:
        """True when generated code runs inside the OS boundary."""
        return self.bwrap.ok

    def without_bwrap(self) -> BoundaryStatus:
        """This host's status for a render that runs without bubblewrap (the fallback)."""
        if not self.enforced:
            return self
        return BoundaryStatus(
            BwrapInfo(False, "turned off for this render"),
            self.cgroups,
            network_fallback=network_isolation_available(),
            filesystem_fallback=filesystem_isolation_available(),
        )

    def layers(self) -> list[str]:
        """What is in force, one short phrase per layer."""
        if self.enforced:
            found = [
                f"{self.bwrap.detail} (own PID, network, IPC and user namespaces, "
                "no capabilities, read-only minimal file system, size-capped /tmp)"
            ]
        else:
            found = ["code policy and runtime guard (lint, not a boundary)", "rlimits"]
            if self.network_fallback:
                found.append("no network (unshare)")
            if self.filesystem_fallback:
                found.append("read-only host file system (unshare)")
        if self.cgroups.pids:
            found.append("per-render process cap (cgroup)")
        if self.cgroups.memory:
            found.append("per-render memory cap (cgroup)")
        return found

    def missing(self) -> list[str]:
        """What is not in force, with the reason."""
        gaps = []
        if not self.enforced:
            gaps.append(f"OS boundary: {self.bwrap.detail}")
        if not self.cgroups.pids or not self.cgroups.memory:
            gaps.append(f"cgroup limits: {self.cgroups.detail}")
        return gaps

    def describe(self) -> str:
        """One line for logs: what is in force and what is missing."""
        text = "in force: " + "; ".join(self.layers())
        if self.missing():
            text += " | missing: " + "; ".join(self.missing())
        return text


def boundary_status() -> BoundaryStatus:
    """Probe (once per process, then cached) what contains renders here."""
    info = bwrap_info()
    if info.ok:
        return BoundaryStatus(info, cgroup_support())
    return BoundaryStatus(
        info,
        cgroup_support(),
        network_fallback=network_isolation_available(),
        filesystem_fallback=filesystem_isolation_available(),
    )


ALLOW_SETTING = "TUTOR_ALLOW_UNSANDBOXED_CODE"


def require_boundary(
    *, allow_unsandboxed: bool, status: BoundaryStatus | None = None
) -> BoundaryStatus:
    """The status, or ConfigurationError when generated code would run without the boundary.

    Args:
        allow_unsandboxed: the operator's explicit choice to run generated code with
            only the lint layers (`Settings.allow_unsandboxed_code`).
        status: the status to judge; default `boundary_status()` of this host.
    """
    status = status or boundary_status()
    if status.enforced or allow_unsandboxed:
        return status
    raise ConfigurationError(
        "generated scene code cannot run here: the OS boundary around renders is not "
        f"available ({status.bwrap.detail})",
        hint=f"{BWRAP_FIX}; or accept the risk with {ALLOW_SETTING}=true "
        "(then only the code policy, the runtime guard and rlimits stand between the "
        "code and this machine)",
    )
