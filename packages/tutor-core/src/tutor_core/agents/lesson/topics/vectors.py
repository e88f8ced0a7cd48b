"""Topic: vectors."""

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
    fmt,
    numbers_needed,
    title_card,
)
from tutor_core.agents.lesson.topics.figures import unborn
from tutor_core.spec import BulletsElement, EquationElement, Vector, VectorsElement


def _plane(id: str, *vectors: Vector, extent: float = 5) -> VectorsElement:
    return VectorsElement(id=id, extent=extent, vectors=list(vectors))


def _intro(ctx: Context) -> Visual:
    return title_card(
        "Vectors",
        "Arrows with a length and a direction",
        [_plane("one", Vector(x=3, y=2, label="v", color="yellow"),
                unborn(Vector(x=-2, y=1, label="w", color="blue")), extent=4),
         _plane("two", Vector(x=3, y=2, label="v", color="yellow"),
                Vector(x=-2, y=1, label="w", color="blue"), extent=4)],
        [anim("transform", "one", 1, 1.5, to="two")],
    )  # fmt: skip


def _components(ctx: Context) -> Visual:
    v = Vector(x=3, y=2, label="v", color="yellow")
    across = Vector(x=3, y=0, label="3", color="blue")
    up = Vector(x=0, y=2, origin=(3, 0), label="2", color="red")
    return [
        _plane("arrow", v, unborn(across), unborn(up), extent=4).model_copy(
            update={"region": "left"}),
        _plane("parts", v, across, up, extent=4).model_copy(update={"region": "left"}),
        EquationElement(id="components",
                        latex="\\vec v = \\begin{pmatrix} 3 \\\\ 2 \\end{pmatrix}", region="right"),
    ], [anim("create", "arrow", 0, 2.0), anim("transform", "arrow", 1, 1.5, to="parts"),
        anim("write", "components", 2, 1.5), anim("indicate", "components", 2)]  # fmt: skip


def _sum_picture(a: tuple[float, float], b: tuple[float, float], names: tuple[str, str, str],
                 ) -> list[VectorsElement]:  # fmt: skip
    """Three stages: a; a and b tip to tail; with their sum."""
    va = Vector(x=a[0], y=a[1], label=names[0], color="blue")
    vb = Vector(x=b[0], y=b[1], origin=a, label=names[1], color="green")
    vs = Vector(x=a[0] + b[0], y=a[1] + b[1], label=names[2], color="yellow")
    reach = max(abs(c) for c in (*a, *b, a[0] + b[0], a[1] + b[1], 1.0))
    extent = min(50.0, max(5.0, math.ceil(reach * 1.2)))
    return [
        _plane("first", va, unborn(vb), unborn(vs), extent=extent).model_copy(
            update={"region": "left"}
        ),
        _plane("tip", va, vb, unborn(vs), extent=extent).model_copy(update={"region": "left"}),
        _plane("sum", va, vb, vs, extent=extent).model_copy(update={"region": "left"}),
    ]


def _adding(ctx: Context) -> Visual:
    return [
        *_sum_picture((3, 1), (1, 2), ("a", "b", "a + b")),
        EquationElement(id="total", latex="(3,1) + (1,2) = (4,3)", region="right"),
    ], [anim("create", "first", 0, 1.5), anim("transform", "first", 0, 1.5, to="tip"),
        anim("transform", "tip", 1, 1.5, to="sum"), anim("write", "total", 2, 1.5),
        anim("indicate", "total", 2)]  # fmt: skip


