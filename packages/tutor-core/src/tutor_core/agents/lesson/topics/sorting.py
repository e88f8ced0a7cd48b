"""Topic: sorting algorithms."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual
from tutor_core.spec import (
    BulletsElement,
    CodeElement,
    TableElement,
    TextElement,
)


def _sort_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="Sorting Algorithms", size="large"),
        TableElement(id="numbers", rows=[["7", "3", "9", "1", "5"]]),
    ], [anim("write", "headline", 0, 1.5), anim("fade_in", "numbers", 1, 1.5)]


def _sort_swap(ctx: Context) -> Visual:
    return [
        TableElement(id="before", rows=[["7", "3", "9", "1", "5"]]),
        TableElement(id="after", rows=[["3", "7", "1", "5", "9"]]),
        TextElement(id="note", text="One pass: the largest number bubbles to the end",
                    size="small"),
    ], [anim("fade_in", "before", 0, 1.5), anim("transform", "before", 1, 2.0, to="after"),
        anim("fade_in", "note", 2)]  # fmt: skip


def _sort_passes(ctx: Context) -> Visual:
    return [
        TableElement(id="passes", header=["pass", "list"],
                     rows=[["start", "7 3 9 1 5"], ["1", "3 7 1 5 9"], ["2", "3 1 5 7 9"],
                           ["3", "1 3 5 7 9"]]),
        TextElement(id="done", text="Sorted!", color="green"),
    ], [anim("fade_in", "passes", 0, 2.5), anim("write", "done", 2)]  # fmt: skip


def _sort_code(ctx: Context) -> Visual:
    code = (
        "def bubble_sort(items):\n"
        "    n = len(items)\n"
        "    for i in range(n):\n"
        "        for j in range(n - 1 - i):\n"
        "            if items[j] > items[j + 1]:\n"
        "                items[j], items[j + 1] = items[j + 1], items[j]\n"
        "    return items"
    )
    return [CodeElement(id="code", code=code)], [
        anim("fade_in", "code", 0, 2.0),
        anim("indicate", "code", 1),
    ]


def _sort_compare(ctx: Context) -> Visual:
    return [
        TableElement(
            id="speeds",
            header=["algorithm", "typical cost"],
            rows=[
                ["bubble sort", "n^2"],
                ["insertion sort", "n^2"],
                ["merge sort", "n log n"],
                ["quicksort", "n log n"],
            ],
        ),
        BulletsElement(
            id="idea",
            region="right",
            items=["merge sort: split, sort, merge", "quicksort: split around a pivot"],
        ),
    ], [anim("fade_in", "speeds", 0, 2.0), anim("fade_in", "idea", 1, 1.5)]


def _sort_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["sorting puts items in order",
                                              "bubble sort swaps neighbours: n^2",
                                              "merge and quicksort: n log n"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


SORTING = Topic(
    key="sorting",
    name="sorting",
    title="Sorting Algorithms",
    keywords=(
        "sorting",
        "sort",
        "sorted order",
        "bubble sort",
        "merge sort",
        "quicksort",
        "insertion sort",
        "selection sort",
        "sorting algorithm",
    ),
    scenes=(
        Core(
            3,
            "Why sort?",
            (
                "Welcome! Today we look at how computers put things in order.",
                "Sorting makes searching, comparing and reading data much easier.",
            ),
            _sort_intro,
        ),
        Core(
            1,
            "Swapping neighbours",
            (
                "Bubble sort walks through the list comparing neighbours.",
                "Whenever two neighbours are out of order, it swaps them.",
                "After one pass, the largest number has bubbled to the end.",
            ),
            _sort_swap,
        ),
        Core(
            4,
            "Pass after pass",
            (
                "We repeat the pass, each time ignoring the finished end.",
                "The list gets a little more ordered with every pass.",
                "After a few passes, every number is in its place.",
            ),
            _sort_passes,
        ),
        Core(
            5,
            "Bubble sort in code",
            (
                "The code has two loops, one for passes and one for neighbours.",
                "The inner loop swaps any pair that is out of order.",
            ),
            _sort_code,
        ),
        Core(
            6,
            "Faster algorithms",
            (
                "Bubble sort needs about n squared comparisons, which is slow for big lists.",
                "Merge sort and quicksort split the list into parts and need about n log n.",
                "For a million items, that is the difference between hours and seconds.",
            ),
            _sort_compare,
        ),
        Core(
            2,
            "Recap",
            (
                "Sorting arranges items in order.",
                "Bubble sort swaps neighbours and is simple but slow.",
                "Divide and conquer algorithms like merge sort are much faster on large lists.",
            ),
            _sort_recap,
        ),
    ),
    applications=(
        "Ranking search results",
        "Organising files by date",
        "Preparing data for binary search",
    ),
    mistake=(
        "A common mistake is stopping after one pass of bubble sort.",
        "One pass only places the largest item; repeat until a pass makes no swaps.",
    ),
    practice=(
        "What does the list four, two, three look like after one bubble sort pass?",
        "Swap four and two, then four and three, giving two, three, four.",
        "[4, 2, 3] \\to [2, 3, 4]",
    ),
    terms=(
        ("swap", "exchange two items"),
        ("pass", "one walk through the list"),
        ("stable", "equal items keep their order"),
    ),
    questions=(
        "Which sort is best for a nearly sorted list?",
        "How does merge sort combine two sorted halves?",
        "Can any comparison sort beat n log n?",
    ),
)
