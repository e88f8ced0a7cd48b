"""The pipeline under cancellation, failures, concurrent jobs and dead workers (fast fakes)."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import anyio
import pytest

from tutor_core import SceneStatus, SessionStatus, Settings, Tutor
from tutor_core.errors import Busy, ConflictError, InvalidInput, StorageError
from tutor_core.interfaces import Bucket
from tutor_core.models import (
    RenderRequest,
    RenderResult,
    Scene,
    SceneEdit,
    SceneSource,
    SpecSource,
    now_ms,
)
from tutor_core.narration.silent import SilentNarrator
from tutor_core.plugins import registered
from tutor_core.states import BUSY_SCENE, BUSY_SESSION
from tutor_core.stores.sqlite import SQLiteStore
from tutor_core.testing import FakeRenderer, MemoryStorage, ScriptedAgent, fake_plugin

pytestmark = pytest.mark.anyio


def retitle(title: str) -> Any:
    def edit(scene: Any, instruction: str) -> SceneEdit:
        spec = scene.source.spec.model_copy(update={"title": title})
        return SceneEdit(source=SpecSource(spec=spec), narration=scene.narration, title=title)

    return edit


class GatedRenderer(FakeRenderer):
    """Renders only once `gate` is set; counts who is waiting in `waiting`."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.gate = anyio.Event()
        self.waiting = 0
        self.cancelled = 0

    async def render(self, source: SceneSource, request: RenderRequest) -> RenderResult:
        self.waiting += 1
        try:
            await self.gate.wait()
        except anyio.get_cancelled_exc_class():
            self.cancelled += 1
            raise
        finally:
            self.waiting -= 1
        return await super().render(source, request)


def make_tutor(
    tmp_path: Path,
    *,
    renderer: Any = None,
    agent: Any = None,
    storage: Any = None,
    store: Any = None,
    **settings: Any,
) -> Tutor:
    return Tutor(
        Settings(quality="draft", home=tmp_path / "home", **settings),
        renderer=renderer or FakeRenderer(),
        agent=agent or ScriptedAgent(),
        narrator=SilentNarrator(),
        storage=storage or MemoryStorage(),
        store=store,
    )


async def wait_for(predicate: Any, timeout: float = 20.0) -> None:
    with anyio.fail_after(timeout):
        while not await predicate():
            await anyio.sleep(0.02)


def assert_settled(scenes: list[Scene]) -> None:
    assert all(s.status not in BUSY_SCENE for s in scenes), [s.status for s in scenes]
    assert all(s.lease_expires_at is None for s in scenes)


# ------------------------------------------------------------------ cancellation


async def test_cancelling_a_generation_marks_what_was_in_flight_error(tmp_path: Path) -> None:
    renderer = GatedRenderer()
    async with make_tutor(tmp_path, renderer=renderer, concurrency=1) as tutor:
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:
                tg.start_soon(functools.partial(tutor.generate, "explain tides", scenes=3))

                async def one_rendering() -> bool:
                    return renderer.waiting == 1

                await wait_for(one_rendering)
                scope.cancel()
        assert renderer.cancelled == 1
        (session,) = await tutor.sessions()
        view = await tutor.session(session.id)
        assert view.session.status == SessionStatus.ERROR
        assert_settled(view.scenes)
        assert [s.status for s in view.scenes] == [SceneStatus.ERROR] * 3
        assert all("interrupted" in (s.error_message or "") for s in view.scenes)
        # Nothing is stuck: the lesson can be finished.
        renderer.gate.set()
        finished = await tutor.resume(session.id)
        assert finished.session.status == SessionStatus.READY
        assert [s.version for s in finished.scenes] == [1, 1, 1]


