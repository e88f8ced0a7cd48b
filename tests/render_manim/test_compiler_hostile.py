"""Hostile specs: every spec compiles or is refused with a PolicyViolation, never a crash.

Specs come from a model, so their expressions and numbers are hostile input. The
compiler evaluates plots with the one bounded evaluator (`tutor_core.expressions`)
under an evaluation budget, and `compile_source` turns every failure into a
PolicyViolation that the pipeline repairs or replaces with a fallback scene.
"""

from __future__ import annotations

import ast
import math
import threading
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tutor_core import SceneStatus, Settings, Tutor
from tutor_core.errors import PolicyViolation
from tutor_core.expressions import ALLOWED_FUNCTIONS, Budget, check_expression
from tutor_core.models import Problem, SceneSource, SpecSource
from tutor_core.narration.silent import SilentNarrator
from tutor_core.spec import SceneSpec
from tutor_core.testing import FakeRenderer, MemoryStorage, ScriptedAgent
from tutor_render_manim import renderer as renderer_module
from tutor_render_manim.compiler import CompileError, compile_spec
from tutor_render_manim.compiler import build as compiler_build
from tutor_render_manim.renderer import compile_source

HOSTILE_EXPRESSIONS = [
    "ceil(x)**ceil(x)**ceil(x)",
    "floor(x)**floor(x)**floor(x)**floor(x)",
    "9**9**9",
    "x**x**x**x",
    "exp(exp(exp(x)))",
    "(-x)**0.5",
    "1/(x-x)",
    "tan(x)**1e308",
    "floor(x)%0",
    "10**400",
    "x*1e308*1e308",
    "sqrt(-1-x*x)",
    "log(0*x)",
    "-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-(-x)))))))))))))))))))))))))))))",
    "(" * 60 + "x" + ")" * 60,
    "x" + "**x" * 60,
    "abs(x)**1000.5",
    "2**(-1e308)",
]
EXTREME = [0.0, 1e-300, 1e-9, 0.5, 1.0, 4.5, 1e6, 1e12, 1e15, 1e300, -1e300, -4.5, -1e12]

_leaf = st.one_of(
    st.just("x"),
    st.sampled_from(["pi", "e", "tau"]),
    st.sampled_from(["0", "1", "2", "9", "0.5", "1e308", "1e-300", "400"]),
)


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "%"]), inner).map(
            lambda t: f"({t[0]}){t[1]}({t[2]})"
        ),
        st.tuples(st.sampled_from(sorted(ALLOWED_FUNCTIONS)), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        inner.map(lambda e: f"-({e})"),
    )


expressions = st.one_of(
    st.sampled_from(HOSTILE_EXPRESSIONS),
    st.recursive(_leaf, _grow, max_leaves=12),
).filter(lambda e: len(e) <= 200)
numbers = st.one_of(st.sampled_from(EXTREME), st.floats(-1e13, 1e13, allow_nan=False))


@st.composite
def ranges(draw: st.DrawFn) -> tuple[float, float, float]:
    lo = draw(numbers)
    step = draw(st.sampled_from([1e-300, 1e-9, 1e-4, 0.5, 1.0, 1e6, 1e12, 1e300]))
    return (lo, lo + step * draw(st.integers(1, 100)), step)


