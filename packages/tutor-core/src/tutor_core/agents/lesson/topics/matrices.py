"""Topic: matrix multiplication."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual
from tutor_core.spec import (
    BulletsElement,
    EquationElement,
    MatrixElement,
    TextElement,
)


def _mat_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="Matrix Multiplication", size="large"),
        MatrixElement(id="matrix", rows=[["1", "2"], ["3", "4"]], label="A"),
    ], [anim("write", "headline", 0, 1.5), anim("create", "matrix", 1, 1.5)]


def _mat_rowcol(ctx: Context) -> Visual:
    return [
        MatrixElement(id="row", rows=[["1", "2"]], label="row", color="blue"),
        MatrixElement(id="column", rows=[["5"], ["7"]], label="column", color="green"),
        EquationElement(id="dot", latex="1 \\cdot 5 + 2 \\cdot 7 = 19"),
    ], [anim("create", "row", 0), anim("create", "column", 0),
        anim("write", "dot", 1, 2.0), anim("indicate", "dot", 2)]  # fmt: skip


def _mat_product(ctx: Context) -> Visual:
    return [
        MatrixElement(id="matrix_a", rows=[["1", "2"], ["3", "4"]], label="A", color="blue"),
        MatrixElement(id="matrix_b", rows=[["5", "6"], ["7", "8"]], label="B", color="green"),
        MatrixElement(id="product", rows=[["19", "22"], ["43", "50"]], label="AB",
                      color="yellow"),
        EquationElement(id="entry", latex="(AB)_{ij} = \\sum_k A_{ik} B_{kj}"),
    ], [anim("create", "matrix_a", 0), anim("create", "matrix_b", 0),
        anim("create", "product", 1, 1.5), anim("write", "entry", 2, 1.5)]  # fmt: skip


def _mat_shapes(ctx: Context) -> Visual:
    return [
        EquationElement(id="sizes", latex="(m \\times n)(n \\times p) = (m \\times p)"),
        BulletsElement(
            id="rules",
            items=[
                "inner sizes must match",
                "outer sizes give the result",
                "order matters: AB is usually not BA",
            ],
        ),
    ], [anim("write", "sizes", 0, 2.0), anim("fade_in", "rules", 1, 1.5)]


def _mat_example(ctx: Context) -> Visual:
    return [
        MatrixElement(id="rotation", rows=[["0", "-1"], ["1", "0"]], label="R"),
        MatrixElement(id="vector", rows=[["2"], ["1"]], label="v"),
        EquationElement(id="result", latex="R v = \\begin{pmatrix} -1 \\\\ 2 \\end{pmatrix}",
                        color="yellow"),
    ], [anim("create", "rotation", 0), anim("create", "vector", 0),
        anim("write", "result", 1, 1.5), anim("indicate", "result", 2)]  # fmt: skip


def _mat_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["each entry: a row times a column",
                                              "inner sizes must match",
                                              "AB and BA are usually different"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


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
            _mat_intro,
        ),
        Core(
            4,
            "Row times column",
            (
                "Everything starts with multiplying one row by one column.",
                "Multiply matching entries and add: one times five plus two times seven.",
                "The result is a single number, nineteen.",
            ),
            _mat_rowcol,
        ),
        Core(
            1,
            "The full product",
            (
                "To multiply A by B, repeat row times column for every pair.",
                "Row i of A with column j of B gives the entry in row i, column j.",
                "Here the product has entries nineteen, twenty-two, forty-three and fifty.",
            ),
            _mat_product,
        ),
        Core(
            6,
            "Which sizes can multiply?",
            (
                "The number of columns in A must equal the number of rows in B.",
                "An m by n matrix times an n by p matrix gives an m by p matrix.",
                "Order matters, because A times B is usually not B times A.",
            ),
            _mat_shapes,
        ),
        Core(
            5,
            "Worked example: a rotation",
            (
                "Matrices can move points around the plane.",
                "This matrix R rotates every vector a quarter turn counterclockwise.",
                "Multiplying R by the vector two, one gives minus one, two.",
            ),
            _mat_example,
        ),
        Core(
            2,
            "Recap",
            (
                "Each entry of a product is a row of the first matrix times a column of the other.",
                "The inner sizes must match.",
                "Matrix multiplication is not commutative, so order matters.",
            ),
            _mat_recap,
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
        ("identity", "matrix that changes nothing"),
    ),
    questions=(
        "What does the identity matrix do?",
        "When does a matrix have an inverse?",
        "What happens if you multiply two rotation matrices?",
    ),
)
