"""The one pipeline: generate, edit, retry, resume, recover and export a session's scenes.

Per scene (concurrently, bounded, each isolated from the others' failures)::

    narrate (audio first) → agent.write (told the narration length) → validate → render
      (on failure: agent.repair up to N times, then a fallback title card)
    → mux audio + WebVTT → storage (versioned keys) → store (status ready, keys, checksum)

Every status change is a compare-and-set at the store, checked against
`tutor_core.states`. A job holds the scenes it works on under a lease it renews
(`tutor_core.leases`); an edit claims its scene atomically, so of two concurrent edits
exactly one wins. An edit writes version n+1; when it fails, version n stays playable.

Workers split a generation per scene with the same steps: `plan_session` (one job)
then `make_scene` (one job per scene, on any worker); `finish_session` settles a
session's frames and status after any change.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio

from tutor_core import keys, media, plugins, states, timeline, usage
from tutor_core.code_timing import pad_to_narration
from tutor_core.errors import (
    AgentError,
    Busy,
    ConflictError,
    EditNotUnderstood,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PolicyViolation,
    RenderFailed,
    StorageError,
    TutorError,
)
from tutor_core.hashing import sha256_file
from tutor_core.interfaces import Agent, Bucket, Narrator, Renderer, Storage, Store
from tutor_core.leases import LeaseKeeper, is_stale
from tutor_core.logs import correlated, new_correlation_id
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
    now_ms,
)
from tutor_core.plugins import await_me_maybe
from tutor_core.prompts import DEFAULT_SCENES
from tutor_core.settings import Settings
from tutor_core.spec import SceneSpec, TextElement

log = logging.getLogger("tutor.pipeline")

T = TypeVar("T")

FALLBACK_ID = "fallback"
"""Element id of the text on a fallback title card."""

TAIL_SECONDS = 0.6
"""Silence after the last sentence, so scenes do not cut off mid-breath."""


def fit_to_narration(source: SceneSource, narration: Narration) -> SceneSource:
    """Time a source to its narration: a spec's duration and one cue per sentence;
    code's closing wait (so an edit that lengthens the narration lengthens it too)."""
    if isinstance(source, CodeSource):
        seconds = narration.duration + TAIL_SECONDS
        code = pad_to_narration(source.code, seconds, source.scene_class)
        return source.model_copy(update={"code": code})
    if not isinstance(source, SpecSource):
        return source
    spec = source.spec
    busy = sum(a.run_time for a in spec.animations)
    duration = max(narration.duration + TAIL_SECONDS, busy, 1.0)
    cues = [round(s.start, 3) for s in narration.sentences]
    data = spec.model_dump(by_alias=False)
    data.update(duration=round(min(duration, 300.0), 3), cues=cues)
    return SpecSource(spec=SceneSpec.model_validate(data))


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
    change: str | None = None
    """What made this version, for a person choosing one: "first version", the edit's
    instruction and what the agent did, "restored version 2" (None in older documents)."""

    def to_json(self) -> str:
        src: Any = self.source
        data: dict[str, Any] = {
            "title": self.title,
            "narration": self.narration,
            "source": src.model_dump(mode="json", by_alias=True, exclude_none=True),
            "sentences": [s.model_dump(mode="json") for s in self.sentences],
        }
        if self.change is not None:
            data["change"] = self.change
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str | bytes) -> SceneDocument:
        data = json.loads(text)
        planned = PlannedScene.model_validate(
            {"title": data["title"], "narration": data["narration"], "source": data["source"]}
        )
        assert planned.source is not None
        sentences = [SentenceTiming.model_validate(s) for s in data.get("sentences", [])]
        change = data.get("change")
        return cls(
            planned.title,
            planned.narration,
            planned.source,
            sentences,
            change if isinstance(change, str) else None,
        )


@dataclass
class ExportResult:
    """An exported video: the mp4, its subtitles, and the scenes it lacks."""

    path: Path
    subtitles: Path
    frames: int
    duration: float
    scenes: int
    missing: list[Scene] = field(default_factory=list)

    def to_wire(self, session_id: str) -> dict[str, Any]:
        """The export as JSON for a caller (the CLI's `--json`, the MCP tool)."""
        return {
            "sessionId": session_id,
            "output": str(self.path),
            "subtitles": str(self.subtitles),
            "frames": self.frames,
            "duration": self.duration,
            "scenes": self.scenes,
            "missing": [s.id for s in self.missing],
        }


ProgressCallback = Callable[[VideoSession | Scene], Awaitable[None] | None]

CLEANUP_SECONDS = 30.0
"""How long shielded clean-up (marking interrupted work `error`) may take."""
CLAIM_ATTEMPTS = 8
"""Compare-and-set attempts when other jobs keep touching a record (frames, sessions)."""

_Sc = SceneStatus
_Se = SessionStatus


