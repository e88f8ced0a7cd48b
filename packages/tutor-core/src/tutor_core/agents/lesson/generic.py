"""Lessons for prompts outside the topic library: honest outlines, and lessons on a function.

The offline agent knows nothing about an arbitrary topic, so it does not pretend to:
it makes an *outline* that says so in its first sentence and shows only what it
says, the questions a lesson would answer and a plan to study them. Narration uses
the subject only in grammatical frames (see `phrases.Subject`).

A prompt that is just a function of x ("plot y = x^3 - 2x") is different: the agent
can really show it, so it gets a lesson about that function (its graph, values,
zeros, slope and area), and its recap names only what the lesson showed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

from tutor_core.agents.lesson.build import anim, scene
from tutor_core.agents.lesson.mathtext import choose_ranges, sample, to_latex
from tutor_core.agents.lesson.phrases import Subject
from tutor_core.agents.lesson.text import clip, split_sentences
from tutor_core.agents.lesson.topics.base import fmt
from tutor_core.agents.lesson.topics.figures import filled
from tutor_core.models import PlannedScene
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    Element,
    Plot,
    TableElement,
    TextElement,
    evaluate_expression,
)

Ranked = list[tuple[int, PlannedScene]]

# ------------------------------------------------------------------ outlines


def _questions(subject: Subject) -> list[str]:
    """The four questions a lesson on the subject should answer (agreement-free)."""
    if subject.kind == "noun":
        first = clip(f"What is meant by {subject.phrase}?", 60)
    else:
        first = "What do the key words mean?"
    return [first, "What are the parts or stages?", "How do the parts work together?",
            "Where does it matter, and why?"]  # fmt: skip


def _outline_core(subject: Subject) -> Ranked:
    about = subject.about
    heading = subject.heading
    q = _questions(subject)
    intro = scene(
        heading,
        (
            subject.intro,
            "This video is an outline: it sets out the questions a full lesson would answer, "
            "and a plan to study them.",
        ),
        [
            TextElement(id="headline", text=heading, size="large", region="body"),
            BulletsElement(id="preview", items=q[:2], region="body"),
            TextElement(id="tagline", text="An outline to guide your study", size="small",
                        region="body"),
        ],
        [anim("write", "headline", 0, 1.5), anim("fade_in", "tagline", 1),
         anim("fade_in", "preview", 1, 1.5)],
    )  # fmt: skip
    questions = scene(
        "Questions to answer",
        (
            f"A good lesson about {about} answers four questions.",
            "First, what do the key words mean, and what are the parts or stages?",
            "Then, how do the parts work together, and where does it matter?",
        ),
        [
            BulletsElement(id="first", items=q[:1], region="body"),
            BulletsElement(id="two", items=q[:2], region="body"),
            BulletsElement(id="four", items=q, region="body"),
        ],
        [anim("fade_in", "first", 0, 1.5), anim("transform", "first", 1, to="two"),
         anim("transform", "two", 2, to="four")],
    )  # fmt: skip
    plan_rows = [["1", "define the key words"], ["2", "sketch the parts and links"],
                 ["3", "follow one real example"]]  # fmt: skip
    plan = scene(
        "A plan to study it",
        (
            f"Here is a plan for studying {about} on your own.",
            "First define the key words, then sketch the parts and how they connect.",
            "Finally, follow one real example from a textbook or a trusted source.",
        ),
        [
            TableElement(id="step1", header=["step", "what to do"], rows=filled(plan_rows, 1)),
            TableElement(id="step2", header=["step", "what to do"], rows=filled(plan_rows, 2)),
            TableElement(id="step3", header=["step", "what to do"], rows=plan_rows),
        ],
        [anim("fade_in", "step1", 0, 1.5), anim("transform", "step1", 1, to="step2"),
         anim("transform", "step2", 2, to="step3")],
    )  # fmt: skip
    check = scene(
        "Check your understanding",
        (
            "You will know you understand it when you can do three things.",
            "Explain it in one sentence, and draw a picture of how it works.",
            "Then give an example that nobody showed you.",
        ),
        [
            TextElement(id="one", text="Explain it in one sentence", region="body"),
            TextElement(id="two", text="Draw how it works", region="body"),
            TextElement(id="three", text="Give your own example", region="body"),
        ],
        [anim("fade_in", "one", 0), anim("indicate", "one", 1), anim("fade_in", "two", 1),
         anim("fade_in", "three", 2), anim("indicate", "three", 2)],
    )  # fmt: skip
    recap = scene(
        "Recap",
        (
            f"This outline listed the points a lesson about {about} should cover.",
            "It also gave a plan: define the words, sketch the parts, follow an example.",
            "Work through the plan and you will be able to explain it in your own words.",
        ),
        [
            BulletsElement(id="recap1", items=["the questions to answer"], region="body"),
            BulletsElement(id="recap", region="body",
                           items=["the questions to answer", "a plan: words, parts, example",
                                  "explain it in your own words"]),
        ],
        [anim("fade_in", "recap1", 0, 1.5), anim("transform", "recap1", 1, 1.5, to="recap"),
         anim("indicate", "recap", 2)],
    )  # fmt: skip
    return [(3, intro), (1, questions), (4, plan), (5, check), (2, recap)]


def _outline_extras(subject: Subject) -> list[PlannedScene]:
    about = subject.about
    return [
        scene(
            "Where to look",
            (
                "Good sources make the rest of the plan easy.",
                "Start with a textbook chapter or an encyclopedia article.",
                "Then ask a teacher, or watch a lesson by someone who knows the field.",
            ),
            [TextElement(id="one", text="A textbook chapter", region="body"),
             TextElement(id="two", text="An encyclopedia article", region="body"),
             TextElement(id="three", text="A teacher or an expert", region="body")],
            [anim("fade_in", "one", 0), anim("indicate", "one", 1), anim("fade_in", "two", 1),
             anim("fade_in", "three", 2)],
        ),
        scene(
            "Key words to look up",
            (
                "Every subject has its own words.",
                "As you read, write each new word down with a short meaning of your own.",
                "A short list of words is often the fastest way in.",
            ),
            [TableElement(id="empty", header=["word", "my meaning"], rows=[["…", "…"]]),
             TableElement(id="filled", header=["word", "my meaning"],
                          rows=[["…", "…"], ["…", "…"], ["…", "…"]])],
            [anim("fade_in", "empty", 0, 1.5), anim("transform", "empty", 1, 1.5, to="filled"),
             anim("indicate", "filled", 2)],
        ),
        scene(
            "Connections",
            (
                "New ideas stick when they link to ones you already know.",
                f"Ask what you already know that relates to {about}, and note it down.",
                "Then ask what it might lead to next.",
            ),
            [TextElement(id="known", text="What I already know", region="body"),
             TextElement(id="topic", text=clip(subject.heading, 60), region="body",
                         color="yellow"),
             TextElement(id="next", text="What it leads to", region="body")],
            [anim("fade_in", "known", 0), anim("write", "topic", 1), anim("fade_in", "next", 2)],
        ),
        scene(
            "Try it yourself",
            (
                "Now it is your turn.",
                "Pick one question from this outline and answer it in three sentences.",
                "Check your answer against a trusted source.",
            ),
            [TextElement(id="task", text="Answer one question in three sentences"),
             TextElement(id="check", text="Then check it against a source", size="small")],
            [anim("write", "task", 0, 2.0), anim("indicate", "task", 1),
             anim("fade_in", "check", 2)],
        ),
        scene(
            "Common traps",
            (
                "One common trap is memorising words without the ideas behind them.",
                "Another is skipping the example, where most of the understanding happens.",
                "Keep asking why each step follows from the one before.",
            ),
            [TextElement(id="trap1", text="Trap: words without ideas", color="red"),
             TextElement(id="trap2", text="Trap: skipping the example", color="red"),
             TextElement(id="fix", text="Keep asking why", color="green")],
            [anim("fade_in", "trap1", 0), anim("fade_in", "trap2", 1), anim("fade_in", "fix", 2)],
        ),
        scene(
            "Questions to explore",
            (
                "Good learning ends with new questions.",
                "What would change if one part were different?",
                "And what would you ask an expert, given one minute?",
            ),
            [TextElement(id="q1", text="What if one part were different?", region="body"),
             TextElement(id="q2", text="What would I ask an expert?", region="body")],
            [anim("fade_in", "q1", 0), anim("indicate", "q1", 1), anim("fade_in", "q2", 2)],
        ),
        scene(
            "Explain it to someone",
            (
                "Teaching is the best test of understanding.",
                "Explain the idea to a friend, without notes.",
                "Wherever you get stuck is where to study next.",
            ),
            [TextElement(id="teach", text="Explain it to a friend, without notes"),
             TextElement(id="stuck", text="Stuck? That is what to study next", size="small",
                         color="yellow")],
            [anim("write", "teach", 0, 2.0), anim("indicate", "teach", 1),
             anim("fade_in", "stuck", 2)],
        ),
    ]  # fmt: skip


def outline_lesson(subject: Subject, count: int) -> list[PlannedScene]:
    """`count` scenes (1-12) of an honest outline for a subject the agent has no lesson on."""
    return _pick(_outline_core(subject), _outline_extras(subject), count)


def _pick(core: Ranked, extras: list[PlannedScene], count: int) -> list[PlannedScene]:
    """The most important `count` scenes in lesson order; extras go before the recap."""
    if count <= len(core):
        keep = sorted(range(len(core)), key=lambda i: core[i][0])[:count]
        return [core[i][1] for i in sorted(keep)]
    scenes = [s for _, s in core]
    return scenes[:-1] + extras[: count - len(core)] + scenes[-1:]


# ------------------------------------------------------------------ a function of x


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


def _axes(expr: str, id: str = "axes", **plot: object) -> AxesElement:
    x_range, y_range = choose_ranges([expr])
    return AxesElement(
        id=id,
        x_range=x_range,
        y_range=y_range,
        plots=[
            Plot.model_validate({"expr": expr, "label": to_latex(expr), "color": "blue", **plot})
        ],
    )


def _value(expr: str, x: float) -> float:
    return evaluate_expression(expr, x)


def _nice_inputs(lo: float, hi: float) -> list[float]:
    """Five round inputs spread over [lo, hi]."""
    step = (hi - lo) / 4
    return [round(lo + step * k, 2) for k in range(5)]


def function_lesson(expr: str, shown: str, heading: str, count: int) -> list[PlannedScene]:
    """`count` scenes (1-12) about one function: what it looks like and what it does.

    Args:
        expr: the checked expression of x.
        shown: the function as the person wrote it, e.g. "y = x^3 - 2x" (narration
            uses it; the narrator reads math notation aloud).
        heading: the lesson's title.
        count: how many scenes.
    """
    candidates = _function_scenes(expr, shown, heading)
    if count == 1:
        return [next(make() for _, key, _, make in candidates if key == "graph")]
    best = sorted(candidates, key=lambda c: c[0])[: count - 1]
    picked = [c for c in candidates if c in best]
    shown_items = [summary for _, _, summary, _ in picked if summary]
    recap = scene(
        "Recap",
        (f"We looked at the function {shown}.",
         "We saw " + _join(shown_items[:4] or ["its graph"]) + ".",
         "Try sketching it yourself from memory."),
        [_axes(expr).model_copy(update={"region": "left"}),
         BulletsElement(id="recap", items=[clip(s, 40) for s in shown_items[:4] or ["its graph"]],
                        region="right")],
        [anim("create", "axes", 0, 2.0), anim("fade_in", "recap", 1, 1.5),
         anim("indicate", "recap", 2)],
    )  # fmt: skip
    scenes = [make() for _, _, _, make in picked]
    extra = _function_extras(expr, shown, count - len(scenes) - 1)
    return scenes + extra + [recap]


Candidate = tuple[int, str, str, Callable[[], PlannedScene]]
"""(rank, key, what the recap says it showed, maker) of one scene of a function lesson."""


def _function_scenes(expr: str, shown: str, heading: str) -> list[Candidate]:
    """The scenes a function lesson can have, in lesson order, ranked (1 = most important)."""
    x_range, _ = choose_ranges([expr])
    lo, hi = x_range[0], x_range[1]
    out: list[Candidate] = []
    out.append((3, "intro", "", lambda: scene(
        heading,
        (f"Today's topic: the function {shown}.",
         "We will look at its graph, its values, and what its shape tells us."),
        [TextElement(id="headline", text=heading, size="large", region="body"),
         _axes(expr, "preview").model_copy(update={"region": "body"}),
         TextElement(id="tagline", text="A function, seen from several sides", size="small",
                     region="body")],
        [anim("write", "headline", 0, 1.5), anim("create", "preview", 0, 2.0),
         anim("fade_in", "tagline", 1)],
    )))  # fmt: skip
    out.append((1, "graph", "its graph", lambda: scene(
        "The graph",
        (f"Here is the graph of {shown}.",
         "Each point on the curve pairs an input x with its output y.",
         "Notice where the curve rises, where it falls, and where it crosses the axis."),
        [_axes(expr)],
        [anim("create", "axes", 0, 2.5), anim("indicate", "axes", 1),
         anim("indicate", "axes", 2)],
    )))  # fmt: skip
    inputs = [x for x in _nice_inputs(lo, hi) if math.isfinite(_value(expr, x))]
    if len(inputs) >= 3:
        rows = [[fmt(x), fmt(_value(expr, x))] for x in inputs]
        dotted = _axes(expr, "dotted")
        dotted.points = [(x, round(_value(expr, x), 3)) for x in inputs
                         if dotted.y_range[0] <= _value(expr, x) <= dotted.y_range[1]]  # fmt: skip
        first_x, first_y = fmt(inputs[0]), fmt(_value(expr, inputs[0]))
        out.append((5, "values", "a table of its values", lambda: scene(
            "A table of values",
            ("A table lists some inputs and their outputs.",
             f"For example, at x = {first_x}, y is {first_y}.",
             "Marked on the graph, every pair from the table lies on the curve."),
            [TableElement(id="few", header=["x", "y"], rows=filled(rows, 2), region="left"),
             TableElement(id="table", header=["x", "y"], rows=rows, region="left"),
             _axes(expr, "plain").model_copy(update={"region": "right"}),
             dotted.model_copy(update={"region": "right"})],
            [anim("fade_in", "few", 0, 1.5), anim("create", "plain", 0, 2.0),
             anim("transform", "few", 1, to="table"),
             anim("transform", "plain", 2, 1.5, to="dotted")],
        )))  # fmt: skip
    roots = _roots(expr, lo, hi)
    if roots:
        crossing = _axes(expr, "crossing")
        crossing.points = roots
        where = _join([fmt(x) for x, _ in roots[:3]])
        out.append((4, "zeros", "where it crosses zero", lambda: scene(
            "Where it crosses zero",
            ("The points where the curve meets the x axis are called its zeros, or roots.",
             f"Here the curve crosses at x = {where}.",
             "At those inputs the output is zero."),
            [_axes(expr, "curve"), crossing],
            [anim("create", "curve", 0, 2.0), anim("transform", "curve", 1, 1.5, to="crossing"),
             anim("indicate", "crossing", 2)],
        )))  # fmt: skip
    x0 = round(lo + (hi - lo) * 0.6, 2)
    h = 1e-4 * max(1.0, abs(x0))
    slope = (_value(expr, x0 + h) - _value(expr, x0 - h)) / (2 * h)
    if math.isfinite(_value(expr, x0)) and math.isfinite(slope):
        rising = "rising" if slope > 1e-9 else "falling" if slope < -1e-9 else "level"
        out.append((6, "slope", f"its slope at x = {fmt(x0)}", lambda: scene(
            "How steep is it?",
            ("The steepness of a curve at a point is the slope of its tangent line.",
             f"At x = {fmt(x0)} the tangent has slope about {fmt(slope, 2)}, so the curve is "
             f"{rising} there.",
             "Where the tangent points up the function increases; where it points down, it "
             "decreases."),
            [_axes(expr, "curve"), _axes(expr, "tangent", tangent_at=x0)],
            [anim("create", "curve", 0, 2.0), anim("transform", "curve", 1, 1.5, to="tangent"),
             anim("indicate", "tangent", 2)],
        )))  # fmt: skip
    a, b = round(lo + (hi - lo) * 0.5, 2), round(lo + (hi - lo) * 0.75, 2)
    if all(math.isfinite(_value(expr, x)) for x in (a, b, (a + b) / 2)):
        out.append((7, "area", f"the area from {fmt(a)} to {fmt(b)}", lambda: scene(
            "Area under the curve",
            ("We can also measure the area between the curve and the x axis.",
             f"Here it is shaded from x = {fmt(a)} to {fmt(b)}.",
             "Adding up areas like this is what integrals do."),
            [_axes(expr, "curve"), _axes(expr, "shaded", area=(a, b))],
            [anim("create", "curve", 0, 2.0), anim("transform", "curve", 1, 1.5, to="shaded"),
             anim("indicate", "shaded", 2)],
        )))  # fmt: skip
    k = inputs[-2] if len(inputs) >= 2 else x0
    answer = _value(expr, k)
    if math.isfinite(answer):
        out.append((8, "try", "a question to try", lambda: scene(
            "Try it yourself",
            (f"Here is a question: what is y when x = {fmt(k)}?",
             "Pause the video and work it out from the formula.",
             f"The answer is {fmt(answer)}; check it on the graph."),
            [TextElement(id="question", text=f"What is y when x = {fmt(k)}?"),
             TextElement(id="answer", text=f"y = {fmt(answer)}", color="yellow")],
            [anim("write", "question", 0, 1.5), anim("indicate", "question", 1),
             anim("write", "answer", 2, 1.5)],
        )))  # fmt: skip
    return out


def _function_extras(expr: str, shown: str, count: int) -> list[PlannedScene]:
    """More scenes about the function for long lessons (each shows what it says)."""
    x_range, _ = choose_ranges([expr])
    lo, hi = x_range[0], x_range[1]
    wide = (lo * 2, hi * 2)
    out: list[PlannedScene] = []
    if sample(expr, wide[0], wide[1], 60):
        zoomed = AxesElement(
            id="wide",
            x_range=choose_ranges([expr], wide)[0],
            y_range=choose_ranges([expr], wide)[1],
            plots=[Plot(expr=expr, label=to_latex(expr), color="blue")],
        )
        out.append(scene(
            "Zooming out",
            ("Let us zoom out and look at a wider range of inputs.",
             "From further away, the overall shape of the curve is easier to see.",
             "Ask yourself what happens as x grows very large."),
            [_axes(expr, "near"), zoomed],
            [anim("create", "near", 0, 2.0), anim("transform", "near", 1, 2.0, to="wide"),
             anim("indicate", "wide", 2)],
        ))  # fmt: skip
    out.append(scene(
        "Key words",
        ("A few words help when talking about functions.",
         "An input is the x you choose, and an output is the y you get.",
         "A zero is an input whose output is zero."),
        [TableElement(id="two", header=["word", "meaning"],
                      rows=[["input", "the x you choose"], ["output", "the y you get"]]),
         TableElement(id="terms", header=["word", "meaning"],
                      rows=[["input", "the x you choose"], ["output", "the y you get"],
                            ["zero", "an input giving output 0"]])],
        [anim("fade_in", "two", 0, 1.5), anim("indicate", "two", 1),
         anim("transform", "two", 2, to="terms")],
    ))  # fmt: skip
    out.append(scene(
        "Questions to explore",
        ("Good lessons end with new questions.",
         "What happens to this function for very large or very negative x?",
         "Where is it steepest, and can you sketch it by hand?"),
        [TextElement(id="q1", text="What happens for very large x?", region="body"),
         TextElement(id="q2", text="Where is it steepest?", region="body"),
         TextElement(id="q3", text="Can you sketch it by hand?", region="body")],
        [anim("fade_in", "q1", 0), anim("fade_in", "q2", 1), anim("fade_in", "q3", 2)],
    ))  # fmt: skip
    out.append(scene(
        "Sketch it yourself",
        ("Sketching a function by hand builds intuition.",
         "Mark a few points from the table, then join them smoothly.",
         f"Compare your sketch with the graph of {shown}."),
        [TextElement(id="step1", text="1. mark a few points", region="body"),
         TextElement(id="step2", text="2. join them smoothly", region="body"),
         TextElement(id="step3", text="3. compare with the graph", region="body")],
        [anim("fade_in", "step1", 0), anim("fade_in", "step2", 1), anim("fade_in", "step3", 2)],
    ))  # fmt: skip
    return out[: max(0, count)]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ------------------------------------------------------------------ sources for other plans


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
