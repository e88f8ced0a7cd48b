"""Built-in agents that need no network (the offline lesson agent)."""

from tutor_core.agents.lesson import LessonAgent

__all__ = ["LessonAgent"]
