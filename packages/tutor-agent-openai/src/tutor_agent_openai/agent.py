"""OpenAIAgent: plans, writes, edits and repairs scenes with an OpenAI-compatible model.

Every answer is structured output (a pydantic model sent as JSON schema). While it
writes, edits or repairs code the model may call the Manim docs tools (MCP); the agent
then calls `validate_scene` itself on the code it got, and sends the problems back,
up to `max_attempts` times. Code that never passes is not returned: the agent raises
AgentError and the pipeline shows its fallback scene instead.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tutor_agent_openai import prompts
from tutor_agent_openai.client import ChatClient
from tutor_agent_openai.docs import DocsSession, open_docs
from tutor_agent_openai.schemas import (
    Answer,
    EditOut,
    PlanOut,
    SourceOut,
    parse_answer,
    response_format,
)
from tutor_core.code_timing import pad_to_narration, padded_seconds
from tutor_core.errors import AgentError, ConfigurationError, EditNotUnderstood, InvalidInput
from tutor_core.models import (
    CodeSource,
    LessonPlan,
    PlannedScene,
    RenderError,
    SceneEdit,
    SceneSource,
    SpecSource,
)
from tutor_core.settings import Settings

log = logging.getLogger("tutor.agent.openai")

A = TypeVar("A", bound=Answer)

MAX_PROMPT_CHARS = 4000
TRACEBACK_CHARS = 3000


@dataclass
class AgentConfig:
    """What the agent needs from the settings."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 120.0
    max_attempts: int = 3
    max_tool_calls: int = 12
    mcp_servers: Sequence[str] = ("tutor-manim-mcp",)
    docs_cache: Path | None = None
    input_price: float | None = None
    output_price: float | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AgentConfig:
        """The agent's configuration (raise ConfigurationError naming what is missing)."""
        missing = [
            name
            for name, value in (
                ("TUTOR_OPENAI_BASE_URL", settings.openai_base_url),
                ("TUTOR_OPENAI_MODEL", settings.openai_model),
            )
            if not value
        ]
        if missing:
            raise ConfigurationError(
                f"the openai agent needs {' and '.join(missing)}",
                hint="set TUTOR_OPENAI_BASE_URL to an OpenAI-compatible endpoint (e.g. "
                "http://127.0.0.1:11434/v1 for Ollama) and TUTOR_OPENAI_MODEL to one of its "
                "models; or use the offline agent (unset TUTOR_AGENT)",
            )
        assert settings.openai_base_url is not None and settings.openai_model is not None
        if not settings.openai_base_url.startswith(("http://", "https://")):
            raise ConfigurationError(
                f"TUTOR_OPENAI_BASE_URL={settings.openai_base_url!r} is not an http(s) URL",
                hint="write it with its scheme, e.g. http://127.0.0.1:11434/v1",
            )
        key = settings.openai_api_key
        return cls(
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            api_key=key.get_secret_value() if key is not None else None,
            timeout=settings.openai_timeout,
            max_attempts=settings.openai_max_attempts,
            max_tool_calls=settings.openai_max_tool_calls,
            mcp_servers=tuple(settings.openai_mcp_servers),
            docs_cache=settings.cache_root / "manim-docs",
            input_price=settings.openai_input_price,
            output_price=settings.openai_output_price,
        )


