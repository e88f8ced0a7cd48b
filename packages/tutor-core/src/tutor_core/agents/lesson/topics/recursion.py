"""Topic: recursion."""

from __future__ import annotations

import math

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import (
    Context,
    Core,
    Example,
    ExampleRefused,
    Numbers,
    Topic,
    Visual,
    numbers_needed,
    title_card,
)
from tutor_core.agents.lesson.topics.figures import filled
from tutor_core.spec import (
    BulletsElement,
    CodeElement,
    EquationElement,
    TableElement,
)

_FACTORIAL = (
    "def factorial(n):\n"
    "    if n == 0:          # base case\n"
    "        return 1\n"
    "    return n * factorial(n - 1)  # recursive case"
)


def _stack(id: str, n: int, *, answered: bool, depth: int | None = None) -> TableElement:
    """The call stack of factorial(n): who waits for whom, and (answered) what returns."""
    rows = []
    for k in range(n, -1, -1):
        waits = f"{k} * factorial({k - 1})" if k else "nothing"
        returns = str(math.factorial(k)) if answered else "?"
        rows.append([f"factorial({k})", waits, returns])
    return TableElement(id=id, header=["call", "waits for", "returns"],
                        rows=filled(rows, len(rows) if depth is None else depth))  # fmt: skip


def _intro(ctx: Context) -> Visual:
    return title_card(
        "Recursion",
        "A function that calls itself",
        [EquationElement(id="big", latex="4! = 4 \\cdot 3!"),
         EquationElement(id="smaller", latex="3! = 3 \\cdot 2!")],
        [anim("write", "big", 0, 1.5), anim("transform", "big", 1, 1.5, to="smaller")],
    )  # fmt: skip


def _parts(ctx: Context) -> Visual:
    return [
        BulletsElement(id="parts", region="left",
                       items=["base case: answer directly", "recursive case: shrink it",
                              "trust the smaller call"]),
        EquationElement(id="base", latex="0! = 1", region="right", color="green"),
        EquationElement(id="step", latex="n! = n \\cdot (n-1)!", region="right"),
    ], [anim("fade_in", "parts", 0, 1.5), anim("write", "base", 0, 1.5),
        anim("write", "step", 1, 1.5), anim("indicate", "step", 2)]  # fmt: skip


def _code(ctx: Context) -> Visual:
    return [
        CodeElement(id="code", code=_FACTORIAL),
        EquationElement(id="math", latex="n! = 1 \\cdot 2 \\cdots n"),
        EquationElement(id="rule", latex="n! = n \\cdot (n-1)!"),
    ], [anim("write", "math", 0, 1.5), anim("fade_in", "code", 1, 2.0),
        anim("transform", "math", 1, 1.5, to="rule"), anim("indicate", "code", 2)]  # fmt: skip


def _call_stack(ctx: Context) -> Visual:
    return [
        _stack("one", 3, answered=False, depth=1),
        _stack("waiting", 3, answered=False),
        _stack("answered", 3, answered=True),
    ], [anim("fade_in", "one", 0, 1.5), anim("transform", "one", 1, 2.0, to="waiting"),
        anim("transform", "waiting", 2, 2.0, to="answered"),
        anim("indicate", "answered", 2)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """The call stack of factorial(n) for a small n."""
    numbers_needed(numbers, (1,), "give one whole number from 1 to 6, e.g. 4")
    n = numbers[0]
    if n != int(n) or not 1 <= n <= 6:
        raise ExampleRefused("give a whole number from 1 to 6, so the stack fits on screen")
    k = int(n)
    return Example(
        f"Worked example: factorial of {k}",
        (
            f"Let us follow factorial of {k}.",
            "Each call waits for the one below it, down to factorial of zero.",
            f"Then the answers flow back up, and factorial of {k} returns {math.factorial(k)}.",
        ),
        [
            _stack("one", k, answered=False, depth=1),
            _stack("waiting", k, answered=False),
            _stack("answered", k, answered=True),
        ],
        [anim("fade_in", "one", 0, 1.5), anim("transform", "one", 1, 2.0, to="waiting"),
         anim("transform", "waiting", 2, 2.0, to="answered"), anim("indicate", "answered", 2)],
    )  # fmt: skip


def _fibonacci(ctx: Context) -> Visual:
    code = "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)"
    header = ["n", "0", "1", "2", "3", "4", "5", "6"]
    return [
        TableElement(id="start", header=header, rows=[["fib", "0", "1", "", "", "", "", ""]],
                     region="body"),
        TableElement(id="values", header=header, rows=[["fib", "0", "1", "1", "2", "3", "5", "8"]],
                     region="body"),
        CodeElement(id="code", code=code, region="body"),
    ], [anim("fade_in", "start", 0, 1.5), anim("transform", "start", 0, 2.0, to="values"),
        anim("fade_in", "code", 1, 2.0), anim("indicate", "code", 1)]  # fmt: skip


def _recap(ctx: Context) -> Visual:
    return [
        _stack("stack", 3, answered=True).model_copy(update={"region": "left"}),
        BulletsElement(id="recap", region="right",
                       items=["always have a base case", "each call shrinks the problem",
                              "calls stack up, then unwind"]),
    ], [anim("fade_in", "stack", 0, 1.5), anim("fade_in", "recap", 1, 1.5),
        anim("indicate", "stack", 2)]  # fmt: skip


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
            _intro,
        ),
        Core(
            5,
            "Two essential parts",
            (
                "Every recursive function needs a base case, small enough to answer directly.",
                "It also needs a recursive case that makes the problem smaller.",
                "If you trust the smaller call to work, the whole thing works.",
            ),
            _parts,
        ),
        Core(
            1,
            "Factorial in code",
            (
                "Factorial of n multiplies all the numbers from one to n.",
                "In code, factorial of n is n times factorial of n minus one.",
                "When n reaches zero, the base case returns one and the calls stop.",
            ),
            _code,
        ),
        Core(
            4,
            "The call stack",
            (
                "Each call waits for the smaller call beneath it.",
                "The calls pile up until factorial of zero returns one.",
                "Then the answers flow back up: one, then two, then six.",
            ),
            _call_stack,
        ),
        Core(
            6,
            "Worked example: Fibonacci",
            (
                "Each Fibonacci number is the sum of the two before it.",
                "That rule translates directly into a recursive function with two base cases.",
            ),
            _fibonacci,
        ),
        Core(
            2,
            "Recap",
            (
                "Recursion solves a problem using smaller versions of itself.",
                "Every recursive function needs a base case and a step that shrinks the problem.",
                "The calls stack up and then unwind with the answer.",
            ),
            _recap,
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
        ("call stack", "the calls waiting to finish"),
        ("recursive case", "the step that shrinks n"),
    ),
    questions=(
        "Can every loop be written as recursion?",
        "Why is the simple Fibonacci function slow?",
        "What is tail recursion?",
    ),
    example=example,
    example_numbers="4",
    example_help="a whole number from 1 to 6, e.g. 4",
)
