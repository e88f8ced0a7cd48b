"""Element emitters: the code that builds each kind of spec element as a Manim mobject.

Every element's mobject is stored in `self.elements[element_id]` (the title under
`self.elements["#title"]`). `fit(mob, box)` shrinks the real mobject into its layout
box at run time (never enlarging it: text is created at a readable size and graphics
are built at their box size), then centres it there.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    CodeElement,
    Element,
    EquationElement,
    MatrixElement,
    NumberLineElement,
    Plot,
    ShapeElement,
    TableElement,
    TextElement,
    VectorsElement,
)
from tutor_render_manim.compiler.expressions import evaluator, numpy_lambda, visible_intervals
from tutor_render_manim.compiler.literals import nice_step, num, tick_range, unit
from tutor_render_manim.compiler.writer import CodeWriter
from tutor_render_manim.layout import Box
from tutor_render_manim.tex import is_safe_latex, latex_to_text

_TEXT_SIZES = {"small": 28, "normal": 36, "large": 48}
_BLANK_CELL = "Ag"
"""What a blank table cell holds, hidden: letters as tall as a filled cell's."""
_PALETTE = ("#58C4DD", "#FFFF00", "#83C167", "#FC6255", "#9A72AC", "#F0AC5F")
TINY = 1e-6
"""Extents below this (in shape units) count as zero."""
MAX_SLOPE = 1e6
"""A steeper tangent is not drawn (it would be a vertical line off the axes)."""


def element_variable(el: Element) -> str:
    """Variable name of an element in the emitted code, e.g. `axes_e2`.

    Element variables always contain an underscore; the code's temporaries
    (`axes`, `graph`, `parts`...) never do, so they cannot collide.
    """
    return f"{el.kind}_{el.id}"


def emit_element(w: CodeWriter, el: Element) -> None:
    """Emit the code that builds `el` and fits it into its box."""
    var = element_variable(el)
    box = w.boxes[el.id]
    if isinstance(el, TextElement):
        _text(w, el, var, box)
    elif isinstance(el, BulletsElement):
        _bullets(w, el, var, box)
    elif isinstance(el, EquationElement):
        _equation(w, el, var, box)
    elif isinstance(el, AxesElement):
        _axes(w, el, var, box)
    elif isinstance(el, ShapeElement):
        _shape(w, el, var, box)
    elif isinstance(el, VectorsElement):
        _vectors(w, el, var, box)
    elif isinstance(el, NumberLineElement):
        _number_line(w, el, var, box)
    elif isinstance(el, MatrixElement):
        _matrix(w, el, var, box)
    elif isinstance(el, CodeElement):
        _code(w, el, var, box)
    else:
        _table(w, el, var, box)
    w.emit(f"self.elements[{el.id!r}] = fit({var}, {w.box(box)})")
    w.emit()


def _text(w: CodeWriter, el: TextElement, var: str, box: Box) -> None:
    size = _TEXT_SIZES[el.size]
    lines = w.wrap(el.text, size, box.width)
    w.emit(f"# {el.id}: text ({el.size})")
    args = ", ".join(repr(line) for line in lines)
    cls = "Text" if len(lines) == 1 else "Paragraph"
    extra = "" if len(lines) == 1 else ', alignment="left"'
    w.emit(f"{var} = {cls}({args}, font_size={size}, color={w.color(el.color)}{extra})")


def _bullets(w: CodeWriter, el: BulletsElement, var: str, box: Box) -> None:
    size = 32
    w.emit(f"# {el.id}: {len(el.items)} bullet points")
    w.emit(f"{var} = VGroup(")
    for item in el.items:
        lines = w.wrap(item, size, box.width - 0.5)
        # Non-breaking spaces: Pango would strip a plain indent.
        shown = [f"• {lines[0]}"] + [f"\u00a0\u00a0\u00a0{line}" for line in lines[1:]]
        args = ", ".join(repr(line) for line in shown)
        w.emit(
            f'    Paragraph({args}, font_size={size}, color={w.color(el.color)}, alignment="left"),'
        )
    w.emit(").arrange(DOWN, aligned_edge=LEFT, buff=0.3)")


