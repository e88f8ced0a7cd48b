"""The topic library and the keyword matcher that picks a topic for a prompt."""

from __future__ import annotations

import re

from tutor_core.agents.lesson.topics.base import Context, Core, Topic
from tutor_core.agents.lesson.topics.binary_search import BINARY_SEARCH
from tutor_core.agents.lesson.topics.circle_area import CIRCLE_AREA
from tutor_core.agents.lesson.topics.derivative import DERIVATIVE
from tutor_core.agents.lesson.topics.fourier import FOURIER
from tutor_core.agents.lesson.topics.integral import INTEGRAL
from tutor_core.agents.lesson.topics.limits import LIMITS
from tutor_core.agents.lesson.topics.matrices import MATRICES
from tutor_core.agents.lesson.topics.newton import NEWTON
from tutor_core.agents.lesson.topics.probability import PROBABILITY
from tutor_core.agents.lesson.topics.pythagoras import PYTHAGORAS
from tutor_core.agents.lesson.topics.quadratic import QUADRATIC
from tutor_core.agents.lesson.topics.recursion import RECURSION
from tutor_core.agents.lesson.topics.sorting import SORTING
from tutor_core.agents.lesson.topics.unit_circle import UNIT_CIRCLE
from tutor_core.agents.lesson.topics.vectors import VECTORS

TOPICS: tuple[Topic, ...] = (
    PYTHAGORAS, DERIVATIVE, INTEGRAL, UNIT_CIRCLE, LIMITS, QUADRATIC, CIRCLE_AREA, FOURIER,
    VECTORS, MATRICES, BINARY_SEARCH, SORTING, RECURSION, PROBABILITY, NEWTON,
)  # fmt: skip
"""Every built-in topic, one module each."""


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    return re.sub(r"\s+", " ", text)


def match_topic(prompt: str) -> Topic | None:
    """The topic a prompt is about, or None when no keyword matches.

    Each keyword found as a whole phrase scores its length in characters, so
    specific phrases ("unit circle") beat generic words ("circle", "area").
    """
    text = _normalise(prompt)
    best: tuple[int, Topic] | None = None
    for topic in TOPICS:
        score = 0
        for kw in topic.keywords:
            pattern = r"(?<![\w^])" + re.escape(kw) + r"(?:s|es)?(?![\w^])"
            if re.search(pattern, text):
                score += len(kw)
        if score and (best is None or score > best[0]):
            best = (score, topic)
    return best[1] if best else None


def topic_of_scene(title: str, narration: str, texts: list[str]) -> Topic | None:
    """The library topic a scene belongs to, judged from its title, narration and texts."""
    haystack = " ".join([title, narration, *texts]).replace("_", " ")
    return match_topic(haystack)


def get_topic(key: str) -> Topic:
    """The topic with this key (KeyError if none)."""
    for t in TOPICS:
        if t.key == key:
            return t
    raise KeyError(key)


__all__ = ["TOPICS", "Context", "Core", "Topic", "get_topic", "match_topic", "topic_of_scene"]
