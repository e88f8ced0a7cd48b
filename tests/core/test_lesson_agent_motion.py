"""Scenes keep moving while the narrator speaks: the checker, pacing, and every lesson."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor_core.agents.lesson import TOPICS, build_plan, write_scene
from tutor_core.agents.lesson.pacing import (
    MAX_STILL,
    estimate_timing,
    longest_still,
    pace,
    spec_timing,
    still_stretches,
    strip_fillers,
)
from tutor_core.agents.lesson.topics import Context
from tutor_core.models import LessonPlan, SpecSource
from tutor_core.narration.text import split_sentences
from tutor_core.spec import SceneSpec

COUNTS = (1, 3, 6, 12)
GENERIC = ("photosynthesis", "how do vaccines work", "plot y = x^3 - 2x", "supply and demand")


def _spec(**fields: object) -> SceneSpec:
    base: dict[str, object] = {
        "elements": [{"kind": "text", "id": "t", "text": "hello"},
                     {"kind": "equation", "id": "e", "latex": "x^2"}],
        "duration": 10.0,
    }  # fmt: skip
    return SceneSpec.model_validate({**base, **fields})


# ------------------------------------------------------------------ the checker


def test_still_stretches_are_the_gaps_between_animations() -> None:
    spec = _spec(
        animations=[
            {"action": "write", "target": "t", "runTime": 1.0},
            {"action": "write", "target": "e", "runTime": 1.0, "cue": 1},
        ],
        cues=[0.0, 5.0],
    )
    assert still_stretches(spec) == [(1.0, 5.0), (6.0, 10.0)]
    assert longest_still(spec) == pytest.approx(4.0)
    assert still_stretches(spec, until=7.0) == [(1.0, 5.0), (6.0, 7.0)]
    assert still_stretches(spec, longer_than=3.5) == [(1.0, 5.0), (6.0, 10.0)]


def test_waits_are_not_motion() -> None:
    spec = _spec(animations=[{"action": "wait", "runTime": 8.0}])
    assert longest_still(spec) == pytest.approx(10.0)


def test_a_scene_without_animations_is_still_throughout() -> None:
    assert still_stretches(_spec()) == [(0.0, 10.0)]


@settings(max_examples=80)
@given(
    st.lists(st.floats(0.1, 4.0), min_size=1, max_size=6),
    st.lists(st.floats(0.0, 20.0), min_size=1, max_size=6),
)
def test_still_and_busy_time_add_up_to_the_scene(runs: list[float], cues: list[float]) -> None:
    cues = sorted(cues)
    animations = [
        {"action": "indicate", "target": "t", "runTime": r, "cue": min(i, len(cues) - 1)}
        for i, r in enumerate(runs)
    ]
    duration = max(cues[-1], 1.0) + sum(runs)
    spec = _spec(animations=animations, cues=cues, duration=duration)
    still = sum(b - a for a, b in still_stretches(spec))
    busy_union = duration - still
    assert 0 <= still <= duration + 1e-6
    # Animations never overlap in the schedule: busy time is their total run time.
    assert busy_union == pytest.approx(sum(runs), abs=5e-3)  # stretches are rounded to ms


# ------------------------------------------------------------------ pacing


def test_pacing_fills_long_silences_and_pacing_again_adds_nothing() -> None:
    narration = (
        "This first sentence runs for quite a while with nothing else going on at all. "
        "The second sentence also goes on and on while the picture stays exactly the same."
    )
    spec = _spec(animations=[{"action": "write", "target": "t", "runTime": 1.0, "cue": 0}])
    timing = estimate_timing(narration, 16.0)
    paced = pace(spec, narration, timing)
    assert longest_still(paced, timing.speech_end) <= MAX_STILL
    assert paced.cues == timing.starts
    assert pace(paced, narration, timing) == paced  # pacing is idempotent
    data = paced.model_dump()
    strip_fillers(data)
    assert [a["action"] for a in data["animations"]] == ["write"]


def test_pacing_never_moves_an_animation_before_its_sentence() -> None:
    narration = "One short sentence. Then a second one that comes much later in the scene."
    spec = _spec(
        animations=[
            {"action": "write", "target": "t", "runTime": 1.0, "cue": 0},
            {"action": "write", "target": "e", "runTime": 1.0, "cue": 1},
        ]
    )
    timing = estimate_timing(narration, 20.0)
    paced = pace(spec, narration, timing)
    starts = {a.target: s for s, a in paced.schedule() if a.cue is not None}
    assert starts["e"] >= timing.starts[1] - 1e-6


def test_timing_estimates_follow_the_real_length() -> None:
    narration = "Short one. A much longer second sentence with many more words in it."
    fast, slow = estimate_timing(narration, 6.0), estimate_timing(narration, 12.0)
    assert fast.starts[0] == slow.starts[0]  # the narrator's lead-in
    assert fast.starts[1] < slow.starts[1] and fast.speech_end < slow.speech_end
    assert len(fast.starts) == len(split_sentences(narration))


def test_spec_timing_uses_real_cues_only_when_they_match_the_narration() -> None:
    spec = _spec(cues=[0.3, 2.0], duration=5.0)
    assert spec_timing(spec, "One. Two.") is not None
    assert spec_timing(spec, "Only one.") is None


# ------------------------------------------------------------------ every lesson


def _plans() -> list[tuple[str, int]]:
    prompts = [t.keywords[0] for t in TOPICS] + list(GENERIC)
    return [(p, n) for p in prompts for n in COUNTS]


@pytest.mark.parametrize(("prompt", "count"), _plans())
def test_every_planned_scene_moves_while_it_speaks(prompt: str, count: int) -> None:
    plan = build_plan(prompt, count)
    for scene in plan.scenes:
        assert isinstance(scene.source, SpecSource)
        spec = scene.source.spec
        timing = estimate_timing(scene.narration)
        still = longest_still(spec, timing.speech_end)
        assert still <= MAX_STILL, f"{prompt!r} / {scene.title!r}: {still:.1f} s still"


@pytest.mark.parametrize("prompt", [t.keywords[0] for t in TOPICS] + list(GENERIC))
@pytest.mark.parametrize("speed", [0.7, 1.0, 1.4])
def test_written_scenes_move_for_a_faster_or_slower_voice(prompt: str, speed: float) -> None:
    """`write` re-paces to the real narration length (a voice faster or slower than planned)."""
    plan: LessonPlan = build_plan(prompt, 6)
    for index, scene in enumerate(plan.scenes):
        assert isinstance(scene.source, SpecSource)
        seconds = round(scene.source.spec.duration * speed, 2)
        source = write_scene(plan, index, seconds)
        assert isinstance(source, SpecSource)
        timing = estimate_timing(scene.narration, seconds)
        still = longest_still(source.spec, timing.speech_end)
        assert still <= MAX_STILL, f"{prompt!r} / {scene.title!r} at {speed}: {still:.1f} s"
        assert source.spec.duration >= seconds - 1e-6


def test_topic_animations_follow_the_conventions() -> None:
    """Every hand-written animation has a cue and every scene starts on its first sentence."""
    for topic in TOPICS:
        for core in topic.scenes:
            _, animations = core.build(Context())
            assert animations, f"{topic.key} / {core.title} has no animation"
            assert all(a.cue is not None for a in animations), f"{topic.key} / {core.title}"
            assert min(a.cue or 0 for a in animations) == 0, f"{topic.key} / {core.title}"
