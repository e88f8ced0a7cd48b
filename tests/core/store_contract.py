"""The `Store` contract as one reusable test suite: CRUD, compare-and-set, leases, watch.

Any store runs it by subclassing `StoreContract` and defining `open_store`, a fixture
returning a function that opens a *new* connection to the same, initially empty data
each time it is called (two calls stand for two processes sharing one database)::

    class TestMyStore(StoreContract):
        @pytest.fixture
        def open_store(self, tmp_path):
            return lambda: MyStore(tmp_path / "db")

The suite is what `docs/plugin-hooks.md` (register_stores) promises about a store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor_core.errors import ConflictError, InvalidInput, InvalidTransition, NotFound
from tutor_core.interfaces import Store
from tutor_core.models import (
    Scene,
    SceneStatus,
    SceneView,
    SessionStatus,
    VideoSession,
    now_ms,
)
from tutor_core.states import SCENE

OpenStore = Callable[[], Store]

Sc = SceneStatus
Se = SessionStatus


async def seed(store: Store, scenes: int = 3) -> tuple[VideoSession, list[Scene]]:
    """A user, a project, a session and `scenes` scenes created out of index order."""
    user = await store.ensure_user("auth|alice", name="Alice")
    project = await store.create_project(user.id, "Calculus")
    session = await store.create_session(VideoSession(id="", project_id=project.id))
    order = list(range(scenes))[::-1]
    created = [
        await store.create_scene(
            Scene(id="", project_id=project.id, session_id=session.id, index=i)
        )
        for i in order
    ]
    return session, created


class StoreContract:
    """What every `Store` must do. Subclasses define the `open_store` fixture."""

    @pytest.fixture
    def open_store(self) -> OpenStore:
        raise NotImplementedError("define open_store in the subclass")

    @pytest.fixture
    async def store(self, open_store: OpenStore) -> AsyncIterator[Store]:
        opened = open_store()
        try:
            yield opened
        finally:
            await opened.close()

    # ------------------------------------------------------------------ records

    @pytest.mark.anyio
    async def test_is_a_store(self, store: Store) -> None:
        assert isinstance(store, Store)
        assert store.name

    @pytest.mark.anyio
    async def test_crud_round_trip(self, store: Store) -> None:
        user = await store.ensure_user("auth|alice", name="Alice")
        again = await store.ensure_user("auth|alice", email="a@example.org")
        assert again.id == user.id and again.email == "a@example.org" and again.name == "Alice"
        assert await store.get_user(user.id) == again

        project = await store.create_project(user.id, "Calculus", "limits")
        assert await store.list_projects(user.id) == [project]
        assert await store.get_project(project.id) == project

        first = await store.create_session(VideoSession(id="", project_id=project.id))
        second = await store.create_session(VideoSession(id="", project_id=project.id))
        assert first.id and second.id and first.id != second.id
        assert [s.id for s in await store.list_sessions(project.id)] == [first.id, second.id]
        assert {s.id for s in await store.list_sessions()} >= {first.id, second.id}
        assert await store.get_session(first.id) == first

        scenes = [
            await store.create_scene(
                Scene(id="", project_id=project.id, session_id=first.id, index=i)
            )
            for i in (2, 0, 1)
        ]
        assert [s.index for s in await store.list_scenes(first.id)] == [0, 1, 2]
        assert await store.get_scene(scenes[0].id) == scenes[0]
        assert await store.list_scenes(second.id) == []

    @pytest.mark.anyio
    async def test_usage_and_fallback_are_kept(self, store: Store) -> None:
        session, scenes = await seed(store, scenes=1)
        fresh = await store.get_scene(scenes[0].id)
        assert (fresh.tokens, fresh.cost_usd, fresh.fallback) == (None, None, False)
        scene = await store.update_scene(
            scenes[0].id,
            revision=1,
            expected_status=Sc.QUEUED,
            tokens=1234,
            cost_usd=0.0125,
            fallback=True,
        )
        again = await store.get_scene(scene.id)
        assert (again.tokens, again.cost_usd, again.fallback) == (1234, 0.0125, True)
        updated = await store.update_session(
            session.id,
            revision=session.revision,
            expected_status=session.status,
            plan_tokens=321,
            plan_cost_usd=0.002,
        )
        assert (updated.plan_tokens, updated.plan_cost_usd) == (321, 0.002)
        stored = await store.get_session(session.id)
        assert (stored.plan_tokens, stored.plan_cost_usd) == (321, 0.002)

    @pytest.mark.anyio
    async def test_missing_records_are_not_found_with_a_hint(self, store: Store) -> None:
        session, scenes = await seed(store)
        for call in (
            store.get_user("usr_nope"),
            store.get_project("prj_nope"),
            store.get_session("ses_nope"),
            store.get_scene("scn_nope"),
            store.update_scene("scn_nope", revision=1, expected_status=Sc.QUEUED, title="x"),
            store.update_session("ses_nope", revision=1, expected_status=Se.IDLE, title="x"),
        ):
            with pytest.raises(NotFound) as info:
                await call
            assert info.value.hint
        with pytest.raises(NotFound):
            await store.create_scene(Scene(id="", project_id="p", session_id="ses_nope", index=0))
        with pytest.raises(ConflictError):
            await store.create_session(session)

    @pytest.mark.anyio
    async def test_bad_changes_are_refused_and_change_nothing(self, store: Store) -> None:
        session, scenes = await seed(store)
        scene = scenes[0]
        for changes in ({"colour": "red"}, {"index": -1}, {"id": "scn_other"}, {"job_id": 7}):
            with pytest.raises(InvalidInput):
                await store.update_scene(scene.id, revision=1, expected_status=Sc.QUEUED, **changes)
        with pytest.raises(InvalidInput):
            await store.update_session(
                session.id, revision=1, expected_status=Se.IDLE, id="ses_other"
            )
        assert await store.get_scene(scene.id) == scene

    @pytest.mark.anyio
    async def test_urls_are_never_stored(self, store: Store) -> None:
        session, scenes = await seed(store, scenes=1)
        with pytest.raises(InvalidInput):
            await store.update_scene(
                scenes[0].id, revision=1, expected_status=Sc.QUEUED, s3_chunk_url="https://x/y"
            )
        view = SceneView(
            id="",
            project_id=session.project_id,
            session_id=session.id,
            index=5,
            s3_chunk_key="projects/p/sessions/s/scenes/5/v1.mp4",
            s3_chunk_url="https://cdn.example/expiring?signature=abc",
        )
        created = await store.create_scene(view)
        stored = await store.get_scene(created.id)
        assert type(stored) is Scene and stored.s3_chunk_key == view.s3_chunk_key
        assert "s3ChunkUrl" not in stored.to_wire()

    # -------------------------------------------------------- compare-and-set

    @pytest.mark.anyio
    async def test_update_needs_the_revision_and_the_status_it_read(self, store: Store) -> None:
        session, scenes = await seed(store)
        scene = scenes[0]
        moved = await store.update_scene(
            scene.id, revision=1, expected_status=Sc.QUEUED, status=Sc.GENERATING_CODE, title="A"
        )
        assert (moved.revision, moved.status, moved.title) == (2, Sc.GENERATING_CODE, "A")
        assert moved.updated_at >= scene.updated_at
        with pytest.raises(ConflictError) as stale:
            await store.update_scene(scene.id, revision=1, expected_status=Sc.QUEUED, title="B")
        assert "re-read" in (stale.value.hint or "")
        with pytest.raises(ConflictError):
            await store.update_scene(scene.id, revision=2, expected_status=Sc.QUEUED, title="B")
        assert await store.get_scene(scene.id) == moved

        updated = await store.update_session(
            session.id, revision=1, expected_status=Se.IDLE, status=Se.QUEUED
        )
        assert (updated.revision, updated.status) == (2, Se.QUEUED)
        with pytest.raises(ConflictError):
            await store.update_session(
                session.id, revision=2, expected_status=Se.IDLE, status=Se.QUEUED
            )
        assert await store.get_session(session.id) == updated

    @pytest.mark.anyio
    async def test_only_declared_transitions_are_stored(self, store: Store) -> None:
        session, scenes = await seed(store)
        scene = scenes[0]
        with pytest.raises(InvalidTransition):
            await store.update_scene(
                scene.id, revision=1, expected_status=Sc.QUEUED, status=Sc.READY
            )
        with pytest.raises(InvalidTransition):
            await store.update_session(
                session.id, revision=1, expected_status=Se.IDLE, status=Se.READY
            )
        assert await store.get_scene(scene.id) == scene
        # Keeping the status is not a transition.
        same = await store.update_scene(
            scene.id, revision=1, expected_status=Sc.QUEUED, status=Sc.QUEUED, title="kept"
        )
        assert same.status == Sc.QUEUED and same.revision == 2

    @pytest.mark.anyio
    async def test_concurrent_claims_in_tasks_exactly_one_wins(self, store: Store) -> None:
        _, scenes = await seed(store)
        scene_id = scenes[0].id
        winners: list[str] = []
        losers: list[str] = []

        async def claim(job: str) -> None:
            try:
                await store.update_scene(
                    scene_id,
                    revision=1,
                    expected_status=Sc.QUEUED,
                    status=Sc.GENERATING_CODE,
                    job_id=job,
                )
                winners.append(job)
            except ConflictError:
                losers.append(job)

        async with anyio.create_task_group() as tg:
            for job in ("a", "b", "c", "d"):
                tg.start_soon(claim, job)
        assert len(winners) == 1 and len(losers) == 3
        final = await store.get_scene(scene_id)
        assert final.job_id == winners[0] and final.revision == 2

    @pytest.mark.anyio
    async def test_two_connections_share_one_truth(self, open_store: OpenStore) -> None:
        left, right = open_store(), open_store()
        try:
            _, scenes = await seed(left)
            scene = await right.get_scene(scenes[0].id)
            outcome: dict[str, str] = {}

            async def claim(store: Store, job: str) -> None:
                try:
                    await store.update_scene(
                        scene.id,
                        revision=scene.revision,
                        expected_status=Sc.QUEUED,
                        status=Sc.GENERATING_CODE,
                        job_id=job,
                    )
                    outcome[job] = "won"
                except ConflictError:
                    outcome[job] = "conflict"

            async with anyio.create_task_group() as tg:
                tg.start_soon(claim, left, "left")
                tg.start_soon(claim, right, "right")
            assert sorted(outcome.values()) == ["conflict", "won"]
            winner = next(job for job, o in outcome.items() if o == "won")
            assert (await left.get_scene(scene.id)).job_id == winner
            assert (await right.get_scene(scene.id)).job_id == winner
        finally:
            await left.close()
            await right.close()

    # ------------------------------------------------------------------ leases

    @pytest.mark.anyio
    async def test_only_the_holder_renews_a_lease_and_renewal_keeps_the_revision(
        self, store: Store
    ) -> None:
        session, scenes = await seed(store)
        expires = now_ms() + 60_000
        held = await store.update_scene(
            scenes[0].id,
            revision=1,
            expected_status=Sc.QUEUED,
            job_id="job-1",
            lease_expires_at=expires,
        )
        later = expires + 30_000
        assert await store.renew_scene_lease(held.id, job_id="job-1", expires_at=later)
        renewed = await store.get_scene(held.id)
        assert renewed.lease_expires_at == later and renewed.revision == held.revision
        # The holder's next compare-and-set still succeeds after a renewal.
        working = await store.update_scene(
            held.id,
            revision=held.revision,
            expected_status=Sc.QUEUED,
            status=Sc.GENERATING_CODE,
        )
        assert not await store.renew_scene_lease(held.id, job_id="job-2", expires_at=later + 1)
        assert (await store.get_scene(held.id)).lease_expires_at == later
        # A settled scene is held by nobody.
        failed = await store.update_scene(
            held.id,
            revision=working.revision,
            expected_status=Sc.GENERATING_CODE,
            status=Sc.ERROR,
            lease_expires_at=None,
        )
        assert not await store.renew_scene_lease(failed.id, job_id="job-1", expires_at=later)
        with pytest.raises(NotFound):
            await store.renew_scene_lease("scn_nope", job_id="job-1", expires_at=later)

        queued = await store.update_session(
            session.id,
            revision=1,
            expected_status=Se.IDLE,
            status=Se.QUEUED,
            job_id="job-1",
            lease_expires_at=expires,
        )
        assert await store.renew_session_lease(session.id, job_id="job-1", expires_at=later)
        assert not await store.renew_session_lease(session.id, job_id="job-9", expires_at=later)
        after = await store.get_session(session.id)
        assert after.lease_expires_at == later and after.revision == queued.revision

    @pytest.mark.anyio
    async def test_list_sessions_by_status(self, store: Store) -> None:
        session, _ = await seed(store)
        other = await store.create_session(VideoSession(id="", project_id=session.project_id))
        await store.update_session(other.id, revision=1, expected_status=Se.IDLE, status=Se.QUEUED)
        queued = await store.list_sessions(statuses=[Se.QUEUED])
        assert [s.id for s in queued] == [other.id]
        both = await store.list_sessions(session.project_id, statuses=[Se.QUEUED, Se.IDLE])
        assert [s.id for s in both] == [session.id, other.id]
        assert await store.list_sessions(statuses=[]) == []
        assert await store.list_sessions("prj_nope", statuses=[Se.QUEUED]) == []

    # ------------------------------------------------------------------- watch

    @pytest.mark.anyio
    async def test_watch_yields_own_and_foreign_changes_but_not_renewals(
        self, open_store: OpenStore
    ) -> None:
        store, other = open_store(), open_store()
        session, scenes = await seed(store)
        seen: list[VideoSession | Scene] = []

        async def consume() -> None:
            async for item in store.watch(session.id):
                seen.append(item)
                if len(seen) == 3:
                    return

        try:
            with anyio.fail_after(20):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(consume)
                    await anyio.sleep(0.1)
                    await store.update_session(
                        session.id, revision=1, expected_status=Se.IDLE, status=Se.QUEUED
                    )
                    held = await store.update_scene(
                        scenes[1].id,
                        revision=1,
                        expected_status=Sc.QUEUED,
                        status=Sc.GENERATING_CODE,
                        job_id="j",
                        lease_expires_at=now_ms() + 60_000,
                    )
                    await store.renew_scene_lease(held.id, job_id="j", expires_at=now_ms() + 9e4)
                    await other.update_scene(
                        scenes[2].id, revision=1, expected_status=Sc.QUEUED, title="elsewhere"
                    )
        finally:
            await other.close()
            await store.close()
        assert isinstance(seen[0], VideoSession) and seen[0].status is Se.QUEUED
        assert isinstance(seen[1], Scene) and seen[1].status is Sc.GENERATING_CODE
        assert isinstance(seen[2], Scene) and seen[2].title == "elsewhere"

    @pytest.mark.anyio
    async def test_watch_ends_when_the_store_closes(self, open_store: OpenStore) -> None:
        store = open_store()
        session, _ = await seed(store)
        items: list[object] = []

        async def consume() -> None:
            async for item in store.watch(session.id):
                items.append(item)
            items.append("ended")

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(consume)
                await anyio.sleep(0.1)
                await store.close()
        assert items == ["ended"]

    # ------------------------------------------------------------- properties

    @settings(
        max_examples=25,
        deadline=None,
        # Every store's subclass runs this one test function (a different executor each).
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
    )
    @given(steps=st.lists(st.tuples(st.sampled_from(list(Sc)), st.booleans()), max_size=12))
    def test_status_updates_follow_the_machine_and_revisions_count_them(
        self, open_store: OpenStore, steps: list[tuple[SceneStatus, bool]]
    ) -> None:
        async def main() -> None:
            store = open_store()
            try:
                _, scenes = await seed(store, scenes=1)
                scene = scenes[0]
                for target, stale in steps:
                    before = await store.get_scene(scene.id)
                    allowed = target == before.status or SCENE.can(before.status, target)
                    if stale and before.revision > 1:
                        with pytest.raises(ConflictError):
                            await store.update_scene(
                                scene.id,
                                revision=before.revision - 1,
                                expected_status=before.status,
                                status=target,
                            )
                    elif allowed:
                        after = await store.update_scene(
                            scene.id,
                            revision=before.revision,
                            expected_status=before.status,
                            status=target,
                        )
                        assert (after.revision, after.status) == (before.revision + 1, target)
                        continue
                    else:
                        with pytest.raises(InvalidTransition):
                            await store.update_scene(
                                scene.id,
                                revision=before.revision,
                                expected_status=before.status,
                                status=target,
                            )
                    assert await store.get_scene(scene.id) == before, (
                        "a refused update changes nothing"
                    )
            finally:
                await store.close()

        anyio.run(main)
