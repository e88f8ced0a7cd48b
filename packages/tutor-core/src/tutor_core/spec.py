"""SceneSpec: a declarative, renderer-agnostic description of one scene.

A spec lists *elements* (what is on screen) and *animations* (what happens to them,
in order). Renderers place elements with their own layout engine, so a spec never
holds coordinates of the frame; shapes and plots hold coordinates in their own
local space (e.g. axes units).

Timing: `duration` is the scene length in seconds (the narration length). Each
animation may name a `cue` (index of a narration sentence); `cues` holds the start
second of each sentence, filled by the pipeline from the narrator's timings. A
renderer starts a cued animation at its cue time (or as soon as the previous one
ends), and pads the end with a wait so the scene lasts exactly `duration`.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic.alias_generators import to_camel

from tutor_core.expressions import ALLOWED_CONSTANTS as ALLOWED_CONSTANTS
from tutor_core.expressions import ALLOWED_FUNCTIONS as ALLOWED_FUNCTIONS
from tutor_core.expressions import check_expression as check_expression
from tutor_core.expressions import evaluate_expression as evaluate_expression

# ------------------------------------------------------------------ colours

NAMED_COLORS: dict[str, str] = {
    "white": "#FFFFFF",
    "black": "#000000",
    "gray": "#888888",
    "grey": "#888888",
    "light_gray": "#BBBBBB",
    "dark_gray": "#444444",
    "blue": "#58C4DD",
    "dark_blue": "#1C3A7A",
    "teal": "#5CD0B3",
    "green": "#83C167",
    "dark_green": "#3B8F3B",
    "yellow": "#FFFF00",
    "gold": "#F0AC5F",
    "orange": "#FF862F",
    "red": "#FC6255",
    "maroon": "#C55F73",
    "purple": "#9A72AC",
    "violet": "#9A72AC",
    "pink": "#D147BD",
    "brown": "#8B4513",
    "cyan": "#00FFFF",
    "magenta": "#FF00FF",
}
"""Colour names a spec accepts (Manim's palette), with their hex values."""

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{6})$")


def normalize_color(value: str) -> str:
    """Return a lower-case colour name or `#rrggbb`; raise ValueError for anything else."""
    v = value.strip().lower().replace(" ", "_").replace("-", "_")
    if v in NAMED_COLORS:
        return v
    if _HEX.match(v):
        return v
    raise ValueError(
        f"unknown colour {value!r}: use a name ({', '.join(sorted(NAMED_COLORS))}) "
        "or a hex value like #1e90ff"
    )


def color_hex(value: str) -> str:
    """The `#RRGGBB` value of a normalized colour."""
    v = normalize_color(value)
    return NAMED_COLORS.get(v, v).upper()


Color = Annotated[str, AfterValidator(normalize_color)]

# ------------------------------------------------------- math expressions
# Checked and evaluated in one place (`tutor_core.expressions`), re-exported here
# because specs are where expressions live.

Expression = Annotated[str, AfterValidator(check_expression)]

# ------------------------------------------------------------- elements


class SpecModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", validate_assignment=True
    )


ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Region = Literal["auto", "body", "left", "right"]
TextSize = Literal["small", "normal", "large"]
"""How large text is drawn; renderers map each size to a font size."""


class ElementBase(SpecModel):
    id: str = Field(default="", pattern=r"^$|^[A-Za-z_][A-Za-z0-9_]{0,39}$")
    """Name used by animations; filled as `e0`, `e1`... when empty."""
    region: Region = "auto"
    color: Color | None = None


class TextElement(ElementBase):
    kind: Literal["text"] = "text"
    text: Annotated[str, Field(min_length=1, max_length=400)]
    size: TextSize = "normal"


class BulletsElement(ElementBase):
    kind: Literal["bullets"] = "bullets"
    items: list[ShortText] = Field(min_length=1, max_length=8)
    size: TextSize = "normal"


class EquationElement(ElementBase):
    kind: Literal["equation"] = "equation"
    latex: Annotated[str, Field(min_length=1, max_length=300)]
    """LaTeX math (without surrounding `$`)."""
    size: TextSize = "normal"


class Plot(SpecModel):
    expr: Expression
    """A function of x in Python syntax, e.g. `x**2`, `sin(x)`."""
    color: Color | None = None
    label: str | None = Field(default=None, max_length=60)
    """LaTeX label shown next to the graph."""
    x_range: tuple[float, float] | None = None
    area: tuple[float, float] | None = None
    """Shade the area under the curve between these x values."""
    tangent_at: float | None = None
    """Draw the tangent line at this x."""

    @model_validator(mode="after")
    def _ranges(self) -> Plot:
        for name in ("x_range", "area"):
            r = getattr(self, name)
            if r is not None and not (math.isfinite(r[0]) and math.isfinite(r[1]) and r[0] < r[1]):
                raise ValueError(f"{name} must be two finite numbers, the first smaller")
        return self


Range = tuple[float, float, float]


