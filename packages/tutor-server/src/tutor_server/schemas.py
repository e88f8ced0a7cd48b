"""The API's request and response bodies: camelCase on the wire, snake_case in Python."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from tutor_core.models import SceneStatus, SessionStatus
from tutor_core.prompts import MAX_PROMPT_CHARS, MAX_SCENES, MIN_SCENES


class ApiModel(BaseModel):
    """Base of every API body."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


def _text(value: str) -> str:
    folded = " ".join(value.split())
    if not folded:
        raise ValueError("must not be blank")
    return folded


# ----------------------------------------------------------------- requests


class ProjectCreate(ApiModel):
    title: str = Field(min_length=1, max_length=200, examples=["Geometry"])
    description: str | None = Field(default=None, max_length=2000)

    _title = field_validator("title")(_text)


class ProjectUpdate(ApiModel):
    title: str = Field(min_length=1, max_length=200, examples=["Geometry, part 2"])

    _title = field_validator("title")(_text)


class SessionCreate(ApiModel):
    prompt: str = Field(
        min_length=1,
        max_length=MAX_PROMPT_CHARS,
        examples=["explain the Pythagorean theorem in 4 scenes"],
    )
    scene_count: int | None = Field(
        default=None,
        ge=MIN_SCENES,
        le=MAX_SCENES,
        description="How many scenes; default: what the prompt says, else 4.",
    )
    quality: Literal["draft", "final"] | None = Field(
        default=None, description="draft is 854x480, final 1920x1080 (both 30 fps)."
    )

    _prompt = field_validator("prompt")(_text)


class SceneEditRequest(ApiModel):
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS, examples=["make it blue"])

    _prompt = field_validator("prompt")(_text)


class RollbackRequest(ApiModel):
    version: int = Field(ge=1, le=1_000_000, description="An older version of the scene.")


class GenerateJobRequest(ApiModel):
    """The seed's `/jobs/generate` body (sent by the Convex action)."""

    project_id: str = Field(min_length=1, max_length=64)
    session_id: str = Field(min_length=1, max_length=64)
    scene_count: int = Field(ge=MIN_SCENES, le=MAX_SCENES)
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)

    _prompt = field_validator("prompt")(_text)


class EditJobRequest(ApiModel):
    """The seed's `/jobs/edit` body (sent by the Convex action)."""

    scene_id: str = Field(min_length=1, max_length=64)
    project_id: str = Field(min_length=1, max_length=64)
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)

    _prompt = field_validator("prompt")(_text)


class RetryJobRequest(ApiModel):
    """The `/jobs/retry` body (sent by the Convex action): run a failed scene again."""

    scene_id: str = Field(min_length=1, max_length=64)
    project_id: str = Field(min_length=1, max_length=64)


# ---------------------------------------------------------------- responses


class UserOut(ApiModel):
    id: str
    external_id: str
    name: str | None = None


class ProjectOut(ApiModel):
    id: str
    title: str
    description: str | None = None
    created_at: float
    updated_at: float


class SceneOut(ApiModel):
    id: str
    session_id: str
    index: int
    title: str | None
    status: SceneStatus
    version: int
    checksum: str | None
    start_frame: int
    end_frame: int
    duration_in_frames: int
    error_message: str | None
    chunk_url: str | None = Field(description="Computed when read; presigned ones expire.")
    subtitles_url: str | None
    job_id: str | None
    updated_at: float


class SessionOut(ApiModel):
    id: str
    project_id: str
    title: str | None
    prompt: str | None
    status: SessionStatus
    quality: Literal["draft", "final"]
    fps: int
    width: int
    height: int
    codec: str
    duration_in_frames: int | None
    error_message: str | None
    job_id: str | None
    version: int
    created_at: float
    updated_at: float
    scene_count: int | None = Field(
        default=None, description="Scenes asked for (the plan may differ until it is made)."
    )
    outline: bool = Field(
        default=False,
        description="The agent did not know the topic: the lesson is an outline, not a "
        "full explanation (a language-model agent gives a full one).",
    )
    notice: str | None = Field(
        default=None, description="What a person should know about this lesson, if anything."
    )


class SessionDetail(SessionOut):
    scenes: list[SceneOut]


class VersionOut(ApiModel):
    version: int
    current: bool
    chunk_url: str
    subtitles_url: str | None
    title: str | None = Field(default=None, description="The scene's title in this version.")
    change: str | None = Field(
        default=None,
        description='What made this version: "first version", "edit: ...", '
        '"restored version 2" (none for versions stored before this was recorded).',
    )


class ExportOut(ApiModel):
    session_id: str
    version: int = Field(description="The session version that was exported.")
    video_url: str
    subtitles_url: str
    frames: int
    duration: float = Field(description="Seconds.")
    scenes: int
    missing_scenes: list[int] = Field(description="Indexes of scenes left out (not playable).")


class JobAccepted(ApiModel):
    job_id: str
    session_id: str
    scene_id: str | None = None
    status: Literal["queued"] = "queued"


class Health(ApiModel):
    status: Literal["ok"] = "ok"


class Readiness(ApiModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str]