def _equation(w: CodeWriter, el: EquationElement, var: str, box: Box) -> None:
    w.emit(f"# {el.id}: equation")
    w.emit(f"{var} = {w.formula(el.latex, 48, w.color(el.color))}")


def _axes(w: CodeWriter, el: AxesElement, var: str, box: Box) -> None:
    (x0, x1, xs), (y0, y1, ys) = el.x_range, el.y_range
    w.emit(f"# {el.id}: axes with {len(el.plots)} plot(s) and {len(el.points)} point(s)")
    config = [f'"color": {w.color(None)}', '"font_size": 20']
    if not w.tex:
        # Axis numbers are DecimalNumbers, which use MathTex unless told otherwise.
        config.append('"label_constructor": Text')
    x_literals = ", ".join(tick_range(x0, x1, xs, "x range"))
    y_literals = ", ".join(tick_range(y0, y1, ys, "y range"))
    w.emit("axes = Axes(")
    w.emit(f"    x_range=[{x_literals}],")
    w.emit(f"    y_range=[{y_literals}],")
    w.emit(f"    x_length={num(box.width * 0.82)},")
    w.emit(f"    y_length={num(box.height * 0.78)},")
    w.emit("    tips=False,")
    w.emit(f"    axis_config={{{', '.join(config)}}},")
    for axis, (lo, hi, step) in (("x", el.x_range), ("y", el.y_range)):
        # Numbers only where they stay legible (at most 12 ticks).
        if (hi - lo) / step <= 12:
            config_code = f'"include_numbers": True, "decimal_number_config": {w.decimals(step)}'
            w.emit(f"    {axis}_axis_config={{{config_code}}},")
    w.emit(")")
    w.emit("parts = [axes]")
    if el.x_label or el.y_label:
        xl = w.label(el.x_label or " ", 28, w.color(None))
        yl = w.label(el.y_label or " ", 28, w.color(None))
        w.emit(f"parts.append(axes.get_axis_labels(x_label={xl}, y_label={yl}))")
    for k, plot in enumerate(el.plots):
        _plot(w, el, k, plot)
    for px, py in el.points:
        if x0 <= px <= x1 and y0 <= py <= y1:
            dot = f"Dot(axes.c2p({num(px)}, {num(py)}), color={w.color('yellow')})"
            w.emit(f"parts.append({dot})")
        else:
            w.emit(f"# point ({num(px)}, {num(py)}) is outside the axes: not drawn")
    w.emit(f"{var} = VGroup(*parts)")


def _plot(w: CodeWriter, el: AxesElement, k: int, plot: Plot) -> None:
    (ax0, ax1, _), (y0, y1, _) = el.x_range, el.y_range
    lo, hi = plot.x_range or (ax0, ax1)
    lo, hi = max(lo, ax0), min(hi, ax1)
    color = w.color(plot.color, _PALETTE[k % len(_PALETTE)])
    w.emit(f"# plot {k}: y = {plot.expr}")
    f = evaluator(plot.expr, w.budget)
    pieces = visible_intervals(f, lo, hi, y0, y1) if lo < hi else []
    if not pieces:
        w.emit("# (not drawn: the curve is undefined or off the axes on this range)")
        return
    code = numpy_lambda(plot.expr)
    if "math.tau" in code:
        w.uses_math = True
    if len(pieces) > 1:
        w.emit("# drawn in pieces: the curve leaves the axes or is undefined between them")
    w.emit(f"f = {code}")
    for n, (a, b) in enumerate(pieces):
        step = num(max((b - a) / 200, 1e-4))
        w.emit(f"graph = axes.plot(f, x_range=[{num(a)}, {num(b)}, {step}], color={color})")
        w.emit("parts.append(graph)")
        if plot.area is not None:
            a2, b2 = max(a, plot.area[0]), min(b, plot.area[1])
            if a2 < b2:
                w.emit(
                    f"parts.append(axes.get_area(graph, x_range=[{num(a2)}, {num(b2)}], "
                    f"color={color}, opacity=0.3))"
                )
        if plot.tangent_at is not None and a <= plot.tangent_at <= b:
            _tangent(w, el, f, plot.tangent_at)
        if plot.label and n == len(pieces) - 1:
            label = w.formula(plot.label, 28, color)
            w.emit(
                f"parts.append(axes.get_graph_label(graph, {label}, x_val={num(b)}, direction=UR))"
            )


