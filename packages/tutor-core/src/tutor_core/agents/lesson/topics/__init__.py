"""The topic library and the keyword matcher that picks a topic for a prompt."""

from __future__ import annotations

import re

from tutor_core.agents.lesson.topics import cs, linear, math, science
from tutor_core.agents.lesson.topics.base import Context, Core, Topic

TOPICS: tuple[Topic, ...] = (*math.TOPICS, *linear.TOPICS, *cs.TOPICS, *science.TOPICS)
"""Every built-in topic."""


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


def get_topic(key: str) -> Topic:
    """The topic with this key (KeyError if none)."""
    for t in TOPICS:
        if t.key == key:
            return t
    raise KeyError(key)


__all__ = ["TOPICS", "Context", "Core", "Topic", "get_topic", "match_topic"]
