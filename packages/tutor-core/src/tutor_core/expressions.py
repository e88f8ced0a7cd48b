"""Math expressions of one variable: the one checker and the one bounded evaluator.

Specs carry plots such as `x**2` or `sin(x)/x`, written by agents (and so by a model).
`check_expression` accepts only numbers, the variable, pi/e/tau and a fixed list of
functions. `compile_expression` turns a checked expression into a function that is
*bounded*: every number is a float (so `9**9**9` cannot build a huge integer), a power
with an exponent beyond `MAX_EXPONENT` or a result beyond `MAX_MAGNITUDE` is undefined
(NaN), and no input can raise. An optional `Budget` caps how many evaluations a caller
(e.g. a compiler sampling a plot) may make and until when.
"""

from __future__ import annotations

import ast
import math
import time
from collections.abc import Callable

__all__ = [
    "ALLOWED_CONSTANTS",
    "ALLOWED_FUNCTIONS",
    "MAX_EXPONENT",
    "MAX_MAGNITUDE",
    "Budget",
    "BudgetExceeded",
    "check_expression",
    "compile_expression",
    "evaluate_expression",
]

ALLOWED_FUNCTIONS = frozenset(
    {
        "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
        "exp", "log", "log10", "log2", "sqrt", "abs", "floor", "ceil",
    }
)  # fmt: skip
ALLOWED_CONSTANTS = frozenset({"pi", "e", "tau"})
MAX_LENGTH = 200
"""Longest expression accepted, in characters other than spaces."""
MAX_EXPONENT = 1_000.0
"""Powers with a larger exponent (in absolute value) are undefined."""
MAX_MAGNITUDE = 1e100
"""Values larger than this (in absolute value) are undefined: nothing drawable is that big."""

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load,
    ast.Call, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd, ast.Mod,
)  # fmt: skip


def check_expression(expr: str, variable: str = "x") -> str:
    """Validate a math expression of one variable (Python syntax, `^` allowed for power).

    Returns the normalized expression (`^` → `**`). Only numbers, the variable, the
    constants pi/e/tau and the functions in ALLOWED_FUNCTIONS are accepted, so the
    expression is safe to compile into renderer code.

    Raises:
        ValueError: what is wrong with the expression.
    """
    text = expr.strip().replace("^", "**")
    if not text:
        raise ValueError("empty expression: write a function of x, e.g. x**2 or sin(x)")
    # Spaces do not count, so the normalized form (which has some) passes again.
    if len("".join(text.split())) > MAX_LENGTH:
        raise ValueError(f"expression too long (more than {MAX_LENGTH} characters)")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"cannot parse expression {expr!r}: {exc.msg}") from None
    except (MemoryError, RecursionError):  # absurd nesting
        raise ValueError(f"expression {expr!r} is nested too deeply") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ValueError(
                f"expression {expr!r} uses {type(node).__name__}, which is not allowed: "
                f"use numbers, {variable}, + - * / ** and {', '.join(sorted(ALLOWED_FUNCTIONS))}"
            )
        if isinstance(node, ast.Name) and node.id not in ALLOWED_FUNCTIONS | ALLOWED_CONSTANTS | {
            variable
        }:
            raise ValueError(
                f"expression {expr!r} uses unknown name {node.id!r}: the variable is {variable!r}"
            )
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in ALLOWED_FUNCTIONS:
                raise ValueError(f"expression {expr!r} calls an unknown function")
            if len(node.args) != 1 or node.keywords:
                raise ValueError(f"expression {expr!r}: functions take exactly one argument")
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, (int, float))
        ):
            raise ValueError(f"expression {expr!r} contains a non-number constant")
    return ast.unparse(tree)


class BudgetExceeded(ValueError):
    """Evaluating expressions took more evaluations or time than the budget allows."""


class Budget:
    """A cap on expression evaluations: a count and a deadline (monotonic seconds).

    Args:
        evaluations: how many evaluations are allowed in all.
        seconds: how long from now they may take.
    """

    def __init__(self, evaluations: int = 200_000, seconds: float = 10.0) -> None:
        self.left = evaluations
        self.evaluations = evaluations
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def spend(self) -> None:
        """Count one evaluation; raise BudgetExceeded when the count or the time is up."""
        self.left -= 1
        if self.left < 0:
            raise BudgetExceeded(
                f"the expressions need more than {self.evaluations} evaluations to draw"
            )
        # The clock is read every 256 evaluations: cheap, and still prompt.
        if self.left & 0xFF == 0 and time.monotonic() > self.deadline:
            raise BudgetExceeded(f"evaluating the expressions took more than {self.seconds:g} s")


def _bounded(value: float) -> float:
    return value if math.isfinite(value) and abs(value) <= MAX_MAGNITUDE else math.nan


def _pow(base: float, exponent: float) -> float:
    if abs(exponent) > MAX_EXPONENT:
        return math.nan
    # math.pow works on floats only: never a huge integer, never a complex number.
    return _bounded(math.pow(base, exponent))


def _floor(v: float) -> float:
    # math.floor/ceil return ints, which would bring back unbounded integer arithmetic.
    return float(math.floor(v))


def _ceil(v: float) -> float:
    return float(math.ceil(v))


def _environment() -> dict[str, object]:
    env: dict[str, object] = {name: getattr(math, name) for name in ALLOWED_FUNCTIONS - {"abs"}}
    env.update(abs=abs, floor=_floor, ceil=_ceil, pi=math.pi, e=math.e, tau=math.tau)
    env["__pow"] = _pow
    return env


class _Bounded(ast.NodeTransformer):
    """Float constants, and `a ** b` as the bounded `__pow(a, b)`."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, int) and not isinstance(node.value, bool):
            return ast.copy_location(ast.Constant(float(node.value)), node)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):
            call = ast.Call(
                func=ast.Name(id="__pow", ctx=ast.Load()), args=[node.left, node.right], keywords=[]
            )
            return ast.copy_location(call, node)
        return node


_UNDEFINED = (ArithmeticError, ValueError, TypeError)
"""What evaluating a checked expression can raise: all of it means "undefined here"."""


def compile_expression(
    expr: str, variable: str = "x", *, budget: Budget | None = None
) -> Callable[[float], float]:
    """A bounded function `f(x)` for a math expression (NaN where it is undefined).

    Args:
        expr: the expression; it is checked first (ValueError if not acceptable).
        variable: the name of the variable.
        budget: counted down by every call; the call raises BudgetExceeded when done.

    Returns:
        A function that never raises (except BudgetExceeded) and returns a float that
        is either NaN or finite with magnitude at most MAX_MAGNITUDE.
    """
    tree = ast.parse(check_expression(expr, variable), mode="eval")
    bounded = ast.fix_missing_locations(_Bounded().visit(tree))
    try:
        code = compile(bounded, "<expression>", "eval")
    except (MemoryError, RecursionError):
        raise ValueError(f"expression {expr!r} is nested too deeply") from None
    env = _environment()
    no_builtins: dict[str, object] = {"__builtins__": {}}

    def f(x: float) -> float:
        if budget is not None:
            budget.spend()
        env[variable] = float(x)
        try:
            value = eval(code, no_builtins, env)  # noqa: S307 - a checked, rewritten AST
        except _UNDEFINED:
            return math.nan
        if not isinstance(value, float | int) or isinstance(value, bool):
            return math.nan
        return _bounded(float(value))

    return f


def evaluate_expression(expr: str, x: float, variable: str = "x") -> float:
    """Evaluate a checked expression at x (NaN where it is undefined or out of bounds)."""
    return compile_expression(expr, variable)(x)
