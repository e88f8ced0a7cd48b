"""LessonAgent: plans, writes, edits and repairs scene specs offline and deterministically."""

from __future__ import annotations

import math
import re

from tutor_core.agents.lesson.build import fit_duration
from tutor_core.agents.lesson.edits import edit_scene
from tutor_core.agents.lesson.generic import function_lesson, outline_lesson, spec_from_narration
from tutor_core.agents.lesson.mathtext import find_expression, to_python
from tutor_core.agents.lesson.pacing import estimate_timing, pace
from tutor_core.agents.lesson.phrases import TITLE_CHARS, subject_of, topic_phrase
from tutor_core.agents.lesson.repair import repair_source
from tutor_core.agents.lesson.text import check_prompt, check_scene_count, clip, pretty_math
from tutor_core.agents.lesson.topics import Context, Topic, match_topic
from tutor_core.errors import InvalidInput
from tutor_core.models import (
    LessonPlan,
    PlannedScene,
    RenderError,
    SceneEdit,
    SceneSource,
    SpecSource,
)

_USES_PROMPT_FUNCTION = {"derivative", "integral"}
OUTLINE_NOTICE = (
    'No built-in lesson on "{what}": this is an outline. For a full lesson, set '
    "TUTOR_AGENT=openai (a language model agent)."
)
"""The one line a person sees when the offline agent made an outline."""


def _topic_scenes(topic: Topic, ctx: Context, count: int) -> list[PlannedScene]:
    core = topic.core(ctx)
    if count <= len(core):
        # Keep the most important scenes, in lesson order.
        ranks = [c.rank for c in topic.scenes]
        keep = sorted(range(len(core)), key=lambda i: ranks[i])[:count]
        return [core[i] for i in sorted(keep)]
    extras = topic.extras()[: count - len(core)]
    return core[:-1] + extras + core[-1:]


def _function_heading(rhs: str) -> str:
    heading = pretty_math(f"y = {rhs.strip()}")
    return heading if len(heading) <= TITLE_CHARS else "A function of x"


def build_plan(prompt: str, scene_count: int) -> LessonPlan:
    """The lesson plan for a prompt (synchronous core of `LessonAgent.plan`).

    A prompt about a library topic gets that topic's lesson; a prompt that is just a
    function of x gets a lesson on the function; anything else gets an honest outline
    (`LessonPlan.outline` with a `notice` naming the setting for a full lesson).
    """
    text = check_prompt(prompt)
    check_scene_count(scene_count)
    topic = match_topic(text)
    if topic is not None:
        expr = find_expression(text) if topic.key in _USES_PROMPT_FUNCTION else None
        scenes = _topic_scenes(topic, Context(expr=expr), scene_count)
        return LessonPlan(title=topic.title, scenes=scenes)
    phrase = topic_phrase(text)
    expr = find_expression(text)
    rhs = re.sub(r"^(?:y|[fgh]\s*\(\s*x\s*\))\s*=\s*", "", phrase, flags=re.IGNORECASE)
    if expr is not None and to_python(rhs) is not None:
        # The prompt is just a function: the agent can really show it.
        heading = _function_heading(rhs)
        shown = f"y = {rhs.strip()}"
        return LessonPlan(title=heading, scenes=function_lesson(expr, shown, heading, scene_count))
    subject = subject_of(phrase)
    return LessonPlan(
        title=subject.heading,
        scenes=outline_lesson(subject, scene_count),
        outline=True,
        notice=OUTLINE_NOTICE.format(what=clip(subject.phrase, 60)),
    )


def write_scene(plan: LessonPlan, index: int, narration_seconds: float) -> SceneSource:
    """Scene `index` of a plan, lasting `max(narration_seconds, its animations)`."""
    if not 0 <= index < len(plan.scenes):
        raise InvalidInput(
            f"scene index {index} is outside the plan",
            hint=f"the plan has scenes 0 to {len(plan.scenes) - 1}",
        )
    if not math.isfinite(narration_seconds) or narration_seconds < 0:
        raise InvalidInput(
            f"narration_seconds must be a non-negative number, got {narration_seconds}",
            hint="pass the length of the synthesized narration in seconds",
        )
    planned = plan.scenes[index]
    source = planned.source
    if source is None:
        source = spec_from_narration(planned.title, planned.narration).source
    if isinstance(source, SpecSource):
        spec = fit_duration(source.spec, narration_seconds)
        timing = estimate_timing(planned.narration, narration_seconds)
        return SpecSource(
            spec=fit_duration(pace(spec, planned.narration, timing), narration_seconds)
        )
    assert source is not None
    return source


class LessonAgent:
    """The offline lesson agent: a topic library, a generic fallback and an edit grammar.

    It needs no network and no model, and it is deterministic: the same prompt
    always gives the same plan.
    """

    name = "lesson"
    quick_edits = True
    """Edits need no model call: a server may ask before it queues one (check_edit)."""

    async def plan(self, prompt: str, scene_count: int) -> LessonPlan:
        """Plan `scene_count` scenes (1-12) with titles, narration and specs.

        Topics outside the library get an outline (`LessonPlan.outline`, `notice`).
        """
        return build_plan(prompt, scene_count)

    async def write(self, plan: LessonPlan, index: int, *, narration_seconds: float) -> SceneSource:
        """The planned spec of scene `index`, timed to the narration."""
        return write_scene(plan, index, narration_seconds)

    async def edit(self, scene: PlannedScene, instruction: str) -> SceneEdit:
        """Apply an edit instruction (see docs/edit-grammar.md)."""
        return edit_scene(scene, instruction)

    async def repair(self, source: SceneSource, error: RenderError) -> SceneSource:
        """Simplify a spec that failed to render (AgentError when nothing is left)."""
        return repair_source(source, error)