@st.composite
def hostile_elements(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["axes", "shape", "number_line", "vectors", "text"]))
    if kind == "axes":
        plots = [
            {
                "expr": draw(expressions),
                **draw(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "tangentAt": numbers,
                            "xRange": st.tuples(numbers, numbers),
                            "area": st.tuples(numbers, numbers),
                        },
                    )
                ),
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
        return {
            "kind": "axes",
            "xRange": draw(ranges()),
            "yRange": draw(ranges()),
            "plots": plots,
            "points": draw(st.lists(st.tuples(numbers, numbers), max_size=3)),
        }
    if kind == "shape":
        shape = draw(st.sampled_from(["triangle", "polygon", "line", "circle", "square", "dot"]))
        count = {"triangle": 3, "polygon": 4, "line": 2}.get(shape, 0)
        return {
            "kind": "shape",
            "shape": shape,
            "points": draw(st.lists(st.tuples(numbers, numbers), min_size=count, max_size=count)),
            "width": draw(st.sampled_from([1e-300, 1e-7, 1.0, 100.0])),
            "height": draw(st.sampled_from([1e-300, 1e-7, 1.0, 100.0])),
            "vertexLabels": ["A", "B", "C"] if shape == "triangle" else [],
            "rightAngleAt": 0 if shape == "triangle" else None,
        }
    if kind == "number_line":
        return {"kind": "number_line", "xRange": draw(ranges()), "marks": [draw(numbers)]}
    if kind == "vectors":
        comp = st.sampled_from([-50.0, -1e-300, 0.0, 1e-9, 50.0])
        return {
            "kind": "vectors",
            "vectors": [{"x": draw(comp), "y": draw(comp), "label": "v"}],
            "extent": draw(st.sampled_from([1e-300, 1.0, 50.0])),
        }
    return {"kind": "text", "text": draw(st.text(min_size=1, max_size=60).filter(str.strip))}


@st.composite
def hostile_specs(draw: st.DrawFn) -> SceneSpec:
    elements = draw(st.lists(hostile_elements(), min_size=1, max_size=4))
    data = {"title": "Hostile", "elements": elements, "duration": draw(st.sampled_from([1, 300]))}
    try:
        return SceneSpec.model_validate(data)
    except ValidationError:
        assume(False)  # not a spec at all: refused before any compiler sees it
        raise


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=hostile_specs())
def test_every_spec_compiles_or_is_a_policy_violation(spec: SceneSpec) -> None:
    try:
        code, scene_class, trusted = compile_source(SpecSource(spec=spec))
    except PolicyViolation as exc:
        assert exc.problems and all(p.code for p in exc.problems)
        assert "the spec cannot be compiled" in exc.problems[0].message
        return
    assert trusted and scene_class == "LessonScene"
    tree = ast.parse(code)
    numbers_in_code = [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and type(n.value) is float
    ]
    assert all(math.isfinite(v) and abs(v) <= 1e12 for v in numbers_in_code)


@settings(max_examples=60, deadline=None)
@given(expr=expressions)
def test_hostile_expressions_sample_or_exceed_the_budget(expr: str) -> None:
    assume(_checks(expr))
    spec = SceneSpec.model_validate(
        {
            "elements": [
                {
                    "kind": "axes",
                    "xRange": (-5, 5, 1),
                    "yRange": (-3, 3, 1),
                    "plots": [{"expr": expr, "tangentAt": 4.5, "area": (0, 4.5)}] * 6,
                }
            ]
            * 2
        }
    )
    try:
        code = compile_spec(spec, tex=False)
    except CompileError as exc:
        assert exc.code == "compile-budget"
    else:
        ast.parse(code)


def _checks(expr: str) -> bool:
    try:
        check_expression(expr)
    except ValueError:
        return False
    return True


def test_the_overflow_from_the_issue_compiles() -> None:
    """`ceil(x)**ceil(x)**ceil(x)` at x = 4.5 once raised a raw OverflowError."""
    spec = SceneSpec.model_validate(
        {
            "elements": [
                {
                    "kind": "axes",
                    "xRange": (0, 10, 1),
                    "yRange": (-3, 3, 1),
                    "plots": [{"expr": "ceil(x)**ceil(x)**ceil(x)", "tangentAt": 4.5}],
                }
            ]
        }
    )
    code = compile_spec(spec, tex=False)
    assert "# plot 0: y = ceil(x) ** ceil(x) ** ceil(x)" in code


