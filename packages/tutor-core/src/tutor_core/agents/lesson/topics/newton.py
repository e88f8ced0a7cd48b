"""Topic: Newton's laws of motion."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual, title_card
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    Plot,
    ShapeElement,
    TextElement,
)


def _newton_intro(ctx: Context) -> Visual:
    return title_card("Newton's Laws of Motion", "Three rules that explain how things move")


def _newton_first(ctx: Context) -> Visual:
    return [
        ShapeElement(
            id="block",
            shape="square",
            width=1.5,
            height=1.5,
            color="blue",
            fill_opacity=0.5,
            label="m",
        ),
        ShapeElement(
            id="velocity", shape="arrow", points=[(0, 0), (3, 0)], color="green", label="v"
        ),
        TextElement(id="law", text="An object keeps its motion unless a force acts", size="small"),
    ], [
        anim("create", "block", 0),
        anim("create", "velocity", 1),
        anim("move", "block", 1, 1.5, direction="right", distance=2),
        anim("fade_in", "law", 2),
    ]


def _newton_second(ctx: Context) -> Visual:
    return [
        ShapeElement(id="block", shape="square", width=1.5, height=1.5, color="blue",
                     fill_opacity=0.5, label="m"),
        ShapeElement(id="force", shape="arrow", points=[(0, 0), (3, 0)], color="red",
                     label="F"),
        EquationElement(id="equation", latex="F = m a", region="right"),
    ], [anim("create", "block", 0), anim("create", "force", 1),
        anim("write", "equation", 2, 1.5), anim("indicate", "equation", 2)]  # fmt: skip


def _newton_third(ctx: Context) -> Visual:
    return [
        ShapeElement(id="push", shape="arrow", points=[(0, 0), (2.5, 0)], color="red",
                     label="F_{AB}"),
        ShapeElement(id="pushback", shape="arrow", points=[(0, 0), (-2.5, 0)], color="blue",
                     label="F_{BA}"),
        EquationElement(id="equation", latex="F_{AB} = -F_{BA}"),
    ], [anim("create", "push", 0), anim("create", "pushback", 1),
        anim("write", "equation", 2, 1.5)]  # fmt: skip


def _newton_example(ctx: Context) -> Visual:
    return [
        EquationElement(id="given", latex="m = 2\\,\\text{kg}, \\quad F = 10\\,\\text{N}"),
        EquationElement(id="solve", latex="a = \\frac{F}{m} = \\frac{10}{2} = 5\\,\\text{m/s}^2",
                        color="yellow"),
        AxesElement(id="axes", x_range=(0, 4, 1), y_range=(0, 25, 5), x_label="t", y_label="v",
                    plots=[Plot(expr="5 * x", label="v = 5t", color="green")]),
    ], [anim("write", "given", 0, 1.5), anim("write", "solve", 1, 2.0),
        anim("create", "axes", 2, 2.0)]  # fmt: skip


def _newton_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["1: no force, no change in motion",
                                              "2: F = ma", "3: every action has an equal reaction"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


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
            _newton_intro,
        ),
        Core(
            5,
            "First law: inertia",
            (
                "An object at rest stays at rest, and a moving object keeps moving.",
                "It keeps the same speed and direction unless a force acts on it.",
                "This resistance to change is called inertia.",
            ),
            _newton_first,
        ),
        Core(
            1,
            "Second law: F = ma",
            (
                "A force makes a mass accelerate.",
                "The bigger the force, the bigger the acceleration.",
                "Newton wrote this as force equals mass times acceleration, F equals m a.",
            ),
            _newton_second,
        ),
        Core(
            6,
            "Third law: action and reaction",
            (
                "When one object pushes another, the second pushes back.",
                "The two forces are equal in size and opposite in direction.",
                "That is why a rocket moves forward by pushing gas backward.",
            ),
            _newton_third,
        ),
        Core(
            4,
            "Worked example",
            (
                "A ten newton force pushes a two kilogram block.",
                "Acceleration is force over mass: ten over two is five metres per second squared.",
                "Every second, the block's speed grows by five metres per second.",
            ),
            _newton_example,
        ),
        Core(
            2,
            "Recap",
            (
                "First, motion does not change without a force.",
                "Second, force equals mass times acceleration.",
                "Third, every action has an equal and opposite reaction.",
            ),
            _newton_recap,
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
        ("mass", "amount of matter"),
        ("acceleration", "change in velocity per second"),
    ),
    questions=(
        "Why do astronauts float in orbit?",
        "How does friction fit into the first law?",
        "What force keeps the Moon moving in a circle?",
    ),
)
