"""The `manim` tutor plugin: registers the renderer, its doctor checks and `tutor render`.

Imported at start-up by every `tutor` process, so it must stay cheap: the renderer,
Manim and the CLI command are imported only when used.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

from tutor_core.doctor import Check
from tutor_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    import typer

    from tutor_core.settings import Settings

TEX_FIX = "apt-get install texlive-latex-base dvisvgm"


def _factory(settings: Settings) -> Any:
    from tutor_render_manim.renderer import ManimRenderer

    return ManimRenderer(
        cache_dir=settings.cache_root / "renders",
        timeout=settings.render_timeout,
        allow_unsandboxed_code=settings.allow_unsandboxed_code,
    )


@hookimpl()
def register_renderers(register: Callable[..., None]) -> None:
    """Register the Manim renderer under the name `manim`."""
    register(
        "manim",
        _factory,
        "Manim (Cairo) scenes rendered in a sandboxed child process, with a render cache",
    )


def _manim_check() -> Check:
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("manim")
    except PackageNotFoundError:
        return Check("manim", "missing", "Manim is not installed", "pip install tutor-render-manim")
    major_minor = tuple(int(p) for p in v.split(".")[:2] if p.isdigit())
    if major_minor < (0, 19):
        return Check("manim", "warning", f"Manim {v} is older than 0.19", "pip install -U manim")
    return Check("manim", "ok", f"Manim {v}")


def _tex_check() -> Check:
    missing = [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]
    if missing:
        return Check(
            "latex",
            "warning",
            f"{' and '.join(missing)} not on PATH: equations use the text fallback",
            TEX_FIX,
        )
    return Check("latex", "ok", "latex and dvisvgm found: equations are typeset with TeX")


def _boundary_check() -> Check:
    from tutor_render_manim.boundary import ALLOW_SETTING, boundary_status
    from tutor_render_manim.bwrap import BWRAP_FIX
    from tutor_render_manim.sandbox import SandboxLimits

    status = boundary_status()
    if status.enforced:
        disk = SandboxLimits().disk
        cap = f"a {disk // 1024**2} MiB" if disk else "an unlimited"
        return Check(
            "render boundary",
            "ok",
            f"{status.bwrap.detail}: renders run in their own PID, network, IPC and user "
            "namespaces with no capabilities, see only Python, fonts and TeX (read-only), "
            f"and write only to {cap} tmpfs",
        )
    return Check(
        "render boundary",
        "warning",
        f"NO OS boundary ({status.bwrap.detail}): renders fall back to "
        f"{', '.join(status.layers())}; generated code is refused unless "
        f"{ALLOW_SETTING}=true",
        BWRAP_FIX,
    )


def _cgroup_check() -> Check:
    from tutor_render_manim.boundary import boundary_status
    from tutor_render_manim.sandbox import SandboxLimits

    cgroups = boundary_status().cgroups
    limits = SandboxLimits()
    parts = []
    if cgroups.pids:
        parts.append(f"at most {limits.pids} processes")
    if cgroups.memory and limits.memory:
        parts.append(f"{limits.memory // 1024**3} GiB of memory")
    if cgroups.pids and cgroups.memory:
        return Check(
            "render limits",
            "ok",
            f"a cgroup per render ({cgroups.detail}): {' and '.join(parts)} per render",
        )
    return Check(
        "render limits",
        "warning",
        f"per-render cgroup limits are incomplete ({cgroups.detail}): "
        + (f"only {' and '.join(parts)}; " if parts else "")
        + "a render's process count and total memory are capped only by the timeout",
        "run the worker as root or in a delegated cgroup (systemd Delegate=yes)",
    )


def _rlimit_check() -> Check:
    from tutor_render_manim.sandbox import rlimits_available

    ok, detail = rlimits_available()
    if ok:
        return Check("render rlimits", "ok", detail)
    return Check(
        "render rlimits",
        "warning",
        detail,
        "run on Linux or macOS, where `resource.setrlimit` is available",
    )


@hookimpl()
def doctor_checks() -> list[Any]:
    """Manim version, LaTeX, the render boundary and its limits for `tutor doctor`."""
    return [
        _manim_check(),
        _tex_check(),
        _boundary_check(),
        _cgroup_check(),
        _rlimit_check(),
    ]


@hookimpl()
def register_commands(cli: typer.Typer) -> None:
    """Add `tutor render`."""
    from tutor_render_manim.cli import add_render_command

    add_render_command(cli)
