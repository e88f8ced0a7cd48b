"""Topic: binary search."""

from __future__ import annotations

from dataclasses import dataclass

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
    EquationElement,
    TableElement,
    TextElement,
)

_SORTED = [2, 5, 8, 12, 16, 23, 38, 56]
MID = "▲ mid"


@dataclass(frozen=True)
class Step:
    """One look at the middle: the range still in play and what was found there."""

    low: int
    high: int
    mid: int
    value: float


def search(values: list[float], target: float) -> tuple[list[Step], bool]:
    """The steps binary search takes for target in sorted values, and whether it found it."""
    steps: list[Step] = []
    low, high = 0, len(values) - 1
    while low <= high:
        mid = (low + high) // 2
        steps.append(Step(low, high, mid, values[mid]))
        if values[mid] == target:
            return steps, True
        if values[mid] < target:
            low = mid + 1
        else:
            high = mid - 1
    return steps, False


def _dropped(step: Step, size: int) -> set[int]:
    return {i for i in range(size) if not step.low <= i <= step.high}


def _intro(ctx: Context) -> Visual:
    values = [str(v) for v in _SORTED]
    return title_card(
        "Binary Search",
        "Find anything in a sorted list, fast",
        [array_table("array", values), array_table("middle", values, {3: MID})],
        [anim("fade_in", "array", 0, 1.5), anim("transform", "array", 1, to="middle")],
    )


def _halve(ctx: Context) -> Visual:
    values = [str(v) for v in _SORTED]
    return [
        array_table("array", values),
        array_table("middle", values, {3: MID}),
        array_table("right_half", values, {5: MID}, dropped={0, 1, 2, 3}),
        TextElement(id="target", text="target: 38", size="small", color="yellow"),
    ], [anim("fade_in", "array", 0, 1.5), anim("fade_in", "target", 1),
        anim("transform", "array", 1, to="middle"),
        anim("transform", "middle", 2, 1.5, to="right_half")]  # fmt: skip


def _trace_visual(
    values: list[float], target: float, looks: int = 3
) -> tuple[Visual, list[Step], bool]:
    """The list with the middle marked at each step, and a table of steps growing with it."""
    all_steps, found = search(values, target)
    steps = all_steps[:looks]
    shown = [fmt(v) for v in values]
    size = len(values)
    header = ["low", "high", "mid", "value"]
    every = [[str(s.low), str(s.high), str(s.mid), fmt(s.value)] for s in steps]
    elements: list[Element] = [array_table("list", shown)]
    animations: list[Animation] = [anim("fade_in", "list", 0, 1.5)]
    previous = "list"
    for k, step in enumerate(steps):
        mark = "found" if found and k == len(all_steps) - 1 else "▲"
        arr = array_table(f"look{k + 1}", shown, {step.mid: mark}, dropped=_dropped(step, size))
        table = TableElement(id=f"trace{k + 1}", header=header, rows=filled(every, k + 1))
        elements += [arr, table]
        cue = 1 if k == 0 else 2
        animations.append(anim("transform", previous, cue, to=arr.id))
        animations.append(
            anim("fade_in", table.id, cue)
            if k == 0
            else anim("transform", f"trace{k}", cue, to=table.id)
        )
        previous = arr.id
    return (elements, animations), steps, found


def _trace(ctx: Context) -> Visual:
    visual, _, _ = _trace_visual([float(v) for v in _SORTED], 38)
    return visual


def example(numbers: Numbers) -> Example:
    """Search a list for a target: the numbers are the list, the last one is the target."""
    numbers_needed(numbers, range(3, 10), "give 2 to 8 numbers to search, then the target "
                   "(3, 8, 15, 20, 31, 15)")  # fmt: skip
    *items, target = numbers
    values = sorted(set(items))
    if len(values) < 2:
        raise ExampleRefused("give at least two different numbers to search")
    # Two looks at most, so that the example also fits into a scene with parts already.
    (elements, animations), steps, found = _trace_visual(values, target, looks=2)
    total = len(search(values, target)[0])
    st = fmt(target)
    first = steps[0]
    look = f"The middle item is {fmt(first.value)}."
    if first.value == target:
        then = "It is the target, found in one step."
    else:
        side = "right" if first.value < target else "left"
        then = f"That is too {'small' if side == 'right' else 'big'}, so we keep the {side} half."
    if found:
        end = f"We find {st} after {total} look{'s' if total > 1 else ''} at a middle."
    else:
        end = f"The range runs out after {total} looks, so {st} is not in the list."
    return Example(
        f"Worked example: searching for {st}",
        (f"Let us search this sorted list for {st}.", f"{look} {then}", end),
        elements,
        animations,
    )


