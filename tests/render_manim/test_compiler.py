"""SceneSpec → Manim code: readable, deterministic, well-timed (no rendering here)."""

from __future__ import annotations

import ast
import math
import os
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.render_manim.conftest import scene_specs
from tutor_core.errors import InvalidInput
from tutor_core.spec import SceneSpec, color_hex
from tutor_render_manim.compiler import FPS, compile_spec, frame_plan
from tutor_render_manim.compiler.expressions import visible_intervals
from tutor_render_manim.compiler.timeline import frames_to_seconds, wait_seconds
from tutor_render_manim.policy import check_code
from tutor_render_manim.tex import is_safe_latex, latex_to_text, tex_available


def _structure(code: str, class_name: str) -> None:
    """Parse the code; check its imports and that it defines one Scene subclass."""
    tree = ast.parse(code)
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.module is not None
            imported.add(node.module.split(".")[0])
    assert imported <= {"manim", "numpy", "math"}, imported
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert [c.name for c in classes] == [class_name]
    assert [ast.unparse(b) for b in classes[0].bases] == ["Scene"]
    # No dunder attribute access, so the code policy has nothing to object to.
    assert not any(isinstance(n, ast.Attribute) and n.attr.startswith("__") for n in ast.walk(tree))


@settings(max_examples=60, deadline=None)
@given(spec=scene_specs(), tex=st.booleans())
def test_compiled_code_parses_and_is_deterministic(spec: SceneSpec, tex: bool) -> None:
    code = compile_spec(spec, class_name="Lesson1", tex=tex)
    _structure(code, "Lesson1")
    assert compile_spec(spec, class_name="Lesson1", tex=tex) == code
    # The JSON round trip gives the same spec, hence the same code.
    again = SceneSpec.model_validate_json(spec.to_json())
    assert compile_spec(again, class_name="Lesson1", tex=tex) == code
    for el in spec.elements:
        assert f"self.elements[{el.id!r}] = fit(" in code
    body = code.split("class Lesson1")[1]
    if tex and any(el.kind == "equation" for el in spec.elements):
        assert "formula(" in body
    if not tex:
        assert "MathTex" not in code and "TexTemplate" not in code


@settings(max_examples=150, deadline=None)
@given(spec=scene_specs())
def test_frame_plan_keeps_order_and_the_scene_length(spec: SceneSpec) -> None:
    plan = frame_plan(spec)
    total = round(spec.duration * FPS)
    cursor = 0
    for (first, length, _anim), (start, anim) in zip(plan, spec.schedule(), strict=True):
        assert first >= cursor and length >= 0
        assert abs(first - start * FPS) <= 0.5 + 1e-9 or first == cursor
        if length == 0:
            assert anim.run_time * FPS < 1.0  # only sub-frame animations vanish
        cursor = first + length
    assert cursor <= total


@given(frames=st.integers(min_value=1, max_value=20_000))
def test_emitted_times_give_exact_frame_counts(frames: int) -> None:
    dt = 1 / FPS
    # Animations: Manim 0.22 draws len(np.arange(0, run_time, dt)) frames.
    seconds = float(frames_to_seconds(frames))
    assert len(np.arange(0, seconds, dt)) == frames
    # Waits: frozen ones last int(t / dt) frames, animated ones (with updaters) as above.
    waits = [float(v) for v in wait_seconds(frames)]
    assert 1 <= len(waits) <= 2
    assert sum(int(t / dt) for t in waits) == frames
    assert sum(len(np.arange(0, t, dt)) for t in waits) == frames


def test_timeline_waits_pad_to_the_duration() -> None:
    spec = SceneSpec.model_validate(
        {"elements": [{"kind": "text", "text": "hi"}, {"kind": "text", "text": "there"}],
         "animations": [{"action": "write", "target": "e0", "runTime": 0.5},
                        {"action": "fade_in", "target": "e1", "runTime": 0.5, "cue": 1}],
         "cues": [0.0, 2.0], "duration": 4.0}
    )  # fmt: skip
    code = compile_spec(spec, tex=False)
    lines = [ln.strip() for ln in code.splitlines() if ln.strip().startswith("self.")]
    timeline = lines[lines.index("self.play(Write(text_e0), run_time=0.5)  # 0 s") :]
    assert timeline == [
        "self.play(Write(text_e0), run_time=0.5)  # 0 s",
        "self.wait(1.5)",
        "self.play(FadeIn(text_e1), run_time=0.5)  # 2 s",
        "self.wait(1.5)  # pad to the scene's 4 s",
    ]
    # Neither element is shown before its animation brings it in.
    assert not any(ln.startswith("self.add(") for ln in lines)