def test_the_evaluation_budget_stops_a_compile() -> None:
    spec = SceneSpec.model_validate(
        {"elements": [{"kind": "axes", "plots": [{"expr": "sin(x)"}, {"expr": "cos(x)"}]}]}
    )
    with pytest.raises(CompileError) as small:
        compile_spec(spec, tex=False, budget=Budget(evaluations=300))
    assert small.value.code == "compile-budget" and "300 evaluations" in str(small.value)
    with pytest.raises(CompileError, match="took more than"):
        compile_spec(spec, tex=False, budget=Budget(evaluations=10**9, seconds=0.0))
    assert compile_spec(spec, tex=False, budget=Budget(evaluations=10**6))


def test_numbers_beyond_drawing_are_refused_with_a_reason() -> None:
    far = SceneSpec.model_validate(
        {"elements": [{"kind": "axes", "xRange": (0, 1e15, 1e14), "yRange": (-1, 1, 1)}]}
    )
    with pytest.raises(PolicyViolation) as exc:
        compile_source(SpecSource(spec=far))
    assert exc.value.problems[0].code == "number-out-of-range"
    tiny = SceneSpec.model_validate(
        {"elements": [{"kind": "number_line", "xRange": (0, 1e-300, 1e-302)}]}
    )
    with pytest.raises(PolicyViolation) as exc:
        compile_source(SpecSource(spec=tiny))
    assert exc.value.problems[0].code == "range-too-small"


def test_a_compile_failure_goes_through_repair_then_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A spec the compiler refuses is repaired by the agent, then falls back to a title card."""
    monkeypatch.setattr(compiler_build, "COMPILE_EVALUATIONS", 50)
    renderer_module._compiled.cache_clear()
    plotted = SceneSpec.model_validate(
        {"title": "Plotted", "elements": [{"kind": "axes", "plots": [{"expr": "x**2"}]}]}
    )

    class CompilingRenderer(FakeRenderer):
        """Validates with the real compile path; renders solid colours."""

        async def validate(self, source: SceneSource) -> list[Problem]:
            try:
                await anyio.to_thread.run_sync(compile_source, source)
            except PolicyViolation as exc:
                return exc.problems
            return []

    repairs: list[str] = []

    def repair(source: SceneSource, error: Any) -> SceneSource:
        repairs.append(error.problems[0].code)
        return source  # the same plot again: still over budget

    async def main() -> None:
        from tutor_core.models import LessonPlan, PlannedScene

        plan = LessonPlan(
            title="t",
            scenes=[
                PlannedScene(title="Plotted", narration="A curve.", source=SpecSource(spec=plotted))
            ],
        )
        async with Tutor(
            Settings(quality="draft", repair_attempts=1),
            renderer=CompilingRenderer(),
            agent=ScriptedAgent(plan=plan, repairs=[repair]),
            narrator=SilentNarrator(),
            storage=MemoryStorage(),
        ) as tutor:
            view = await tutor.generate("explain a curve", scenes=1)
            scene = view.scenes[0]
            assert scene.status == SceneStatus.READY and scene.version == 1
            assert "simplified scene" in (scene.error_message or "")
            assert tutor.stats.repairs == 1 and tutor.stats.fallbacks == 1

    anyio.run(main)
    assert repairs == ["compile-budget"]


def test_compilation_runs_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    real = renderer_module._compiled

    def recording(spec_json: str) -> str:
        threads.append(threading.get_ident())
        return real(spec_json)

    monkeypatch.setattr(renderer_module, "_compiled", recording)
    spec = SceneSpec.model_validate({"elements": [{"kind": "axes", "plots": [{"expr": "x"}]}]})

    async def main() -> int:
        from tutor_render_manim.renderer import ManimRenderer

        assert await ManimRenderer().validate(SpecSource(spec=spec)) == []
        return threading.get_ident()

    loop_thread = anyio.run(main)
    assert threads and all(t != loop_thread for t in threads)
