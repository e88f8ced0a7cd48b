"""Topic: limits."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import (
    Context,
    Core,
    Example,
    ExampleRefused,
    Numbers,
    Topic,
    Visual,
    fmt,
    numbers_needed,
    title_card,
)
from tutor_core.agents.lesson.topics.figures import filled
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    NumberLineElement,
    Plot,
    TableElement,
)


def _closer(id: str, marks: list[float]) -> NumberLineElement:
    return NumberLineElement(id=id, x_range=(0, 2, 0.25), marks=marks, label="x \\to 1")


def _values(id: str, rows: int) -> TableElement:
    data = [["0.9", "1.9"], ["0.99", "1.99"], ["0.999", "1.999"]]
    return TableElement(id=id, header=["x", "f(x)"], rows=filled(data, rows))


def _intro(ctx: Context) -> Visual:
    return title_card(
        "Limits",
        "Where is a function heading?",
        [_closer("far", [0.5, 0.5, 0.5]), _closer("near", [0.5, 0.9, 0.99])],
        [anim("create", "far", 0, 1.5), anim("transform", "far", 1, 1.5, to="near")],
    )


def _approach(ctx: Context) -> Visual:
    return [
        _closer("line", [0.5, 0.5, 0.5, 0.5]),
        _closer("line2", [0.5, 0.9, 0.99, 0.999]),
        _values("one", 1),
        _values("three", 3),
    ], [anim("create", "line", 0, 1.5), anim("fade_in", "one", 1),
        anim("transform", "line", 1, 1.5, to="line2"), anim("transform", "one", 1, to="three"),
        anim("indicate", "three", 2)]  # fmt: skip


def _hole_axes(id: str, a: float, *, filled: bool) -> AxesElement:
    """The line y = x + a with a gap at x = a (and, once filled, the limit point)."""
    gap = 0.12 * max(1.0, abs(a))
    lo, hi = min(-1.0, a - 2), max(3.0, a + 2)
    ylo, yhi = min(-1.0, lo + a - 1), max(4.0, hi + a + 1)
    step = 1.0 if hi - lo <= 10 else 2.0
    ystep = 1.0 if yhi - ylo <= 12 else 2.0 if yhi - ylo <= 24 else 5.0
    plots = [
        Plot(expr=f"x + {a!r}", color="blue", x_range=(lo, a - gap)),
        Plot(expr=f"x + {a!r}", color="blue", x_range=(a + gap, hi)),
    ]
    # Before the limit fills the hole, its dot waits further along the line.
    point = (a, 2 * a) if filled else (a + 1.5, 2 * a + 1.5)
    return AxesElement(
        id=id, x_range=(lo, hi, step), y_range=(ylo, yhi, ystep), plots=plots,
        points=[point], region="left",
    )  # fmt: skip


def _hole(ctx: Context) -> Visual:
    return [
        _hole_axes("gap", 1.0, filled=False),
        _hole_axes("filled", 1.0, filled=True),
        EquationElement(id="undefined", latex="f(1) = \\frac{0}{0}\\ ?", region="right"),
        EquationElement(id="limit", latex="\\lim_{x \\to 1} \\frac{x^2 - 1}{x - 1} = 2",
                        region="right", color="yellow"),
    ], [anim("create", "gap", 0, 2.0), anim("write", "undefined", 0, 1.5),
        anim("indicate", "gap", 1), anim("transform", "gap", 2, 1.5, to="filled"),
        anim("transform", "undefined", 2, 1.5, to="limit")]  # fmt: skip


def _notation(ctx: Context) -> Visual:
    return [
        EquationElement(id="notation", latex="\\lim_{x \\to a} f(x) = L"),
        BulletsElement(id="meaning", items=["x gets as close to a as we like",
                                            "f(x) gets as close to L as we like",
                                            "x never has to equal a"]),
    ], [anim("write", "notation", 0, 1.5), anim("fade_in", "meaning", 1, 2.0),
        anim("indicate", "meaning", 2)]  # fmt: skip


def _reciprocal(id: str, upto: float) -> AxesElement:
    return AxesElement(id=id, x_range=(0, 10, 1), y_range=(-0.5, 1.5, 0.5), region="left",
                       plots=[Plot(expr="1 / x", label="y = 1/x", color="green",
                                   x_range=(0.7, upto))])  # fmt: skip


def _infinity(ctx: Context) -> Visual:
    return [
        _reciprocal("short", 3),
        _reciprocal("long", 10),
        EquationElement(id="limit", latex="\\lim_{x \\to \\infty} \\frac{1}{x} = 0",
                        region="right"),
    ], [anim("create", "short", 0, 2.0), anim("transform", "short", 1, 2.0, to="long"),
        anim("write", "limit", 2, 1.5), anim("indicate", "limit", 2)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """The limit of (x^2 - a^2) / (x - a) as x approaches a: a hole at a, filled by 2a."""
    numbers_needed(numbers, (1,), "give the number x approaches, e.g. 3")
    a = numbers[0]
    if abs(a) > 50:
        raise ExampleRefused("pick a number between -50 and 50")
    sa, s2a = fmt(a), fmt(2 * a)
    return Example(
        f"Worked example: x approaching {sa}",
        (
            f"Take x squared minus {fmt(a * a)}, over x minus {sa}: at x equals {sa} it is "
            "zero over zero.",
            f"Away from {sa} it equals x plus {sa}, a straight line with one missing point.",
            f"As x approaches {sa}, the values approach {sa} plus {sa}, which is {s2a}.",
        ),
        [
            _hole_axes("gap", a, filled=False),
            _hole_axes("filled", a, filled=True),
            EquationElement(id="undefined", latex=f"f({sa}) = \\frac{{0}}{{0}}\\ ?",
                            region="right"),
            EquationElement(id="limit", latex=f"\\lim_{{x \\to {sa}}} \\frac{{x^2 - {fmt(a * a)}}}"
                            f"{{x - {sa}}} = {s2a}", region="right", color="yellow"),
        ],
        [anim("write", "undefined", 0, 1.5), anim("create", "gap", 1, 2.0),
         anim("transform", "gap", 2, 1.5, to="filled"),
         anim("transform", "undefined", 2, 1.5, to="limit")],
    )  # fmt: skip


def _recap(ctx: Context) -> Visual:
    return [
        _hole_axes("axes", 1.0, filled=True),
        BulletsElement(id="recap", region="right",
                       items=["where f(x) is heading", "it need not get there",
                              "the base of calculus"]),
    ], [anim("create", "axes", 0, 2.0), anim("fade_in", "recap", 1, 1.5),
        anim("indicate", "axes", 2)]  # fmt: skip


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
            _intro,
        ),
        Core(
            5,
            "Getting closer and closer",
            (
                "Watch what happens as x creeps toward one.",
                "We try point nine, then point nine nine, then point nine nine nine.",
                "The outputs close in on two, even though we never reach x equals one.",
            ),
            _approach,
        ),
        Core(
            1,
            "A hole in the graph",
            (
                "The function x squared minus one, over x minus one, is undefined at one.",
                "Its graph is the line x plus one, with a single missing point.",
                "The limit fills in the hole: as x approaches one, the function approaches two.",
            ),
            _hole,
        ),
        Core(
            6,
            "Limit notation",
            (
                "We write lim, with x arrow a underneath, of f of x, equals L.",
                "It means f of x gets as close to L as we like when x is close enough to a.",
                "Importantly, x never has to actually equal a.",
            ),
            _notation,
        ),
        Core(
            4,
            "Worked example: 1 over x",
            (
                "Now let x grow larger and larger.",
                "One over x gets smaller and smaller, but it never becomes negative.",
                "So the limit of one over x as x goes to infinity is zero.",
            ),
            _infinity,
        ),
        Core(
            2,
            "Recap",
            (
                "A limit is the value a function approaches, not necessarily where it lands.",
                "Limits handle holes and infinity gracefully.",
                "Derivatives and integrals are both built on limits.",
            ),
            _recap,
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
        ("limit", "the value a function approaches"),
        ("infinity", "growing without bound"),
        ("continuous", "having no holes or jumps"),
    ),
    questions=(
        "Can a limit exist where the function is undefined?",
        "What happens when left and right limits disagree?",
        "How do limits define the derivative?",
    ),
    example=example,
    example_numbers="3",
    example_help="the number x approaches, e.g. 3",
)
