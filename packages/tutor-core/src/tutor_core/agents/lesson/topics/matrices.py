"""Topic: matrix multiplication."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import (
    Context,
    Core,
    Example,
    Numbers,
    Topic,
    Visual,
    fmt,
    numbers_needed,
    title_card,
)
from tutor_core.agents.lesson.topics.figures import unborn
from tutor_core.spec import (
    BulletsElement,
    Element,
    EquationElement,
    MatrixElement,
    Vector,
    VectorsElement,
)


def _pm(rows: list[list[str]]) -> str:
    """A LaTeX matrix in parentheses."""
    return "\\begin{pmatrix} " + " \\\\ ".join(" & ".join(r) for r in rows) + " \\end{pmatrix}"


def _product(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))]
            for i in range(len(a))]  # fmt: skip


def _text(m: list[list[float]]) -> list[list[str]]:
    return [[fmt(v) for v in row] for row in m]


def _intro(ctx: Context) -> Visual:
    return title_card(
        "Matrix Multiplication",
        "Rows meet columns",
        [MatrixElement(id="matrix", rows=[["1", "2"], ["3", "4"]], label="A")],
    )


def _row_column(ctx: Context) -> Visual:
    return [
        MatrixElement(id="row", rows=[["1", "2"]], label="row", color="blue", region="left"),
        MatrixElement(id="column", rows=[["5"], ["7"]], label="column", color="green",
                      region="right"),
        EquationElement(id="dot", latex="1 \\cdot 5 + 2 \\cdot 7", region="body"),
        EquationElement(id="value", latex="1 \\cdot 5 + 2 \\cdot 7 = 19", region="body",
                        color="yellow"),
    ], [anim("create", "row", 0), anim("create", "column", 0),
        anim("write", "dot", 1, 2.0), anim("transform", "dot", 2, 1.5, to="value")]  # fmt: skip


def _stages(a: list[list[float]], b: list[list[float]]) -> list[Element]:
    """A B = ? filled in: first entry, then all."""
    ab = _text(_product(a, b))
    unknown = [["?" for _ in row] for row in ab]
    first = [[ab[0][0], *(["?"] * (len(ab[0]) - 1))], *unknown[1:]]
    lhs = f"{_pm(_text(a))} {_pm(_text(b))} = "
    return [
        EquationElement(id="empty", latex=lhs + _pm(unknown), region="body"),
        EquationElement(id="first", latex=lhs + _pm(first), region="body"),
        EquationElement(id="full", latex=lhs + _pm(ab), region="body", color="yellow"),
    ]


def _full(ctx: Context) -> Visual:
    return [
        *_stages([[1, 2], [3, 4]], [[5, 6], [7, 8]]),
        EquationElement(id="entry", latex="(AB)_{ij} = \\text{row } i \\cdot \\text{column } j",
                        region="body"),
    ], [anim("write", "empty", 0, 2.0), anim("transform", "empty", 1, 1.5, to="first"),
        anim("write", "entry", 1, 1.5), anim("transform", "first", 2, 1.5, to="full"),
        anim("indicate", "full", 2)]  # fmt: skip


def _sizes(ctx: Context) -> Visual:
    return [
        EquationElement(id="sizes", latex="(m \\times n)(n \\times p) = (m \\times p)"),
        BulletsElement(id="rules", items=["inner sizes must match", "outer sizes give the result",
                                          "order matters: AB is usually not BA"]),
    ], [anim("write", "sizes", 0, 2.0), anim("fade_in", "rules", 1, 1.5),
        anim("indicate", "rules", 2)]  # fmt: skip


def _rotation(ctx: Context) -> Visual:
    v = Vector(x=2, y=1, label="v", color="blue")
    turned = Vector(x=-1, y=2, label="Rv", color="yellow")
    return [
        VectorsElement(id="before", extent=3, vectors=[v, unborn(turned)], region="left"),
        VectorsElement(id="after", extent=3, region="left", vectors=[v, turned]),
        EquationElement(id="product", region="right",
                        latex="R v = \\begin{pmatrix} 0 & -1 \\\\ 1 & 0 \\end{pmatrix}"
                        "\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix} = "
                        "\\begin{pmatrix} -1 \\\\ 2 \\end{pmatrix}"),
    ], [anim("create", "before", 0, 1.5), anim("write", "product", 1, 2.0),
        anim("transform", "before", 2, 1.5, to="after"), anim("indicate", "after", 2)]  # fmt: skip


def example(numbers: Numbers) -> Example:
    """A row times a column (four numbers), or a 2 by 2 product (eight numbers)."""
    numbers_needed(numbers, (4, 8), "give a row and a column (1, 2, 3, 4), or two 2 by 2 "
                   "matrices (1, 2, 3, 4, 5, 6, 7, 8)")  # fmt: skip
    if len(numbers) == 4:
        r0, r1, c0, c1 = (fmt(n) for n in numbers)
        value = fmt(numbers[0] * numbers[2] + numbers[1] * numbers[3])
        return Example(
            f"Worked example: row ({r0}, {r1}) times column ({c0}, {c1})",
            (
                f"Multiply the row {r0}, {r1} by the column {c0}, {c1}.",
                f"Multiply matching entries: {r0} times {c0}, and {r1} times {c1}.",
                f"Add them up: the result is {value}.",
            ),
            [
                MatrixElement(id="row", rows=[[r0, r1]], label="row", color="blue",
                              region="left"),
                MatrixElement(id="column", rows=[[c0], [c1]], label="column", color="green",
                              region="right"),
                EquationElement(id="dot", latex=f"{r0} \\cdot {c0} + {r1} \\cdot {c1}",
                                region="body"),
                EquationElement(id="value", latex=f"{r0} \\cdot {c0} + {r1} \\cdot {c1} = "
                                f"{value}", region="body", color="yellow"),
            ],
            [anim("create", "row", 0), anim("create", "column", 0),
             anim("write", "dot", 1, 2.0), anim("transform", "dot", 2, 1.5, to="value")],
        )  # fmt: skip
    a = [[numbers[0], numbers[1]], [numbers[2], numbers[3]]]
    b = [[numbers[4], numbers[5]], [numbers[6], numbers[7]]]
    ab = _text(_product(a, b))
    return Example(
        "Worked example: a 2 by 2 product",
        (
            "Let us multiply these two matrices.",
            f"Row one times column one gives the first entry, {ab[0][0]}.",
            f"Repeating for every row and column gives {ab[0][1]}, {ab[1][0]} and {ab[1][1]}.",
        ),
        _stages(a, b),
        [anim("write", "empty", 0, 2.0), anim("transform", "empty", 1, 1.5, to="first"),
         anim("transform", "first", 2, 1.5, to="full"), anim("indicate", "full", 2)],
    )  # fmt: skip


def _recap(ctx: Context) -> Visual:
    return [
        EquationElement(id="full", latex=_stages([[1, 2], [3, 4]], [[5, 6], [7, 8]])[2]
                        .model_dump()["latex"]),
        BulletsElement(id="recap", items=["each entry: a row times a column",
                                          "inner sizes must match",
                                          "AB and BA usually differ"]),
    ], [anim("write", "full", 0, 2.0), anim("fade_in", "recap", 1, 1.5),
        anim("indicate", "recap", 2)]  # fmt: skip


MATRICES = Topic(
    key="matrix_multiplication",
    name="matrix multiplication",
    title="Matrix Multiplication",
    keywords=(
        "matrix",
        "matrices",
        "matrix multiplication",
        "multiply matrices",
        "linear transformation",
        "dot product",
        "linear algebra",
    ),
    scenes=(
        Core(
            3,
            "What is a matrix?",
            (
                "Welcome! Today we learn how to multiply matrices.",
                "A matrix is a rectangular grid of numbers arranged in rows and columns.",
            ),
            _intro,
        ),
        Core(
            4,
            "Row times column",
            (
                "Everything starts with multiplying one row by one column.",
                "Multiply matching entries and add: one times five plus two times seven.",
                "The result is a single number, nineteen.",
            ),
            _row_column,
        ),
        Core(
            1,
            "The full product",
            (
                "To multiply A by B, repeat row times column for every pair.",
                "Row i of A with column j of B gives the entry in row i, column j.",
                "Here the product has entries nineteen, twenty-two, forty-three and fifty.",
            ),
            _full,
        ),
        Core(
            6,
            "Which sizes can multiply?",
            (
                "The number of columns in A must equal the number of rows in B.",
                "An m by n matrix times an n by p matrix gives an m by p matrix.",
                "Order matters, because A times B is usually not B times A.",
            ),
            _sizes,
        ),
        Core(
            5,
            "Worked example: a rotation",
            (
                "Matrices can move points around the plane.",
                "This matrix R rotates every vector a quarter turn counterclockwise.",
                "Multiplying R by the vector two, one gives minus one, two.",
            ),
            _rotation,
        ),
        Core(
            2,
            "Recap",
            (
                "Each entry of a product is a row of the first matrix times a column of the other.",
                "The inner sizes must match.",
                "Matrix multiplication is not commutative, so order matters.",
            ),
            _recap,
        ),
    ),
    applications=(
        "Rotating and scaling 3D graphics",
        "Neural network layers",
        "Solving systems of linear equations",
    ),
    mistake=(
        "A common mistake is multiplying matching entries, like adding matrices.",
        "Each entry comes from a whole row times a whole column.",
    ),
    practice=(
        "What is the product of row one, two with column three, four?",
        "One times three plus two times four is three plus eight, which is eleven.",
        "1 \\cdot 3 + 2 \\cdot 4 = 11",
    ),
    terms=(
        ("row", "a horizontal line of entries"),
        ("column", "a vertical line of entries"),
        ("identity", "the matrix that changes nothing"),
    ),
    questions=(
        "What does the identity matrix do?",
        "When does a matrix have an inverse?",
        "What happens if you multiply two rotation matrices?",
    ),
    example=example,
    example_numbers="1, 2, 3, 4",
    example_help="a row and a column (1, 2, 3, 4), or two 2 by 2 matrices (eight numbers)",
)