class OpenAIAgent:
    """The `openai` agent (see the module docstring)."""

    name = "openai"

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.client = ChatClient(
            base_url=config.base_url,
            model=config.model,
            api_key=config.api_key,
            timeout=config.timeout,
            max_attempts=config.max_attempts,
            input_price=config.input_price,
            output_price=config.output_price,
        )
        self.tool_calls = 0
        """Documentation tool calls made so far (all calls of this agent)."""
        self.validations = 0
        """`validate_scene` checks the agent made itself, and how many failed."""
        self.rejected = 0

    # ------------------------------------------------------------------ plan

    async def plan(self, prompt: str, scene_count: int) -> LessonPlan:
        """A lesson plan of `scene_count` scenes (titles, narration, goals)."""
        text = prompt.strip()
        if not text:
            raise InvalidInput("empty prompt", hint='say what to explain, e.g. "explain sine"')
        if len(text) > MAX_PROMPT_CHARS:
            raise InvalidInput(f"prompt longer than {MAX_PROMPT_CHARS} characters")
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": prompts.plan_system(scene_count)},
            {"role": "user", "content": f"{text}\n\nExactly {scene_count} scenes."},
        ]
        for attempt in range(1, self.config.max_attempts + 1):
            answer = await self._answer(messages, PlanOut, strict=True, docs=None)
            if len(answer.scenes) == scene_count:
                return LessonPlan(
                    title=answer.title,
                    scenes=[
                        PlannedScene(title=s.title, narration=s.narration, goal=s.goal or None)
                        for s in answer.scenes
                    ],
                )
            log.info(
                "plan had %d scenes, not %d (attempt %d)", len(answer.scenes), scene_count, attempt
            )
            messages += [
                {"role": "assistant", "content": answer.model_dump_json()},
                {
                    "role": "user",
                    "content": f"That plan has {len(answer.scenes)} scenes; it must have exactly "
                    f"{scene_count}. Answer again.",
                },
            ]
        raise AgentError(
            f"the model did not plan {scene_count} scenes in {self.config.max_attempts} attempts",
            hint="try again, ask for a different number of scenes, or use a stronger "
            "TUTOR_OPENAI_MODEL",
        )

    # ----------------------------------------------------------------- write

    async def write(self, plan: LessonPlan, index: int, *, narration_seconds: float) -> SceneSource:
        """Write scene `index`: a spec, or code that passed validate_scene."""
        scene = plan.scenes[index]
        outline = "\n".join(
            f"{i + 1}. {s.title}{'  <- this scene' if i == index else ''}"
            for i, s in enumerate(plan.scenes)
        )
        user = (
            f"Lesson: {plan.title}\n{outline}\n\n"
            f"Write scene {index + 1}: {scene.title}\n"
            f"Goal: {scene.goal or '(see narration)'}\n"
            f"Narration ({narration_seconds:.1f} seconds; the scene lasts that long):\n"
            f"{scene.narration}"
        )
        messages = [
            {"role": "system", "content": prompts.write_system()},
            {"role": "user", "content": user},
        ]
        async with self._docs() as docs:
            return await self._source(
                messages, SourceOut, docs, what=f"scene {index + 1}", seconds=narration_seconds
            )

    # ------------------------------------------------------------------ edit

    async def edit(self, scene: PlannedScene, instruction: str) -> SceneEdit:
        """Apply an instruction, keeping what it does not mention (or refuse it)."""
        if scene.source is None:
            raise AgentError("this scene has no source to edit")
        user = (
            f"Instruction: {instruction}\n\nCurrent title: {scene.title}\n"
            f"Current narration: {scene.narration}\nCurrent source:\n{_show(scene.source)}"
        )
        messages = [
            {"role": "system", "content": prompts.edit_system()},
            {"role": "user", "content": user},
        ]
        async with self._docs() as docs:
            answer: EditOut | None = None

            def refusal(out: Answer) -> None:
                nonlocal answer
                assert isinstance(out, EditOut)
                answer = out
                if not out.understood:
                    raise EditNotUnderstood(
                        f"the model did not apply {instruction!r}: "
                        f"{out.reason or 'no reason given'}",
                        suggestions=[s for s in out.suggestions if s.strip()][:3],
                    )

            seconds = (
                padded_seconds(scene.source.code) if isinstance(scene.source, CodeSource) else None
            )
            source = await self._source(
                messages, EditOut, docs, what="the edited scene", check=refusal, seconds=seconds
            )
        assert answer is not None
        return SceneEdit(
            source=source,
            narration=answer.narration.strip() or scene.narration,
            title=answer.title.strip() or scene.title,
            summary=answer.summary.strip() or instruction,
        )

    # ---------------------------------------------------------------- repair

    async def repair(self, source: SceneSource, error: RenderError) -> SceneSource:
        """Fix a source from its structured render error (code that passes validate_scene)."""
        report = error.model_dump(mode="json", exclude_none=True)
        if report.get("traceback"):
            report["traceback"] = report["traceback"][-TRACEBACK_CHARS:]
        user = (
            f"Source:\n{_show(source)}\n\nRender error:\n{json.dumps(report, indent=1)}\n\nFix it."
        )
        messages = [
            {"role": "system", "content": prompts.repair_system()},
            {"role": "user", "content": user},
        ]
        seconds = padded_seconds(source.code) if isinstance(source, CodeSource) else None
        async with self._docs() as docs:
            return await self._source(
                messages, SourceOut, docs, what="the repaired scene", seconds=seconds
            )

    # -------------------------------------------------------------- helpers

    def _docs(self) -> Any:
        return open_docs(list(self.config.mcp_servers), self._docs_cache())

    def _docs_cache(self) -> Path:
        if self.config.docs_cache is not None:
            return self.config.docs_cache
        return Settings().cache_root / "manim-docs"

    async def _source(
        self,
        messages: list[dict[str, Any]],
        model: type[SourceOut],
        docs: DocsSession,
        *,
        what: str,
        check: Any = None,
        seconds: float | None = None,
    ) -> SceneSource:
        """Ask until the answer is a valid spec or code that passes validate_scene.

        With `seconds`, code gets a closing wait so that it lasts that long at least.
        """
        last = "no answer"
        for attempt in range(1, self.config.max_attempts + 1):
            answer = await self._answer(messages, model, strict=False, docs=docs)
            if check is not None:
                check(answer)
            problem: str | None = None
            try:
                source = answer.to_source()
            except ValueError as exc:
                problem = str(exc)
            else:
                if isinstance(source, SpecSource):
                    return source
                if seconds is not None:
                    code = pad_to_narration(source.code, seconds, source.scene_class)
                    source = source.model_copy(update={"code": code})
                self.validations += 1
                report = await docs.validate(source.code)
                if report.ok:
                    return source
                self.rejected += 1
                problem = "validate_scene refused the code:\n" + report.feedback()
            last = " ".join(problem.split())
            last = last if len(last) <= 300 else last[:300] + "..."
            log.info("%s: attempt %d refused: %s", what, attempt, last)
            messages += [
                {"role": "assistant", "content": answer.model_dump_json()},
                {"role": "user", "content": f"{problem}\n\nFix this and answer again."},
            ]
        raise AgentError(
            f"the model wrote no usable source for {what} in {self.config.max_attempts} "
            f"attempts; last problem: {last}",
            hint="retry the scene, raise TUTOR_OPENAI_MAX_ATTEMPTS, or use a stronger "
            "TUTOR_OPENAI_MODEL",
        )

    async def _answer(
        self,
        messages: list[dict[str, Any]],
        model: type[A],
        *,
        strict: bool,
        docs: DocsSession | None,
    ) -> A:
        """One structured answer, after any documentation tool calls the model makes.

        A malformed answer is sent back once per attempt with what is wrong; after
        `max_attempts` malformed answers the model is given up on.
        """
        fmt = response_format(model, strict=strict)
        calls = 0
        malformed = 0
        while True:
            offer = docs is not None and calls < self.config.max_tool_calls
            reply = await self.client.chat(
                messages,
                tools=docs.openai_tools() if offer and docs is not None else None,
                response_format=fmt,
            )
            if reply.tool_calls and offer and docs is not None:
                messages.append(
                    {
                        "role": "assistant",
                        "content": reply.content,
                        "tool_calls": reply.tool_calls,
                    }
                )
                for call in reply.tool_calls:
                    calls += 1
                    self.tool_calls += 1
                    messages.append(await _run_tool(docs, call))
                continue
            try:
                return parse_answer(model, reply.content)
            except ValueError as exc:
                malformed += 1
                if malformed >= self.config.max_attempts:
                    raise AgentError(
                        f"the model answered {malformed} times with something that is not the "
                        f"JSON asked for: {str(exc).splitlines()[0]}",
                        hint="TUTOR_OPENAI_MODEL must support structured output (JSON schema "
                        "response_format); pick a model that does, or retry",
                    ) from None
                messages += [
                    {"role": "assistant", "content": reply.content or ""},
                    {"role": "user", "content": f"{exc}\n\nAnswer again."},
                ]


async def _run_tool(docs: DocsSession, call: dict[str, Any]) -> dict[str, Any]:
    """Run one tool call of the model and make the `tool` message that answers it."""
    function = call.get("function") if isinstance(call.get("function"), dict) else {}
    assert isinstance(function, dict)
    name = str(function.get("name", ""))
    raw = function.get("arguments", "{}")
    try:
        arguments = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(arguments, dict):
            raise ValueError("arguments must be a JSON object")
    except (ValueError, json.JSONDecodeError) as exc:
        text = f"error: the arguments are not a JSON object ({exc})"
    else:
        _, text = await docs.call(name, arguments)
    return {"role": "tool", "tool_call_id": str(call.get("id", "")), "content": text}


def _show(source: SceneSource) -> str:
    if isinstance(source, CodeSource):
        return f"(kind code)\n```python\n{source.code}\n```"
    spec = source.spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return f"(kind spec)\n{json.dumps(spec, indent=1)}"
