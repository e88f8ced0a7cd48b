"""Topic: the derivative."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual
from tutor_core.agents.lesson.topics.figures import axes_for, func_or, tangent_x
from tutor_core.spec import (
    BulletsElement,
    EquationElement,
    TextElement,
)


def _deriv_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="The Derivative", size="large"),
        TextElement(id="tagline", text="How fast is a function changing right now?",
                    size="small"),
    ], [anim("write", "headline", 0, 1.5), anim("fade_in", "tagline", 1)]  # fmt: skip


def _deriv_secant(ctx: Context) -> Visual:
    expr = func_or(ctx, "x**2 / 2")
    axes = axes_for(expr)
    x0 = tangent_x(expr)
    axes.points = [(x0 - 1.0, 0.0), (x0, 0.0)]
    return [axes, EquationElement(id="slope", latex="\\frac{f(x+h) - f(x)}{h}", region="right")
            ], [anim("create", "axes", 0, 2.0), anim("write", "slope", 1, 1.5),
                anim("indicate", "slope", 2)]  # fmt: skip


def _deriv_tangent(ctx: Context) -> Visual:
    expr = func_or(ctx, "x**2 / 2")
    return [axes_for(expr, tangent_at=tangent_x(expr)),
            TextElement(id="note", text="The tangent line touches the curve at one point",
                        size="small")], [
        anim("create", "axes", 0, 2.0), anim("fade_in", "note", 1), anim("indicate", "axes", 2)
    ]  # fmt: skip


def _deriv_limit(ctx: Context) -> Visual:
    return [
        EquationElement(id="definition", latex="f'(x) = \\lim_{h \\to 0} \\frac{f(x+h) - f(x)}{h}"),
        BulletsElement(id="steps", items=["pick two nearby points", "compute rise over run",
                                          "let the gap h shrink to zero"]),
    ], [anim("write", "definition", 0, 2.0), anim("fade_in", "steps", 1, 1.5),
        anim("indicate", "definition", 2)]  # fmt: skip


def _deriv_example(ctx: Context) -> Visual:
    return [
        axes_for("x**2", tangent_at=1.5),
        EquationElement(id="rule", latex="\\frac{d}{dx} x^2 = 2x", region="right"),
        EquationElement(id="value", latex="f'(1.5) = 3", region="right"),
    ], [anim("create", "axes", 0, 2.0), anim("write", "rule", 1, 1.5),
        anim("write", "value", 2, 1.5)]  # fmt: skip


def _deriv_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["derivative = slope of the tangent line",
                                              "secant slopes approach it as h shrinks",
                                              "the derivative of x^2 is 2x"])
            ], [anim("fade_in", "recap", 0, 2.0), anim("indicate", "recap", 1)]  # fmt: skip


DERIVATIVE = Topic(
    key="derivative",
    name="the derivative",
    title="The Derivative as a Tangent Slope",
    keywords=(
        "derivative",
        "derivatives",
        "differentiation",
        "differentiate",
        "tangent line",
        "tangent slope",
        "slope of a curve",
        "rate of change",
        "instantaneous",
    ),
    scenes=(
        Core(
            3,
            "What is a derivative?",
            (
                "Welcome! This lesson is about the derivative, the heart of calculus.",
                "A derivative tells us how fast a function is changing at a single moment.",
            ),
            _deriv_intro,
        ),
        Core(
            5,
            "Slope between two points",
            (
                "We already know how to find the slope between two points on a curve.",
                "Divide the change in height by the change in x, rise over run.",
                "This line through two points is called a secant line.",
            ),
            _deriv_secant,
        ),
        Core(
            1,
            "The tangent line",
            (
                "Now slide the two points closer and closer together.",
                "The secant line turns into the tangent line, which just touches the curve.",
                "The slope of this tangent line is the derivative at that point.",
            ),
            _deriv_tangent,
        ),
        Core(
            6,
            "The limit definition",
            (
                "Mathematicians write this idea as a limit.",
                "We compute rise over run for a tiny gap h between the points.",
                "Then we let h shrink toward zero and see what value the slope approaches.",
            ),
            _deriv_limit,
        ),
        Core(
            4,
            "Worked example: x squared",
            (
                "Let us try the function x squared.",
                "Its derivative is two x, so the slope doubles whatever x is.",
                "At x equals one point five, the tangent line has slope three.",
            ),
            _deriv_example,
        ),
        Core(
            2,
            "Recap",
            (
                "The derivative is the slope of the tangent line at a point.",
                "It comes from secant slopes as the gap between points shrinks to zero.",
                "It measures how fast things change, from speed to growth rates.",
            ),
            _deriv_recap,
        ),
    ),
    applications=(
        "Speed as the derivative of position",
        "Finding the peak of a profit curve",
        "Training neural networks with gradients",
    ),
    mistake=(
        "Many people think the derivative is the value of the function.",
        "It is the slope of the function, how steeply it rises or falls.",
    ),
    practice=(
        "What is the slope of x squared at x equals three?",
        "The derivative is two x, so at three the slope is six.",
        "f'(3) = 2 \\cdot 3 = 6",
    ),
    terms=(
        ("slope", "rise divided by run"),
        ("tangent", "line touching at one point"),
        ("limit", "value approached as h goes to 0"),
    ),
    questions=(
        "Where is the derivative of a curve equal to zero?",
        "What does a negative derivative tell you?",
        "What is the derivative of the derivative?",
    ),
)
