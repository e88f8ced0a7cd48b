"""Topic: the area of a circle."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual
from tutor_core.spec import (
    BulletsElement,
    EquationElement,
    ShapeElement,
    TextElement,
)


def _ca_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="The Area of a Circle", size="large"),
        ShapeElement(
            id="circle", shape="circle", width=3, height=3, color="blue", fill_opacity=0.3
        ),
    ], [anim("write", "headline", 0, 1.5), anim("create", "circle", 1, 1.5)]


def _ca_radius(ctx: Context) -> Visual:
    return [
        ShapeElement(id="circle", shape="circle", width=4, height=4, color="blue"),
        ShapeElement(id="radius", shape="line", points=[(0, 0), (2, 0)], color="yellow",
                     label="r"),
        BulletsElement(id="parts", region="right", items=["r: radius, centre to edge",
                                                          "d = 2r: diameter",
                                                          "C = 2πr: circumference"]),
    ], [anim("create", "circle", 0, 1.5), anim("create", "radius", 1),
        anim("fade_in", "parts", 2, 1.5)]  # fmt: skip


def _ca_slices(ctx: Context) -> Visual:
    return [
        ShapeElement(id="circle", shape="circle", width=3, height=3, color="blue",
                     fill_opacity=0.3),
        ShapeElement(id="rectangle", shape="rectangle", width=4.7, height=1.5, color="blue",
                     fill_opacity=0.3, label="\\pi r \\times r"),
    ], [anim("create", "circle", 0, 1.5), anim("transform", "circle", 1, 2.0, to="rectangle"),
        anim("indicate", "rectangle", 2)]  # fmt: skip


def _ca_formula(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula", latex="A = \\pi r^2"),
        TextElement(id="note", text="π ≈ 3.14159", size="small"),
    ], [
        anim("write", "formula", 0, 1.5),
        anim("fade_in", "note", 1),
        anim("indicate", "formula", 2),
    ]


def _ca_example(ctx: Context) -> Visual:
    return [
        ShapeElement(id="circle", shape="circle", width=3, height=3, color="green",
                     label="r = 3", fill_opacity=0.3),
        EquationElement(id="step", latex="A = \\pi \\cdot 3^2 = 9\\pi \\approx 28.3",
                        region="right"),
    ], [anim("create", "circle", 0, 1.5), anim("write", "step", 1, 2.0),
        anim("indicate", "step", 2)]  # fmt: skip


def _ca_recap(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula", latex="A = \\pi r^2"),
        BulletsElement(
            id="recap",
            items=["square the radius, then multiply by pi", "slices rearrange into a rectangle"],
        ),
    ], [anim("write", "formula", 0, 1.5), anim("fade_in", "recap", 1, 1.5)]


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
            _ca_intro,
        ),
        Core(
            5,
            "Radius, diameter, circumference",
            (
                "Every circle has a centre and a radius, the distance to its edge.",
                "The diameter is twice the radius, straight across the circle.",
                "The distance around is the circumference, two pi r.",
            ),
            _ca_radius,
        ),
        Core(
            1,
            "Slice and rearrange",
            (
                "Cut the circle into many thin wedges, like a pizza.",
                "Arrange them point up, point down, and they form a shape close to a rectangle.",
                "Its width is half the circumference, pi r, and its height is r.",
            ),
            _ca_slices,
        ),
        Core(
            4,
            "The formula",
            (
                "Width times height gives pi r times r.",
                "So the area of a circle is pi r squared.",
                "Pi is about three point one four, the same for every circle.",
            ),
            _ca_formula,
        ),
        Core(
            6,
            "Worked example: radius 3",
            (
                "Let us find the area of a circle with radius three.",
                "Three squared is nine, so the area is nine pi.",
                "That is about twenty-eight point three square units.",
            ),
            _ca_example,
        ),
        Core(
            2,
            "Recap",
            (
                "The area of a circle is pi times the radius squared.",
                "Slicing and rearranging the circle shows why.",
                "Always square the radius before multiplying by pi.",
            ),
            _ca_recap,
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
        ("radius", "centre to edge"),
        ("diameter", "edge to edge, 2r"),
        ("pi", "circumference over diameter"),
    ),
    questions=(
        "What happens to the area when the radius doubles?",
        "How would you find the area of half a circle?",
        "Why is pi the same for every circle?",
    ),
)
