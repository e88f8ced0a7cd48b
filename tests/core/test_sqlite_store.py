"""SQLiteStore: CRUD, optimistic concurrency (tasks and threads), watch, revisions."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor_core.errors import ConflictError, InvalidInput, NotFound
from tutor_core.interfaces import Store
from tutor_core.models import Scene, SceneStatus, SessionStatus, VideoSession
from tutor_core.stores.sqlite import SQLiteStore


async def _seed(store: SQLiteStore) -> tuple[VideoSession, list[Scene]]:
    user = await store.ensure_user("auth|alice", name="Alice")
    project = await store.create_project(user.id, "Calculus")
    session = await store.create_session(VideoSession(id="", project_id=project.id))
    scenes = [
        await store.create_scene(
            Scene(id="", project_id=project.id, session_id=session.id, index=i)
        )
        for i in (2, 0, 1)
    ]
    return session, scenes


@pytest.mark.anyio
async def test_crud_round_trip(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "db" / "tutor.db"))
    assert isinstance(store, Store)
    user = await store.ensure_user("auth|alice", name="Alice")
    assert user.id.startswith("usr_")
    again = await store.ensure_user("auth|alice", email="a@example.org")
    assert again.id == user.id and again.email == "a@example.org" and again.name == "Alice"
    assert await store.get_user(user.id) == again

    project = await store.create_project(user.id, "Calculus", "limits")
    assert project.id.startswith("prj_")
    assert await store.list_projects(user.id) == [project]
    assert await store.get_project(project.id) == project

    session, scenes = await _seed(store)
    assert session.id.startswith("ses_")
    assert all(s.id.startswith("scn_") for s in scenes)
    assert [s.index for s in await store.list_scenes(session.id)] == [0, 1, 2]
    assert await store.get_session(session.id) == session
    assert session in await store.list_sessions()

    updated = await store.update_session(session.id, revision=1, status=SessionStatus.QUEUED)
    assert updated.revision == 2 and updated.status is SessionStatus.QUEUED
    assert updated.updated_at >= session.updated_at
    assert await store.get_session(session.id) == updated

    scene = scenes[0]
    moved = await store.update_scene(scene.id, revision=1, index=7, title="Limits")
    assert (moved.index, moved.title, moved.revision) == (7, "Limits", 2)
    assert [s.index for s in await store.list_scenes(session.id)] == [0, 1, 7]
    await store.close()

    # Everything survives a reopen (the file is the truth, not a cache).
    reopened = SQLiteStore(str(tmp_path / "db" / "tutor.db"))
    assert (await reopened.get_scene(scene.id)).title == "Limits"
    await reopened.close()


@pytest.mark.anyio
async def test_not_found_and_invalid_changes() -> None:
    store = SQLiteStore(":memory:")
    session, scenes = await _seed(store)
    for call in (
        store.get_user("usr_nope"),
        store.get_project("prj_nope"),
        store.get_session("ses_nope"),
        store.get_scene("scn_nope"),
        store.update_scene("scn_nope", revision=1, title="x"),
        store.update_session("ses_nope", revision=1, title="x"),
    ):
        with pytest.raises(NotFound) as info:
            await call
        assert info.value.hint
    with pytest.raises(InvalidInput, match="no field"):
        await store.update_scene(scenes[0].id, revision=1, colour="red")
    with pytest.raises(InvalidInput, match="index"):
        await store.update_scene(scenes[0].id, revision=1, index=-1)
    with pytest.raises(InvalidInput):
        await store.update_session(session.id, revision=1, id="ses_other")
    # a scene in a session that does not exist is refused (foreign key)
    with pytest.raises(NotFound, match="parent"):
        await store.create_scene(Scene(id="", project_id="p", session_id="ses_nope", index=0))
    with pytest.raises(ConflictError):
        await store.create_session(session)
    assert (await store.get_scene(scenes[0].id)).revision == 1
    await store.close()


@pytest.mark.anyio
async def test_concurrent_updates_in_tasks_exactly_one_wins() -> None:
    store = SQLiteStore(":memory:")
    _, scenes = await _seed(store)
    scene_id = scenes[0].id
    winners: list[str] = []
    losers: list[str] = []

    async def write(title: str) -> None:
        try:
            await store.update_scene(scene_id, revision=1, title=title)
            winners.append(title)
        except ConflictError as exc:
            assert "re-read" in (exc.hint or "")
            losers.append(title)

    async with anyio.create_task_group() as tg:
        for title in ("a", "b", "c", "d"):
            tg.start_soon(write, title)
    assert len(winners) == 1 and len(losers) == 3
    final = await store.get_scene(scene_id)
    assert final.title == winners[0] and final.revision == 2
    await store.close()


def test_concurrent_updates_from_two_threads_and_connections(tmp_path: Path) -> None:
    db = str(tmp_path / "tutor.db")
    setup = SQLiteStore(db)
    _, scenes = anyio.run(_seed, setup)
    anyio.run(setup.close)
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def worker(title: str) -> None:
        async def main() -> None:
            store = SQLiteStore(db)  # its own connection
            barrier.wait()
            try:
                await store.update_scene(scenes[0].id, revision=1, title=title)
                outcome[title] = "won"
            except ConflictError:
                outcome[title] = "conflict"
            finally:
                await store.close()

        anyio.run(main)

    threads = [threading.Thread(target=worker, args=(t,)) for t in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome.values()) == ["conflict", "won"]
    winner = next(t for t, o in outcome.items() if o == "won")

    async def check() -> None:
        store = SQLiteStore(db)
        scene = await store.get_scene(scenes[0].id)
        assert scene.title == winner and scene.revision == 2
        await store.close()

    anyio.run(check)


@pytest.mark.anyio
async def test_watch_yields_own_and_foreign_changes(tmp_path: Path) -> None:
    db = str(tmp_path / "tutor.db")
    store = SQLiteStore(db)
    other = SQLiteStore(db)  # stands in for another process
    session, scenes = await _seed(store)
    seen: list[VideoSession | Scene] = []

    async def consume() -> None:
        async for item in store.watch(session.id):
            seen.append(item)
            if len(seen) == 3:
                return

    with anyio.fail_after(20):
        async with anyio.create_task_group() as tg:
            tg.start_soon(consume)
            await anyio.sleep(0.1)
            await store.update_session(session.id, revision=1, status=SessionStatus.QUEUED)
            await store.update_scene(scenes[1].id, revision=1, status=SceneStatus.GENERATING_CODE)
            await other.update_scene(scenes[2].id, revision=1, title="from elsewhere")
    assert isinstance(seen[0], VideoSession) and seen[0].status is SessionStatus.QUEUED
    assert isinstance(seen[1], Scene) and seen[1].status is SceneStatus.GENERATING_CODE
    assert isinstance(seen[2], Scene) and seen[2].title == "from elsewhere"
    await other.close()
    await store.close()


@pytest.mark.anyio
async def test_watch_ends_when_store_closes() -> None:
    store = SQLiteStore(":memory:")
    session, _ = await _seed(store)
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


_FIELDS = st.sampled_from(["title", "narration", "error_message", "status", "index"])


def _value(field: str) -> st.SearchStrategy[Any]:
    if field == "status":
        return st.sampled_from(list(SceneStatus))
    if field == "index":
        return st.integers(0, 50)
    return st.none() | st.text(max_size=20)


_STEP = _FIELDS.flatmap(lambda f: st.tuples(st.just(f), _value(f), st.booleans()))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(_STEP, max_size=15))
def test_updates_keep_revision_monotonic_and_match_a_dict_model(
    steps: list[tuple[str, Any, bool]],
) -> None:
    async def main() -> None:
        store = SQLiteStore(":memory:")
        _, scenes = await _seed(store)
        scene = scenes[0]
        model: dict[str, Any] = scene.model_dump(
            include={"title", "narration", "status", "error_message", "index"}
        )
        revision = 1
        for field, value, stale in steps:
            if stale and revision > 1:
                with pytest.raises(ConflictError):
                    await store.update_scene(scene.id, revision=revision - 1, **{field: value})
                continue
            new = await store.update_scene(scene.id, revision=revision, **{field: value})
            assert new.revision == revision + 1
            revision = new.revision
            model[field] = value
        stored = await store.get_scene(scene.id)
        assert stored.revision == revision
        assert stored.model_dump(include=set(model)) == model
        await store.close()

    anyio.run(main)
