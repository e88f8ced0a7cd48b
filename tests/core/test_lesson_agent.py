"""The offline lesson agent: plans for every topic, the generic fallback, write and repair."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tutor_core.agents.lesson import (
    TOPICS,
    LessonAgent,
    build_plan,
    complexity,
    match_topic,
    parse_scene_count,
    repair_spec,
    topic_phrase,
    write_scene,
)
from tutor_core.agents.lesson.pacing import estimate_timing
from tutor_core.agents.lesson.text import split_sentences
from tutor_core.errors import AgentError, InvalidInput
from tutor_core.interfaces import Agent
from tutor_core.models import (
    CodeSource,
    LessonPlan,
    PlannedScene,
    RenderError,
    SpecSource,
)
from tutor_core.plugins import get_agent
from tutor_core.settings import Settings
from tutor_core.spec import ELEMENT_KINDS, SceneSpec

COUNTS = (1, 3, 4, 6, 12)


def _specs(plan: LessonPlan) -> list[SceneSpec]:
    out = []
    for s in plan.scenes:
        assert isinstance(s.source, SpecSource)
        out.append(s.source.spec)
    return out


def _elements(plan: LessonPlan) -> list[dict[str, object]]:
    return [el.model_dump() for spec in _specs(plan) for el in spec.elements]


def _has(
    kind: str, pred: Callable[[dict[str, object]], bool] = lambda el: True
) -> Callable[[LessonPlan], bool]:
    return lambda plan: any(el["kind"] == kind and pred(el) for el in _elements(plan))


def _plots(plan: LessonPlan) -> list[dict[str, object]]:
    return [p for el in _elements(plan) if el["kind"] == "axes" for p in el["plots"]]  # type: ignore[attr-defined]


def _transforms(plan: LessonPlan) -> bool:
    return any(a.action == "transform" for spec in _specs(plan) for a in spec.animations)


def _tangent(plan: LessonPlan) -> bool:
    """A tangent: a plot's tangent mark, or a line plot through one point of the curve twice."""
    for el in _elements(plan):
        if el["kind"] != "axes":
            continue
        if any(p["tangent_at"] is not None for p in el["plots"]):  # type: ignore[attr-defined]
            return True
        points = el["points"]
        if len(el["plots"]) == 2 and len(points) == 2 and points[0] == points[1]:  # type: ignore[arg-type]
            return True
    return False


# topic key → (prompt, a check for the topic's signature visual)
SIGNATURE: dict[str, tuple[str, Callable[[LessonPlan], bool]]] = {
    "pythagoras": (
        "Explain the Pythagorean theorem",
        # The squares on the sides: one polygon with the triangle and three squares.
        lambda p: _has("shape", lambda el: el["shape"] == "polygon" and len(el["points"]) == 12
                       and el["right_angle_at"] is not None)(p)
        and _has("equation", lambda el: el["latex"] == "a^2 + b^2 = c^2")(p),
    ),  # fmt: skip
    "derivative": ("what is a derivative?", _tangent),
    "integral": ("integrals as area", lambda p: any(pl["area"] is not None for pl in _plots(p))),
    "unit_circle": ("the unit circle and sine",
                    lambda p: _has("vectors")(p) or any("sin" in str(pl["expr"])
                                                        for pl in _plots(p))),
    "limits": ("limits in calculus", _has("axes", lambda el: bool(el["points"]))),
    "quadratic": ("the quadratic formula",
                  _has("equation", lambda el: "\\sqrt{b^2 - 4ac}" in str(el["latex"]))),
    "circle_area": ("area of a circle",
                    lambda p: _has("shape", lambda el: el["shape"] == "circle")(p)
                    and _transforms(p)),
    "fourier": ("fourier series", _has("axes", lambda el: len(el["plots"]) >= 3)),  # type: ignore[arg-type]
    "vectors": ("vector addition", _has("vectors", lambda el: len(el["vectors"]) >= 3)),  # type: ignore[arg-type]
    "matrix_multiplication": ("how to multiply matrices",
                              _has("equation", lambda el: str(el["latex"]).count("pmatrix") >= 6
                                   and "19" in str(el["latex"]))),
    # The list with the middle item marked.
    "binary_search": ("binary search",
                      _has("table", lambda el: any("mid" in c for c in el["rows"][-1]))),  # type: ignore[attr-defined]
    "sorting": ("bubble sort", lambda p: _has("table")(p) and _transforms(p)),
    "recursion": ("recursion", _has("code", lambda el: "factorial(n - 1)" in str(el["code"]))),
    "probability": ("probability of dice", _has("equation", lambda el: "frac" in str(el["latex"]))),
    "newton": ("Newton's laws", lambda p: (_has("shape", lambda el: el["shape"] == "arrow")(p)
                                           or _has("vectors")(p))
               and _has("equation", lambda el: el["latex"] == "F = m a")(p)),
}  # fmt: skip


