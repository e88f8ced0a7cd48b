"""Compile a SceneSpec into readable Manim Community (0.22) code.

The output is a plain Python module a user can take and edit: one `Scene` subclass,
one commented block per element, then the timeline of animations. Conventions of the
emitted code (tests and the renderer rely on them):

* It imports only `manim`, `numpy` and (when needed) `math`.
* Every element's mobject is stored in `self.elements[element_id]`; the title, if
  any, under `self.elements["#title"]`.
* Boxes come from `layout.plan_layout`; `fit(mob, box)` shrinks the real mobject
  into its box at run time (never enlarging it: text is created at a readable size
  and graphics are built at their box size), then centres it there.
* Timing follows `SceneSpec.schedule()`, snapped to 30 fps frames: `self.wait()`
  fills the gaps so that animation k starts at its scheduled frame, and a final
  wait pads the scene to exactly `round(duration * 30)` frames. An animation
  shorter than half a frame becomes its instant end state (`self.add`...).
* Elements no animation brings in (`write`, `create`, `fade_in`, or being the
  `to` of a transform) are on screen from the first frame, as is the title.
"""

from __future__ import annotations

import ast
import keyword
import math
import textwrap
from collections.abc import Callable, Iterator

from tutor_core.errors import InvalidInput
from tutor_core.spec import (
    Animation,
    AxesElement,
    BulletsElement,
    CodeElement,
    Element,
    EquationElement,
    MatrixElement,
    NumberLineElement,
    Plot,
    SceneSpec,
    ShapeElement,
    TableElement,
    TextElement,
    VectorsElement,
    check_expression,
    color_hex,
)
from tutor_render_manim.layout import FRAME_HEIGHT, FRAME_WIDTH, TITLE_KEY, Box, plan_layout
from tutor_render_manim.tex import (
    TEX_DOCUMENTCLASS,
    TEX_PREAMBLE,
    is_safe_latex,
    latex_to_text,
    tex_available,
)

__all__ = ["FPS", "compile_spec", "element_variable", "frame_plan"]

FPS = 30
"""Frame rate the timeline is snapped to."""

_TEXT_SIZES = {"small": 28, "normal": 36, "large": 48}
# Average advance of one character of Manim's default font, per unit of font size
# (measured: 37 characters at font size 36 are 8.8 units wide); used to wrap text.
_CHAR_WIDTH = 0.0067
_PALETTE = ("#58C4DD", "#FFFF00", "#83C167", "#FC6255", "#9A72AC", "#F0AC5F")
_NUMPY_NAMES = {
    "asin": "np.arcsin", "acos": "np.arccos", "atan": "np.arctan", "abs": "np.abs",
    "pi": "np.pi", "e": "np.e", "tau": "math.tau",
}  # fmt: skip
_ENTERING = frozenset({"write", "create", "fade_in"})
_DIRECTIONS = {"up": "UP", "down": "DOWN", "left": "LEFT", "right": "RIGHT"}


# ------------------------------------------------------------------ numbers


def _num(value: float) -> str:
    """A short literal for a coordinate: 4 decimals, integers without `.0`."""
    r = round(value, 4)
    if r == int(r) and abs(r) < 1e12:
        return str(int(r))
    return repr(r)


def _exact_seconds(frames: int) -> str | None:
    """The shortest decimal `v` with `v / (1 / 30) == frames` exactly, if there is one.

    Manim counts the frames of an animation as `ceil(v / dt)` (the length of
    `np.arange(0, v, dt)`) and those of a static wait as `int(v / dt)`; only a `v`
    whose quotient is exact gives the same, right count both ways (`0.1 / (1 / 30)`
    is `3.0000000000000004`: 4 frames animated, 3 frozen).
    """
    step = 1.0 / FPS
    for digits in range(1, 18):
        candidate = round(frames / FPS, digits)
        if candidate / step == frames:
            return repr(candidate)
    return None


def _frames_to_seconds(frames: int) -> str:
    """A run time giving exactly `frames` animated frames (exact in both ways if possible)."""
    exact = _exact_seconds(frames)
    if exact is not None:
        return exact
    step = 1.0 / FPS
    for digits in range(1, 10):
        candidate = round(frames / FPS - 10.0**-digits, digits)
        if candidate > (frames - 1) * step and math.ceil(candidate / step) == frames:
            return repr(candidate)
    return repr(frames / FPS)  # unreachable for sane frame counts; kept as a safe default


def _wait_seconds(frames: int) -> list[str]:
    """Wait times totalling exactly `frames` frames, frozen or animated.

    About 5 % of frame counts have no exact decimal (see `_exact_seconds`); their
    wait is split in two waits that both have one.
    """
    exact = _exact_seconds(frames)
    if exact is not None:
        return [exact]
    for first in range(frames - 1, 0, -1):
        a, b = _exact_seconds(first), _exact_seconds(frames - first)
        if a is not None and b is not None:
            return [a, b]
    return [_frames_to_seconds(frames)]  # pragma: no cover - never happens at 30 fps


