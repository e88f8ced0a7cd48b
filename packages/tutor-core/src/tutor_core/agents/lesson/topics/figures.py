"""Pictures shared by the topic library: function plots, right triangles, marked arrays.

A spec element is drawn in its own box, so a composite picture (a triangle with a
square on each side, rectangles under a curve) has to be one element: a polygon
whose path visits every edge (each edge once), or plots on one pair of axes.
"""

from __future__ import annotations

import ast
import math

from tutor_core.agents.lesson.mathtext import choose_ranges, to_latex
from tutor_core.agents.lesson.topics.base import Context, fmt
from tutor_core.spec import (
    AxesElement,
    Plot,
    ShapeElement,
    TableElement,
    Vector,
    check_expression,
    evaluate_expression,
)


def func_or(ctx: Context, default: str) -> str:
    """The function the prompt asked about, or the topic's default."""
    return ctx.expr or default


def axes_for(expr: str, *, id: str = "axes", **plot: object) -> AxesElement:
    """Axes fitted to one function, plotted in blue with its label."""
    x_range, y_range = choose_ranges([expr])
    return AxesElement(
        id=id, x_range=x_range, y_range=y_range,
        plots=[Plot.model_validate({"expr": expr, "label": to_latex(expr), "color": "blue",
                                    **plot})],
    )  # fmt: skip


# ------------------------------------------------------------------ right triangles


def _legs(a: float, b: float) -> tuple[float, float]:
    """Drawing lengths for legs a (height) and b (base): to scale unless too thin."""
    top = max(a, b)
    da, db = 4 * a / top, 4 * b / top
    # A 1-by-100 triangle drawn to scale is a line; keep it readable.
    return max(da, 1.2), max(db, 1.2)


def right_triangle(
    id: str,
    a: str = "a",
    b: str = "b",
    c: str = "c",
    *,
    size: tuple[float, float] = (3, 4),
    color: str = "teal",
    fill: float = 0.2,
) -> ShapeElement:
    """A right triangle with legs a (height) and b (base), hypotenuse c.

    Right angle at vertex 1 (B); side 0 is the base AB, side 1 the height BC, side 2
    the hypotenuse CA. Empty labels are not drawn.
    """
    ha, hb = _legs(*size)
    return ShapeElement(
        id=id, shape="triangle", points=[(0, 0), (hb, 0), (hb, ha)], color=color,
        side_labels=[b, a, c], vertex_labels=["A", "B", "C"], right_angle_at=1,
        fill_opacity=fill,
    )  # fmt: skip


def squares_on_sides(
    id: str,
    labels: tuple[str, str, str] = ("a^2", "b^2", "c^2"),
    *,
    size: tuple[float, float] = (3, 4),
    color: str = "teal",
) -> ShapeElement:
    """A right triangle with a square drawn outward on each side, as one polygon.

    The path A B C A, then around each square back to its corner, draws all twelve
    edges once; the labels sit on the outer side of the squares on a, b and c.
    """
    ha, hb = _legs(*size)
    a_pt, b_pt, c_pt = (0.0, 0.0), (hb, 0.0), (hb, ha)
    # Outward squares: below the base, right of the height, above-left of the hypotenuse.
    base = [(0.0, -hb), (hb, -hb)]
    height = [(hb + ha, 0.0), (hb + ha, ha)]
    hyp = [(hb - ha, ha + hb), (-ha, hb)]
    points = [a_pt, b_pt, c_pt, a_pt, *base, b_pt, *height, c_pt, *hyp]
    sq_a, sq_b, sq_c = labels
    side_labels = ["", "", "", "", sq_b, "", "", "", sq_a, "", sq_c, ""]
    return ShapeElement(
        id=id, shape="polygon", points=[(round(x, 3), round(y, 3)) for x, y in points],
        color=color, side_labels=side_labels, right_angle_at=1,
    )  # fmt: skip


# ------------------------------------------------------------------ arrays


