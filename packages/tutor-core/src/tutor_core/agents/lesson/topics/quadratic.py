"""Topic: the quadratic formula."""

from __future__ import annotations

import math

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.mathtext import choose_ranges
from tutor_core.agents.lesson.text import pretty_math
from tutor_core.agents.lesson.topics.base import (
    Context,
    Core,
    Example,
    ExampleRefused,
    Numbers,
    Topic,
    Visual,
    example_core,
    fmt,
    numbers_needed,
    title_card,
)
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    Plot,
    TableElement,
    TextElement,
)

_FORMULA = "x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}"


def _poly(a: float, b: float, c: float) -> tuple[str, str, str]:
    """The quadratic as Python, LaTeX and speech, e.g. x**2 - 3*x + 2, x^2 - 3x + 2."""
    py, tex, say = [], [], []
    for coef, power in ((a, 2), (b, 1), (c, 0)):
        if coef == 0:
            continue
        sign = "-" if coef < 0 else "+"
        mag = abs(coef)
        num = "" if mag == 1 and power else fmt(mag)
        var = {2: "x^2", 1: "x", 0: ""}[power]
        pyvar = {2: "x**2", 1: "x", 0: ""}[power]
        spoken = {2: "x squared", 1: "x", 0: ""}[power]
        py.append((sign, f"{fmt(mag)}*{pyvar}" if pyvar and mag != 1 else pyvar or fmt(mag)))
        tex.append((sign, f"{num}{var}"))
        say.append(("minus" if coef < 0 else "plus", f"{num} {spoken}".strip()))

    def join(parts: list[tuple[str, str]], first_minus: str) -> str:
        out = ""
        for i, (sign, term) in enumerate(parts):
            if i == 0:
                out = (first_minus if sign in {"-", "minus"} else "") + term
            else:
                out += f" {sign} {term}"
        return out

    return join(py, "-"), join(tex, "-"), join(say, "minus ")


def _parabola(
    id: str, a: float, b: float, c: float, *, roots: list[float], marked: bool = True
) -> AxesElement:
    """The parabola y = a x^2 + b x + c around its vertex, its roots marked (or not yet)."""
    py, tex, _ = _poly(a, b, c)
    vertex = -b / (2 * a)
    half = max([3.0] + [abs(r - vertex) + 1.5 for r in roots])
    x_range, y_range = choose_ranges([py], (round(vertex - half), round(vertex + half)))
    top = (round(vertex, 3), round(a * vertex * vertex + b * vertex + c, 3))
    # Until they are marked, the roots wait at the vertex, then slide down to the axis.
    points = [(round(r, 3), 0.0) for r in roots] if marked else [top] * len(roots)
    return AxesElement(id=id, x_range=x_range, y_range=y_range,
                       plots=[Plot(expr=py, label=f"y = {tex}", color="blue")],
                       points=points)  # fmt: skip


def _intro(ctx: Context) -> Visual:
    return title_card(
        "The Quadratic Formula",
        "One formula solves every quadratic",
        [
            EquationElement(id="formula", latex=_FORMULA, color="yellow"),
            EquationElement(id="general", latex="ax^2 + bx + c = 0"),
        ],
        [anim("write", "formula", 0, 2.0), anim("write", "general", 1, 1.5)],
    )


def _roots(ctx: Context) -> Visual:
    return [
        _parabola("curve", 1, -3, 2, roots=[1, 2], marked=False),
        _parabola("marked", 1, -3, 2, roots=[1, 2]),
        TextElement(id="note", text="roots: where it crosses the x axis", size="small"),
    ], [anim("create", "curve", 0, 2.0), anim("fade_in", "note", 1),
        anim("transform", "curve", 2, 1.5, to="marked"), anim("indicate", "marked", 2)]  # fmt: skip


def _formula(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula", latex=_FORMULA),
        BulletsElement(id="parts", items=["a, b, c: the coefficients", "± gives two answers",
                                          "works for every quadratic"]),
    ], [anim("write", "formula", 0, 2.5), anim("fade_in", "parts", 1, 1.5),
        anim("indicate", "formula", 2)]  # fmt: skip


