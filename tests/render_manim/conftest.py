"""Shared helpers for the Manim renderer tests: render with the manim CLI, count frames."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import av
import pytest

DRAFT = ["--resolution", "854,480", "--fps", "30"]


def count_frames(video: Path) -> int:
    """Decode every frame of the first video stream (container metadata can lie)."""
    with av.open(str(video)) as container:
        return sum(1 for _ in container.decode(video=0))


def render_with_cli(
    source: str, class_name: str, workdir: Path, *, env: dict[str, str] | None = None
) -> Path:
    """Render scene code at draft quality with the manim CLI in a subprocess; return the mp4."""
    workdir.mkdir(parents=True, exist_ok=True)
    script = workdir / "scene.py"
    script.write_text(source, encoding="utf-8")
    media = workdir / "media"
    cmd = [
        sys.executable, "-m", "manim", "render", str(script), class_name, *DRAFT,
        "--format", "mp4", "--disable_caching", "--media_dir", str(media),
        "--progress_bar", "none", "-v", "WARNING", "-o", "out",
    ]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=workdir, env=env or dict(os.environ), capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, f"manim failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    videos = list(media.rglob("out.mp4"))
    assert len(videos) == 1, f"expected one out.mp4 under {media}, found {videos}"
    return videos[0]


@pytest.fixture
def manim_render() -> Callable[..., Path]:
    """`manim_render(source, class_name, workdir, env=None) -> Path` of the rendered mp4."""
    return render_with_cli


@pytest.fixture
def video_frames() -> Callable[[Path], int]:
    """`video_frames(path) -> int`: number of decoded video frames."""
    return count_frames


# --------------------------------------------------------------- spec generators
# Imported by tests as `from tests.render_manim.conftest import ...`.

from hypothesis import strategies as st  # noqa: E402

from tutor_core.spec import ANIMATION_ACTIONS, SceneSpec  # noqa: E402

_WORDS = st.text(alphabet="abcdefghij klmnop", min_size=1, max_size=60).filter(str.strip)
_LATEX = st.sampled_from(
    [
        r"a^2 + b^2 = c^2",
        r"\frac{1}{2} m v^2",
        r"\int_0^1 x\,dx",
        r"e^{i\pi} = -1",
        r"\sum_{k=1}^n k",
    ]
)
_EXPRS = st.sampled_from(["x**2", "sin(x)", "1/x", "log(x)", "sqrt(x)", "tan(x)", "exp(x) - 2"])
_SMALL = st.integers(min_value=-4, max_value=4).map(float)


def _element(kind: str) -> st.SearchStrategy[dict[str, object]]:
    if kind == "text":
        return st.fixed_dictionaries(
            {"text": _WORDS, "size": st.sampled_from(["small", "normal", "large"])}
        )
    if kind == "bullets":
        return st.fixed_dictionaries({"items": st.lists(_WORDS, min_size=1, max_size=4)})
    if kind == "equation":
        return st.fixed_dictionaries({"latex": _LATEX})
    if kind == "axes":
        plot = st.fixed_dictionaries(
            {"expr": _EXPRS},
            optional={"area": st.just((0.5, 1.5)), "tangentAt": st.sampled_from([-1.0, 1.0])},
        )
        return st.fixed_dictionaries({"plots": st.lists(plot, max_size=2)})
    if kind == "shape":
        return st.one_of(
            st.fixed_dictionaries(
                {"shape": st.sampled_from(["circle", "square", "rectangle", "dot", "ellipse"])}
            ),
            st.fixed_dictionaries(
                {
                    "shape": st.just("triangle"),
                    "points": st.lists(st.tuples(_SMALL, _SMALL), min_size=3, max_size=3),
                    "vertexLabels": st.just(["A", "B", "C"]),
                    "rightAngleAt": st.sampled_from([0, 1, 2]),
                }
            ),
            st.fixed_dictionaries(
                {
                    "shape": st.sampled_from(["line", "arrow"]),
                    "points": st.lists(st.tuples(_SMALL, _SMALL), min_size=2, max_size=2),
                }
            ),
        )
    if kind == "vectors":
        vec = st.fixed_dictionaries({"x": _SMALL, "y": _SMALL}, optional={"label": st.just("v")})
        return st.fixed_dictionaries({"vectors": st.lists(vec, min_size=1, max_size=3)})
    if kind == "number_line":
        return st.fixed_dictionaries({"marks": st.lists(_SMALL, max_size=3)})
    if kind == "matrix":
        return st.integers(1, 3).flatmap(
            lambda n: st.fixed_dictionaries(
                {
                    "rows": st.lists(
                        st.lists(st.sampled_from(["1", "x", "0"]), min_size=n, max_size=n),
                        min_size=1,
                        max_size=3,
                    )
                }  # fmt: skip
            )
        )
    if kind == "code":
        return st.just({"code": "def f(x):\n    return x * 2"})
    return st.just({"header": ["a", "b"], "rows": [["1", "2"], ["3", "4"]]})


KINDS = ("text", "bullets", "equation", "axes", "shape", "vectors", "number_line", "matrix",
         "code", "table")  # fmt: skip


@st.composite
def scene_specs(draw: st.DrawFn) -> SceneSpec:
    """Random valid scene specs: every element kind, region and animation action."""
    kinds = draw(st.lists(st.sampled_from(KINDS), max_size=8))
    elements = []
    for kind in kinds:
        body = dict(draw(_element(kind)))
        body["kind"] = kind
        body["region"] = draw(st.sampled_from(["auto", "auto", "body", "left", "right"]))
        elements.append(body)
    title = draw(st.one_of(st.none(), _WORDS)) if elements else "Title only"
    ids = [f"e{i}" for i in range(len(elements))]
    animations = []
    if ids:
        for _ in range(draw(st.integers(0, 8))):
            action = draw(st.sampled_from(ANIMATION_ACTIONS))
            anim: dict[str, object] = {
                "action": action,
                "runTime": draw(st.sampled_from([0.01, 0.1, 0.3, 0.5, 1.0])),
            }
            if action != "wait":
                anim["target"] = draw(st.sampled_from(ids))
            if action == "transform":
                others = [i for i in ids if i != anim["target"]]
                if not others:
                    continue
                anim["to"] = draw(st.sampled_from(others))
            if action == "move":
                anim["direction"] = draw(st.sampled_from(["up", "down", "left", "right"]))
            if draw(st.booleans()):
                anim["cue"] = draw(st.integers(0, 3))
            animations.append(anim)
    busy = sum(float(a["runTime"]) for a in animations)  # type: ignore[arg-type]
    duration = max(1.0, busy + draw(st.sampled_from([0.0, 0.5, 2.0])))
    cues = sorted(draw(st.lists(st.floats(0, duration), max_size=4)))
    return SceneSpec.model_validate(
        {
            "title": title,
            "elements": elements,
            "animations": animations,
            "duration": duration,
            "cues": cues,
        }  # fmt: skip
    )
