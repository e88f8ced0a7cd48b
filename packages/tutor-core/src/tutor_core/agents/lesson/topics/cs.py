"""Computer science topics: binary search, sorting, recursion."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual, title_card
from tutor_core.spec import (
    BulletsElement,
    CodeElement,
    EquationElement,
    NumberLineElement,
    ShapeElement,
    TableElement,
    TextElement,
)

# ------------------------------------------------------------------ binary search

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

# ------------------------------------------------------------------ sorting


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

# ------------------------------------------------------------------ recursion


def _rec_intro(ctx: Context) -> Visual:
    return title_card("Recursion", "A function that calls itself")


def _rec_parts(ctx: Context) -> Visual:
    return [
        BulletsElement(
            id="parts",
            items=[
                "base case: a problem small enough to answer",
                "recursive case: shrink the problem",
                "trust the smaller call to work",
            ],
        ),
        ShapeElement(
            id="box", shape="square", width=2, height=2, color="blue", label="n", region="right"
        ),
    ], [anim("fade_in", "parts", 0, 2.0), anim("create", "box", 1), anim("indicate", "parts", 2)]


def _rec_code(ctx: Context) -> Visual:
    code = (
        "def factorial(n):\n"
        "    if n == 0:          # base case\n"
        "        return 1\n"
        "    return n * factorial(n - 1)  # recursive case"
    )
    return [
        CodeElement(id="code", code=code),
        EquationElement(id="math", latex="n! = n \\cdot (n-1)!"),
    ], [anim("fade_in", "code", 0, 2.0), anim("write", "math", 1, 1.5),
        anim("indicate", "code", 2)]  # fmt: skip


def _rec_stack(ctx: Context) -> Visual:
    return [
        TableElement(
            id="stack",
            header=["call", "waits for", "returns"],
            rows=[
                ["factorial(3)", "3 * factorial(2)", "6"],
                ["factorial(2)", "2 * factorial(1)", "2"],
                ["factorial(1)", "1 * factorial(0)", "1"],
                ["factorial(0)", "nothing", "1"],
            ],
        ),
    ], [anim("fade_in", "stack", 0, 2.5), anim("indicate", "stack", 2)]


def _rec_example(ctx: Context) -> Visual:
    code = "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)"
    return [
        CodeElement(id="code", code=code),
        BulletsElement(
            id="values",
            region="right",
            items=["fib: 0, 1, 1, 2, 3, 5, 8", "two base cases: 0 and 1"],
        ),
    ], [anim("fade_in", "code", 0, 2.0), anim("fade_in", "values", 1, 1.5)]


def _rec_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["always have a base case",
                                              "each call must shrink the problem",
                                              "calls stack up, then unwind"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


RECURSION = Topic(
    key="recursion",
    name="recursion",
    title="Recursion",
    keywords=(
        "recursion",
        "recursive",
        "recursively",
        "factorial",
        "fibonacci",
        "call stack",
        "base case",
    ),
    scenes=(
        Core(
            3,
            "What is recursion?",
            (
                "Welcome! Today we explore recursion, where a function calls itself.",
                "It solves a big problem by solving a smaller copy of the same problem.",
            ),
            _rec_intro,
        ),
        Core(
            5,
            "Two essential parts",
            (
                "Every recursive function needs a base case, small enough to answer directly.",
                "It also needs a recursive case that makes the problem smaller.",
                "If you trust the smaller call to work, the whole thing works.",
            ),
            _rec_parts,
        ),
        Core(
            1,
            "Factorial in code",
            (
                "Factorial of n multiplies all the numbers from one to n.",
                "In code, factorial of n is n times factorial of n minus one.",
                "When n reaches zero, the base case returns one and the calls stop.",
            ),
            _rec_code,
        ),
        Core(
            4,
            "The call stack",
            (
                "Each call waits for the smaller call beneath it.",
                "The calls pile up until factorial of zero returns one.",
                "Then the answers flow back up: one, then two, then six.",
            ),
            _rec_stack,
        ),
        Core(
            6,
            "Worked example: Fibonacci",
            (
                "Each Fibonacci number is the sum of the two before it.",
                "That rule translates directly into a recursive function with two base cases.",
            ),
            _rec_example,
        ),
        Core(
            2,
            "Recap",
            (
                "Recursion solves a problem using smaller versions of itself.",
                "Every recursive function needs a base case and a step that shrinks the problem.",
                "The calls stack up and then unwind with the answer.",
            ),
            _rec_recap,
        ),
    ),
    applications=(
        "Walking through folders on a disk",
        "Parsing nested data like JSON",
        "Divide and conquer algorithms",
    ),
    mistake=(
        "A common mistake is forgetting the base case.",
        "Without it the function calls itself forever and the program crashes.",
    ),
    practice=(
        "What does factorial of four return?",
        "Four times three times two times one is twenty-four.",
        "4! = 24",
    ),
    terms=(
        ("base case", "the case answered directly"),
        ("call stack", "calls waiting to finish"),
        ("recursive case", "the step that shrinks n"),
    ),
    questions=(
        "Can every loop be written as recursion?",
        "Why is the simple Fibonacci function slow?",
        "What is tail recursion?",
    ),
)

TOPICS = (BINARY_SEARCH, SORTING, RECURSION)
