"""The tutor plugin: `tutor serve|worker|token`, the `celery` queue, and status events."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tutor_core.hookspecs import hookimpl
from tutor_core.models import SceneStatus

if TYPE_CHECKING:
    from collections.abc import Callable

    import typer

    from tutor_core.models import Scene, SessionStatus, VideoSession
    from tutor_core.settings import Settings

_render_started: dict[str, float] = {}


def _celery_factory(settings: Settings) -> Any:
    from tutor_server.celery_queue import CeleryQueue
    from tutor_server.settings import ServerSettings

    return CeleryQueue(ServerSettings())


@hookimpl
def register_queues(register: Callable[..., None]) -> None:
    register(
        "celery",
        _celery_factory,
        "Celery workers on a Redis broker (TUTOR_REDIS_URL); start them with `tutor worker`",
    )


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from tutor_server import cli as commands

    commands.register(cli)


@hookimpl
def session_status_changed(session: VideoSession, old: SessionStatus, new: SessionStatus) -> Any:
    from tutor_server import events

    if not events.has_sinks():
        return None
    return events.publish(session)


@hookimpl
def scene_status_changed(scene: Scene, old: SceneStatus, new: SceneStatus) -> Any:
    from tutor_server import events
    from tutor_server.observability import ERRORS, RENDER_SECONDS

    if new == SceneStatus.ERROR:
        # The pipeline does not raise for a scene that failed: count it here.
        ERRORS.labels(kind="SceneFailed").inc()
    if new == SceneStatus.RENDERING:
        _render_started[scene.id] = time.monotonic()
    elif old == SceneStatus.RENDERING and scene.id in _render_started:
        RENDER_SECONDS.observe(time.monotonic() - _render_started.pop(scene.id))
    if not events.has_sinks():
        return None
    return events.publish(scene)
