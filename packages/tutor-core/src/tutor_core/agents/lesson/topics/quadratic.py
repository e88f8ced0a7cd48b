"""Topic: the quadratic formula."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    Plot,
    TableElement,
    TextElement,
)


def _quad_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="The Quadratic Formula", size="large"),
        EquationElement(id="general", latex="ax^2 + bx + c = 0"),
    ], [anim("write", "headline", 0, 1.5), anim("write", "general", 1, 1.5)]


def _quad_parabola(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(-2, 5, 1), y_range=(-2, 6, 1),
                    plots=[Plot(expr="x**2 - 3*x + 2", label="y = x^2 - 3x + 2", color="blue")],
                    points=[(1, 0), (2, 0)]),
        TextElement(id="note", text="Roots: where the parabola crosses the x axis",
                    size="small"),
    ], [anim("create", "axes", 0, 2.0), anim("fade_in", "note", 1),
        anim("indicate", "axes", 2)]  # fmt: skip


def _quad_formula(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula", latex="x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}"),
        BulletsElement(id="parts", items=["a, b, c: the coefficients", "± gives two answers",
                                          "works for every quadratic"]),
    ], [anim("write", "formula", 0, 2.5), anim("fade_in", "parts", 1, 1.5),
        anim("indicate", "formula", 2)]  # fmt: skip


def _quad_discriminant(ctx: Context) -> Visual:
    return [
        EquationElement(id="discriminant", latex="\\Delta = b^2 - 4ac"),
        TableElement(
            id="cases",
            header=["discriminant", "real roots"],
            rows=[["positive", "two"], ["zero", "one"], ["negative", "none"]],
        ),
    ], [anim("write", "discriminant", 0, 1.5), anim("fade_in", "cases", 1, 2.0)]


def _quad_example(ctx: Context) -> Visual:
    return [
        EquationElement(id="problem", latex="x^2 - 3x + 2 = 0"),
        EquationElement(id="substitute", latex="x = \\frac{3 \\pm \\sqrt{9 - 8}}{2}"),
        EquationElement(id="roots", latex="x = 1 \\text{ or } x = 2", color="yellow"),
    ], [anim("write", "problem", 0, 1.5), anim("write", "substitute", 1, 2.0),
        anim("write", "roots", 2, 1.5), anim("indicate", "roots", 3)]  # fmt: skip


def _quad_recap(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula", latex="x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}"),
        BulletsElement(
            id="recap",
            items=[
                "roots are where the parabola meets the x axis",
                "the discriminant counts the roots",
            ],
        ),
    ], [anim("write", "formula", 0, 2.0), anim("fade_in", "recap", 1, 1.5)]


QUADRATIC = Topic(
    key="quadratic",
    name="the quadratic formula",
    title="The Quadratic Formula",
    keywords=(
        "quadratic",
        "quadratic formula",
        "quadratic equation",
        "parabola",
        "discriminant",
        "ax^2+bx+c",
        "roots of a polynomial",
    ),
    scenes=(
        Core(
            3,
            "Quadratic equations",
            (
                "Welcome! Today we solve any quadratic equation with one formula.",
                "A quadratic equation has the form a x squared plus b x plus c equals zero.",
            ),
            _quad_intro,
        ),
        Core(
            4,
            "Roots on a parabola",
            (
                "The graph of a quadratic is a U-shaped curve called a parabola.",
                "The solutions, or roots, are the x values where it crosses the x axis.",
                "This parabola crosses at one and at two.",
            ),
            _quad_parabola,
        ),
        Core(
            1,
            "The formula",
            (
                "The quadratic formula finds the roots directly from a, b and c.",
                "It is minus b, plus or minus the root of b squared minus four a c, over two a.",
                "The plus or minus sign gives the two roots.",
            ),
            _quad_formula,
        ),
        Core(
            6,
            "The discriminant",
            (
                "The part under the square root, b squared minus four a c, is the discriminant.",
                "If it is positive there are two real roots, and if it is zero there is one.",
                "If it is negative, the parabola never touches the x axis.",
            ),
            _quad_discriminant,
        ),
        Core(
            5,
            "Worked example",
            (
                "Let us solve x squared minus three x plus two equals zero.",
                "Here a is one, b is minus three and c is two, so the root part is one.",
                "Three plus or minus one, over two, gives x equals one or x equals two.",
                "These match the crossings we saw on the graph.",
            ),
            _quad_example,
        ),
        Core(
            2,
            "Recap",
            (
                "The quadratic formula solves a x squared plus b x plus c equals zero.",
                "Its roots are where the parabola meets the x axis.",
                "The discriminant tells you how many real roots to expect.",
            ),
            _quad_recap,
        ),
    ),
    applications=(
        "The path of a thrown ball",
        "Maximising area with a fixed fence",
        "Break-even points in business",
    ),
    mistake=(
        "A common mistake is dividing only the square root by two a.",
        "The whole numerator, negative b plus or minus the root, is divided by two a.",
    ),
    practice=(
        "Solve x squared minus four equals zero.",
        "Here b is zero, so x is plus or minus the square root of four: two or minus two.",
        "x = \\pm 2",
    ),
    terms=(
        ("root", "where the parabola meets y = 0"),
        ("coefficient", "the numbers a, b, c"),
        ("discriminant", "b^2 - 4ac"),
    ),
    questions=(
        "What do complex roots look like on the graph?",
        "How does changing c move the parabola?",
        "Can you derive the formula by completing the square?",
    ),
)
