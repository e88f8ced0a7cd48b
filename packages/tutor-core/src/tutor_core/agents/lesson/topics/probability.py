"""Topic: probability."""

from __future__ import annotations

from fractions import Fraction

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
from tutor_core.agents.lesson.topics.figures import array_table
from tutor_core.spec import (
    BulletsElement,
    EquationElement,
    NumberLineElement,
    TableElement,
    TextElement,
)


def _scale(id: str, marks: list[float], label: str = "impossible to certain") -> NumberLineElement:
    return NumberLineElement(id=id, x_range=(0, 1, 0.25), marks=marks, label=label)


def _intro(ctx: Context) -> Visual:
    return title_card(
        "Probability",
        "Measuring chance with numbers",
        [_scale("scale", [0, 1, 1]), _scale("half", [0, 0.5, 1])],
        [anim("create", "scale", 0, 1.5), anim("transform", "scale", 1, 1.5, to="half")],
    )


def _formula(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula",
                        latex="P(A) = \\frac{\\text{favourable outcomes}}{\\text{all outcomes}}"),
        BulletsElement(id="rules", items=["all outcomes equally likely",
                                          "the answer is between 0 and 1"]),
        _scale("scale", [0, 0.5, 1], "from 0 to 1"),
    ], [anim("write", "formula", 0, 2.0), anim("fade_in", "rules", 1, 1.5),
        anim("create", "scale", 2, 1.5)]  # fmt: skip


def _die(ctx: Context) -> Visual:
    faces = ["1", "2", "3", "4", "5", "6"]
    return [
        array_table("faces", faces, {i: "1/6" for i in range(6)}),
        array_table("even", faces, {1: "▲", 3: "▲", 5: "▲"}),
        EquationElement(id="answer", latex="P(\\text{even}) = \\frac{3}{6} = \\frac{1}{2}"),
    ], [anim("fade_in", "faces", 0, 1.5), anim("transform", "faces", 1, 1.5, to="even"),
        anim("write", "answer", 2, 1.5), anim("indicate", "answer", 2)]  # fmt: skip


def _sums(id: str, mark: int | None) -> TableElement:
    rows = [
        [str(a)] + [f"[{a + b}]" if a + b == mark else str(a + b) for b in range(1, 7)]
        for a in range(1, 7)
    ]
    return TableElement(id=id, header=["+", "1", "2", "3", "4", "5", "6"], rows=rows,
                        region="left")  # fmt: skip


def _two_dice(ctx: Context) -> Visual:
    return [
        _sums("sums", None),
        _sums("sevens", 7),
        EquationElement(id="seven", latex="P(\\text{sum} = 7) = \\frac{6}{36} = \\frac{1}{6}",
                        region="right"),
    ], [anim("fade_in", "sums", 0, 2.0), anim("indicate", "sums", 1),
        anim("transform", "sums", 2, 1.5, to="sevens"), anim("write", "seven", 2, 1.5)]  # fmt: skip


