"""Topic: Newton's laws of motion."""

from __future__ import annotations

import math

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.mathtext import nice_step
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


def _block(id: str = "block") -> ShapeElement:
    return ShapeElement(id=id, shape="square", width=1.5, height=1.5, color="blue",
                        fill_opacity=0.5, label="m")  # fmt: skip


def _arrow(id: str, length: float, label: str, color: str) -> ShapeElement:
    return ShapeElement(id=id, shape="arrow", points=[(0, 0), (length, 0)], color=color,
                        label=label)  # fmt: skip


def _intro(ctx: Context) -> Visual:
    return title_card(
        "Newton's Laws of Motion",
        "Three rules that explain how things move",
        [_block()],
        [anim("create", "block", 0), anim("move", "block", 1, 1.5, direction="right",
                                          distance=2)],
    )  # fmt: skip


def _first(ctx: Context) -> Visual:
    return [
        _block(),
        _arrow("velocity", 3, "v", "green"),
        TextElement(id="law", text="no force: the motion does not change", size="small"),
    ], [anim("create", "block", 0), anim("create", "velocity", 0),
        anim("move", "block", 1, 2.0, direction="right", distance=2),
        anim("fade_in", "law", 2), anim("indicate", "law", 2)]  # fmt: skip


def _force(id: str, size: float, label: str) -> VectorsElement:
    """A force drawn to scale (shapes are scaled to fill their place; vectors are not)."""
    return VectorsElement(id=id, extent=4.5, grid=False, region="right",
                          vectors=[Vector(x=size, y=0, label=label, color="red")])  # fmt: skip


def _second(ctx: Context) -> Visual:
    return [
        _block().model_copy(update={"region": "left"}),
        _force("force", 2, "F"),
        _force("bigger", 4, "2F"),
        EquationElement(id="equation", latex="F = m a", region="right"),
    ], [anim("create", "block", 0), anim("create", "force", 0),
        anim("transform", "force", 1, to="bigger"),
        anim("move", "block", 1, 1.5, direction="right", distance=2),
        anim("write", "equation", 2, 1.5), anim("indicate", "equation", 2)]  # fmt: skip


def _third(ctx: Context) -> Visual:
    return [
        _arrow("push", 2.5, "F_{AB}", "red"),
        _arrow("pushback", -2.5, "F_{BA}", "blue"),
        EquationElement(id="equation", latex="F_{AB} = -F_{BA}"),
    ], [anim("create", "push", 0), anim("create", "pushback", 1),
        anim("write", "equation", 1, 1.5), anim("indicate", "equation", 2)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """The acceleration of a mass m pushed by a force F (two numbers: m, F)."""
    numbers_needed(numbers, (2,), "give the mass in kilograms and the force in newtons, e.g. 4, 20")
    m, force = numbers
    if m <= 0:
        raise ExampleRefused("the mass must be positive")
    a = force / m
    sm, sf, sa = fmt(m), fmt(force), fmt(a)
    step = nice_step(max(1.0, abs(a) * 4))
    top = math.ceil(abs(a) * 4 / step) * step or step
    y_lo, y_hi = (-top, 0.0) if a < 0 else (0.0, top)
    return Example(
        f"Worked example: {sf} newtons on {sm} kilograms",
        (
            f"A {sf} newton force pushes a {sm} kilogram block.",
            f"Acceleration is force over mass: {sf} over {sm} is {sa} metres per second squared.",
            f"Every second, the block's speed grows by {sa} metres per second.",
        ),
        [
            EquationElement(id="given", latex=f"m = {sm}\\,\\text{{kg}}, \\quad F = {sf}\\,"
                            "\\text{N}", region="left"),
            EquationElement(id="solve", latex=f"a = \\frac{{F}}{{m}} = \\frac{{{sf}}}{{{sm}}} = "
                            f"{sa}\\,\\text{{m/s}}^2", color="yellow", region="left"),
            AxesElement(id="axes", x_range=(0, 4, 1), y_range=(y_lo, y_hi, step), x_label="t",
                        y_label="v", region="right",
                        plots=[Plot(expr=f"{a!r} * x", label=f"v = {sa}t", color="green")]),
        ],
        [anim("write", "given", 0, 1.5), anim("write", "solve", 1, 2.0),
         anim("create", "axes", 2, 2.0)],
    )  # fmt: skip


def _recap(ctx: Context) -> Visual:
    return [
        _block(),
        _arrow("force", 3, "F", "red"),
        BulletsElement(id="recap", region="right",
                       items=["1: no force, no change", "2: F = ma",
                              "3: equal and opposite"]),
    ], [anim("create", "block", 0), anim("create", "force", 1),
        anim("fade_in", "recap", 1, 1.5), anim("move", "block", 2, 1.5, direction="right",
                                               distance=1.5)]  # fmt: skip


NEWTON = Topic(
    key="newton",
    name="Newton's laws of motion",
    title="Newton's Laws of Motion",
    keywords=(
        "newton's laws",
        "newtons laws",
        "newton",
        "laws of motion",
        "f=ma",
        "f = ma",
        "force",
        "inertia",
        "acceleration",
        "action and reaction",
    ),
    scenes=(
        Core(
            3,
            "Three laws of motion",
            (
                "Welcome! Today we meet Newton's three laws of motion.",
                "These simple rules explain everything from falling apples to orbiting planets.",
            ),
            _intro,
        ),
        Core(
            5,
            "First law: inertia",
            (
                "An object at rest stays at rest, and a moving object keeps moving.",
                "It keeps the same speed and direction unless a force acts on it.",
                "This resistance to change is called inertia.",
            ),
            _first,
        ),
        Core(
            1,
            "Second law: F = ma",
            (
                "A force makes a mass accelerate.",
                "The bigger the force, the bigger the acceleration.",
                "Newton wrote this as force equals mass times acceleration, F equals m a.",
            ),
            _second,
        ),
        Core(
            6,
            "Third law: action and reaction",
            (
                "When one object pushes another, the second pushes back.",
                "The two forces are equal in size and opposite in direction.",
                "That is why a rocket moves forward by pushing gas backward.",
            ),
            _third,
        ),
        example_core(4, example, (2, 10)),
        Core(
            2,
            "Recap",
            (
                "First, motion does not change without a force.",
                "Second, force equals mass times acceleration.",
                "Third, every action has an equal and opposite reaction.",
            ),
            _recap,
        ),
    ),
    applications=(
        "Designing car seat belts",
        "Launching rockets into orbit",
        "Engineering bridges and buildings",
    ),
    mistake=(
        "A common mistake is thinking a moving object needs a force to keep moving.",
        "Forces change motion; without friction an object would glide forever.",
    ),
    practice=(
        "What force gives a five kilogram cart an acceleration of three metres per second squared?",
        "Force is mass times acceleration, five times three, so fifteen newtons.",
        "F = 5 \\cdot 3 = 15\\,\\text{N}",
    ),
    terms=(
        ("force", "a push or a pull"),
        ("mass", "the amount of matter"),
        ("acceleration", "the change in velocity per second"),
    ),
    questions=(
        "Why do astronauts float in orbit?",
        "How does friction fit into the first law?",
        "What force keeps the Moon moving in a circle?",
    ),
    example=example,
    example_numbers="4, 20",
    example_help="the mass in kilograms and the force in newtons, e.g. 4, 20",
)
