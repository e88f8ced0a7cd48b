"""Plot expressions at compile time: where a curve is drawable, and its numpy form.

Evaluation goes through `tutor_core.expressions` (the one bounded evaluator), counted
against the compile's `Budget`, so a hostile expression or range can neither raise
nor keep the compiler busy.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable

from tutor_core.expressions import Budget, check_expression, compile_expression

_NUMPY_NAMES = {
    "asin": "np.arcsin", "acos": "np.arccos", "atan": "np.arctan", "abs": "np.abs",
    "pi": "np.pi", "e": "np.e", "tau": "math.tau",
}  # fmt: skip

SAMPLES = 400
"""Grid points a plot range is sampled at to find where the curve is drawable."""
BISECTIONS = 30
"""Refinement steps of each edge of a drawable interval."""


class _ToNumpy(ast.NodeTransformer):
    """Rewrite a checked expression for numpy, with float constants."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == "x":
            return node
        target = _NUMPY_NAMES.get(node.id, f"np.{node.id}")
        return ast.parse(target, mode="eval").body

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        # Integer powers such as 9**9**9 would make Python compute huge integers;
        # as floats they overflow at once (to inf, which the plot never reaches).
        if isinstance(node.value, int):
            return ast.Constant(float(node.value))
        return node


def numpy_lambda(expr: str) -> str:
    """`lambda x: ...` with numpy functions, for `axes.plot`."""
    tree = ast.parse(check_expression(expr), mode="eval")
    body = ast.unparse(_ToNumpy().visit(tree))
    return f"lambda x: {body}"


def evaluator(expr: str, budget: Budget) -> Callable[[float], float]:
    """The bounded compile-time function of a plot (NaN where undefined)."""
    return compile_expression(expr, budget=budget)


def visible_intervals(
    f: Callable[[float], float], lo: float, hi: float, y_lo: float, y_hi: float
) -> list[tuple[float, float]]:
    """Maximal x intervals of [lo, hi] where f is defined and within [y_lo, y_hi].

    Sampled on a grid, each edge refined by bisection, then rounded inwards to 4
    decimals so that the emitted bounds stay inside the good interval.
    """

    def good(x: float) -> bool:
        y = f(x)
        return math.isfinite(y) and y_lo <= y <= y_hi

    def edge(inside: float, outside: float) -> float:
        for _ in range(BISECTIONS):
            mid = (inside + outside) / 2
            if good(mid):
                inside = mid
            else:
                outside = mid
        return inside

    n = SAMPLES
    xs = [lo + (hi - lo) * i / n for i in range(n + 1)]
    ok = [good(x) for x in xs]
    out: list[tuple[float, float]] = []
    i = 0
    while i <= n:
        if not ok[i]:
            i += 1
            continue
        j = i
        while j < n and ok[j + 1]:
            j += 1
        a = xs[i] if i == 0 else edge(xs[i], xs[i - 1])
        b = xs[j] if j == n else edge(xs[j], xs[j + 1])
        a, b = math.ceil(a * 1e4) / 1e4, math.floor(b * 1e4) / 1e4
        if b - a > (hi - lo) / n / 2:
            out.append((a, b))
        i = j + 1
    return out
