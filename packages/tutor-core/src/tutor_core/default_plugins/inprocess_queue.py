"""Default job queue: in-process, bounded concurrency."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor_core.settings import Settings


def _factory(settings: Settings) -> Any:
    from tutor_core.queues.inprocess import InProcessQueue

    return InProcessQueue(concurrency=settings.concurrency)


@hookimpl(trylast=True)
def register_queues(register: Callable[..., None]) -> None:
    register("inprocess", _factory, "runs jobs in this process (anyio tasks)")
