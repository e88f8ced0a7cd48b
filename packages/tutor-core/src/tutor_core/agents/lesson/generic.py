"""Lessons for topics outside the library: a clean structure built from the prompt's words."""

from __future__ import annotations

import itertools
import math

from tutor_core.agents.lesson.build import anim, scene
from tutor_core.agents.lesson.mathtext import choose_ranges, sample, to_latex
from tutor_core.agents.lesson.text import clip, split_sentences, title_case
from tutor_core.models import PlannedScene
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    Element,
    Plot,
    ShapeElement,
    TableElement,
    TextElement,
)


def _roots(expr: str, lo: float, hi: float) -> list[tuple[float, float]]:
    """Approximate x-axis crossings of expr on [lo, hi] (sign changes of samples)."""
    pts = sample(expr, lo, hi, 241)
    out: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if y0 == 0.0:
            out.append((round(x0, 2), 0.0))
        elif y0 * y1 < 0 and abs(y0 - y1) < 10 and x1 - x0 < (hi - lo) / 100:
            out.append((round(x0 - y0 * (x1 - x0) / (y1 - y0), 2), 0.0))
    return out[:6]


def _axes(expr: str, **plot: object) -> AxesElement:
    x_range, y_range = choose_ranges([expr])
    return AxesElement(
        id="axes",
        x_range=x_range,
        y_range=y_range,
        plots=[
            Plot.model_validate({"expr": expr, "label": to_latex(expr), "color": "blue", **plot})
        ],
    )


def _generic_core(
    topic: str, expr: str | None, heading: str | None
) -> list[tuple[int, PlannedScene]]:
    """(rank, scene) pairs in lesson order; rank 1 is the most important scene."""
    name = heading or title_case(topic)
    t = clip(topic, 60)
    intro = scene(
        name,
        (
            f"Welcome! In this short lesson we explore {t}.",
            "We will build the idea step by step, with a picture for each part.",
        ),
        [
            TextElement(id="headline", text=clip(name, 80), size="large"),
            TextElement(id="tagline", text="A short visual introduction", size="small"),
        ],
        [anim("write", "headline", 0, 1.5), anim("fade_in", "tagline", 1)],
    )
    ideas = scene(
        "Key ideas",
        (f"Here are the key ideas we will cover about {t}.",
         "First what it is, then how it works, and finally an example.",
         "Keep these three questions in mind as we go."),
        [BulletsElement(id="ideas", items=[clip(f"What is {t}?", 200), "How does it work?",
                                           "What does an example look like?"])],
        [anim("fade_in", "ideas", 0, 2.0), anim("indicate", "ideas", 2)],
    )  # fmt: skip
    explain = scene(
        "What it is",
        (f"Let us start with what {t} actually is.",
         "A good way in is to name the parts and see how they connect.",
         "Once the parts are clear, the whole idea becomes much easier to hold in your head."),
        [TextElement(id="definition", text=clip(f"{name}: the parts and how they connect", 400)),
         ShapeElement(id="parts", shape="circle", width=2.5, height=2.5, color="blue",
                      label=_key_word(topic),
                      fill_opacity=0.2, region="right")],
        [anim("write", "definition", 0, 2.0), anim("create", "parts", 1, 1.5),
         anim("indicate", "parts", 2)],
    )  # fmt: skip
    if expr is not None:
        example = scene(
            "The graph",
            (
                f"Here is the graph of y equals {spoken(expr)}.",
                "Each point on the curve pairs an input x with its output y.",
                "Notice where the curve rises, where it falls, and where it crosses the axis.",
            ),
            [_axes(expr)],
            [anim("create", "axes", 0, 2.5), anim("indicate", "axes", 2)],
        )
    else:
        example = scene(
            "A worked example",
            (f"Now let us look at {t} in a concrete case.",
             "Start with a simple situation, then apply each key idea in turn.",
             "Seeing it applied once makes the general idea much clearer."),
            [TableElement(id="steps", header=["step", "what to do"],
                          rows=[["1", "pick a simple case"], ["2", "apply the key idea"],
                                ["3", "check the result"]])],
            [anim("fade_in", "steps", 0, 2.0), anim("indicate", "steps", 2)],
        )  # fmt: skip
    recap = scene(
        "Recap",
        (f"Let us recap what we learned about {t}.",
         "We named its parts, saw how they connect, and worked through an example.",
         "Try explaining it to a friend to make it stick."),
        [BulletsElement(id="recap", items=["name the parts", "connect them",
                                           "test the idea on an example"])],
        [anim("fade_in", "recap", 0, 2.0)],
    )  # fmt: skip
    return [(3, intro), (5, ideas), (4, explain), (1, example), (2, recap)]


