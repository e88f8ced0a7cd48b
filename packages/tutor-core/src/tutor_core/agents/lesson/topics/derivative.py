"""Topic: the derivative as the slope of a tangent."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.mathtext import choose_ranges, to_latex
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
from tutor_core.agents.lesson.topics.figures import axes_for, func_or, with_line
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    Plot,
    TextElement,
)

_DEFAULT = "x**2 / 2"


def _point(expr: str) -> tuple[float, float]:
    """Where the lesson takes its tangent (x0) and how far the secant reaches (h)."""
    x_range, _ = choose_ranges([expr])
    lo, hi = x_range[0], x_range[1]
    return round(lo + (hi - lo) * 0.6, 2), round((hi - lo) / 6, 2)


def _line(expr: str, id: str, reach: float) -> AxesElement:
    """The curve with the line through x0 and x0 + reach (the tangent for reach 0)."""
    x0, _ = _point(expr)
    return with_line(axes_for(expr, id=id), expr, x0, round(x0 + reach, 3))


def _intro(ctx: Context) -> Visual:
    expr = func_or(ctx, _DEFAULT)
    _, h = _point(expr)
    return title_card(
        "The Derivative",
        "How fast is a function changing right now?",
        [_line(expr, "secant", h), _line(expr, "tangent", 0)],
        [anim("create", "secant", 0, 2.0), anim("transform", "secant", 1, 1.5, to="tangent")],
    )


def _secant(ctx: Context) -> Visual:
    expr = func_or(ctx, _DEFAULT)
    _, h = _point(expr)
    return [
        _line(expr, "secant", h).model_copy(update={"region": "left"}),
        EquationElement(id="slope", latex="\\frac{f(x+h) - f(x)}{h}", region="right"),
        EquationElement(id="rise", latex="\\text{slope} = \\frac{\\text{rise}}{\\text{run}}",
                        region="right"),
    ], [anim("create", "secant", 0, 2.0), anim("write", "rise", 1, 1.5),
        anim("write", "slope", 1, 1.5), anim("indicate", "secant", 2)]  # fmt: skip


def _tangent(ctx: Context) -> Visual:
    expr = func_or(ctx, _DEFAULT)
    _, h = _point(expr)
    return [
        _line(expr, "far", h),
        _line(expr, "near", h / 3),
        _line(expr, "touch", 0),
        TextElement(id="note", text="slope of the tangent = the derivative", size="small"),
    ], [anim("create", "far", 0, 1.5), anim("transform", "far", 0, 1.5, to="near"),
        anim("transform", "near", 1, 1.5, to="touch"), anim("indicate", "touch", 1),
        anim("fade_in", "note", 2)]  # fmt: skip


def _limit(ctx: Context) -> Visual:
    return [
        EquationElement(id="quotient", latex="\\frac{f(x+h) - f(x)}{h}"),
        EquationElement(id="definition",
                        latex="f'(x) = \\lim_{h \\to 0} \\frac{f(x+h) - f(x)}{h}"),
        BulletsElement(id="steps", items=["pick two nearby points", "compute rise over run",
                                          "let the gap h shrink to zero"]),
    ], [anim("write", "quotient", 0, 1.5), anim("fade_in", "steps", 1, 1.5),
        anim("transform", "quotient", 2, 1.5, to="definition"),
        anim("indicate", "definition", 2)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """The slope of x squared at the given x."""
    numbers_needed(numbers, (1,), "give the x where to find the slope of x squared, e.g. 3")
    x0 = numbers[0]
    if abs(x0) > 10:
        raise ExampleRefused("pick an x between -10 and 10")
    slope = 2 * x0
    sx, ss = fmt(x0), fmt(slope)
    wide = max(3.0, abs(x0) + 1.5)
    axes = AxesElement(
        id="graph", x_range=(-wide, wide, 1.0 if wide <= 6 else 2.0),
        y_range=(-1.0, round(wide * wide + 1), 1.0 if wide <= 3 else 5.0 if wide <= 6 else 20.0),
        plots=[Plot(expr="x**2", label=to_latex("x**2"), color="blue")],
    )  # fmt: skip
    # The tangent slides along the curve, from the bottom (slope 0) to x0.
    secant = with_line(axes, "x**2", 0.0, 0.0)
    touched = with_line(axes, "x**2", x0, x0).model_copy(update={"id": "touched"})
    return Example(
        f"Worked example: slope of x squared at {sx}",
        (
            "Let us try the function x squared.",
            "Its derivative is two x, so the slope doubles whatever x is.",
            f"At x equals {sx}, the tangent line has slope two times {sx}, which is {ss}.",
        ),
        [
            secant.model_copy(update={"region": "left"}),
            touched.model_copy(update={"region": "left"}),
            EquationElement(id="rule", latex="\\frac{d}{dx} x^2 = 2x", region="right"),
            EquationElement(id="value", latex=f"f'({sx}) = 2 \\cdot {sx} = {ss}", region="right",
                            color="yellow"),
        ],
        [anim("create", "graph", 0, 2.0), anim("write", "rule", 1, 1.5),
         anim("transform", "graph", 2, 1.5, to="touched"), anim("write", "value", 2, 1.5)],
    )  # fmt: skip


def _recap(ctx: Context) -> Visual:
    expr = func_or(ctx, _DEFAULT)
    x0, _ = _point(expr)
    return [
        axes_for(expr, id="axes", tangent_at=x0).model_copy(update={"region": "left"}),
        BulletsElement(id="recap", region="right",
                       items=["slope of the tangent line", "secants approach it",
                              "measures how fast things change"]),
    ], [anim("create", "axes", 0, 2.0), anim("fade_in", "recap", 1, 1.5),
        anim("indicate", "axes", 2)]  # fmt: skip


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
            _intro,
        ),
        Core(
            5,
            "Slope between two points",
            (
                "We already know how to find the slope between two points on a curve.",
                "Divide the change in height by the change in x, rise over run.",
                "This line through two points is called a secant line.",
            ),
            _secant,
        ),
        Core(
            1,
            "The tangent line",
            (
                "Now slide the two points closer and closer together.",
                "The secant line turns into the tangent line, which just touches the curve.",
                "The slope of this tangent line is the derivative at that point.",
            ),
            _tangent,
        ),
        Core(
            6,
            "The limit definition",
            (
                "Mathematicians write this idea as a limit.",
                "We compute rise over run for a tiny gap h between the points.",
                "Then we let h shrink toward zero and see what value the slope approaches.",
            ),
            _limit,
        ),
        example_core(4, example, (1.5,)),
        Core(
            2,
            "Recap",
            (
                "The derivative is the slope of the tangent line at a point.",
                "It comes from secant slopes as the gap between points shrinks to zero.",
                "It measures how fast things change, from speed to growth rates.",
            ),
            _recap,
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
        ("tangent", "a line touching the curve at one point"),
        ("limit", "the value approached as h goes to zero"),
    ),
    questions=(
        "Where is the derivative of a curve equal to zero?",
        "What does a negative derivative tell you?",
        "What is the derivative of the derivative?",
    ),
    example=example,
    example_numbers="3",
    example_help="the x where to find the slope of x squared, e.g. 3",
)
