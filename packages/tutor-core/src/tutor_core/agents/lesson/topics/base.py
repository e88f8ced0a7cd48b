"""Topic definitions: hand-written core scenes, a worked-example maker, data for extras.

Conventions every topic follows (tests check them):

* every animation carries a `cue`, the sentence it illustrates, and the first one
  starts with the first sentence: un-cued `indicate`/`wait` belong to pacing;
* a picture changes when the narration says it changes (a label that the
  narration answers, such as "c = ?", is replaced by a transform to the answer);
* a worked example is made by the topic's `example` maker, so that the edit
  "add an example with numbers ..." shows the same kind of scene with new numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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
Numbers = tuple[float, ...]


class ExampleRefused(ValueError):
    """The numbers do not make an example of this topic (the message says why)."""


def fmt(value: float, digits: int = 3) -> str:
    """A number as people write it: whole numbers plainly, others to a few digits."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e12:
        return str(int(value))
    text = f"{value:.{digits}g}"
    return text if "e" not in text else f"{value:.{digits}f}".rstrip("0").rstrip(".")


def title_card(
    headline: str,
    tagline: str,
    picture: Sequence[Element] = (),
    picture_animations: Sequence[Animation] = (),
) -> Visual:
    """An opening card: the headline is written, a picture of the idea, then the tagline.

    Args:
        headline: the lesson's name (large).
        tagline: one short line under the picture.
        picture: elements between headline and tagline (region forced to `body`); the
            first is shown with `create` on the first sentence unless
            `picture_animations` bring it in (later ones are usually transform targets).
        picture_animations: extra animations of the picture, after the tagline.
    """
    elements: list[Element] = [TextElement(id="headline", text=headline, size="large")]
    elements += picture
    elements.append(TextElement(id="tagline", text=tagline, size="small"))
    animations = [anim("write", "headline", 0, 1.5)]
    brought = {a.to for a in picture_animations} | {
        a.target for a in picture_animations if a.action in {"write", "create", "fade_in"}
    }
    animations += [anim("create", el.id, 0, 1.5) for el in picture[:1] if el.id not in brought]
    animations.append(anim("fade_in", "tagline", 1))
    animations += list(picture_animations)
    return [el.model_copy(update={"region": "body"}) for el in elements], animations


@dataclass(frozen=True)
class Context:
    """What the prompt adds to a topic (e.g. the function the user asked about)."""

    expr: str | None = None


@dataclass(frozen=True)
class Example:
    """A worked example: its title, what is said, and what is shown."""

    title: str
    sentences: tuple[str, ...]
    elements: list[Element]
    animations: list[Animation]


ExampleMaker = Callable[[Numbers], Example]
"""Makes a worked example from the numbers a person gives; ExampleRefused if they do not fit."""


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


