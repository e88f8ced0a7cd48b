"""Topic: the integral."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.mathtext import choose_ranges
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual, title_card
from tutor_core.agents.lesson.topics.figures import axes_for, func_or
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    Plot,
    ShapeElement,
)


def _int_intro(ctx: Context) -> Visual:
    return title_card("The Integral", "Adding up infinitely many thin slices")


def _int_area(ctx: Context) -> Visual:
    expr = func_or(ctx, "0.5 * x**2 + 1")
    x_range, _ = choose_ranges([expr])
    lo = max(x_range[0], 0.0)
    hi = min(x_range[1], lo + 3.0)
    return [axes_for(expr, area=(lo, hi)),
            EquationElement(id="integral", latex=f"\\int_{{{lo:g}}}^{{{hi:g}}} f(x)\\,dx",
                            region="right")], [
        anim("create", "axes", 0, 2.0), anim("write", "integral", 1, 1.5),
        anim("indicate", "axes", 2)]  # fmt: skip


def _int_rectangles(ctx: Context) -> Visual:
    return [
        ShapeElement(id="rect1", shape="rectangle", width=1, height=1.5, color="blue",
                     fill_opacity=0.5),
        ShapeElement(id="rect2", shape="rectangle", width=1, height=2.5, color="blue",
                     fill_opacity=0.5),
        ShapeElement(id="rect3", shape="rectangle", width=1, height=4, color="blue",
                     fill_opacity=0.5),
        EquationElement(id="sum", latex="\\sum f(x_i)\\,\\Delta x", region="right"),
    ], [anim("create", "rect1", 0, 0.8), anim("create", "rect2", 0, 0.8),
        anim("create", "rect3", 1, 0.8), anim("write", "sum", 2, 1.5)]  # fmt: skip


def _int_notation(ctx: Context) -> Visual:
    return [
        EquationElement(id="notation", latex="\\int_a^b f(x)\\,dx"),
        BulletsElement(
            id="parts",
            items=[
                "a and b: where the area starts and ends",
                "f(x): the height of each slice",
                "dx: the width of a very thin slice",
            ],
        ),
    ], [anim("write", "notation", 0, 1.5), anim("fade_in", "parts", 1, 2.0)]


def _int_example(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(-1, 3, 1), y_range=(-1, 5, 1),
                    plots=[Plot(expr="x", label="y = x", color="green", area=(0, 2))]),
        EquationElement(id="result", latex="\\int_0^2 x\\,dx = \\frac{1}{2} \\cdot 2 \\cdot 2 = 2",
                        region="right"),
    ], [anim("create", "axes", 0, 2.0), anim("write", "result", 1, 2.0),
        anim("indicate", "result", 2)]  # fmt: skip


def _int_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["an integral is an area under a curve",
                                              "thin rectangles approximate it",
                                              "more rectangles give a better answer"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


INTEGRAL = Topic(
    key="integral",
    name="the integral",
    title="The Integral as Area",
    keywords=(
        "integral",
        "integrals",
        "integration",
        "integrate",
        "area under",
        "area under the curve",
        "riemann",
        "antiderivative",
    ),
    scenes=(
        Core(
            3,
            "What is an integral?",
            (
                "Welcome! Today we meet the integral, the second big idea of calculus.",
                "An integral adds up infinitely many tiny pieces to find a total.",
            ),
            _int_intro,
        ),
        Core(
            1,
            "Area under a curve",
            (
                "Picture a curve drawn above the x axis.",
                "The integral between two x values is the area trapped under that curve.",
                "The shaded region on the graph is exactly that area.",
            ),
            _int_area,
        ),
        Core(
            5,
            "Slicing into rectangles",
            (
                "We can estimate the area with thin rectangles.",
                "Each rectangle has the curve's height and a small width.",
                "Adding their areas gives a sum that gets closer to the true area.",
            ),
            _int_rectangles,
        ),
        Core(
            6,
            "Reading the notation",
            (
                "The integral sign is a stretched letter S, for sum.",
                "The numbers a and b mark where we start and stop, and f of x is the height.",
                "The d x reminds us that each slice is very thin.",
            ),
            _int_notation,
        ),
        Core(
            4,
            "Worked example: area under y = x",
            (
                "Let us integrate y equals x from zero to two.",
                "The region is a triangle with base two and height two.",
                "Half of base times height gives an area of exactly two.",
            ),
            _int_example,
        ),
        Core(
            2,
            "Recap",
            (
                "An integral measures the area under a curve between two points.",
                "We approximate it with rectangles and let them get infinitely thin.",
                "Integrals turn rates into totals, like speed into distance.",
            ),
            _int_recap,
        ),
    ),
    applications=(
        "Distance travelled from a speed graph",
        "Total rainfall from a rain rate",
        "Probabilities from a density curve",
    ),
    mistake=(
        "A common mistake is to forget that area below the axis counts as negative.",
        "Parts of the curve under the x axis subtract from the integral.",
    ),
    practice=(
        "What is the area under y equals two from zero to three?",
        "It is a rectangle with width three and height two, so the area is six.",
        "\\int_0^3 2\\,dx = 6",
    ),
    terms=(
        ("integral", "signed area under a curve"),
        ("bounds", "where the area starts, ends"),
        ("dx", "width of a thin slice"),
    ),
    questions=(
        "How are integrals and derivatives related?",
        "What happens when the curve dips below the axis?",
        "How many rectangles do you need for a good estimate?",
    ),
)
