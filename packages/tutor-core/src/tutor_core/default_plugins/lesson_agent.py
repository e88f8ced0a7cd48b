"""Default agent: the offline lesson agent (templates + rules, no network)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor_core.settings import Settings


def _factory(settings: Settings) -> Any:
    from tutor_core.agents.lesson import LessonAgent

    return LessonAgent()


@hookimpl(trylast=True)
def register_agents(register: Callable[..., None]) -> None:
    register("lesson", _factory, "offline lesson agent: topic library + edit grammar on specs")
