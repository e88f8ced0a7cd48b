"""Small constructors that keep topic and generic scene definitions short and valid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tutor_core.agents.lesson.pacing import estimate_timing, pace
from tutor_core.models import PlannedScene, SpecSource
from tutor_core.spec import Animation, Element, SceneSpec, TextElement

MAX_RUN_TIME = 30.0


def anim(
    action: str,
    target: str | None = None,
    cue: int | None = None,
    run_time: float = 1.0,
    **extra: Any,
) -> Animation:
    """An animation (validated by the spec model)."""
    return Animation.model_validate(
        {"action": action, "target": target, "cue": cue, "run_time": run_time, **extra}
    )


def fit_duration(spec: SceneSpec, seconds: float) -> SceneSpec:
    """A copy of spec lasting `max(seconds, animation time)`, at most 300 s.

    When the animations would not fit in 300 s their run times are scaled down
    proportionally (never below 0.1 s), so the result is always a valid spec.
    """
    data = spec.model_dump()
    busy = sum(a["run_time"] for a in data["animations"])
    duration = min(max(seconds, busy, 1.0), 300.0)
    if busy > duration:
        scale = duration / busy
        for a in data["animations"]:
            a["run_time"] = max(0.1, round(a["run_time"] * scale, 3))
        busy = sum(a["run_time"] for a in data["animations"])
        # Rounding up to the 0.1 s floor can still overflow: drop trailing waits/extras.
        while busy > duration and data["animations"]:
            busy -= data["animations"].pop()["run_time"]
    data["duration"] = round(duration, 3)
    return SceneSpec.model_validate(data)


def scene(
    title: str,
    sentences: Sequence[str],
    elements: Sequence[Element],
    animations: Sequence[Animation],
    *,
    spec_title: str | None = None,
    background: str = "black",
) -> PlannedScene:
    """A planned scene whose spec lasts about as long as its narration and keeps moving.

    Every animation must carry a cue (the sentence it belongs to): un-cued
    `indicate`/`wait` animations are pacing's own (see `pacing`).
    """
    narration = " ".join(sentences)
    n = len(sentences)
    # Cues beyond the narration would never fire at the right time: clamp them.
    fixed = [
        a.model_copy(update={"cue": min(a.cue, n - 1)}) if a.cue is not None else a
        for a in animations
    ]
    shown_title: str | None = spec_title if spec_title is not None else title
    texts = [e for e in elements if isinstance(e, TextElement)]
    headline = any(e.id == "headline" for e in texts)
    if shown_title and (
        headline or any(e.text.casefold() == shown_title.casefold() for e in texts)
    ):
        # A title card shows its own headline (id "headline"): no title band above it,
        # and the texts stack in the middle instead of sitting in two columns.
        shown_title = None
        if len(texts) == len(elements):
            elements = [
                e.model_copy(update={"region": "body"}) if e.region == "auto" else e
                for e in elements
            ]
    spec = SceneSpec(
        title=shown_title,
        elements=list(elements),
        animations=fixed,
        duration=300.0,
        background=background,
    )
    spec = pace(spec, narration, estimate_timing(narration))
    return PlannedScene(title=title, narration=narration, source=SpecSource(spec=spec))