async def test_cancelling_an_edit_keeps_the_previous_version_playable(tmp_path: Path) -> None:
    renderer = GatedRenderer()
    renderer.gate.set()
    agent = ScriptedAgent(edits=[retitle("Never"), retitle("Later")])
    async with make_tutor(tmp_path, renderer=renderer, agent=agent) as tutor:
        view = await tutor.generate("explain moons", scenes=1)
        renderer.gate = anyio.Event()
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:
                tg.start_soon(tutor.edit, view.scenes[0].id, "retitle")

                async def rendering() -> bool:
                    return renderer.waiting == 1

                await wait_for(rendering)
                scope.cancel()
        after = await tutor.session(view.session.id)
        scene = after.scenes[0]
        assert scene.status == SceneStatus.ERROR and "interrupted" in (scene.error_message or "")
        assert scene.version == 1 and scene.checksum == view.scenes[0].checksum
        assert after.session.status == SessionStatus.READY
        assert_settled(after.scenes)
        renderer.gate.set()
        retried = await tutor.retry(scene.id)  # runs the interrupted edit again
        assert retried.scenes[0].version == 2 and retried.scenes[0].title == "Later"


async def test_closing_the_tutor_while_jobs_run_leaves_nothing_busy(tmp_path: Path) -> None:
    renderer = GatedRenderer()
    storage = MemoryStorage()
    async with make_tutor(tmp_path, renderer=renderer, storage=storage, concurrency=1) as tutor:
        await tutor.start_queue()
        running = await tutor.submit_generate("explain snow", scenes=2)
        waiting = await tutor.submit_generate("explain hail", scenes=1)

        async def started() -> bool:
            return renderer.waiting == 1

        await wait_for(started)
    # `async with` closed the queue (cancelling the jobs) and then the store.
    async with make_tutor(tmp_path, storage=storage) as again:
        first = await again.session(running.session.id)
        second = await again.session(waiting.session.id)
    assert (
        first.session.status == SessionStatus.ERROR and second.session.status == SessionStatus.ERROR
    )
    assert "cancelled before it started" in (second.session.error_message or "")
    assert_settled(first.scenes)
    assert first.scenes and all(s.status == SceneStatus.ERROR for s in first.scenes)


# ----------------------------------------------------- failures after planning


async def test_a_plan_that_cannot_be_stored_ends_the_session_in_error(tmp_path: Path) -> None:
    class NoPlans(MemoryStorage):
        async def put(self, bucket: Bucket, key: str, data: Any, **kw: Any) -> str:
            if key.endswith("plan.json"):
                raise StorageError("the disk is full")
            return await super().put(bucket, key, data, **kw)

    async with make_tutor(tmp_path, storage=NoPlans(), retry_attempts=1) as tutor:
        with pytest.raises(StorageError, match="disk is full"):
            await tutor.generate("explain wind", scenes=2)
        (session,) = await tutor.sessions()
        assert session.status == SessionStatus.ERROR
        assert "disk is full" in (session.error_message or "")
        assert session.lease_expires_at is None


async def test_a_scene_that_cannot_be_created_ends_the_session_in_error(tmp_path: Path) -> None:
    class BrokenAfterOne(SQLiteStore):
        created = 0

        async def create_scene(self, scene: Scene) -> Scene:
            self.created += 1
            if self.created == 2:
                raise StorageError("database is locked")
            return await super().create_scene(scene)

    store = BrokenAfterOne(str(tmp_path / "tutor.db"))
    async with make_tutor(tmp_path, store=store) as tutor:
        with pytest.raises(StorageError, match="locked"):
            await tutor.generate("explain rain", scenes=3)
        (session,) = await tutor.sessions()
        view = await tutor.session(session.id)
        assert view.session.status == SessionStatus.ERROR
        assert len(view.scenes) == 1 and view.scenes[0].status == SceneStatus.ERROR
        assert_settled(view.scenes)


# ----------------------------------------------------------- concurrent edits


