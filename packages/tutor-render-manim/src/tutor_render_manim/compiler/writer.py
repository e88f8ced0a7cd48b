"""`CodeWriter`: the lines of one scene's `construct` method, and how values are spelled."""

from __future__ import annotations

import textwrap

from tutor_core.expressions import Budget
from tutor_core.spec import SceneSpec, color_hex
from tutor_render_manim.compiler.literals import decimals, num
from tutor_render_manim.layout import Box
from tutor_render_manim.tex import is_safe_latex, latex_to_text

# Average advance of one character of Manim's default font, per unit of font size
# (measured: 37 characters at font size 36 are 8.8 units wide); used to wrap text.
CHAR_WIDTH = 0.0067


class CodeWriter:
    """Collects the body of `construct`, with helpers for colours, formulas and boxes.

    Args:
        spec: the scene being compiled.
        tex: whether formulas may use LaTeX (MathTex).
        boxes: the layout: a box per element id (and the title).
        budget: what evaluating plot expressions may cost in this compile.
    """

    def __init__(self, spec: SceneSpec, tex: bool, boxes: dict[str, Box], budget: Budget) -> None:
        self.spec = spec
        self.tex = tex
        self.boxes = boxes
        self.budget = budget
        self.lines: list[str] = []
        self.uses_math = False
        background = color_hex(spec.background)
        r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
        # Default ink contrasts with the background (black on light backgrounds).
        self.ink = "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#FFFFFF"

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
        return f'{{"num_decimal_places": {decimals(step)}, "color": {self.color(None)}}}'

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
        return f"({num(box.x)}, {num(box.y)}, {num(box.width)}, {num(box.height)})"

    def wrap(self, text: str, font_size: int, width: float) -> list[str]:
        per_line = max(8, int(width / (CHAR_WIDTH * font_size)))
        out: list[str] = []
        for paragraph in text.splitlines():
            out.extend(textwrap.wrap(paragraph, per_line) or [])
        return out or [text.strip() or "-"]
