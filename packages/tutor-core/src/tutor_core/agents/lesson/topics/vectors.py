"""Topic: vectors."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual, title_card
from tutor_core.spec import (
    BulletsElement,
    EquationElement,
    Vector,
    VectorsElement,
)


def _vec_intro(ctx: Context) -> Visual:
    return title_card("Vectors", "Arrows with a length and a direction")


def _vec_arrow(ctx: Context) -> Visual:
    return [
        VectorsElement(id="vectors", extent=4, vectors=[Vector(x=3, y=2, label="v",
                                                               color="yellow")]),
        EquationElement(id="components", latex="\\vec v = \\begin{pmatrix} 3 \\\\ 2 \\end{pmatrix}",
                        region="right"),
    ], [anim("create", "vectors", 0, 2.0), anim("write", "components", 1, 1.5),
        anim("indicate", "components", 2)]  # fmt: skip


def _vec_add(ctx: Context) -> Visual:
    return [
        VectorsElement(id="vectors", extent=5, vectors=[
            Vector(x=3, y=1, label="a", color="blue"),
            Vector(x=1, y=2, origin=(3, 1), label="b", color="green"),
            Vector(x=4, y=3, label="a + b", color="yellow")]),
        EquationElement(id="sum", latex="(3,1) + (1,2) = (4,3)", region="right"),
    ], [anim("create", "vectors", 0, 2.5), anim("write", "sum", 1, 1.5),
        anim("indicate", "sum", 2)]  # fmt: skip


def _vec_scale(ctx: Context) -> Visual:
    return [
        VectorsElement(
            id="vectors",
            extent=5,
            vectors=[
                Vector(x=1, y=1, label="v", color="blue"),
                Vector(x=2, y=2, origin=(0, -1), label="2v", color="green"),
                Vector(x=-1, y=-1, label="-v", color="red"),
            ],
        ),
        BulletsElement(
            id="rules", region="right", items=["2v: twice as long", "-v: same length, opposite way"]
        ),
    ], [anim("create", "vectors", 0, 2.0), anim("fade_in", "rules", 1, 1.5)]


def _vec_example(ctx: Context) -> Visual:
    return [
        VectorsElement(
            id="vectors",
            extent=5,
            vectors=[
                Vector(x=4, y=0, label="wind", color="blue"),
                Vector(x=0, y=3, origin=(4, 0), label="boat", color="green"),
                Vector(x=4, y=3, label="result", color="yellow"),
            ],
        ),
        EquationElement(id="length", latex="|(4,3)| = \\sqrt{4^2 + 3^2} = 5", region="right"),
    ], [anim("create", "vectors", 0, 2.5), anim("write", "length", 2, 1.5)]


def _vec_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["a vector has length and direction",
                                              "add vectors tip to tail",
                                              "scaling stretches or flips them"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


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
            _vec_intro,
        ),
        Core(
            4,
            "Components",
            (
                "Place the tail of the arrow at the origin.",
                "The vector three, two moves three units right and two units up.",
                "These two numbers are the vector's components.",
            ),
            _vec_arrow,
        ),
        Core(
            1,
            "Adding vectors",
            (
                "To add two vectors, put the tail of the second at the tip of the first.",
                "The sum is the arrow from the very start to the very end.",
                "In components, we simply add the matching numbers.",
            ),
            _vec_add,
        ),
        Core(
            6,
            "Scaling vectors",
            (
                "Multiplying a vector by a number stretches or shrinks it.",
                "Times two doubles the length, and a negative number flips the direction.",
            ),
            _vec_scale,
        ),
        Core(
            5,
            "Worked example: a boat in the wind",
            (
                "A boat is pushed four units east by the wind and rows three units north.",
                "Adding the vectors gives the real motion, four, three.",
                "Its length is the square root of sixteen plus nine, which is five.",
            ),
            _vec_example,
        ),
        Core(
            2,
            "Recap",
            (
                "Vectors are arrows with a length and a direction.",
                "We add them tip to tail, or component by component.",
                "Multiplying by a number scales them and can flip them around.",
            ),
            _vec_recap,
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
        ("component", "how far along each axis"),
        ("magnitude", "length of the arrow"),
        ("scalar", "a plain number"),
    ),
    questions=(
        "How do you subtract one vector from another?",
        "What does the dot product measure?",
        "How do vectors work in three dimensions?",
    ),
)
