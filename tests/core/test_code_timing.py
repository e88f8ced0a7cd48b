"""Scene code lasts its narration: the marked closing wait (tutor_core.code_timing)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor_core.code_timing import MARKER, pad_to_narration, padded_seconds

GOOD = """from manim import *


class Lesson(Scene):
    def construct(self):
        square = Square(side_length=2)
        self.play(Create(square), run_time=0.5)
        self.wait(0.5)
"""

SECOND = "\n\nclass Second(Scene):\n    def construct(self):\n        self.wait(1)\n"


def test_code_gets_a_closing_wait_that_fills_the_narration() -> None:
    code = GOOD
    padded = pad_to_narration(code, 7.25)
    assert padded.splitlines()[-1] == f"        self.wait(max(0.01, 7.25 - self.time))  {MARKER}"
    assert padded.startswith(code.rstrip("\n"))
    again = pad_to_narration(padded, 3.0)
    assert again.count(MARKER) == 1 and "3.00 - self.time" in again
    assert pad_to_narration("not python (", 3.0) == "not python ("
    assert pad_to_narration("x = 1\n", 3.0) == "x = 1\n", "no construct: unchanged"


@given(
    seconds=st.floats(min_value=0.5, max_value=300, allow_nan=False),
    statements=st.lists(
        st.sampled_from(["self.wait(1)", "x = 1", "if True:\n    self.wait(0.5)", "pass"]),
        min_size=1,
        max_size=5,
    ),
    this=st.sampled_from(["self", "scene"]),
)
def test_padding_keeps_the_code_valid_and_is_added_once(
    seconds: float, statements: list[str], this: str
) -> None:
    body = "\n".join(
        "        " + line for s in statements for line in s.replace("self", this).splitlines()
    )
    code = f"from manim import *\n\nclass A(Scene):\n    def construct({this}):\n{body}\n"
    padded = pad_to_narration(pad_to_narration(code, seconds + 1), seconds)
    tree = ast.parse(padded)
    construct = tree.body[1].body[0]  # type: ignore[attr-defined]
    last = construct.body[-1]
    expected = ast.parse(f"{this}.wait(max(0.01, {seconds:.2f} - {this}.time))").body[0]
    assert ast.dump(last) == ast.dump(expected)
    assert padded.count(MARKER) == 1


def test_the_padded_length_is_read_back_and_a_one_line_construct_is_left_alone() -> None:
    assert padded_seconds(GOOD) is None
    assert padded_seconds(pad_to_narration(GOOD, 12.345)) == 12.35
    one_line = "from manim import *\n\nclass A(Scene):\n    def construct(self): self.wait(1)\n"
    assert pad_to_narration(one_line, 5.0) == one_line, "padding it would not parse"


def test_the_named_scene_class_is_the_one_padded() -> None:
    two = GOOD + SECOND
    first = pad_to_narration(two, 4.0)
    second = pad_to_narration(two, 4.0, "Second")
    assert first.index(MARKER) < first.index("class Second")
    assert second.index(MARKER) > second.index("class Second")
    assert pad_to_narration(two, 4.0, "Missing") == two


@pytest.mark.anyio
async def test_the_pipeline_keeps_the_scene_class_when_it_times_code(tmp_path: Path) -> None:
    from tutor_core.models import CodeSource
    from tutor_core.narration.silent import SilentNarrator
    from tutor_core.pipeline import TAIL_SECONDS, fit_to_narration

    narration = await SilentNarrator().synthesize("One sentence. And another one.", tmp_path)
    source = CodeSource(
        code=GOOD + "\n\nclass Second(Scene):\n    def construct(self):\n        self.wait(1)\n",
        scene_class="Second",
    )
    fitted = fit_to_narration(source, narration)
    assert isinstance(fitted, CodeSource) and fitted.scene_class == "Second"
    assert padded_seconds(fitted.code) == round(narration.duration + TAIL_SECONDS, 2)
    assert fitted.code.index(MARKER) > fitted.code.index("class Second")
