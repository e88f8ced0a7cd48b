"""The event log behind SSE: resuming after any event gives the same sequence."""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor_core.models import Scene, SceneStatus, SessionStatus, VideoSession
from tutor_server.events import EventLog, MemoryEventLog, RedisEventLog

pytestmark = pytest.mark.anyio

changes = st.lists(
    st.one_of(
        st.sampled_from(list(SessionStatus)).map(lambda s: ("session", s.value)),
        st.tuples(st.integers(0, 3), st.sampled_from(list(SceneStatus))).map(
            lambda t: (f"scene{t[0]}", t[1].value)
        ),
    ),
    min_size=1,
    max_size=25,
)


def _item(session_id: str, who: str, status: str, revision: int) -> VideoSession | Scene:
    if who == "session":
        return VideoSession(
            id=session_id, project_id="prj_1", status=SessionStatus(status), revision=revision
        )
    return Scene(
        id=f"scn_{who}",
        project_id="prj_1",
        session_id=session_id,
        index=int(who[-1]),
        status=SceneStatus(status),
        revision=revision,
    )


async def _take(log: EventLog, session_id: str, after: str | None, n: int) -> list[Any]:
    out: list[Any] = []
    if n == 0:
        return out
    with anyio.fail_after(10):
        async for event in log.follow(session_id, after):
            out.append(event)
            if len(out) == n:
                break
    return out


async def _check_resume(log: EventLog, session_id: str, steps: list[Any], cut: int) -> None:
    for revision, (who, status) in enumerate(steps, start=1):
        await log.append(_item(session_id, who, status, revision))
    full = await _take(log, session_id, None, len(steps))
    assert [(e.kind, e.data["status"]) for e in full] == [
        ("session" if who == "session" else "scene", status) for who, status in steps
    ]
    cut = min(cut, len(steps))
    first = await _take(log, session_id, None, cut)
    rest = await _take(log, session_id, first[-1].id if first else None, len(steps) - cut)
    assert [(e.id, e.kind, e.data) for e in first + rest] == [(e.id, e.kind, e.data) for e in full]


@settings(max_examples=60, deadline=None)
@given(steps=changes, cut=st.integers(0, 25))
async def test_memory_log_resumes_after_any_event(steps: list[Any], cut: int) -> None:
    log = MemoryEventLog()
    await _check_resume(log, "ses_mem", steps, cut)
    await log.close()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=changes, cut=st.integers(0, 25))
async def test_redis_log_resumes_after_any_event(
    redis_server: Any, steps: list[Any], cut: int
) -> None:
    log = RedisEventLog(redis_server.url)
    try:
        await _check_resume(log, f"ses_{uuid.uuid4().hex[:12]}", steps, cut)
    finally:
        await log.close()


async def test_a_follower_wakes_on_a_new_event(redis_server: Any) -> None:
    log = RedisEventLog(redis_server.url)
    session_id = f"ses_{uuid.uuid4().hex[:12]}"
    got: list[Any] = []
    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(log.run)

            async def follow() -> None:
                got.extend(await _take(log, session_id, None, 2))

            tg.start_soon(follow)
            await anyio.sleep(0.2)
            for revision in (1, 2):
                await log.append(_item(session_id, "session", "queued", revision))
            with anyio.fail_after(10):
                while len(got) < 2:
                    await anyio.sleep(0.01)
            tg.cancel_scope.cancel()
    finally:
        await log.close()
    assert [e.data["revision"] for e in got] == [1, 2]
    first, second = (tuple(int(x) for x in e.id.split("-")) for e in got)
    assert first < second  # Redis stream ids increase