def _tangent(w: CodeWriter, el: AxesElement, f: Callable[[float], float], x: float) -> None:
    (x0, x1, _), (y0, y1, _) = el.x_range, el.y_range
    h = (x1 - x0) * 1e-5
    y = f(x)
    slope = (f(x + h) - f(x - h)) / (2 * h)
    if not (math.isfinite(y) and math.isfinite(slope)) or abs(slope) > MAX_SLOPE:
        w.emit(f"# no tangent at x = {num(x)}: the slope is not finite")
        return
    # Segment x + t, y + slope * t, clipped to the axes and to a quarter of their width.
    t_lo, t_hi = -(x1 - x0) / 4, (x1 - x0) / 4
    t_lo, t_hi = max(t_lo, x0 - x), min(t_hi, x1 - x)
    if slope != 0:
        ta, tb = sorted(((y0 - y) / slope, (y1 - y) / slope))
        t_lo, t_hi = max(t_lo, ta), min(t_hi, tb)
    p = f"axes.c2p({num(x + t_lo)}, {num(y + slope * t_lo)})"
    q = f"axes.c2p({num(x + t_hi)}, {num(y + slope * t_hi)})"
    w.emit(f"# tangent at x = {num(x)} (slope {num(slope)})")
    w.emit(f"parts.append(Line({p}, {q}, color={w.color('orange')}))")
    w.emit(f"parts.append(Dot(axes.c2p({num(x)}, {num(y)}), color={w.color('orange')}))")


