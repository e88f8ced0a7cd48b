"""Topic: probability."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual
from tutor_core.spec import (
    BulletsElement,
    EquationElement,
    NumberLineElement,
    ShapeElement,
    TableElement,
    TextElement,
)


def _prob_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="Probability", size="large"),
        NumberLineElement(
            id="scale", x_range=(0, 1, 0.25), marks=[0, 0.5, 1], label="impossible to certain"
        ),
    ], [anim("write", "headline", 0, 1.5), anim("create", "scale", 1, 1.5)]


def _prob_formula(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula",
                        latex="P(A) = \\frac{\\text{favourable outcomes}}{\\text{all outcomes}}"),
        BulletsElement(id="rules", items=["every probability is between 0 and 1",
                                          "all outcomes equally likely"]),
    ], [anim("write", "formula", 0, 2.0), anim("fade_in", "rules", 1, 1.5),
        anim("indicate", "formula", 2)]  # fmt: skip


def _prob_die(ctx: Context) -> Visual:
    return [
        ShapeElement(id="die", shape="square", width=2, height=2, color="white", label="6 faces"),
        TableElement(id="outcomes", header=["1", "2", "3", "4", "5", "6"],
                     rows=[["1/6", "1/6", "1/6", "1/6", "1/6", "1/6"]]),
        EquationElement(id="even", latex="P(\\text{even}) = \\frac{3}{6} = \\frac{1}{2}"),
    ], [anim("create", "die", 0), anim("fade_in", "outcomes", 1, 1.5),
        anim("write", "even", 2, 1.5)]  # fmt: skip


def _prob_two_dice(ctx: Context) -> Visual:
    return [
        TableElement(id="sums", header=["+", "1", "2", "3", "4", "5", "6"],
                     rows=[[str(a)] + [str(a + b) for b in range(1, 7)] for a in range(1, 7)]),
        EquationElement(id="seven", latex="P(\\text{sum} = 7) = \\frac{6}{36} = \\frac{1}{6}",
                        region="right"),
    ], [anim("fade_in", "sums", 0, 2.5), anim("write", "seven", 2, 1.5)]  # fmt: skip


def _prob_rules(ctx: Context) -> Visual:
    return [
        EquationElement(id="and", latex="P(A \\text{ and } B) = P(A) \\cdot P(B)"),
        EquationElement(id="not", latex="P(\\text{not } A) = 1 - P(A)"),
        TextElement(id="note", text="The first rule needs independent events", size="small"),
    ], [anim("write", "and", 0, 1.5), anim("fade_in", "note", 1), anim("write", "not", 2, 1.5)]


def _prob_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["P = favourable / all outcomes",
                                              "0 means impossible, 1 means certain",
                                              "multiply for independent events"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


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
            _prob_intro,
        ),
        Core(
            1,
            "The basic formula",
            (
                "When all outcomes are equally likely, probability is a simple fraction.",
                "Count the outcomes you want and divide by all possible outcomes.",
                "The answer is always between zero and one.",
            ),
            _prob_formula,
        ),
        Core(
            4,
            "Rolling one die",
            (
                "A fair die has six faces, each with probability one sixth.",
                "Three of the faces are even: two, four and six.",
                "So the probability of rolling an even number is three sixths, or one half.",
            ),
            _prob_die,
        ),
        Core(
            5,
            "Two dice",
            (
                "With two dice there are thirty-six equally likely pairs.",
                "The table shows the sum for each pair.",
                "Six pairs add up to seven, so the chance of a seven is one in six.",
            ),
            _prob_two_dice,
        ),
        Core(
            6,
            "And and not",
            (
                "For independent events, the chance of both is the product of their chances.",
                "Independent means one outcome does not affect the other.",
                "The chance that something does not happen is one minus its probability.",
            ),
            _prob_rules,
        ),
        Core(
            2,
            "Recap",
            (
                "Probability measures chance on a scale from zero to one.",
                "Divide favourable outcomes by all outcomes when each is equally likely.",
                "Multiply for independent events, and subtract from one for the opposite.",
            ),
            _prob_recap,
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
        ("independent", "one does not affect another"),
    ),
    questions=(
        "How do you count outcomes when order matters?",
        "What is expected value?",
        "How does probability change when you learn new information?",
    ),
)
