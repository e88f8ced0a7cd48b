"""The math recogniser: typed functions of x become checked, plottable expressions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor_core.agents.lesson.mathtext import (
    choose_ranges,
    find_expression,
    to_latex,
    to_python,
)
from tutor_core.spec import AxesElement, Plot, check_expression, evaluate_expression


@pytest.mark.parametrize(
    ("text", "expr"),
    [
        ("plot y = x^2 in 3 scenes", "x ** 2"),
        ("explain f(x) = sin(x) please", "sin(x)"),
        ("what does x^3 - 2x look like", "x ** 3 - 2 * x"),
        ("the graph of sqrt(x)", "sqrt(x)"),
        ("why e^x grows", "e ** x"),
        ("y = 2x + 1, from -3 to 3", "2 * x + 1"),
        ("sin x + cos 2x", "sin(x) + cos(2 * x)"),
        ("g(x)=x(x+1)", "x * (x + 1)"),
        ("ln x", "log(x)"),
        ("y = x² − 1", "x ** 2 - 1"),
        ("explain 2x2 matrices", None),
        ("the letter x", None),
        ("photosynthesis", None),
    ],
)
def test_find_expression(text: str, expr: str | None) -> None:
    assert find_expression(text) == expr


@pytest.mark.parametrize(
    ("text", "expr"),
    [("2x", "2 * x"), ("3(x+1)", "3 * (x + 1)"), ("xsin(x)", "x * sin(x)"), ("x**2", "x ** 2"),
     ("import os", None), ("__import__", None), ("x +", None), ("sin", None)],
)  # fmt: skip
def test_to_python(text: str, expr: str | None) -> None:
    assert to_python(text) == expr


_MATHY = st.text(alphabet="x0123456789+-*/^(). sincotaqrlgepbxyf=²√πe", max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_MATHY, st.text(max_size=60)))
def test_recogniser_never_crashes_and_returns_checked_expressions(text: str) -> None:
    for found in (find_expression(text), to_python(text)):
        if found is not None:
            assert check_expression(found) == found
            to_latex(found)  # never raises on a checked expression


_EXPRS = st.sampled_from(
    ["x", "x**2", "x**3 - 2*x", "sin(x)", "tan(x)", "1/x", "sqrt(x)", "log(x)", "e**x",
     "exp(x**2)", "1/(x-1)", "abs(x) - 3", "0*x", "1e6*x"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(_EXPRS, st.one_of(st.none(), st.tuples(st.floats(-20, 0), st.floats(0.5, 20))))
def test_chosen_ranges_make_valid_axes(expr: str, x_range: tuple[float, float] | None) -> None:
    xr, yr = choose_ranges([expr], x_range)
    axes = AxesElement(x_range=xr, y_range=yr, plots=[Plot(expr=expr)])  # validates tick counts
    assert all(math.isfinite(v) for v in (*axes.x_range, *axes.y_range))
    assert axes.y_range[0] <= 0 <= axes.y_range[1]


def test_ranges_follow_the_function() -> None:
    (x0, x1, _), _ = choose_ranges(["sqrt(x)"])
    assert x0 >= 0  # sqrt is undefined left of 0
    _, (y0, y1, _) = choose_ranges(["x**2"])
    assert y1 >= 16 and y0 < 0.5
    _, (y0, y1, _) = choose_ranges(["tan(x)"])
    assert y1 - y0 < 100  # the asymptotes do not flatten the curve
    assert math.isnan(evaluate_expression("log(x)", -1.0))


@pytest.mark.parametrize(
    "text", ["x + 9^9^9", "x^1000", "x * 10^400", "x + (2^3)^(2^3)", "x + 2^-100"]
)
def test_expressions_too_costly_to_sample_are_refused(text: str) -> None:
    assert to_python(text) is None


def test_powers_of_x_stay_allowed() -> None:
    assert to_python("e^(-x^2)") == "e ** (-x ** 2)"
    assert to_python("x^(x^2)") == "x ** x ** 2"


@pytest.mark.parametrize(
    ("prompt", "expr"),
    [
        ("Explain the derivative of x squared", "x ** 2"),
        ("the derivative of x cubed in 3 scenes", "x ** 3"),
        ("the integral of x to the 4th power", "x ** 4"),
        ("derivative of the square root of x", "sqrt(x)"),
        ("a squared plus b squared", None),  # no x: not a function to plot
    ],
)
def test_powers_said_in_words_are_found(prompt: str, expr: str | None) -> None:
    assert find_expression(prompt) == expr
