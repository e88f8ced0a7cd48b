"""The server's one door to tutor-core: ownership checks, limits, jobs, views and URLs.

Routes call this module only; every call into the store, the storage, the queue and
the pipeline is here, so a change of tutor-core's API is absorbed in one place.
Ownership: a record of another user answers NotFound, exactly like a missing one.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

from tutor_core import keys
from tutor_core import versions as scene_versions
from tutor_core.errors import ConflictError, InvalidInput, NotFound
from tutor_core.interfaces import Bucket
from tutor_core.logs import correlation_id, new_correlation_id
from tutor_core.models import (
    QUALITY_SIZES,
    Job,
    JobKind,
    Project,
    Quality,
    Scene,
    SceneStatus,
    SessionStatus,
    User,
    VideoSession,
)
from tutor_core.prompts import DEFAULT_SCENES, check_scene_count, parse_scene_count
from tutor_core.storages.local import LocalStorage
from tutor_core.tutor import Tutor, title_from
from tutor_server import schemas
from tutor_server.errors import FieldInvalid, RateLimited
from tutor_server.events import EventLog
from tutor_server.limits import RateLimiter
from tutor_server.observability import JOBS_SUBMITTED
from tutor_server.readcache import SessionReads
from tutor_server.settings import ServerSettings

log = logging.getLogger("tutor.server")

BUSY_SESSION = (SessionStatus.QUEUED, SessionStatus.GENERATING, SessionStatus.RENDERING)
IDLE_SCENE = (SceneStatus.READY, SceneStatus.ERROR)
FILES_PREFIX = "/api/files"
CACHE_SIZE = 10_000


def job_id_for_request() -> str:
    """A new job id that starts with the request's id (`<request id>.<6 hex>`)."""
    cid = correlation_id.get()
    base = cid if cid != "-" else new_correlation_id()
    return f"{base}.{uuid.uuid4().hex[:6]}"


def export_key(session: VideoSession, suffix: str) -> str:
    """`projects/{p}/sessions/{s}/exports/v{version}.{suffix}` (chunks bucket)."""
    return keys.validate_key(
        f"projects/{session.project_id}/sessions/{session.id}/exports/v{session.version}.{suffix}"
    )


