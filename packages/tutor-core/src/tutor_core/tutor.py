"""`Tutor`: the library's front door. Composes plugins from settings and runs the pipeline.

Example::

    import anyio
    from tutor_core import Tutor

    async def main() -> None:
        async with Tutor() as tutor:
            view = await tutor.generate("explain the Pythagorean theorem", scenes=3)
            await tutor.export(view.session.id, "pythagoras.mp4")

    anyio.run(main)
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import TracebackType
from typing import Any

import anyio
from pydantic import BaseModel, ConfigDict

from tutor_core import plugins, states, usage, versions
from tutor_core.errors import Busy, InvalidInput, NotFound, TutorError
from tutor_core.interfaces import Agent, Bucket, JobQueue, Narrator, Renderer, Storage, Store
from tutor_core.leases import is_stale
from tutor_core.logs import new_correlation_id
from tutor_core.models import (
    QUALITY_SIZES,
    Job,
    JobKind,
    Quality,
    Scene,
    SceneView,
    SessionStatus,
    VideoSession,
    now_ms,
)
from tutor_core.pipeline import ExportResult, Pipeline, PipelineStats, ProgressCallback
from tutor_core.prompts import (
    DEFAULT_SCENES,
    check_prompt,
    check_scene_count,
    parse_scene_count,
    strip_scene_count,
)
from tutor_core.settings import Settings, ensure_home
from tutor_core.versions import SceneVersion

log = logging.getLogger("tutor")

LOCAL_USER = "local"
_SCENE_REF = re.compile(r"(?:(ses_[A-Za-z0-9]+):)?(\d{1,3})")


class SessionView(BaseModel):
    """A session with its scenes, as the CLI and API show it.

    The scenes are `SceneView`s: their chunk and subtitle URLs were computed from the
    stored keys when the view was made (`Storage.url`), so they are fresh.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    session: VideoSession
    scenes: list[SceneView]
    output: Path | None = None

    @property
    def tokens(self) -> int | None:
        """Model tokens of the whole lesson: planning plus every scene (None: no model)."""
        counts = [self.session.plan_tokens, *(c.tokens for c in self.scenes)]
        known = [n for n in counts if n is not None]
        return sum(known) if known else None

    @property
    def cost_usd(self) -> float | None:
        """Estimated cost of the whole lesson in USD (None when unknown)."""
        total: float | None = self.session.plan_cost_usd
        for c in self.scenes:
            total = usage.add_cost(total, c.cost_usd)
        return total

    def to_json(self) -> dict[str, Any]:
        """The object `--json` prints: camelCase, one entry per scene."""
        s = self.session
        return {
            "sessionId": s.id,
            "projectId": s.project_id,
            "title": s.title,
            "status": s.status.value,
            "output": str(self.output) if self.output else None,
            "durationInFrames": s.duration_in_frames,
            "fps": s.target_fps,
            "width": s.width,
            "height": s.height,
            "errorMessage": s.error_message,
            "outline": s.outline,
            "notice": s.notice,
            "tokens": self.tokens,
            "costUsd": self.cost_usd,
            "scenes": [
                {
                    "id": c.id,
                    "index": c.index,
                    "title": c.title,
                    "status": c.status.value,
                    "version": c.version,
                    "checksum": c.checksum,
                    "startFrame": c.start_frame,
                    "endFrame": c.end_frame,
                    "durationInFrames": c.duration_in_frames,
                    "errorMessage": c.error_message,
                    "fallback": c.fallback,
                    "tokens": c.tokens,
                    "costUsd": c.cost_usd,
                    "chunkUrl": c.s3_chunk_url,
                    "subtitlesUrl": c.s3_subtitles_url,
                }
                for c in self.scenes
            ],
        }