def frame_plan(spec: SceneSpec) -> list[tuple[int, int, Animation]]:
    """Start frame and length in frames of every animation, at 30 fps.

    Frames come from rounding the scheduled start and end times, which keeps their
    order and keeps every end at or before `round(duration * 30)`. An animation
    may get 0 frames (shorter than half a frame): it is then applied instantly.
    """
    out: list[tuple[int, int, Animation]] = []
    cursor = 0
    total = round(spec.duration * FPS)
    for start, anim in spec.schedule():
        first = max(cursor, round(start * FPS))
        last = min(max(first, round((start + anim.run_time) * FPS)), total)
        first = min(first, last)
        out.append((first, last - first, anim))
        cursor = last
    return out


# ------------------------------------------------------------------ naming


def element_variable(el: Element) -> str:
    """Variable name of an element in the emitted code, e.g. `axes_e2`.

    Element variables always contain an underscore; the code's temporaries
    (`axes`, `graph`, `parts`...) never do, so they cannot collide.
    """
    return f"{el.kind}_{el.id}"


def _check_class_name(name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name) or name in {"Scene", "fit"}:
        raise InvalidInput(
            f"{name!r} cannot be the name of the scene class",
            hint="use a Python identifier such as 'LessonScene'",
        )


# --------------------------------------------------------- plot sampling


