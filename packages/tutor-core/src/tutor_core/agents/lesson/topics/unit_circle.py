"""Topic: the unit circle and the sine wave."""

from __future__ import annotations

import math

from tutor_core.agents.lesson.build import anim
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
from tutor_core.agents.lesson.topics.figures import unborn
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    Plot,
    ShapeElement,
    TextElement,
    Vector,
    VectorsElement,
)


def _radius(id: str, degrees: float, *, parts: bool, labels: bool = True) -> VectorsElement:
    """The radius at an angle with its cosine and sine components (not yet grown: tiny)."""
    x = round(math.cos(math.radians(degrees)), 3)
    y = round(math.sin(math.radians(degrees)), 3)
    vectors = [Vector(x=x, y=y, color="yellow", label="1" if labels else None)]
    components = []
    if abs(x) > 1e-3:
        components.append(Vector(x=x, y=0, color="blue", label="\\cos\\theta" if labels else None))
    if abs(y) > 1e-3:
        components.append(Vector(x=0, y=y, origin=(x, 0), color="red",
                                 label="\\sin\\theta" if labels else None))  # fmt: skip
    vectors += components if parts else [unborn(v) for v in components]
    return VectorsElement(id=id, extent=1.5, vectors=vectors)


def _wave(id: str, upto: float, *, cosine: bool | None = None) -> AxesElement:
    """The sine wave up to an angle; with cosine, its partner (False: still on the sine)."""
    plots = [Plot(expr="sin(x)", label="\\sin\\theta", color="red", x_range=(0, upto))]
    if cosine is not None:
        expr = "cos(x)" if cosine else "sin(x)"
        plots.append(Plot(expr=expr, label="\\cos\\theta", color="blue"))
    return AxesElement(id=id, x_range=(0, 7, 1), y_range=(-1.5, 1.5, 0.5), x_label="\\theta",
                       plots=plots)  # fmt: skip


def _intro(ctx: Context) -> Visual:
    return title_card(
        "The Unit Circle and Sine",
        "From a turning point to a wave",
        [ShapeElement(id="circle", shape="circle", width=3, height=3, color="blue")],
        [anim("create", "circle", 0, 1.5), anim("indicate", "circle", 1)],
    )


def _coordinates(ctx: Context) -> Visual:
    return [
        _radius("radius", 37, parts=False).model_copy(update={"region": "left"}),
        _radius("parts", 37, parts=True).model_copy(update={"region": "left"}),
        EquationElement(id="point", latex="(\\cos\\theta, \\sin\\theta)", region="right"),
    ], [anim("create", "radius", 0, 2.0), anim("transform", "radius", 1, 1.5, to="parts"),
        anim("write", "point", 2, 1.5), anim("indicate", "point", 2)]  # fmt: skip


def _unroll(ctx: Context) -> Visual:
    return [
        _wave("quarter", 1.6),
        _wave("half", 3.2),
        _wave("full", 6.9),
        TextElement(id="note", text="height of the point as the angle grows", size="small"),
    ], [anim("create", "quarter", 0, 2.0), anim("transform", "quarter", 1, 1.5, to="half"),
        anim("fade_in", "note", 1), anim("transform", "half", 2, 1.5, to="full")]  # fmt: skip


