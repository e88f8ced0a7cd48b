"""Topic: the unit circle and sine."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    Plot,
    ShapeElement,
    TableElement,
    TextElement,
    Vector,
    VectorsElement,
)


def _uc_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="The Unit Circle and Sine", size="large"),
        ShapeElement(id="circle", shape="circle", width=3, height=3, color="blue"),
    ], [anim("write", "headline", 0, 1.5), anim("create", "circle", 1, 1.5)]


def _uc_circle(ctx: Context) -> Visual:
    return [
        VectorsElement(id="radius", extent=1.5, vectors=[
            Vector(x=0.8, y=0.6, color="yellow"),
            Vector(x=0.8, y=0, label="\\cos\\theta", color="blue"),
            Vector(x=0, y=0.6, origin=(0.8, 0), label="\\sin\\theta", color="red")]),
        EquationElement(id="point", latex="(\\cos\\theta, \\sin\\theta)", region="right"),
    ], [anim("create", "radius", 0, 2.0), anim("write", "point", 1, 1.5),
        anim("indicate", "point", 2)]  # fmt: skip


def _uc_sine(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(0, 7, 1), y_range=(-1.5, 1.5, 0.5), x_label="\\theta",
                    plots=[Plot(expr="sin(x)", label="\\sin\\theta", color="red")]),
        TextElement(id="note", text="Height of the point as the angle grows", size="small"),
    ], [anim("create", "axes", 0, 2.5), anim("fade_in", "note", 1),
        anim("indicate", "axes", 2)]  # fmt: skip


def _uc_cosine(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(0, 7, 1), y_range=(-1.5, 1.5, 0.5), x_label="\\theta",
                    plots=[Plot(expr="sin(x)", label="\\sin", color="red"),
                           Plot(expr="cos(x)", label="\\cos", color="blue")]),
        EquationElement(id="identity", latex="\\sin^2\\theta + \\cos^2\\theta = 1",
                        region="right"),
    ], [anim("create", "axes", 0, 2.5), anim("write", "identity", 2, 1.5)]  # fmt: skip


def _uc_example(ctx: Context) -> Visual:
    return [
        TableElement(id="values", header=["degrees", "sin", "cos"],
                     rows=[["0", "0", "1"], ["30", "0.5", "0.87"], ["90", "1", "0"],
                           ["180", "0", "-1"]]),
        EquationElement(id="example", latex="\\sin 30^\\circ = \\tfrac{1}{2}", region="right"),
    ], [anim("fade_in", "values", 0, 2.0), anim("write", "example", 1, 1.5),
        anim("indicate", "example", 2)]  # fmt: skip


def _uc_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["unit circle: radius 1", "sine = height of the point",
                                              "cosine = horizontal position",
                                              "sine repeats every full turn"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


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
            _uc_intro,
        ),
        Core(
            1,
            "Angles become coordinates",
            (
                "Draw a radius at an angle theta from the positive x axis.",
                "Its horizontal part is the cosine and its vertical part is the sine.",
                "So every point on the circle is cosine theta, sine theta.",
            ),
            _uc_circle,
        ),
        Core(
            4,
            "Unrolling the sine wave",
            (
                "Now let the angle keep growing and track the height of the point.",
                "Plotting that height against the angle draws the sine wave.",
                "It rises to one, falls to minus one, and repeats every full turn.",
            ),
            _uc_sine,
        ),
        Core(
            6,
            "Sine and cosine together",
            (
                "Cosine traces the same wave, shifted by a quarter turn.",
                "Because the radius is one, the Pythagorean theorem links them.",
                "Sine squared plus cosine squared always equals one.",
            ),
            _uc_cosine,
        ),
        Core(
            5,
            "Worked example: special angles",
            (
                "Some angles give especially simple values.",
                "At thirty degrees, the point sits at height one half, so sine is one half.",
                "At ninety degrees the point is at the top, so sine is one and cosine is zero.",
            ),
            _uc_example,
        ),
        Core(
            2,
            "Recap",
            (
                "The unit circle has radius one.",
                "Sine is the height of a point on it, and cosine is its horizontal position.",
                "As the angle turns, sine traces a wave that repeats forever.",
            ),
            _uc_recap,
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
        ("radian", "angle measured by arc length"),
        ("sine", "height of the point"),
        ("cosine", "horizontal position"),
    ),
    questions=(
        "Why does the sine wave repeat?",
        "What does the tangent function measure?",
        "How would a circle of radius two change the wave?",
    ),
)
