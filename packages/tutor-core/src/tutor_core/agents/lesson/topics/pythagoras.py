"""Topic: the Pythagorean theorem."""

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
from tutor_core.agents.lesson.topics.figures import right_triangle, squares_on_sides
from tutor_core.spec import BulletsElement, Element, EquationElement, TextElement


def _intro(ctx: Context) -> Visual:
    return title_card(
        "The Pythagorean Theorem",
        "Three sides, one simple rule",
        [right_triangle("triangle", "", "", ""), squares_on_sides("squares", ("", "", ""))],
        [anim("transform", "triangle", 1, 1.5, to="squares")],
    )


def _parts(ctx: Context) -> Visual:
    return [
        right_triangle("plain", "", "", "").model_copy(update={"region": "left"}),
        right_triangle("legs", "a", "b", "").model_copy(update={"region": "left"}),
        right_triangle("named", "a", "b", "c").model_copy(update={"region": "left"}),
        TextElement(id="corner", text="one corner of 90°", region="right"),
        TextElement(id="legs_note", text="legs a and b meet there", region="right"),
        TextElement(id="hyp_note", text="c: the longest side", region="right", color="yellow"),
    ], [anim("create", "plain", 0, 1.5), anim("fade_in", "corner", 0),
        anim("transform", "plain", 1, to="legs"), anim("fade_in", "legs_note", 1),
        anim("transform", "legs", 2, to="named"), anim("fade_in", "hyp_note", 2)]  # fmt: skip


def _rule(ctx: Context) -> Visual:
    return [
        right_triangle("triangle").model_copy(update={"region": "left"}),
        squares_on_sides("squares").model_copy(update={"region": "left"}),
        EquationElement(id="equation", latex="a^2 + b^2 = c^2", region="right"),
    ], [anim("create", "triangle", 0, 1.5),
        anim("transform", "triangle", 1, 2.0, to="squares"), anim("indicate", "squares", 1),
        anim("write", "equation", 2, 2.0), anim("indicate", "equation", 2)]  # fmt: skip


