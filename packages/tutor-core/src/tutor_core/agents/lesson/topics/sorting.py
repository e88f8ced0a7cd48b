"""Topic: sorting algorithms (bubble sort, then the faster ones)."""

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
    fmt,
    numbers_needed,
    title_card,
)
from tutor_core.agents.lesson.topics.figures import array_table, filled
from tutor_core.spec import (
    Animation,
    BulletsElement,
    CodeElement,
    Element,
    TableElement,
    TextElement,
)

_START = [7, 3, 9, 1, 5]


def one_pass(values: list[float]) -> list[tuple[list[float], int, bool]]:
    """Each comparison of one bubble-sort pass: the list before it, the left index, swapped?"""
    items = list(values)
    out = []
    for j in range(len(items) - 1):
        swap = items[j] > items[j + 1]
        out.append((list(items), j, swap))
        if swap:
            items[j], items[j + 1] = items[j + 1], items[j]
    out.append((items, -1, False))
    return out


def passes(values: list[float]) -> list[list[float]]:
    """The list after each pass of bubble sort, until a pass changes nothing."""
    items, out = list(values), [list(values)]
    for i in range(len(items)):
        changed = False
        for j in range(len(items) - 1 - i):
            if items[j] > items[j + 1]:
                items[j], items[j + 1] = items[j + 1], items[j]
                changed = True
        if not changed:
            break
        out.append(list(items))
    return out


def _pass_visual(values: list[float], cues: tuple[int, int, int], frames_shown: int = 6) -> Visual:
    """One pass: "▲ ▲" under the neighbours compared, the swap, then the marker moves on."""
    stages = one_pass(values)
    frames: list[tuple[list[float], int]] = []
    for k, (items, j, swap) in enumerate(stages[:-1]):
        if swap or k == 0:
            frames.append((items, j))
        if swap:
            frames.append((stages[k + 1][0], j))
    frames = frames[:frames_shown]  # a scene holds 8 elements: frames, the result, a note
    elements: list[Element] = []
    animations: list[Animation] = []
    for n, (items, j) in enumerate(frames):
        elements.append(array_table(f"step{n}", [fmt(v) for v in items], {j: "▲", j + 1: "▲"}))
        if n == 0:
            animations.append(anim("fade_in", "step0", cues[0], 1.5))
        else:
            animations.append(anim("transform", f"step{n - 1}", cues[1], 0.8, to=f"step{n}"))
    done = [fmt(v) for v in stages[-1][0]]
    elements.append(array_table("passed", done, {len(done) - 1: "done"}))
    animations.append(anim("transform", f"step{len(frames) - 1}", cues[2], to="passed"))
    return elements, animations


def _intro(ctx: Context) -> Visual:
    start = [str(v) for v in _START]
    return title_card(
        "Sorting Algorithms",
        "Putting things in order, step by step",
        [array_table("numbers", start), array_table("sorted", sorted(start, key=int))],
        [anim("fade_in", "numbers", 0, 1.5), anim("transform", "numbers", 1, 2.0, to="sorted")],
    )


def _swap(ctx: Context) -> Visual:
    elements, animations = _pass_visual([float(v) for v in _START], (0, 1, 2))
    elements.append(TextElement(id="note", text="the largest number bubbles to the end",
                                size="small"))  # fmt: skip
    animations.append(anim("fade_in", "note", 2))
    return elements, animations


