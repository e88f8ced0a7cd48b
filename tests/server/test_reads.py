"""The read path's caches: session details reused until a change, verified tokens until exp."""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.server import helpers
from tests.server.conftest import Api
from tutor_core.models import Scene, SceneStatus, SessionStatus, VideoSession
from tutor_server import events
from tutor_server.readcache import Generation, SessionReads

SESSIONS = ("a", "b")


class ReadsRacingChanges(RuleBasedStateMachine):
    """Reads that start, then changes, then reads that finish: nothing old is served."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = SessionReads(ttl=3600, max_entries=3)
        self.value = dict.fromkeys(SESSIONS, 0)  # what the store holds now
        self.pending: list[tuple[str, Generation, int]] = []

    @rule(session=st.sampled_from(SESSIONS))
    def start_read(self, session: str) -> None:
        generation = self.reads.generation(session)  # before the store read, as the service
        self.pending.append((session, generation, self.value[session]))

    @rule(session=st.sampled_from(SESSIONS))
    def change(self, session: str) -> None:
        self.value[session] += 1
        self.reads.changed(session)

    @rule(index=st.integers(min_value=0, max_value=5))
    def finish_read(self, index: int) -> None:
        if not self.pending:
            return
        session, generation, seen = self.pending.pop(index % len(self.pending))
        self.reads.put(session, "prj", str(seen).encode(), generation)

    @rule()
    def forget_all(self) -> None:
        self.reads.clear()

    @invariant()
    def served_reads_are_current(self) -> None:
        for session in SESSIONS:
            cached = self.reads.get(session)
            if cached is not None:
                assert cached.body == str(self.value[session]).encode()


test_reads_racing_changes = ReadsRacingChanges.TestCase
test_reads_racing_changes.settings = settings(max_examples=200, stateful_step_count=30)


def test_many_sessions_changing_never_bring_back_an_old_read() -> None:
    reads = SessionReads(ttl=3600, max_entries=2)
    generation = reads.generation("x")
    for i in range(20):  # enough changes to forget every counter (a new epoch)
        reads.changed(f"other-{i}")
    reads.changed("x")
    for i in range(20):
        reads.changed(f"more-{i}")
    reads.put("x", "prj", b"old", generation)
    assert reads.get("x") is None


pytestmark = pytest.mark.anyio


async def _session_with_a_scene(api: Api) -> tuple[VideoSession, Scene]:
    alice = helpers.auth("alice")
    r = await api.client.post("/api/projects", json={"title": "Reads"}, headers=alice)
    project_id = r.json()["id"]
    store = api.service.store
    session = await store.create_session(
        VideoSession(id="", project_id=project_id, status=SessionStatus.QUEUED, quality="draft")
    )
    for status in (SessionStatus.GENERATING, SessionStatus.RENDERING):
        session = await store.update_session(
            session.id, revision=session.revision, expected_status=session.status, status=status
        )
    scene = await store.create_scene(
        Scene(id="", project_id=project_id, session_id=session.id, index=0, title="One")
    )
    return session, scene


async def _detail(api: Api, session_id: str, user: str = "alice") -> Any:
    r = await api.client.get(f"/api/sessions/{session_id}", headers=helpers.auth(user))
    return r.json() if r.status_code == 200 else r.status_code


async def test_a_status_change_is_read_at_once_though_reads_are_reused(api: Api) -> None:
    session, scene = await _session_with_a_scene(api)
    assert (await _detail(api, session.id))["scenes"][0]["status"] == "queued"
    # A change that announces no event is not seen while the read is reused...
    store = api.service.store
    scene = await store.update_scene(
        scene.id, revision=scene.revision, expected_status=scene.status, title="Renamed"
    )
    assert (await _detail(api, session.id))["scenes"][0]["title"] == "One"
    # ...a status change is, at once: the hook appends it to the event log.
    scene = await store.update_scene(
        scene.id,
        revision=scene.revision,
        expected_status=scene.status,
        status=SceneStatus.GENERATING_CODE,
    )
    await events.publish(scene)
    detail = await _detail(api, session.id)
    assert detail["scenes"][0]["status"] == "generating_code"
    assert detail["scenes"][0]["title"] == "Renamed"


async def test_an_unannounced_change_is_read_after_the_reuse_window(make_api: Any) -> None:
    api = await make_api(read_cache_seconds=0.2)
    session, scene = await _session_with_a_scene(api)
    assert (await _detail(api, session.id))["scenes"][0]["title"] == "One"
    await api.service.store.update_scene(
        scene.id, revision=scene.revision, expected_status=scene.status, title="Later"
    )
    with anyio.fail_after(10):
        while (await _detail(api, session.id))["scenes"][0]["title"] != "Later":
            await anyio.sleep(0.05)


async def test_a_reused_read_is_still_checked_for_its_owner(api: Api) -> None:
    session, _ = await _session_with_a_scene(api)
    assert (await _detail(api, session.id))["id"] == session.id  # now reused
    assert await _detail(api, session.id, user="bob") == 404
    assert (await _detail(api, session.id))["id"] == session.id


async def test_reads_are_not_reused_when_switched_off(make_api: Any) -> None:
    api = await make_api(read_cache_seconds=0)
    session, scene = await _session_with_a_scene(api)
    await _detail(api, session.id)
    await api.service.store.update_scene(
        scene.id, revision=scene.revision, expected_status=scene.status, title="Now"
    )
    assert (await _detail(api, session.id))["scenes"][0]["title"] == "Now"


async def test_a_deleted_project_is_not_read_from_the_cache(api: Api) -> None:
    session, _ = await _session_with_a_scene(api)
    store = api.service.store
    await store.update_session(
        session.id,
        revision=session.revision,
        expected_status=session.status,
        status=SessionStatus.ERROR,
    )
    assert (await _detail(api, session.id))["status"] == "error"  # reused from now on
    alice = helpers.auth("alice")
    r = await api.client.delete(f"/api/projects/{session.project_id}", headers=alice)
    assert r.status_code == 204, r.text
    assert await _detail(api, session.id) == 404


async def test_a_verified_token_stops_working_when_it_expires(api: Api) -> None:
    # Issued so that it expires two seconds from now.
    headers = helpers.auth("alice", ttl=60, now=time.time() - 58)
    r = await api.client.get("/api/projects", headers=headers)
    assert r.status_code == 200  # verified, and remembered
    assert (await api.client.get("/api/projects", headers=headers)).status_code == 200
    await anyio.sleep(2.2)
    r = await api.client.get("/api/projects", headers=headers)
    assert r.status_code == 401 and "expired" in r.json()["detail"]
