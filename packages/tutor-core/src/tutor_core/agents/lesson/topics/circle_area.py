"""Topic: the area of a circle."""

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
from tutor_core.spec import BulletsElement, EquationElement, ShapeElement, TextElement


def _circle(id: str, label: str | None = None, *, color: str = "blue") -> ShapeElement:
    return ShapeElement(id=id, shape="circle", width=3, height=3, color=color, fill_opacity=0.3,
                        label=label)  # fmt: skip


def _wedges(id: str) -> ShapeElement:
    """Eight wedges laid alternately point up and point down: a zigzag band.

    The path runs along the bottom points and the top points in turn, and the
    closing edge is the bottom line, so every wedge side is drawn once.
    """
    points: list[tuple[float, float]] = []
    for k in range(5):
        points.append((k * 1.2, 0.0))
        if k < 4:
            points.append((k * 1.2 + 0.6, 1.5))
    return ShapeElement(id=id, shape="polygon", points=points, color="blue", fill_opacity=0.3)


def _strip(id: str) -> ShapeElement:
    return ShapeElement(id=id, shape="rectangle", width=4.7, height=1.5, color="blue",
                        fill_opacity=0.3, label="\\pi r \\times r")  # fmt: skip


def _intro(ctx: Context) -> Visual:
    return title_card(
        "The Area of a Circle",
        "Why is it pi r squared?",
        [_circle("circle"), _wedges("wedges")],
        [anim("transform", "circle", 1, 2.0, to="wedges")],
    )


def _parts(ctx: Context) -> Visual:
    return [
        _circle("radius", "r: centre to edge").model_copy(update={"region": "left"}),
        _circle("diameter", "d = 2r: edge to edge").model_copy(update={"region": "left"}),
        _circle("around", "C = 2\\pi r", color="yellow").model_copy(update={"region": "left"}),
        BulletsElement(id="parts", region="right",
                       items=["r: radius", "d = 2r: diameter", "C = 2πr: circumference"]),
    ], [anim("create", "radius", 0, 1.5), anim("fade_in", "parts", 0, 1.5),
        anim("transform", "radius", 1, to="diameter"),
        anim("transform", "diameter", 2, to="around")]  # fmt: skip


def _slices(ctx: Context) -> Visual:
    return [
        _circle("circle"),
        _wedges("wedges"),
        _strip("rectangle"),
    ], [anim("create", "circle", 0, 1.5), anim("transform", "circle", 0, 2.0, to="wedges"),
        anim("transform", "wedges", 1, 2.0, to="rectangle"),
        anim("indicate", "rectangle", 2)]  # fmt: skip


def _formula(ctx: Context) -> Visual:
    return [
        _strip("rectangle").model_copy(update={"region": "left"}),
        EquationElement(id="product", latex="A = \\pi r \\times r", region="right"),
        EquationElement(id="formula", latex="A = \\pi r^2", region="right", color="yellow"),
        TextElement(id="note", text="π ≈ 3.14159", size="small", region="right"),
    ], [anim("create", "rectangle", 0, 1.5), anim("write", "product", 0, 1.5),
        anim("transform", "product", 1, 1.5, to="formula"), anim("fade_in", "note", 2),
        anim("indicate", "formula", 2)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """The area of a circle of the given radius."""
    numbers_needed(numbers, (1,), "give the radius, e.g. 5")
    r = numbers[0]
    if r <= 0:
        raise ExampleRefused("the radius must be positive")
    sr, sq = fmt(r), fmt(r * r)
    area = math.pi * r * r
    return Example(
        f"Worked example: radius {sr}",
        (
            f"Let us find the area of a circle with radius {sr}.",
            f"{sr} squared is {sq}, so the area is {sq} pi.",
            f"That is about {fmt(area)} square units.",
        ),
        [
            _circle("circle", f"r = {sr}", color="green").model_copy(update={"region": "left"}),
            EquationElement(id="step", latex=f"A = \\pi \\cdot {sr}^2 = {sq}\\pi", region="right"),
            EquationElement(id="value", latex=f"A \\approx {fmt(area)}", region="right",
                            color="yellow"),
        ],
        [anim("create", "circle", 0, 1.5), anim("write", "step", 1, 2.0),
         anim("write", "value", 2, 1.5), anim("indicate", "value", 2)],
    )  # fmt: skip


def _recap(ctx: Context) -> Visual:
    return [
        _circle("circle", "r").model_copy(update={"region": "left"}),
        EquationElement(id="formula", latex="A = \\pi r^2", region="right"),
        BulletsElement(id="recap", region="right",
                       items=["square the radius", "then multiply by pi"]),
    ], [anim("create", "circle", 0, 1.5), anim("write", "formula", 0, 1.5),
        anim("fade_in", "recap", 1, 1.5), anim("indicate", "formula", 2)]  # fmt: skip


CIRCLE_AREA = Topic(
    key="circle_area",
    name="the area of a circle",
    title="The Area of a Circle",
    keywords=(
        "circle area",
        "area of a circle",
        "area of circle",
        "pi r squared",
        "pi r^2",
        "circumference",
        "radius",
        "diameter",
    ),
    scenes=(
        Core(
            3,
            "How much space does a circle cover?",
            (
                "Welcome! Today we find out how much space a circle covers.",
                "By the end, you will know why the area is pi r squared.",
            ),
            _intro,
        ),
        Core(
            5,
            "Radius, diameter, circumference",
            (
                "Every circle has a centre and a radius, the distance to its edge.",
                "The diameter is twice the radius, straight across the circle.",
                "The distance around is the circumference, two pi r.",
            ),
            _parts,
        ),
        Core(
            1,
            "Slice and rearrange",
            (
                "Cut the circle into many thin wedges, like a pizza, and lay them side by side.",
                "Point up, point down, they form a shape close to a rectangle.",
                "Its width is half the circumference, pi r, and its height is r.",
            ),
            _slices,
        ),
        Core(
            4,
            "The formula",
            (
                "Width times height gives pi r times r.",
                "So the area of a circle is pi r squared.",
                "Pi is about three point one four, the same for every circle.",
            ),
            _formula,
        ),
        example_core(6, example, (3,)),
        Core(
            2,
            "Recap",
            (
                "The area of a circle is pi times the radius squared.",
                "Slicing and rearranging the circle shows why.",
                "Always square the radius before multiplying by pi.",
            ),
            _recap,
        ),
    ),
    applications=(
        "Sizing pizzas and pipes",
        "Designing round gardens and tables",
        "Estimating the reach of a radio tower",
    ),
    mistake=(
        "A common mistake is using the diameter in place of the radius.",
        "Halve the diameter first, then square it.",
    ),
    practice=(
        "A circle has diameter ten. What is its area?",
        "The radius is five, so the area is twenty-five pi, about seventy-eight point five.",
        "A = \\pi \\cdot 5^2 = 25\\pi",
    ),
    terms=(
        ("radius", "the distance from centre to edge"),
        ("diameter", "the distance edge to edge, 2r"),
        ("pi", "the circumference over the diameter"),
    ),
    questions=(
        "What happens to the area when the radius doubles?",
        "How would you find the area of half a circle?",
        "Why is pi the same for every circle?",
    ),
    example=example,
    example_numbers="5",
    example_help="the radius, e.g. 5",
)