async def test_two_concurrent_edits_of_one_scene_exactly_one_wins(tmp_path: Path) -> None:
    renderer = GatedRenderer()
    renderer.gate.set()
    agent = ScriptedAgent(edits=[retitle("Left"), retitle("Right")])
    async with make_tutor(tmp_path, renderer=renderer, agent=agent) as tutor:
        view = await tutor.generate("explain orbits", scenes=2)
        target = view.scenes[0]
        renderer.gate = anyio.Event()  # the winner's render waits here
        outcomes: dict[str, Any] = {}

        async def edit(name: str) -> None:
            try:
                outcomes[name] = await tutor.edit(target.id, f"retitle to {name}")
            except ConflictError as exc:
                outcomes[name] = exc

        async with anyio.create_task_group() as tg:
            tg.start_soon(edit, "first")
            tg.start_soon(edit, "second")

            async def one_failed() -> bool:
                return len(outcomes) == 1

            await wait_for(one_failed)
            renderer.gate.set()
        losers = [v for v in outcomes.values() if isinstance(v, ConflictError)]
        winners = [v for v in outcomes.values() if not isinstance(v, ConflictError)]
        assert len(losers) == 1 and len(winners) == 1
        assert isinstance(losers[0], Busy) and "busy" in losers[0].message
        assert losers[0].hint and "try again" in losers[0].hint
        final = await tutor.session(view.session.id)
        scene = final.scenes[0]
        assert scene.status == SceneStatus.READY and scene.version == 2 and scene.title == "Left"
        assert final.scenes[1].checksum == view.scenes[1].checksum
        assert [c[0] for c in agent.calls].count("edit") == 1


async def test_a_claim_does_not_lose_to_a_frame_layout_update(tmp_path: Path) -> None:
    """Conflicts are re-read and re-decided: frames moving is not a reason to refuse."""
    agent = ScriptedAgent(edits=[retitle("Moved")])
    async with make_tutor(tmp_path, agent=agent) as tutor:
        view = await tutor.generate("explain comets", scenes=1)
        scene = view.scenes[0]
        store = tutor.store
        real_get = store.get_scene
        touched = False

        async def get_then_touch(scene_id: str) -> Scene:
            nonlocal touched
            read = await real_get(scene_id)
            if not touched and read.status == SceneStatus.READY:
                touched = True  # someone lays out frames right after this read
                await store.update_scene(
                    scene_id,
                    revision=read.revision,
                    expected_status=read.status,
                    start_frame=read.start_frame,
                    end_frame=read.end_frame,
                )
            return read

        store.get_scene = get_then_touch  # type: ignore[method-assign]
        edited = await tutor.edit(scene.id, "move it")
        assert touched and edited.scenes[0].version == 2


# ------------------------------------------------------------ leases and crashes


async def _crash(store: Any, scene: Scene, status: SceneStatus, expires: float) -> Scene:
    """What a worker killed in the middle of `status` leaves behind."""
    path = {
        SceneStatus.GENERATING_CODE: [SceneStatus.GENERATING_CODE],
        SceneStatus.RENDERING: [SceneStatus.GENERATING_CODE, SceneStatus.RENDERING],
    }[status]
    for step in path:
        scene = await store.update_scene(
            scene.id,
            revision=scene.revision,
            expected_status=scene.status,
            status=step,
            job_id="job-that-died",
            lease_expires_at=expires,
        )
    return scene


async def test_retry_takes_over_a_scene_whose_worker_died(tmp_path: Path) -> None:
    agent = ScriptedAgent(edits=[retitle("Second take")])
    async with make_tutor(tmp_path, agent=agent) as tutor:
        view = await tutor.generate("explain glaciers", scenes=2)
        scene = view.scenes[1]
        live = await _crash(tutor.store, scene, SceneStatus.RENDERING, now_ms() + 60_000)
        # While its lease runs, the scene belongs to the other job.
        with pytest.raises(Busy) as busy:
            await tutor.retry(live.id)
        assert "job-that-died" in busy.value.message and "lease" in (busy.value.hint or "")
        with pytest.raises(Busy):
            await tutor.edit(live.id, "anything")
        # Once the lease has run out, retry takes it over.
        await tutor.store.update_scene(
            live.id,
            revision=live.revision,
            expected_status=live.status,
            lease_expires_at=now_ms() - 1,
        )
        retried = await tutor.retry(live.id)
        again = retried.scenes[1]
        assert again.status == SceneStatus.READY and again.version == 2
        assert retried.session.status == SessionStatus.READY


