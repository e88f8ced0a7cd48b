"""What each kind of plugin provides: typing Protocols, all async.

A plugin registers a *factory* (`Callable[[Settings], T]`) under a name through a
`register_*` hook; `tutor_core.plugins` looks it up by name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Collection
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
    SceneStatus,
    SessionStatus,
    User,
    VideoSession,
)


class Bucket(StrEnum):
    """Where an object lives: chunks are public (CDN), sources are private."""

    CHUNKS = "chunks"
    SOURCES = "sources"


@runtime_checkable
class Agent(Protocol):
    """Plans lessons and writes, edits and repairs scene sources.

    An agent whose `edit` needs no model call may set `quick_edits = True`: a server
    then asks it before queuing an edit (`Pipeline.check_edit`) and refuses an edit it
    does not understand in the response itself.
    """

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
    """Users, projects, sessions and scenes, with compare-and-set updates and leases.

    The concurrency contract (the shared store contract tests check it for any store):

    - `update_session` and `update_scene` are compare-and-set: they apply `changes`
      only if the stored record is still at `revision` *and* in `expected_status`,
      atomically, and bump `revision` by one; otherwise they raise ConflictError and
      change nothing. A `status` among the changes must be a transition declared in
      `tutor_core.states` from the stored status (else InvalidTransition); keeping
      the same status is not a transition. Callers never re-apply a change blindly:
      on ConflictError they re-read and decide again.
    - A busy record (see `tutor_core.states.BUSY_SCENE`) is held by the job in its
      `job_id` until `lease_expires_at` (ms since the epoch). `renew_scene_lease` /
      `renew_session_lease` move that time only while the record is busy and held by
      `job_id`, and return False otherwise (the lease was lost: stop working on it).
      A renewal does not bump `revision` (so the holder's next compare-and-set still
      succeeds) and is not a change that `watch` reports.
    - `list_sessions(statuses=...)` finds sessions by status, so that recovery can
      look at busy ones.
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
    async def update_project(self, project_id: str, *, revision: int, **changes: Any) -> Project:
        """Rename or describe a project (optimistic, like the other updates)."""
        ...

    async def delete_project(self, project_id: str) -> None:
        """Delete a project with its sessions and scenes (stored objects are the caller's)."""
        ...

    async def create_session(self, session: VideoSession) -> VideoSession: ...
    async def get_session(self, session_id: str) -> VideoSession: ...
    async def list_sessions(
        self,
        project_id: str | None = None,
        *,
        statuses: Collection[SessionStatus] | None = None,
    ) -> list[VideoSession]:
        """Sessions of a project (or all), oldest first, optionally only these statuses."""
        ...

    async def update_session(
        self,
        session_id: str,
        *,
        revision: int,
        expected_status: SessionStatus,
        **changes: Any,
    ) -> VideoSession:
        """Compare-and-set: apply `changes` if the session is at `revision` and status."""
        ...

    async def renew_session_lease(self, session_id: str, *, job_id: str, expires_at: float) -> bool:
        """Extend the lease of a busy session held by `job_id`; False if not held."""
        ...

    async def create_scene(self, scene: Scene) -> Scene: ...
    async def get_scene(self, scene_id: str) -> Scene: ...
    async def list_scenes(self, session_id: str) -> list[Scene]: ...
    async def update_scene(
        self,
        scene_id: str,
        *,
        revision: int,
        expected_status: SceneStatus,
        **changes: Any,
    ) -> Scene:
        """Compare-and-set: apply `changes` if the scene is at `revision` and status."""
        ...

    async def renew_scene_lease(self, scene_id: str, *, job_id: str, expires_at: float) -> bool:
        """Extend the lease of a busy scene held by `job_id`; False if not held."""
        ...

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
    """Runs jobs in the background.

    Optional attributes that `Tutor` looks for: `durable` (True when queued jobs outlive
    the submitting process, as with a broker; then a queued session may wait
    TUTOR_QUEUE_TIMEOUT) and `run_in_background(fn)` (a helper task beside the jobs,
    where a non-durable queue's process renews the leases of the sessions it queued).
    A job may be delivered more than once; the pipeline finishes what an earlier
    delivery began.
    """

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
