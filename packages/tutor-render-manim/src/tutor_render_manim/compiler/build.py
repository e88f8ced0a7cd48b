"""`compile_spec`: a SceneSpec in, the source of a readable Manim module out."""

from __future__ import annotations

import keyword

from tutor_core.errors import InvalidInput
from tutor_core.expressions import Budget, BudgetExceeded
from tutor_core.spec import SceneSpec
from tutor_render_manim.compiler.elements import emit_element
from tutor_render_manim.compiler.literals import CompileError
from tutor_render_manim.compiler.template import module
from tutor_render_manim.compiler.timeline import emit_timeline
from tutor_render_manim.compiler.writer import CodeWriter
from tutor_render_manim.layout import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    TITLE_FONT_SIZES,
    TITLE_KEY,
    plan_layout,
)
from tutor_render_manim.tex import tex_available

COMPILE_EVALUATIONS = 200_000
"""How many times one compile may evaluate plot expressions (sampling, edges, tangents)."""
COMPILE_SECONDS = 10.0
"""How long one compile may spend evaluating plot expressions."""


def _check_class_name(name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name) or name in {"Scene", "fit"}:
        raise InvalidInput(
            f"{name!r} cannot be the name of the scene class",
            hint="use a Python identifier such as 'LessonScene'",
        )


def compile_spec(
    spec: SceneSpec,
    *,
    class_name: str = "LessonScene",
    tex: bool | None = None,
    frame_width: float = FRAME_WIDTH,
    frame_height: float = FRAME_HEIGHT,
    budget: Budget | None = None,
) -> str:
    """Compile a scene spec into the source of a Manim module with one Scene class.

    Args:
        spec: the validated scene.
        class_name: name of the Scene subclass to define.
        tex: use LaTeX (MathTex) for formulas; None detects it (`tex_available()`).
            Without TeX, formulas are Unicode `Text`.
        frame_width: frame width the layout is planned for, in Manim units.
        frame_height: frame height the layout is planned for, in Manim units.
        budget: what evaluating plot expressions may cost (default: COMPILE_EVALUATIONS
            evaluations within COMPILE_SECONDS).

    Returns:
        Python source; the same spec and options always give the same text.

    Raises:
        InvalidInput: if class_name is not a usable identifier.
        CompileError: numbers that cannot be drawn, or expressions too costly to sample.
    """
    _check_class_name(class_name)
    use_tex = tex_available() if tex is None else tex
    boxes = plan_layout(spec, frame_width, frame_height)
    w = CodeWriter(spec, use_tex, boxes, budget or Budget(COMPILE_EVALUATIONS, COMPILE_SECONDS))
    w.emit(f"self.camera.background_color = {w.color(spec.background)}")
    w.emit("self.elements = {}")
    w.emit()
    if spec.title:
        w.emit("# Title, in the band at the top")
        colour = w.color(spec.title_color)
        size = TITLE_FONT_SIZES[spec.title_size]
        w.emit(f"title = Text({spec.title!r}, font_size={size}, color={colour}, weight=BOLD)")
        w.emit(f"self.elements[{TITLE_KEY!r}] = fit(title, {w.box(boxes[TITLE_KEY])})")
        w.emit()
    try:
        for el in spec.elements:
            emit_element(w, el)
    except BudgetExceeded as exc:
        raise CompileError("compile-budget", f"{exc}: simplify the plots or their ranges") from exc
    emit_timeline(w)
    summary = (
        f"{spec.duration:g} s, {len(spec.elements)} element(s), {len(spec.animations)} animation(s)"
    )
    return module(
        class_name=class_name,
        title=spec.title,
        summary=summary,
        body=w.lines,
        tex=use_tex,
        uses_math=w.uses_math,
    )