def _passes_tables(values: list[float]) -> list[TableElement]:
    lists = passes(values)
    rows = [["start", " ".join(fmt(v) for v in lists[0])]]
    rows += [[str(i), " ".join(fmt(v) for v in lst)] for i, lst in enumerate(lists[1:], 1)]
    rows = rows[:8]
    half = max(2, (len(rows) + 1) // 2)
    return [
        TableElement(id="first", header=["pass", "list"], rows=filled(rows, half)),
        TableElement(id="passes", header=["pass", "list"], rows=rows),
    ]


def _passes(ctx: Context) -> Visual:
    return [
        *_passes_tables([float(v) for v in _START]),
        TextElement(id="done", text="Sorted!", color="green"),
    ], [anim("fade_in", "first", 0, 2.0), anim("transform", "first", 1, 1.5, to="passes"),
        anim("write", "done", 2)]  # fmt: skip


def _code(ctx: Context) -> Visual:
    code = (
        "def bubble_sort(items):\n"
        "    n = len(items)\n"
        "    for i in range(n):\n"
        "        for j in range(n - 1 - i):\n"
        "            if items[j] > items[j + 1]:\n"
        "                items[j], items[j + 1] = items[j + 1], items[j]\n"
        "    return items"
    )
    return [
        CodeElement(id="code", code=code),
        array_table("pair", ["7", "3", "9"], {0: "▲", 1: "▲"}),
        array_table("swapped", ["3", "7", "9"], {0: "▲", 1: "▲"}),
    ], [anim("fade_in", "code", 0, 2.0), anim("fade_in", "pair", 1),
        anim("transform", "pair", 1, 1.5, to="swapped")]  # fmt: skip


def _compare(ctx: Context) -> Visual:
    header = ["algorithm", "typical cost"]
    rows = [["bubble sort", "n^2"], ["insertion sort", "n^2"], ["merge sort", "n log n"],
            ["quicksort", "n log n"]]  # fmt: skip
    return [
        TableElement(id="slow", header=header, rows=filled(rows, 2), region="left"),
        TableElement(id="speeds", header=header, rows=rows, region="left"),
        BulletsElement(id="idea", region="right",
                       items=["merge sort: split, sort, merge", "quicksort: split by a pivot"]),
    ], [anim("fade_in", "slow", 0, 1.5), anim("transform", "slow", 1, 1.5, to="speeds"),
        anim("fade_in", "idea", 1, 1.5), anim("indicate", "speeds", 2)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """One pass of bubble sort on the given numbers, then the passes to the end."""
    numbers_needed(numbers, range(3, 9), "give 3 to 8 numbers to sort, e.g. 5, 1, 4, 2, 8")
    values = list(numbers)
    if values == sorted(values):
        raise ExampleRefused("those numbers are already in order; give them shuffled")
    # Few frames, so that the example also fits into a scene that has parts already.
    elements, animations = _pass_visual(values, (0, 1, 1), frames_shown=3)
    lists = passes(values)
    count = len(lists) - 1
    shown = ", ".join(fmt(v) for v in values)
    final = ", ".join(fmt(v) for v in lists[-1])
    return Example(
        f"Worked example: sorting {shown}",
        (
            f"Let us bubble sort {shown}.",
            "Compare each pair of neighbours and swap them when they are out of order.",
            f"After {count} pass{'es' if count > 1 else ''} the list reads {final}.",
        ),
        elements,
        animations,
    )


def _recap(ctx: Context) -> Visual:
    start = [str(v) for v in _START]
    return [
        array_table("numbers", start),
        array_table("sorted", sorted(start, key=int)),
        BulletsElement(id="recap", region="body",
                       items=["bubble sort swaps neighbours: n²",
                              "merge sort and quicksort: n log n"]),
    ], [anim("fade_in", "numbers", 0, 1.5), anim("transform", "numbers", 0, 1.5, to="sorted"),
        anim("fade_in", "recap", 1, 1.5), anim("indicate", "recap", 2)]  # fmt: skip


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
            _intro,
        ),
        Core(
            1,
            "Swapping neighbours",
            (
                "Bubble sort walks through the list comparing neighbours.",
                "Whenever two neighbours are out of order, it swaps them.",
                "After one pass, the largest number has bubbled to the end.",
            ),
            _swap,
        ),
        Core(
            4,
            "Pass after pass",
            (
                "We repeat the pass, each time ignoring the finished end.",
                "The list gets a little more ordered with every pass.",
                "After a few passes, every number is in its place.",
            ),
            _passes,
        ),
        Core(
            5,
            "Bubble sort in code",
            (
                "The code has two loops, one for passes and one for neighbours.",
                "The inner loop swaps any pair that is out of order.",
            ),
            _code,
        ),
        Core(
            6,
            "Faster algorithms",
            (
                "Bubble sort needs about n squared comparisons, which is slow for big lists.",
                "Merge sort and quicksort split the list into parts and need about n log n.",
                "For a million items, that is the difference between hours and seconds.",
            ),
            _compare,
        ),
        Core(
            2,
            "Recap",
            (
                "Sorting arranges items in order.",
                "Bubble sort swaps neighbours and is simple but slow.",
                "Divide and conquer algorithms like merge sort are much faster on large lists.",
            ),
            _recap,
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
        ("swap", "to exchange two items"),
        ("pass", "one walk through the list"),
        ("stable", "keeping equal items in their order"),
    ),
    questions=(
        "Which sort is best for a nearly sorted list?",
        "How does merge sort combine two sorted halves?",
        "Can any comparison sort beat n log n?",
    ),
    example=example,
    example_numbers="5, 1, 4, 2, 8",
    example_help="3 to 8 numbers to sort, e.g. 5, 1, 4, 2, 8",
)
