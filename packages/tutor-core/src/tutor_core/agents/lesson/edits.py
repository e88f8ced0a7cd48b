"""Editing a scene by plain-English instructions (see docs/edit-grammar.md).

Each clause of an instruction either changes the scene (and says what it changed)
or is refused with `EditNotUnderstood`: a short message, a few instructions that do
work on this scene (`suggestions`) and the nearest supported phrasing (`nearest`).
Nothing is ever silently ignored, and the result is always a valid, re-paced spec.
"""

from __future__ import annotations

import copy

from pydantic import ValidationError

from tutor_core.agents.lesson.draft import Draft
from tutor_core.agents.lesson.generic import spec_from_narration
from tutor_core.agents.lesson.grammar import NotMatched, apply_clause, split_clauses
from tutor_core.agents.lesson.pacing import estimate_timing, pace, spec_timing, voice_rate
from tutor_core.agents.lesson.suggest import TEMPLATES, candidates, nearest, suggestions
from tutor_core.agents.lesson.targets import MissingTarget
from tutor_core.agents.lesson.topics import Topic, topic_of_scene
from tutor_core.errors import AgentError, EditNotUnderstood
from tutor_core.models import CodeSource, PlannedScene, SceneEdit, SpecSource
from tutor_core.spec import SceneSpec

__all__ = ["edit_scene", "split_clauses"]

_HINT_CHARS = 240
"""A refusal's hint stays short: one line a person reads at a glance."""


def _texts(spec: SceneSpec) -> list[str]:
    out: list[str] = []
    for el in spec.model_dump()["elements"]:
        for key in ("text", "latex", "code", "label"):
            if isinstance(el.get(key), str):
                out.append(el[key])
        out += el.get("items", [])
    return out


def _topic(scene: PlannedScene, spec: SceneSpec) -> Topic | None:
    return topic_of_scene(scene.title, scene.narration, _texts(spec))


def _draft(scene: PlannedScene, spec: SceneSpec, topic: Topic | None) -> Draft:
    return Draft(spec.model_dump(), scene.narration, scene.title, topic=topic)


def _apply_all(d: Draft, instruction: str) -> None:
    clauses = split_clauses(instruction)
    if not clauses:  # only punctuation: nothing to do is not an edit
        raise EditNotUnderstood("the edit instruction is empty")
    for clause in clauses:
        apply_clause(d, clause)


def _works(scene: PlannedScene, spec: SceneSpec, topic: Topic | None, instruction: str) -> bool:
    trial = _draft(scene, spec, topic)
    try:
        _apply_all(trial, instruction)
        _finish(trial, spec, scene.narration)
    except EditNotUnderstood:
        return False
    return True


def _refusal(
    exc: EditNotUnderstood, scene: PlannedScene, spec: SceneSpec, topic: Topic | None
) -> EditNotUnderstood:
    """The refusal with suggestions that work on this scene and the nearest phrasing."""
    works = [
        s for s in suggestions(copy.deepcopy(spec.model_dump()), scene.narration, topic,
                               lambda i: _works(scene, spec, topic, i))
    ]  # fmt: skip
    close = None
    # A phrasing to suggest instead only helps when the words were not understood or
    # named a part the scene lacks; a refusal of an understood edit has its own reason.
    if exc.clause and isinstance(exc, NotMatched | MissingTarget):
        concrete = candidates(spec.model_dump(), scene.narration, topic)
        close = nearest(exc.clause, concrete + list(TEMPLATES))
        if close is not None and close.lower() == exc.clause.lower():
            close = None
    specific = None if isinstance(exc, NotMatched) else exc.hint
    hint = EditNotUnderstood("", suggestions=works, nearest=close).hint or ""
    if specific:
        hint = f"{specific}; {hint}" if hint else specific
    if len(hint) > _HINT_CHARS:
        hint = hint[: _HINT_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return EditNotUnderstood(
        exc.message, hint=hint or None, suggestions=works, nearest=close, clause=exc.clause
    )


def _finish(d: Draft, before: SceneSpec, old_narration: str) -> SceneSpec:
    """Validate the draft and re-pace it to its narration (real timing when it still applies)."""
    timing = None if d.retimed else spec_timing(before, old_narration)
    if timing is None:
        rate = voice_rate(before, old_narration)
        timing = estimate_timing(d.narration, rate=rate)
    data = {**d.data, "duration": 300.0}
    try:
        spec = SceneSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise EditNotUnderstood(
            f"the edit would make an invalid scene: {first['msg']}",
            hint="try a shorter text or a simpler change",
        ) from None
    return pace(spec, d.narration, timing, stretch=False)


def edit_scene(scene: PlannedScene, instruction: str) -> SceneEdit:
    """Apply an instruction (one or more clauses) to a planned scene's spec.

    Raises:
        EditNotUnderstood: a clause is not understood or cannot apply to this scene;
            the scene is unchanged.
        AgentError: the scene is code, which this agent does not edit.
    """
    if isinstance(scene.source, CodeSource):
        raise AgentError(
            "the lesson agent edits specs, and this scene is code",
            hint="use an LLM agent to edit code scenes",
        )
    source = scene.source or spec_from_narration(scene.title, scene.narration).source
    assert isinstance(source, SpecSource)
    spec = source.spec
    topic = _topic(scene, spec)
    if not instruction.strip():
        raise _refusal(EditNotUnderstood("the edit instruction is empty"), scene, spec, topic)
    d = _draft(scene, spec, topic)
    try:
        _apply_all(d, instruction)
        new = _finish(d, spec, scene.narration)
    except EditNotUnderstood as exc:
        raise _refusal(exc, scene, spec, topic) from None
    return SceneEdit(
        source=SpecSource(spec=new),
        narration=d.narration,
        title=d.title,
        summary="; ".join(d.changes),
    )
