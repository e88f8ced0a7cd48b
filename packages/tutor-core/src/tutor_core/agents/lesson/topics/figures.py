"""Shared pictures of the topic library: axes for a function, its tangent point."""

from __future__ import annotations

from tutor_core.agents.lesson.mathtext import choose_ranges, to_latex
from tutor_core.agents.lesson.topics.base import Context
from tutor_core.spec import AxesElement, Plot


def func_or(ctx: Context, default: str) -> str:
    return ctx.expr or default


def axes_for(expr: str, **plot: object) -> AxesElement:
    x_range, y_range = choose_ranges([expr])
    return AxesElement(
        id="axes", x_range=x_range, y_range=y_range,
        plots=[Plot.model_validate({"expr": expr, "label": to_latex(expr), "color": "blue",
                                    **plot})],
    )  # fmt: skip


def tangent_x(expr: str) -> float:
    x_range, _ = choose_ranges([expr])
    return round(x_range[0] + (x_range[1] - x_range[0]) * 0.65, 2)
