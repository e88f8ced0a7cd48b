"""A scene being edited: its spec in dict form, narration and title, and what changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tutor_core.agents.lesson.targets import headline_index
from tutor_core.agents.lesson.text import split_sentences
from tutor_core.agents.lesson.topics import Topic
from tutor_core.errors import EditNotUnderstood

MAX_ELEMENTS = 8


@dataclass
class Draft:
    """A spec being edited, in dict form so intermediate states need not be valid.

    Attributes:
        data: the spec (`SceneSpec.model_dump()` form).
        narration: the narration, changed by narration edits.
        title: the scene's title (None keeps it).
        changes: one short description per applied clause.
        topic: the library topic the scene belongs to, if any (worked examples,
            glossary terms for narration variants).
        retimed: True when the narration changed, so the old sentence timings
            (`data["cues"]`) no longer apply.
    """

    data: dict[str, Any]
    narration: str
    title: str | None
    topic: Topic | None = None
    changes: list[str] = field(default_factory=list)
    retimed: bool = False

    def sentence_count(self) -> int:
        """How many narration sentences there are (at least 1)."""
        return max(len(split_sentences(self.narration)), 1)

    def element_index(self, element_id: str) -> int:
        """The index of an element by id (KeyError if none)."""
        for i, el in enumerate(self.data["elements"]):
            if el["id"] == element_id:
                return i
        raise KeyError(element_id)

    def new_id(self, base: str) -> str:
        """An element id based on `base` that no element has yet."""
        ids = {el["id"] for el in self.data["elements"]}
        if base not in ids:
            return base
        k = 2
        while f"{base}{k}" in ids:
            k += 1
        return f"{base}{k}"

    def append_animation(self, action: str, target: str, **extra: Any) -> None:
        """Add an animation on the last sentence (what the edit adds is shown last)."""
        self.data["animations"].append(
            {"action": action, "target": target, "run_time": 1.0,
             "cue": self.sentence_count() - 1, **extra}
        )  # fmt: skip

    def add_element(self, el: dict[str, Any], action: str) -> None:
        """Add an element and the animation that brings it in, or refuse when full."""
        if len(self.data["elements"]) >= MAX_ELEMENTS:
            raise EditNotUnderstood(
                f"this scene already has {MAX_ELEMENTS} parts, the most a scene can hold",
                hint="remove one first, e.g. 'remove the table and add a note: ...'",
            )
        self.data["elements"].append(el)
        self.append_animation(action, el["id"])

    def remove_element(self, index: int) -> None:
        """Remove an element and every animation that involves it."""
        el = self.data["elements"].pop(index)
        eid = el["id"]
        self.data["animations"] = [
            a for a in self.data["animations"] if a.get("target") != eid and a.get("to") != eid
        ]

    def headline_index(self) -> int | None:
        """The element that serves as the title on a title card (no spec title), if any."""
        return headline_index(self.data)
