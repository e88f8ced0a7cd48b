"""The pipeline split per scene, for workers: plan a session, then make each scene apart.

`plan_session` plans the lesson and records its scenes (once: a redelivered task reuses
the stored plan and the scenes already made); `make_scene` makes one scene, taking over
one whose previous worker died; each call ends by settling the session, so the worker
that finishes the last scene marks the session ready.

These steps use the pipeline's own building blocks (status changes through the state
machines, versioned storage keys, the frame layout) so a scene made here is the same as
one made by `Pipeline.generate`.
"""

from __future__ import annotations

import logging

from tutor_core.errors import NotFound, TutorError
from tutor_core.interfaces import Bucket
from tutor_core.logs import correlated
from tutor_core.models import LessonPlan, Scene, SceneStatus, SessionStatus, VideoSession
from tutor_core.tutor import Tutor

log = logging.getLogger("tutor.server.work")

BUSY_SCENE = (SceneStatus.GENERATING_CODE, SceneStatus.RENDERING, SceneStatus.UPLOADING)


async def plan_session(tutor: Tutor, session_id: str, scene_count: int) -> list[Scene]:
    """Plan a queued session and record its scenes; returns the scenes still to make."""
    pipeline = tutor.pipeline
    store = tutor.store
    session = await store.get_session(session_id)
    with correlated(session.job_id):
        if session.status == SessionStatus.QUEUED:
            session = await pipeline._session_status(session, SessionStatus.GENERATING)
        elif session.status != SessionStatus.GENERATING:
            # Planned already (a redelivered task): hand back what is left to make.
            return [
                s for s in await store.list_scenes(session.id) if s.status == SceneStatus.QUEUED
            ]
        try:
            plan = await _plan(tutor, session, scene_count)
        except TutorError as exc:
            await pipeline._session_status(session, SessionStatus.ERROR, error_message=str(exc))
            raise
        session = await pipeline._update_session(session, title=plan.title)
        existing = {s.index: s for s in await store.list_scenes(session.id)}
        scenes: list[Scene] = []
        for index, planned in enumerate(plan.scenes):
            scene = existing.get(index) or await store.create_scene(
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
            scenes.append(scene)
        await pipeline._session_status(session, SessionStatus.RENDERING)
        log.info("planned session %s: %d scenes", session.id, len(scenes))
        return [s for s in scenes if s.status == SceneStatus.QUEUED]


async def _plan(tutor: Tutor, session: VideoSession, scene_count: int) -> LessonPlan:
    pipeline = tutor.pipeline
    key = pipeline._plan_key(session)
    try:
        return await pipeline._load_plan(session)
    except NotFound:
        pass
    plan = await tutor.agent.plan(session.prompt or "", scene_count)
    await tutor.storage.put(
        Bucket.SOURCES,
        key,
        plan.model_dump_json(by_alias=True, exclude_none=True).encode(),
        content_type="application/json",
    )
    return plan


async def make_scene(tutor: Tutor, scene_id: str, *, taken_over: bool = False) -> None:
    """Make one planned scene, then settle its session.

    Args:
        taken_over: the scene's previous worker died mid-way; mark that and start over.
    """
    pipeline = tutor.pipeline
    scene = await tutor.store.get_scene(scene_id)
    with correlated(scene.job_id):
        if taken_over and scene.status in BUSY_SCENE:
            await give_up_scene(tutor, scene, "its worker stopped; started again on another")
            await pipeline.retry(scene.id)
            return
        if scene.status != SceneStatus.QUEUED:
            log.info("scene %s is %s already; nothing to do", scene.id, scene.status.value)
            await pipeline._finish_session(scene.session_id)
            return
        session = await tutor.store.get_session(scene.session_id)
        plan = await pipeline._load_plan(session)
        log.info("making scene %s (%d of session %s)", scene.id, scene.index + 1, session.id)
        await pipeline._make_scene_isolated(scene, plan, None)
        await pipeline._finish_session(scene.session_id)


async def give_up_scene(tutor: Tutor, scene: Scene, message: str) -> Scene:
    """Mark a busy scene whose worker died as `error` (so `retry` can run it again)."""
    return await tutor.pipeline._scene_status(scene, SceneStatus.ERROR, error_message=message)


async def take_over_edit(tutor: Tutor, scene_id: str) -> None:
    """Finish an edit or retry whose worker died: its pending edit runs again."""
    scene = await tutor.store.get_scene(scene_id)
    with correlated(scene.job_id):
        if scene.status in BUSY_SCENE:
            await give_up_scene(tutor, scene, "its worker stopped; started again on another")
            await tutor.pipeline.retry(scene.id)