def _check_range(r: Range, name: str) -> None:
    lo, hi, step = r
    if not all(math.isfinite(v) for v in r) or lo >= hi:
        raise ValueError(f"{name} must be (min, max, step) with min < max")
    if step <= 0 or (hi - lo) / step > 100:
        raise ValueError(f"{name} step must be positive and give at most 100 ticks")


class AxesElement(ElementBase):
    kind: Literal["axes"] = "axes"
    x_range: Range = (-5.0, 5.0, 1.0)
    y_range: Range = (-3.0, 3.0, 1.0)
    x_label: str | None = Field(default="x", max_length=30)
    y_label: str | None = Field(default="y", max_length=30)
    plots: list[Plot] = Field(default_factory=list, max_length=6)
    points: list[tuple[float, float]] = Field(default_factory=list, max_length=20)
    """Dots marked on the axes (in axes units)."""

    @model_validator(mode="after")
    def _ranges(self) -> AxesElement:
        _check_range(self.x_range, "x_range")
        _check_range(self.y_range, "y_range")
        return self


ShapeKind = Literal[
    "circle", "square", "rectangle", "triangle", "polygon", "line", "arrow", "dot", "ellipse"
]


class ShapeElement(ElementBase):
    kind: Literal["shape"] = "shape"
    shape: ShapeKind
    points: list[tuple[float, float]] = Field(default_factory=list, max_length=12)
    """Vertices (polygon, triangle) or start/end (line, arrow), in shape units."""
    width: float = Field(default=2.0, gt=0, le=100)
    height: float = Field(default=2.0, gt=0, le=100)
    fill_opacity: float = Field(default=0.0, ge=0, le=1)
    label: str | None = Field(default=None, max_length=60)
    vertex_labels: list[str] = Field(default_factory=list, max_length=12)
    """Labels of polygon/triangle vertices (LaTeX), in vertex order."""
    side_labels: list[str] = Field(default_factory=list, max_length=12)
    """Labels of polygon/triangle sides (LaTeX); side i joins vertex i and i+1."""
    right_angle_at: int | None = Field(default=None, ge=0)
    """Mark a right angle at this vertex index."""

    @model_validator(mode="after")
    def _points(self) -> ShapeElement:
        need = {"triangle": 3, "line": 2, "arrow": 2}
        n = need.get(self.shape)
        if self.shape == "polygon" and self.points and len(self.points) < 3:
            raise ValueError("a polygon needs at least 3 points")
        if n is not None and self.points and len(self.points) != n:
            raise ValueError(f"a {self.shape} takes exactly {n} points, got {len(self.points)}")
        if any(not (math.isfinite(x) and math.isfinite(y)) for x, y in self.points):
            raise ValueError("shape points must be finite numbers")
        if self.right_angle_at is not None and self.right_angle_at >= max(len(self.points), 3):
            raise ValueError("right_angle_at must be a vertex index")
        return self


class Vector(SpecModel):
    x: float = Field(ge=-50, le=50)
    y: float = Field(ge=-50, le=50)
    color: Color | None = None
    label: str | None = Field(default=None, max_length=30)
    origin: tuple[float, float] = (0.0, 0.0)


class VectorsElement(ElementBase):
    kind: Literal["vectors"] = "vectors"
    vectors: list[Vector] = Field(min_length=1, max_length=8)
    grid: bool = True
    """Draw a coordinate plane behind the vectors."""
    extent: float = Field(default=5.0, gt=0, le=50)
    """Half-width of the plane, in vector units."""


class NumberLineElement(ElementBase):
    kind: Literal["number_line"] = "number_line"
    x_range: Range = (-5.0, 5.0, 1.0)
    marks: list[float] = Field(default_factory=list, max_length=20)
    label: str | None = Field(default=None, max_length=30)

    @model_validator(mode="after")
    def _range(self) -> NumberLineElement:
        _check_range(self.x_range, "x_range")
        return self


Cell = Annotated[str, Field(max_length=40)]


class MatrixElement(ElementBase):
    kind: Literal["matrix"] = "matrix"
    rows: list[list[Cell]] = Field(min_length=1, max_length=8)
    """Entries as LaTeX strings, row by row."""
    label: str | None = Field(default=None, max_length=30)

    @model_validator(mode="after")
    def _rect(self) -> MatrixElement:
        widths = {len(r) for r in self.rows}
        if len(widths) != 1 or 0 in widths or max(widths) > 8:
            raise ValueError("matrix rows must all have the same length (1 to 8 entries)")
        return self


class CodeElement(ElementBase):
    kind: Literal["code"] = "code"
    code: Annotated[str, Field(min_length=1, max_length=4000)]
    language: str = Field(default="python", pattern=r"^[a-z0-9_+-]{1,20}$")

    @model_validator(mode="after")
    def _lines(self) -> CodeElement:
        if self.code.count("\n") > 24:
            raise ValueError("code blocks are limited to 25 lines so they stay readable")
        return self


class TableElement(ElementBase):
    kind: Literal["table"] = "table"
    header: list[Cell] = Field(default_factory=list, max_length=8)
    rows: list[list[Cell]] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _rect(self) -> TableElement:
        widths = {len(r) for r in self.rows} | ({len(self.header)} if self.header else set())
        if len(widths) != 1 or 0 in widths:
            raise ValueError("table rows (and header) must all have the same number of cells")
        return self