class Service:
    """What the routes do, for one user at a time."""

    def __init__(
        self,
        tutor: Tutor,
        settings: ServerSettings,
        events: EventLog,
        limiter: RateLimiter,
    ) -> None:
        self.tutor = tutor
        self.settings = settings
        self.events = events
        self.limiter = limiter
        self.store = tutor.store
        self.storage = tutor.storage
        # Immutable facts, cached to spare the store a read per request: a user's id
        # for an external id, and a project's owner (a project never changes hands).
        self._users: dict[str, User] = {}
        self._owners: dict[str, str] = {}
        self.reads = SessionReads(ttl=settings.read_cache_seconds)
        events.on_change = self.reads.changed

    # ------------------------------------------------------------------ users

    async def user(self, external_id: str) -> User:
        user = self._users.get(external_id)
        if user is None:
            user = await self.store.ensure_user(external_id)
            if len(self._users) > CACHE_SIZE:
                self._users.clear()
            self._users[external_id] = user
        return user

    # --------------------------------------------------------------- projects

    async def create_project(self, user: User, body: schemas.ProjectCreate) -> Project:
        return await self.store.create_project(user.id, body.title, body.description)

    async def list_projects(self, user: User) -> list[Project]:
        return await self.store.list_projects(user.id)

    async def project(self, user: User, project_id: str) -> Project:
        try:
            project = await self.store.get_project(project_id)
        except NotFound:
            project = None
        if project is None or project.owner_id != user.id:
            raise NotFound(f"no project {project_id}", hint="GET /api/projects lists yours")
        self._remember_owner(project)
        return project

    async def _check_owner(self, user: User, project_id: str) -> None:
        """Like `project`, without a store read when the owner is known."""
        if self._owners.get(project_id) != user.id:
            await self.project(user, project_id)

    def _remember_owner(self, project: Project) -> None:
        if len(self._owners) > CACHE_SIZE:
            self._owners.clear()
        self._owners[project.id] = project.owner_id

    async def rename_project(
        self, user: User, project_id: str, body: schemas.ProjectUpdate
    ) -> Project:
        project = await self.project(user, project_id)
        return await self.store.update_project(
            project.id, revision=project.revision, title=body.title
        )

    async def delete_project(self, user: User, project_id: str) -> None:
        """Delete a project, its sessions, scenes and every stored object."""
        project = await self.project(user, project_id)
        sessions = await self.store.list_sessions(project.id)
        busy = [s.id for s in sessions if s.status in BUSY_SESSION]
        if busy:
            raise ConflictError(
                f"project {project_id} has sessions still being made: {', '.join(busy)}",
                hint="wait until they are ready or failed, then delete the project",
            )
        for session in sessions:
            for scene in await self.store.list_scenes(session.id):
                for version in range(1, scene.version + 1):
                    pid, sid, idx = scene.project_id, scene.session_id, scene.index
                    await self.storage.delete(Bucket.CHUNKS, keys.chunk_key(pid, sid, idx, version))
                    await self.storage.delete(
                        Bucket.CHUNKS, keys.subtitles_key(pid, sid, idx, version)
                    )
                    await self.storage.delete(
                        Bucket.SOURCES, keys.source_key(pid, sid, idx, version)
                    )
                    await self.storage.delete(Bucket.SOURCES, keys.spec_key(pid, sid, idx, version))
            await self.storage.delete(
                Bucket.SOURCES, f"projects/{project.id}/sessions/{session.id}/plan.json"
            )
            for version in range(1, session.version + 1):
                for suffix in ("mp4", "vtt"):
                    stale = session.model_copy(update={"version": version})
                    await self.storage.delete(Bucket.CHUNKS, export_key(stale, suffix))
        await self.store.delete_project(project.id)
        self._owners.pop(project.id, None)
        for session in sessions:
            self.reads.changed(session.id)

    # --------------------------------------------------------------- sessions

    async def list_sessions(self, user: User, project_id: str) -> list[VideoSession]:
        project = await self.project(user, project_id)
        return await self.store.list_sessions(project.id)

    async def session(self, user: User, session_id: str) -> VideoSession:
        try:
            session = await self.store.get_session(session_id)
            await self._check_owner(user, session.project_id)
        except NotFound:
            raise NotFound(
                f"no session {session_id}", hint="GET /api/projects/{id}/sessions lists yours"
            ) from None
        return session

    async def session_detail_json(self, user: User, session_id: str) -> bytes:
        """`GET /api/sessions/{id}`, encoded; served from `reads` while nothing changed."""
        cache = self.events.announces_changes and self.reads.ttl > 0
        cached = self.reads.get(session_id) if cache else None
        if cached is not None:
            try:
                await self._check_owner(user, cached.project_id)
            except NotFound:
                raise NotFound(
                    f"no session {session_id}", hint="GET /api/projects/{id}/sessions lists yours"
                ) from None
            return cached.body
        generation = self.reads.generation(session_id)
        session = await self.session(user, session_id)
        body = (await self.session_detail(session)).model_dump_json(by_alias=True).encode()
        if cache:
            self.reads.put(session_id, session.project_id, body, generation)
        return body

    async def scenes(self, session: VideoSession) -> list[Scene]:
        return await self.store.list_scenes(session.id)

    async def scene(self, user: User, scene_id: str) -> Scene:
        try:
            scene = await self.store.get_scene(scene_id)
            await self.session(user, scene.session_id)
        except NotFound:
            raise NotFound(
                f"no scene {scene_id}", hint="GET /api/sessions/{id} lists a session's scenes"
            ) from None
        return scene

    async def start_session(
        self, user: User, project_id: str, body: schemas.SessionCreate
    ) -> VideoSession:
        """Record a queued session and queue its generation (202)."""
        project = await self.project(user, project_id)
        self._check_prompt(body.prompt)
        count = check_scene_count(
            body.scene_count
            if body.scene_count is not None
            else (parse_scene_count(body.prompt) or DEFAULT_SCENES)
        )
        await self._admit(user)
        session = await self._create_session(
            project, body.prompt, body.quality or self.tutor.settings.quality, count
        )
        await self._submit(JobKind.GENERATE, session, prompt=str(count))
        return session

    async def edit(self, user: User, scene_id: str, prompt: str) -> schemas.JobAccepted:
        scene = await self.scene(user, scene_id)
        self._check_prompt(prompt)
        self._check_idle(scene, editing=True)
        await self._admit(user)  # a refused edit counts too: checking it costs CPU
        # Refused here (422 with suggestions) when the agent can tell at once.
        await self.tutor.pipeline.check_edit(scene.id, prompt)
        session = await self.store.get_session(scene.session_id)
        job = await self._submit(JobKind.EDIT, session, scene=scene, prompt=prompt)
        return schemas.JobAccepted(job_id=job.id, session_id=session.id, scene_id=scene.id)

    async def retry(self, user: User, scene_id: str) -> schemas.JobAccepted:
        scene = await self.scene(user, scene_id)
        if scene.status != SceneStatus.ERROR:
            raise ConflictError(
                f"scene {scene_id} is {scene.status.value}, not error: only failed scenes "
                "are retried",
                hint="to change a scene that works, POST /api/scenes/{id}/edit",
            )
        await self._admit(user)
        session = await self.store.get_session(scene.session_id)
        job = await self._submit(JobKind.RETRY, session, scene=scene)
        return schemas.JobAccepted(job_id=job.id, session_id=session.id, scene_id=scene.id)

    async def versions(self, user: User, scene_id: str) -> list[scene_versions.SceneVersion]:
        scene = await self.scene(user, scene_id)
        return await scene_versions.list_versions(self.store, self.storage, scene.id)

    async def rollback(self, user: User, scene_id: str, version: int) -> VideoSession:
        scene = await self.scene(user, scene_id)
        updated = await scene_versions.rollback(self.store, self.storage, scene.id, version)
        await self.events.append(updated)
        session = await self.tutor.pipeline.finish_session(scene.session_id)
        await self.events.append(session)
        return session

    async def export(self, user: User, session_id: str) -> schemas.ExportOut:
        """Join the session's playable chunks (stream copy) and store mp4 + vtt."""
        session = await self.session(user, session_id)
        if session.status in BUSY_SESSION:
            raise ConflictError(
                f"session {session_id} is {session.status.value}",
                hint="export when it is ready (watch GET /api/sessions/{id}/events)",
            )
        video_key, vtt_key = export_key(session, "mp4"), export_key(session, "vtt")
        scenes = await self.store.list_scenes(session.id)
        playable = [s for s in scenes if s.playable]
        if not await self.storage.exists(Bucket.CHUNKS, video_key):
            with tempfile.TemporaryDirectory(prefix="tutor-export-") as tmp:
                result = await self.tutor.pipeline.export(session.id, Path(tmp) / "video.mp4")
                await self.storage.put(
                    Bucket.CHUNKS, vtt_key, result.subtitles, content_type="text/vtt"
                )
                await self.storage.put(
                    Bucket.CHUNKS, video_key, result.path, content_type="video/mp4"
                )
        return schemas.ExportOut(
            session_id=session.id,
            version=session.version,
            video_url=await self.url(Bucket.CHUNKS, video_key),
            subtitles_url=await self.url(Bucket.CHUNKS, vtt_key),
            frames=sum(s.duration_in_frames for s in playable),
            duration=sum(s.duration_in_frames for s in playable) / session.target_fps,
            scenes=len(playable),
            missing_scenes=[s.index for s in scenes if not s.playable],
        )

    # ------------------------------------------------------------------ files

    @property
    def serves_files(self) -> bool:
        """True when media lives in a local directory that this server serves."""
        return isinstance(self.storage, LocalStorage)

    async def local_file(self, user: User, key: str) -> Path:
        """The file behind a chunks-bucket key of one of the user's projects."""
        if not isinstance(self.storage, LocalStorage):
            raise NotFound("this server does not serve media", hint="use the URLs it returns")
        missing = NotFound(f"no file {key}", hint="use the URLs in GET /api/sessions/{id}")
        parts = key.split("/")
        if len(parts) < 3 or parts[0] != "projects":
            raise missing
        try:
            await self._check_owner(user, parts[1])
            path = self.storage.path(Bucket.CHUNKS, key)
        except (NotFound, InvalidInput):
            raise missing from None
        if not path.is_file():
            raise missing
        return path

    async def url(self, bucket: Bucket, key: str) -> str:
        """A URL for an object, computed now (presigned ones expire)."""
        if isinstance(self.storage, LocalStorage):
            base = (self.settings.public_url or "").rstrip("/")
            return f"{base}{FILES_PREFIX}/{bucket.value}/{quote(key)}"
        return await self.storage.url(bucket, key, expires=self.settings.url_expires)

    # ------------------------------------------------------------------ views

    def session_out(self, session: VideoSession) -> schemas.SessionOut:
        return schemas.SessionOut(
            id=session.id,
            project_id=session.project_id,
            title=session.title,
            prompt=session.prompt,
            status=session.status,
            quality=session.quality,
            fps=session.target_fps,
            width=session.width,
            height=session.height,
            codec=session.codec,
            duration_in_frames=session.duration_in_frames,
            error_message=session.error_message,
            job_id=session.job_id,
            version=session.version,
            created_at=session.created_at,
            updated_at=session.updated_at,
            scene_count=session.scene_count,
            outline=session.outline,
            notice=session.notice,
        )

    async def scene_out(self, scene: Scene) -> schemas.SceneOut:
        return schemas.SceneOut(
            id=scene.id,
            session_id=scene.session_id,
            index=scene.index,
            title=scene.title,
            status=scene.status,
            version=scene.version,
            checksum=scene.checksum,
            start_frame=scene.start_frame,
            end_frame=scene.end_frame,
            duration_in_frames=scene.duration_in_frames,
            error_message=scene.error_message,
            chunk_url=(
                await self.url(Bucket.CHUNKS, scene.s3_chunk_key) if scene.s3_chunk_key else None
            ),
            subtitles_url=(
                await self.url(Bucket.CHUNKS, scene.s3_subtitles_key)
                if scene.s3_subtitles_key
                else None
            ),
            job_id=scene.job_id,
            updated_at=scene.updated_at,
        )

    async def session_detail(self, session: VideoSession) -> schemas.SessionDetail:
        scenes = [await self.scene_out(s) for s in await self.scenes(session)]
        return schemas.SessionDetail(**self.session_out(session).model_dump(), scenes=scenes)

    async def version_out(self, v: scene_versions.SceneVersion) -> schemas.VersionOut:
        return schemas.VersionOut(
            version=v.version,
            current=v.current,
            chunk_url=await self.url(Bucket.CHUNKS, v.chunk_key),
            subtitles_url=(
                await self.url(Bucket.CHUNKS, v.subtitles_key) if v.subtitles_key else None
            ),
            title=v.title,
            change=v.change,
        )

    # --------------------------------------------------------------- webhooks

    async def job_generate(self, body: schemas.GenerateJobRequest) -> schemas.JobAccepted:
        """The seed's generate webhook: the session is the caller's (made if missing)."""
        try:
            project = await self.store.get_project(body.project_id)
        except NotFound:
            raise NotFound(
                f"no project {body.project_id}",
                hint="create the project in the shared store before starting a job",
            ) from None
        self._check_prompt(body.prompt)
        owner = await self.store.get_user(project.owner_id)
        try:
            session = await self.store.get_session(body.session_id)
        except NotFound:
            session = None
        if session is not None:
            if session.project_id != project.id:
                raise NotFound(
                    f"no session {body.session_id} in project {project.id}",
                    hint="send the session's own projectId",
                )
            if session.status != SessionStatus.IDLE:
                if session.prompt == " ".join(body.prompt.split()) and session.job_id:
                    # A retried delivery (webhooks are at least once): the job exists.
                    return schemas.JobAccepted(job_id=session.job_id, session_id=session.id)
                raise ConflictError(
                    f"session {session.id} is {session.status.value} with another prompt; "
                    "a session is generated once",
                    hint="start a new session to generate again",
                )
        await self._admit(owner)
        session = await self._create_session(
            project,
            body.prompt,
            self.tutor.settings.quality,
            body.scene_count,
            session_id=body.session_id,
            existing=session,
        )
        job = await self._submit(JobKind.GENERATE, session, prompt=str(body.scene_count))
        return schemas.JobAccepted(job_id=job.id, session_id=session.id)

    async def job_edit(self, body: schemas.EditJobRequest) -> schemas.JobAccepted:
        """The seed's edit webhook."""
        scene, owner = await self._webhook_scene(body.scene_id, body.project_id)
        return await self.edit(owner, scene.id, body.prompt)

    async def job_retry(self, body: schemas.RetryJobRequest) -> schemas.JobAccepted:
        """The retry webhook: run a failed scene again (its failed edit, or its first render)."""
        scene, owner = await self._webhook_scene(body.scene_id, body.project_id)
        return await self.retry(owner, scene.id)

    async def _webhook_scene(self, scene_id: str, project_id: str) -> tuple[Scene, User]:
        """A webhook's scene, checked against the project it names, and its owner."""
        try:
            scene = await self.store.get_scene(scene_id)
        except NotFound:
            scene = None
        if scene is None or scene.project_id != project_id:
            raise NotFound(
                f"no scene {scene_id} in project {project_id}",
                hint="send the scene's id and its own projectId",
            )
        project = await self.store.get_project(scene.project_id)
        return scene, await self.store.get_user(project.owner_id)

    # ------------------------------------------------------------ plumbing

    def _check_prompt(self, prompt: str) -> None:
        limit = self.settings.max_prompt_chars
        if len(prompt) > limit:
            raise FieldInvalid(
                "prompt",
                f"is {len(prompt):,} characters; the limit is {limit:,}",
                hint="say it in fewer words; tutor plans the details itself",
            )

    def _check_idle(self, scene: Scene, *, editing: bool) -> None:
        if scene.status not in IDLE_SCENE:
            raise ConflictError(
                f"scene {scene.id} is busy ({scene.status.value})",
                hint="wait until it is ready or failed (watch GET /api/sessions/{id}/events)",
            )
        if editing and not scene.playable and scene.pending_edit is None:
            raise ConflictError(
                f"scene {scene.id} has never rendered, so there is nothing to edit yet",
                hint="POST /api/scenes/{id}/retry first",
            )

    async def _admit(self, user: User) -> None:
        """Enforce the per-user cap on running jobs, then the rate limit."""
        active = 0
        for project in await self.store.list_projects(user.id):
            sessions = await self.store.list_sessions(project.id)
            active += sum(1 for s in sessions if s.status in BUSY_SESSION)
        if active >= self.settings.max_active_jobs:
            raise RateLimited(
                f"{active} of your sessions are being made; the limit is "
                f"{self.settings.max_active_jobs} at once",
                retry_after=30,
                hint="wait until one is ready (TUTOR_MAX_ACTIVE_JOBS)",
            )
        await self.limiter.hit(user.id, self.settings.jobs_per_minute)

    async def _create_session(
        self,
        project: Project,
        prompt: str,
        quality: Quality,
        scene_count: int,
        *,
        session_id: str = "",
        existing: VideoSession | None = None,
    ) -> VideoSession:
        width, height = QUALITY_SIZES[quality]
        cid = job_id_for_request()
        session = existing or await self.store.create_session(
            VideoSession(
                id=session_id,
                project_id=project.id,
                prompt=prompt,
                title=title_from(prompt),
                quality=quality,
                width=width,
                height=height,
                narrator=getattr(self.tutor.narrator, "name", None),
                job_id=cid,
                scene_count=scene_count,
            )
        )
        session = await self.store.update_session(
            session.id,
            revision=session.revision,
            expected_status=session.status,
            status=SessionStatus.QUEUED,
            job_id=cid,
            prompt=prompt,
            scene_count=scene_count,
        )
        await self.events.append(session)
        return session

    async def _submit(
        self,
        kind: JobKind,
        session: VideoSession,
        *,
        scene: Scene | None = None,
        prompt: str | None = None,
    ) -> Job:
        # A generation runs as the job its session was queued for; the pipeline logs
        # every line of a job under its id, which starts with the request's id.
        job_id = session.job_id if kind == JobKind.GENERATE and session.job_id else None
        job_id = job_id or job_id_for_request()
        job = Job(
            id=job_id,
            kind=kind,
            session_id=session.id,
            scene_id=scene.id if scene else None,
            prompt=prompt,
            correlation_id=job_id,
        )
        await self.tutor.queue.submit(job)
        JOBS_SUBMITTED.labels(kind=kind.value).inc()
        log.info("queued %s job %s for session %s", kind.value, job.id, session.id)
        return job
