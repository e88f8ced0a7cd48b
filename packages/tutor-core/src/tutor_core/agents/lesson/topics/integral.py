"""Topic: the integral as the area under a curve."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.mathtext import choose_ranges
from tutor_core.agents.lesson.topics.base import (
    Context,
    Core,
    Example,
    ExampleRefused,
    Numbers,
    Topic,
    Visual,
    example_core,
    fmt,
    numbers_needed,
    title_card,
)
from tutor_core.agents.lesson.topics.figures import SLIVER, axes_for, func_or, riemann_plot
from tutor_core.spec import AxesElement, BulletsElement, EquationElement, Plot

_DEFAULT = "0.5 * x**2 + 1"


def _bounds(expr: str) -> tuple[float, float]:
    x_range, _ = choose_ranges([expr])
    lo = max(x_range[0], 0.0)
    return lo, min(x_range[1], lo + 3.0)


def _intro(ctx: Context) -> Visual:
    expr = func_or(ctx, _DEFAULT)
    lo, hi = _bounds(expr)
    return title_card(
        "The Integral",
        "Adding up infinitely many thin slices",
        [
            axes_for(expr, id="curve", area=(lo, lo + SLIVER)),
            axes_for(expr, id="shaded", area=(lo, hi)),
        ],
        [anim("transform", "curve", 1, 1.5, to="shaded")],
    )


def _area(ctx: Context) -> Visual:
    expr = func_or(ctx, _DEFAULT)
    lo, hi = _bounds(expr)
    return [
        axes_for(expr, id="curve", area=(lo, lo + SLIVER)).model_copy(update={"region": "left"}),
        axes_for(expr, id="shaded", area=(lo, hi)).model_copy(update={"region": "left"}),
        EquationElement(id="integral", latex=f"\\int_{{{fmt(lo)}}}^{{{fmt(hi)}}} f(x)\\,dx",
                        region="right"),
    ], [anim("create", "curve", 0, 2.0), anim("write", "integral", 1, 1.5),
        anim("transform", "curve", 2, 1.5, to="shaded"), anim("indicate", "shaded", 2)]  # fmt: skip


def _slices(expr: str, lo: float, hi: float, width: float, id: str) -> AxesElement:
    axes = axes_for(expr, id=id)
    axes.plots.append(riemann_plot(expr, lo, hi, width))
    return axes


def _rectangles(ctx: Context) -> Visual:
    expr = func_or(ctx, _DEFAULT)
    lo, hi = _bounds(expr)
    span = hi - lo
    return [
        _slices(expr, lo, hi, span / 3, "wide"),
        _slices(expr, lo, hi, span / 6, "thinner"),
        _slices(expr, lo, hi, span / 12, "thin"),
        EquationElement(id="sum", latex="\\sum f(x_i)\\,\\Delta x", region="right"),
    ], [anim("create", "wide", 0, 2.0), anim("write", "sum", 1, 1.5),
        anim("transform", "wide", 2, 1.5, to="thinner"),
        anim("transform", "thinner", 2, 1.5, to="thin")]  # fmt: skip


def _notation(ctx: Context) -> Visual:
    return [
        EquationElement(id="sum", latex="\\sum f(x_i)\\,\\Delta x"),
        EquationElement(id="notation", latex="\\int_a^b f(x)\\,dx"),
        BulletsElement(id="parts", items=["a and b: where the area starts and ends",
                                          "f(x): the height of each slice",
                                          "dx: the width of a thin slice"]),
    ], [anim("write", "sum", 0, 1.5), anim("transform", "sum", 0, 1.5, to="notation"),
        anim("fade_in", "parts", 1, 2.0), anim("indicate", "notation", 2)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """The area under y = x between two x values (or from 0 to one value)."""
    numbers_needed(numbers, (1, 2), "give where the area ends (2), or where it starts and ends "
                   "(1, 3)")  # fmt: skip
    a, b = (0.0, numbers[0]) if len(numbers) == 1 else numbers
    if not 0 <= a < b <= 20:
        raise ExampleRefused("give bounds from 0 to 20, the first smaller, e.g. 1, 3")
    area = (b * b - a * a) / 2
    sa, sb, sarea = fmt(a), fmt(b), fmt(area)
    step = 1.0 if b <= 8 else 5.0
    axes = AxesElement(id="graph", x_range=(-1.0, round(b + 1), step),
                       y_range=(-1.0, round(b + 1), step), region="left",
                       plots=[Plot(expr="x", label="y = x", color="green")])  # fmt: skip
    shaded = axes.model_copy(
        update={"id": "shaded", "plots": [axes.plots[0].model_copy(update={"area": (a, b)})]}
    )
    # The area sweeps out from a sliver at its left edge.
    axes = axes.model_copy(
        update={"plots": [axes.plots[0].model_copy(update={"area": (a, a + SLIVER)})]}
    )
    if a == 0:
        shape = f"The region is a triangle with base {sb} and height {sb}."
        how = f"Half of base times height gives an area of {sarea}."
        steps = f"\\tfrac{{1}}{{2}} \\cdot {sb} \\cdot {sb}"
    else:
        shape = f"The region is a trapezoid: heights {sa} and {sb}, width {fmt(b - a)}."
        how = f"The average height times the width gives an area of {sarea}."
        steps = f"\\tfrac{{{sa} + {sb}}}{{2}} \\cdot {fmt(b - a)}"
    return Example(
        f"Worked example: area under y = x from {sa} to {sb}",
        (f"Let us integrate y equals x from {sa} to {sb}.", shape, how),
        [axes, shaded,
         EquationElement(id="result", latex=f"\\int_{{{sa}}}^{{{sb}}} x\\,dx = {steps} = {sarea}",
                         region="right", color="yellow")],
        [anim("create", "graph", 0, 2.0), anim("transform", "graph", 1, 1.5, to="shaded"),
         anim("write", "result", 2, 2.0), anim("indicate", "result", 2)],
    )  # fmt: skip


def _recap(ctx: Context) -> Visual:
    expr = func_or(ctx, _DEFAULT)
    lo, hi = _bounds(expr)
    return [
        _slices(expr, lo, hi, (hi - lo) / 12, "axes").model_copy(update={"region": "left"}),
        BulletsElement(id="recap", region="right",
                       items=["area under a curve", "thin rectangles estimate it",
                              "thinner gives a better answer"]),
    ], [anim("create", "axes", 0, 2.0), anim("fade_in", "recap", 1, 1.5),
        anim("indicate", "axes", 2)]  # fmt: skip


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
            _intro,
        ),
        Core(
            1,
            "Area under a curve",
            (
                "Picture a curve drawn above the x axis.",
                "The integral between two x values is the area trapped under that curve.",
                "The shaded region on the graph is exactly that area.",
            ),
            _area,
        ),
        Core(
            5,
            "Slicing into rectangles",
            (
                "We can estimate the area with rectangles that reach up to the curve.",
                "Each rectangle has the curve's height and a small width.",
                "As the rectangles get thinner, their total gets closer to the true area.",
            ),
            _rectangles,
        ),
        Core(
            6,
            "Reading the notation",
            (
                "The integral sign is a stretched letter S, for sum.",
                "The numbers a and b mark where we start and stop, and f of x is the height.",
                "The d x reminds us that each slice is very thin.",
            ),
            _notation,
        ),
        example_core(4, example, (2,)),
        Core(
            2,
            "Recap",
            (
                "An integral measures the area under a curve between two points.",
                "We approximate it with rectangles and let them get infinitely thin.",
                "Integrals turn rates into totals, like speed into distance.",
            ),
            _recap,
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
        ("integral", "the signed area under a curve"),
        ("bounds", "where the area starts and ends"),
        ("dx", "the width of a thin slice"),
    ),
    questions=(
        "How are integrals and derivatives related?",
        "What happens when the curve dips below the axis?",
        "How many rectangles do you need for a good estimate?",
    ),
    example=example,
    example_numbers="1, 3",
    example_help="where the area under y = x starts and ends (1, 3), or just where it ends (2)",
)
