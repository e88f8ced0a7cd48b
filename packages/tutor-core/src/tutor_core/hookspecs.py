"""Hook specifications: what a tutor plugin can implement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pluggy import HookimplMarker, HookspecMarker

if TYPE_CHECKING:
    from collections.abc import Callable

    import typer

    from tutor_core.models import Scene, SceneStatus, SessionStatus, VideoSession

hookspec = HookspecMarker("tutor")
hookimpl = HookimplMarker("tutor")


@hookspec
def register_renderers(register: Callable[..., None]) -> None:
    """Register renderers: `register(name, factory, description=...)`."""


@hookspec
def register_storages(register: Callable[..., None]) -> None:
    """Register storages: `register(name, factory, description=...)`."""


@hookspec
def register_agents(register: Callable[..., None]) -> None:
    """Register agents: `register(name, factory, description=...)`."""


@hookspec
def register_stores(register: Callable[..., None]) -> None:
    """Register stores: `register(name, factory, description=...)`."""


@hookspec
def register_narrators(register: Callable[..., None]) -> None:
    """Register narrators: `register(name, factory, description=...)`."""


@hookspec
def register_queues(register: Callable[..., None]) -> None:
    """Register job queues: `register(name, factory, description=...)`."""


@hookspec
def register_commands(cli: typer.Typer) -> None:
    """Add commands to the `tutor` CLI."""


@hookspec
def session_status_changed(session: VideoSession, old: SessionStatus, new: SessionStatus) -> Any:
    """Called after a session's status changed (may return an awaitable)."""


@hookspec
def scene_status_changed(scene: Scene, old: SceneStatus, new: SceneStatus) -> Any:
    """Called after a scene's status changed (may return an awaitable)."""


@hookspec
def doctor_checks() -> Any:
    """Return a list of `tutor_core.doctor.Check` for `tutor doctor` (Manim, LaTeX...)."""
