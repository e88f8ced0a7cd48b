"""What `/readyz` checks and what `/metrics` counts at scrape time."""

from __future__ import annotations

import uuid

import anyio
import anyio.lowlevel

from tutor_core.interfaces import Bucket
from tutor_core.models import SceneStatus, SessionStatus
from tutor_server.events import EventLog
from tutor_server.observability import QUEUE_DEPTH, SCENES_BY_STATE, SESSIONS_BY_STATE
from tutor_server.service import Service

CHECK_TIMEOUT = 3.0


async def check_ready(service: Service, events: EventLog) -> dict[str, str]:
    """`{"store": "ok", "storage": "ok", "queue": "ok", "events": "ok"}` or the errors."""
    checks: dict[str, str] = {}

    async def run(name: str, probe: object) -> None:
        try:
            with anyio.fail_after(CHECK_TIMEOUT):
                await probe  # type: ignore[misc]
            checks[name] = "ok"
        except Exception as exc:
            checks[name] = f"{type(exc).__name__}: {exc}"[:300]

    await run("store", service.store.list_projects("usr_readiness_probe"))
    await run("storage", service.storage.exists(Bucket.CHUNKS, f"readyz/{uuid.uuid4().hex}.probe"))
    ping = getattr(service.tutor.queue, "ping", None)
    await run("queue", ping() if ping is not None else anyio.lowlevel.checkpoint())
    await run("events", events.ping())
    return checks


async def refresh_gauges(service: Service) -> None:
    """Set the sessions/scenes-by-status and queue-depth gauges from the store and queue."""
    sessions = await service.store.list_sessions()
    for session_status in SessionStatus:
        SESSIONS_BY_STATE.labels(status=session_status.value).set(
            sum(1 for s in sessions if s.status == session_status)
        )
    scene_counts = dict.fromkeys(SceneStatus, 0)
    for session in sessions:
        if session.status in (SessionStatus.READY, SessionStatus.ERROR):
            continue  # settled sessions have settled scenes; skip the reads
        for scene in await service.store.list_scenes(session.id):
            scene_counts[scene.status] += 1
    for status, count in scene_counts.items():
        SCENES_BY_STATE.labels(status=status.value).set(count)
    depth = getattr(service.tutor.queue, "depth", None)
    if depth is not None:
        QUEUE_DEPTH.set(await depth())
    else:  # the in-process queue: sessions still waiting for their job to start
        QUEUE_DEPTH.set(sum(1 for s in sessions if s.status == SessionStatus.QUEUED))
