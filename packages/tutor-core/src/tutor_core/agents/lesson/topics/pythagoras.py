"""Topic: the Pythagorean theorem."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual, title_card
from tutor_core.spec import (
    BulletsElement,
    EquationElement,
    ShapeElement,
)


def _triangle(
    a: int = 3, b: int = 4, c: str = "c", color: str = "teal", *, lengths: bool = False
) -> ShapeElement:
    # Right angle at vertex 1; side 0 is the base (b), side 1 the height (a), side 2 the hypotenuse.
    side_a, side_b = (f"a = {a}", f"b = {b}") if lengths else ("a", "b")
    return ShapeElement(
        id="triangle", shape="triangle", points=[(0, 0), (b, 0), (b, a)], color=color,
        side_labels=[side_b, side_a, c], vertex_labels=["A", "B", "C"], right_angle_at=1,
        fill_opacity=0.2,
    )  # fmt: skip


def _pyth_intro(ctx: Context) -> Visual:
    return title_card("The Pythagorean Theorem", "Right triangles hide a simple rule")


def _pyth_parts(ctx: Context) -> Visual:
    return [
        _triangle(),
        BulletsElement(id="parts", region="right",
                       items=["legs a and b meet at the right angle", "c is the hypotenuse",
                              "c is always the longest side"]),
    ], [anim("create", "triangle", 0, 2.0), anim("fade_in", "parts", 1, 1.5),
        anim("indicate", "triangle", 2)]  # fmt: skip


def _pyth_rule(ctx: Context) -> Visual:
    return [
        _triangle(),
        EquationElement(id="equation", latex="a^2 + b^2 = c^2", region="right"),
    ], [anim("create", "triangle", 0, 1.5), anim("write", "equation", 1, 2.0),
        anim("indicate", "equation", 2)]  # fmt: skip


def _pyth_squares(ctx: Context) -> Visual:
    return [
        ShapeElement(id="square_a", shape="square", width=3, height=3, label="a^2 = 9",
                     color="blue", fill_opacity=0.4),
        ShapeElement(id="square_b", shape="square", width=4, height=4, label="b^2 = 16",
                     color="green", fill_opacity=0.4),
        ShapeElement(id="square_c", shape="square", width=5, height=5, label="c^2 = 25",
                     color="yellow", fill_opacity=0.4),
    ], [anim("create", "square_a", 0), anim("create", "square_b", 0),
        anim("create", "square_c", 1, 1.5), anim("indicate", "square_c", 2)]  # fmt: skip


def _pyth_example(ctx: Context) -> Visual:
    return [
        _triangle(c="c = ?", lengths=True),
        EquationElement(id="step1", latex="3^2 + 4^2 = 9 + 16 = 25", region="right"),
        EquationElement(id="step2", latex="c = \\sqrt{25} = 5", region="right"),
    ], [anim("create", "triangle", 0, 1.5), anim("write", "step1", 1, 2.0),
        anim("write", "step2", 2, 1.5), anim("indicate", "step2", 3)]  # fmt: skip


def _pyth_recap(ctx: Context) -> Visual:
    return [
        EquationElement(id="equation", latex="a^2 + b^2 = c^2"),
        BulletsElement(id="recap", items=["only for right triangles", "c is the hypotenuse",
                                          "3, 4, 5 is the classic example"]),
    ], [anim("write", "equation", 0, 1.5), anim("fade_in", "recap", 1, 1.5)]  # fmt: skip


PYTHAGORAS = Topic(
    key="pythagoras",
    name="the Pythagorean theorem",
    title="The Pythagorean Theorem",
    keywords=(
        "pythagoras",
        "pythagorean",
        "pythagorean theorem",
        "right triangle",
        "right-angled triangle",
        "hypotenuse",
        "a^2+b^2=c^2",
        "a^2 + b^2 = c^2",
    ),
    scenes=(
        Core(
            3,
            "The Pythagorean theorem",
            (
                "Welcome! Today we explore one of the oldest rules in mathematics.",
                "The Pythagorean theorem connects the three sides of every right triangle.",
            ),
            _pyth_intro,
        ),
        Core(
            5,
            "Parts of a right triangle",
            (
                "A right triangle has one corner of exactly ninety degrees.",
                "The two sides that meet there are called the legs, a and b.",
                "The side across from the right angle is the hypotenuse, c, and it is the longest.",
            ),
            _pyth_parts,
        ),
        Core(
            1,
            "The rule: a squared plus b squared",
            (
                "Here is the theorem for a right triangle with legs a and b and hypotenuse c.",
                "Square each leg, add the results, and you get the square of the hypotenuse.",
                "In symbols, a squared plus b squared equals c squared.",
            ),
            _pyth_rule,
        ),
        Core(
            6,
            "Why it works: areas of squares",
            (
                "Think of each squared length as the area of a real square.",
                "Build squares on the two legs, with areas nine and sixteen.",
                "Together they exactly fill the square on the hypotenuse, with area twenty-five.",
            ),
            _pyth_squares,
        ),
        Core(
            4,
            "Worked example: 3, 4, 5",
            (
                "Let us find the hypotenuse when the legs are three and four.",
                "Three squared plus four squared is nine plus sixteen, which is twenty-five.",
                "The square root of twenty-five is five, so the hypotenuse is five.",
                "That is the famous three, four, five triangle.",
            ),
            _pyth_example,
        ),
        Core(
            2,
            "Recap",
            (
                "The Pythagorean theorem says a squared plus b squared equals c squared.",
                "It only works for right triangles, and c is always the hypotenuse.",
                "Use it whenever you know two sides and need the third.",
            ),
            _pyth_recap,
        ),
    ),
    applications=(
        "Measuring distances on a map",
        "Checking square corners in building",
        "Computing screen sizes from width and height",
    ),
    mistake=(
        "A common slip is adding the sides first and squaring afterwards.",
        "Square each leg first, then add the squares.",
    ),
    practice=(
        "A right triangle has legs five and twelve. How long is the hypotenuse?",
        "Twenty-five plus one hundred forty-four is one hundred sixty-nine, so c is thirteen.",
        "c = \\sqrt{5^2 + 12^2} = 13",
    ),
    terms=(
        ("leg", "a side touching the right angle"),
        ("hypotenuse", "the side opposite it"),
        ("right angle", "an angle of 90 degrees"),
    ),
    questions=(
        "Does a similar rule hold for other triangles?",
        "How does the theorem give the distance between two points?",
        "Can you find other whole-number triangles like 3, 4, 5?",
    ),
)
