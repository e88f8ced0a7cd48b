"""Layout engine: place the elements of a SceneSpec in disjoint boxes of the frame.

Pure Python (no Manim import) so that it can be tested exhaustively. Boxes are in
Manim units with the origin at the frame centre. The compiled scene code then scales
each real mobject down into its box at run time (`fit`), because only Manim knows
the real size of a text or a formula.

Regions, from top to bottom:

* a title band when the spec has a title;
* the body, split into rows (graphics get twice the height of text). Each
  element whose region is `body` gets a full-width row; elements in `left` or
  `right` (explicit, or chosen for `auto` elements when two or more elements are
  not in `body`) share one row made of two columns, each column stacked into as
  many cells as it holds elements. The column row sits where its first element
  appears in the spec, so reading order follows the spec order.

In a portrait frame (narrower than tall) columns would be too thin, so every
element gets its own full-width row.

Transform targets (`to` of a transform) share the box of their source: the
source morphs into the target in place.

Boxes are disjoint with a gap between them and inside the frame with a margin,
by construction, for any positive frame size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tutor_core.errors import InvalidInput
from tutor_core.spec import SceneSpec

__all__ = [
    "FRAME_HEIGHT",
    "FRAME_WIDTH",
    "TITLE_BANDS",
    "TITLE_FONT_SIZES",
    "TITLE_KEY",
    "Box",
    "layout_groups",
    "plan_layout",
]

FRAME_WIDTH = 14.222
"""Manim's default frame width (16:9) in scene units."""
FRAME_HEIGHT = 8.0
"""Manim's default frame height in scene units."""
TITLE_KEY = "#title"
"""Key of the title band in `plan_layout`'s result (`#` cannot occur in an element id)."""

