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

    return ManimRenderer(cache_dir=settings.cache_root / "renders", timeout=settings.render_timeout)


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


def _filesystem_check() -> Check:
    from tutor_render_manim.sandbox import filesystem_isolation_available

    if filesystem_isolation_available():
        return Check(
            "render file-system isolation",
            "ok",
            "renders see a read-only file system except their own work directory",
        )
    return Check(
        "render file-system isolation",
        "warning",
        "a private read-only mount namespace does not work here: renders rely on the code "
        "policy and the runtime guard to leave host files alone",
        "install util-linux (unshare, mount) and allow unprivileged user namespaces",
    )


def _isolation_check() -> Check:
    from tutor_render_manim.sandbox import network_isolation_available

    if network_isolation_available():
        return Check(
            "render network isolation",
            "ok",
            "renders run in a private network namespace (unshare --user --net)",
        )
    return Check(
        "render network isolation",
        "warning",
        "`unshare --user --map-root-user --net` does not work here: renders rely on the "
        "code policy and the runtime guard to stay off the network",
        "install util-linux and allow unprivileged user namespaces "
        "(sysctl kernel.unprivileged_userns_clone=1)",
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
    """Manim version, LaTeX, network isolation and rlimits for `tutor doctor`."""
    return [
        _manim_check(),
        _tex_check(),
        _isolation_check(),
        _filesystem_check(),
        _rlimit_check(),
    ]


@hookimpl()
def register_commands(cli: typer.Typer) -> None:
    """Add `tutor render`."""
    from tutor_render_manim.cli import add_render_command

    add_render_command(cli)
