"""The one pipeline: generate, edit, retry and export a session's scenes.

Per scene (concurrently, bounded, each isolated from the others' failures)::

    narrate (audio first) → agent.write (told the narration length) → validate → render
      (on failure: agent.repair up to N times, then a fallback title card)
    → mux audio + WebVTT → storage (versioned keys) → store (status ready, urls, checksum)

Every status change goes through `tutor_core.states` and the store. An edit writes
version n+1; when it fails, version n stays the scene's playable chunk.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio

from tutor_core import keys, media, states, timeline
from tutor_core.errors import (
    AgentError,
    ConflictError,
    InvalidInput,
    NotFound,
    PolicyViolation,
    RenderFailed,
    StorageError,
    TutorError,
)
from tutor_core.interfaces import Agent, Bucket, Narrator, Renderer, Storage, Store
from tutor_core.logs import correlated
from tutor_core.models import (
    CodeSource,
    LessonPlan,
    Narration,
    PlannedScene,
    RenderError,
    RenderRequest,
    RenderResult,
    Scene,
    SceneSource,
    SceneStatus,
    SentenceTiming,
    SessionStatus,
    SpecSource,
    VideoSession,
)
from tutor_core.plugins import await_me_maybe, manager
from tutor_core.settings import Settings
from tutor_core.spec import SceneSpec, TextElement

log = logging.getLogger("tutor.pipeline")

T = TypeVar("T")

FALLBACK_ID = "fallback"
"""Element id of the text on a fallback title card."""

TAIL_SECONDS = 0.6
"""Silence after the last sentence, so scenes do not cut off mid-breath."""


@dataclass
class PipelineStats:
    """Counters for observability (and tests): what the pipeline actually did."""

    renders: int = 0
    cached_renders: int = 0
    repairs: int = 0
    fallbacks: int = 0
    scene_failures: int = 0


@dataclass
class SceneDocument:
    """What is stored next to each chunk version: enough to edit or re-render it."""

    title: str
    narration: str
    source: SceneSource
    sentences: list[SentenceTiming] = field(default_factory=list)

    def to_json(self) -> str:
        src: Any = self.source
        return json.dumps(
            {
                "title": self.title,
                "narration": self.narration,
                "source": src.model_dump(mode="json", by_alias=True, exclude_none=True),
                "sentences": [s.model_dump(mode="json") for s in self.sentences],
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> SceneDocument:
        data = json.loads(text)
        planned = PlannedScene.model_validate(
            {"title": data["title"], "narration": data["narration"], "source": data["source"]}
        )
        assert planned.source is not None
        sentences = [SentenceTiming.model_validate(s) for s in data.get("sentences", [])]
        return cls(planned.title, planned.narration, planned.source, sentences)


@dataclass
class ExportResult:
    """An exported video: the mp4, its subtitles, and the scenes it lacks."""

    path: Path
    subtitles: Path
    frames: int
    duration: float
    scenes: int
    missing: list[Scene] = field(default_factory=list)


ProgressCallback = Callable[[VideoSession | Scene], Awaitable[None] | None]


class Pipeline:
    """Runs jobs against a set of plugins. Use it through `tutor_core.Tutor`."""

    def __init__(
        self,
        *,
        settings: Settings,
        store: Store,
        storage: Storage,
        agent: Agent,
        renderer: Renderer,
        narrator: Narrator,
        on_change: ProgressCallback | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.storage = storage
        self.agent = agent
        self.renderer = renderer
        self.narrator = narrator
        self.on_change = on_change
        self.stats = PipelineStats()
        self._limiter = anyio.CapacityLimiter(settings.concurrency)

    # ------------------------------------------------------------- generate

    async def generate(self, session_id: str, scene_count: int) -> VideoSession:
        """Plan the session's prompt into scenes and make every scene."""
        session = await self.store.get_session(session_id)
        with correlated(session.job_id):
            log.info("generate session %s (%d scenes)", session_id, scene_count)
            session = await self._session_status(session, SessionStatus.GENERATING)
            try:
                plan = await self.agent.plan(session.prompt or "", scene_count)
            except TutorError as exc:
                await self._session_status(session, SessionStatus.ERROR, error_message=str(exc))
                raise
            await self.storage.put(
                Bucket.SOURCES,
                self._plan_key(session),
                plan.model_dump_json(by_alias=True, exclude_none=True).encode(),
                content_type="application/json",
            )
            session = await self._update_session(session, title=plan.title)
            scenes: list[Scene] = []
            for index, planned in enumerate(plan.scenes):
                scenes.append(
                    await self.store.create_scene(
                        Scene(
                            id="",
                            project_id=session.project_id,
                            session_id=session.id,
                            index=index,
                            title=planned.title,
                            narration=planned.narration,
                            job_id=session.job_id,
                        )
                    )
                )
            session = await self._session_status(session, SessionStatus.RENDERING)
            async with anyio.create_task_group() as tg:
                for scene in scenes:
                    tg.start_soon(self._make_scene_isolated, scene, plan, None)
            return await self._finish_session(session.id)

    # ----------------------------------------------------------------- edit

    async def edit(self, scene_id: str, instruction: str) -> VideoSession:
        """Edit one scene by instruction; only that scene is re-rendered."""
        instruction = instruction.strip()
        if not instruction:
            raise InvalidInput(
                "empty edit instruction", hint='say what to change, e.g. "make the triangle blue"'
            )
        if len(instruction) > 2000:
            raise InvalidInput("edit instruction longer than 2000 characters")
        scene = await self.store.get_scene(scene_id)
        self._check_idle(scene)
        session = await self.store.get_session(scene.session_id)
        with correlated(scene.job_id):
            log.info("edit scene %s: %s", scene_id, instruction)
            await self._session_status(session, SessionStatus.RENDERING, allow_same=True)
            scene = await self._update_scene(scene, pending_edit=instruction)
            await self._make_scene_isolated(scene, None, instruction)
            return await self._finish_session(scene.session_id)

    # ---------------------------------------------------------------- retry

    async def retry(self, scene_id: str) -> VideoSession:
        """Run a failed scene again: its failed edit, or its first render."""
        scene = await self.store.get_scene(scene_id)
        if scene.status != SceneStatus.ERROR:
            raise InvalidInput(
                f"scene {scene_id} is {scene.status.value}, not error: "
                "only failed scenes are retried",
                hint="to change a scene that works, use `tutor edit`",
            )
        session = await self.store.get_session(scene.session_id)
        with correlated(scene.job_id):
            log.info("retry scene %s", scene_id)
            await self._session_status(session, SessionStatus.RENDERING, allow_same=True)
            instruction = scene.pending_edit
            if instruction is None:
                scene = await self._scene_status(scene, SceneStatus.QUEUED, error_message=None)
            plan = None if instruction else await self._load_plan(session)
            await self._make_scene_isolated(scene, plan, instruction)
            return await self._finish_session(scene.session_id)

    # --------------------------------------------------------------- export

    async def export(self, session_id: str, out: Path) -> ExportResult:
        """Concatenate the session's playable chunks (stream copy) into one mp4 + .vtt."""
        session = await self.store.get_session(session_id)
        scenes = await self.store.list_scenes(session_id)
        playable = [s for s in scenes if s.playable]
        missing = [s for s in scenes if not s.playable]
        if not playable:
            raise InvalidInput(
                f"session {session_id} has no playable scene to export",
                hint=f"retry its failed scenes: `tutor show {session_id}` lists their ids, "
                "then `tutor retry SCENE_ID`",
            )
        out = await anyio.to_thread.run_sync(_prepare_output, out)
        with tempfile.TemporaryDirectory(prefix="tutor-export-") as tmp:
            chunks: list[Path] = []
            parts: list[tuple[list[SentenceTiming], float]] = []
            offset = 0.0
            for scene in playable:
                assert scene.s3_chunk_key is not None
                chunk = await self.storage.download(
                    Bucket.CHUNKS, scene.s3_chunk_key, Path(tmp) / f"{scene.index:03d}.mp4"
                )
                chunks.append(chunk)
                doc = await self._load_document(scene)
                parts.append((doc.sentences, offset))
                offset += timeline.frames_to_seconds(scene.duration_in_frames, session.target_fps)
            tmp_out = out.with_name(f".{out.name}.part")
            info = await anyio.to_thread.run_sync(media.concat, chunks, tmp_out)
            tmp_out.replace(out)
        subtitles = out.with_suffix(".vtt")
        subtitles.write_text(media.merge_webvtt(parts), encoding="utf-8")
        return ExportResult(
            path=out,
            subtitles=subtitles,
            frames=info.frames,
            duration=info.duration,
            scenes=len(playable),
            missing=missing,
        )

    # ------------------------------------------------------------ per scene

    async def _make_scene_isolated(
        self, scene: Scene, plan: LessonPlan | None, instruction: str | None
    ) -> None:
        """Make one scene; any failure marks only this scene as error."""
        async with self._limiter:
            try:
                with anyio.fail_after(self.settings.scene_timeout):
                    await self._make_scene(scene, plan, instruction)
            except Exception as exc:
                self.stats.scene_failures += 1
                message = (
                    str(exc) if isinstance(exc, TutorError) else f"{type(exc).__name__}: {exc}"
                )
                if isinstance(exc, TimeoutError):
                    message = (
                        f"scene took longer than {self.settings.scene_timeout:.0f} s "
                        "(TUTOR_SCENE_TIMEOUT)"
                    )
                log.warning(
                    "scene %s failed: %s",
                    scene.id,
                    message,
                    exc_info=not isinstance(exc, TutorError),
                )
                with anyio.CancelScope(shield=True):
                    current = await self.store.get_scene(scene.id)
                    if current.status != SceneStatus.ERROR:
                        await self._scene_status(current, SceneStatus.ERROR, error_message=message)
                    else:
                        await self._update_scene(current, error_message=message)

    async def _make_scene(
        self, scene: Scene, plan: LessonPlan | None, instruction: str | None
    ) -> None:
        session = await self.store.get_session(scene.session_id)
        version = scene.version + 1
        scene = await self._scene_status(scene, SceneStatus.GENERATING_CODE, error_message=None)
        workdir = Path(tempfile.mkdtemp(prefix=f"tutor-scene-{scene.index}-"))
        try:
            if instruction is not None:
                doc = await self._load_document(scene)
                edit = await self.agent.edit(
                    PlannedScene(title=doc.title, narration=doc.narration, source=doc.source),
                    instruction,
                )
                title = edit.title or doc.title
                narration_text = edit.narration
                narration = await self.narrator.synthesize(narration_text, workdir)
                source = self._fit_to_narration(edit.source, narration)
            elif plan is not None:
                planned = plan.scenes[scene.index]
                title, narration_text = planned.title, planned.narration
                narration = await self.narrator.synthesize(narration_text, workdir)
                written = await self.agent.write(
                    plan, scene.index, narration_seconds=narration.duration + TAIL_SECONDS
                )
                source = self._fit_to_narration(written, narration)
            else:  # re-render the current version's document
                doc = await self._load_document(scene)
                title, narration_text = doc.title, doc.narration
                narration = await self.narrator.synthesize(narration_text, workdir)
                source = self._fit_to_narration(doc.source, narration)

            scene = await self._scene_status(scene, SceneStatus.RENDERING)
            result, source, scene = await self._render_with_repair(
                scene, source, title, narration, workdir, session.quality
            )

            chunk = workdir / "chunk.mp4"
            info = await anyio.to_thread.run_sync(
                lambda: media.mux(result.path, narration.audio, chunk)
            )
            checksum = await anyio.to_thread.run_sync(media.sha256_file, chunk)
            vtt = media.webvtt(narration.sentences)

            scene = await self._scene_status(scene, SceneStatus.UPLOADING)
            idx, pid, sid = scene.index, scene.project_id, scene.session_id
            chunk_key = keys.chunk_key(pid, sid, idx, version)
            vtt_key = keys.subtitles_key(pid, sid, idx, version)
            source_key = keys.source_key(pid, sid, idx, version)
            spec_key = keys.spec_key(pid, sid, idx, version)
            doc = SceneDocument(title, narration_text, source, narration.sentences)
            await self._retrying(
                lambda: self.storage.put(Bucket.CHUNKS, chunk_key, chunk, content_type="video/mp4")
            )
            await self._retrying(
                lambda: self.storage.put(
                    Bucket.CHUNKS, vtt_key, vtt.encode(), content_type="text/vtt"
                )
            )
            code = result.code or (source.code if isinstance(source, CodeSource) else "")
            await self._retrying(
                lambda: self.storage.put(
                    Bucket.SOURCES, source_key, code.encode(), content_type="text/x-python"
                )
            )
            await self._retrying(
                lambda: self.storage.put(
                    Bucket.SOURCES,
                    spec_key,
                    doc.to_json().encode(),
                    content_type="application/json",
                )
            )
            chunk_url = await self.storage.url(Bucket.CHUNKS, chunk_key)
            vtt_url = await self.storage.url(Bucket.CHUNKS, vtt_key)
            await self._scene_status(
                scene,
                SceneStatus.READY,
                version=version,
                title=title,
                narration=narration_text,
                s3_chunk_key=chunk_key,
                s3_chunk_url=chunk_url,
                s3_source_key=source_key,
                s3_spec_key=spec_key,
                s3_subtitles_key=vtt_key,
                s3_subtitles_url=vtt_url,
                checksum=checksum,
                duration_in_frames=info.frames,
                pending_edit=None,
                error_message=scene.error_message,
            )
            log.info("scene %s v%d ready (%d frames)", scene.id, version, info.frames)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    async def _render_with_repair(
        self,
        scene: Scene,
        source: SceneSource,
        title: str,
        narration: Narration,
        workdir: Path,
        quality: Any,
    ) -> tuple[RenderResult, SceneSource, Scene]:
        """Render; on failure let the agent repair, then fall back to a title card."""
        request = RenderRequest(
            quality=quality, out_dir=workdir / "render", timeout=self.settings.render_timeout
        )
        last: TutorError | None = None
        for attempt in range(self.settings.repair_attempts + 1):
            try:
                result = await self._render(source, request)
                return result, source, scene
            except (RenderFailed, PolicyViolation) as exc:
                last = exc
                error = (
                    exc.error
                    if isinstance(exc, RenderFailed)
                    else RenderError(kind="policy", message=str(exc.message), problems=exc.problems)
                )
                log.warning(
                    "render of scene %s failed (attempt %d): %s", scene.id, attempt + 1, exc.message
                )
                if attempt == self.settings.repair_attempts:
                    break
                scene = await self._scene_status(scene, SceneStatus.GENERATING_CODE)
                try:
                    source = await self.agent.repair(source, error)
                except AgentError as agent_exc:
                    log.info("agent could not repair scene %s: %s", scene.id, agent_exc)
                    scene = await self._scene_status(scene, SceneStatus.RENDERING)
                    break
                self.stats.repairs += 1
                source = self._fit_to_narration(source, narration)
                scene = await self._scene_status(scene, SceneStatus.RENDERING)
        assert last is not None
        # A fallback only stands in for a scene that never rendered; an edit that fails
        # keeps the previous version instead.
        if not self.settings.fallback_scenes or scene.version > 0:
            raise last
        fallback = self._fallback_source(title, narration)
        result = await self._render(fallback, request)
        self.stats.fallbacks += 1
        scene = await self._update_scene(
            scene,
            error_message=f"showing a simplified scene; the planned one failed: {last.message}",
        )
        return result, fallback, scene

    async def _render(self, source: SceneSource, request: RenderRequest) -> RenderResult:
        problems = await self.renderer.validate(source)
        if problems:
            raise PolicyViolation(problems)
        result = await self.renderer.render(source, request)
        if result.cached:
            self.stats.cached_renders += 1
        else:
            self.stats.renders += 1
        return result

    def _fit_to_narration(self, source: SceneSource, narration: Narration) -> SceneSource:
        """Time a spec to its narration: duration and one cue per sentence."""
        if not isinstance(source, SpecSource):
            return source
        spec = source.spec
        busy = sum(a.run_time for a in spec.animations)
        duration = max(narration.duration + TAIL_SECONDS, busy, 1.0)
        cues = [round(s.start, 3) for s in narration.sentences]
        data = spec.model_dump(by_alias=False)
        data.update(duration=round(min(duration, 300.0), 3), cues=cues)
        return SpecSource(spec=SceneSpec.model_validate(data))

    def _fallback_source(self, title: str, narration: Narration) -> SceneSource:
        spec = SceneSpec(
            title=title[:80] or "Scene",
            elements=[TextElement(id=FALLBACK_ID, text=_first_sentence(narration), size="normal")],
            animations=[],
            duration=max(narration.duration + TAIL_SECONDS, 1.0),
        )
        return SpecSource(spec=spec)

    # ------------------------------------------------------------- finishing

    async def _finish_session(self, session_id: str) -> VideoSession:
        """Lay out the frames of playable scenes and settle the session's status."""
        scenes = await self.store.list_scenes(session_id)
        session = await self.store.get_session(session_id)
        playable = [s for s in scenes if s.playable]
        spans = iter(timeline.layout([s.duration_in_frames for s in playable]))
        start = 0
        for scene in scenes:
            if scene.playable:
                span = next(spans)
                changes = dict(
                    start_frame=span.start_frame,
                    end_frame=span.end_frame,
                    duration_in_frames=span.duration_in_frames,
                )
                start = span.end_frame + 1
            else:
                changes = dict(start_frame=start, end_frame=start - 1, duration_in_frames=0)
            if any(getattr(scene, k) != v for k, v in changes.items()):
                await self._update_scene(scene, **changes)
        busy = [s for s in scenes if s.status not in (SceneStatus.READY, SceneStatus.ERROR)]
        if busy:  # another job is still working on this session
            return await self.store.get_session(session_id)
        total = sum(s.duration_in_frames for s in playable)
        failed = [s for s in scenes if s.status == SceneStatus.ERROR]
        if playable:
            message = None
            if failed:
                message = f"{len(failed)} of {len(scenes)} scenes failed: " + "; ".join(
                    f"scene {s.index + 1}: {s.error_message}" for s in failed
                )
            session = await self._session_status(
                session,
                SessionStatus.READY,
                allow_same=True,
                duration_in_frames=total,
                error_message=message,
                version=session.version + 1,
            )
        else:
            session = await self._session_status(
                session,
                SessionStatus.ERROR,
                allow_same=True,
                duration_in_frames=0,
                error_message="no scene could be made: "
                + "; ".join(f"scene {s.index + 1}: {s.error_message}" for s in failed),
            )
        return session

    # ------------------------------------------------------------ plumbing

    def _check_idle(self, scene: Scene) -> None:
        if scene.status not in (SceneStatus.READY, SceneStatus.ERROR):
            raise InvalidInput(
                f"scene {scene.id} is busy ({scene.status.value})",
                hint="wait until it is ready or failed, then try again",
            )
        if not scene.playable and scene.pending_edit is None and scene.status == SceneStatus.ERROR:
            raise InvalidInput(
                f"scene {scene.id} has never rendered, so there is nothing to edit yet",
                hint=f"run `tutor retry {scene.id}` first",
            )

    def _plan_key(self, session: VideoSession) -> str:
        return keys.validate_key(f"projects/{session.project_id}/sessions/{session.id}/plan.json")

    async def _load_plan(self, session: VideoSession) -> LessonPlan:
        data = await self.storage.get(Bucket.SOURCES, self._plan_key(session))
        return LessonPlan.model_validate_json(data)

    async def _load_document(self, scene: Scene) -> SceneDocument:
        if scene.s3_spec_key is None:
            session = await self.store.get_session(scene.session_id)
            planned = (await self._load_plan(session)).scenes[scene.index]
            if planned.source is None:
                raise NotFound(
                    f"scene {scene.id} has no source yet", hint=f"run `tutor retry {scene.id}`"
                )
            return SceneDocument(planned.title, planned.narration, planned.source)
        return SceneDocument.from_json(await self.storage.get(Bucket.SOURCES, scene.s3_spec_key))

    async def _retrying(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Run a transient operation with exponential backoff (TUTOR_RETRY_ATTEMPTS)."""
        delay = 0.2
        for attempt in range(self.settings.retry_attempts):
            try:
                return await fn()
            except (StorageError, OSError) as exc:
                if attempt == self.settings.retry_attempts - 1:
                    raise
                log.info("transient failure (%s); retrying in %.1f s", exc, delay)
                await anyio.sleep(delay)
                delay *= 4
        raise AssertionError("unreachable")

    async def _update_scene(self, scene: Scene, **changes: Any) -> Scene:
        """Update with optimistic concurrency; re-read and re-apply on conflict."""
        for _ in range(10):
            try:
                updated = await self.store.update_scene(
                    scene.id, revision=scene.revision, **changes
                )
            except ConflictError:
                scene = await self.store.get_scene(scene.id)
                continue
            await self._notify(updated)
            return updated
        raise ConflictError(f"scene {scene.id} kept changing under us", hint="try again")

    async def _update_session(self, session: VideoSession, **changes: Any) -> VideoSession:
        for _ in range(10):
            try:
                updated = await self.store.update_session(
                    session.id, revision=session.revision, **changes
                )
            except ConflictError:
                session = await self.store.get_session(session.id)
                continue
            await self._notify(updated)
            return updated
        raise ConflictError(f"session {session.id} kept changing under us", hint="try again")

    async def _scene_status(self, scene: Scene, status: SceneStatus, **changes: Any) -> Scene:
        scene = await self.store.get_scene(scene.id)
        old = scene.status
        states.scene_transition(old, status)
        updated = await self._update_scene(scene, status=status, **changes)
        for result in manager().hook.scene_status_changed(scene=updated, old=old, new=status):
            await await_me_maybe(result)
        return updated

    async def _session_status(
        self,
        session: VideoSession,
        status: SessionStatus,
        *,
        allow_same: bool = False,
        **changes: Any,
    ) -> VideoSession:
        session = await self.store.get_session(session.id)
        old = session.status
        if not (allow_same and old == status):
            states.session_transition(old, status)
        updated = await self._update_session(session, status=status, **changes)
        if old != status:
            for result in manager().hook.session_status_changed(
                session=updated, old=old, new=status
            ):
                await await_me_maybe(result)
        return updated

    async def _notify(self, obj: VideoSession | Scene) -> None:
        if self.on_change is not None:
            await await_me_maybe(self.on_change(obj))


def _prepare_output(out: Path) -> Path:
    out = out.expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _first_sentence(narration: Narration) -> str:
    if narration.sentences:
        return narration.sentences[0].text[:300]
    return "…"
