"""The edit grammar of the lesson agent: each form changes exactly what it says."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor_core.agents.lesson import LessonAgent, build_plan, edit_scene, split_clauses
from tutor_core.errors import AgentError, EditNotUnderstood
from tutor_core.models import CodeSource, PlannedScene, SceneEdit, SpecSource
from tutor_core.spec import SceneSpec


def _scene(prompt: str, title: str) -> PlannedScene:
    for s in build_plan(prompt, 12).scenes:
        if s.title == title:
            return s
    raise AssertionError(f"no scene {title!r}")


@pytest.fixture
def rule() -> PlannedScene:
    """Pythagoras: a triangle and an equation."""
    return _scene("pythagoras", "The rule: a squared plus b squared")


@pytest.fixture
def tangent() -> PlannedScene:
    """Derivative: axes with one plot (with a tangent) and a note."""
    return _scene("derivative", "The tangent line")


@pytest.fixture
def recap() -> PlannedScene:
    """Vectors recap: one bullets element with three items."""
    return _scene("vectors", "Recap")


def _spec(scene: PlannedScene | SceneEdit) -> SceneSpec:
    assert isinstance(scene.source, SpecSource)
    return scene.source.spec


def _els(scene: PlannedScene | SceneEdit) -> dict[str, dict[str, Any]]:
    return {el.id: el.model_dump() for el in _spec(scene).elements}


def _apply(scene: PlannedScene, instruction: str) -> SceneEdit:
    edit = edit_scene(scene, instruction)
    SceneSpec.model_validate(_spec(edit).model_dump())  # still a valid spec
    return edit


def _same_except(before: PlannedScene, after: SceneEdit, *changed: str) -> None:
    """Every element not named in `changed` is exactly as it was."""
    b, a = _els(before), _els(after)
    for eid, el in b.items():
        if eid not in changed:
            assert a.get(eid) == el, f"{eid} changed"


# ------------------------------------------------------------------ colours


def test_colour_an_element(rule: PlannedScene) -> None:
    edit = _apply(rule, "make the triangle red")
    assert _els(edit)["triangle"]["color"] == "red"
    _same_except(rule, edit, "triangle")
    assert edit.narration == rule.narration and edit.summary == "triangle colour → red"
    assert _spec(edit).animations == _spec(rule).animations


@pytest.mark.parametrize(
    "instruction",
    ["color the equation yellow", "colour the equation in yellow", "paint the equation yellow",
     "change the colour of the equation to yellow", "turn the equation yellow",
     "change the equation's color to yellow"],
)  # fmt: skip
def test_colour_phrasings(rule: PlannedScene, instruction: str) -> None:
    edit = _apply(rule, instruction)
    assert _els(edit)["equation"]["color"] == "yellow"
    _same_except(rule, edit, "equation")


def test_colour_the_graph_changes_the_plot_only(tangent: PlannedScene) -> None:
    edit = _apply(tangent, "color the graph red")
    axes_before, axes_after = _els(tangent)["axes"], _els(edit)["axes"]
    assert axes_after["plots"][0]["color"] == "red"
    assert axes_after["color"] == axes_before["color"]
    assert {**axes_after["plots"][0], "color": None} == {**axes_before["plots"][0], "color": None}
    _same_except(tangent, edit, "axes")


def test_background_and_everything(rule: PlannedScene) -> None:
    edit = _apply(rule, "change the background to dark blue")
    assert _spec(edit).background == "dark_blue"
    _same_except(rule, edit)
    edit = _apply(rule, "make everything green")
    assert {el["color"] for el in _els(edit).values()} == {"green"}


def test_colour_aliases_and_hex(rule: PlannedScene) -> None:
    assert _spec(_apply(rule, "make the background navy")).background == "dark_blue"
    assert _els(_apply(rule, "make the triangle #1e90ff"))["triangle"]["color"] == "#1e90ff"


# ------------------------------------------------------------------ texts


@pytest.mark.parametrize(
    "instruction", ["change the title to Squares", "rename the title to Squares",
                    "set the title: Squares", "call it Squares"],
)  # fmt: skip
def test_change_the_title(rule: PlannedScene, instruction: str) -> None:
    edit = _apply(rule, instruction)
    assert _spec(edit).title == "Squares" and edit.title == "Squares"
    _same_except(rule, edit)


def test_replace_quoted_text(rule: PlannedScene) -> None:
    edit = _apply(rule, "replace 'a^2 + b^2' with \"x^2 + y^2\"")
    assert _els(edit)["equation"]["latex"] == "x^2 + y^2 = c^2"
    _same_except(rule, edit, "equation")
    assert "1×" in edit.summary
    with pytest.raises(EditNotUnderstood, match="does not appear"):
        edit_scene(rule, "replace 'zebra' with 'horse'")


def test_change_an_element_text(rule: PlannedScene, recap: PlannedScene) -> None:
    edit = _apply(rule, "change the equation to E = mc^2")
    assert _els(edit)["equation"]["latex"] == "E = mc^2"
    _same_except(rule, edit, "equation")
    edit = _apply(recap, "change the second bullet to add them tip to tail")
    items = _els(edit)["recap"]["items"]
    assert items[1] == "add them tip to tail"
    assert [items[0], items[2]] == [_els(recap)["recap"]["items"][i] for i in (0, 2)]


# ------------------------------------------------------------------ speed


@pytest.mark.parametrize(
    ("instruction", "factor"),
    [("slower", 1.5), ("make it faster", 1 / 1.5), ("twice as fast", 0.5), ("slow down", 1.5),
     ("half speed", 2.0), ("3 times slower", 3.0), ("speed it up", 1 / 1.5)],
)  # fmt: skip
def test_speed(rule: PlannedScene, instruction: str, factor: float) -> None:
    edit = _apply(rule, instruction)
    before, after = _spec(rule).animations, _spec(edit).animations
    assert [a.run_time for a in after] == pytest.approx(
        [min(30.0, a.run_time * factor) for a in before], abs=0.01
    )
    assert [a.target for a in after] == [a.target for a in before]
    assert _spec(edit).duration >= sum(a.run_time for a in after) - 1e-6
    _same_except(rule, edit)


# ------------------------------------------------------------------ add and remove


def test_remove_an_element_and_its_animations(rule: PlannedScene) -> None:
    edit = _apply(rule, "remove the equation")
    assert set(_els(edit)) == {"triangle"}
    assert all(a.target == "triangle" for a in _spec(edit).animations)
    _same_except(rule, edit, "equation")
    assert edit.summary == "removed equation"


def test_remove_by_ordinal(recap: PlannedScene) -> None:
    edit = _apply(recap, "delete the second bullet")
    assert _els(edit)["recap"]["items"] == [
        _els(recap)["recap"]["items"][i] for i in (0, 2)
    ]  # fmt: skip
    edit = _apply(recap, "remove the last bullet")
    assert _els(edit)["recap"]["items"] == _els(recap)["recap"]["items"][:2]


def test_remove_the_only_graph_removes_the_axes(tangent: PlannedScene) -> None:
    edit = _apply(tangent, "remove the graph")
    assert "axes" not in _els(edit)
    _same_except(tangent, edit, "axes")


def test_remove_everything_is_refused_without_a_title(rule: PlannedScene) -> None:
    with pytest.raises(EditNotUnderstood, match="empty"):
        edit_scene(rule, "remove the title and remove the triangle and remove the equation")


def test_add_bullet_note_equation_shape(rule: PlannedScene, recap: PlannedScene) -> None:
    edit = _apply(recap, "add a bullet: vectors can be subtracted too")
    assert _els(edit)["recap"]["items"][-1] == "vectors can be subtracted too"
    edit = _apply(rule, "add a bullet: only right triangles")
    assert _els(edit)["bullets"]["items"] == ["only right triangles"]
    edit = _apply(rule, "add the equation E = mc^2")
    assert _els(edit)["equation2"]["latex"] == "E = mc^2"
    assert _spec(edit).animations[-1].target == "equation2"
    edit = _apply(rule, "add a note: c is the longest side")
    note = _els(edit)["note"]
    assert note["kind"] == "text" and note["text"] == "c is the longest side"
    edit = _apply(rule, "add a red circle")
    assert _els(edit)["circle"]["color"] == "red"
    _same_except(rule, edit)


@pytest.mark.parametrize(
    ("instruction", "expr"),
    [("plot y = cos(x)", "cos(x)"), ("also plot x^3", "x ** 3"),
     ("add a graph of sin(x)", "sin(x)"), ("graph f(x) = 2x + 1", "2 * x + 1")],
)  # fmt: skip
def test_plot_another_function(tangent: PlannedScene, instruction: str, expr: str) -> None:
    edit = _apply(tangent, instruction)
    plots = _els(edit)["axes"]["plots"]
    assert len(plots) == 2 and plots[1]["expr"] == expr
    assert plots[0] == _els(tangent)["axes"]["plots"][0]
    _same_except(tangent, edit, "axes")


def test_plot_on_a_scene_without_axes_adds_axes(rule: PlannedScene) -> None:
    edit = _apply(rule, "plot x^2")
    assert _els(edit)["axes"]["plots"][0]["expr"] == "x ** 2"
    _same_except(rule, edit)


def test_plot_nonsense_is_explained(tangent: PlannedScene) -> None:
    with pytest.raises(EditNotUnderstood, match="function of x"):
        edit_scene(tangent, "plot import os")


# ------------------------------------------------------------------ narration, size, place


@pytest.mark.parametrize("instruction", ["say: Short and sweet.", "change the narration to "
                                         "Short and sweet"])  # fmt: skip
def test_change_the_narration(rule: PlannedScene, instruction: str) -> None:
    edit = _apply(rule, instruction)
    assert edit.narration == "Short and sweet."
    assert all(a.cue in (None, 0) for a in _spec(edit).animations)
    _same_except(rule, edit)


def test_narration_keeps_its_commas_and_ands(rule: PlannedScene) -> None:
    edit = _apply(rule, "make the triangle red and say: Squares, sums and roots. Then more.")
    assert edit.narration == "Squares, sums and roots. Then more."
    assert _els(edit)["triangle"]["color"] == "red"


def test_size_and_position(rule: PlannedScene, tangent: PlannedScene) -> None:
    edit = _apply(rule, "make the triangle bigger")
    tri, old = _els(edit)["triangle"], _els(rule)["triangle"]
    assert tri["width"] == old["width"] * 1.5
    assert tri["points"][1] == pytest.approx((old["points"][1][0] * 1.5, 0.0))
    _same_except(rule, edit, "triangle")
    assert _els(tangent)["note"]["size"] == "small"
    assert _els(_apply(tangent, "make the note bigger"))["note"]["size"] == "normal"
    with pytest.raises(EditNotUnderstood, match="already as small"):
        edit_scene(tangent, "make the note smaller")
    edit = _apply(rule, "move the triangle left")
    assert _els(edit)["triangle"]["region"] == "left"
    with pytest.raises(EditNotUnderstood, match="cannot resize the title"):
        edit_scene(rule, "make the title bigger")


# ------------------------------------------------------------------ several clauses, errors


def test_clauses_apply_in_order(rule: PlannedScene) -> None:
    edit = _apply(rule, "make the triangle red, remove the equation and then twice as fast")
    assert set(_els(edit)) == {"triangle"} and _els(edit)["triangle"]["color"] == "red"
    assert edit.summary == "triangle colour → red; removed equation; animations 2× faster"


def test_split_clauses_respects_quotes_and_narration() -> None:
    assert split_clauses("replace 'a and make' with 'b' and slower") == [
        "replace 'a and make' with 'b'", "slower"
    ]  # fmt: skip
    assert split_clauses("say: one, make two and add three") == ["say: one, make two and add three"]
    assert split_clauses("make the sky and sea blue") == ["make the sky and sea blue"]


def test_several_targets_joined_by_and(rule: PlannedScene) -> None:
    edit = _apply(rule, "make the triangle and the equation orange")
    assert {el["color"] for el in _els(edit).values()} == {"orange"}
    edit = _apply(rule, "make the triangle blue and the equation red")
    assert [_els(edit)["triangle"]["color"], _els(edit)["equation"]["color"]] == ["blue", "red"]
    assert split_clauses("color the graph red, the axes white and the text gold") == [
        "color the graph red", "color the axes white", "color the text gold"
    ]  # fmt: skip


@pytest.mark.parametrize("instruction", ["dance a jig", "make it pop", "add some sparkle"])
def test_unknown_edits_list_what_is_understood(rule: PlannedScene, instruction: str) -> None:
    with pytest.raises(EditNotUnderstood) as info:
        edit_scene(rule, instruction)
    text = str(info.value)
    assert "make the triangle blue" in text and "say: X" in text and "plot y = cos(x)" in text


def test_missing_target_names_what_exists(rule: PlannedScene) -> None:
    with pytest.raises(EditNotUnderstood) as info:
        edit_scene(rule, "make the circle red")
    text = str(info.value)
    assert "no circle" in text and "triangle (id triangle)" in text and "equation" in text


def test_empty_instruction_and_code_scenes(rule: PlannedScene) -> None:
    with pytest.raises(EditNotUnderstood, match="empty"):
        edit_scene(rule, "  ")
    code = PlannedScene(title="c", narration="n.", source=CodeSource(code="x = 1"))
    with pytest.raises(AgentError, match="code"):
        edit_scene(code, "slower")


def test_scene_without_source_gets_a_spec_to_edit() -> None:
    bare = PlannedScene(title="Tides", narration="The Moon pulls. The sea rises.")
    edit = _apply(bare, "change the background to teal")
    assert _spec(edit).background == "teal" and _spec(edit).title == "Tides"


@pytest.mark.anyio
async def test_agent_edit_is_the_grammar(rule: PlannedScene) -> None:
    edit = await LessonAgent().edit(rule, "make the triangle red")
    assert edit == edit_scene(rule, "make the triangle red")


# ------------------------------------------------------------------ property


KNOWN_EDITS = [
    "make everything red", "slower", "faster", "twice as fast", "half speed",
    "change the background to teal", "add a note: hello there", "add a bullet: one more point",
    "plot y = x^2", "also plot sin(x)", "change the title to Fresh", "say: One. Two. Three.",
    "remove the first bullet", "make the graph yellow", "replace 'the' with 'a'",
    "move the equation right", "make the text bigger", "make the text smaller",
    "add a red circle", "remove the circle", "remove the equation", "make the triangle bigger",
    "remove the graph", "add the equation E = mc^2", "make the second bullet green",
    "change the first bullet to updated", "move the circle up", "remove the table",
]  # fmt: skip
PROMPTS = ["pythagoras", "derivative", "fourier series", "sorting", "recursion", "probability",
           "newton's laws", "vectors", "photosynthesis", "plot y = x^3 - 2x"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(PROMPTS),
    st.integers(0, 11),
    st.lists(st.sampled_from(KNOWN_EDITS), min_size=1, max_size=6),
)
def test_random_known_edits_always_give_valid_specs(
    prompt: str, index: int, edits: list[str]
) -> None:
    scene = build_plan(prompt, 12).scenes[index]
    applied = 0
    for instruction in edits:
        try:
            edit = edit_scene(scene, instruction)
        except EditNotUnderstood as exc:
            assert exc.hint  # says what exists or what is understood
            continue
        spec = SceneSpec.model_validate(_spec(edit).model_dump())
        assert sum(a.run_time for a in spec.animations) <= spec.duration + 1e-6
        assert edit.summary
        scene = PlannedScene(title=edit.title or scene.title, narration=edit.narration,
                             source=edit.source)  # fmt: skip
        applied += 1
    always = {"change the background to teal", "change the title to Fresh", "say: One. Two. Three."}
    assert applied or not always & set(edits)


def test_title_colour_is_an_edit() -> None:
    plan = build_plan("explain the Pythagorean theorem", 3)
    scene = plan.scenes[1]
    edit = edit_scene(scene, "make the title yellow")
    assert isinstance(edit.source, SpecSource)
    assert edit.source.spec.title_color == "yellow"
    assert edit.source.spec.elements == scene.source.spec.elements  # type: ignore[union-attr]