def test_elements_without_entrance_are_added_at_the_start() -> None:
    spec = SceneSpec.model_validate(
        {"title": "T",
         "elements": [{"kind": "text", "text": "a"}, {"kind": "equation", "latex": "x"},
                      {"kind": "equation", "latex": "y"}, {"kind": "text", "text": "d"}],
         "animations": [{"action": "indicate", "target": "e0"},
                        {"action": "transform", "target": "e1", "to": "e2"}]}
    )  # fmt: skip
    code = compile_spec(spec, tex=True)
    assert "self.add(title, text_e0, equation_e1, text_e3)" in code
    assert "ReplacementTransform(equation_e1, equation_e2)" in code


def test_sub_frame_animations_are_applied_at_once() -> None:
    spec = SceneSpec.model_validate(
        {"elements": [{"kind": "text", "text": "a"}, {"kind": "text", "text": "b"}],
         "animations": [{"action": "fade_in", "target": "e0", "runTime": 0.001},
                        {"action": "transform", "target": "e0", "to": "e1", "runTime": 0.001},
                        {"action": "move", "target": "e1", "direction": "up", "runTime": 0.001}],
         "duration": 1.0}
    )  # fmt: skip
    code = compile_spec(spec, tex=False)
    assert "self.play(" not in code
    body = code.split("# Timeline")[1]
    for expected in ("self.add(text_e0)", "self.remove(text_e0)", "self.add(text_e1)",
                     "text_e1.shift(shift_inside(text_e1, UP * 1))", "self.wait(1.0)"):  # fmt: skip
        assert expected in body


def test_plots_are_split_where_the_curve_leaves_the_axes() -> None:
    def tan(x: float) -> float:
        return math.tan(x)

    pieces = visible_intervals(tan, -3.0, 3.0, -2.0, 2.0)
    # tan leaves [-2, 2] around ±pi/2: three pieces, each inside the y range.
    assert len(pieces) == 3
    for a, b in pieces:
        for k in range(11):
            assert -2.0 <= math.tan(a + (b - a) * k / 10) <= 2.0
    assert pieces[1][0] == pytest.approx(-math.atan(2), abs=1e-3)
    spec = SceneSpec.model_validate(
        {"elements": [{"kind": "axes", "x_range": [-1, 4, 1],
                       "plots": [{"expr": "sqrt(x)"}, {"expr": "log(x - 10)"}]}]}
    )  # fmt: skip
    code = compile_spec(spec, tex=False)
    assert "f = lambda x: np.sqrt(x)" in code
    assert "graph = axes.plot(f, x_range=[0, 4, 0.02]" in code  # defined from 0
    assert "# (not drawn: the curve is undefined or off the axes on this range)" in code


def test_huge_integer_powers_do_not_hang_the_compiler() -> None:
    spec = SceneSpec.model_validate(
        {"elements": [{"kind": "axes", "plots": [{"expr": "9**9**9 + x"}]}]}
    )
    code = compile_spec(spec, tex=False)  # as floats, 9.0**9.0**9.0 overflows at once
    assert "# (not drawn: the curve is undefined or off the axes on this range)" in code


@pytest.mark.parametrize("name", ["1abc", "class", "", "a-b", "Scene"])
def test_bad_class_names_are_refused(name: str) -> None:
    spec = SceneSpec.model_validate({"title": "T"})
    with pytest.raises(InvalidInput, match="cannot be the name") as info:
        compile_spec(spec, class_name=name)
    assert info.value.hint