def test_library_has_fifteen_topics_with_a_signature_each() -> None:
    assert len(TOPICS) >= 15
    assert {t.key for t in TOPICS} == set(SIGNATURE)


@pytest.mark.parametrize("key", sorted(SIGNATURE))
def test_topic_prompt_matches_its_topic(key: str) -> None:
    topic = match_topic(SIGNATURE[key][0])
    assert topic is not None and topic.key == key


@pytest.mark.parametrize("count", COUNTS)
@pytest.mark.parametrize("key", sorted(SIGNATURE))
def test_topic_plan_is_valid_and_has_its_visual(key: str, count: int) -> None:
    prompt, signature = SIGNATURE[key]
    plan = build_plan(prompt, count)
    assert len(plan.scenes) == count
    assert signature(plan), f"{key} plan of {count} lacks its signature visual"
    titles = [s.title for s in plan.scenes]
    assert len(set(titles)) == count, titles
    narrations = [s.narration for s in plan.scenes]
    assert len(set(narrations)) == count
    for scene, spec in zip(plan.scenes, _specs(plan), strict=True):
        SceneSpec.model_validate(spec.model_dump())  # round-trips through the model
        sentences = split_sentences(scene.narration)
        assert 2 <= len(sentences) <= 4, scene.narration
        assert all(len(s.split()) <= 25 for s in sentences), scene.narration
        assert all(a.cue is None or a.cue < len(sentences) for a in spec.animations)
        busy = sum(a.run_time for a in spec.animations)
        assert spec.duration >= max(busy, estimate_timing(scene.narration).speech_end) - 1e-6
        assert spec.elements, "every topic scene shows something"


@pytest.mark.parametrize("key", sorted(SIGNATURE))
def test_long_plans_start_with_an_intro_and_end_with_a_recap(key: str) -> None:
    short, full = build_plan(SIGNATURE[key][0], 3), build_plan(SIGNATURE[key][0], 12)
    assert full.scenes[-1].title == "Recap" == short.scenes[-1].title
    assert "Welcome" in full.scenes[0].narration
    # Fewer scenes keep the most important ones, which also appear in the long plan.
    assert {s.title for s in short.scenes} <= {s.title for s in full.scenes}


def test_library_uses_every_element_kind() -> None:
    kinds = {el["kind"] for t in TOPICS for el in _elements(build_plan(t.keywords[0], 6))}
    assert kinds == set(ELEMENT_KINDS)


@pytest.mark.parametrize(
    ("prompt", "key"),
    [
        ("pythagoras", "pythagoras"),
        ("Pythagorean theorem in 4 scenes", "pythagoras"),
        ("how do right triangles work", "pythagoras"),
        ("explain the unit circle", "unit_circle"),
        ("what is the area of a circle?", "circle_area"),
        ("area under the curve", "integral"),
        ("how does quicksort work", "sorting"),
        ("teach me F = ma", "newton"),
        ("chance of rolling dice", "probability"),
        ("derivative of x^3", "derivative"),
        ("Photosynthesis for kids", None),
        ("the French Revolution", None),
    ],
)
def test_keyword_matching(prompt: str, key: str | None) -> None:
    topic = match_topic(prompt)
    assert (topic.key if topic else None) == key


def test_topic_uses_the_function_from_the_prompt() -> None:
    plan = build_plan("explain the derivative of x^3", 4)
    assert any(pl["expr"] == "x ** 3" and pl["tangent_at"] is not None for pl in _plots(plan))


def test_plans_are_deterministic() -> None:
    assert build_plan("vectors", 6) == build_plan("vectors", 6)
    assert build_plan("photosynthesis", 6) == build_plan("photosynthesis", 6)


