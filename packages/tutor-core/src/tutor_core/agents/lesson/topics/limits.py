"""Topic: limits."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual, title_card
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    NumberLineElement,
    Plot,
    TableElement,
)


def _lim_intro(ctx: Context) -> Visual:
    return title_card("Limits", "Where is a function heading?")


def _lim_approach(ctx: Context) -> Visual:
    return [
        NumberLineElement(id="line", x_range=(0, 2, 0.25), marks=[0.5, 0.9, 0.99, 1.0],
                          label="x \\to 1"),
        TableElement(id="values", header=["x", "f(x)"],
                     rows=[["0.9", "1.9"], ["0.99", "1.99"], ["0.999", "1.999"]]),
    ], [anim("create", "line", 0, 1.5), anim("fade_in", "values", 1, 2.0),
        anim("indicate", "values", 2)]  # fmt: skip


def _lim_hole(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(-1, 3, 1), y_range=(-1, 4, 1),
                    plots=[Plot(expr="x + 1", label="\\frac{x^2-1}{x-1}", color="blue")],
                    points=[(1, 2)]),
        EquationElement(id="limit", latex="\\lim_{x \\to 1} \\frac{x^2 - 1}{x - 1} = 2",
                        region="right"),
    ], [anim("create", "axes", 0, 2.0), anim("indicate", "axes", 1),
        anim("write", "limit", 2, 1.5)]  # fmt: skip


def _lim_notation(ctx: Context) -> Visual:
    return [
        EquationElement(id="notation", latex="\\lim_{x \\to a} f(x) = L"),
        BulletsElement(
            id="meaning",
            items=[
                "x gets as close to a as we like",
                "f(x) gets as close to L as we like",
                "x never has to equal a",
            ],
        ),
    ], [anim("write", "notation", 0, 1.5), anim("fade_in", "meaning", 1, 2.0)]


def _lim_example(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(0, 10, 1), y_range=(-0.5, 1.5, 0.5),
                    plots=[Plot(expr="1 / x", label="y = 1/x", color="green",
                                x_range=(0.7, 10))]),
        EquationElement(id="limit", latex="\\lim_{x \\to \\infty} \\frac{1}{x} = 0",
                        region="right"),
    ], [anim("create", "axes", 0, 2.0), anim("write", "limit", 1, 1.5),
        anim("indicate", "limit", 2)]  # fmt: skip


def _lim_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["a limit is where f(x) is heading",
                                              "the function need not reach it",
                                              "limits define derivatives and integrals"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


LIMITS = Topic(
    key="limits",
    name="limits",
    title="Limits",
    keywords=(
        "limit",
        "limits",
        "approaches",
        "approaching",
        "tends to",
        "continuity",
        "epsilon",
        "lim",
    ),
    scenes=(
        Core(
            3,
            "What is a limit?",
            (
                "Welcome! Today we learn about limits, the foundation of calculus.",
                "A limit describes the value a function heads toward as its input moves.",
            ),
            _lim_intro,
        ),
        Core(
            5,
            "Getting closer and closer",
            (
                "Watch what happens as x creeps toward one.",
                "We try point nine, then point nine nine, then point nine nine nine.",
                "The outputs close in on two, even though we never reach x equals one.",
            ),
            _lim_approach,
        ),
        Core(
            1,
            "A hole in the graph",
            (
                "The function x squared minus one, over x minus one, is undefined at one.",
                "Its graph is the line x plus one, with a single missing point.",
                "The limit fills in the hole: as x approaches one, the function approaches two.",
            ),
            _lim_hole,
        ),
        Core(
            6,
            "Limit notation",
            (
                "We write lim, with x arrow a underneath, of f of x, equals L.",
                "It means f of x gets as close to L as we like when x is close enough to a.",
                "Importantly, x never has to actually equal a.",
            ),
            _lim_notation,
        ),
        Core(
            4,
            "Worked example: 1 over x",
            (
                "Now let x grow larger and larger.",
                "One over x gets smaller and smaller, but it never becomes negative.",
                "So the limit of one over x as x goes to infinity is zero.",
            ),
            _lim_example,
        ),
        Core(
            2,
            "Recap",
            (
                "A limit is the value a function approaches, not necessarily where it lands.",
                "Limits handle holes and infinity gracefully.",
                "Derivatives and integrals are both built on limits.",
            ),
            _lim_recap,
        ),
    ),
    applications=(
        "Defining instantaneous speed",
        "Compound interest growing continuously",
        "Error bounds in numerical methods",
    ),
    mistake=(
        "A common mistake is thinking the limit is just the value at the point.",
        "The limit only cares about nearby values, and the point itself may be missing.",
    ),
    practice=(
        "What is the limit of two x plus one as x approaches three?",
        "As x gets close to three, two x plus one gets close to seven.",
        "\\lim_{x \\to 3} (2x + 1) = 7",
    ),
    terms=(
        ("limit", "value a function approaches"),
        ("infinity", "growing without bound"),
        ("continuous", "no holes or jumps"),
    ),
    questions=(
        "Can a limit exist where the function is undefined?",
        "What happens when left and right limits disagree?",
        "How do limits define the derivative?",
    ),
)