class Tutor:
    """Generate, edit, retry and export narrated lessons.

    Plugins come from settings (`TUTOR_STORE`, `TUTOR_STORAGE`, `TUTOR_AGENT`,
    `TUTOR_RENDERER`, `TUTOR_NARRATOR`, `TUTOR_QUEUE`) unless passed in directly.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store: Store | None = None,
        storage: Storage | None = None,
        agent: Agent | None = None,
        renderer: Renderer | None = None,
        narrator: Narrator | None = None,
        queue: JobQueue | None = None,
        on_change: ProgressCallback | None = None,
        user: str = LOCAL_USER,
    ) -> None:
        self.settings = settings or Settings()
        s = self.settings
        # Build the cheap, side-effect-free plugins first, so that a bad name fails
        # before anything is written.
        self.agent: Agent = agent or plugins.get_agent(s.agent, s)
        self.renderer: Renderer = renderer or plugins.get_renderer(s.renderer, s)
        self.narrator: Narrator = narrator or plugins.get_narrator(s.narrator, s)
        self._store = store
        self._storage = storage
        self._queue = queue
        self.on_change = on_change
        self.user_external_id = user
        self._pipeline: Pipeline | None = None
        self._queue_started = False
        self._submitted: dict[str, str] = {}
        """Jobs this Tutor queued (job id → session id), settled by `aclose`."""

    # ------------------------------------------------------------ lifecycle

    @property
    def store(self) -> Store:
        if self._store is None:
            ensure_home(self.settings.home)
            self._store = plugins.get_store(self.settings.store, self.settings)
        return self._store

    @property
    def storage(self) -> Storage:
        if self._storage is None:
            self._storage = plugins.get_storage(self.settings.storage, self.settings)
        return self._storage

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline(
                settings=self.settings,
                store=self.store,
                storage=self.storage,
                agent=self.agent,
                renderer=self.renderer,
                narrator=self.narrator,
                on_change=self.on_change,
            )
        return self._pipeline

    @property
    def stats(self) -> PipelineStats:
        """What the pipeline did so far (renders, cache hits, repairs...)."""
        return self.pipeline.stats

    async def __aenter__(self) -> Tutor:
        return self

    async def start_queue(self) -> JobQueue:
        """Start the job queue (call inside `async with Tutor()`, from the same task).

        Work left busy by processes that died is recovered first. With a queue that
        runs jobs in this process, a helper task renews the leases of the sessions
        queued here until their jobs start.
        """
        queue = self.queue
        if self._queue_started:
            return queue
        await self.recover()
        start = getattr(queue, "start", None)
        if start is not None:
            await start()
        background = getattr(queue, "run_in_background", None)
        if background is not None and not getattr(queue, "durable", False):
            background(self._renew_queued_leases)
        self._queue_started = True
        return queue

    async def _renew_queued_leases(self) -> None:
        seconds = self.settings.lease_seconds
        while True:
            await anyio.sleep(seconds / 4)
            for job_id, session_id in list(self._submitted.items()):
                try:
                    held = await self.store.renew_session_lease(
                        session_id, job_id=job_id, expires_at=now_ms() + seconds * 1000.0
                    )
                except TutorError as exc:  # transient: try again next round
                    log.warning("could not renew the lease of session %s: %s", session_id, exc)
                    continue
                if not held:  # the job ran and settled it (or someone recovered it)
                    self._submitted.pop(job_id, None)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop the queue (its running jobs mark their scenes `error`), then the store.

        A job that was queued here but never started leaves its session `error`, so
        nothing stays queued forever.
        """
        if self._queue is not None:
            await self._queue.close()
        if self._store is not None:
            with anyio.CancelScope(shield=True), anyio.move_on_after(30):
                await self._fail_unstarted()
            await self._store.close()

    async def _fail_unstarted(self) -> None:
        for job_id, session_id in list(self._submitted.items()):
            try:
                session = await self.store.get_session(session_id)
                if session.status == SessionStatus.QUEUED and session.job_id == job_id:
                    await self.store.update_session(
                        session.id,
                        revision=session.revision,
                        expected_status=SessionStatus.QUEUED,
                        status=SessionStatus.ERROR,
                        lease_expires_at=None,
                        error_message="cancelled before it started: the process that queued "
                        f"it stopped; `tutor retry {session.id}` generates it",
                    )
            except TutorError as exc:
                log.warning("could not settle queued session %s: %s", session_id, exc)

    # ------------------------------------------------------------- the API

    async def create_session(
        self,
        prompt: str,
        *,
        scenes: int | None = None,
        quality: Quality | None = None,
        project_id: str | None = None,
        queue_seconds: float | None = None,
    ) -> tuple[VideoSession, int]:
        """Validate a request and record a queued session (no rendering yet).

        Args:
            queue_seconds: how long the session may stay queued before recovery counts
                its job as lost (default TUTOR_LEASE_SECONDS: it is about to start).
        """
        prompt = check_prompt(prompt)
        count = check_scene_count(
            scenes if scenes is not None else (parse_scene_count(prompt) or DEFAULT_SCENES)
        )
        quality = quality or self.settings.quality
        if quality not in QUALITY_SIZES:
            raise InvalidInput(f"unknown quality {quality!r}", hint="use draft or final")
        width, height = QUALITY_SIZES[quality]
        user = await self.store.ensure_user(self.user_external_id)
        if project_id is None:
            project = await self.store.create_project(user.id, title_from(prompt), prompt)
        else:
            project = await self.store.get_project(project_id)
            if project.owner_id != user.id:
                raise NotFound(f"no project {project_id}", hint="`tutor sessions` lists yours")
        session = await self.store.create_session(
            VideoSession(
                id="",
                project_id=project.id,
                prompt=prompt,
                scene_count=count,
                quality=quality,
                width=width,
                height=height,
                narrator=getattr(self.narrator, "name", None),
                job_id=new_correlation_id(),
            )
        )
        # Queued for its job: if that job never starts, the session counts as lost once
        # its lease runs out, and recovery marks it `error`.
        wait = self.settings.lease_seconds if queue_seconds is None else queue_seconds
        session = await self.store.update_session(
            session.id,
            revision=session.revision,
            expected_status=SessionStatus.IDLE,
            status=states.session_transition(session.status, SessionStatus.QUEUED),
            lease_expires_at=now_ms() + wait * 1000.0,
        )
        return session, count

    async def generate(
        self,
        prompt: str,
        *,
        scenes: int | None = None,
        quality: Quality | None = None,
        project_id: str | None = None,
    ) -> SessionView:
        """Plan and render a whole video; returns when every scene has finished."""
        session, count = await self.create_session(
            prompt, scenes=scenes, quality=quality, project_id=project_id
        )
        await self.pipeline.generate(session.id, count, job_id=session.job_id)
        return await self.session(session.id)

    async def edit(self, scene_id: str, instruction: str) -> SessionView:
        """Change one scene by instruction; only that scene is re-rendered."""
        scene = await self._own_scene(scene_id)
        # An agent that answers at once refuses before the scene is touched (a server
        # asks the same before it queues the edit, so its worker does not ask again).
        await self.pipeline.check_edit(scene.id, instruction)
        session = await self.pipeline.edit(scene.id, instruction)
        return await self.session(session.id)

    async def retry(self, scene_id: str) -> SessionView:
        """Run a failed scene again (a scene whose job died counts as failed)."""
        scene = await self._own_scene(scene_id)
        session = await self.pipeline.retry(scene.id)
        return await self.session(session.id)

    async def resume(self, session_id: str) -> SessionView:
        """Finish a session after failures or a crash: retry failed scenes, make missing ones."""
        session = await self._own_session(session_id)
        await self.pipeline.resume(session.id)
        return await self.session(session.id)

    async def recover(self) -> list[VideoSession | Scene]:
        """Mark work left busy by jobs that died (their lease ran out) as `error`.

        Safe at any time and in any process: live jobs renew their leases, so only
        abandoned work is touched. The CLI runs it before every command.
        """
        return await self.pipeline.recover()

    async def export(self, session_id: str, out: str | Path) -> ExportResult:
        """Write the session's video (stream copy of its chunks) and subtitles."""
        await self._own_session(session_id)
        return await self.pipeline.export(session_id, Path(out))

    async def versions(self, scene_id: str) -> list[SceneVersion]:
        """The stored versions of one of your scenes, oldest first."""
        scene = await self._own_scene(scene_id)
        return await versions.list_versions(self.store, self.storage, scene.id)

    async def rollback(self, scene_id: str, version: int) -> SessionView:
        """Make an older version of a scene current again, as a new version (no render)."""
        scene = await self._own_scene(scene_id)
        await versions.rollback(self.store, self.storage, scene.id, version)
        # Frames of the whole session follow the restored chunk's length.
        await self.pipeline.finish_session(scene.session_id)
        return await self.session(scene.session_id)

    async def session(self, session_id: str) -> SessionView:
        """A session and its scenes."""
        session = await self._own_session(session_id)
        scenes = await self.store.list_scenes(session.id)
        return SessionView(session=session, scenes=[await self.scene_view(s) for s in scenes])

    async def scene_view(self, scene: Scene) -> SceneView:
        """A scene with its chunk and subtitle URLs, computed now from its stored keys."""
        urls: dict[str, str | None] = {}
        for field, key in (
            ("s3_chunk_url", scene.s3_chunk_key),
            ("s3_subtitles_url", scene.s3_subtitles_key),
        ):
            urls[field] = None
            if key is None:
                continue
            try:
                urls[field] = await self.storage.url(Bucket.CHUNKS, key)
            except TutorError as exc:  # a view without a URL beats no view at all
                log.warning("no URL for %s: %s", key, exc)
        return SceneView.model_validate(scene.model_dump() | urls)

    async def sessions(self) -> list[VideoSession]:
        """Every session of this user, newest first."""
        user = await self.store.ensure_user(self.user_external_id)
        out: list[VideoSession] = []
        for project in await self.store.list_projects(user.id):
            out.extend(await self.store.list_sessions(project.id))
        return sorted(out, key=lambda s: s.created_at, reverse=True)

    async def resolve_session(self, ref: str | None) -> VideoSession:
        """A session by id, or your newest one when `ref` is None."""
        if ref is not None:
            return await self._own_session(ref)
        newest = await self.sessions()
        if not newest:
            raise NotFound("no session yet", hint='make one first: `tutor generate "explain ..."`')
        return newest[0]

    async def resolve_scene(self, ref: str) -> Scene:
        """A scene by id (`scn_...`), by number in the newest session (`2`), or `SESSION:N`."""
        match = _SCENE_REF.fullmatch(ref.strip())
        if match is None:
            return await self._own_scene(ref)
        session_id, number = match.group(1), int(match.group(2))
        session = await self.resolve_session(session_id)
        session_id = session.id
        scenes = await self.store.list_scenes(session_id)
        if not 1 <= number <= len(scenes):
            raise NotFound(
                f"session {session_id} has {len(scenes)} scenes, not a scene {number}",
                hint=f"scenes are numbered 1 to {len(scenes)}; `tutor show {session_id}` "
                "lists them",
            )
        return scenes[number - 1]

    # ------------------------------------------------------ background jobs

    @property
    def queue(self) -> JobQueue:
        if self._queue is None:
            self._queue = plugins.get_queue(self.settings.queue, self.settings)
            self._queue.bind(self.run_job)
        return self._queue

    async def submit_generate(
        self, prompt: str, *, scenes: int | None = None, quality: Quality | None = None
    ) -> SessionView:
        """Record a session and queue its generation; returns at once.

        Call `await tutor.start_queue()` first, in the task that will leave `async with`.

        A durable queue (a broker) keeps the job if this process dies, so the session
        may wait TUTOR_QUEUE_TIMEOUT; with the in-process queue this process renews the
        session's lease until the job starts, so a crash is recovered within
        TUTOR_LEASE_SECONDS.
        """
        durable = bool(getattr(self.queue, "durable", False))
        session, count = await self.create_session(
            prompt,
            scenes=scenes,
            quality=quality,
            queue_seconds=self.settings.queue_timeout if durable else None,
        )
        job = Job(
            id=session.job_id or new_correlation_id(),
            kind=JobKind.GENERATE,
            session_id=session.id,
            prompt=str(count),
            correlation_id=session.job_id or new_correlation_id(),
        )
        self._submitted[job.id] = session.id
        await self.queue.submit(job)
        return await self.session(session.id)

    async def submit_edit(self, scene_id: str, instruction: str) -> Job:
        """Queue an edit of one scene; returns the job at once.

        The scene is claimed when the job runs; a scene that is busy now is refused
        at once (Busy), so the caller learns it without waiting.
        """
        scene = await self._own_scene(scene_id)
        if scene.status in states.BUSY_SCENE and not is_stale(scene):
            raise Busy(
                f"scene {scene.index + 1} ({scene.id}) is busy ({scene.status.value})",
                hint="wait until it is ready or failed, then try again",
            )
        job_id = new_correlation_id()
        job = Job(
            id=job_id,
            kind=JobKind.EDIT,
            session_id=scene.session_id,
            scene_id=scene.id,
            prompt=instruction,
            correlation_id=job_id,
        )
        await self.queue.submit(job)
        return job

    async def submit_retry(self, ref: str) -> Job:
        """Queue a retry of a failed scene (`scn_...`) or of a whole session (`ses_...`)."""
        job_id = new_correlation_id()
        if ref.startswith("ses_"):
            session = await self._own_session(ref)
            job = Job(id=job_id, kind=JobKind.RETRY, session_id=session.id, correlation_id=job_id)
        else:
            scene = await self._own_scene(ref)
            job = Job(
                id=job_id,
                kind=JobKind.RETRY,
                session_id=scene.session_id,
                scene_id=scene.id,
                correlation_id=job_id,
            )
        await self.queue.submit(job)
        return job

    async def run_job(self, job: Job) -> None:
        """Run one queued job (called by the queue, in any process).

        A job delivered twice (its first worker died) finishes what the first began.
        """
        if job.kind == JobKind.GENERATE:
            count = int(job.prompt) if job.prompt and job.prompt.isdigit() else None
            await self.pipeline.generate(job.session_id, count, job_id=job.id)
        elif job.kind == JobKind.EDIT:
            assert job.scene_id is not None and job.prompt is not None
            await self.pipeline.edit(job.scene_id, job.prompt, job_id=job.id)
        elif job.scene_id is not None:
            await self.pipeline.retry(job.scene_id, job_id=job.id)
        else:
            await self.pipeline.resume(job.session_id, job_id=job.id)

    # ------------------------------------------------------------- helpers

    async def _own_session(self, session_id: str) -> VideoSession:
        session = await self.store.get_session(session_id)
        project = await self.store.get_project(session.project_id)
        user = await self.store.ensure_user(self.user_external_id)
        if project.owner_id != user.id:
            raise NotFound(f"no session {session_id}", hint="`tutor sessions` lists yours")
        return session

    async def _own_scene(self, scene_id: str) -> Scene:
        scene = await self.store.get_scene(scene_id)
        await self._own_session(scene.session_id)
        return scene


def title_from(prompt: str) -> str:
    """A short title for a lesson from its prompt (no scene count, no "explain")."""
    text = strip_scene_count(prompt).strip(" .,:;")
    text = re.sub(r"^(please\s+)?(explain|teach me|show me|describe)\s+", "", text, flags=re.I)
    return (text[:1].upper() + text[1:])[:80] or "Lesson"