def _generic_extras(topic: str, expr: str | None) -> list[PlannedScene]:
    t = clip(topic, 60)
    out: list[PlannedScene] = []
    if expr is not None:
        x_range, _ = choose_ranges([expr])
        lo, hi = x_range[0], x_range[1]
        roots = _roots(expr, lo, hi)
        axes = _axes(expr)
        axes.points = roots
        out.append(scene(
            "Where it crosses zero",
            ("The points where the curve meets the x axis are called its zeros, or roots.",
             "At those inputs, the output is exactly zero.",
             "They often mark important moments, like a change of sign."),
            [axes], [anim("create", "axes", 0, 2.0), anim("indicate", "axes", 1)],
        ))  # fmt: skip
        x0 = round(lo + (hi - lo) * 0.6, 2)
        if math.isfinite(_value(expr, x0)):
            out.append(scene(
                "How steep is it?",
                ("The steepness of the curve at a point is the slope of its tangent line.",
                 "Where the tangent points up, the function is increasing.",
                 "Where it points down, the function is decreasing."),
                [_axes(expr, tangent_at=x0)],
                [anim("create", "axes", 0, 2.0), anim("indicate", "axes", 1)],
            ))  # fmt: skip
        a, b = round(lo + (hi - lo) * 0.5, 2), round(lo + (hi - lo) * 0.75, 2)
        out.append(scene(
            "Area under the curve",
            ("We can also measure the area between the curve and the x axis.",
             f"Here it is shaded from x equals {a:g} to {b:g}.",
             "Adding up areas like this is what integrals do."),
            [_axes(expr, area=(a, b))],
            [anim("create", "axes", 0, 2.0), anim("indicate", "axes", 1)],
        ))  # fmt: skip
    out += [
        scene(
            "Why it matters",
            (f"Why should you care about {t}?",
             "Ideas like this show up in everyday problems, in science, and in technology.",
             "Understanding it helps you reason about those situations with confidence."),
            [BulletsElement(id="reasons", items=["everyday problems", "science and engineering",
                                                 "clearer reasoning"])],
            [anim("fade_in", "reasons", 0, 2.0), anim("indicate", "reasons", 1)],
        ),
        scene(
            "Step by step",
            ("Let us slow down and go through the idea one step at a time.",
             "Each step depends only on the one before it.",
             "If a step feels unclear, pause and replay it before moving on."),
            [TableElement(id="steps", header=["step", "focus"],
                          rows=[["1", "the starting point"], ["2", "what changes"],
                                ["3", "what we conclude"]])],
            [anim("fade_in", "steps", 0, 2.0), anim("indicate", "steps", 1)],
        ),
        scene(
            "A common misconception",
            (f"One common misconception is that {t} is only about memorising facts.",
             "In fact, the ideas connect, and each one explains the next.",
             "Focusing on the connections makes the details easier to remember."),
            [TextElement(id="myth", text="Myth: it is just facts to memorise", color="red"),
             TextElement(id="truth", text="Truth: the ideas connect", color="green")],
            [anim("fade_in", "myth", 0, 1.5), anim("fade_in", "truth", 1, 1.5)],
        ),
        scene(
            "Connections",
            (f"{t[0].upper() + t[1:]} does not stand alone.",
             "It links to ideas you already know and to ones you will meet later.",
             "Drawing those links is a powerful way to learn."),
            [ShapeElement(id="known", shape="circle", width=2, height=2, color="blue",
                          label="known"),
             ShapeElement(id="link", shape="arrow", points=[(0, 0), (2, 0)], color="yellow"),
             ShapeElement(id="new", shape="circle", width=2, height=2, color="green",
                          label="new")],
            [anim("create", "known", 0), anim("create", "link", 1), anim("create", "new", 1)],
        ),
        scene(
            "Try it yourself",
            ("Now it is your turn.",
             f"Think of one place where {t} appears in your own life or studies.",
             "Describe it using the key ideas from this lesson."),
            [TextElement(id="prompt", text="Find your own example and explain it")],
            [anim("write", "prompt", 1, 2.0)],
        ),
        scene(
            "Questions to explore",
            ("Good lessons end with new questions.",
             f"What would change if one part of {t} were different?",
             "Where could you learn more, and what would you ask an expert?"),
            [BulletsElement(id="questions", items=["What if one part changed?",
                                                   "Where can I learn more?",
                                                   "What would I ask an expert?"])],
            [anim("fade_in", "questions", 1, 2.0)],
        ),
        scene(
            "Key words",
            ("A few words help when talking about any new topic.",
             "The table lists them with short meanings."),
            [TableElement(id="terms", header=["word", "meaning"],
                          rows=[["concept", "the idea itself"], ["example", "one concrete case"],
                                ["model", "a simplified picture"]])],
            [anim("fade_in", "terms", 0, 2.0)],
        ),
    ]  # fmt: skip
    return out