def _shape(w: CodeWriter, el: ShapeElement, var: str, box: Box) -> None:
    width, height = el.width, el.height
    color = w.color(el.color, "#58C4DD")
    style = f"color={color}, fill_opacity={num(el.fill_opacity)}"
    # Points only mean something for these shapes (vertices, or start and end).
    pts = list(el.points) if el.shape in ("triangle", "polygon", "line", "arrow") else []
    if not pts:
        pts = {
            "triangle": [(0.0, 0.0), (width, 0.0), (width / 2, height)],
            "square": [
                (width / 2, width / 2),
                (-width / 2, width / 2),
                (-width / 2, -width / 2),
                (width / 2, -width / 2),
            ],
            "rectangle": [
                (width / 2, height / 2),
                (-width / 2, height / 2),
                (-width / 2, -height / 2),
                (width / 2, -height / 2),
            ],
            "polygon": [
                (
                    width / 2 * math.cos(math.pi / 2 + k * math.tau / 5),
                    height / 2 * math.sin(math.pi / 2 + k * math.tau / 5),
                )
                for k in range(5)
            ],
            "line": [(0.0, 0.0), (width, 0.0)],
            "arrow": [(0.0, 0.0), (width, 0.0)],
        }.get(el.shape, [])
    kind = el.shape
    w.emit(f"# {el.id}: {el.shape}")
    if kind in ("circle", "ellipse"):
        ext_w, ext_h = (width, width) if kind == "circle" else (width, height)
    elif kind == "dot":
        ext_w = ext_h = 0.0
    else:
        xs = [p[0] for p in pts] or [0.0]
        ys = [p[1] for p in pts] or [0.0]
        ext_w, ext_h = max(xs) - min(xs), max(ys) - min(ys)
    # Shape units → scene units: fill 3/4 of the box, leaving room for labels. Sizes
    # below TINY count as none, so near-coincident points do not blow the scale up.
    scales = [0.75 * box.width / ext_w] if ext_w > TINY else []
    scales += [0.75 * box.height / ext_h] if ext_h > TINY else []
    scale = min(scales) if scales else 1.0
    point_list = ", ".join(f"({num(x)}, {num(y)})" for x, y in pts)
    degenerate = kind != "dot" and max(ext_w, ext_h) <= TINY
    if degenerate:
        w.emit(f"shape = Dot(radius=0.12, color={color})  # all points (nearly) coincide")
        kind = "dot"
    elif kind == "circle":
        w.emit(f"shape = Circle(radius={num(width / 2)}, {style})")
    elif kind == "ellipse":
        w.emit(f"shape = Ellipse(width={num(width)}, height={num(height)}, {style})")
    elif kind == "dot":
        w.emit(f"shape = Dot(radius=0.12, color={color})")
    elif kind in ("line", "arrow"):
        cls = "Line" if kind == "line" else "Arrow"
        extra = "" if kind == "line" else ", buff=0"
        w.emit(
            f"shape = {cls}([{num(pts[0][0])}, {num(pts[0][1])}, 0], "
            f"[{num(pts[1][0])}, {num(pts[1][1])}, 0], color={color}{extra})"
        )
    else:
        w.emit(f"shape = Polygon(*[np.array([x, y, 0.0]) for x, y in [{point_list}]], {style})")
    if kind != "dot":
        w.emit(f"shape.scale({num(scale)})  # shape units -> scene units")
    w.emit("parts = [shape]")
    polygonal = kind not in ("circle", "ellipse", "dot", "line", "arrow")
    if polygonal and (el.vertex_labels or el.side_labels or el.right_angle_at is not None):
        _polygon_marks(w, el, pts)
    if el.label:
        # Below everything drawn so far, so that it never covers a side label.
        label = w.label(el.label, 32, w.color(el.color))
        where = "UP" if kind in ("line", "arrow") else "DOWN"
        w.emit(f"parts.append({label}.next_to(VGroup(*parts), {where}, buff=0.2))")
    w.emit(f"{var} = VGroup(*parts)")


def _corners(width: float, height: float) -> list[tuple[float, float]]:
    x, y = width / 2, height / 2
    return [(x, y), (-x, y), (-x, -y), (x, -y)]


def _polygon_marks(w: CodeWriter, el: ShapeElement, pts: list[tuple[float, float]]) -> None:
    n = len(pts)
    cx, cy = sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n
    w.emit("pts = shape.get_vertices()")
    for i, text in enumerate(el.vertex_labels[:n]):
        d = unit(pts[i][0] - cx, pts[i][1] - cy)
        label = w.formula(text, 30, w.color(None))
        w.emit(f"parts.append({label}.next_to(pts[{i}], [{d}, 0], buff=0.15))")
    for i, text in enumerate(el.side_labels[:n]):
        (ax, ay), (bx, by) = pts[i], pts[(i + 1) % n]
        nx, ny = by - ay, -(bx - ax)  # a normal of the side; point it away from the centre
        if nx * ((ax + bx) / 2 - cx) + ny * ((ay + by) / 2 - cy) < 0:
            nx, ny = -nx, -ny
        label = w.formula(text, 30, w.color(None))
        w.emit(
            f"parts.append({label}.next_to((pts[{i}] + pts[{(i + 1) % n}]) / 2, "
            f"[{unit(nx, ny)}, 0], buff=0.15))"
        )
    k = el.right_angle_at
    if k is not None and k < n:
        p, a, b = pts[k], pts[(k - 1) % n], pts[(k + 1) % n]
        cross = (a[0] - p[0]) * (b[1] - p[1]) - (a[1] - p[1]) * (b[0] - p[0])
        if a != p and b != p and abs(cross) > 1e-9:
            w.emit(f"# right angle at vertex {k}")
            w.emit(
                f"parts.append(RightAngle(Line(pts[{k}], pts[{(k + 1) % n}]), "
                f"Line(pts[{k}], pts[{(k - 1) % n}]), length=0.3, color={w.color(None)}))"
            )


