"""Colours an edit asks for, chosen so that the change is visible.

"Make the triangle blue" on a teal triangle must look different afterwards. The
spec's named colours come from Manim's palette, where blue (#58C4DD) and teal
(#5CD0B3) are hard to tell apart; so each colour name has a few shades, and an edit
takes the first shade that differs clearly (CIE76 colour difference) from what the
part shows now and from the background.

What a part "shows now" includes the renderer's defaults for parts without a
colour: shapes are drawn blue, the n-th plot in the n-th palette colour, text in
white (black on light backgrounds).
"""

from __future__ import annotations

import math
from typing import Any

from tutor_core.spec import color_hex, normalize_color

VISIBLE = 33.0
"""Smallest colour difference (CIE76 ΔE) that reads as a clearly different colour.

Manim's blue and teal are 31 apart: distinguishable side by side, but not a change
anyone would notice in a scene, so they count as the same here."""

SHADES: dict[str, tuple[str, ...]] = {
    "blue": ("blue", "#3B6FE0", "dark_blue"),
    "dark_blue": ("dark_blue", "#1F3F99"),
    "teal": ("teal", "#1F9E89"),
    "green": ("green", "dark_green", "#2ECC40"),
    "dark_green": ("dark_green", "#1E5E1E"),
    "yellow": ("yellow", "gold", "#E6C200"),
    "gold": ("gold", "#C9A227"),
    "orange": ("orange", "#D9620B"),
    "red": ("red", "#D62828", "maroon"),
    "maroon": ("maroon", "#7A1F2B"),
    "purple": ("purple", "#6A0DAD"),
    "violet": ("violet", "#6A0DAD"),
    "pink": ("pink", "#FF8FC8"),
    "brown": ("brown", "#A0522D"),
    "cyan": ("cyan", "#00B7C7"),
    "magenta": ("magenta", "#B5179E"),
    "white": ("white", "light_gray"),
    "light_gray": ("light_gray", "#9E9E9E"),
    "gray": ("gray", "#666666", "light_gray"),
    "grey": ("gray", "#666666", "light_gray"),
    "dark_gray": ("dark_gray", "#2B2B2B"),
    "black": ("black", "dark_gray"),
}
"""Shades of each colour name, the name's own colour first."""

_PALETTE = ("#58C4DD", "#FFFF00", "#83C167", "#FC6255", "#9A72AC", "#F0AC5F")
"""The renderer's colours for parts without one (plots, vectors)."""
_SHAPE_DEFAULT = "#58C4DD"


def _lab(hex_color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB hex colour."""
    rgb = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def lightness(color: str) -> float:
    """CIE L* (0 black to 100 white) of a spec colour."""
    return _lab(color_hex(color))[0]


def difference(a: str, b: str) -> float:
    """CIE76 colour difference (ΔE) between two spec colours (names or hex)."""
    la, lb = _lab(color_hex(a)), _lab(color_hex(b))
    return math.dist(la, lb)


def ink(background: str) -> str:
    """The renderer's default text colour on this background."""
    r, g, b = (int(color_hex(background)[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#FFFFFF"


def shown_color(data: dict[str, Any], kind: str, index: int = -1, sub: int = -1) -> str:
    """The colour a part of a spec (dict form) is drawn in now, defaults included."""
    background = data.get("background") or "black"
    if kind == "title":
        return str(data.get("title_color") or ink(background))
    el = data["elements"][index]
    if kind == "plot":
        return str(el["plots"][sub].get("color") or _PALETTE[sub % len(_PALETTE)])
    if kind == "vector":
        return str(el["vectors"][sub].get("color") or _PALETTE[(sub + 1) % len(_PALETTE)])
    if el.get("color"):
        return str(el["color"])
    return _SHAPE_DEFAULT if el["kind"] == "shape" else ink(background)


class Invisible(ValueError):
    """No shade of the colour would be visible (the message says why)."""


def visible_shade(name: str, current: str | None, background: str) -> str:
    """The first shade of colour `name` that differs visibly from `current` and the background.

    Args:
        name: a normalized spec colour (a name or `#rrggbb`).
        current: what the part shows now (None: nothing to differ from).
        background: the scene's background colour.

    Raises:
        Invisible: every shade looks like the current colour or the background.
    """
    name = normalize_color(name)
    shades = SHADES.get(name, (name,))
    readable = name.replace("_", " ")
    if current is not None and difference(name, current) < 5:
        raise Invisible(f"it is already {readable}")
    for shade in shades:
        on_background = difference(shade, background) >= VISIBLE
        changed = current is None or difference(shade, current) >= VISIBLE
        if on_background and changed:
            return shade
    if all(difference(s, background) < VISIBLE for s in shades):
        raise Invisible(f"{readable} would not show on the {_name(background)} background")
    raise Invisible(f"it is already {readable}")


def _name(color: str) -> str:
    v = normalize_color(color)
    return v.replace("_", " ") if not v.startswith("#") else v
