"""Topic definitions: hand-written core scenes plus data for extra scenes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tutor_core.agents.lesson.build import anim, scene
from tutor_core.agents.lesson.text import clip, split_sentences
from tutor_core.models import PlannedScene
from tutor_core.spec import (
    Animation,
    BulletsElement,
    Element,
    EquationElement,
    TableElement,
    TextElement,
)

Visual = tuple[list[Element], list[Animation]]


def title_card(headline: str, tagline: str) -> Visual:
    """An opening card: the headline is written, then the tagline fades in."""
    return [
        TextElement(id="headline", text=headline, size="large"),
        TextElement(id="tagline", text=tagline, size="small"),
    ], [anim("write", "headline", 0, 1.5), anim("fade_in", "tagline", 1)]


@dataclass(frozen=True)
class Context:
    """What the prompt adds to a topic (e.g. the function the user asked about)."""

    expr: str | None = None


@dataclass(frozen=True)
class Core:
    """One hand-written scene of a topic.

    Attributes:
        rank: importance, 1 = the scene to keep when only one fits.
        build: makes the elements and animations (fresh objects on every call).
    """

    rank: int
    title: str
    sentences: tuple[str, ...]
    build: Callable[[Context], Visual]


@dataclass(frozen=True)
class Topic:
    """A lesson topic: keywords to match, six core scenes, and material for extras."""

    key: str
    name: str
    """How narration refers to it, e.g. "the Pythagorean theorem"."""
    title: str
    keywords: tuple[str, ...]
    scenes: tuple[Core, ...]
    applications: tuple[str, str, str]
    mistake: tuple[str, str]
    """A common wrong idea and its correction, as two sentences."""
    practice: tuple[str, str, str]
    """A question, its answer (sentences) and the answer as LaTeX."""
    terms: tuple[tuple[str, str], ...]
    questions: tuple[str, str, str]

    def core(self, ctx: Context) -> list[PlannedScene]:
        """The six core scenes in lesson order."""
        out = []
        for c in self.scenes:
            elements, animations = c.build(ctx)
            out.append(scene(c.title, c.sentences, elements, animations))
        return out

    def extras(self) -> list[PlannedScene]:
        """Extra scenes for long lessons, most useful first; none repeats a core scene."""
        name, cap = self.name, _cap(self.name)
        wrong, right = self.mistake
        question, answer, answer_tex = self.practice
        a0, a1, a2 = self.applications
        practice = [f"Here is a practice problem on {name}.", question, answer]
        if len(split_sentences(question)) == 1:
            practice.insert(2, "Pause the video and try it before the answer appears.")
        last = len(practice) - 1
        return [
            scene(
                "Try it yourself",
                practice,
                [
                    TextElement(id="question", text=clip(question, 400)),
                    EquationElement(id="answer", latex=answer_tex, color="yellow"),
                ],
                [
                    anim("write", "question", 1, 2.0),
                    anim("write", "answer", last, 1.5),
                    anim("indicate", "answer", last),
                ],
            ),
            scene(
                "A common mistake",
                (f"Here is a mistake people often make with {name}.", wrong, right),
                [
                    TextElement(id="wrong", text=clip("Wrong: " + _plain(wrong), 400), color="red"),
                    TextElement(
                        id="right", text=clip("Right: " + _plain(right), 400), color="green"
                    ),
                ],
                [anim("fade_in", "wrong", 1, 1.5), anim("fade_in", "right", 2, 1.5)],
            ),
            scene(
                "Where it is used",
                (
                    f"{cap} is not just a classroom idea.",
                    f"It shows up in {_lower(a0)}, {_lower(a1)}, and {_lower(a2)}.",
                    "Each time, the same core idea does the work.",
                ),
                [BulletsElement(id="uses", items=[a0, a1, a2])],
                [anim("fade_in", "uses", 1, 2.0), anim("indicate", "uses", 2)],
            ),
            scene(
                "Key words",
                (
                    "A few words come up again and again in this lesson.",
                    "The table pairs each word with what it means.",
                    "Knowing them makes the rest much easier to follow.",
                ),
                [
                    TableElement(
                        id="terms", header=["word", "meaning"], rows=[[t, m] for t, m in self.terms]
                    )
                ],
                [anim("fade_in", "terms", 1, 2.0), anim("indicate", "terms", 2)],
            ),
            scene(
                "The big picture",
                (
                    f"Let us step back and see how the pieces of {name} fit together.",
                    "Each idea builds on the one before it.",
                    "If one step feels shaky, revisit it before moving on.",
                ),
                [BulletsElement(id="path", items=[c.title for c in self.scenes[:-1]][:8])],
                [anim("fade_in", "path", 1, 2.0), anim("indicate", "path", 2)],
            ),
            scene(
                "Questions to explore",
                (
                    "Good learning ends with new questions.",
                    f"Here are three worth exploring about {name}.",
                    "Try to answer them with what you learned today.",
                ),
                [BulletsElement(id="questions", items=list(self.questions))],
                [anim("fade_in", "questions", 1, 2.0)],
            ),
        ]


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def _lower(s: str) -> str:
    return s if s[:2].isupper() else s[0].lower() + s[1:]


def _plain(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()