# Fractions of the smaller frame side: margins and gaps scale with the frame so that
# boxes keep a positive size for any aspect ratio (8 rows use < 40 % of the height).
_MARGIN = 0.04
_GAP = 0.035
TITLE_BANDS = {"small": 0.10, "normal": 0.12, "large": 0.155}
"""Height of the title band, of the frame height, by the spec's `title_size`."""
TITLE_FONT_SIZES = {"small": 34, "normal": 44, "large": 58}
"""Font size of the title by `title_size` (the band grows with it, so it is not shrunk)."""
# Relative heights: graphics need more room than a line of text.
_WEIGHTS = {"axes": 2.0, "vectors": 2.0, "shape": 2.0, "table": 2.0, "code": 2.0, "matrix": 1.5}


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle: centre (x, y) and size, in Manim units."""

    x: float
    y: float
    width: float
    height: float

    @property
    def left(self) -> float:
        """The x of the left edge."""
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        """The x of the right edge."""
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        """The y of the bottom edge."""
        return self.y - self.height / 2

    @property
    def top(self) -> float:
        """The y of the top edge."""
        return self.y + self.height / 2

    def overlaps(self, other: Box) -> bool:
        """Whether the interiors of the two boxes intersect (touching edges do not)."""
        return (
            self.left < other.right
            and other.left < self.right
            and self.bottom < other.top
            and other.bottom < self.top
        )

    def inside(self, width: float, height: float) -> bool:
        """Whether the box lies within a frame of this size centred on the origin."""
        return (
            self.left >= -width / 2
            and self.right <= width / 2
            and self.bottom >= -height / 2
            and self.top <= height / 2
        )


def layout_groups(spec: SceneSpec) -> dict[str, str]:
    """Map each element id to the id of the element whose box it uses.

    An element uses its own box unless it is the `to` of a transform, in which case
    it uses its source's box (following chains: a → b → c all share a's box). Only
    the first transform into an element counts, so the mapping is well defined.
    """
    owner = {el.id: el.id for el in spec.elements}
    claimed: set[str] = set()
    for anim in spec.animations:
        if anim.action != "transform" or anim.target is None or anim.to is None:
            continue
        root = owner[anim.target]
        # A target that already owns other elements' boxes, or that was already
        # claimed, keeps its box: re-homing it would move the elements sharing it.
        if (
            anim.to in claimed
            or root == anim.to
            or any(v == anim.to and k != anim.to for k, v in owner.items())
        ):
            continue
        owner[anim.to] = root
        claimed.add(anim.to)
    return owner


def _split(lo: float, hi: float, weights: list[float], gap: float) -> list[tuple[float, float]]:
    """Split [lo, hi] into consecutive intervals proportional to weights, gap apart."""
    free = (hi - lo) - gap * (len(weights) - 1)
    total = sum(weights)
    out: list[tuple[float, float]] = []
    pos = lo
    for w in weights:
        size = free * w / total
        out.append((pos, pos + size))
        pos += size + gap
    return out


def _box(x0: float, x1: float, y0: float, y1: float) -> Box:
    return Box(x=(x0 + x1) / 2, y=(y0 + y1) / 2, width=x1 - x0, height=y1 - y0)


def plan_layout(
    spec: SceneSpec, frame_width: float = FRAME_WIDTH, frame_height: float = FRAME_HEIGHT
) -> dict[str, Box]:
    """Place every element (and the title) of a spec in its own box.

    Args:
        spec: the scene to lay out.
        frame_width: frame width in Manim units.
        frame_height: frame height in Manim units.

    Returns:
        A box per element id (transform targets share their source's box), plus
        `TITLE_KEY` when the spec has a title. Distinct boxes are disjoint and every
        box lies inside the frame with a margin.

    Raises:
        InvalidInput: if the frame size is not positive and finite.
    """
    if not (
        math.isfinite(frame_width)
        and math.isfinite(frame_height)
        and frame_width > 0
        and frame_height > 0
    ):
        raise InvalidInput(
            f"cannot lay out a frame of {frame_width} x {frame_height}",
            hint="pass a positive, finite frame width and height (Manim default 14.222 x 8)",
        )
    unit = min(frame_width, frame_height)
    margin, gap = _MARGIN * unit, _GAP * unit
    x_lo, x_hi = -frame_width / 2 + margin, frame_width / 2 - margin
    y_lo, y_hi = -frame_height / 2 + margin, frame_height / 2 - margin

    boxes: dict[str, Box] = {}
    if spec.title:
        band = TITLE_BANDS[spec.title_size] * frame_height
        boxes[TITLE_KEY] = _box(x_lo, x_hi, y_hi - band, y_hi)
        y_hi -= band + gap

    owner = layout_groups(spec)
    slots = [el for el in spec.elements if owner[el.id] == el.id]
    portrait = frame_width < frame_height

    # Assign each slot to "body" (own full-width row) or a column.
    side: dict[str, str] = {}
    explicit_columns = any(el.region in ("left", "right") for el in slots)
    # Columns only pay off with two or more elements outside full-width rows.
    columned = explicit_columns or sum(el.region != "body" for el in slots) >= 2
    counts = {"left": 0, "right": 0}
    for el in slots:
        if portrait:
            where = "body"
        elif el.region in ("body", "left", "right"):
            where = el.region
        elif not columned:
            where = "body"
        else:
            where = "left" if counts["left"] <= counts["right"] else "right"
        if where in counts:
            counts[where] += 1
        side[el.id] = where

    # Rows in spec order; the column row is one row placed at its first element.
    rows: list[str] = []  # an element id, or "" for the column row
    for el in slots:
        if side[el.id] == "body":
            rows.append(el.id)
        elif "" not in rows:
            rows.append("")
    weight = {el.id: _WEIGHTS.get(el.kind, 1.0) for el in slots}
    column_weight = max(
        sum(weight[el.id] for el in slots if side[el.id] == name) for name in ("left", "right")
    )
    weights = [column_weight if r == "" else weight[r] for r in rows]
    # Rows go top to bottom: split from the top.
    spans = _split(-y_hi, -y_lo, weights, gap) if rows else []
    for row, (a, b) in zip(rows, spans, strict=True):
        top, bottom = -a, -b
        if row:
            boxes[row] = _box(x_lo, x_hi, bottom, top)
            continue
        (lx0, lx1), (rx0, rx1) = _split(x_lo, x_hi, [1.0, 1.0], gap)
        for name, (cx0, cx1) in (("left", (lx0, lx1)), ("right", (rx0, rx1))):
            members = [el.id for el in slots if side[el.id] == name]
            if not members:
                continue
            cells = _split(-top, -bottom, [weight[m] for m in members], gap)
            for eid, (c0, c1) in zip(members, cells, strict=True):
                boxes[eid] = _box(cx0, cx1, -c1, -c0)

    for el in spec.elements:
        if owner[el.id] != el.id:
            boxes[el.id] = boxes[owner[el.id]]
    return boxes