def _vectors(w: CodeWriter, el: VectorsElement, var: str, box: Box) -> None:
    reach = max(
        [el.extent]
        + [
            1.1 * abs(c)
            for v in el.vectors
            for c in (*v.origin, v.origin[0] + v.x, v.origin[1] + v.y)
        ]
    )
    step = nice_step(reach)
    extent = math.ceil(reach / step) * step
    size = 0.85 * min(box.width, box.height)
    w.emit(f"# {el.id}: {len(el.vectors)} vector(s)")
    cls = "NumberPlane" if el.grid else "Axes"
    extra = (
        'background_line_style={"stroke_opacity": 0.4}'
        if el.grid
        else f'tips=False, axis_config={{"color": {w.color(None)}}}'
    )
    w.emit(
        f"plane = {cls}(x_range=[{num(-extent)}, {num(extent)}, {num(step)}], "
        f"y_range=[{num(-extent)}, {num(extent)}, {num(step)}], "
        f"x_length={num(size)}, y_length={num(size)}, {extra})"
    )
    w.emit("parts = [plane]")
    for k, v in enumerate(el.vectors):
        color = w.color(v.color, _PALETTE[(k + 1) % len(_PALETTE)])
        ox, oy = v.origin
        if v.x == 0 and v.y == 0:
            w.emit(f"parts.append(Dot(plane.c2p({num(ox)}, {num(oy)}), color={color}))")
        else:
            w.emit(
                f"arrow = Arrow(plane.c2p({num(ox)}, {num(oy)}), "
                f"plane.c2p({num(ox + v.x)}, {num(oy + v.y)}), buff=0, color={color})"
            )
            w.emit("parts.append(arrow)")
        if v.label:
            label = w.label(v.label, 30, color)
            w.emit(
                f"parts.append({label}.next_to(plane.c2p({num(ox + v.x)}, "
                f"{num(oy + v.y)}), [{unit(v.x, v.y) if (v.x or v.y) else '0, 1'}, 0], "
                "buff=0.1))"
            )
    w.emit(f"{var} = VGroup(*parts)")


def _number_line(w: CodeWriter, el: NumberLineElement, var: str, box: Box) -> None:
    lo, hi, step = el.x_range
    w.emit(f"# {el.id}: number line with {len(el.marks)} mark(s)")
    args = [
        f"x_range=[{', '.join(tick_range(lo, hi, step, 'number line range'))}]",
        f"length={num(box.width * 0.9)}",
        f"color={w.color(None)}",
    ]
    if (hi - lo) / step <= 15:
        args += [
            "include_numbers=True",
            "font_size=24",
            f"decimal_number_config={w.decimals(step)}",
        ]
        if not w.tex:
            args.append("label_constructor=Text")
    w.emit(f"line = NumberLine({', '.join(args)})")
    w.emit("parts = [line]")
    for m in el.marks:
        if lo <= m <= hi:
            w.emit(f"parts.append(Dot(line.n2p({num(m)}), color={w.color('yellow')}))")
        else:
            w.emit(f"# mark {num(m)} is outside the line: not drawn")
    if el.label:
        label = w.label(el.label, 32, w.color(el.color))
        w.emit(f"parts.append({label}.next_to(line, UP, buff=0.4))")
    w.emit(f"{var} = VGroup(*parts)")