def example_core(rank: int, maker: ExampleMaker, numbers: Numbers, *extra: str) -> Core:
    """The core scene that is the topic's worked example for these numbers.

    Args:
        rank: importance of the scene.
        maker: the topic's example maker.
        numbers: the numbers of the lesson's own example.
        extra: sentences said after the example's own (e.g. "That is the famous ...").
    """
    example = maker(numbers)
    return Core(
        rank,
        example.title,
        example.sentences + extra,
        lambda ctx: (maker(numbers).elements, maker(numbers).animations),
    )


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
    example: ExampleMaker | None = None
    """Makes a worked example from given numbers (the edit "add an example with ...")."""
    example_numbers: str = ""
    """Numbers that make a good example, as a person types them, e.g. "5, 12, 13"."""
    example_help: str = ""
    """What the numbers mean, e.g. "two legs, or three sides to check"."""
    extra_keywords: tuple[str, ...] = field(default=())

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
        pause_note = [TextElement(id="pause", text="Pause and try it", size="small")]
        pause_anim = [anim("fade_in", "pause", 2)] if last == 3 else []
        (t0, m0), (t1, m1), (t2, m2) = self.terms[:3]
        terms = [[t0, m0], [t1, m1], [t2, m2]]
        return [
            scene(
                "Try it yourself",
                practice,
                [
                    TextElement(id="question", text=clip(question, 400)),
                    *(pause_note if last == 3 else []),
                    EquationElement(id="answer", latex=answer_tex, color="yellow"),
                ],
                [
                    anim("write", "question", 0, 2.0),
                    anim("indicate", "question", 1),
                    *pause_anim,
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
                [
                    anim("fade_in", "wrong", 0, 1.5),
                    anim("indicate", "wrong", 1),
                    anim("fade_in", "right", 2, 1.5),
                    anim("indicate", "right", 2),
                ],
            ),
            scene(
                "Where it is used",
                (
                    f"{cap} is not just a classroom idea.",
                    f"It shows up in {_lower(a0)}, {_lower(a1)}, and {_lower(a2)}.",
                    "Each time, the same core idea does the work.",
                ),
                [
                    TextElement(id="use1", text=a0, region="body"),
                    TextElement(id="use2", text=a1, region="body"),
                    TextElement(id="use3", text=a2, region="body"),
                ],
                [
                    anim("fade_in", "use1", 0),
                    anim("fade_in", "use2", 1),
                    anim("fade_in", "use3", 1),
                    anim("indicate", "use1", 2),
                    anim("indicate", "use2", 2),
                    anim("indicate", "use3", 2),
                ],
            ),
            scene(
                "Key words",
                (
                    "A few words come up again and again in this lesson.",
                    f"{_cap(t0)} means {m0}, and {t1} means {m1}.",
                    f"Finally, {t2} means {m2}.",
                ),
                [
                    TableElement(id="terms1", header=["word", "meaning"], rows=_filled(terms, 1)),
                    TableElement(id="terms2", header=["word", "meaning"], rows=_filled(terms, 2)),
                    TableElement(id="terms3", header=["word", "meaning"], rows=terms),
                ],
                [
                    anim("fade_in", "terms1", 0, 1.5),
                    anim("transform", "terms1", 1, to="terms2"),
                    anim("transform", "terms2", 2, to="terms3"),
                ],
            ),
            _big_picture(self),
            scene(
                "Questions to explore",
                (
                    "Good learning ends with new questions.",
                    f"Here are three worth exploring about {name}.",
                    "Try to answer them with what you learned today.",
                ),
                [
                    TextElement(id="q1", text=self.questions[0], region="body"),
                    TextElement(id="q2", text=self.questions[1], region="body"),
                    TextElement(id="q3", text=self.questions[2], region="body"),
                ],
                [
                    anim("fade_in", "q1", 0),
                    anim("fade_in", "q2", 1),
                    anim("fade_in", "q3", 1),
                    anim("indicate", "q1", 2),
                    anim("indicate", "q2", 2),
                    anim("indicate", "q3", 2),
                ],
            ),
        ]


def _big_picture(topic: Topic) -> PlannedScene:
    """The lesson's steps as a list that grows while the narration walks through it."""
    steps = [c.title for c in topic.scenes[1:-1]][:4]
    half = max(1, len(steps) // 2)
    first = BulletsElement(id="path1", items=steps[:half], region="body")
    whole = BulletsElement(id="path2", items=steps, region="body")
    return scene(
        "The big picture",
        (
            f"Let us step back and see how the pieces of {topic.name} fit together.",
            "Each idea builds on the one before it.",
            "If one step feels shaky, revisit it before moving on.",
        ),
        [first, whole],
        [
            anim("fade_in", "path1", 0, 1.5),
            anim("transform", "path1", 1, 1.5, to="path2"),
            anim("indicate", "path2", 2),
        ],
    )


def numbers_needed(numbers: Numbers, counts: Sequence[int], what: str) -> None:
    """Refuse numbers that are not finite, or not one of the allowed counts."""
    if any(not math.isfinite(n) or abs(n) > 1e6 for n in numbers):
        raise ExampleRefused("the numbers must be ordinary numbers (at most a million)")
    if len(numbers) not in counts:
        raise ExampleRefused(f"{what}, got {len(numbers)} number(s)")


def _filled(rows: list[list[str]], count: int) -> list[list[str]]:
    # Rows not filled in yet are blank (as figures.filled; figures imports this module).
    return [row if i < count else ["\u00a0"] * len(row) for i, row in enumerate(rows)]


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def _lower(s: str) -> str:
    return s if s[:2].isupper() else s[0].lower() + s[1:]


def _plain(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()