def test_title_only_scene_is_a_still() -> None:
    spec = SceneSpec.model_validate({"title": 'He said """hi"""\\', "duration": 2.0})
    code = compile_spec(spec, class_name="Still", tex=False)
    _structure(code, "Still")
    assert "self.wait(2.0)  # the whole scene is still" in code


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\frac{1}{2}\pi r^2", "1/2π r²"),
        (r"\int_0^1 x^2\,dx = \frac{1}{3}", "∫₀¹ x² dx = 1/3"),
        (r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}", "Σᵢ₌₁ⁿ i = (n(n+1))/2"),
        (r"\sqrt{x+1} \le \theta_i", "√(x+1) ≤ θᵢ"),
        (r"a \cdot b \times c \neq \infty \ge 0", "a · b × c ≠ ∞ ≥ 0"),
        (r"e^{i\pi}", "e^(iπ)"),
        (r"\alpha\beta\Gamma\Omega", "αβΓΩ"),
        (r"\text{area} = \sqrt[3]{V}", "area = ∛V"),
    ],
)
def test_latex_fallback_maps_common_commands(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


@pytest.mark.parametrize(
    ("latex", "safe"),
    [(r"\frac{a}{b}", True), (r"\delta \le \int", True), (r"\input{/etc/hostname}", False),
     (r"^^5cinput{x}", False), (r"\immediate\write18{ls}", False), (r"\def\x{1}\x", False),
     (r"\makeatletter\@gobble", False), (r"\csname input\endcsname", False)],
)  # fmt: skip
def test_unsafe_latex_never_reaches_tex(latex: str, safe: bool) -> None:
    assert is_safe_latex(latex) is safe
    spec = SceneSpec.model_validate(
        {"elements": [{"kind": "equation", "latex": latex},
                      {"kind": "matrix", "rows": [["1", latex]]}]}
    )  # fmt: skip
    body = compile_spec(spec, tex=True).split("class LessonScene")[1]
    assert ("formula(" in body) is safe
    assert ("Matrix(" in body) is safe


@given(st.text(max_size=80))
def test_latex_fallback_never_fails(latex: str) -> None:
    out = latex_to_text(latex)
    assert out and "\\" not in out


def test_tex_detection_follows_path(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert tex_available() is False
    # With TeX gone, `tex=None` compiles the text fallback.
    spec = SceneSpec.model_validate({"elements": [{"kind": "equation", "latex": r"\pi"}]})
    code = compile_spec(spec)
    assert "Text('π'" in code and "MathTex" not in code
    assert os.environ["PATH"] == str(tmp_path)


@settings(max_examples=40, deadline=None)
@given(spec=scene_specs(), tex=st.booleans())
def test_compiled_code_passes_the_code_policy(spec: SceneSpec, tex: bool) -> None:
    code = compile_spec(spec, class_name="Lesson", tex=tex)
    assert check_code(code, "Lesson") == []


def test_title_colour_is_compiled() -> None:
    plain = compile_spec(SceneSpec(title="Colours"))
    red = compile_spec(SceneSpec(title="Colours", title_color="red"))
    title_line = next(line for line in red.splitlines() if line.strip().startswith("title = "))
    assert repr(color_hex("red")) in title_line
    assert repr(color_hex("red")) not in plain


def test_graphs_cross_fade_and_texts_morph() -> None:
    axes = {"kind": "axes", "x_range": [-2, 2, 1], "y_range": [-3, 3, 1]}
    spec = SceneSpec.model_validate(
        {
            "title": "Roots",
            "elements": [
                axes | {"id": "plain", "plots": [{"expr": "x**3 - 2*x"}]},
                axes | {"id": "marked", "plots": [{"expr": "x**3 - 2*x"}], "points": [[0, 0]]},
                {"kind": "text", "id": "a", "text": "before"},
                {"kind": "text", "id": "b", "text": "after"},
            ],
            "animations": [
                {"action": "create", "target": "plain"},
                {"action": "transform", "target": "plain", "to": "marked"},
                {"action": "write", "target": "a"},
                {"action": "transform", "target": "a", "to": "b"},
            ],
        }
    )
    code = compile_spec(spec, tex=False)
    # Ticks and plots smear into ribbons when morphed point by point.
    assert re.search(r"FadeTransform\(axes_plain, axes_marked\)", code), code
    assert re.search(r"ReplacementTransform\(text_a, text_b\)", code), code


def test_blank_table_cells_keep_their_row_height() -> None:
    nbsp = "\u00a0"
    spec = SceneSpec.model_validate(
        {
            "title": "Plan",
            "elements": [
                {
                    "kind": "table",
                    "id": "plan",
                    "header": ["step", "what"],
                    "rows": [["1", "read"], [nbsp, nbsp], [" ", "later"]],
                }
            ],
        }
    )
    code = compile_spec(spec, tex=False)
    # Hidden full-height letters, not empty strings (a row of those collapses).
    assert nbsp not in code and "' '" not in code
    assert "for cell in [(3, 1), (3, 2), (4, 1)]:" in code, code
    assert "table_plan.get_entries(cell).set_opacity(0)" in code, code
    ast.parse(code)
