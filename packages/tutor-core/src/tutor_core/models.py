"""Data models: users, projects, video sessions, scenes, and the values passed between plugins.

Python attributes are snake_case; the wire format (JSON, Convex, the web app) is camelCase.
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from tutor_core.spec import SceneSpec


def now_ms() -> float:
    """Milliseconds since the epoch, as Convex stores times."""
    return time.time() * 1000.0


class WireModel(BaseModel):
    """Base model: snake_case in Python, camelCase on the wire."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        validate_assignment=True,
    )

    def to_wire(self) -> dict[str, object]:
        """The camelCase JSON-compatible dict (None values dropped)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class SessionStatus(StrEnum):
    """Status of a video session (see `tutor_core.states`)."""

    IDLE = "idle"
    QUEUED = "queued"
    GENERATING = "generating"
    RENDERING = "rendering"
    READY = "ready"
    ERROR = "error"


class SceneStatus(StrEnum):
    """Status of one scene (see `tutor_core.states`)."""

    QUEUED = "queued"
    GENERATING_CODE = "generating_code"
    RENDERING = "rendering"
    UPLOADING = "uploading"
    READY = "ready"
    ERROR = "error"


Quality = Literal["draft", "final"]
"""`final` is 1920x1080 at 30 fps; `draft` is 854x480 at 30 fps."""

QUALITY_SIZES: dict[str, tuple[int, int]] = {"final": (1920, 1080), "draft": (854, 480)}
FPS = 30


class User(WireModel):
    """A person, mapped from the auth provider's stable id."""

    id: str
    external_id: str
    name: str | None = None
    email: str | None = None
    created_at: float = Field(default_factory=now_ms)


class Project(WireModel):
    """A user's project; it holds video sessions."""

    id: str
    owner_id: str
    title: str
    description: str | None = None
    created_at: float = Field(default_factory=now_ms)
    updated_at: float = Field(default_factory=now_ms)
    revision: int = 1


class VideoSession(WireModel):
    """One generated video: an ordered list of scenes rendered to chunks."""

    id: str
    project_id: str
    status: SessionStatus = SessionStatus.IDLE
    target_fps: int = FPS
    width: int = 1920
    height: int = 1080
    codec: str = "h264"
    duration_in_frames: int | None = None
    error_message: str | None = None
    job_id: str | None = None
    """The job that holds the session (see `lease_expires_at`)."""
    lease_expires_at: float | None = None
    """While `queued` or `generating`: when the job's lease runs out (ms since the epoch).

    The job renews it; once it has passed, the session is stale and recovery settles it.
    """
    version: int = 1
    prompt: str | None = None
    scene_count: int | None = Field(default=None, ge=1)
    """How many scenes were asked for (so an interrupted generation can be resumed)."""
    title: str | None = None
    outline: bool = False
    """True when the agent planned only an outline of the lesson (it did not know the
    topic well enough); `notice` says how to get a full lesson."""
    notice: str | None = None
    """The agent's one-line note about the lesson (from `LessonPlan.notice`)."""
    quality: Quality = "final"
    narrator: str | None = None
    plan_tokens: int | None = None
    """Model tokens spent planning the lesson (the scenes count their own)."""
    plan_cost_usd: float | None = Field(default=None, ge=0)
    """Estimated cost of planning in USD; None when unknown."""
    created_at: float = Field(default_factory=now_ms)
    updated_at: float = Field(default_factory=now_ms)
    revision: int = 1
    """Optimistic-concurrency counter, bumped by every update (distinct from `version`)."""


class Scene(WireModel):
    """One scene of a session, as stored: its source keys, narration and frame span.

    `version` is the content version (1 on first render, +1 per successful edit) and
    appears in the storage keys; `revision` is bumped by every update and guards
    against lost updates. A busy scene (queued, generating_code, rendering, uploading)
    is held by the job `job_id` until `lease_expires_at`; the job renews its lease
    while it works, and a scene whose lease ran out can be recovered.

    Scenes store object keys only: URLs are computed when read (`SceneView`), because
    presigned URLs expire and `file://` URIs only work on one machine.
    """

    id: str
    project_id: str
    session_id: str
    index: int = Field(ge=0)
    start_frame: int = 0
    end_frame: int = -1
    duration_in_frames: int = 0
    title: str | None = None
    status: SceneStatus = SceneStatus.QUEUED
    error_message: str | None = None
    s3_chunk_key: str | None = None
    s3_source_key: str | None = None
    s3_spec_key: str | None = None
    s3_subtitles_key: str | None = None
    checksum: str | None = None
    job_id: str | None = None
    lease_expires_at: float | None = None
    """When the holding job's lease runs out (ms since the epoch); None when idle."""
    version: int = 0
    narration: str | None = None
    pending_edit: str | None = None
    """An edit instruction that failed; `retry` runs it again."""
    fallback: bool = False
    """True when the current version is a simple title card standing in for a scene that
    could not be made (`error_message` says why); `retry` makes the planned scene again."""
    tokens: int | None = None
    """Model tokens (prompt + completion) spent on this scene so far, every version,
    repair and edit included; None when its agent uses no model."""
    cost_usd: float | None = Field(default=None, ge=0)
    """Estimated cost of those tokens in USD; None when unknown (no prices configured)."""
    updated_at: float = Field(default_factory=now_ms)
    revision: int = 1

    @property
    def playable(self) -> bool:
        """True when a rendered chunk exists (even if a later edit failed)."""
        return self.s3_chunk_key is not None and self.version >= 1