def _discriminant(ctx: Context) -> Visual:
    cases = [["positive", "two"], ["zero", "one"], ["negative", "none"]]
    header = ["discriminant", "real roots"]
    return [
        EquationElement(id="discriminant", latex="\\Delta = b^2 - 4ac"),
        TableElement(id="two", header=header, rows=cases[:2]),
        TableElement(id="all", header=header, rows=cases),
    ], [anim("write", "discriminant", 0, 1.5), anim("fade_in", "two", 1, 1.5),
        anim("transform", "two", 2, to="all"), anim("indicate", "all", 2)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """Solve a x^2 + b x + c = 0 for the given a, b, c."""
    numbers_needed(numbers, (3,), "give the three coefficients a, b and c, e.g. 1, -5, 6")
    a, b, c = numbers
    if a == 0:
        raise ExampleRefused("a must not be zero, or the equation is not quadratic")
    _, tex, say = _poly(a, b, c)
    disc = b * b - 4 * a * c
    sa, sb, sc, sd = fmt(a), fmt(b), fmt(c), fmt(disc)
    problem = EquationElement(id="problem", latex=f"{tex} = 0", region="left")
    if disc < 0:
        roots: list[float] = []
        answer = "The discriminant is negative, so there are no real roots."
        result = "\\text{no real roots}"
        check = "The parabola never meets the x axis."
    else:
        r1, r2 = (-b - math.sqrt(disc)) / (2 * a), (-b + math.sqrt(disc)) / (2 * a)
        roots = sorted({round(r1, 6), round(r2, 6)})
        names = " \\text{ or } ".join(f"x = {fmt(r)}" for r in roots)
        answer = (
            f"So x equals {fmt(roots[0])}" + (f" or x equals {fmt(roots[1])}." if len(roots) == 2
                                              else ", a single root.")
        )  # fmt: skip
        result = names
        check = "These match the crossings on the graph."
    return Example(
        f"Worked example: {pretty_math(tex)} = 0",
        (
            f"Let us solve {say} equals zero.",
            f"Here a is {sa}, b is {sb} and c is {sc}, so the discriminant is {sd}.",
            answer,
            check,
        ),
        [
            problem,
            EquationElement(id="substitute", region="left",
                            latex=f"\\Delta = ({sb})^2 - 4 \\cdot {sa} \\cdot {fmt(c)} = {sd}"),
            EquationElement(id="roots", latex=result, color="yellow", region="left"),
            _parabola("curve", a, b, c, roots=roots, marked=False).model_copy(
                update={"region": "right"}
            ),
            _parabola("marked", a, b, c, roots=roots).model_copy(update={"region": "right"}),
        ],
        [anim("write", "problem", 0, 1.5), anim("create", "curve", 0, 2.0),
         anim("write", "substitute", 1, 2.0), anim("write", "roots", 2, 1.5),
         anim("transform", "curve", 3, 1.5, to="marked")],
    )  # fmt: skip


def _recap(ctx: Context) -> Visual:
    return [
        _parabola("axes", 1, -3, 2, roots=[1, 2]).model_copy(update={"region": "left"}),
        EquationElement(id="formula", latex=_FORMULA, region="right"),
        BulletsElement(id="recap", region="right",
                       items=["roots: crossings of the x axis", "discriminant: how many"]),
    ], [anim("create", "axes", 0, 2.0), anim("write", "formula", 0, 2.0),
        anim("fade_in", "recap", 1, 1.5), anim("indicate", "recap", 2)]  # fmt: skip


QUADRATIC = Topic(
    key="quadratic",
    name="the quadratic formula",
    title="The Quadratic Formula",
    keywords=(
        "quadratic",
        "quadratic formula",
        "quadratic equation",
        "parabola",
        "discriminant",
        "ax^2+bx+c",
        "roots of a polynomial",
    ),
    scenes=(
        Core(
            3,
            "Quadratic equations",
            (
                "Welcome! Today we solve any quadratic equation with one formula.",
                "A quadratic equation has the form a x squared plus b x plus c equals zero.",
            ),
            _intro,
        ),
        Core(
            4,
            "Roots on a parabola",
            (
                "The graph of a quadratic is a U-shaped curve called a parabola.",
                "The solutions, or roots, are the x values where it crosses the x axis.",
                "This parabola crosses at one and at two.",
            ),
            _roots,
        ),
        Core(
            1,
            "The formula",
            (
                "The quadratic formula finds the roots directly from a, b and c.",
                "It is minus b, plus or minus the root of b squared minus four a c, over two a.",
                "The plus or minus sign gives the two roots.",
            ),
            _formula,
        ),
        Core(
            6,
            "The discriminant",
            (
                "The part under the square root, b squared minus four a c, is the discriminant.",
                "If it is positive there are two real roots, and if it is zero there is one.",
                "If it is negative, the parabola never touches the x axis.",
            ),
            _discriminant,
        ),
        example_core(5, example, (1, -3, 2)),
        Core(
            2,
            "Recap",
            (
                "The quadratic formula solves a x squared plus b x plus c equals zero.",
                "Its roots are where the parabola meets the x axis.",
                "The discriminant tells you how many real roots to expect.",
            ),
            _recap,
        ),
    ),
    applications=(
        "The path of a thrown ball",
        "Maximising area with a fixed fence",
        "Break-even points in business",
    ),
    mistake=(
        "A common mistake is dividing only the square root by two a.",
        "The whole numerator, negative b plus or minus the root, is divided by two a.",
    ),
    practice=(
        "Solve x squared minus four equals zero.",
        "Here b is zero, so x is plus or minus the square root of four: two or minus two.",
        "x = \\pm 2",
    ),
    terms=(
        ("root", "where the parabola meets y = 0"),
        ("coefficient", "one of the numbers a, b and c"),
        ("discriminant", "b^2 - 4ac"),
    ),
    questions=(
        "What do complex roots look like on the graph?",
        "How does changing c move the parabola?",
        "Can you derive the formula by completing the square?",
    ),
    example=example,
    example_numbers="1, -5, 6",
    example_help="the coefficients a, b and c, e.g. 1, -5, 6",
)
