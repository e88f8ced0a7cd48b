"""Fallback isolation with util-linux `unshare`, for hosts where bubblewrap cannot run.

Not a boundary: the child still sees the host's processes and can read every file the
worker's user can read. What it adds, when user namespaces work at all:

- no network (`--net`: a namespace whose only loopback is down);
- a read-only file system except the work directory: in a private mount namespace
  every mount is remounted read-only, then the child enters one more user namespace,
  which locks those mounts (the kernel refuses to make them writable again).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

READ_ONLY_WRAPPER = r"""
set -e
work=$1; shift
mount --bind "$work" "$work"
# Every other mount read-only (not /proc: the next step writes to it).
for m in $(awk '{print $5}' /proc/self/mountinfo); do
  case $m in /proc|/proc/*|"$work") continue ;; esac
  mount -o remount,bind,ro "$m" 2>/dev/null || true
done
# A nested user namespace locks these mounts: no remounting them writable inside.
exec unshare --user -- "$@"
"""
"""Runs inside the new mount namespace, then becomes the render child."""


def unshare_prefix(*, network: bool, filesystem: bool, work: Path) -> list[str]:
    """The command prefix that isolates what `network` and `filesystem` ask for."""
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
    """Whether the locked read-only mount namespace works here (probed once).

    The probe checks both halves: the work directory stays writable and a file
    beside it cannot be created.
    """
    if not sys.platform.startswith("linux"):
        return False
    if shutil.which("unshare") is None or shutil.which("mount") is None:
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
            *unshare_prefix(network=False, filesystem=True, work=work),
            sys.executable, "-I", "-c", script, str(work), str(outside),
        ]  # fmt: skip
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            return False
        return proc.returncode == 0 and (work / "inside").is_file() and not outside.exists()


@cache
def network_isolation_available() -> bool:
    """Whether `unshare --user --map-root-user --net` works here (probed once)."""
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