class Pipeline:
    """Runs jobs against a set of plugins. Use it through `tutor_core.Tutor`.

    Several pipelines (in several processes) may work on one store at once: every
    status change is a compare-and-set on (revision, status), every busy scene is held
    by one job under a lease that job renews, and whatever a job leaves behind when it
    is cancelled or fails is marked `error` (in a shielded clean-up), or recovered by
    `recover` once its lease has run out. Nothing stays busy forever.
    """

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

    async def generate(
        self, session_id: str, scene_count: int | None = None, *, job_id: str | None = None
    ) -> VideoSession:
        """Plan the session's prompt into scenes and make every scene.

        The session must be `queued` for this job (`job_id`, default the session's own
        job). A job delivered again after its worker died (same job id, session already
        past `queued`) finishes the session instead, like `resume`.

        Raises:
            Busy: the session is held by another job.
            TutorError: planning failed (the session is then `error`).
        """
        session, job, count = await self._generation_job(session_id, scene_count, job_id)
        with correlated(job):
            if session.status != _Se.QUEUED and session.job_id == job:
                log.info("job %s delivered again: finishing session %s", job, session_id)
                return await self._run_job(job, lambda: self._resume(session_id))
            return await self._run_job(job, lambda: self._generate(session_id, count))

    async def _generation_job(
        self, session_id: str, scene_count: int | None, job_id: str | None
    ) -> tuple[VideoSession, str, int]:
        """The session, the job generating it (default its own) and how many scenes."""
        session = await self.store.get_session(session_id)
        job = job_id or session.job_id or new_correlation_id()
        return session, job, scene_count or session.scene_count or DEFAULT_SCENES

    async def _generate(self, session_id: str, count: int) -> VideoSession:
        scenes, plan = await self._plan_session(session_id, count)
        try:
            await self._make_scenes(scenes, plan)
        except BaseException as exc:
            with anyio.CancelScope(shield=True), anyio.move_on_after(CLEANUP_SECONDS):
                await self._abandon(session_id, _interruption(exc, "the generation"))
            raise
        return await self.finish_session(session_id)

    async def _plan_session(
        self, session_id: str, count: int, *, wait_seconds: float | None = None
    ) -> tuple[list[Scene], LessonPlan]:
        """Claim a queued session, plan it, record its scenes `queued`; it is then `rendering`.

        With `wait_seconds` None the scenes are held (and renewed) by this job, which
        makes them next; otherwise each waits for a `make_scene` job under a lease of
        that many seconds.
        """
        keeper = _keeper()
        session = await self._change_session(
            session_id, lambda s: self._claim_queued(s, keeper), notify=True
        )
        keeper.hold_session(session.id)
        log.info("generate session %s (%d scenes)", session_id, count)
        try:
            with usage.metering() as meter:
                plan = await self.agent.plan(session.prompt or "", count)
            await self._retrying(
                lambda: self.storage.put(
                    Bucket.SOURCES,
                    self._plan_key(session),
                    plan.model_dump_json(by_alias=True, exclude_none=True).encode(),
                    content_type="application/json",
                )
            )
            session = await self._change_session(
                session.id,
                lambda s: self._own(
                    s,
                    keeper,
                    _Se.GENERATING,
                    title=plan.title,
                    outline=plan.outline,
                    notice=plan.notice,
                    **_usage_changes(meter, "plan_tokens", "plan_cost_usd", None, None),
                ),
            )
            scenes = await self._create_scenes(
                session, plan, range(len(plan.scenes)), wait_seconds=wait_seconds
            )
            session = await self._change_session(
                session.id,
                lambda s: self._own(
                    s, keeper, _Se.GENERATING, status=_Se.RENDERING, lease_expires_at=None
                ),
                notify=True,
            )
            keeper.release_session(session.id)
        except BaseException as exc:
            with anyio.CancelScope(shield=True), anyio.move_on_after(CLEANUP_SECONDS):
                await self._abandon(session.id, _interruption(exc, "planning the lesson"))
            raise
        return scenes, plan

    async def _create_scenes(
        self,
        session: VideoSession,
        plan: LessonPlan,
        indexes: Iterable[int],
        *,
        wait_seconds: float | None = None,
    ) -> list[Scene]:
        """Create queued scenes for this job: held and renewed, or waiting `wait_seconds`."""
        keeper = _keeper()
        scenes: list[Scene] = []
        for index in indexes:
            planned = plan.scenes[index]
            expires = keeper.expires_at() if wait_seconds is None else now_ms() + wait_seconds * 1e3
            scene = await self.store.create_scene(
                Scene(
                    id="",
                    project_id=session.project_id,
                    session_id=session.id,
                    index=index,
                    title=planned.title,
                    narration=planned.narration,
                    job_id=keeper.job_id,
                    lease_expires_at=expires,
                )
            )
            if wait_seconds is None:
                keeper.hold_scene(scene.id)
            scenes.append(scene)
            await self._notify(scene)
        return scenes

    # ------------------------------------------------- split per scene (workers)

    async def plan_session(
        self,
        session_id: str,
        scene_count: int | None = None,
        *,
        job_id: str | None = None,
        wait_seconds: float,
    ) -> list[Scene]:
        """Plan a queued session for workers; each returned scene is then one `make_scene`.

        The first step of a generation split per scene (so scenes of one lesson render
        on different workers at once). The session goes `queued` → `generating` →
        `rendering`; its scenes are recorded `queued`, held for the job `job_id`
        (default the session's own) under a lease of `wait_seconds`: long enough to wait
        in a queue, short enough that a scene whose `make_scene` never comes is
        recovered. A job delivered again after planning hands back the scenes still
        queued (none are planned twice). Delivered again after its first delivery
        stopped before any scene was recorded (its worker died, so the lease ran out,
        or planning failed on a transient error), it plans the lesson again.

        Raises:
            Busy: the session is queued for another job, or this job is still
                planning it in another worker (try again once its lease could run out).
            TutorError: planning failed (the session is then `error`).
        """
        session, job, count = await self._generation_job(session_id, scene_count, job_id)
        with correlated(job):
            replan = False
            if session.status != _Se.QUEUED and session.job_id == job:
                if session.status == _Se.GENERATING and not is_stale(session):
                    raise Busy(
                        f"session {session_id} is being planned by job {job} in another worker",
                        hint=_lease_hint(session),
                    )
                scenes = await self.store.list_scenes(session_id)
                replan = not scenes and session.status in (_Se.GENERATING, _Se.ERROR)
                if not replan:
                    log.info("job %s delivered again: session %s is planned", job, session_id)
                    return [s for s in scenes if s.status == _Sc.QUEUED]
                log.info("job %s delivered again: planning session %s again", job, session_id)
                if session.status == _Se.GENERATING:
                    await self.recover(session_id)  # its planner stopped: `error` first

            async def plan() -> list[Scene]:
                if replan:
                    await self._change_session(
                        session_id, lambda s: self._requeue(s, _keeper()), notify=True
                    )
                scenes, _ = await self._plan_session(session_id, count, wait_seconds=wait_seconds)
                return scenes

            return await self._run_job(job, plan)

    async def make_scene(self, scene_id: str, *, job_id: str) -> None:
        """Make one scene planned by `plan_session`, as job `job_id`, then settle its session.

        Safe to deliver more than once: a scene already made only settles its session;
        a scene another delivery claimed first is left to it; a scene whose worker died
        (its lease ran out) is taken over and made again.

        Raises:
            Busy: another job that is alive holds the scene (try again later).
        """
        with correlated(job_id):
            scene = await self.store.get_scene(scene_id)
            if scene.status in states.SETTLED_SCENE:
                await self.finish_session(scene.session_id)
                return
            if scene.status != _Sc.QUEUED:
                if not is_stale(scene):
                    raise Busy(
                        f"scene {scene_id} is {scene.status.value} in job {scene.job_id}",
                        hint=_lease_hint(scene),
                    )
                log.info("scene %s: its job stopped; taking it over", scene_id)
                await self.retry(scene_id, job_id=job_id)  # recovers, then makes it again
                return
            session = await self.store.get_session(scene.session_id)

            def claimable(current: Scene) -> None:
                waiting = current.status == _Sc.QUEUED and (
                    current.job_id in (session.job_id, job_id) or is_stale(current)
                )
                if not waiting:
                    raise Busy(
                        f"scene {scene_id} is {current.status.value} in job {current.job_id}",
                        hint=_lease_hint(current),
                    )

            async def make() -> None:
                try:
                    claimed = await self._claim(
                        scene_id, check=claimable, target=_Sc.QUEUED, changes={}
                    )
                except Busy:
                    raise
                except ConflictError:
                    return  # another delivery claimed it first
                log.info("making scene %s (%d of %s)", scene_id, scene.index + 1, session.id)
                try:
                    await self._make_scene_isolated(claimed, None, None)
                finally:
                    with anyio.CancelScope(shield=True), anyio.move_on_after(CLEANUP_SECONDS):
                        await self.finish_session(scene.session_id)

            await self._run_job(job_id, make)

    async def _make_scenes(self, scenes: list[Scene], plan: LessonPlan | None) -> None:
        async with anyio.create_task_group() as tg:
            for scene in scenes:
                tg.start_soon(self._make_scene_isolated, scene, plan, None)

    # ----------------------------------------------------------------- edit

    async def edit(
        self, scene_id: str, instruction: str, *, job_id: str | None = None
    ) -> VideoSession:
        """Edit one scene by instruction; only that scene is re-rendered.

        An instruction the agent does not understand is refused at once: nothing is
        rendered and the scene stays as it was (ready at its version, no pending edit).

        Raises:
            InvalidInput: empty or too long instruction, or a scene that never rendered.
            EditNotUnderstood: the agent refused the instruction; its `suggestions`
                are instructions that do work on this scene.
            Busy: another job is making or changing the scene.
            ConflictError: the scene changed (another edit landed) while this one started.
        """
        instruction = instruction.strip()
        if not instruction:
            raise InvalidInput(
                "empty edit instruction", hint='say what to change, e.g. "make the triangle blue"'
            )
        if len(instruction) > 2000:
            raise InvalidInput("edit instruction longer than 2000 characters")
        job = job_id or new_correlation_id()
        with correlated(job):
            return await self._run_job(job, lambda: self._edit(scene_id, instruction))

    async def check_edit(self, scene_id: str, instruction: str) -> None:
        """Ask the agent at once whether it understands an edit, without a job.

        Only for an agent that answers without a model call (`quick_edits = True`,
        like the offline lesson agent): a server can then refuse an edit in its
        response instead of queuing a job that will refuse it. Nothing is stored or
        rendered. Other agents answer in the edit's job.

        Raises:
            EditNotUnderstood: with `suggestions` that do work on this scene.
        """
        if not getattr(self.agent, "quick_edits", False):
            return
        scene = await self.store.get_scene(scene_id)
        if not scene.playable:
            return  # the edit's job says what is wrong with the scene
        doc = await self._load_document(scene)
        planned = PlannedScene(title=doc.title, narration=doc.narration, source=doc.source)
        # Quick edits are CPU work (tens of ms for a long instruction): a worker thread
        # with its own loop keeps this process's event loop serving meanwhile.
        await anyio.to_thread.run_sync(
            functools.partial(anyio.run, self.agent.edit, planned, instruction.strip())
        )

    async def _edit(self, scene_id: str, instruction: str) -> VideoSession:
        scene = await self._take_over_if_stale(await self.store.get_scene(scene_id))
        _check_editable(scene)  # a clear answer before anything is touched
        log.info("edit scene %s: %s", scene_id, instruction)
        return await self._run_one(
            scene,
            check=_check_editable,
            target=_Sc.GENERATING_CODE,
            changes={"pending_edit": instruction, "error_message": None},
            instruction=instruction,
        )

    # ---------------------------------------------------------------- retry

    async def retry(self, scene_id: str, *, job_id: str | None = None) -> VideoSession:
        """Run a failed scene again: its failed edit, or its first render.

        A scene whose job died (its lease ran out) counts as failed.

        Raises:
            InvalidInput: the scene is ready (edit it instead).
            Busy: another job is still working on the scene.
        """
        job = job_id or new_correlation_id()
        with correlated(job):
            return await self._run_job(job, lambda: self._retry(scene_id))

    async def _retry(self, scene_id: str) -> VideoSession:
        scene = await self._take_over_if_stale(await self.store.get_scene(scene_id))
        _check_retryable(scene)
        log.info("retry scene %s", scene_id)
        # A fallback is ready (it plays) but stands in for the planned scene: retrying
        # writes the planned scene again, as the next version.
        fallback = scene.status == _Sc.READY
        return await self._run_one(
            scene,
            check=_check_retryable,
            target=_Sc.GENERATING_CODE if fallback else _Sc.QUEUED,
            changes={"error_message": None} if fallback else {},
            instruction=scene.pending_edit,
        )

    async def resume(self, session_id: str, *, job_id: str | None = None) -> VideoSession:
        """Finish a session: retry its failed scenes and make the ones never made.

        This is what to run after a crash: scenes whose job died are taken over, scenes
        the plan has but the store lacks are created, and a session interrupted before
        it had a plan is generated again.

        Raises:
            Busy: a job that is still alive works on the session.
        """
        job = job_id or new_correlation_id()
        with correlated(job):
            return await self._run_job(job, lambda: self._resume(session_id))

    async def _resume(self, session_id: str) -> VideoSession:
        await self.recover(session_id)
        session = await self.store.get_session(session_id)
        if session.status in (_Se.QUEUED, _Se.GENERATING):
            raise Busy(
                f"session {session_id} is {session.status.value} in job {session.job_id}",
                hint=_lease_hint(session),
            )
        held = [
            s for s in await self.store.list_scenes(session_id) if s.status in states.BUSY_SCENE
        ]
        if held:
            scene = held[0]
            raise Busy(
                f"scene {scene.index + 1} of session {session_id} is busy "
                f"({scene.status.value}) in job {scene.job_id}",
                hint="wait for that job to finish; " + _lease_hint(scene),
            )
        try:
            plan = await self._load_plan(session)
        except NotFound:
            plan = None
        keeper = _keeper()
        if plan is None:
            log.info("session %s has no plan: generating it again", session_id)
            await self._change_session(
                session_id,
                lambda s: self._requeue(s, keeper),
                notify=True,
            )
            return await self._generate(session_id, session.scene_count or DEFAULT_SCENES)
        scenes = await self.store.list_scenes(session_id)
        missing = sorted(set(range(len(plan.scenes))) - {s.index for s in scenes})
        failed = [s for s in scenes if s.status == _Sc.ERROR]
        if not missing and not failed:
            return await self.finish_session(session_id)
        log.info(
            "resume session %s: %d failed scene(s), %d never made",
            session_id,
            len(failed),
            len(missing),
        )
        await self._start_rendering(session_id)
        try:
            claimed: list[Scene] = []
            for scene in failed:
                try:
                    claimed.append(
                        await self._claim(
                            scene.id, check=_check_retryable, target=_Sc.QUEUED, changes={}
                        )
                    )
                except ConflictError as exc:  # taken by another job meanwhile: theirs now
                    log.info("scene %s not retried: %s", scene.id, exc.message)
            session = await self.store.get_session(session_id)
            claimed += await self._create_scenes(session, plan, missing)
            await self._make_scenes_with_edits(claimed, plan)
        finally:
            with anyio.CancelScope(shield=True), anyio.move_on_after(CLEANUP_SECONDS):
                await self.finish_session(session_id)
        return await self.store.get_session(session_id)

    async def _make_scenes_with_edits(self, scenes: list[Scene], plan: LessonPlan) -> None:
        # A refused pending edit leaves its scene as it was (logged in
        # _make_scene_isolated); the other scenes go on.
        async with anyio.create_task_group() as tg:
            for scene in scenes:
                tg.start_soon(self._make_scene_isolated, scene, plan, scene.pending_edit)

    # ------------------------------------------------------------- recovery

    async def recover(self, session_id: str | None = None) -> list[VideoSession | Scene]:
        """Settle work whose job died: stale busy scenes and sessions become `error`.

        Only records whose lease has run out are touched, so this is safe to run at
        any time in any process (the CLI runs it at the start of every command, the
        queue when it starts). Sessions left `rendering` with nothing busy are settled.

        Args:
            session_id: look at this session only (default: every busy session).

        Returns:
            The records that were recovered (as they are now).
        """
        if session_id is not None:
            sessions = [await self.store.get_session(session_id)]
        else:
            sessions = await self.store.list_sessions(statuses=states.BUSY_SESSION)
        recovered: list[VideoSession | Scene] = []
        for session in sessions:
            if session.status not in states.BUSY_SESSION:
                continue
            now = now_ms()
            for scene in await self.store.list_scenes(session.id):
                if is_stale(scene, now):
                    taken = await self._recover_scene(scene)
                    if taken is not None:
                        recovered.append(taken)
            if session.status == _Se.RENDERING:
                settled = await self.finish_session(session.id)
                if settled.status != _Se.RENDERING:
                    recovered.append(settled)
            elif is_stale(session, now):
                what = (
                    "its job never started"
                    if session.status == _Se.QUEUED
                    else "its job stopped while planning the lesson"
                )
                try:
                    failed = await self._change_session(
                        session.id,
                        functools.partial(self._fail_stale_session, what=what),
                        notify=True,
                    )
                except ConflictError:
                    continue
                if failed.status == _Se.ERROR:
                    recovered.append(failed)
                    for scene in await self.store.list_scenes(session.id):
                        if scene.status in states.BUSY_SCENE:
                            taken = await self._recover_scene(scene)
                            if taken is not None:
                                recovered.append(taken)
        if recovered:
            log.warning("recovered %d record(s) left busy by jobs that stopped", len(recovered))
        return recovered

    def _fail_stale_session(self, session: VideoSession, what: str) -> dict[str, Any] | None:
        if session.status not in (_Se.QUEUED, _Se.GENERATING) or not is_stale(session):
            return None
        return {
            "status": _Se.ERROR,
            "lease_expires_at": None,
            "error_message": f"interrupted: {what} (job {session.job_id}); "
            f"`tutor retry {session.id}` generates it again",
        }

    async def _recover_scene(self, scene: Scene) -> Scene | None:
        """Mark a stale scene `error` (compare-and-set: another process may do it first)."""
        if not is_stale(scene):
            return None
        seconds = self.settings.lease_seconds
        message = (
            f"interrupted: job {scene.job_id} stopped before this scene was finished "
            f"(no sign of it for {seconds:g} s); retry it"
        )
        try:
            return await self._scene_status(
                scene, _Sc.ERROR, error_message=message, lease_expires_at=None
            )
        except (ConflictError, InvalidTransition):
            return None

    async def _take_over_if_stale(self, scene: Scene) -> Scene:
        if is_stale(scene):
            log.info(
                "scene %s was left %s by job %s: recovering it",
                scene.id,
                scene.status,
                scene.job_id,
            )
            await self._recover_scene(scene)
            return await self.store.get_scene(scene.id)
        return scene

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
            cues = media.subtitle_cues(parts)
            info = await anyio.to_thread.run_sync(
                functools.partial(media.concat, chunks, tmp_out, subtitles=cues)
            )
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

    # ------------------------------------------------------------- one scene

    async def _run_one(
        self,
        scene: Scene,
        *,
        check: Callable[[Scene], None],
        target: SceneStatus,
        changes: dict[str, Any],
        instruction: str | None,
    ) -> VideoSession:
        """Claim one settled scene for this job and make it (an edit or a retry)."""
        await self._start_rendering(scene.session_id)
        try:
            claimed = await self._claim(scene.id, check=check, target=target, changes=changes)
            refusal = await self._make_scene_isolated(claimed, None, instruction)
        finally:
            with anyio.CancelScope(shield=True), anyio.move_on_after(CLEANUP_SECONDS):
                await self.finish_session(scene.session_id)
        if refusal is not None:
            raise refusal
        return await self.store.get_session(scene.session_id)

    async def _claim(
        self,
        scene_id: str,
        *,
        check: Callable[[Scene], None],
        target: SceneStatus,
        changes: dict[str, Any],
    ) -> Scene:
        """Take a settled scene for this job: compare-and-set on its revision and status.

        A conflict is re-read and checked again, never re-applied blindly: if the scene
        became busy, `check` raises Busy; if it got a new version meanwhile (another
        edit won), ConflictError; if only its frames moved, the claim is tried again.
        """
        keeper = _keeper()
        first_version: int | None = None
        for _ in range(CLAIM_ATTEMPTS):
            scene = await self.store.get_scene(scene_id)
            check(scene)
            if first_version is None:
                first_version = scene.version
            elif scene.version != first_version:
                raise ConflictError(
                    f"scene {scene.index + 1} ({scene_id}) changed while this job was starting: "
                    f"it is now version {scene.version}",
                    hint="look at the new version (`tutor show`) and ask again if still needed",
                )
            try:
                claimed = await self._scene_status(
                    scene,
                    target,
                    job_id=keeper.job_id,
                    lease_expires_at=keeper.expires_at(),
                    **changes,
                )
            except ConflictError:
                continue
            keeper.hold_scene(claimed.id)
            return claimed
        raise ConflictError(
            f"scene {scene_id} kept changing while this job tried to start", hint="try again"
        )

    async def _make_scene_isolated(
        self, scene: Scene, plan: LessonPlan | None, instruction: str | None
    ) -> EditNotUnderstood | None:
        """Make one claimed scene; any failure marks only this scene `error`.

        A refused edit is not a failure: the scene goes back to `ready` at its current
        version (or `error` if it never rendered) without a pending edit, and the
        refusal is returned for the caller to show.

        Cancellation (Ctrl-C, a cancelled job, `Tutor.aclose()`) marks it `error` too,
        in a shielded clean-up, before the cancellation goes on. If another job takes
        the scene over (this job's lease ran out), work on it stops silently.
        """
        keeper = _keeper()
        lost = anyio.CancelScope()
        keeper.hold_scene(scene.id, on_lost=lost.cancel)
        meter: usage.Meter | None = None  # what a failed or refused attempt cost counts too
        try:
            with lost:
                async with self._limiter:
                    with anyio.fail_after(self.settings.scene_timeout), usage.metering() as meter:
                        await self._make_scene(scene.id, plan, instruction, meter)
            if lost.cancelled_caught:
                log.warning("scene %s was taken over by another job; this job let it go", scene.id)
        except EditNotUnderstood as refusal:
            log.info("scene %s: edit refused: %s", scene.id, refusal.message)
            with anyio.CancelScope(shield=True), anyio.move_on_after(CLEANUP_SECONDS):
                await self._refuse_edit(scene.id, refusal, meter)
            return refusal
        except anyio.get_cancelled_exc_class():
            with anyio.CancelScope(shield=True), anyio.move_on_after(CLEANUP_SECONDS):
                await self._fail_scene(
                    scene.id, "interrupted: the job was cancelled before this scene was finished"
                )
            raise
        except Exception as exc:
            self.stats.scene_failures += 1
            message = str(exc) if isinstance(exc, TutorError) else f"{type(exc).__name__}: {exc}"
            if isinstance(exc, TimeoutError):
                message = (
                    f"scene took longer than {self.settings.scene_timeout:.0f} s "
                    "(TUTOR_SCENE_TIMEOUT)"
                )
            log.warning(
                "scene %s failed: %s", scene.id, message, exc_info=not isinstance(exc, TutorError)
            )
            with anyio.CancelScope(shield=True), anyio.move_on_after(CLEANUP_SECONDS):
                await self._fail_scene(scene.id, message, meter)
        finally:
            keeper.release_scene(scene.id)
        return None

    async def _refuse_edit(
        self, scene_id: str, refusal: EditNotUnderstood, meter: usage.Meter | None = None
    ) -> None:
        """Put a scene whose edit was refused back as it was: nothing was rendered."""

        def back(scene: Scene) -> tuple[SceneStatus, dict[str, Any]]:
            if scene.playable:  # version n still plays: it stays the current one
                return _Sc.READY, {"pending_edit": None, "error_message": None}
            return _Sc.ERROR, {
                "pending_edit": None,
                "error_message": f"edit refused: {refusal.message}",
            }

        await self._settle_held_scene(scene_id, back, meter, "put back after a refused edit")

    async def _fail_scene(
        self, scene_id: str, message: str, meter: usage.Meter | None = None
    ) -> None:
        """Mark a scene this job holds `error` (a scene it no longer holds is left alone)."""
        await self._settle_held_scene(
            scene_id, lambda _: (_Sc.ERROR, {"error_message": message}), meter, "marked failed"
        )

    async def _settle_held_scene(
        self,
        scene_id: str,
        decide: Callable[[Scene], tuple[SceneStatus, dict[str, Any]]],
        meter: usage.Meter | None,
        what: str,
    ) -> None:
        """End this job's hold on a scene with the status and changes `decide` gives
        (plus what the job's attempts cost), retried on a concurrent write. A scene the
        job no longer holds, or that is gone, is left alone."""
        job = _keeper().job_id
        for _ in range(CLAIM_ATTEMPTS):
            try:
                scene = await self.store.get_scene(scene_id)
            except NotFound:
                return
            if scene.job_id != job or scene.status not in states.BUSY_SCENE:
                return
            status, changes = decide(scene)
            spent = _usage_changes(meter, "tokens", "cost_usd", scene.tokens, scene.cost_usd)
            try:
                await self._scene_status(scene, status, **changes, lease_expires_at=None, **spent)
                return
            except ConflictError:
                continue
            except TutorError as exc:
                log.error("scene %s could not be %s: %s", scene_id, what, exc)
                return

    async def _make_scene(
        self,
        scene_id: str,
        plan: LessonPlan | None,
        instruction: str | None,
        meter: usage.Meter | None = None,
    ) -> None:
        scene = await self.store.get_scene(scene_id)
        keeper = _keeper()
        if scene.job_id != keeper.job_id or scene.status not in states.BUSY_SCENE:
            raise ConflictError(
                f"scene {scene_id} is not held by job {keeper.job_id}",
                hint="another job took it over",
            )
        session = await self.store.get_session(scene.session_id)
        version = scene.version + 1
        if scene.status == _Sc.QUEUED:
            scene = await self._scene_status(scene, _Sc.GENERATING_CODE, error_message=None)
        workdir = Path(tempfile.mkdtemp(prefix=f"tutor-scene-{scene.index}-"))
        source: SceneSource | None
        unwritten: TutorError | None = None
        try:
            if instruction is not None:
                doc = await self._load_document(scene)
                edit = await self.agent.edit(
                    PlannedScene(title=doc.title, narration=doc.narration, source=doc.source),
                    instruction,
                )
                title = edit.title or doc.title
                narration_text = edit.narration
                change = _edit_change(instruction, edit.summary)
                narration = await self.narrator.synthesize(narration_text, workdir)
                source = fit_to_narration(edit.source, narration)
            elif scene.version == 0 or scene.fallback:
                # First render (or a retried fallback): the agent writes it from the plan.
                plan = plan or await self._load_plan(session)
                planned = plan.scenes[scene.index]
                title, narration_text = planned.title, planned.narration
                change = "first version" if scene.version == 0 else "made again after a fallback"
                narration = await self.narrator.synthesize(narration_text, workdir)
                try:
                    written = await self.agent.write(
                        plan, scene.index, narration_seconds=narration.duration + TAIL_SECONDS
                    )
                except AgentError as exc:
                    # The agent could not write it at all (e.g. no code it wrote passed
                    # its checks): like a render that repairs could not fix.
                    written = None
                    unwritten = exc
                    log.warning("agent could not write scene %s: %s", scene.id, exc.message)
                source = fit_to_narration(written, narration) if written is not None else None
            else:  # re-render the current version's document
                doc = await self._load_document(scene)
                title, narration_text = doc.title, doc.narration
                change = f"version {scene.version} made again"
                narration = await self.narrator.synthesize(narration_text, workdir)
                source = fit_to_narration(doc.source, narration)

            scene = await self._scene_status(scene, _Sc.RENDERING)
            if source is None:
                assert unwritten is not None
                result, source, scene = await self._fall_back(
                    scene, unwritten, title, narration, workdir, session.quality
                )
            else:
                result, source, scene = await self._render_with_repair(
                    scene, source, title, narration, workdir, session.quality
                )

            chunk = workdir / "chunk.mp4"
            await anyio.to_thread.run_sync(lambda: media.mux(result.path, narration.audio, chunk))
            # Refused here, a chunk that could not be joined by stream copy never
            # reaches storage, so export never meets one.
            info = await anyio.to_thread.run_sync(media.check_chunk, chunk)
            checksum = await anyio.to_thread.run_sync(sha256_file, chunk)
            vtt = media.webvtt(narration.sentences)

            scene = await self._scene_status(scene, _Sc.UPLOADING)
            # Confirm the lease first: a job that lost the scene must not overwrite what
            # the job that took it over writes under the same version's keys.
            await keeper.confirm_scene(scene.id)
            idx, pid, sid = scene.index, scene.project_id, scene.session_id
            chunk_key = keys.chunk_key(pid, sid, idx, version)
            vtt_key = keys.subtitles_key(pid, sid, idx, version)
            source_key = keys.source_key(pid, sid, idx, version)
            spec_key = keys.spec_key(pid, sid, idx, version)
            if _is_fallback(source):
                change = f"{change}: a simplified scene (the written one failed)"
            doc = SceneDocument(title, narration_text, source, narration.sentences, change)
            code = result.code or (source.code if isinstance(source, CodeSource) else "")
            uploads: list[tuple[Bucket, str, bytes | Path, str]] = [
                (Bucket.CHUNKS, chunk_key, chunk, "video/mp4"),
                (Bucket.CHUNKS, vtt_key, vtt.encode(), "text/vtt"),
                (Bucket.SOURCES, source_key, code.encode(), "text/x-python"),
                (Bucket.SOURCES, spec_key, doc.to_json().encode(), "application/json"),
            ]
            for bucket, key, data, content_type in uploads:
                await self._retrying(
                    functools.partial(
                        self.storage.put, bucket, key, data, content_type=content_type
                    )
                )
            await self._scene_status(
                scene,
                _Sc.READY,
                version=version,
                title=title,
                narration=narration_text,
                s3_chunk_key=chunk_key,
                s3_source_key=source_key,
                s3_spec_key=spec_key,
                s3_subtitles_key=vtt_key,
                checksum=checksum,
                duration_in_frames=info.frames,
                pending_edit=None,
                error_message=scene.error_message,
                fallback=_is_fallback(source),
                lease_expires_at=None,
                **_usage_changes(meter, "tokens", "cost_usd", scene.tokens, scene.cost_usd),
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
                scene = await self._scene_status(scene, _Sc.GENERATING_CODE)
                try:
                    source = await self.agent.repair(source, error)
                except AgentError as agent_exc:
                    log.info("agent could not repair scene %s: %s", scene.id, agent_exc)
                    scene = await self._scene_status(scene, _Sc.RENDERING)
                    break
                self.stats.repairs += 1
                source = fit_to_narration(source, narration)
                scene = await self._scene_status(scene, _Sc.RENDERING)
        assert last is not None
        return await self._fall_back(scene, last, title, narration, workdir, quality)

    async def _fall_back(
        self,
        scene: Scene,
        failure: TutorError,
        title: str,
        narration: Narration,
        workdir: Path,
        quality: Any,
    ) -> tuple[RenderResult, SceneSource, Scene]:
        """Render a title card in place of a scene that could not be made (or re-raise)."""
        # A fallback only stands in for a scene that never rendered; an edit that fails
        # keeps the previous version instead.
        if not self.settings.fallback_scenes or scene.version > 0:
            raise failure
        request = RenderRequest(
            quality=quality, out_dir=workdir / "render", timeout=self.settings.render_timeout
        )
        fallback = self._fallback_source(title, narration)
        result = await self._render(fallback, request)
        self.stats.fallbacks += 1
        scene = await self._scene_status(
            scene,
            scene.status,
            error_message=(
                f"showing a simplified scene; the planned one failed: {failure.message} "
                f"(`tutor retry {scene.id}` makes the planned scene again)"
            ),
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

    def _fallback_source(self, title: str, narration: Narration) -> SceneSource:
        spec = SceneSpec(
            title=title[:80] or "Scene",
            elements=[TextElement(id=FALLBACK_ID, text=_first_sentence(narration), size="normal")],
            animations=[],
            duration=max(narration.duration + TAIL_SECONDS, 1.0),
        )
        return SpecSource(spec=spec)

    # ------------------------------------------------------------- sessions

    async def _start_rendering(self, session_id: str) -> VideoSession:
        """Mark a settled session `rendering` before one of its scenes is worked on."""

        def decide(session: VideoSession) -> dict[str, Any] | None:
            if session.status in (_Se.QUEUED, _Se.GENERATING):
                raise Busy(
                    f"session {session.id} is still being generated ({session.status.value})",
                    hint="wait until it is ready, then try again",
                )
            # Always written (even when already rendering) so that a job settling the
            # session concurrently re-reads it and sees this job's scene.
            return {"status": _Se.RENDERING}

        return await self._change_session(session_id, decide, notify=True)

    async def _abandon(self, session_id: str, message: str) -> None:
        """After a failed or cancelled generation: fail what this job holds, settle."""
        keeper = _keeper()
        for scene in await self.store.list_scenes(session_id):
            if scene.job_id == keeper.job_id and scene.status in states.BUSY_SCENE:
                await self._fail_scene(scene.id, message)
        keeper.release_session(session_id)

        def decide(session: VideoSession) -> dict[str, Any] | None:
            if session.job_id != keeper.job_id or session.status not in (
                _Se.QUEUED,
                _Se.GENERATING,
            ):
                return None
            return {"status": _Se.ERROR, "error_message": message, "lease_expires_at": None}

        try:
            session = await self._change_session(session_id, decide, notify=True)
        except TutorError as exc:
            log.error("could not settle session %s: %s", session_id, exc)
            return
        if session.status == _Se.RENDERING:
            await self.finish_session(session_id)

    async def finish_session(self, session_id: str) -> VideoSession:
        """Lay out the frames of playable scenes and settle the session's status.

        Several jobs may finish at once; each re-reads the session, then its scenes, and
        writes with compare-and-set, starting over on a conflict. While any scene is
        still busy the job that holds it will settle the session later; scenes that are
        busy are never written here (only their holder writes them).
        """
        for _ in range(4 * CLAIM_ATTEMPTS):
            session = await self.store.get_session(session_id)
            scenes = await self.store.list_scenes(session_id)
            if session.status in (_Se.QUEUED, _Se.GENERATING):
                return session
            if any(s.status in states.BUSY_SCENE for s in scenes):
                return session
            if not await self._layout(scenes):
                continue
            scenes = await self.store.list_scenes(session_id)
            if any(s.status in states.BUSY_SCENE for s in scenes):
                return session
            changes = _settled(session, scenes)
            if changes is None:
                return session
            status = changes.pop("status")
            try:
                settled = await self._session_status(session, status, **changes)
            except (ConflictError, InvalidTransition):
                continue
            if status == _Se.RENDERING and session.status != _Se.RENDERING:
                continue  # one step of error → rendering → ready
            return settled
        log.warning("session %s kept changing; whoever changes it settles it", session_id)
        return await self.store.get_session(session_id)

    async def _layout(self, scenes: list[Scene]) -> bool:
        """Write frame spans of settled scenes; False when a scene changed meanwhile."""
        playable = [s for s in scenes if s.playable]
        spans = iter(timeline.layout([s.duration_in_frames for s in playable]))
        start = 0
        for scene in scenes:
            if scene.playable:
                span = next(spans)
                changes: dict[str, Any] = {
                    "start_frame": span.start_frame,
                    "end_frame": span.end_frame,
                    "duration_in_frames": span.duration_in_frames,
                }
                start = span.end_frame + 1
            else:
                changes = {"start_frame": start, "end_frame": start - 1, "duration_in_frames": 0}
            if scene.status in states.BUSY_SCENE:
                continue  # its holder owns it; the last job to finish lays it out
            if any(getattr(scene, k) != v for k, v in changes.items()):
                try:
                    await self._scene_status(scene, scene.status, **changes)
                except ConflictError:
                    return False
        return True

    def _claim_queued(self, session: VideoSession, keeper: LeaseKeeper) -> dict[str, Any]:
        if session.status != _Se.QUEUED:
            raise Busy(
                f"session {session.id} is {session.status.value}, not queued for a generation",
                hint="generate a new session, or `tutor retry` this one to finish it",
            )
        if session.job_id not in (None, keeper.job_id):
            raise Busy(
                f"session {session.id} is queued for job {session.job_id}, not {keeper.job_id}",
                hint="only the job it was queued for may generate it",
            )
        return {
            "status": _Se.GENERATING,
            "job_id": keeper.job_id,
            "lease_expires_at": keeper.expires_at(),
            "error_message": None,
        }

    def _requeue(self, session: VideoSession, keeper: LeaseKeeper) -> dict[str, Any]:
        if session.status not in (_Se.ERROR, _Se.READY):
            raise Busy(f"session {session.id} is {session.status.value}", hint=_lease_hint(session))
        return {
            "status": _Se.QUEUED,
            "job_id": keeper.job_id,
            "lease_expires_at": keeper.expires_at(),
        }

    def _own(
        self, session: VideoSession, keeper: LeaseKeeper, expected: SessionStatus, **changes: Any
    ) -> dict[str, Any]:
        if session.job_id != keeper.job_id or session.status != expected:
            raise ConflictError(
                f"session {session.id} is no longer {expected.value} in job {keeper.job_id}",
                hint="another job took it over after this one stopped renewing its lease",
            )
        return changes

    async def _change_session(
        self,
        session_id: str,
        decide: Callable[[VideoSession], dict[str, Any] | None],
        *,
        notify: bool = False,
    ) -> VideoSession:
        """Read, decide, compare-and-set; on a conflict read and decide again.

        `decide` returns the changes (None: nothing to do) or raises when the session
        is no longer in a state where the change makes sense.
        """
        for _ in range(4 * CLAIM_ATTEMPTS):
            session = await self.store.get_session(session_id)
            changes = decide(session)
            if changes is None:
                return session
            status = changes.pop("status", session.status)
            try:
                return await self._session_status(session, status, notify=notify, **changes)
            except ConflictError:
                continue
        raise ConflictError(f"session {session_id} kept changing under us", hint="try again")

    # ------------------------------------------------------------ plumbing

    async def _run_job(self, job: str, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` with this job's lease keeper renewing its leases in the background."""
        keeper = LeaseKeeper(self.store, job, self.settings.lease_seconds)
        token = _current_keeper.set(keeper)
        results: list[T] = []
        errors: list[Exception] = []
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(keeper.run, name=f"leases of job {job}")
                try:
                    results.append(await work())
                except Exception as exc:  # re-raised below, unwrapped from the task group
                    errors.append(exc)
                finally:
                    tg.cancel_scope.cancel()
        finally:
            _current_keeper.reset(token)
        if errors:
            raise errors[0]
        return results[0]

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

    async def _scene_status(self, scene: Scene, status: SceneStatus, **changes: Any) -> Scene:
        """Compare-and-set a scene from the state it was read in (no re-read, no re-apply).

        A busy target status renews the job's lease in the same write.
        """
        keeper = _current_keeper.get()
        if status in states.BUSY_SCENE and keeper is not None and "lease_expires_at" not in changes:
            changes["lease_expires_at"] = keeper.expires_at()
        old = scene.status
        updated = await self.store.update_scene(
            scene.id, revision=scene.revision, expected_status=old, status=status, **changes
        )
        await self._notify(updated)
        if old != status:
            await plugins.notify("scene_status_changed", scene=updated, old=old, new=status)
        return updated

    async def _session_status(
        self,
        session: VideoSession,
        status: SessionStatus,
        *,
        notify: bool = True,
        **changes: Any,
    ) -> VideoSession:
        old = session.status
        updated = await self.store.update_session(
            session.id, revision=session.revision, expected_status=old, status=status, **changes
        )
        await self._notify(updated)
        if notify and old != status:
            await plugins.notify("session_status_changed", session=updated, old=old, new=status)
        return updated

    async def _notify(self, obj: VideoSession | Scene) -> None:
        if self.on_change is None:
            return
        try:
            await await_me_maybe(self.on_change(obj))
        except Exception:  # a progress display must not break the work it shows
            log.warning("the on_change callback raised (ignored)", exc_info=True)


_current_keeper: ContextVar[LeaseKeeper | None] = ContextVar("tutor_job_keeper", default=None)


def _keeper() -> LeaseKeeper:
    keeper = _current_keeper.get()
    if keeper is None:  # pragma: no cover - every entry point runs inside _run_job
        raise RuntimeError("pipeline work must run inside a job (Pipeline._run_job)")
    return keeper


def _settled(session: VideoSession, scenes: list[Scene]) -> dict[str, Any] | None:
    """The status and fields a session with no busy scene should have (None: as it is)."""
    playable = [s for s in scenes if s.playable]
    failed = [s for s in scenes if s.status == _Sc.ERROR]
    total = sum(s.duration_in_frames for s in playable)
    status: SessionStatus
    if playable:
        message = None
        if failed:
            message = f"{len(failed)} of {len(scenes)} scenes failed: " + "; ".join(
                f"scene {s.index + 1}: {s.error_message}" for s in failed
            )
        status = _Se.READY
        target: dict[str, Any] = {"duration_in_frames": total, "error_message": message}
    else:
        reasons = "; ".join(f"scene {s.index + 1}: {s.error_message}" for s in failed)
        status = _Se.ERROR
        target = {
            "duration_in_frames": 0,
            "error_message": "no scene could be made" + (f": {reasons}" if reasons else ""),
        }
    if session.status == status and all(getattr(session, k) == v for k, v in target.items()):
        return None
    if session.status != status and not states.SESSION.can(session.status, status):
        # e.g. error → ready after a recovery: pass through rendering first.
        return {"status": _Se.RENDERING}
    return target | {"status": status, "version": session.version + 1, "lease_expires_at": None}


def _check_editable(scene: Scene) -> None:
    if scene.status in states.BUSY_SCENE:
        raise Busy(
            f"scene {scene.index + 1} ({scene.id}) is busy ({scene.status.value}) "
            f"in job {scene.job_id}",
            hint="wait until it is ready or failed, then try again; " + _lease_hint(scene),
        )
    if not scene.playable and scene.pending_edit is None and scene.status == _Sc.ERROR:
        raise InvalidInput(
            f"scene {scene.id} has never rendered, so there is nothing to edit yet",
            hint=f"run `tutor retry {scene.id}` first",
        )


def _is_fallback(source: SceneSource) -> bool:
    """True for the title card `_fallback_source` makes."""
    return isinstance(source, SpecSource) and [e.id for e in source.spec.elements] == [FALLBACK_ID]


def _usage_changes(
    meter: usage.Meter | None,
    tokens_field: str,
    cost_field: str,
    tokens: int | None,
    cost: float | None,
) -> dict[str, Any]:
    """Store changes that add what `meter` counted to a record's tokens and cost."""
    if meter is None or meter.requests == 0:
        return {}
    return {
        tokens_field: (tokens or 0) + meter.tokens,
        cost_field: usage.add_cost(cost, meter.cost_usd),
    }


def _check_retryable(scene: Scene) -> None:
    if scene.status == _Sc.READY and scene.fallback:
        return  # a fallback stands in for the planned scene: it may be made again
    if scene.status in states.BUSY_SCENE:
        raise Busy(
            f"scene {scene.index + 1} ({scene.id}) is busy ({scene.status.value}) "
            f"in job {scene.job_id}",
            hint="wait until it is ready or failed; " + _lease_hint(scene),
        )
    if scene.status != _Sc.ERROR:
        raise InvalidInput(
            f"scene {scene.id} is {scene.status.value}, not error: only failed scenes are retried",
            hint="to change a scene that works, use `tutor edit`",
        )


def _edit_change(instruction: str, summary: str) -> str:
    """An edit as its version's change: the words asked, then what was done if it says more."""
    asked = " ".join(instruction.split())
    done = " ".join(summary.split())
    if not done or done.lower() == asked.lower():
        return f"edit: {asked}"
    return f"edit: {asked} ({done})"


def _lease_hint(record: Scene | VideoSession) -> str:
    if record.lease_expires_at is None:
        return "if its job stopped, `tutor retry` takes it over"
    left = max(0.0, (record.lease_expires_at - now_ms()) / 1000.0)
    return (
        f"if its job stopped, `tutor retry` takes it over once its lease runs out (in {left:.0f} s)"
    )


def _interruption(exc: BaseException, what: str) -> str:
    if isinstance(exc, anyio.get_cancelled_exc_class()) or not isinstance(exc, Exception):
        return f"interrupted: {what} was cancelled before it finished"
    detail = exc.message if isinstance(exc, TutorError) else f"{type(exc).__name__}: {exc}"
    return f"{what} failed: {detail}"


def _prepare_output(out: Path) -> Path:
    out = out.expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _first_sentence(narration: Narration) -> str:
    if narration.sentences:
        return narration.sentences[0].text[:300]
    return "…"
