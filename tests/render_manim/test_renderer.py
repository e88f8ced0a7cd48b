"""ManimRenderer: a spec renders, code is validated, failures come back structured."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor_core.errors import PolicyViolation, RenderFailed
from tutor_core.interfaces import Renderer
from tutor_core.models import CodeSource, RenderRequest, SpecSource
from tutor_core.plugins import get_renderer
from tutor_core.settings import Settings
from tutor_core.spec import SceneSpec
from tutor_render_manim.renderer import ManimRenderer

# Eight element kinds in one scene: every kind's compiled code must run under the guard.
SPEC = {
    "title": "Everything",
    "duration": 2.0,
    "elements": [
        {"kind": "text", "id": "t", "text": "Area of a square"},
        {"kind": "shape", "id": "s", "shape": "triangle", "points": [[0, 0], [3, 0], [0, 2]],
         "vertexLabels": ["A", "B", "C"], "rightAngleAt": 0},
        {"kind": "bullets", "id": "b", "items": ["side a", "area a squared"]},
        {"kind": "equation", "id": "e", "latex": "a^2 + b^2 = c^2"},
        {"kind": "axes", "id": "ax", "plots": [{"expr": "sin(x)", "color": "red"}]},
        {"kind": "matrix", "id": "m", "rows": [["1", "2"], ["3", "4"]]},
        {"kind": "code", "id": "c", "code": "def f(x):\n    return x * x"},
        {"kind": "table", "id": "tb", "header": ["x", "y"], "rows": [["1", "1"], ["2", "4"]]},
    ],
    "animations": [
        {"action": "write", "target": "t", "runTime": 0.4},
        {"action": "create", "target": "s", "runTime": 0.4},
        {"action": "fade_in", "target": "b", "runTime": 0.3},
        {"action": "write", "target": "e", "runTime": 0.3},
        {"action": "create", "target": "ax", "runTime": 0.3},
    ],
}  # fmt: skip

FAILS = """from manim import *

class Broken(Scene):
    def construct(self):
        c = Circle()
        self.play(Create(c), run_time=0.2)
        value = [1, 2, 3][7]
"""


def test_is_a_renderer_and_registered(tmp_path: Path) -> None:
    renderer = get_renderer("manim", Settings(home=tmp_path, render_timeout=42))
    assert isinstance(renderer, ManimRenderer)
    assert isinstance(renderer, Renderer)
    assert renderer.timeout == 42
    assert renderer.cache is not None and renderer.cache.root == tmp_path / "cache" / "renders"


@pytest.mark.anyio
async def test_validate_code_and_spec() -> None:
    renderer = ManimRenderer()
    assert await renderer.validate(CodeSource(code=FAILS)) == []
    problems = await renderer.validate(CodeSource(code="import os\n"))
    assert {p.code for p in problems} == {"forbidden-import", "no-scene"}
    spec = SpecSource(spec=SceneSpec.model_validate(SPEC))
    assert await renderer.validate(spec) == []


@pytest.mark.anyio
async def test_policy_violation_raised_before_running(tmp_path: Path) -> None:
    renderer = ManimRenderer()
    with pytest.raises(PolicyViolation) as info:
        await renderer.render(
            CodeSource(code="from manim import *\nclass A(Scene):\n    x = open('f')\n"),
            RenderRequest(quality="draft", out_dir=tmp_path / "out"),
        )
    assert info.value.problems[0].code == "forbidden-call"
    assert renderer.renders == 0
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.anyio
async def test_spec_source_renders(tmp_path: Path) -> None:
    renderer = ManimRenderer(cache_dir=None, timeout=120)
    source = SpecSource(spec=SceneSpec.model_validate(SPEC))
    result = await renderer.render(source, RenderRequest(quality="draft", out_dir=tmp_path))
    assert result.path.is_file() and result.path.parent == tmp_path
    assert result.info.frames == round(2.0 * 30)
    assert (result.info.width, result.info.height) == (854, 480)
    assert result.code is not None and "class LessonScene" in result.code
    assert len(result.checksum) == 64 and not result.cached


@pytest.mark.slow
@pytest.mark.anyio
async def test_render_error_is_structured(tmp_path: Path) -> None:
    renderer = ManimRenderer(cache_dir=None, timeout=120)
    with pytest.raises(RenderFailed) as info:
        await renderer.render(
            CodeSource(code=FAILS), RenderRequest(quality="draft", out_dir=tmp_path)
        )
    error = info.value.error
    assert error.kind == "exception"
    assert error.exception_type == "IndexError"
    assert error.line == 7
    assert error.traceback is not None and 'File "scene.py", line 7' in error.traceback
    assert "/site-packages/" not in error.traceback and str(tmp_path) not in error.traceback
    assert error.hint
