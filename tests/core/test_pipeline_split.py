"""Generation split per scene (what workers run): plan_session, then make_scene per scene."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest

from tests.core.test_pipeline_safety import GatedRenderer, assert_settled, make_tutor, wait_for
from tutor_core import SceneStatus, SessionStatus
from tutor_core.errors import AgentError, Busy
from tutor_core.models import LessonPlan, PlannedScene, Scene, now_ms
from tutor_core.states import BUSY_SCENE
from tutor_core.stores.sqlite import SQLiteStore
from tutor_core.testing import MemoryStorage, ScriptedAgent

pytestmark = pytest.mark.anyio

WAIT = 600.0


def outlined(prompt: str, count: int) -> LessonPlan:
    return LessonPlan(
        title="Tides",
        outline=True,
        notice="an outline only",
        scenes=[
            PlannedScene(title=f"Part {i + 1}", narration=f"Part {i + 1}.") for i in range(count)
        ],
    )


async def test_two_workers_make_the_scenes_of_one_plan(tmp_path: Path) -> None:
    db, storage = str(tmp_path / "shared.db"), MemoryStorage()
    renderer = GatedRenderer()
    async with (
        make_tutor(
            tmp_path, store=SQLiteStore(db), storage=storage, agent=ScriptedAgent(plan=outlined)
        ) as one,
        make_tutor(tmp_path, store=SQLiteStore(db), storage=storage, renderer=renderer) as two,
    ):
        session, count = await one.create_session("explain tides", scenes=3)
        scenes = await one.pipeline.plan_session(
            session.id, count, job_id=session.job_id, wait_seconds=WAIT
        )
        assert [s.index for s in scenes] == [0, 1, 2]
        planned = await one.store.get_session(session.id)
        assert planned.status == SessionStatus.RENDERING and planned.lease_expires_at is None
        assert planned.title == "Tides" and planned.outline is True
        assert planned.notice == "an outline only"
        waiting = await one.store.list_scenes(session.id)
        assert all(s.status == SceneStatus.QUEUED and s.job_id == session.job_id for s in waiting)
        assert all((s.lease_expires_at or 0) > now_ms() + (WAIT - 60) * 1000 for s in waiting)

        async with anyio.create_task_group() as tg:
            # Scene 2 waits in worker two's renderer while worker one makes the others.
            tg.start_soon(lambda: two.pipeline.make_scene(scenes[1].id, job_id="w2"))

            async def held() -> bool:
                return renderer.waiting == 1

            await wait_for(held)
            for scene in (scenes[0], scenes[2]):
                await one.pipeline.make_scene(scene.id, job_id=f"w1.{scene.index}")
            # Not settled while a scene is still busy: the last worker to finish settles it.
            assert (await one.store.get_session(session.id)).status == SessionStatus.RENDERING
            renderer.gate.set()
        view = await one.session(session.id)
    assert view.session.status == SessionStatus.READY
    assert [s.status for s in view.scenes] == [SceneStatus.READY] * 3
    assert [s.version for s in view.scenes] == [1, 1, 1]
    assert [s.job_id for s in view.scenes] == ["w1.0", "w2", "w1.2"]
    assert_settled(view.scenes)
    starts = [s.start_frame for s in view.scenes]
    assert starts[0] == 0 and starts[1] == view.scenes[0].end_frame + 1
    assert starts[2] == view.scenes[1].end_frame + 1
    assert view.session.duration_in_frames == sum(s.duration_in_frames for s in view.scenes)


async def test_deliveries_again_change_nothing(tmp_path: Path) -> None:
    agent = ScriptedAgent()
    async with make_tutor(tmp_path, agent=agent) as tutor:
        session, count = await tutor.create_session("explain waves", scenes=2)
        job = session.job_id
        scenes = await tutor.pipeline.plan_session(session.id, count, job_id=job, wait_seconds=WAIT)
        await tutor.pipeline.make_scene(scenes[0].id, job_id="a")
        # The plan task delivered again: no second plan, only the scene still waiting.
        again = await tutor.pipeline.plan_session(session.id, count, job_id=job, wait_seconds=WAIT)
        assert [s.id for s in again] == [scenes[1].id]
        assert sum(1 for call, _ in agent.calls if call == "plan") == 1
        await tutor.pipeline.make_scene(scenes[1].id, job_id="b")
        before = await tutor.session(session.id)
        # A scene task delivered again after it finished: the scene stays as it is.
        await tutor.pipeline.make_scene(scenes[0].id, job_id="a")
        await tutor.pipeline.make_scene(scenes[0].id, job_id="late")
        after = await tutor.session(session.id)
    assert after.session.status == SessionStatus.READY
    assert [(s.version, s.checksum, s.job_id) for s in after.scenes] == [
        (s.version, s.checksum, s.job_id) for s in before.scenes
    ]


async def test_only_the_planned_job_plans_a_session(tmp_path: Path) -> None:
    async with make_tutor(tmp_path) as tutor:
        session, count = await tutor.create_session("explain fog", scenes=1)
        with pytest.raises(Busy, match="queued for job"):
            await tutor.pipeline.plan_session(session.id, count, job_id="other", wait_seconds=WAIT)
        assert (await tutor.store.get_session(session.id)).status == SessionStatus.QUEUED


async def test_a_failed_plan_ends_the_session_in_error(tmp_path: Path) -> None:
    def refuse(prompt: str, count: int) -> LessonPlan:
        raise AgentError("the model is down")

    async with make_tutor(tmp_path, agent=ScriptedAgent(plan=refuse)) as tutor:
        session, count = await tutor.create_session("explain hail", scenes=2)
        with pytest.raises(AgentError):
            await tutor.pipeline.plan_session(
                session.id, count, job_id=session.job_id, wait_seconds=WAIT
            )
        failed = await tutor.store.get_session(session.id)
    assert failed.status == SessionStatus.ERROR and failed.lease_expires_at is None
    assert "planning the lesson failed: the model is down" in (failed.error_message or "")


async def _held_by(store: Any, scene: Scene, job: str, expires: float) -> Scene:
    """A scene another worker claimed and was rendering when it stopped (or not)."""
    for status in (SceneStatus.QUEUED, SceneStatus.GENERATING_CODE, SceneStatus.RENDERING):
        scene = await store.update_scene(
            scene.id,
            revision=scene.revision,
            expected_status=scene.status,
            status=status,
            job_id=job,
            lease_expires_at=expires,
        )
    return scene


async def test_a_scene_held_by_a_live_worker_is_busy_and_taken_over_when_it_dies(
    tmp_path: Path,
) -> None:
    async with make_tutor(tmp_path) as tutor:
        session, count = await tutor.create_session("explain snow", scenes=2)
        scenes = await tutor.pipeline.plan_session(
            session.id, count, job_id=session.job_id, wait_seconds=WAIT
        )
        held = await _held_by(tutor.store, scenes[0], "w-alive", now_ms() + 60_000)
        with pytest.raises(Busy, match="w-alive"):
            await tutor.pipeline.make_scene(held.id, job_id="w-second")
        await tutor.pipeline.make_scene(scenes[1].id, job_id="w-other")
        # The holder died: its lease runs out and the next delivery makes the scene.
        await tutor.store.update_scene(
            held.id, revision=held.revision, expected_status=held.status, lease_expires_at=1
        )
        await tutor.pipeline.make_scene(held.id, job_id="w-second")
        view = await tutor.session(session.id)
    assert [s.status for s in view.scenes] == [SceneStatus.READY] * 2
    assert [s.version for s in view.scenes] == [1, 1]
    assert view.scenes[0].job_id == "w-second"
    assert view.session.status == SessionStatus.READY


async def test_a_scene_claimed_by_another_job_while_queued_is_left_to_it(tmp_path: Path) -> None:
    async with make_tutor(tmp_path) as tutor:
        session, count = await tutor.create_session("explain rain", scenes=1)
        (scene,) = await tutor.pipeline.plan_session(
            session.id, count, job_id=session.job_id, wait_seconds=WAIT
        )
        # Another delivery claimed it (still queued, its own job, a live lease).
        taken = await tutor.store.update_scene(
            scene.id,
            revision=scene.revision,
            expected_status=scene.status,
            job_id="first-delivery",
            lease_expires_at=now_ms() + 60_000,
        )
        with pytest.raises(Busy, match="first-delivery"):
            await tutor.pipeline.make_scene(scene.id, job_id="second-delivery")
        after = await tutor.store.get_scene(scene.id)
    assert after.status in BUSY_SCENE and after.job_id == "first-delivery"
    assert after.revision == taken.revision


async def _planning(tutor: Any, session_id: str, job: str, expires: float) -> None:
    """The session as a planning job left it: `generating`, under a lease until `expires`."""
    queued = await tutor.store.get_session(session_id)
    await tutor.store.update_session(
        session_id,
        revision=queued.revision,
        expected_status=SessionStatus.QUEUED,
        status=SessionStatus.GENERATING,
        job_id=job,
        lease_expires_at=expires,
    )


async def test_a_plan_whose_worker_died_is_planned_again_by_its_redelivery(
    tmp_path: Path,
) -> None:
    agent = ScriptedAgent()
    async with make_tutor(tmp_path, agent=agent) as tutor:
        session, count = await tutor.create_session("explain frost", scenes=2)
        job = session.job_id
        assert job is not None
        # The first delivery's worker is alive and planning: the redelivery waits.
        await _planning(tutor, session.id, job, now_ms() + 60_000)
        with pytest.raises(Busy, match="being planned"):
            await tutor.pipeline.plan_session(session.id, count, job_id=job, wait_seconds=WAIT)
        assert (await tutor.store.get_session(session.id)).status == SessionStatus.GENERATING
        # It died (SIGKILL: nothing was cleaned up); its lease runs out.
        now = await tutor.store.get_session(session.id)
        await tutor.store.update_session(
            session.id, revision=now.revision, expected_status=now.status, lease_expires_at=1
        )
        scenes = await tutor.pipeline.plan_session(session.id, count, job_id=job, wait_seconds=WAIT)
        assert len(scenes) == 2
        assert (await tutor.store.get_session(session.id)).status == SessionStatus.RENDERING
        for scene in scenes:
            await tutor.pipeline.make_scene(scene.id, job_id=f"w-{scene.index}")
        view = await tutor.session(session.id)
    assert view.session.status == SessionStatus.READY and view.session.error_message is None
    assert [s.status for s in view.scenes] == [SceneStatus.READY] * 2
    assert sum(1 for call, _ in agent.calls if call == "plan") == 1


async def test_a_plan_that_failed_on_a_transient_error_is_planned_again_when_retried(
    tmp_path: Path,
) -> None:
    from tutor_core.errors import StorageError

    attempts: list[int] = []

    def flaky(prompt: str, count: int) -> LessonPlan:
        attempts.append(count)
        if len(attempts) == 1:
            raise StorageError("the store blinked")
        return outlined(prompt, count)

    async with make_tutor(tmp_path, agent=ScriptedAgent(plan=flaky)) as tutor:
        session, count = await tutor.create_session("explain dew", scenes=2)
        job = session.job_id
        with pytest.raises(StorageError):
            await tutor.pipeline.plan_session(session.id, count, job_id=job, wait_seconds=WAIT)
        assert (await tutor.store.get_session(session.id)).status == SessionStatus.ERROR
        # The task queue retries the same job: it plans the lesson this time.
        scenes = await tutor.pipeline.plan_session(session.id, count, job_id=job, wait_seconds=WAIT)
        assert len(scenes) == 2 and len(attempts) == 2
        # Delivered once more after that: nothing is planned twice.
        again = await tutor.pipeline.plan_session(session.id, count, job_id=job, wait_seconds=WAIT)
        assert [s.id for s in again] == [s.id for s in scenes] and len(attempts) == 2
        stored = await tutor.store.get_session(session.id)
    assert stored.status == SessionStatus.RENDERING and stored.error_message is None
