"""Topic: binary search."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual, title_card
from tutor_core.spec import (
    BulletsElement,
    CodeElement,
    EquationElement,
    NumberLineElement,
    TableElement,
)

_SORTED = ["2", "5", "8", "12", "16", "23", "38", "56"]


def _bs_intro(ctx: Context) -> Visual:
    return title_card("Binary Search", "Find anything in a sorted list, fast")


def _bs_idea(ctx: Context) -> Visual:
    return [
        TableElement(id="array", header=[str(i) for i in range(8)], rows=[_SORTED]),
        BulletsElement(id="steps", items=["look at the middle", "too small? search the right half",
                                          "too big? search the left half"]),
    ], [anim("fade_in", "array", 0, 1.5), anim("fade_in", "steps", 1, 1.5),
        anim("indicate", "array", 2)]  # fmt: skip


def _bs_trace(ctx: Context) -> Visual:
    return [
        NumberLineElement(id="range", x_range=(0, 7, 1), marks=[3, 5, 6], label="index"),
        TableElement(id="trace", header=["low", "high", "mid", "value"],
                     rows=[["0", "7", "3", "12"], ["4", "7", "5", "23"], ["6", "7", "6", "38"]]),
    ], [anim("create", "range", 0, 1.5), anim("fade_in", "trace", 1, 2.0),
        anim("indicate", "trace", 2)]  # fmt: skip


def _bs_code(ctx: Context) -> Visual:
    code = (
        "def binary_search(items, target):\n"
        "    low, high = 0, len(items) - 1\n"
        "    while low <= high:\n"
        "        mid = (low + high) // 2\n"
        "        if items[mid] == target:\n"
        "            return mid\n"
        "        if items[mid] < target:\n"
        "            low = mid + 1\n"
        "        else:\n"
        "            high = mid - 1\n"
        "    return -1"
    )
    return [CodeElement(id="code", code=code)], [
        anim("fade_in", "code", 0, 2.0),
        anim("indicate", "code", 2),
    ]


def _bs_speed(ctx: Context) -> Visual:
    return [
        TableElement(id="steps", header=["items", "linear", "binary"],
                     rows=[["8", "8", "3"], ["1,000", "1,000", "10"],
                           ["1,000,000", "1,000,000", "20"]]),
        EquationElement(id="log", latex="\\text{steps} \\approx \\log_2 n", region="right"),
    ], [anim("fade_in", "steps", 0, 2.0), anim("write", "log", 1, 1.5),
        anim("indicate", "steps", 2)]  # fmt: skip


def _bs_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["the list must be sorted",
                                              "halve the search range each step",
                                              "about log2(n) steps"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


BINARY_SEARCH = Topic(
    key="binary_search",
    name="binary search",
    title="Binary Search",
    keywords=(
        "binary search",
        "bisection",
        "search algorithm",
        "searching",
        "search a sorted",
        "divide and conquer search",
    ),
    scenes=(
        Core(
            3,
            "Searching a sorted list",
            (
                "Welcome! Today we learn binary search, one of the fastest ways to find things.",
                "It works on any sorted list, like a dictionary or a phone book.",
            ),
            _bs_intro,
        ),
        Core(
            1,
            "Halve the list each step",
            (
                "Here is a sorted list of eight numbers.",
                "Look at the middle item and compare it with the target.",
                "If the target is bigger, drop the left half; otherwise drop the right half.",
            ),
            _bs_idea,
        ),
        Core(
            4,
            "Tracing a search for 38",
            (
                "Let us search for thirty-eight.",
                "The middle is twelve, too small, so we search indexes four to seven.",
                "Next we see twenty-three, then thirty-eight, found in just three steps.",
            ),
            _bs_trace,
        ),
        Core(
            5,
            "The code",
            (
                "In code, we keep two markers, low and high, around the part still in play.",
                "Each loop checks the middle and moves one marker past it.",
                "If the markers cross, the target is not in the list.",
            ),
            _bs_code,
        ),
        Core(
            6,
            "Why it is so fast",
            (
                "Every step cuts the remaining list in half.",
                "A million items need only about twenty steps, instead of a million.",
                "We say binary search takes logarithmic time.",
            ),
            _bs_speed,
        ),
        Core(
            2,
            "Recap",
            (
                "Binary search needs a sorted list.",
                "It compares with the middle item and discards half of the list each time.",
                "That makes it take only about log two of n steps.",
            ),
            _bs_recap,
        ),
    ),
    applications=(
        "Looking up words in a dictionary",
        "Finding a bad commit with git bisect",
        "Database indexes",
    ),
    mistake=(
        "A common mistake is running binary search on an unsorted list.",
        "Sort the list first, or the halving step throws away the wrong half.",
    ),
    practice=(
        "How many steps does binary search need for a list of one thousand items?",
        "Two to the tenth is about one thousand, so about ten steps.",
        "\\log_2 1000 \\approx 10",
    ),
    terms=(
        ("sorted", "in increasing order"),
        ("midpoint", "the middle index"),
        ("logarithmic", "grows like log n"),
    ),
    questions=(
        "How would you find the first of several equal items?",
        "Can binary search find a square root?",
        "Why must the list be sorted?",
    ),
)
