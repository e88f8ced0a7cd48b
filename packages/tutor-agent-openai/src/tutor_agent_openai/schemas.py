"""What the model answers, as pydantic models sent as JSON schema (structured outputs)."""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tutor_core.models import CodeSource, SceneSource, SpecSource
from tutor_core.spec import SceneSpec


class Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PlannedSceneOut(Answer):
    title: str = Field(min_length=1, max_length=80, description="Short scene title.")
    narration: str = Field(
        min_length=1,
        max_length=1500,
        description="What the narrator says in this scene, in full sentences (its length "
        "sets the scene's length: about 2.5 words per second).",
    )
    goal: str = Field(max_length=300, description="What the viewer should understand after it.")


class PlanOut(Answer):
    """A lesson plan."""

    title: str = Field(min_length=1, max_length=80)
    scenes: list[PlannedSceneOut] = Field(min_length=1, max_length=30)


class SourceOut(Answer):
    """Scene source: a SceneSpec where it can express the scene, else Manim code."""

    kind: Literal["spec", "code"] = Field(
        description="'spec' for a SceneSpec (preferred), 'code' for a Manim Scene subclass."
    )
    spec: dict[str, Any] | None = Field(
        default=None, description="The SceneSpec when kind is 'spec', else null."
    )
    code: str | None = Field(
        default=None, description="The complete Manim file when kind is 'code', else null."
    )

    def to_source(self) -> SceneSource:
        """The scene source (raise ValueError saying what is wrong)."""
        if self.kind == "spec":
            if not isinstance(self.spec, dict):
                raise ValueError("kind is 'spec' but `spec` is not a SceneSpec object")
            try:
                return SpecSource(spec=SceneSpec.model_validate(self.spec))
            except ValidationError as exc:
                raise ValueError(describe(exc, prefix="spec")) from None
        if not self.code or not self.code.strip():
            raise ValueError("kind is 'code' but `code` is empty")
        return CodeSource(code=strip_fences(self.code))


class EditOut(SourceOut):
    """An edited scene, or a refusal when the instruction cannot be applied."""

    understood: bool = Field(description="False when the instruction cannot be applied.")
    reason: str = Field(default="", description="Why not, when understood is false.")
    suggestions: list[str] = Field(
        default_factory=list, description="A few instructions that would work, when refused."
    )
    title: str = Field(default="", description="The scene title after the edit.")
    narration: str = Field(default="", description="The narration after the edit.")
    summary: str = Field(default="", description="One line: what changed.")


def response_format(model: type[BaseModel], *, strict: bool) -> dict[str, Any]:
    """The chat completions `response_format` for a pydantic model."""
    schema = model.model_json_schema()
    if strict:
        schema = strict_schema(schema)
    return {
        "type": "json_schema",
        "json_schema": {"name": model.__name__, "schema": schema, "strict": strict},
    }


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema OpenAI's strict mode accepts: refs inlined, every property required,
    no additional properties, no defaults."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return walk(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]))
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties":  # names of properties, not schema keywords
                out[key] = {name: walk(sub) for name, sub in value.items()}
            elif key not in ("$defs", "default", "title"):
                out[key] = walk(value)
        if out.get("type") == "object" and "properties" in out:
            out["required"] = list(out["properties"])
            out["additionalProperties"] = False
        return out

    result: dict[str, Any] = walk(schema)
    return result


A = TypeVar("A", bound=Answer)


def parse_answer(model: type[A], content: str | None) -> A:
    """Validate the model's JSON answer (raise ValueError with what to fix)."""
    if content is None or not content.strip():
        raise ValueError("the answer was empty; answer with one JSON object")
    text = strip_fences(content)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"the answer is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            "answer with one JSON object that matches the schema, and nothing else"
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValueError(describe(exc)) from None


def describe(exc: ValidationError, limit: int = 8, prefix: str = "") -> str:
    """A validation error as short lines for a model to act on."""
    lines = []
    for error in exc.errors(include_url=False)[:limit]:
        where = ".".join(str(p) for p in (prefix, *error["loc"]) if p != "") or "(top level)"
        lines.append(f"- {where}: {error['msg']}")
    more = exc.error_count() - limit
    if more > 0:
        lines.append(f"- ... and {more} more")
    return "the answer does not match the schema:\n" + "\n".join(lines)


_FENCE = re.compile(r"^\s*```[A-Za-z0-9_+-]*\s*\n(.*?)\n?```\s*$", re.DOTALL)


def strip_fences(text: str) -> str:
    """Text without one surrounding Markdown code fence (models add them unasked)."""
    match = _FENCE.match(text)
    return match.group(1) if match else text
