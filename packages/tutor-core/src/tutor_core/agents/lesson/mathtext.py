"""Recognise functions of x written in plain text and turn them into plottable specs.

Accepts what people type (`y = x^2`, `f(x) = sin x`, `2x^3 - 4x`, `e^x`, `√x`, `ln(x)`)
and returns an expression that `tutor_core.spec.check_expression` accepts, or None.
Nothing here evaluates user text except through `evaluate_expression`, which only
runs expressions that passed the AST check.
"""

from __future__ import annotations

import ast
import functools
import math
import re

from tutor_core.spec import check_expression, evaluate_expression

_FUNCTIONS = (
    "asin", "acos", "atan", "sinh", "cosh", "tanh", "sin", "cos", "tan", "exp",
    "log10", "log2", "log", "ln", "sqrt", "abs", "floor", "ceil",
)  # fmt: skip
_CONSTANTS = ("pi", "tau", "e")
_NAMES = sorted((*_FUNCTIONS, *_CONSTANTS, "x"), key=len, reverse=True)
_UNICODE = {
    "²": "^2", "³": "^3", "−": "-", "–": "-", "×": "*", "·": "*", "÷": "/",
    "π": "pi", "√": "sqrt",
}  # fmt: skip
_TOKEN = re.compile(r"\d+(?:\.\d+)?|\.\d+|[A-Za-z]+|\*\*|[()+\-*/^]|\S")
_DIMENSIONS = re.compile(r"^\d+\s*\*?\s*x\s*\*?\s*\d+$")
_ASSIGNMENT = re.compile(
    r"\b(?:y|[fgh]\s*\(\s*x\s*\))\s*=\s*(?P<rhs>[^,;:?!=\n]+?)"
    r"(?=$|[,;:?!=\n]|\.\s|\.$|\s+(?:and|from|on|over|in|for|with|between|using|please|"
    r"then|to|as|when|where|is|at)\b)",
    re.IGNORECASE,
)


def _split_name(word: str) -> list[str] | None:
    """Split a run of letters into known names (`xsin` → x, sin), or None."""
    out: list[str] = []
    rest = word.lower()
    while rest:
        for name in _NAMES:
            if rest.startswith(name):
                out.append(name)
                rest = rest[len(name) :]
                break
        else:
            return None
    return out


def _tokens(text: str) -> list[str] | None:
    for k, v in _UNICODE.items():
        text = text.replace(k, v)
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if tok[0].isalpha():
            names = _split_name(tok)
            if names is None:
                return None
            out.extend("log" if n == "ln" else n for n in names)
        elif tok in {"(", ")", "+", "-", "*", "/", "^", "**"} or tok[0].isdigit() or tok[0] == ".":
            out.append("^" if tok == "**" else tok)
        else:
            return None
    return out


def _is_atom_end(tok: str) -> bool:
    return tok == ")" or tok[0].isdigit() or tok[0] == "." or tok in _CONSTANTS or tok == "x"


def _is_atom_start(tok: str) -> bool:
    return tok == "(" or tok[0].isdigit() or tok[0] == "." or tok[0].isalpha()


def to_python(text: str) -> str | None:
    """Normalise a typed expression to checked Python syntax, or None if it is not one.

    Adds implicit multiplication (`2x` → `2*x`, `x(x+1)` → `x*(x+1)`), wraps bare
    function arguments (`sin x` → `sin(x)`) and maps `ln` to `log`.
    """
    toks = _tokens(text)
    if not toks or "x" not in toks:
        return None
    joined: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if joined and _is_atom_end(joined[-1]) and _is_atom_start(tok):
            joined.append("*")
        if tok in _FUNCTIONS:
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is None:
                return None
            if nxt != "(":
                # "sin x" / "sin 2x": the argument runs to the next operator.
                arg: list[str] = []
                j = i + 1
                while j < len(toks) and toks[j] not in {"+", "-", "*", "/", "^", ")"}:
                    if toks[j] in _FUNCTIONS or toks[j] == "(":
                        return None
                    arg.append(toks[j])
                    j += 1
                if not arg:
                    return None
                joined.append(tok)
                joined.append("(" + "*".join(arg) + ")")
                i = j
                continue
        joined.append(tok)
        i += 1
    expr = " ".join(joined)
    try:
        checked = check_expression(expr)
    except (ValueError, RecursionError, MemoryError):
        return None
    return checked if _cheap(checked) else None


