"""Topic: recursion."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual, title_card
from tutor_core.spec import (
    BulletsElement,
    CodeElement,
    EquationElement,
    ShapeElement,
    TableElement,
)


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
