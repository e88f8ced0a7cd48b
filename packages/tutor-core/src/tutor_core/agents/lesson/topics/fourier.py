"""Topic: Fourier series."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual, title_card
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    Plot,
    TextElement,
)

_SQUARE_1 = "4/pi * sin(x)"
_SQUARE_2 = "4/pi * (sin(x) + sin(3*x)/3)"
_SQUARE_3 = "4/pi * (sin(x) + sin(3*x)/3 + sin(5*x)/5)"
_SQUARE_5 = "4/pi * (sin(x) + sin(3*x)/3 + sin(5*x)/5 + sin(7*x)/7 + sin(9*x)/9)"


def _fourier_axes(*exprs: tuple[str, str, str]) -> AxesElement:
    return AxesElement(
        id="axes", x_range=(-4, 4, 1), y_range=(-1.5, 1.5, 0.5),
        plots=[Plot(expr=e, color=c, label=label) for e, c, label in exprs],
    )  # fmt: skip


def _fou_intro(ctx: Context) -> Visual:
    return title_card("Fourier Series", "Any repeating shape from sine waves")


def _fou_waves(ctx: Context) -> Visual:
    return [_fourier_axes(("sin(x)", "blue", "\\sin x"), ("sin(3*x)/3", "green",
                                                             "\\frac{1}{3}\\sin 3x")),
            TextElement(id="note", text="Faster waves, smaller heights", size="small")
            ], [anim("create", "axes", 0, 2.0), anim("fade_in", "note", 1)]  # fmt: skip


def _fou_partial(ctx: Context) -> Visual:
    return [_fourier_axes((_SQUARE_1, "blue", "S_1"), (_SQUARE_2, "green", "S_2"),
                          (_SQUARE_3, "yellow", "S_3")),
            EquationElement(id="series", latex="\\frac{4}{\\pi}\\left(\\sin x + "
                            "\\frac{\\sin 3x}{3} + \\frac{\\sin 5x}{5} + \\cdots\\right)")
            ], [anim("create", "axes", 0, 2.5), anim("write", "series", 1, 2.0),
                anim("indicate", "axes", 2)]  # fmt: skip


def _fou_formula(ctx: Context) -> Visual:
    return [
        EquationElement(
            id="general", latex="f(x) = a_0 + \\sum_{n=1}^{\\infty} (a_n \\cos nx + b_n \\sin nx)"
        ),
        BulletsElement(
            id="parts",
            items=[
                "a_n, b_n: how much of each wave",
                "n: how fast each wave wiggles",
                "found by integrating f against each wave",
            ],
        ),
    ], [anim("write", "general", 0, 2.0), anim("fade_in", "parts", 1, 2.0)]


def _fou_example(ctx: Context) -> Visual:
    return [_fourier_axes((_SQUARE_5, "yellow", "S_5")),
            TextElement(id="note", text="Five terms already look like a square wave",
                        size="small")
            ], [anim("create", "axes", 0, 2.5), anim("fade_in", "note", 1),
                anim("indicate", "axes", 2)]  # fmt: skip


def _fou_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["periodic signals = sums of sine waves",
                                              "more terms, better approximation",
                                              "coefficients say how much of each wave"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


FOURIER = Topic(
    key="fourier",
    name="Fourier series",
    title="Fourier Series",
    keywords=(
        "fourier",
        "fourier series",
        "fourier transform",
        "harmonics",
        "square wave",
        "frequency spectrum",
        "sum of sines",
    ),
    scenes=(
        Core(
            3,
            "Building shapes from waves",
            (
                "Welcome! Today we build complicated shapes out of simple sine waves.",
                "This idea, the Fourier series, powers music, images and much more.",
            ),
            _fou_intro,
        ),
        Core(
            5,
            "Sine waves of different speeds",
            (
                "Start with a plain sine wave.",
                "Add a wave that wiggles three times as fast, with one third the height.",
                "Each extra wave is called a harmonic.",
            ),
            _fou_waves,
        ),
        Core(
            1,
            "Partial sums approach a square wave",
            (
                "Add the harmonics one by one and watch the sum change.",
                "One term is a smooth wave, two terms look boxier, and three boxier still.",
                "The sum is approaching a square wave.",
            ),
            _fou_partial,
        ),
        Core(
            6,
            "The general formula",
            (
                "In general, a Fourier series adds sines and cosines of every speed n.",
                "The coefficients a n and b n say how much of each wave to use.",
                "We find them by integrating the function against each wave.",
            ),
            _fou_formula,
        ),
        Core(
            4,
            "Worked example: five terms",
            (
                "Let us add five odd harmonics of the square wave.",
                "The result is already flat on top with steep sides.",
                "Small ripples remain near the jumps, a famous effect called Gibbs phenomenon.",
            ),
            _fou_example,
        ),
        Core(
            2,
            "Recap",
            (
                "A Fourier series writes a repeating function as a sum of sine waves.",
                "More terms give a closer match.",
                "The coefficients tell us the recipe of frequencies.",
            ),
            _fou_recap,
        ),
    ),
    applications=(
        "Compressing music into MP3 files",
        "Removing noise from signals",
        "Analysing vibrations in bridges",
    ),
    mistake=(
        "A common mistake is thinking a few terms give an exact match.",
        "A finite sum is only an approximation, and it wiggles near sudden jumps.",
    ),
    practice=(
        "Which harmonics appear in the square wave series?",
        "Only the odd ones: one, three, five and so on, each divided by its number.",
        "\\sin x + \\tfrac{1}{3}\\sin 3x + \\tfrac{1}{5}\\sin 5x",
    ),
    terms=(
        ("harmonic", "a wave at a multiple speed"),
        ("coefficient", "amount of each wave"),
        ("periodic", "repeats after a fixed length"),
    ),
    questions=(
        "What series gives a sawtooth wave?",
        "How does the ear hear harmonics?",
        "What is the Fourier transform of a non-repeating signal?",
    ),
)