async def test_a_live_job_keeps_its_lease_while_others_recover(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    storage = MemoryStorage()
    renderer = GatedRenderer()
    async with (
        make_tutor(
            tmp_path, renderer=renderer, storage=storage, store=SQLiteStore(db), lease_seconds=1.0
        ) as worker,
        make_tutor(tmp_path, storage=storage, store=SQLiteStore(db), lease_seconds=1.0) as other,
    ):
        async with anyio.create_task_group() as tg:
            tg.start_soon(functools.partial(worker.generate, "explain fog", scenes=1))

            async def rendering() -> bool:
                return renderer.waiting == 1

            await wait_for(rendering)
            # Several lease lengths pass; the other process keeps looking for stale work.
            for _ in range(12):
                await anyio.sleep(0.25)
                assert await other.recover() == []
            renderer.gate.set()
        (session,) = await worker.sessions()
        view = await other.session(session.id)
    assert view.session.status == SessionStatus.READY
    assert view.scenes[0].status == SceneStatus.READY and view.scenes[0].version == 1


async def test_a_job_that_lost_its_lease_stops_and_writes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    storage = MemoryStorage()
    renderer = GatedRenderer()
    async with (
        make_tutor(
            tmp_path, renderer=renderer, storage=storage, store=SQLiteStore(db), lease_seconds=1.0
        ) as stalled,
        make_tutor(tmp_path, storage=storage, store=SQLiteStore(db)) as rescuer,
    ):
        async with anyio.create_task_group() as tg:
            tg.start_soon(functools.partial(stalled.generate, "explain frost", scenes=1))

            async def rendering() -> bool:
                return renderer.waiting == 1

            await wait_for(rendering)
            (session,) = await rescuer.sessions()
            (scene,) = (await rescuer.session(session.id)).scenes
            # As if the worker had stalled past its lease: another process recovers it.
            scene = await rescuer.store.update_scene(
                scene.id,
                revision=scene.revision,
                expected_status=scene.status,
                lease_expires_at=now_ms() - 1,
            )
            recovered = await rescuer.recover()
            assert any(isinstance(r, Scene) and r.id == scene.id for r in recovered)

            async def given_up() -> bool:
                return renderer.cancelled == 1

            await wait_for(given_up)  # its next renewal failed: it stopped rendering
        view = await rescuer.session(session.id)
    assert view.scenes[0].status == SceneStatus.ERROR and view.scenes[0].version == 0
    assert "interrupted" in (view.scenes[0].error_message or "")
    assert not [k for (_, k) in storage.objects if "/scenes/" in k], "no chunk was written"


async def test_recovery_settles_stale_sessions(tmp_path: Path) -> None:
    async with make_tutor(tmp_path) as tutor:
        view = await tutor.generate("explain clouds", scenes=2)
        store = tutor.store
        # A session queued for a job that never started, long ago.
        queued, _ = await tutor.create_session("explain thunder", scenes=2)
        await store.update_session(
            queued.id, revision=queued.revision, expected_status=queued.status, lease_expires_at=1.0
        )
        # A session whose worker died while planning.
        planning, _ = await tutor.create_session("explain lightning", scenes=2)
        planning = await store.update_session(
            planning.id,
            revision=planning.revision,
            expected_status=planning.status,
            status=SessionStatus.GENERATING,
            lease_expires_at=1.0,
        )
        # A ready session one of whose scenes was being edited by a dead worker.
        edited = await store.update_session(
            view.session.id,
            revision=view.session.revision,
            expected_status=view.session.status,
            status=SessionStatus.RENDERING,
        )
        await _crash(store, view.scenes[0], SceneStatus.GENERATING_CODE, 1.0)

        recovered = await tutor.recover()
        assert {r.id for r in recovered} >= {queued.id, planning.id, view.scenes[0].id, edited.id}
        assert await store.list_sessions(statuses=BUSY_SESSION) == []
        q = await store.get_session(queued.id)
        assert q.status == SessionStatus.ERROR and "never started" in (q.error_message or "")
        p = await store.get_session(planning.id)
        assert p.status == SessionStatus.ERROR and "planning" in (p.error_message or "")
        e = await tutor.session(edited.id)
        assert e.session.status == SessionStatus.READY, "its chunks still play"
        assert e.scenes[0].status == SceneStatus.ERROR and e.scenes[0].playable
        assert await tutor.recover() == [], "recovery is idempotent"

        # Every one of them can be finished.
        assert (await tutor.resume(q.id)).session.status == SessionStatus.READY
        assert (await tutor.resume(p.id)).session.status == SessionStatus.READY
        assert (await tutor.resume(edited.id)).scenes[0].status == SceneStatus.READY


async def test_a_generate_job_delivered_again_finishes_the_session(tmp_path: Path) -> None:
    async with make_tutor(tmp_path) as tutor:
        session, count = await tutor.create_session("explain tides", scenes=2)
        # The first delivery planned and created scenes, then its worker died.
        await tutor.pipeline.generate(session.id, count, job_id=session.job_id)
        store = tutor.store
        scenes = await store.list_scenes(session.id)
        broken = await store.update_scene(
            scenes[1].id,
            revision=scenes[1].revision,
            expected_status=scenes[1].status,
            status=SceneStatus.ERROR,
        )
        assert broken.status == SceneStatus.ERROR
        again = await tutor.pipeline.generate(session.id, count, job_id=session.job_id)
        assert again.status == SessionStatus.READY
        assert [s.status for s in await store.list_scenes(session.id)] == [SceneStatus.READY] * 2
        # Another job may not take a session queued for someone else.
        other, _ = await tutor.create_session("explain waves", scenes=1)
        with pytest.raises(Busy, match="queued for job"):
            await tutor.pipeline.generate(other.id, 1, job_id="someone-else")


async def test_resume_makes_scenes_the_plan_has_but_the_store_lacks(tmp_path: Path) -> None:
    async with make_tutor(tmp_path) as tutor:
        view = await tutor.generate("explain volcanoes", scenes=3)
        with tutor.store._lock:  # type: ignore[attr-defined]
            tutor.store._conn.execute(  # type: ignore[attr-defined]
                "DELETE FROM scenes WHERE id=?", (view.scenes[2].id,)
            )
        finished = await tutor.resume(view.session.id)
        assert [s.index for s in finished.scenes] == [0, 1, 2]
        assert all(s.status == SceneStatus.READY for s in finished.scenes)
        assert finished.scenes[2].start_frame == finished.scenes[1].end_frame + 1


async def test_retry_refuses_a_scene_that_works(tmp_path: Path) -> None:
    async with make_tutor(tmp_path) as tutor:
        view = await tutor.generate("explain ice", scenes=1)
        with pytest.raises(InvalidInput, match="not error"):
            await tutor.retry(view.scenes[0].id)
        assert (await tutor.session(view.session.id)).session.status == SessionStatus.READY


# ------------------------------------------------------------------------ hooks


async def test_a_raising_observer_does_not_stop_a_generation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    def explode(**kw: Any) -> None:
        raise RuntimeError("observer bug")

    async def later(scene: Any, old: Any, new: Any) -> None:
        raise ValueError("async observer bug")

    exploding = fake_plugin(on_scene_status=explode, on_session_status=explode)
    awaiting = fake_plugin(on_scene_status=lambda scene, old, new: later(scene, old, new))
    counting = fake_plugin(on_scene_status=lambda scene, old, new: seen.append(str(new)))

    def progress(obj: Any) -> None:
        raise RuntimeError("progress display bug")

    caplog.set_level(logging.WARNING, logger="tutor")
    with (
        registered(exploding, name="exploding-observer"),
        registered(awaiting, name="awaiting-observer"),
        registered(counting, name="counting-observer"),
    ):
        tutor = make_tutor(tmp_path)
        tutor.on_change = progress
        async with tutor:
            view = await tutor.generate("explain magnets", scenes=2)
    assert view.session.status == SessionStatus.READY
    assert [s.status for s in view.scenes] == [SceneStatus.READY] * 2
    assert seen.count("ready") == 2, "the other observers were still called"
    messages = [r.getMessage() for r in caplog.records]
    assert any("'exploding-observer'" in m and "observer bug" in m for m in messages)
    assert any("'awaiting-observer'" in m and "async observer bug" in m for m in messages)
    assert any("on_change" in m for m in messages)