def array_table(
    id: str,
    values: list[str],
    marks: dict[int, str] | None = None,
    *,
    header: list[str] | None = None,
    dropped: set[int] | frozenset[int] = frozenset(),
    color: str | None = None,
) -> TableElement:
    """A list of values with a row of markers under it (e.g. "▲" under the middle).

    Dropped positions show "·", so a search can throw half of the list away.
    """
    shown = ["·" if i in dropped else v for i, v in enumerate(values)]
    # A no-break space keeps an unmarked row as tall as a marked one (an empty cell
    # has no height, and the row would jump open when the first marker appears).
    under = [(marks or {}).get(i, "\u00a0") for i in range(len(values))]
    return TableElement(id=id, header=header or [], rows=[shown, under], region="body", color=color)


# ------------------------------------------------------------------ sums of slices


class _AtLeftEdge(ast.NodeTransformer):
    """Replace x by the left edge of its slice: lo + floor((x - lo) / width) * width."""

    def __init__(self, edge: ast.expr) -> None:
        self.edge = edge

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.edge if node.id == "x" else node


def riemann_plot(expr: str, lo: float, hi: float, width: float) -> Plot:
    """Rectangles of the given width under expr on [lo, hi], as a shaded step plot.

    The step function takes the curve's value at the left edge of each slice; drawn
    with its area shaded, it is the Riemann sum on the same axes as the curve.
    """
    edge = ast.parse(f"({fmt(lo)} + floor((x - {fmt(lo)}) / {fmt(width)}) * {fmt(width)})",
                     mode="eval").body  # fmt: skip
    tree = _AtLeftEdge(edge).visit(ast.parse(check_expression(expr), mode="eval"))
    steps = ast.unparse(tree)
    end = round(hi - width / 100, 4)  # stop just before the next slice would start
    return Plot(expr=steps, color="yellow", x_range=(lo, end), area=(lo, end))


# ------------------------------------------------------------------ morph-friendly states
#
# A transform between two elements morphs each part of the first into a part of the
# second. When the second has parts the first lacks (a new dot, a shaded area, one
# more arrow), the renderer has to invent them from copies of other parts, which
# flashes filled blobs across the frame. So the states of a picture that changes
# have the same parts: a dot that is "not there yet" waits somewhere meaningful
# (on the axis, at the vertex), an area starts as a sliver, an arrow starts tiny.

SLIVER = 0.01
"""Width of an area that has not been swept yet."""
TINY = 0.02
"""Length of an arrow that has not grown yet."""


def with_line(axes: AxesElement, expr: str, x0: float, x1: float) -> AxesElement:
    """Axes plus the line through the curve at x0 and x1 (the tangent when x1 == x0).

    Always two dots and one line, so secants and the tangent morph into each other.
    """
    y0 = evaluate_expression(expr, x0)
    if x1 == x0:
        h = 1e-4 * max(1.0, abs(x0))
        slope = (evaluate_expression(expr, x0 + h) - evaluate_expression(expr, x0 - h)) / (2 * h)
    else:
        slope = (evaluate_expression(expr, x1) - y0) / (x1 - x0)
    y1 = y0 + slope * (x1 - x0)
    (lo, hi, _), (ylo, yhi, _) = axes.x_range, axes.y_range
    line = Plot(expr=f"{slope!r} * (x - {x0!r}) + {y0!r}", color="orange", x_range=(lo, hi))
    points = [(round(x0, 3), round(y0, 3)), (round(x1, 3), round(y1, 3))]
    if not all(ylo <= y <= yhi for _, y in points):
        points = [points[0], points[0]] if ylo <= y0 <= yhi else []
    return axes.model_copy(update={"plots": [*axes.plots, line], "points": points})


def unborn(vector: Vector) -> Vector:
    """A vector before it is drawn: a tiny arrow at its tail, pointing its way, no label."""
    length = math.hypot(vector.x, vector.y) or 1.0
    return vector.model_copy(
        update={
            "x": round(vector.x / length * TINY, 4),
            "y": round(vector.y / length * TINY, 4),
            "label": " " if vector.label else None,
        }
    )


BLANK = "\u00a0"
"""A cell that is not filled in yet (a no-break space keeps the row's height)."""


def filled(rows: list[list[str]], count: int) -> list[list[str]]:
    """The first `count` rows as they are, the rest blank: a table that fills in.

    Every stage of a growing table has all its rows, so that going from one stage to
    the next writes into cells instead of rebuilding the grid.
    """
    return [row if i < count else [BLANK] * len(row) for i, row in enumerate(rows)]