def _cheap(expr: str) -> bool:
    """False for expressions whose evaluation could take forever (`9^9^9`, `10^400`).

    Python evaluates integer powers exactly, so a tower of constant powers would
    hang the sampler. Powers involving x are floats (they overflow cleanly), so
    only x-free powers must not nest; constant exponents stay small everywhere.
    """

    def has_x(node: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id == "x" for n in ast.walk(node))

    def is_pow(node: ast.AST) -> bool:
        return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow)

    nodes = list(ast.walk(ast.parse(expr, mode="eval")))
    for node in nodes:
        is_num = isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
        if is_num and abs(node.value) > 1e9:  # type: ignore[attr-defined]
            return False
        tower = is_pow(node) and not has_x(node)
        if tower and any(is_pow(n) for n in ast.walk(node) if n is not node):
            return False
    # Only now is it safe to evaluate constant exponents (no towers are left).
    for node in nodes:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and not has_x(node.right):
            value = evaluate_expression(ast.unparse(node.right), 0.0)
            if not math.isfinite(value) or abs(value) > 64:
                return False
    return True


_SPOKEN = (
    (re.compile(r"\bsquare root of ([a-z0-9]+)\b", re.I), r"sqrt(\1)"),
    (re.compile(r"(?<=[a-z0-9)])\s+squared\b", re.I), "^2"),
    (re.compile(r"(?<=[a-z0-9)])\s+cubed\b", re.I), "^3"),
    (
        re.compile(
            r"(?<=[a-z0-9)])\s+to the (?:power of )?(\d{1,2})(?:st|nd|rd|th)?(?: power)?\b", re.I
        ),
        r"^\1",
    ),
)
"""Powers said in words ("x squared", "x to the 4th power") as a prompt may put them."""


def _spoken_math(text: str) -> str:
    for pattern, written in _SPOKEN:
        text = pattern.sub(written, text)
    return text


def find_expression(text: str) -> str | None:
    """The first function of x written in free text (e.g. a prompt), or None.

    Powers said in words count: "the derivative of x squared" asks about x ** 2.
    """
    text = _spoken_math(text)
    for m in _ASSIGNMENT.finditer(text):
        expr = to_python(m.group("rhs"))
        if expr is not None:
            return expr
    # Otherwise look for the longest run of math-looking tokens that mentions x.
    words = re.findall(r"\S+", text)
    best: str | None = None
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and _tokens(words[j].strip(",;:?!'\"")) is not None:
            j += 1
        if j > i:
            candidate = _best_prefix(words[i:j])
            if candidate is not None and (best is None or len(candidate) > len(best)):
                best = candidate
        i = max(j, i + 1)
    return best


def _best_prefix(words: list[str]) -> str | None:
    """The longest prefix of a run of words that is a real expression of x."""
    for end in range(len(words), 0, -1):
        raw = " ".join(words[:end]).strip(",;:?!.'\"")
        if _DIMENSIONS.match(raw):
            continue
        toks = _tokens(raw)
        # A lone "x" (or "e") is a letter in a sentence, not a function to plot.
        if toks is None or len(toks) < 2:
            continue
        expr = to_python(raw)
        if expr is not None:
            return expr
    return None


def to_latex(expr: str) -> str:
    """A readable LaTeX-ish label for a checked expression (used as a plot label)."""
    s = check_expression(expr)
    s = re.sub(r"sqrt\(([^()]*)\)", r"\\sqrt{\1}", s)
    s = re.sub(r"\s*\*\*\s*\(([^()]*)\)", r"^{\1}", s)
    s = re.sub(r"\s*\*\*\s*([\w.]+)", r"^{\1}", s)
    s = re.sub(r"(\d)\s*\*\s*(?=[a-z(\\])", r"\1", s)
    s = s.replace(" * ", r" \cdot ").replace("*", r" \cdot ")
    for fn in ("sin", "cos", "tan", "log", "exp"):
        s = re.sub(rf"(?<![a-z\\]){fn}\(", rf"\\{fn}(", s)
    s = s.replace("pi", r"\pi")
    label = "y = " + s
    return label if len(label) <= 60 else "y = f(x)"