def _key_word(topic: str) -> str:
    """A short label for a diagram: the first meaningful word of the topic."""
    words = [w.strip(".,;:!?'\"()") for w in topic.split()]
    skip = {"the", "function", "what", "how", "why", "and", "with", "from", "this", "that"}
    good = [w for w in words if len(w) > 3 and w.isalpha() and w.lower() not in skip]
    return clip(good[0], 30) if good else "idea"


def _value(expr: str, x: float) -> float:
    from tutor_core.spec import evaluate_expression

    return evaluate_expression(expr, x)


def spoken(expr: str) -> str:
    """A rough spoken form of an expression for narration."""
    s = expr.replace("**", " to the power ").replace("*", " times ").replace("/", " over ")
    s = s.replace("-", " minus ").replace("+", " plus ").replace("(", " of ").replace(")", " ")
    return " ".join(s.split())


def generic_lesson(
    topic: str, expr: str | None, count: int, heading: str | None = None
) -> list[PlannedScene]:
    """`count` scenes about an arbitrary topic (and function of x, if the prompt has one).

    Args:
        topic: the topic phrase as it is spoken in narration.
        expr: a checked function of x to plot, if the prompt has one.
        count: how many scenes (1-12).
        heading: the title shown on screen (defaults to the topic in title case).
    """
    core = _generic_core(topic, expr, heading)
    if count <= len(core):
        keep = sorted(range(len(core)), key=lambda i: core[i][0])[:count]
        return [core[i][1] for i in sorted(keep)]
    extras = _generic_extras(topic, expr)[: count - len(core)]
    scenes = [s for _, s in core]
    return scenes[:-1] + extras + scenes[-1:]


def spec_from_narration(title: str, narration: str) -> PlannedScene:
    """A plain spec for a planned scene that came without a source (e.g. another agent's plan)."""
    sentences = split_sentences(narration) or [narration or title]
    points = [clip(s.rstrip("."), 200) for s in sentences[:4] if s.strip()]
    elements: list[Element] = []
    animations = []
    if len(points) >= 2:
        elements.append(BulletsElement(id="points", items=points))
        animations.append(anim("fade_in", "points", 0, 2.0))
    elif points:
        elements.append(TextElement(id="text", text=clip(points[0], 400)))
        animations.append(anim("write", "text", 0, 2.0))
    return scene(clip(title or "Scene", 80), sentences, elements, animations)