def _code(ctx: Context) -> Visual:
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
    header = ["low", "mid", "high"]
    return [
        CodeElement(id="code", code=code, region="left"),
        TableElement(id="markers", header=header, rows=[["0", "3", "7"]], region="right"),
        TableElement(id="moved", header=header, rows=[["4", "5", "7"]], region="right"),
        TableElement(id="crossed", header=header, rows=[["6", "-", "5"]], region="right",
                     color="red"),
    ], [anim("fade_in", "code", 0, 2.0), anim("fade_in", "markers", 0),
        anim("transform", "markers", 1, 1.5, to="moved"),
        anim("transform", "moved", 2, 1.5, to="crossed")]  # fmt: skip


def _speed(ctx: Context) -> Visual:
    header = ["items", "linear", "binary"]
    rows = [["8", "8", "3"], ["1,000", "1,000", "10"], ["1,000,000", "1,000,000", "20"]]
    return [
        TableElement(id="small", header=header, rows=filled(rows, 1), region="left"),
        TableElement(id="steps", header=header, rows=rows, region="left"),
        EquationElement(id="log", latex="\\text{steps} \\approx \\log_2 n", region="right"),
    ], [anim("fade_in", "small", 0, 1.5), anim("transform", "small", 1, 1.5, to="steps"),
        anim("indicate", "steps", 1), anim("write", "log", 2, 1.5)]  # fmt: skip


def _recap(ctx: Context) -> Visual:
    values = [str(v) for v in _SORTED]
    return [
        array_table("array", values, {5: MID}, dropped={0, 1, 2, 3}),
        BulletsElement(id="recap", region="body",
                       items=["the list must be sorted", "halve the range at each step",
                              "about log2(n) steps"]),
    ], [anim("fade_in", "array", 0, 1.5), anim("fade_in", "recap", 1, 1.5),
        anim("indicate", "array", 2)]  # fmt: skip


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
            _intro,
        ),
        Core(
            1,
            "Halve the list each step",
            (
                "Here is a sorted list of eight numbers.",
                "Look at the middle item and compare it with the target.",
                "If the target is bigger, drop the left half; otherwise drop the right half.",
            ),
            _halve,
        ),
        Core(
            4,
            "Tracing a search for 38",
            (
                "Let us search for thirty-eight.",
                "The middle is twelve, too small, so we search indexes four to seven.",
                "Next we see twenty-three, then thirty-eight, found in just three steps.",
            ),
            _trace,
        ),
        Core(
            5,
            "The code",
            (
                "In code, we keep two markers, low and high, around the part still in play.",
                "Each loop checks the middle and moves one marker past it.",
                "If the markers cross, the target is not in the list.",
            ),
            _code,
        ),
        Core(
            6,
            "Why it is so fast",
            (
                "Every step cuts the remaining list in half.",
                "A million items need only about twenty steps, instead of a million.",
                "We say binary search takes logarithmic time.",
            ),
            _speed,
        ),
        Core(
            2,
            "Recap",
            (
                "Binary search needs a sorted list.",
                "It compares with the middle item and discards half of the list each time.",
                "That makes it take only about log two of n steps.",
            ),
            _recap,
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
        ("logarithmic", "growing like log n"),
    ),
    questions=(
        "How would you find the first of several equal items?",
        "Can binary search find a square root?",
        "Why must the list be sorted?",
    ),
    example=example,
    example_numbers="3, 8, 15, 20, 31, 15",
    example_help="the numbers to search, then the target last (3, 8, 15, 20, 31, 15)",
)
