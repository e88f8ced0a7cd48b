"""Numbers as they appear in the emitted code, and the one error a compile raises."""

from __future__ import annotations

import math

MAX_LITERAL = 1e12
"""Largest magnitude a number in the emitted code may have: beyond it nothing is drawable
(and Manim would spend the render formatting giant tick labels)."""


class CompileError(ValueError):
    """A spec that cannot be turned into code (the renderer reports it as a PolicyViolation).

    Attributes:
        code: a stable identifier such as `number-out-of-range` or `compile-budget`.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def num(value: float) -> str:
    """A short literal for a number: 4 decimals, integers without `.0`.

    Raises:
        CompileError: the number is not finite or larger than MAX_LITERAL.
    """
    if not math.isfinite(value) or abs(value) > MAX_LITERAL:
        raise CompileError(
            "number-out-of-range",
            f"the number {value!r} cannot be drawn: keep coordinates, ranges and sizes "
            f"within ±{MAX_LITERAL:g}",
        )
    r = round(value, 4)
    if r == int(r):
        return str(int(r))
    return repr(r)


def tick_range(lo: float, hi: float, step: float, what: str) -> tuple[str, str, str]:
    """`(min, max, step)` literals of an axis range that still makes sense once rounded.

    Raises:
        CompileError: a bound out of range, or a range or step that rounds to nothing.
    """
    a, b, s = num(lo), num(hi), num(step)
    if not float(a) < float(b) or float(s) <= 0:
        raise CompileError(
            "range-too-small",
            f"the {what} ({lo:g} to {hi:g}, step {step:g}) is too small to draw: use a range "
            "and a step of at least 0.0001",
        )
    return a, b, s


def unit(x: float, y: float) -> str:
    """A unit vector literal `x, y` (up when the vector is zero)."""
    n = math.hypot(x, y)
    if n == 0 or not math.isfinite(n):
        return "0, 1"
    return f"{num(x / n)}, {num(y / n)}"


def decimals(step: float) -> int:
    """Decimal places needed to print multiples of step (at most 3)."""
    for places in range(4):
        if abs(round(step, places) - step) < 1e-9:
            return places
    return 3


def nice_step(extent: float) -> float:
    """A 1-2-5 grid step giving at most about 6 grid lines per half axis."""
    raw = extent / 6
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power
