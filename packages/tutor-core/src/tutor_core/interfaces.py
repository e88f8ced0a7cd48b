"""What each kind of plugin provides: typing Protocols, all async.

A plugin registers a *factory* (`Callable[[Settings], T]`) under a name through a
`register_*` hook; `tutor_core.plugins` looks it up by name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from tutor_core.models import (
    Job,
    JobInfo,
    LessonPlan,
    Narration,
    PlannedScene,
    Problem,
    Project,
    RenderError,
    RenderRequest,
    RenderResult,
    Scene,
    SceneEdit,
    SceneSource,
    User,
    VideoSession,
)


class Bucket(StrEnum):
    """Where an object lives: chunks are public (CDN), sources are private."""

    CHUNKS = "chunks"
    SOURCES = "sources"


@runtime_checkable
class Agent(Protocol):
    """Plans lessons and writes, edits and repairs scene sources."""

    name: str

    async def plan(self, prompt: str, scene_count: int) -> LessonPlan:
        """Split a prompt into `scene_count` scenes with titles and narration."""
        ...

    async def write(self, plan: LessonPlan, index: int, *, narration_seconds: float) -> SceneSource:
        """Write the source of scene `index`, lasting about `narration_seconds`."""
        ...

    async def edit(self, scene: PlannedScene, instruction: str) -> SceneEdit:
        """Apply an edit instruction to a scene (raise EditNotUnderstood if unclear)."""
        ...

    async def repair(self, source: SceneSource, error: RenderError) -> SceneSource:
        """Fix a source that failed to render (raise AgentError to give up)."""
        ...


@runtime_checkable
class Renderer(Protocol):
    """Turns a scene source into a silent H.264 mp4 chunk."""

    name: str

    async def validate(self, source: SceneSource) -> list[Problem]:
        """Problems that stop this source from rendering (empty when fine)."""
        ...

    async def render(self, source: SceneSource, request: RenderRequest) -> RenderResult:
        """Render; raise PolicyViolation or RenderFailed on failure."""
        ...


@runtime_checkable
class Storage(Protocol):
    """Stores chunks and sources under keys (see `tutor_core.keys`)."""

    name: str

    async def put(
        self, bucket: Bucket, key: str, data: bytes | Path, *, content_type: str | None = None
    ) -> str:
        """Store bytes or a file; return the object's SHA-256 hex digest."""
        ...

    async def get(self, bucket: Bucket, key: str) -> bytes:
        """Read an object (NotFound if missing; IntegrityError if corrupted)."""
        ...

    async def download(self, bucket: Bucket, key: str, dest: Path) -> Path:
        """Copy an object to a local file and return its path."""
        ...

    async def url(self, bucket: Bucket, key: str, *, expires: int = 3600) -> str:
        """A URL a client can fetch the object from (public or presigned)."""
        ...

    async def exists(self, bucket: Bucket, key: str) -> bool: ...

    async def delete(self, bucket: Bucket, key: str) -> None:
        """Remove an object (no error if it is already gone)."""
        ...


@runtime_checkable
class Store(Protocol):
    """Users, projects, sessions and scenes, with optimistic concurrency.

    Every update names the `revision` it read; a stale one raises ConflictError.
    """

    name: str

    async def ensure_user(
        self, external_id: str, *, name: str | None = None, email: str | None = None
    ) -> User: ...
    async def get_user(self, user_id: str) -> User: ...

    async def create_project(
        self, owner_id: str, title: str, description: str | None = None
    ) -> Project: ...
    async def get_project(self, project_id: str) -> Project: ...
    async def list_projects(self, owner_id: str) -> list[Project]: ...

    async def create_session(self, session: VideoSession) -> VideoSession: ...
    async def get_session(self, session_id: str) -> VideoSession: ...
    async def list_sessions(self, project_id: str | None = None) -> list[VideoSession]: ...
    async def update_session(
        self, session_id: str, *, revision: int, **changes: Any
    ) -> VideoSession: ...

    async def create_scene(self, scene: Scene) -> Scene: ...
    async def get_scene(self, scene_id: str) -> Scene: ...
    async def list_scenes(self, session_id: str) -> list[Scene]: ...
    async def update_scene(self, scene_id: str, *, revision: int, **changes: Any) -> Scene: ...

    def watch(self, session_id: str) -> AsyncIterator[VideoSession | Scene]:
        """Yield the session and its scenes each time one of them changes."""
        ...

    async def close(self) -> None: ...


@runtime_checkable
class Narrator(Protocol):
    """Speaks narration to audio, sentence by sentence."""

    name: str

    async def synthesize(self, text: str, out_dir: Path) -> Narration:
        """Write a WAV in `out_dir`; return its length and per-sentence timings."""
        ...


JobRunner = Callable[[Job], Awaitable[None]]


@runtime_checkable
class JobQueue(Protocol):
    """Runs jobs in the background."""

    name: str

    def bind(self, runner: JobRunner) -> None:
        """Tell the queue how to run a job (called once by `Tutor`)."""
        ...

    async def submit(self, job: Job) -> str:
        """Queue a job; return its id."""
        ...

    async def status(self, job_id: str) -> JobInfo: ...

    async def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; False if it already finished."""
        ...

    async def close(self) -> None: ...