Element = Annotated[
    TextElement
    | BulletsElement
    | EquationElement
    | AxesElement
    | ShapeElement
    | VectorsElement
    | NumberLineElement
    | MatrixElement
    | CodeElement
    | TableElement,
    Field(discriminator="kind"),
]

ELEMENT_KINDS: tuple[str, ...] = (
    "text", "bullets", "equation", "axes", "shape", "vectors",
    "number_line", "matrix", "code", "table",
)  # fmt: skip

# ----------------------------------------------------------- animations

AnimationAction = Literal[
    "write", "create", "fade_in", "fade_out", "transform", "indicate", "move", "wait"
]
ANIMATION_ACTIONS: tuple[str, ...] = (
    "write", "create", "fade_in", "fade_out", "transform", "indicate", "move", "wait",
)  # fmt: skip
Direction = Literal["up", "down", "left", "right"]


class Animation(SpecModel):
    action: AnimationAction
    target: str | None = None
    """Element id (every action but `wait`)."""
    to: str | None = None
    """For `transform`: the element the target becomes."""
    direction: Direction | None = None
    """For `move`: which way to shift."""
    distance: float = Field(default=1.0, gt=0, le=8)
    """For `move`: how far, in layout units (frame height is 8)."""
    run_time: float = Field(default=1.0, gt=0, le=30)
    cue: int | None = Field(default=None, ge=0)
    """Start no earlier than narration sentence `cue` begins."""


class SceneSpec(SpecModel):
    """One scene, declaratively. Validated so that a renderer can trust it."""

    title: str | None = Field(default=None, max_length=80)
    title_color: Color | None = None
    """Colour of the title (the renderer's text colour when unset)."""
    title_size: TextSize = "normal"
    """How large the title is drawn."""
    elements: list[Element] = Field(default_factory=list, max_length=8)
    animations: list[Animation] = Field(default_factory=list, max_length=40)
    duration: float = Field(default=6.0, ge=1.0, le=300.0)
    """Total length in seconds; the renderer pads with a final wait."""
    cues: list[float] = Field(default_factory=list, max_length=100)
    """Start second of each narration sentence."""
    background: Color = "black"

    @model_validator(mode="after")
    def _check(self) -> SceneSpec:
        if not self.elements and not self.title:
            raise ValueError("a scene needs a title or at least one element")
        seen: set[str] = set()
        for i, el in enumerate(self.elements):
            if not el.id:
                object.__setattr__(el, "id", f"e{i}")
            if el.id in seen:
                raise ValueError(f"duplicate element id {el.id!r}")
            seen.add(el.id)
        fading: set[str] = set()
        for n, anim in enumerate(self.animations):
            where = f"animation {n} ({anim.action})"
            if anim.action == "wait":
                continue
            if anim.target is None:
                raise ValueError(f"{where} needs a target element id")
            if anim.target not in seen:
                raise ValueError(
                    f"{where} targets unknown element {anim.target!r}; ids are {sorted(seen)}"
                )
            if anim.action == "transform" and (
                anim.to is None or anim.to not in seen or anim.to == anim.target
            ):
                raise ValueError(f"{where} needs `to`: the id of another element")
            if anim.action == "move" and anim.direction is None:
                raise ValueError(f"{where} needs a direction (up, down, left, right)")
            if anim.action == "fade_out":
                fading.add(anim.target)
        if any(c < 0 or not math.isfinite(c) for c in self.cues) or self.cues != sorted(self.cues):
            raise ValueError("cues must be increasing, non-negative seconds")
        busy = sum(a.run_time for a in self.animations)
        if busy > self.duration + 1e-6:
            raise ValueError(
                f"animations take {busy:.1f} s but the scene lasts {self.duration:.1f} s: "
                "shorten run times or lengthen the scene"
            )
        return self

    def to_json(self) -> str:
        """Compact camelCase JSON that round-trips (element kinds are always written)."""
        return self.model_dump_json(by_alias=True, exclude_none=True)

    def element(self, element_id: str) -> Element:
        """The element with this id (KeyError if none)."""
        for el in self.elements:
            if el.id == element_id:
                return el
        raise KeyError(element_id)

    def schedule(self) -> list[tuple[float, Animation]]:
        """Start time of each animation: after the previous one, and not before its cue.

        Animations that would run past `duration` are moved earlier (compressed towards
        the end), so that the scene's total length is exactly `duration`.
        """
        out: list[tuple[float, Animation]] = []
        t = 0.0
        for anim in self.animations:
            start = t
            if anim.cue is not None and anim.cue < len(self.cues):
                start = max(start, self.cues[anim.cue])
            out.append((start, anim))
            t = start + anim.run_time
        # Pull late animations back so the last one ends by `duration`.
        limit = self.duration
        for i in range(len(out) - 1, -1, -1):
            start, anim = out[i]
            if start + anim.run_time > limit:
                start = max(0.0, limit - anim.run_time)
                out[i] = (start, anim)
            limit = start
        return out