class SceneView(Scene):
    """A scene as clients read it: the stored record plus URLs computed at read time.

    `s3ChunkUrl` (the seed's field) and `s3SubtitlesUrl` come from `Storage.url` when
    the view is made, so they are fresh (a presigned URL has its full lifetime) and
    right for the machine that serves them. They are never stored.
    """

    s3_chunk_url: str | None = None
    s3_subtitles_url: str | None = None

    def record(self) -> Scene:
        """The stored part only (what a `Store` keeps)."""
        return Scene.model_validate(self.model_dump(include=set(Scene.model_fields)))


# ---------------------------------------------------------------- scene sources


class SpecSource(WireModel):
    """A declarative scene, rendered by any renderer that understands specs."""

    kind: Literal["spec"] = "spec"
    spec: SceneSpec


class CodeSource(WireModel):
    """Renderer-specific code (e.g. a Manim `Scene` subclass); untrusted."""

    kind: Literal["code"] = "code"
    code: str = Field(min_length=1, max_length=200_000)
    scene_class: str | None = None
    renderer: str = "manim"


SceneSource = Annotated[SpecSource | CodeSource, Field(discriminator="kind")]


class PlannedScene(WireModel):
    """One scene of a lesson plan: what it is about and what is said."""

    title: str
    narration: str
    goal: str | None = None
    source: SceneSource | None = None
    """Filled by agents that write sources while planning (the offline agent does)."""


class LessonPlan(WireModel):
    """The agent's plan for a whole video."""

    title: str
    scenes: list[PlannedScene] = Field(min_length=1)
    outline: bool = False
    """True when the agent had no real lesson on the topic and planned an outline of
    one instead (the offline agent does this for topics outside its library)."""
    notice: str | None = Field(default=None, max_length=300)
    """One line for the person who asked, e.g. how to get a full lesson instead."""


class SceneEdit(WireModel):
    """The result of editing one scene: its new source and (maybe new) narration."""

    source: SceneSource
    narration: str
    title: str | None = None
    summary: str = ""
    """A short human description of what changed."""


class Problem(WireModel):
    """One reason code was refused, at a place in the code."""

    code: str
    """A stable identifier, e.g. `forbidden-import`."""
    message: str
    line: int | None = None
    column: int | None = None

    def describe(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.message} [{self.code}]"


class RenderError(WireModel):
    """A render failure, structured for people and for a repair loop."""

    kind: Literal["exception", "timeout", "resource-limit", "policy", "crash", "output"]
    message: str
    exception_type: str | None = None
    line: int | None = None
    traceback: str | None = None
    problems: list[Problem] = Field(default_factory=list)
    hint: str | None = None

    def describe(self) -> str:
        kind = self.exception_type or self.kind
        where = f" at line {self.line}" if self.line is not None else ""
        return f"render failed ({kind}{where}): {self.message}"


class RenderRequest(WireModel):
    """What to render and how."""

    quality: Quality = "final"
    out_dir: Path
    timeout: float = Field(default=300.0, gt=0)
    use_cache: bool = True


class MediaInfo(WireModel):
    """What PyAV reports about a media file."""

    frames: int
    fps: float
    width: int
    height: int
    duration: float
    codec: str
    has_audio: bool = False
    audio_codec: str | None = None


class RenderResult(WireModel):
    """A rendered silent chunk and what is known about it."""

    path: Path
    info: MediaInfo
    checksum: str
    code: str | None = None
    """The code that was rendered (compiled from a spec, or as given)."""
    cached: bool = False
    seconds: float = 0.0


class SentenceTiming(WireModel):
    """When one narrated sentence is spoken, in seconds from the scene start."""

    text: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)


class Narration(WireModel):
    """Synthesized speech for one scene."""

    audio: Path | None
    """A WAV file, or None for silent narration."""
    duration: float = Field(ge=0)
    sentences: list[SentenceTiming] = Field(default_factory=list)
    voice: str = "silent"


class JobKind(StrEnum):
    GENERATE = "generate"
    EDIT = "edit"
    RETRY = "retry"
    """Retry one failed scene, or (without a scene id) finish a whole session."""


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Job(WireModel):
    """A unit of background work; serializable so any queue can carry it."""

    id: str
    kind: JobKind
    session_id: str
    scene_id: str | None = None
    prompt: str | None = None
    correlation_id: str
    created_at: float = Field(default_factory=now_ms)


class JobInfo(WireModel):
    """A queue's view of a job."""

    id: str
    state: JobState
    error: str | None = None