@pytest.mark.parametrize("count", COUNTS)
def test_unknown_topic_gets_a_generic_lesson(count: int) -> None:
    plan = build_plan("Please explain photosynthesis in 4 scenes", count)
    assert plan.title == "Photosynthesis"
    assert len(plan.scenes) == count and len({s.title for s in plan.scenes}) == count
    assert all("photosynthesis" in s.narration.lower() or s.title != "What it is"
               for s in plan.scenes)  # fmt: skip
    if count >= 5:
        assert [plan.scenes[0].title, plan.scenes[-1].title] == ["Photosynthesis", "Recap"]
        assert _has("bullets")(plan)
    for scene in plan.scenes:
        assert 2 <= len(split_sentences(scene.narration)) <= 4


def test_generic_lesson_plots_a_function_from_the_prompt() -> None:
    plan = build_plan("plot y = x^3 - 2x", 8)
    assert plan.title == "y = x³ - 2x"
    plots = _plots(plan)
    assert plots and {p["expr"] for p in plots} == {"x ** 3 - 2 * x"}
    assert any(p["tangent_at"] is not None for p in plots)
    assert any(p["area"] is not None for p in plots)
    roots = [el["points"] for el in _elements(plan) if el["kind"] == "axes" and el["points"]]
    assert roots and any(abs(x) < 0.05 for x, _ in roots[0])  # x^3 - 2x has a root at 0


@pytest.mark.parametrize(
    ("prompt", "phrase"),
    [
        ("Please explain photosynthesis in 4 scenes", "photosynthesis"),
        ("Can you teach me about the French revolution?", "the French revolution"),
        ("how do vaccines work? explain simply", "how do vaccines work"),
        ("what's a black hole", "a black hole"),
        ("make a short video about black holes, thanks", "black holes"),
        ("explain", "this topic"),
    ],
)
def test_topic_phrase(prompt: str, phrase: str) -> None:
    assert topic_phrase(prompt) == phrase


@pytest.mark.parametrize(
    ("prompt", "count"),
    [("explain gravity in 4 scenes", 4), ("three parts on tides", 3), ("tides", None),
     ("in 20 scenes", 20), ("x in 12 short scenes", 12)],
)  # fmt: skip
def test_parse_scene_count(prompt: str, count: int | None) -> None:
    assert parse_scene_count(prompt) == count


@pytest.mark.parametrize("prompt", ["", "   \n"])
def test_empty_prompt_is_refused(prompt: str) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        build_plan(prompt, 3)


def test_long_prompt_is_refused_with_a_hint() -> None:
    with pytest.raises(InvalidInput) as info:
        build_plan("a" * 2001, 3)
    assert "the limit is 2,000" in str(info.value) and "hint:" in str(info.value)
    assert len(build_plan("b" * 2000, 1).scenes) == 1


@pytest.mark.parametrize("count", [0, 13, -1])
def test_scene_count_out_of_range_is_refused(count: int) -> None:
    with pytest.raises(InvalidInput) as info:
        build_plan("vectors", count)
    assert info.value.hint is not None and "1 to 12" in info.value.hint


# ------------------------------------------------------------------ write


def test_write_stretches_to_the_narration() -> None:
    plan = build_plan("recursion", 4)
    src = write_scene(plan, 1, 42.5)
    assert isinstance(src, SpecSource)
    assert src.spec.duration == 42.5
    planned = plan.scenes[1].source
    assert isinstance(planned, SpecSource)
    assert src.spec.elements == planned.spec.elements


def test_write_never_cuts_animations_short() -> None:
    plan = build_plan("recursion", 4)
    src = write_scene(plan, 1, 0.5)
    assert isinstance(src, SpecSource)
    busy = sum(a.run_time for a in src.spec.animations)
    assert busy > 1.0 and src.spec.duration == pytest.approx(busy)


def test_write_caps_at_the_longest_scene() -> None:
    src = write_scene(build_plan("recursion", 2), 0, 1000.0)
    assert isinstance(src, SpecSource) and src.spec.duration == 300.0


