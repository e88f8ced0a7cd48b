"""Topic: Fourier series."""

from __future__ import annotations

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
    numbers_needed,
    title_card,
)
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    Plot,
    Region,
    TextElement,
)

_COLORS = ("blue", "green", "yellow", "orange", "red", "purple")


def square_sum(terms: int) -> str:
    """The first `terms` odd harmonics of the square wave, as an expression of x."""
    parts = ["sin(x)"] + [f"sin({2 * k + 1}*x)/{2 * k + 1}" for k in range(1, terms)]
    return f"4/pi * ({' + '.join(parts)})"


def _axes(id: str, *plots: tuple[str, str, str], region: Region = "auto") -> AxesElement:
    return AxesElement(
        id=id, x_range=(-4, 4, 1), y_range=(-1.5, 1.5, 0.5), region=region,
        plots=[Plot(expr=e, color=c, label=label) for e, c, label in plots],
    )  # fmt: skip


def _intro(ctx: Context) -> Visual:
    return title_card(
        "Fourier Series",
        "Any repeating shape from sine waves",
        [_axes("one", (square_sum(1), "blue", "S_1")),
         _axes("five", (square_sum(5), "yellow", "S_5"))],
        [anim("transform", "one", 1, 2.0, to="five")],
    )  # fmt: skip


def _waves(ctx: Context) -> Visual:
    return [
        # The harmonic peels off a copy of the first wave.
        _axes("base", ("sin(x)", "blue", "\\sin x"), ("sin(x)", "green", "\\sin x")),
        _axes("two", ("sin(x)", "blue", "\\sin x"),
              ("sin(3*x)/3", "green", "\\frac{1}{3}\\sin 3x")),
        TextElement(id="note", text="each extra wave is a harmonic", size="small"),
    ], [anim("create", "base", 0, 2.0), anim("transform", "base", 1, 2.0, to="two"),
        anim("fade_in", "note", 2)]  # fmt: skip


def _partial(ctx: Context) -> Visual:
    s1 = (square_sum(1), "blue", "S_1")
    s2 = (square_sum(2), "green", "S_2")
    s3 = (square_sum(3), "yellow", "S_3")
    # Every state has three curves: a new partial sum peels off the previous one.
    return [
        _axes("one", s1, (s1[0], "green", "S_1"), (s1[0], "yellow", "S_1")),
        _axes("two", s1, s2, (s2[0], "yellow", "S_2")),
        _axes("three", s1, s2, s3),
        EquationElement(id="series", latex="\\frac{4}{\\pi}\\left(\\sin x + \\frac{\\sin 3x}{3} + "
                        "\\frac{\\sin 5x}{5} + \\cdots\\right)"),
    ], [anim("create", "one", 0, 2.0), anim("transform", "one", 1, 1.5, to="two"),
        anim("transform", "two", 1, 1.5, to="three"), anim("write", "series", 2, 2.0)]  # fmt: skip


def _formula(ctx: Context) -> Visual:
    return [
        EquationElement(id="general",
                        latex="f(x) = a_0 + \\sum_{n=1}^{\\infty} (a_n \\cos nx + b_n \\sin nx)"),
        BulletsElement(id="parts", items=["a_n, b_n: how much of each wave",
                                          "n: how fast each wave wiggles",
                                          "found by integrating f against each wave"]),
    ], [anim("write", "general", 0, 2.5), anim("fade_in", "parts", 1, 2.0),
        anim("indicate", "parts", 2)]  # fmt: skip


_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def example(numbers: Numbers) -> Example:
    """The square wave's partial sum with the given number of terms."""
    numbers_needed(numbers, (1,), "give how many terms to add, from 1 to 9")
    n = numbers[0]
    if n != int(n) or not 1 <= n <= 9:
        raise ExampleRefused("the number of terms must be a whole number from 1 to 9")
    terms = int(n)
    word = _WORDS[terms - 1]
    plural = "term" if terms == 1 else "terms"
    return Example(
        f"Worked example: {word} {plural}",
        (
            f"Let us add {word} odd harmonics of the square wave.",
            "The result gets flatter on top and steeper at the sides with every term."
            if terms > 1 else "One term is still a smooth wave.",
            "Small ripples remain near the jumps, a famous effect called the Gibbs phenomenon.",
        ),
        [
            _axes("first", (square_sum(1), "blue", "S_1")),
            _axes("sum", (square_sum(terms), "yellow", f"S_{{{terms}}}")),
            TextElement(id="note", text=f"{word} {plural} of the square wave", size="small"),
        ],
        [anim("create", "first", 0, 2.0), anim("fade_in", "note", 0),
         anim("transform", "first", 1, 2.0, to="sum"), anim("indicate", "sum", 2)],
    )  # fmt: skip


def _recap(ctx: Context) -> Visual:
    return [
        _axes("axes", (square_sum(5), "yellow", "S_5"), region="left"),
        BulletsElement(id="recap", region="right",
                       items=["sums of sine waves", "more terms, closer match",
                              "coefficients: the recipe"]),
    ], [anim("create", "axes", 0, 2.0), anim("fade_in", "recap", 1, 1.5),
        anim("indicate", "axes", 2)]  # fmt: skip


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
            _intro,
        ),
        Core(
            5,
            "Sine waves of different speeds",
            (
                "Start with a plain sine wave.",
                "Add a wave that wiggles three times as fast, with one third the height.",
                "Each extra wave is called a harmonic.",
            ),
            _waves,
        ),
        Core(
            1,
            "Partial sums approach a square wave",
            (
                "Add the harmonics one by one and watch the sum change.",
                "One term is a smooth wave, two terms look boxier, and three boxier still.",
                "The sum is approaching a square wave.",
            ),
            _partial,
        ),
        Core(
            6,
            "The general formula",
            (
                "In general, a Fourier series adds sines and cosines of every speed n.",
                "The coefficients a n and b n say how much of each wave to use.",
                "We find them by integrating the function against each wave.",
            ),
            _formula,
        ),
        example_core(4, example, (5,)),
        Core(
            2,
            "Recap",
            (
                "A Fourier series writes a repeating function as a sum of sine waves.",
                "More terms give a closer match.",
                "The coefficients tell us the recipe of frequencies.",
            ),
            _recap,
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
        ("coefficient", "the amount of each wave"),
        ("periodic", "repeating after a fixed length"),
    ),
    questions=(
        "What series gives a sawtooth wave?",
        "How does the ear hear harmonics?",
        "What is the Fourier transform of a non-repeating signal?",
    ),
    example=example,
    example_numbers="3",
    example_help="how many terms to add, from 1 to 9",
)
