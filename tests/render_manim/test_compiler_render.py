"""Compiled specs in real Manim: measured geometry, real renders with exact frame counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tutor_core.spec import SceneSpec
from tutor_render_manim.compiler import compile_spec, frame_plan
from tutor_render_manim.layout import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    TITLE_KEY,
    layout_groups,
    plan_layout,
)

# Four dense scenes: together they use every element kind, every shape and every
# animation action, with and without TeX.
SPECS: dict[str, tuple[bool, dict[str, object]]] = {
    "math_tex": (True, {
        "title": "Areas and tangents",
        "duration": 3.0,
        "cues": [0.0, 1.2],
        "elements": [
            {"kind": "text", "id": "intro", "text": "The area under x squared, shaded. " * 3},
            {"kind": "equation", "id": "eq", "latex": r"\int_0^1 x^2\,dx = \frac{1}{3}"},
            {"kind": "axes", "id": "ax", "x_range": [-2, 2, 1], "y_range": [-1, 4, 1],
             "x_label": "time (s)",
             "plots": [{"expr": "x^2", "label": "x^2", "area": [0, 1], "tangent_at": 1},
                       {"expr": "log(x)", "color": "red"}, {"expr": "tan(x)"}],
             "points": [[1, 1], [5, 5]]},
            {"kind": "shape", "id": "tri", "shape": "triangle", "points": [[0, 0], [4, 0], [0, 3]],
             "vertex_labels": ["A", "B", "C"], "side_labels": ["4", "5", "3"],
             "right_angle_at": 0, "label": "a 3-4-5 triangle"},
            {"kind": "bullets", "id": "bl", "items": ["first point", "a second point, longer "
                                                      "than the first one by far"]},
            {"kind": "equation", "id": "eq2", "latex": r"\frac{d}{dx} x^2 = 2x"},
        ],
        "animations": [
            {"action": "write", "target": "eq", "runTime": 0.5},
            {"action": "create", "target": "ax", "runTime": 0.5, "cue": 1},
            {"action": "indicate", "target": "tri", "runTime": 0.3},
            {"action": "transform", "target": "eq", "to": "eq2", "runTime": 0.4},
            {"action": "move", "target": "bl", "direction": "down", "distance": 3, "runTime": 0.2},
            {"action": "wait", "runTime": 0.1},
            {"action": "fade_out", "target": "intro", "runTime": 0.2},
        ],
    }),
    "structures_tex": (True, {
        "title": "Vectors, tables and code",
        "duration": 2.5,
        "background": "white",
        "elements": [
            {"kind": "vectors", "id": "vec", "vectors": [
                {"x": 2, "y": 1, "label": r"\vec{v}"}, {"x": -1, "y": 2, "color": "red"},
                {"x": 0, "y": 0}]},
            {"kind": "number_line", "id": "nl", "x_range": [-2, 2, 0.5], "marks": [0.5, 9],
             "label": "x"},
            {"kind": "matrix", "id": "mat", "rows": [["1", r"\pi"], ["", "x^2"]], "label": "A"},
            {"kind": "code", "id": "src", "code": "def area(r):\n    return 3.14 * r ** 2",
             "language": "python"},
            {"kind": "table", "id": "tab", "header": ["n", "n²"],
             "rows": [["1", "1"], ["2", "4"], ["3", ""]]},
            {"kind": "shape", "id": "circ", "shape": "circle", "fill_opacity": 0.5,
             "color": "blue", "label": "unit circle"},
            {"kind": "shape", "id": "pent", "shape": "polygon", "side_labels": ["a", "b"]},
            {"kind": "shape", "id": "arr", "shape": "arrow", "points": [[0, 0], [3, 1]]},
        ],
        "animations": [
            {"action": "fade_in", "target": "src", "runTime": 0.4},
            {"action": "write", "target": "mat", "runTime": 0.4},
            {"action": "create", "target": "vec", "runTime": 0.4},
            {"action": "indicate", "target": "tab", "runTime": 0.3},
            {"action": "move", "target": "circ", "direction": "left", "runTime": 0.3},
            {"action": "fade_out", "target": "arr", "runTime": 0.2},
        ],
    }),
    "math_text_only": (False, {
        "title": "Without TeX",
        "duration": 2.0,
        "elements": [
            {"kind": "equation", "latex": r"\sum_{k=1}^{n} k = \frac{n(n+1)}{2}"},
            {"kind": "axes", "x_range": [0, 2, 0.5], "y_range": [0, 4, 1],
             "plots": [{"expr": "sqrt(x)", "label": r"\sqrt{x}", "tangent_at": 1,
                        "area": [0.5, 1.5]}]},
            {"kind": "matrix", "rows": [["1", "0"], ["0", r"\theta"]], "label": "R"},
            {"kind": "number_line", "marks": [1, 2]},
            {"kind": "vectors", "vectors": [{"x": 1, "y": 1, "label": "u_1"}], "grid": False},
            {"kind": "shape", "shape": "triangle", "vertex_labels": [r"\alpha", "B", "C"],
             "right_angle_at": 1},
            {"kind": "text", "text": "Everything here renders with Pango only."},
            {"kind": "equation", "latex": r"\le \infty \neq \pi"},
        ],
        "animations": [
            {"action": "write", "target": "e0", "runTime": 0.3},
            {"action": "transform", "target": "e0", "to": "e7", "runTime": 0.3},
            {"action": "create", "target": "e1", "runTime": 0.3},
            {"action": "fade_in", "target": "e2", "runTime": 0.2},
            {"action": "indicate", "target": "e3", "runTime": 0.2},
            {"action": "move", "target": "e4", "direction": "right", "runTime": 0.2},
            {"action": "wait", "runTime": 0.1},
            {"action": "fade_out", "target": "e6", "runTime": 0.2},
        ],
    }),
    "shapes_text_only": (False, {
        "duration": 1.5,
        "cues": [0.0, 0.7],
        "elements": [
            {"kind": "shape", "shape": "square", "fill_opacity": 1, "color": "green"},
            {"kind": "shape", "shape": "rectangle", "width": 4, "height": 1, "label": "4 x 1"},
            {"kind": "shape", "shape": "line", "points": [[0, 0], [2, 2]], "label": "y = x"},
            {"kind": "shape", "shape": "dot"},
            {"kind": "shape", "shape": "ellipse", "width": 3, "height": 1},
            {"kind": "table", "rows": [["a", "b", "c"]]},
            {"kind": "code", "code": "SELECT 1;", "language": "not-a-language"},
            {"kind": "bullets", "items": ["one", "two", "three"], "region": "body"},
        ],
        "animations": [
            {"action": "create", "target": "e0", "runTime": 0.2},
            {"action": "write", "target": "e5", "runTime": 0.25, "cue": 1},
            {"action": "fade_out", "target": "e3", "runTime": 0.2},
        ],
    }),
}  # fmt: skip


# Only laid out (not rendered): a formula LaTeX rejects must still show, as text.
BROKEN_LATEX = (True, {"elements": [
    {"kind": "equation", "latex": r"\begin{nosuchenv} x \end{nosuchenv}"},
    {"kind": "equation", "latex": r"\undefinedmacro x"},
]})  # fmt: skip


def _compiled(name: str) -> tuple[SceneSpec, str, bool]:
    tex, data = SPECS.get(name, BROKEN_LATEX)
    spec = SceneSpec.model_validate(data)
    return spec, compile_spec(spec, class_name="Lesson", tex=tex), tex


_PROBE = textwrap.dedent(
    """
    import json, sys
    from manim import tempconfig

    out = {}
    for name, path in json.loads(sys.argv[1]).items():
        namespace = {}
        source = open(path, encoding="utf-8").read()
        exec(compile(source, path, "exec"), namespace)

        class Probe(namespace["Lesson"]):
            # Layout only: skip the timeline so that every mobject stays where fit() put it.
            def play(self, *args, **kwargs):
                pass

            def wait(self, *args, **kwargs):
                pass

        with tempconfig({"dry_run": True, "disable_caching": True, "media_dir": sys.argv[2]}):
            scene = Probe()
            scene.construct()
        out[name] = {
            key: [m.get_left()[0], m.get_right()[0], m.get_bottom()[1], m.get_top()[1],
                  type(m).__name__]
            for key, m in scene.elements.items()
        }
    print(json.dumps(out))
    """
)


@pytest.mark.slow
def test_real_mobjects_stay_in_their_boxes(tmp_path: Path) -> None:
    paths = {}
    names = [*SPECS, "broken_latex"]
    for name in names:
        _spec, code, _tex = _compiled(name)
        paths[name] = str(tmp_path / f"{name}.py")
        Path(paths[name]).write_text(code, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(paths), str(tmp_path / "media")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    measured = json.loads(proc.stdout.strip().splitlines()[-1])
    eps = 1e-3
    assert [v[4] for v in measured["broken_latex"].values()] == ["Text", "Text"]
    for name in SPECS:
        spec, _code, tex = _compiled(name)
        boxes = plan_layout(spec, FRAME_WIDTH, FRAME_HEIGHT)
        owner = layout_groups(spec)
        got = measured[name]
        assert set(got) == set(boxes)
        for key, (left, right, bottom, top, _cls) in got.items():
            box = boxes[key]
            assert left >= box.left - eps and right <= box.right + eps, (name, key)
            assert bottom >= box.bottom - eps and top <= box.top + eps, (name, key)
            assert right > left or top > bottom, (name, key)  # something was drawn
        keys = list(got)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if a != TITLE_KEY and b != TITLE_KEY and owner[a] == owner[b]:
                    continue  # a transform pair shares its box on purpose
                la, ra, ba, ta, _ = got[a]
                lb, rb, bb, tb, _ = got[b]
                apart = ra <= lb + eps or rb <= la + eps or ta <= bb + eps or tb <= ba + eps
                assert apart, (name, a, b)
        equations = [el.id for el in spec.elements if el.kind == "equation"]
        for eid in equations:
            # With TeX the real MathTex is used (not the silent fallback); without, Text.
            assert got[eid][4] == ("MathTex" if tex else "Text"), (name, eid, got[eid][4])


def _no_tex_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH has the venv's python but no latex or dvisvgm."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = dict(os.environ)
    env["PATH"] = str(bin_dir)
    return env


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SPECS))
def test_render_has_exact_frame_count(
    name: str,
    tmp_path: Path,
    manim_render: Callable[..., Path],
    video_frames: Callable[[Path], int],
) -> None:
    spec, code, tex = _compiled(name)
    env = None if tex else _no_tex_env(tmp_path)
    if not tex:
        assert "MathTex" not in code and "Matrix(" not in code
    video = manim_render(code, "Lesson", tmp_path / "render", env=env)
    expected = round(spec.duration * 30)
    frames = video_frames(video)
    print(f"{name}: {frames} frames for {spec.duration} s (expected {expected})")
    assert frames == expected
    # Every animation got its own frames or was applied at once; the plan fills the scene.
    assert sum(length for _first, length, _a in frame_plan(spec)) <= expected
