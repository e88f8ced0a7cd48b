"""The pipeline split per scene, for workers: plan a session, then make each scene apart.

`plan_session` (the session's own job) plans the lesson and records its scenes as
`queued`, each under a waiting lease long enough to sit in the queue; one task per
scene then claims its scene with compare-and-set, makes it under its own lease (renewed
by the pipeline's lease keeper) and settles the session, so the worker that finishes
the last scene marks the session ready. A scene whose worker died (its lease ran out)
is recovered and made again by the next delivery of its task.

These steps use the pipeline's own building blocks (claims, leases, status changes,
versioned keys, the frame layout), so a scene made here is made exactly as
`Pipeline.generate` makes it.
"""

from __future__ import annotations

import logging

from tutor_core import states
from tutor_core.errors import Busy, ConflictError, NotFound, TutorError
from tutor_core.interfaces import Bucket
from tutor_core.leases import is_stale
from tutor_core.logs import correlated
from tutor_core.models import (
    LessonPlan,
    Scene,
    SceneStatus,
    SessionStatus,
    VideoSession,
    now_ms,
)
from tutor_core.pipeline import _keeper
from tutor_core.tutor import Tutor

log = logging.getLogger("tutor.server.work")

BUSY_SCENE = states.BUSY_SCENE - {SceneStatus.QUEUED}


def scene_job(job_id: str, index: int) -> str:
    """The job id of one scene's task (the same on every delivery)."""
    return f"{job_id}.s{index}"


async def plan_session(
    tutor: Tutor, session_id: str, scene_count: int, job_id: str, wait_seconds: float
) -> list[Scene]:
    """Plan a queued session and record its scenes; returns the scenes still queued."""
    pipeline = tutor.pipeline
    store = tutor.store
    with correlated(job_id):
        session = await store.get_session(session_id)
        if session.status != SessionStatus.QUEUED:
            # A redelivered task: planned already; hand back what still waits.
            return [
                s for s in await store.list_scenes(session_id) if s.status == SceneStatus.QUEUED
            ]

        async def work() -> list[Scene]:
            keeper = _keeper()
            session = await pipeline._change_session(
                session_id, lambda s: pipeline._claim_queued(s, keeper), notify=True
            )
            keeper.hold_session(session.id)
            try:
                plan = await _plan(tutor, session, scene_count)
                session = await pipeline._change_session(
                    session.id,
                    lambda s: pipeline._own(s, keeper, SessionStatus.GENERATING, title=plan.title),
                )
                scenes = await _create_waiting(tutor, session, plan, wait_seconds)
                await pipeline._change_session(
                    session.id,
                    lambda s: pipeline._own(
                        s,
                        keeper,
                        SessionStatus.GENERATING,
                        status=SessionStatus.RENDERING,
                        lease_expires_at=None,
                    ),
                    notify=True,
                )
                keeper.release_session(session.id)
            except TutorError as exc:
                await pipeline._abandon(session.id, f"planning failed: {exc}")
                raise
            log.info("planned session %s: %d scenes", session.id, len(scenes))
            return scenes

        return await pipeline._run_job(job_id, work)


async def _plan(tutor: Tutor, session: VideoSession, scene_count: int) -> LessonPlan:
    pipeline = tutor.pipeline
    try:
        return await pipeline._load_plan(session)
    except NotFound:
        pass
    plan = await tutor.agent.plan(session.prompt or "", scene_count)
    await tutor.storage.put(
        Bucket.SOURCES,
        pipeline._plan_key(session),
        plan.model_dump_json(by_alias=True, exclude_none=True).encode(),
        content_type="application/json",
    )
    return plan


async def _create_waiting(
    tutor: Tutor, session: VideoSession, plan: LessonPlan, wait_seconds: float
) -> list[Scene]:
    existing = {s.index: s for s in await tutor.store.list_scenes(session.id)}
    scenes = []
    for index, planned in enumerate(plan.scenes):
        scene = existing.get(index) or await tutor.store.create_scene(
            Scene(
                id="",
                project_id=session.project_id,
                session_id=session.id,
                index=index,
                title=planned.title,
                narration=planned.narration,
                job_id=session.job_id,
                # Held for the queue: a worker claims it long before this runs out.
                lease_expires_at=now_ms() + wait_seconds * 1000,
            )
        )
        scenes.append(scene)
    return scenes


async def make_scene(tutor: Tutor, scene_id: str, job_id: str) -> None:
    """Claim one planned scene for `job_id` and make it, then settle its session.

    Raises:
        Busy: another live job holds the scene (try again later).
    """
    pipeline = tutor.pipeline
    with correlated(job_id):
        scene = await tutor.store.get_scene(scene_id)
        if scene.status in states.SETTLED_SCENE:
            await pipeline._finish_session(scene.session_id)
            return
        if scene.status in BUSY_SCENE:
            if not is_stale(scene):
                raise Busy(f"scene {scene_id} is {scene.status.value} in job {scene.job_id}")
            log.info("scene %s: its worker stopped; taking it over", scene_id)
            await pipeline.retry(scene_id, job_id=job_id)  # recovers, then makes it again
            return
        session = await tutor.store.get_session(scene.session_id)
        planner = session.job_id

        def claimable(current: Scene) -> None:
            waiting = current.status == SceneStatus.QUEUED and (
                current.job_id in (planner, job_id) or is_stale(current)
            )
            if not waiting:
                raise Busy(f"scene {scene_id} is {current.status.value} in job {current.job_id}")

        async def work() -> None:
            try:
                claimed = await pipeline._claim(
                    scene_id, check=claimable, target=SceneStatus.QUEUED, changes={}
                )
            except Busy:
                raise
            except ConflictError:
                return  # another delivery claimed it first
            plan = await pipeline._load_plan(session)
            log.info("making scene %s (%d of session %s)", scene_id, scene.index + 1, session.id)
            try:
                await pipeline._make_scene_isolated(claimed, plan, None)
            finally:
                await pipeline._finish_session(scene.session_id)

        await pipeline._run_job(job_id, work)