def _rules(ctx: Context) -> Visual:
    return [
        EquationElement(id="and", latex="P(A \\text{ and } B) = P(A) \\cdot P(B)"),
        TextElement(id="note", text="only for independent events", size="small"),
        EquationElement(id="not", latex="P(\\text{not } A) = 1 - P(A)"),
    ], [anim("write", "and", 0, 1.5), anim("fade_in", "note", 1), anim("indicate", "and", 1),
        anim("write", "not", 2, 1.5)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """A probability from favourable and possible outcomes (two whole numbers)."""
    numbers_needed(numbers, (2,), "give the favourable and the possible outcomes, e.g. 3, 8")
    fav, total = numbers
    if fav != int(fav) or total != int(total) or not 0 <= fav <= total or total < 1:
        raise ExampleRefused(
            "give two whole numbers: favourable outcomes, then all outcomes (at least as many)"
        )
    f, n = int(fav), int(total)
    p = Fraction(f, n)
    simple = f"{p.numerator}/{p.denominator}" if p.denominator != 1 else str(p.numerator)
    tex = f"\\frac{{{p.numerator}}}{{{p.denominator}}}" if p.denominator != 1 else simple
    also = "" if (p.numerator, p.denominator) == (f, n) else f", which is {simple}"
    return Example(
        f"Worked example: {f} out of {n}",
        (
            f"Suppose {f} of {n} equally likely outcomes are the ones we want.",
            f"The probability is {f} over {n}{also}.",
            f"On the scale from zero to one, that is about {fmt(float(p), 2)}.",
        ),
        [
            EquationElement(id="answer", latex=f"P = \\frac{{{f}}}{{{n}}} = {tex}",
                            color="yellow"),
            _scale("scale", [0, 0, 1], "0 to 1"),
            _scale("marked", [0, float(p), 1], "0 to 1"),
        ],
        [anim("create", "scale", 0, 1.5), anim("write", "answer", 1, 1.5),
         anim("transform", "scale", 2, 1.5, to="marked")],
    )  # fmt: skip


def _recap(ctx: Context) -> Visual:
    return [
        _scale("scale", [0, 0.5, 1], "from 0 to 1"),
        BulletsElement(id="recap", items=["favourable over all outcomes",
                                          "0 impossible, 1 certain",
                                          "multiply for independent events"]),
    ], [anim("create", "scale", 0, 1.5), anim("fade_in", "recap", 1, 1.5),
        anim("indicate", "recap", 2)]  # fmt: skip


PROBABILITY = Topic(
    key="probability",
    name="probability",
    title="Probability",
    keywords=(
        "probability",
        "probabilities",
        "chance",
        "odds",
        "dice",
        "die roll",
        "coin flip",
        "coin toss",
        "random event",
        "likelihood",
    ),
    scenes=(
        Core(
            3,
            "Measuring chance",
            (
                "Welcome! Today we learn how to measure chance with probability.",
                "A probability is a number from zero, impossible, to one, certain.",
            ),
            _intro,
        ),
        Core(
            1,
            "The basic formula",
            (
                "When all outcomes are equally likely, probability is a simple fraction.",
                "Count the outcomes you want and divide by all possible outcomes.",
                "The answer is always between zero and one.",
            ),
            _formula,
        ),
        Core(
            4,
            "Rolling one die",
            (
                "A fair die has six faces, each with probability one sixth.",
                "Three of the faces are even: two, four and six.",
                "So the probability of rolling an even number is three sixths, or one half.",
            ),
            _die,
        ),
        Core(
            5,
            "Two dice",
            (
                "With two dice there are thirty-six equally likely pairs.",
                "The table shows the sum for each pair.",
                "Six pairs add up to seven, so the chance of a seven is one in six.",
            ),
            _two_dice,
        ),
        Core(
            6,
            "And and not",
            (
                "For independent events, the chance of both is the product of their chances.",
                "Independent means one outcome does not affect the other.",
                "The chance that something does not happen is one minus its probability.",
            ),
            _rules,
        ),
        Core(
            2,
            "Recap",
            (
                "Probability measures chance on a scale from zero to one.",
                "Divide favourable outcomes by all outcomes when each is equally likely.",
                "Multiply for independent events, and subtract from one for the opposite.",
            ),
            _recap,
        ),
    ),
    applications=("Weather forecasts", "Insurance prices", "Games of chance and sports odds"),
    mistake=(
        "A common mistake is thinking a coin is due for heads after several tails.",
        "Each flip is independent, so heads always has probability one half.",
    ),
    practice=(
        "What is the probability of flipping two heads in a row?",
        "Each flip has chance one half, so two heads has chance one quarter.",
        "P = \\frac{1}{2} \\cdot \\frac{1}{2} = \\frac{1}{4}",
    ),
    terms=(
        ("outcome", "one possible result"),
        ("event", "a set of outcomes"),
        ("independent", "not affecting one another"),
    ),
    questions=(
        "How do you count outcomes when order matters?",
        "What is expected value?",
        "How does probability change when you learn new information?",
    ),
    example=example,
    example_numbers="3, 8",
    example_help="the favourable and the possible outcomes, e.g. 3, 8",
)