class _ToNumpy(ast.NodeTransformer):
    """Rewrite a checked expression for numpy (and float constants, see below)."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == "x":
            return node
        target = _NUMPY_NAMES.get(node.id, f"np.{node.id}")
        return ast.parse(target, mode="eval").body

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        # Integer powers such as 9**9**9 would make Python compute huge integers;
        # as floats they overflow at once (to inf or OverflowError).
        if isinstance(node.value, int):
            return ast.Constant(float(node.value))
        return node


class _Floats(ast.NodeTransformer):
    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, int):
            return ast.Constant(float(node.value))
        return node


def _numpy_lambda(expr: str) -> str:
    """`lambda x: ...` with numpy functions, for `axes.plot`."""
    tree = ast.parse(check_expression(expr), mode="eval")
    body = ast.unparse(_ToNumpy().visit(tree))
    return f"lambda x: {body}"


def _evaluator(expr: str) -> Callable[[float], float]:
    """A compile-time evaluator of a checked expression (NaN where undefined)."""
    tree = _Floats().visit(ast.parse(check_expression(expr), mode="eval"))
    code = compile(ast.fix_missing_locations(tree), "<plot>", "eval")
    env: dict[str, object] = {
        name: getattr(math, name)
        for name in ("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
                     "exp", "log", "log10", "log2", "sqrt", "floor", "ceil")
    }  # fmt: skip
    env.update(abs=abs, pi=math.pi, e=math.e, tau=math.tau)

    def f(x: float) -> float:
        try:
            value = eval(code, {"__builtins__": {}}, {**env, "x": x})  # noqa: S307 - checked AST
        except (ArithmeticError, ValueError, TypeError):
            return math.nan
        if not isinstance(value, (int, float)):  # e.g. a complex root of a negative
            return math.nan
        return float(value)

    return f


def _visible_intervals(
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
        for _ in range(30):
            mid = (inside + outside) / 2
            if good(mid):
                inside = mid
            else:
                outside = mid
        return inside

    n = 400
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


# ------------------------------------------------------------- emitter


class _Emitter:
    """Builds the source text of one scene."""

    def __init__(self, spec: SceneSpec, tex: bool, boxes: dict[str, Box]) -> None:
        self.spec = spec
        self.tex = tex
        self.boxes = boxes
        self.lines: list[str] = []
        self.uses_math = False
        background = color_hex(spec.background)
        r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
        # Default ink contrasts with the background (black on light backgrounds).
        self.ink = "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#FFFFFF"

    # -- helpers

    def emit(self, line: str = "") -> None:
        self.lines.append(f"        {line}" if line else "")

    def color(self, value: str | None, default: str | None = None) -> str:
        return repr(color_hex(value) if value else (default or self.ink))

    def formula(self, latex: str, size: int, color: str) -> str:
        """Code for a formula mobject: MathTex with a text fallback, or text only."""
        fallback = latex_to_text(latex)
        if self.tex and is_safe_latex(latex):
            return f"formula({latex!r}, {fallback!r}, font_size={size}, color={color})"
        return f"Text({fallback!r}, font_size={size}, color={color})"

    def decimals(self, step: float) -> str:
        """Code of a DecimalNumber config: as many decimals as the step needs, in ink colour."""
        return f'{{"num_decimal_places": {_decimals(step)}, "color": {self.color(None)}}}'

    def label(self, text: str, size: int, color: str) -> str:
        """Code for a free-form label: a formula if it looks like math, else plain text.

        `time (s)` reads better as text than as italic math without spaces; `x`,
        `v_1` or `\\vec{v}` are math.
        """
        if any(c in text for c in "\\^_{}=") or (len(text) <= 3 and " " not in text):
            return self.formula(text, size, color)
        return f"Text({text!r}, font_size={size}, color={color})"

    @staticmethod
    def box(box: Box) -> str:
        return f"({_num(box.x)}, {_num(box.y)}, {_num(box.width)}, {_num(box.height)})"

    def wrap(self, text: str, font_size: int, width: float) -> list[str]:
        per_line = max(8, int(width / (_CHAR_WIDTH * font_size)))
        out: list[str] = []
        for paragraph in text.splitlines():
            out.extend(textwrap.wrap(paragraph, per_line) or [])
        return out or [text.strip() or "-"]

    # -- elements

    def element(self, el: Element) -> None:
        var = element_variable(el)
        box = self.boxes[el.id]
        if isinstance(el, TextElement):
            self.text(el, var, box)
        elif isinstance(el, BulletsElement):
            self.bullets(el, var, box)
        elif isinstance(el, EquationElement):
            self.equation(el, var, box)
        elif isinstance(el, AxesElement):
            self.axes(el, var, box)
        elif isinstance(el, ShapeElement):
            self.shape(el, var, box)
        elif isinstance(el, VectorsElement):
            self.vectors(el, var, box)
        elif isinstance(el, NumberLineElement):
            self.number_line(el, var, box)
        elif isinstance(el, MatrixElement):
            self.matrix(el, var, box)
        elif isinstance(el, CodeElement):
            self.code(el, var, box)
        else:
            self.table(el, var, box)
        self.emit(f"self.elements[{el.id!r}] = fit({var}, {self.box(box)})")
        self.emit()

    def text(self, el: TextElement, var: str, box: Box) -> None:
        size = _TEXT_SIZES[el.size]
        lines = self.wrap(el.text, size, box.width)
        self.emit(f"# {el.id}: text ({el.size})")
        args = ", ".join(repr(line) for line in lines)
        cls = "Text" if len(lines) == 1 else "Paragraph"
        extra = "" if len(lines) == 1 else ', alignment="left"'
        self.emit(f"{var} = {cls}({args}, font_size={size}, color={self.color(el.color)}{extra})")

    def bullets(self, el: BulletsElement, var: str, box: Box) -> None:
        size = 32
        self.emit(f"# {el.id}: {len(el.items)} bullet points")
        self.emit(f"{var} = VGroup(")
        for item in el.items:
            lines = self.wrap(item, size, box.width - 0.5)
            # Non-breaking spaces: Pango would strip a plain indent.
            shown = [f"• {lines[0]}"] + [f"\u00a0\u00a0\u00a0{line}" for line in lines[1:]]
            args = ", ".join(repr(line) for line in shown)
            self.emit(
                f"    Paragraph({args}, font_size={size}, color={self.color(el.color)}, "
                'alignment="left"),'
            )
        self.emit(").arrange(DOWN, aligned_edge=LEFT, buff=0.3)")

    def equation(self, el: EquationElement, var: str, box: Box) -> None:
        self.emit(f"# {el.id}: equation")
        self.emit(f"{var} = {self.formula(el.latex, 48, self.color(el.color))}")

    def axes(self, el: AxesElement, var: str, box: Box) -> None:
        (x0, x1, xs), (y0, y1, ys) = el.x_range, el.y_range
        self.emit(f"# {el.id}: axes with {len(el.plots)} plot(s) and {len(el.points)} point(s)")
        config = [f'"color": {self.color(None)}', '"font_size": 20']
        if not self.tex:
            # Axis numbers are DecimalNumbers, which use MathTex unless told otherwise.
            config.append('"label_constructor": Text')
        self.emit("axes = Axes(")
        self.emit(f"    x_range=[{_num(x0)}, {_num(x1)}, {_num(xs)}],")
        self.emit(f"    y_range=[{_num(y0)}, {_num(y1)}, {_num(ys)}],")
        self.emit(f"    x_length={_num(box.width * 0.82)},")
        self.emit(f"    y_length={_num(box.height * 0.78)},")
        self.emit("    tips=False,")
        self.emit(f"    axis_config={{{', '.join(config)}}},")
        for axis, (lo, hi, step) in (("x", el.x_range), ("y", el.y_range)):
            # Numbers only where they stay legible (at most 12 ticks).
            if (hi - lo) / step <= 12:
                config_code = (
                    f'"include_numbers": True, "decimal_number_config": {self.decimals(step)}'
                )
                self.emit(f"    {axis}_axis_config={{{config_code}}},")
        self.emit(")")
        self.emit("parts = [axes]")
        if el.x_label or el.y_label:
            xl = self.label(el.x_label or " ", 28, self.color(None))
            yl = self.label(el.y_label or " ", 28, self.color(None))
            self.emit(f"parts.append(axes.get_axis_labels(x_label={xl}, y_label={yl}))")
        for k, plot in enumerate(el.plots):
            self.plot(el, k, plot)
        for px, py in el.points:
            if x0 <= px <= x1 and y0 <= py <= y1:
                dot = f"Dot(axes.c2p({_num(px)}, {_num(py)}), color={self.color('yellow')})"
                self.emit(f"parts.append({dot})")
            else:
                self.emit(f"# point ({_num(px)}, {_num(py)}) is outside the axes: not drawn")
        self.emit(f"{var} = VGroup(*parts)")

    def plot(self, el: AxesElement, k: int, plot: Plot) -> None:
        (ax0, ax1, _), (y0, y1, _) = el.x_range, el.y_range
        lo, hi = plot.x_range or (ax0, ax1)
        lo, hi = max(lo, ax0), min(hi, ax1)
        color = self.color(plot.color, _PALETTE[k % len(_PALETTE)])
        self.emit(f"# plot {k}: y = {plot.expr}")
        f = _evaluator(plot.expr)
        pieces = _visible_intervals(f, lo, hi, y0, y1) if lo < hi else []
        if not pieces:
            self.emit("# (not drawn: the curve is undefined or off the axes on this range)")
            return
        if "math.tau" in _numpy_lambda(plot.expr):
            self.uses_math = True
        if len(pieces) > 1:
            self.emit("# drawn in pieces: the curve leaves the axes or is undefined between them")
        self.emit(f"f = {_numpy_lambda(plot.expr)}")
        for n, (a, b) in enumerate(pieces):
            step = _num(max((b - a) / 200, 1e-4))
            self.emit(
                f"graph = axes.plot(f, x_range=[{_num(a)}, {_num(b)}, {step}], color={color})"
            )
            self.emit("parts.append(graph)")
            if plot.area is not None:
                a2, b2 = max(a, plot.area[0]), min(b, plot.area[1])
                if a2 < b2:
                    self.emit(
                        f"parts.append(axes.get_area(graph, x_range=[{_num(a2)}, {_num(b2)}], "
                        f"color={color}, opacity=0.3))"
                    )
            if plot.tangent_at is not None and a <= plot.tangent_at <= b:
                self.tangent(el, f, plot.tangent_at)
            if plot.label and n == len(pieces) - 1:
                label = self.formula(plot.label, 28, color)
                self.emit(
                    f"parts.append(axes.get_graph_label(graph, {label}, x_val={_num(b)}, "
                    "direction=UR))"
                )

    def tangent(self, el: AxesElement, f: Callable[[float], float], x: float) -> None:
        (x0, x1, _), (y0, y1, _) = el.x_range, el.y_range
        h = (x1 - x0) * 1e-5
        y = f(x)
        slope = (f(x + h) - f(x - h)) / (2 * h)
        if not (math.isfinite(y) and math.isfinite(slope)):
            self.emit(f"# no tangent at x = {_num(x)}: the slope is not finite")
            return
        # Segment x + t, y + slope * t, clipped to the axes and to a quarter of their width.
        t_lo, t_hi = -(x1 - x0) / 4, (x1 - x0) / 4
        t_lo, t_hi = max(t_lo, x0 - x), min(t_hi, x1 - x)
        if slope != 0:
            ta, tb = sorted(((y0 - y) / slope, (y1 - y) / slope))
            t_lo, t_hi = max(t_lo, ta), min(t_hi, tb)
        p = f"axes.c2p({_num(x + t_lo)}, {_num(y + slope * t_lo)})"
        q = f"axes.c2p({_num(x + t_hi)}, {_num(y + slope * t_hi)})"
        self.emit(f"# tangent at x = {_num(x)} (slope {_num(slope)})")
        self.emit(f"parts.append(Line({p}, {q}, color={self.color('orange')}))")
        self.emit(
            f"parts.append(Dot(axes.c2p({_num(x)}, {_num(y)}), color={self.color('orange')}))"
        )

    def shape(self, el: ShapeElement, var: str, box: Box) -> None:
        w, h = el.width, el.height
        color = self.color(el.color, "#58C4DD")
        style = f"color={color}, fill_opacity={_num(el.fill_opacity)}"
        # Points only mean something for these shapes (vertices, or start and end).
        pts = list(el.points) if el.shape in ("triangle", "polygon", "line", "arrow") else []
        if not pts:
            pts = {
                "triangle": [(0.0, 0.0), (w, 0.0), (w / 2, h)],
                "square": [(w / 2, w / 2), (-w / 2, w / 2), (-w / 2, -w / 2), (w / 2, -w / 2)],
                "rectangle": [(w / 2, h / 2), (-w / 2, h / 2), (-w / 2, -h / 2), (w / 2, -h / 2)],
                "polygon": [
                    (
                        w / 2 * math.cos(math.pi / 2 + k * math.tau / 5),
                        h / 2 * math.sin(math.pi / 2 + k * math.tau / 5),
                    )
                    for k in range(5)
                ],
                "line": [(0.0, 0.0), (w, 0.0)],
                "arrow": [(0.0, 0.0), (w, 0.0)],
            }.get(el.shape, [])
        kind = el.shape
        self.emit(f"# {el.id}: {el.shape}")
        if kind in ("circle", "ellipse"):
            ext_w, ext_h = (w, w) if kind == "circle" else (w, h)
        elif kind == "dot":
            ext_w = ext_h = 0.0
        else:
            xs = [p[0] for p in pts] or [0.0]
            ys = [p[1] for p in pts] or [0.0]
            ext_w, ext_h = max(xs) - min(xs), max(ys) - min(ys)
        # Shape units → scene units: fill 3/4 of the box, leaving room for labels.
        scales = [0.75 * box.width / ext_w] if ext_w > 0 else []
        scales += [0.75 * box.height / ext_h] if ext_h > 0 else []
        scale = min(scales) if scales else 1.0
        point_list = ", ".join(f"({_num(x)}, {_num(y)})" for x, y in pts)
        degenerate = len(pts) >= 2 and all(p == pts[0] for p in pts)
        if kind == "circle":
            self.emit(f"shape = Circle(radius={_num(w / 2)}, {style})")
        elif kind == "ellipse":
            self.emit(f"shape = Ellipse(width={_num(w)}, height={_num(h)}, {style})")
        elif kind == "dot":
            self.emit(f"shape = Dot(radius=0.12, color={color})")
        elif kind in ("line", "arrow") and not degenerate:
            cls = "Line" if kind == "line" else "Arrow"
            extra = "" if kind == "line" else ", buff=0"
            self.emit(
                f"shape = {cls}([{_num(pts[0][0])}, {_num(pts[0][1])}, 0], "
                f"[{_num(pts[1][0])}, {_num(pts[1][1])}, 0], color={color}{extra})"
            )
        elif degenerate:
            self.emit(f"shape = Dot(radius=0.12, color={color})  # all points coincide")
            kind = "dot"
        else:
            self.emit(
                f"shape = Polygon(*[np.array([x, y, 0.0]) for x, y in [{point_list}]], {style})"
            )
        if kind != "dot":
            self.emit(f"shape.scale({_num(scale)})  # shape units -> scene units")
        self.emit("parts = [shape]")
        polygonal = kind not in ("circle", "ellipse", "dot", "line", "arrow")
        if polygonal and (el.vertex_labels or el.side_labels or el.right_angle_at is not None):
            self.polygon_marks(el, pts)
        if el.label:
            # Below everything drawn so far, so that it never covers a side label.
            label = self.label(el.label, 32, self.color(el.color))
            where = "UP" if kind in ("line", "arrow") else "DOWN"
            self.emit(f"parts.append({label}.next_to(VGroup(*parts), {where}, buff=0.2))")
        self.emit(f"{var} = VGroup(*parts)")

    def polygon_marks(self, el: ShapeElement, pts: list[tuple[float, float]]) -> None:
        n = len(pts)
        cx, cy = sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n
        self.emit("pts = shape.get_vertices()")
        for i, text in enumerate(el.vertex_labels[:n]):
            d = _unit(pts[i][0] - cx, pts[i][1] - cy)
            label = self.formula(text, 30, self.color(None))
            self.emit(f"parts.append({label}.next_to(pts[{i}], [{d}, 0], buff=0.15))")
        for i, text in enumerate(el.side_labels[:n]):
            (ax, ay), (bx, by) = pts[i], pts[(i + 1) % n]
            nx, ny = by - ay, -(bx - ax)  # a normal of the side; point it away from the centre
            if nx * ((ax + bx) / 2 - cx) + ny * ((ay + by) / 2 - cy) < 0:
                nx, ny = -nx, -ny
            label = self.formula(text, 30, self.color(None))
            self.emit(
                f"parts.append({label}.next_to((pts[{i}] + pts[{(i + 1) % n}]) / 2, "
                f"[{_unit(nx, ny)}, 0], buff=0.15))"
            )
        k = el.right_angle_at
        if k is not None and k < n:
            p, a, b = pts[k], pts[(k - 1) % n], pts[(k + 1) % n]
            cross = (a[0] - p[0]) * (b[1] - p[1]) - (a[1] - p[1]) * (b[0] - p[0])
            if a != p and b != p and abs(cross) > 1e-9:
                self.emit(f"# right angle at vertex {k}")
                self.emit(
                    f"parts.append(RightAngle(Line(pts[{k}], pts[{(k + 1) % n}]), "
                    f"Line(pts[{k}], pts[{(k - 1) % n}]), length=0.3, color={self.color(None)}))"
                )

    def vectors(self, el: VectorsElement, var: str, box: Box) -> None:
        reach = max(
            [el.extent]
            + [
                1.1 * abs(c)
                for v in el.vectors
                for c in (*v.origin, v.origin[0] + v.x, v.origin[1] + v.y)
            ]
        )
        step = _nice_step(reach)
        extent = math.ceil(reach / step) * step
        size = 0.85 * min(box.width, box.height)
        self.emit(f"# {el.id}: {len(el.vectors)} vector(s)")
        cls = "NumberPlane" if el.grid else "Axes"
        extra = (
            'background_line_style={"stroke_opacity": 0.4}'
            if el.grid
            else f'tips=False, axis_config={{"color": {self.color(None)}}}'
        )
        self.emit(
            f"plane = {cls}(x_range=[{_num(-extent)}, {_num(extent)}, {_num(step)}], "
            f"y_range=[{_num(-extent)}, {_num(extent)}, {_num(step)}], "
            f"x_length={_num(size)}, y_length={_num(size)}, {extra})"
        )
        self.emit("parts = [plane]")
        for k, v in enumerate(el.vectors):
            color = self.color(v.color, _PALETTE[(k + 1) % len(_PALETTE)])
            ox, oy = v.origin
            if v.x == 0 and v.y == 0:
                self.emit(f"parts.append(Dot(plane.c2p({_num(ox)}, {_num(oy)}), color={color}))")
            else:
                self.emit(
                    f"arrow = Arrow(plane.c2p({_num(ox)}, {_num(oy)}), "
                    f"plane.c2p({_num(ox + v.x)}, {_num(oy + v.y)}), buff=0, color={color})"
                )
                self.emit("parts.append(arrow)")
            if v.label:
                label = self.label(v.label, 30, color)
                self.emit(
                    f"parts.append({label}.next_to(plane.c2p({_num(ox + v.x)}, "
                    f"{_num(oy + v.y)}), [{_unit(v.x, v.y) if (v.x or v.y) else '0, 1'}, 0], "
                    "buff=0.1))"
                )
        self.emit(f"{var} = VGroup(*parts)")

    def number_line(self, el: NumberLineElement, var: str, box: Box) -> None:
        lo, hi, step = el.x_range
        self.emit(f"# {el.id}: number line with {len(el.marks)} mark(s)")
        args = [
            f"x_range=[{_num(lo)}, {_num(hi)}, {_num(step)}]",
            f"length={_num(box.width * 0.9)}",
            f"color={self.color(None)}",
        ]
        if (hi - lo) / step <= 15:
            args += [
                "include_numbers=True",
                "font_size=24",
                f"decimal_number_config={self.decimals(step)}",
            ]
            if not self.tex:
                args.append("label_constructor=Text")
        self.emit(f"line = NumberLine({', '.join(args)})")
        self.emit("parts = [line]")
        for m in el.marks:
            if lo <= m <= hi:
                self.emit(f"parts.append(Dot(line.n2p({_num(m)}), color={self.color('yellow')}))")
            else:
                self.emit(f"# mark {_num(m)} is outside the line: not drawn")
        if el.label:
            label = self.label(el.label, 32, self.color(el.color))
            self.emit(f"parts.append({label}.next_to(line, UP, buff=0.4))")
        self.emit(f"{var} = VGroup(*parts)")

    def matrix(self, el: MatrixElement, var: str, box: Box) -> None:
        color = self.color(el.color)
        self.emit(f"# {el.id}: {len(el.rows)} x {len(el.rows[0])} matrix")
        if self.tex and all(is_safe_latex(c) for row in el.rows for c in row):
            rows = ", ".join(
                "[" + ", ".join(repr(c.strip() or "{}") for c in row) + "]" for row in el.rows
            )
            self.emit(f"matrix = Matrix([{rows}]).set_color({color})")
        else:
            cells = ", ".join(
                repr(latex_to_text(c) if c.strip() else " ") for r in el.rows for c in r
            )
            self.emit(f"cells = [{cells}]")
            self.emit(f"entries = VGroup(*[Text(c, font_size=36, color={color}) for c in cells])")
            self.emit(
                f"entries.arrange_in_grid(rows={len(el.rows)}, cols={len(el.rows[0])}, "
                "buff=(0.6, 0.35))"
            )
            self.emit("# Square brackets drawn as lines (no TeX for Manim's Matrix brackets).")
            self.emit("tall = entries.height + 0.3")
            self.emit("bracket = [UP * tall / 2 + RIGHT * 0.15, UP * tall / 2, DOWN * tall / 2,")
            self.emit("           DOWN * tall / 2 + RIGHT * 0.15]")
            self.emit(f"left = VMobject(color={color}).set_points_as_corners(bracket)")
            self.emit("right = left.copy().flip(UP)")
            self.emit("left.next_to(entries, LEFT, buff=0.2)")
            self.emit("right.next_to(entries, RIGHT, buff=0.2)")
            self.emit("matrix = VGroup(left, entries, right)")
        if el.label:
            label = self.formula(f"{el.label} =", 40, color)
            self.emit(f"{var} = VGroup({label}, matrix).arrange(RIGHT, buff=0.3)")
        else:
            self.emit(f"{var} = matrix")

    def code(self, el: CodeElement, var: str, box: Box) -> None:
        language = _pygments_language(el.language)
        note = "" if language == el.language else f" ({el.language!r} unknown: plain text)"
        self.emit(f"# {el.id}: {language} code{note}")
        self.emit(f"{var} = Code(")
        self.emit(f"    code_string={el.code!r},")
        self.emit(f"    language={language!r},")
        self.emit('    formatter_style="monokai",')
        self.emit('    background="rectangle",')
        self.emit('    paragraph_config={"font_size": 24},')
        self.emit(")")

    def table(self, el: TableElement, var: str, box: Box) -> None:
        color = self.color(el.color)
        self.emit(f"# {el.id}: table, {len(el.rows)} row(s)")
        rows = ", ".join("[" + ", ".join(repr(c) for c in row) + "]" for row in el.rows)
        self.emit(f"{var} = Table(")
        self.emit(f"    [{rows}],")
        if el.header:
            heads = ", ".join(
                f"Text({h!r}, font_size=30, color={color}, weight=BOLD)" for h in el.header
            )
            self.emit(f"    col_labels=[{heads}],")
        self.emit("    include_outer_lines=True,")
        self.emit(f'    element_to_mobject_config={{"font_size": 28, "color": {color}}},')
        self.emit(f'    line_config={{"color": {color}}},')
        self.emit(")")

    # -- timeline

    def timeline(self) -> None:
        plan = frame_plan(self.spec)
        total = round(self.spec.duration * FPS)
        first_use: dict[str, str] = {}
        for anim in self.spec.animations:
            for eid, role in ((anim.target, anim.action), (anim.to, "to")):
                if eid is not None and eid not in first_use:
                    first_use[eid] = role
        at_start = [
            element_variable(el)
            for el in self.spec.elements
            if first_use.get(el.id) not in _ENTERING | {"to"}
        ]
        title = ["title"] if self.spec.title else []
        if at_start or title:
            self.emit("# On screen from the start: the title and elements no animation brings in.")
            self.emit(f"self.add({', '.join(title + at_start)})")
            self.emit()
        if not plan:
            self.wait(total, "the whole scene is still")
            return
        self.emit(f"# Timeline at {FPS} fps: each animation starts at its scheduled time.")
        cursor = 0
        for first, length, anim in plan:
            if first > cursor:
                self.wait(first - cursor)
            self.animation(anim, length, first)
            cursor = first + length
        if total > cursor:
            self.wait(total - cursor, f"pad to the scene's {_num(self.spec.duration)} s")

    def wait(self, frames: int, comment: str = "") -> None:
        """Emit `self.wait(...)` lasting exactly this many frames."""
        for n, seconds in enumerate(_wait_seconds(frames)):
            note = f"  # {comment}" if comment and n == 0 else ""
            self.emit(f"self.wait({seconds}){note}")

    def animation(self, anim: Animation, frames: int, first: int) -> None:
        when = f"  # {_num(first / FPS)} s"
        if anim.action == "wait":
            if frames:
                self.wait(frames, f"{_num(first / FPS)} s")
            return
        assert anim.target is not None  # the spec checks that only `wait` has none
        v = element_variable(self.spec.element(anim.target))
        to = element_variable(self.spec.element(anim.to)) if anim.to else ""
        shift = f"{_DIRECTIONS.get(anim.direction or '', 'UP')} * {_num(anim.distance)}"
        if frames == 0:
            instant = {
                "write": f"self.add({v})",
                "create": f"self.add({v})",
                "fade_in": f"self.add({v})",
                "fade_out": f"self.remove({v})",
                "transform": f"self.remove({v})\nself.add({to})",
                "move": f"{v}.shift(shift_inside({v}, {shift}))",
                "indicate": f"pass  # indicate {v}: too short to show",
            }[anim.action]
            self.emit(f"# {anim.action} lasts under half a frame: applied at once{when}")
            for line in instant.split("\n"):
                self.emit(line)
            return
        made = {
            "write": f"Write({v})",
            "create": f"Create({v})",
            "fade_in": f"FadeIn({v})",
            "fade_out": f"FadeOut({v})",
            "transform": f"ReplacementTransform({v}, {to})",
            "indicate": f"Indicate({v})",
            "move": f"{v}.animate.shift(shift_inside({v}, {shift}))",
        }[anim.action]
        self.emit(f"self.play({made}, run_time={_frames_to_seconds(frames)}){when}")


def _decimals(step: float) -> int:
    """Decimal places needed to print multiples of step (at most 3)."""
    for places in range(4):
        if abs(round(step, places) - step) < 1e-9:
            return places
    return 3


def _nice_step(extent: float) -> float:
    """A 1-2-5 grid step giving at most about 6 grid lines per half axis."""
    raw = extent / 6
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _unit(x: float, y: float) -> str:
    """A unit vector literal `x, y` (up when the vector is zero)."""
    n = math.hypot(x, y)
    if n == 0:
        return "0, 1"
    return f"{_num(x / n)}, {_num(y / n)}"


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


_HELPERS_TEX = '''
TEX_TEMPLATE = TexTemplate(
    documentclass={documentclass!r},
    preamble={preamble!r},
)
# Manim's stock template needs standalone.cls; matrices and axis numbers use the
# global template, so set it for the whole scene.
config.tex_template = TEX_TEMPLATE


def formula(latex, fallback, **style):
    """MathTex, or the text fallback if this LaTeX does not compile (a formula always shows)."""
    try:
        return MathTex(latex, **style)
    except Exception:  # LaTeX errors surface as various exceptions
        return Text(fallback, **style)
'''

_HELPERS = '''

def fit(mob, box):
    """Shrink mob to fit box = (centre x, centre y, width, height), then centre it there.

    Never enlarges: text is made at a readable size, graphics at their box size.
    """
    x, y, width, height = box
    factor = 1.0
    if mob.width > width:
        factor = min(factor, width / mob.width)
    if mob.height > height:
        factor = min(factor, height / mob.height)
    if factor < 1.0:
        mob.scale(factor)
    mob.move_to([x, y, 0])
    return mob


def shift_inside(mob, shift):
    """The shift, shortened so that mob stays inside the frame."""
    # Keep a small margin so that nothing touches the frame edge.
    half_w, half_h = config.frame_width / 2 - 0.1, config.frame_height / 2 - 0.1
    dx = min(max(shift[0], -half_w - mob.get_left()[0]), half_w - mob.get_right()[0])
    dy = min(max(shift[1], -half_h - mob.get_bottom()[1]), half_h - mob.get_top()[1])
    return np.array([dx, dy, 0.0])
'''


def _iter_header(spec: SceneSpec, tex: bool, uses_math: bool) -> Iterator[str]:
    yield '"""Manim scene compiled from a SceneSpec by tutor. Edit freely."""'
    yield ""
    if uses_math:
        yield "import math"
        yield ""
    yield "import numpy as np"
    yield "from manim import *"
    if tex:
        yield _HELPERS_TEX.format(documentclass=TEX_DOCUMENTCLASS, preamble=TEX_PREAMBLE)
    yield _HELPERS


def compile_spec(
    spec: SceneSpec,
    *,
    class_name: str = "LessonScene",
    tex: bool | None = None,
    frame_width: float = FRAME_WIDTH,
    frame_height: float = FRAME_HEIGHT,
) -> str:
    """Compile a scene spec into the source of a Manim module with one Scene class.

    Args:
        spec: the validated scene.
        class_name: name of the Scene subclass to define.
        tex: use LaTeX (MathTex) for formulas; None detects it (`tex_available()`).
            Without TeX, formulas are Unicode `Text`.
        frame_width: frame width the layout is planned for, in Manim units.
        frame_height: frame height the layout is planned for, in Manim units.

    Returns:
        Python source; the same spec and options always give the same text.

    Raises:
        InvalidInput: if class_name is not a usable identifier.
    """
    _check_class_name(class_name)
    use_tex = tex_available() if tex is None else tex
    boxes = plan_layout(spec, frame_width, frame_height)
    em = _Emitter(spec, use_tex, boxes)
    em.emit(f"self.camera.background_color = {em.color(spec.background)}")
    em.emit("self.elements = {}")
    em.emit()
    if spec.title:
        em.emit("# Title, in the band at the top")
        colour = em.color(spec.title_color)
        em.emit(f"title = Text({spec.title!r}, font_size=44, color={colour}, weight=BOLD)")
        em.emit(f"self.elements[{TITLE_KEY!r}] = fit(title, {em.box(boxes[TITLE_KEY])})")
        em.emit()
    for el in spec.elements:
        em.element(el)
    em.timeline()
    body = "\n".join(em.lines)
    header = "\n".join(_iter_header(spec, use_tex, em.uses_math))
    doc = (
        f"{spec.duration:g} s, {len(spec.elements)} element(s), {len(spec.animations)} animation(s)"
    )
    cls = (
        f"\n\nclass {class_name}(Scene):\n"
        f'    """{_doc_text(spec.title)}({doc})."""\n\n'
        "    def construct(self):\n"
    )
    return header.rstrip("\n") + "\n" + cls + body.rstrip() + "\n"


def _doc_text(title: str | None) -> str:
    if not title:
        return ""
    safe = title.replace("\\", "/").replace('"""', "'''").replace("\n", " ")
    return f"{safe.rstrip(chr(34))} "