def _areas(ctx: Context) -> Visual:
    return [
        right_triangle("triangle", "3", "4", "5").model_copy(update={"region": "left"}),
        squares_on_sides("squares", ("9", "16", "25")).model_copy(update={"region": "left"}),
        EquationElement(id="sum", latex="9 + 16 = 25", region="right"),
    ], [anim("create", "triangle", 0, 1.5), anim("transform", "triangle", 1, 2.0, to="squares"),
        anim("write", "sum", 2, 1.5), anim("indicate", "squares", 2)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """Two legs give the hypotenuse; three sides are checked against the rule."""
    numbers_needed(numbers, (2, 3), "give two legs (5, 12) or three sides to check (5, 12, 13)")
    if any(n <= 0 for n in numbers):
        raise ExampleRefused("side lengths must be positive")
    a, b = numbers[0], numbers[1]
    sa, sb = fmt(a), fmt(b)
    total = a * a + b * b
    c = math.sqrt(total)
    exact = abs(c - round(c)) < 1e-9
    sc = fmt(c)
    is_c = "is" if exact else "is about"
    eq_c = "=" if exact else "\\approx"
    sentences = [
        f"Let us find the hypotenuse when the legs are {sa} and {sb}.",
        f"{sa} squared plus {sb} squared is {fmt(a * a)} plus {fmt(b * b)}, which is {fmt(total)}.",
        f"The square root of {fmt(total)} {is_c} {sc}, so the hypotenuse {is_c} {sc}.",
    ]
    title = f"Worked example: {sa}, {sb}, {sc}" if exact else f"Worked example: legs {sa}, {sb}"
    elements: list[Element] = [
        right_triangle("triangle", f"a = {sa}", f"b = {sb}", "c = ?", size=(a, b)).model_copy(
            update={"region": "left"}
        ),
        right_triangle("solved", f"a = {sa}", f"b = {sb}", f"c {eq_c} {sc}", size=(a, b)
                       ).model_copy(update={"region": "left"}),
        EquationElement(id="step1", latex=f"{sa}^2 + {sb}^2 = {fmt(a * a)} + {fmt(b * b)} = "
                        f"{fmt(total)}", region="right"),
        EquationElement(id="step2", latex=f"c = \\sqrt{{{fmt(total)}}} {eq_c} {sc}",
                        region="right", color="yellow"),
    ]  # fmt: skip
    animations = [
        anim("create", "triangle", 0, 1.5),
        anim("write", "step1", 1, 2.0),
        anim("write", "step2", 2, 1.5),
        anim("transform", "triangle", 2, to="solved"),
        anim("indicate", "solved", 2),
    ]
    if len(numbers) == 3:
        given = numbers[2]
        title = f"Worked example: {sa}, {sb}, {fmt(given)}"
        right = abs(given - c) < 1e-9 * max(1.0, c)
        verdict = (
            f"So {sa}, {sb}, {fmt(given)} is a right triangle: the rule holds."
            if right
            else f"So {sa}, {sb}, {fmt(given)} is not a right triangle: "
            f"{fmt(given)} squared is {fmt(given * given)}, not {fmt(total)}."
        )
        sentences.append(verdict)
        elements.append(
            TextElement(id="verdict", text="a right triangle ✓" if right
                        else "not a right triangle", region="right",
                        color="green" if right else "red")
        )  # fmt: skip
        animations.append(anim("fade_in", "verdict", 3))
    return Example(title, tuple(sentences), elements, animations)


def _recap(ctx: Context) -> Visual:
    return [
        squares_on_sides("squares").model_copy(update={"region": "left"}),
        EquationElement(id="equation", latex="a^2 + b^2 = c^2", region="right"),
        BulletsElement(id="recap", region="right",
                       items=["right triangles only", "c is the hypotenuse",
                              "two sides give the third"]),
    ], [anim("create", "squares", 0, 2.0), anim("write", "equation", 0, 1.5),
        anim("fade_in", "recap", 1, 1.5), anim("indicate", "squares", 2)]  # fmt: skip


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
            _intro,
        ),
        Core(
            5,
            "Parts of a right triangle",
            (
                "A right triangle has one corner of exactly ninety degrees.",
                "The two sides that meet there are called the legs, a and b.",
                "The side across from the right angle is the hypotenuse, c, and it is the longest.",
            ),
            _parts,
        ),
        Core(
            1,
            "The rule: a squared plus b squared",
            (
                "Here is the theorem for a right triangle with legs a and b and hypotenuse c.",
                "Build a square on each side: the two smaller squares together have exactly "
                "the area of the largest.",
                "In symbols, a squared plus b squared equals c squared.",
            ),
            _rule,
        ),
        Core(
            6,
            "Why it works: areas of squares",
            (
                "Think of each squared length as the area of a real square.",
                "For legs three and four, the squares on the legs have areas nine and sixteen.",
                "Together they make twenty-five, the area of the square on the hypotenuse.",
            ),
            _areas,
        ),
        example_core(4, example, (3, 4), "That is the famous three, four, five triangle."),
        Core(
            2,
            "Recap",
            (
                "The Pythagorean theorem says a squared plus b squared equals c squared.",
                "It only works for right triangles, and c is always the hypotenuse.",
                "Use it whenever you know two sides and need the third.",
            ),
            _recap,
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
        ("hypotenuse", "the side opposite the right angle"),
        ("right angle", "an angle of 90 degrees"),
    ),
    questions=(
        "Does a similar rule hold for other triangles?",
        "How does the theorem give the distance between two points?",
        "Can you find other whole-number triangles like 3, 4, 5?",
    ),
    example=example,
    example_numbers="5, 12, 13",
    example_help="two legs (5, 12), or three sides to check (5, 12, 13)",
)