def _together(ctx: Context) -> Visual:
    return [
        _wave("sine", 6.9, cosine=False).model_copy(update={"region": "left"}),
        _wave("both", 6.9, cosine=True).model_copy(update={"region": "left"}),
        EquationElement(id="identity", latex="\\sin^2\\theta + \\cos^2\\theta = 1",
                        region="right"),
    ], [anim("create", "sine", 0, 2.0), anim("transform", "sine", 0, 1.5, to="both"),
        anim("indicate", "both", 1), anim("write", "identity", 2, 1.5)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """Sine and cosine of an angle given in degrees."""
    numbers_needed(numbers, (1,), "give an angle in degrees, e.g. 30")
    degrees = numbers[0]
    if not -720 <= degrees <= 720:
        raise ExampleRefused("give an angle between -720 and 720 degrees")
    s, c = math.sin(math.radians(degrees)), math.cos(math.radians(degrees))
    s, c = round(s, 2) + 0.0, round(c, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    sd = fmt(degrees)
    exact = {0.5: "one half", 1.0: "one", 0.0: "zero", -0.5: "minus one half", -1.0: "minus one"}
    say_s = exact.get(s, f"about {fmt(s)}")
    say_c = exact.get(c, f"about {fmt(c)}")
    return Example(
        f"Worked example: the angle {sd}°",
        (
            f"Let us turn the radius to {sd} degrees.",
            f"The point is at height {fmt(s)}, so the sine of {sd} degrees is {say_s}.",
            f"Its horizontal position is {fmt(c)}, so the cosine is {say_c}.",
        ),
        [
            _radius("radius", degrees, parts=False).model_copy(update={"region": "left"}),
            _radius("parts", degrees, parts=True).model_copy(update={"region": "left"}),
            EquationElement(id="sine", latex=f"\\sin {sd}^\\circ = {fmt(s)}", region="right"),
            EquationElement(id="cosine", latex=f"\\cos {sd}^\\circ = {fmt(c)}", region="right"),
        ],
        [anim("create", "radius", 0, 2.0), anim("transform", "radius", 1, 1.5, to="parts"),
         anim("write", "sine", 1, 1.5), anim("write", "cosine", 2, 1.5)],
    )  # fmt: skip


def _recap(ctx: Context) -> Visual:
    return [
        _radius("radius", 37, parts=True, labels=False).model_copy(update={"region": "left"}),
        _wave("wave", 6.9).model_copy(update={"region": "right"}),
        BulletsElement(id="recap", region="right",
                       items=["sine: height of the point", "cosine: across",
                              "repeats every full turn"]),
    ], [anim("create", "radius", 0, 1.5), anim("create", "wave", 1, 2.0),
        anim("fade_in", "recap", 2, 1.5)]  # fmt: skip


UNIT_CIRCLE = Topic(
    key="unit_circle",
    name="the unit circle",
    title="The Unit Circle and Sine",
    keywords=(
        "unit circle",
        "sine",
        "sin",
        "cosine",
        "cos",
        "trigonometry",
        "trig",
        "sine wave",
        "radians",
    ),
    scenes=(
        Core(
            3,
            "Meet the unit circle",
            (
                "Welcome! Today we connect a simple circle to the sine wave.",
                "The unit circle is a circle with radius one, centred at the origin.",
            ),
            _intro,
        ),
        Core(
            1,
            "Angles become coordinates",
            (
                "Draw a radius of length one at an angle theta from the positive x axis.",
                "Its horizontal part is the cosine and its vertical part is the sine.",
                "So the tip of the radius is the point cosine theta, sine theta.",
            ),
            _coordinates,
        ),
        Core(
            4,
            "Unrolling the sine wave",
            (
                "Now let the angle keep growing and track the height of the point.",
                "Plotting that height against the angle draws the sine wave.",
                "It rises to one, falls to minus one, and repeats every full turn.",
            ),
            _unroll,
        ),
        Core(
            6,
            "Sine and cosine together",
            (
                "Cosine traces the same wave, shifted by a quarter turn.",
                "Because the radius is one, the Pythagorean theorem links them.",
                "Sine squared plus cosine squared always equals one.",
            ),
            _together,
        ),
        example_core(5, example, (30,)),
        Core(
            2,
            "Recap",
            (
                "The unit circle has radius one.",
                "Sine is the height of a point on it, and cosine is its horizontal position.",
                "As the angle turns, sine traces a wave that repeats forever.",
            ),
            _recap,
        ),
    ),
    applications=(
        "Sound waves and music",
        "Alternating current in power lines",
        "Rotating objects in games",
    ),
    mistake=(
        "A common mistake is mixing up degrees and radians.",
        "A full turn is three hundred sixty degrees, or two pi radians.",
    ),
    practice=(
        "What is the sine of one hundred eighty degrees?",
        "The point is on the far left of the circle at height zero, so sine is zero.",
        "\\sin 180^\\circ = 0",
    ),
    terms=(
        ("radian", "an angle measured by arc length"),
        ("sine", "the height of the point"),
        ("cosine", "the horizontal position of the point"),
    ),
    questions=(
        "Why does the sine wave repeat?",
        "What does the tangent function measure?",
        "How would a circle of radius two change the wave?",
    ),
    example=example,
    example_numbers="45",
    example_help="an angle in degrees, e.g. 45",
)