def nice_step(span: float, ticks: int = 8) -> float:
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return float(m * power)
    return float(10 * power)


def _round_out(lo: float, hi: float, step: float) -> tuple[float, float]:
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def sample(expr: str, lo: float, hi: float, n: int = 121) -> list[tuple[float, float]]:
    """Finite (x, y) samples of a checked expression on [lo, hi] (none if too costly)."""
    return list(_sample(expr, lo, hi, n))


@functools.lru_cache(maxsize=512)
def _sample(expr: str, lo: float, hi: float, n: int) -> tuple[tuple[float, float], ...]:
    # Lessons sample the same few functions many times while planning: remember them.
    out: list[tuple[float, float]] = []
    if not _cheap(expr):
        return ()
    for k in range(n):
        x = lo + (hi - lo) * k / (n - 1)
        y = evaluate_expression(expr, x)
        if math.isfinite(y):
            out.append((x, y))
    return tuple(out)


def _trimmed(values: list[float]) -> list[float]:
    """Sorted values without the extreme 5% at each end."""
    ys = sorted(values)
    if len(ys) >= 20:
        cut = len(ys) // 20
        ys = ys[cut : len(ys) - cut]
    return ys


def choose_ranges(
    exprs: list[str], x_range: tuple[float, float] | None = None
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Axes ranges `(min, max, step)` that show these functions well (see `_choose_ranges`)."""
    return _choose_ranges(tuple(exprs), x_range)


@functools.lru_cache(maxsize=256)
def _choose_ranges(
    exprs: tuple[str, ...], x_range: tuple[float, float] | None
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Axes ranges `(min, max, step)` that show these functions well.

    x defaults to [-4, 4], or [0, 8] when the functions are undefined for negative
    x (sqrt, log); it narrows (to 3 or 2 units each side) for fast-growing functions
    whose interesting middle would otherwise look flat. y comes from sampling,
    trimming the extreme 5% on each side so asymptotes (tan, 1/x) do not flatten
    the rest of the curve.
    """
    if x_range is None:
        neg = [p for e in exprs for p in sample(e, -4.0, -0.05, 40)]
        spans = [(-w, w) for w in (4.0, 3.0, 2.0)] if neg or not exprs else [
            (0.0, 2 * w) for w in (4.0, 3.0, 2.0)
        ]  # fmt: skip
        lo, hi = spans[-1]
        for lo_c, hi_c in spans:
            ys = _trimmed([y for e in exprs for _, y in sample(e, lo_c, hi_c)])
            # Keep the widest view in which the curve rises at most ~4 units per x unit.
            if not ys or ys[-1] - ys[0] <= 4 * (hi_c - lo_c):
                lo, hi = lo_c, hi_c
                break
    else:
        lo, hi = x_range
    ys = _trimmed([y for e in exprs for _, y in sample(e, lo, hi)])
    y_lo, y_hi = (min(ys), max(ys)) if ys else (-3.0, 3.0)
    y_lo, y_hi = min(y_lo, 0.0), max(y_hi, 0.0)
    if y_hi - y_lo < 2.0:
        mid = (y_hi + y_lo) / 2
        y_lo, y_hi = mid - 1.0, mid + 1.0
    y_lo, y_hi = max(y_lo, -1e6), min(y_hi, 1e6)
    pad = (y_hi - y_lo) * 0.1
    y_step = nice_step(y_hi - y_lo + 2 * pad)
    y_lo, y_hi = _round_out(y_lo - pad, y_hi + pad, y_step)
    x_step = nice_step(hi - lo)
    x_lo, x_hi = _round_out(lo, hi, x_step)
    return (x_lo, x_hi, x_step), (y_lo, y_hi, y_step)