def _scaling(ctx: Context) -> Visual:
    v = Vector(x=1, y=1, label="v", color="blue")
    double = Vector(x=2, y=2, origin=(0, -1), label="2v", color="green")
    flipped = Vector(x=-1, y=-1, label="-v", color="red")
    return [
        _plane("one", v, unborn(double), unborn(flipped)).model_copy(update={"region": "left"}),
        _plane("two", v, double, unborn(flipped)).model_copy(update={"region": "left"}),
        _plane("three", v, double, flipped).model_copy(update={"region": "left"}),
        BulletsElement(id="rules", region="right",
                       items=["2v: twice as long", "-v: the opposite way"]),
    ], [anim("create", "one", 0, 1.5), anim("transform", "one", 0, 1.5, to="two"),
        anim("transform", "two", 1, 1.5, to="three"), anim("fade_in", "rules", 1, 1.5)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """Add two vectors (four numbers), or find the length of one (two numbers)."""
    numbers_needed(numbers, (2, 4), "give one vector (3, 4) to measure, or two to add "
                   "(1, 4, 2, -1)")  # fmt: skip
    if any(abs(n) > 25 for n in numbers):
        raise ExampleRefused("keep every component between -25 and 25")
    if len(numbers) == 2:
        x, y = numbers
        if x == 0 and y == 0:
            raise ExampleRefused("the zero vector has no direction to draw; pick another")
        length = math.hypot(x, y)
        sx, sy, sl = fmt(x), fmt(y), fmt(length)
        about = "" if length == int(length) else "about "
        equals = "\\approx" if about else "="
        reach = max(5.0, math.ceil(max(abs(x), abs(y)) * 1.2))
        v = Vector(x=x, y=y, label="v", color="yellow")
        across = Vector(x=x, y=0, label=sx, color="blue")
        up = Vector(x=0, y=y, origin=(x, 0), label=sy, color="red")
        return Example(
            f"Worked example: the length of ({sx}, {sy})",
            (
                f"Take the vector {sx}, {sy}.",
                f"Its components are the legs of a right triangle: {sx} across and {sy} up.",
                f"By Pythagoras its length is the square root of {fmt(x * x + y * y)}, "
                f"{about}{sl}.",
            ),
            [
                _plane("arrow", v, unborn(across), unborn(up), extent=reach
                       ).model_copy(update={"region": "left"}),
                _plane("parts", v, across, up, extent=reach).model_copy(update={"region": "left"}),
                EquationElement(id="length", region="right", color="yellow",
                                latex=f"|({sx}, {sy})| = \\sqrt{{{sx}^2 + {sy}^2}} "
                                f"{equals} {sl}"),
            ],
            [anim("create", "arrow", 0, 2.0), anim("transform", "arrow", 1, 1.5, to="parts"),
             anim("write", "length", 2, 2.0)],
        )  # fmt: skip
    a, b = (numbers[0], numbers[1]), (numbers[2], numbers[3])
    total = (a[0] + b[0], a[1] + b[1])
    sa = f"({fmt(a[0])}, {fmt(a[1])})"
    sb = f"({fmt(b[0])}, {fmt(b[1])})"
    st = f"({fmt(total[0])}, {fmt(total[1])})"
    return Example(
        f"Worked example: {sa} + {sb}",
        (
            f"Let us add the vectors {fmt(a[0])}, {fmt(a[1])} and {fmt(b[0])}, {fmt(b[1])}.",
            "Put the tail of the second at the tip of the first.",
            f"Adding the matching components gives {fmt(total[0])}, {fmt(total[1])}.",
        ),
        [*_sum_picture(a, b, ("a", "b", "a + b")),
         EquationElement(id="total", latex=f"{sa} + {sb} = {st}", region="right",
                         color="yellow")],
        [anim("create", "first", 0, 1.5), anim("transform", "first", 1, 1.5, to="tip"),
         anim("transform", "tip", 2, 1.5, to="sum"), anim("write", "total", 2, 1.5)],
    )  # fmt: skip


def _boat(ctx: Context) -> Visual:
    return [
        *_sum_picture((4, 0), (0, 3), ("wind", "boat", "result")),
        EquationElement(id="length", latex="|(4,3)| = \\sqrt{4^2 + 3^2} = 5", region="right"),
    ], [anim("create", "first", 0, 1.5), anim("transform", "first", 0, 1.5, to="tip"),
        anim("transform", "tip", 1, 1.5, to="sum"), anim("write", "length", 2, 1.5)]  # fmt: skip


def _recap(ctx: Context) -> Visual:
    stages = _sum_picture((3, 1), (1, 2), ("a", "b", "a + b"))
    return [
        stages[2].model_copy(update={"id": "axes"}),
        BulletsElement(id="recap", region="right",
                       items=["length and direction", "add tip to tail",
                              "scaling stretches or flips"]),
    ], [anim("create", "axes", 0, 2.0), anim("fade_in", "recap", 1, 1.5),
        anim("indicate", "axes", 2)]  # fmt: skip


VECTORS = Topic(
    key="vectors",
    name="vectors",
    title="Vectors",
    keywords=(
        "vector",
        "vectors",
        "vector addition",
        "adding vectors",
        "magnitude",
        "direction",
        "displacement",
    ),
    scenes=(
        Core(
            3,
            "What is a vector?",
            (
                "Welcome! Today we learn about vectors.",
                "A vector is a quantity with both a size and a direction, drawn as an arrow.",
            ),
            _intro,
        ),
        Core(
            4,
            "Components",
            (
                "Place the tail of the arrow at the origin.",
                "The vector three, two moves three units right and two units up.",
                "These two numbers are the vector's components.",
            ),
            _components,
        ),
        Core(
            1,
            "Adding vectors",
            (
                "To add two vectors, put the tail of the second at the tip of the first.",
                "The sum is the arrow from the very start to the very end.",
                "In components, we simply add the matching numbers.",
            ),
            _adding,
        ),
        Core(
            6,
            "Scaling vectors",
            (
                "Multiplying a vector by a number stretches or shrinks it.",
                "Times two doubles the length, and a negative number flips the direction.",
            ),
            _scaling,
        ),
        Core(
            5,
            "Worked example: a boat in the wind",
            (
                "A boat is pushed four units east by the wind and rows three units north.",
                "Adding the vectors gives the real motion, four, three.",
                "Its length is the square root of sixteen plus nine, which is five.",
            ),
            _boat,
        ),
        Core(
            2,
            "Recap",
            (
                "Vectors are arrows with a length and a direction.",
                "We add them tip to tail, or component by component.",
                "Multiplying by a number scales them and can flip them around.",
            ),
            _recap,
        ),
    ),
    applications=(
        "Forces acting on a bridge",
        "Velocity in video game physics",
        "Navigation and flight paths",
    ),
    mistake=(
        "A common mistake is adding the lengths of two vectors to get the length of their sum.",
        "Add the components instead; the lengths only add when the arrows point the same way.",
    ),
    practice=(
        "What is the vector one, four plus the vector two, minus one?",
        "Add the matching components: one plus two is three, four minus one is three.",
        "(1,4) + (2,-1) = (3,3)",
    ),
    terms=(
        ("component", "how far the arrow goes along each axis"),
        ("magnitude", "the length of the arrow"),
        ("scalar", "a plain number"),
    ),
    questions=(
        "How do you subtract one vector from another?",
        "What does the dot product measure?",
        "How do vectors work in three dimensions?",
    ),
    example=example,
    example_numbers="1, 4, 2, -1",
    example_help="one vector to measure (3, 4), or two vectors to add (1, 4, 2, -1)",
)