def _matrix(w: CodeWriter, el: MatrixElement, var: str, box: Box) -> None:
    color = w.color(el.color)
    w.emit(f"# {el.id}: {len(el.rows)} x {len(el.rows[0])} matrix")
    if w.tex and all(is_safe_latex(c) for row in el.rows for c in row):
        rows = ", ".join(
            "[" + ", ".join(repr(c.strip() or "{}") for c in row) + "]" for row in el.rows
        )
        w.emit(f"matrix = Matrix([{rows}]).set_color({color})")
    else:
        cells = ", ".join(repr(latex_to_text(c) if c.strip() else " ") for r in el.rows for c in r)
        w.emit(f"cells = [{cells}]")
        w.emit(f"entries = VGroup(*[Text(c, font_size=36, color={color}) for c in cells])")
        w.emit(
            f"entries.arrange_in_grid(rows={len(el.rows)}, cols={len(el.rows[0])}, "
            "buff=(0.6, 0.35))"
        )
        w.emit("# Square brackets drawn as lines (no TeX for Manim's Matrix brackets).")
        w.emit("tall = entries.height + 0.3")
        w.emit("bracket = [UP * tall / 2 + RIGHT * 0.15, UP * tall / 2, DOWN * tall / 2,")
        w.emit("           DOWN * tall / 2 + RIGHT * 0.15]")
        w.emit(f"left = VMobject(color={color}).set_points_as_corners(bracket)")
        w.emit("right = left.copy().flip(UP)")
        w.emit("left.next_to(entries, LEFT, buff=0.2)")
        w.emit("right.next_to(entries, RIGHT, buff=0.2)")
        w.emit("matrix = VGroup(left, entries, right)")
    if el.label:
        label = w.formula(f"{el.label} =", 40, color)
        w.emit(f"{var} = VGroup({label}, matrix).arrange(RIGHT, buff=0.3)")
    else:
        w.emit(f"{var} = matrix")


def _code(w: CodeWriter, el: CodeElement, var: str, box: Box) -> None:
    language = _pygments_language(el.language)
    note = "" if language == el.language else f" ({el.language!r} unknown: plain text)"
    w.emit(f"# {el.id}: {language} code{note}")
    w.emit(f"{var} = Code(")
    w.emit(f"    code_string={el.code!r},")
    w.emit(f"    language={language!r},")
    w.emit('    formatter_style="monokai",')
    w.emit('    background="rectangle",')
    w.emit('    paragraph_config={"font_size": 24},')
    w.emit(")")


def _table(w: CodeWriter, el: TableElement, var: str, box: Box) -> None:
    color = w.color(el.color)
    w.emit(f"# {el.id}: table, {len(el.rows)} row(s)")
    # A blank cell (a row still to fill in) would have no height, so its row would
    # collapse onto the next line: it holds hidden letters of full height instead.
    blank = [(i, j) for i, row in enumerate(el.rows) for j, c in enumerate(row) if not c.strip()]
    rows = ", ".join(
        "[" + ", ".join(repr(c if c.strip() else _BLANK_CELL) for c in row) + "]" for row in el.rows
    )
    w.emit(f"{var} = Table(")
    w.emit(f"    [{rows}],")
    if el.header:
        heads = ", ".join(
            f"Text({h!r}, font_size=30, color={color}, weight=BOLD)" for h in el.header
        )
        w.emit(f"    col_labels=[{heads}],")
    w.emit("    include_outer_lines=True,")
    w.emit(f'    element_to_mobject_config={{"font_size": 28, "color": {color}}},')
    w.emit(f'    line_config={{"color": {color}}},')
    w.emit(")")
    if blank:
        first = 2 if el.header else 1  # entries count the header row
        cells = ", ".join(f"({i + first}, {j + 1})" for i, j in blank)
        w.emit(f"for cell in [{cells}]:")
        w.emit(f"    {var}.get_entries(cell).set_opacity(0)")


def _pygments_language(language: str) -> str:
    """The language if Pygments knows it (as Manim's `Code` requires), else `text`."""
    try:
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound
    except ImportError:  # pragma: no cover - Pygments comes with Manim
        return language
    try:
        get_lexer_by_name(language)
    except ClassNotFound:
        return "text"
    return language