def test_write_builds_a_spec_for_plans_without_sources() -> None:
    plan = LessonPlan(
        title="Tides",
        scenes=[PlannedScene(title="The Moon pulls", narration="The Moon pulls the sea. "
                             "So the water rises. Twice a day.")],
    )  # fmt: skip
    src = write_scene(plan, 0, 9.0)
    assert isinstance(src, SpecSource)
    assert src.spec.title == "The Moon pulls" and src.spec.duration == 9.0
    bullets = src.spec.elements[0].model_dump()
    assert bullets["items"] == ["The Moon pulls the sea", "So the water rises", "Twice a day"]


def test_write_passes_code_sources_through() -> None:
    code = CodeSource(code="class A: pass")
    plan = LessonPlan(title="t", scenes=[PlannedScene(title="a", narration="b.", source=code)])
    assert write_scene(plan, 0, 5.0) == code


@pytest.mark.parametrize("index", [-1, 2])
def test_write_refuses_an_index_outside_the_plan(index: int) -> None:
    with pytest.raises(InvalidInput, match="outside the plan"):
        write_scene(build_plan("vectors", 2), index, 5.0)


# ------------------------------------------------------------------ repair


def _err(message: str = "boom") -> RenderError:
    return RenderError(kind="exception", message=message)


def test_repair_shrinks_until_nothing_is_left() -> None:
    for topic in TOPICS:
        for source in (s.source for s in build_plan(topic.keywords[0], 6).scenes):
            assert isinstance(source, SpecSource)
            spec = source.spec
            for _ in range(40):
                try:
                    smaller = repair_spec(spec, _err())
                except AgentError as exc:
                    assert not spec.elements and "nothing is left" in str(exc)
                    break
                assert complexity(smaller) < complexity(spec)
                spec = smaller
            else:
                pytest.fail("repair did not terminate")


def test_repair_drops_the_element_the_error_names() -> None:
    source = build_plan("Pythagorean theorem", 6).scenes[2].source
    assert isinstance(source, SpecSource)
    fixed = repair_spec(source.spec, _err("Exception while drawing triangle: bad points"))
    assert [el.id for el in fixed.elements] == ["squares", "equation"]
    assert all(a.target != "triangle" and a.to != "triangle" for a in fixed.animations)


def test_repair_turns_equations_into_text_on_latex_errors() -> None:
    source = build_plan("quadratic formula", 6).scenes[4].source  # the worked example
    assert isinstance(source, SpecSource)
    fixed = repair_spec(source.spec, _err("LaTeX compilation error: latex not found"))
    assert {el.kind for el in fixed.elements} == {"text", "axes"}  # the graph needs no LaTeX
    assert fixed.element("roots").model_dump()["text"] == "x = 1 or x = 2"


@pytest.mark.anyio
async def test_repair_refuses_code() -> None:
    with pytest.raises(AgentError) as info:
        await LessonAgent().repair(CodeSource(code="x = 1"), _err())
    assert "cannot repair code" in str(info.value) and "LLM" in str(info.value)


# ------------------------------------------------------------------ agent protocol


@pytest.mark.anyio
async def test_agent_is_the_default_lesson_plugin() -> None:
    agent = get_agent("lesson", Settings())
    assert isinstance(agent, LessonAgent) and isinstance(agent, Agent)
    plan = await agent.plan("binary search", 3)
    source = await agent.write(plan, 0, narration_seconds=7.0)
    assert isinstance(source, SpecSource) and source.spec.duration == 7.0
    edit = await agent.edit(plan.scenes[0], "make the background dark blue")
    assert isinstance(edit.source, SpecSource) and edit.source.spec.background == "dark_blue"


@settings(max_examples=40, deadline=None)
@given(
    st.text(min_size=1, max_size=300).filter(lambda s: s.strip() != ""),
    st.integers(min_value=1, max_value=12),
)
@example("RESP", 3)  # ends in an abbreviation: "Today's topic: RESP." would run on
@example("Tom vs", 1)
def test_any_prompt_gives_a_valid_plan(prompt: str, count: int) -> None:
    plan = build_plan(prompt, count)
    assert len(plan.scenes) == count and 0 < len(plan.title) <= 80
    for scene in plan.scenes:
        spec = SceneSpec.model_validate(
            _specs(LessonPlan(title="t", scenes=[scene]))[0].model_dump()
        )
        assert 2 <= len(split_sentences(scene.narration)) <= 4
        assert spec.duration >= sum(a.run_time for a in spec.animations) - 1e-6
