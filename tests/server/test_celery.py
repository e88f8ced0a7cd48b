"""Celery workers on a real Redis: scenes on different workers, a killed worker's scene.

The stack (one `tutor serve` with TUTOR_QUEUE=celery, two `tutor worker` processes and
redis-server) is shared by these tests; the kill test runs last and replaces the worker
it killed.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.server import helpers
from tests.server.conftest import start_worker
from tutor_core.models import Job, JobKind
from tutor_server.celery_app import QUEUE, make_celery
from tutor_server.settings import ServerSettings

pytestmark = pytest.mark.slow

_TAKEN = re.compile(r"scene (scn_\w+) taken by worker (\S+):(\d+)")


def _taken(worker: helpers.Proc) -> list[tuple[str, int]]:
    out = []
    for line in worker.json_lines():
        m = _TAKEN.search(str(line.get("message", "")))
        if m:
            out.append((m.group(1), int(m.group(3))))
    return out


def _start(live: helpers.Live, prompt: str, scenes: int) -> str:
    with live.client("alice") as client:
        project = client.post("/api/projects", json={"title": "Workers"}).json()
        r = client.post(
            f"/api/projects/{project['id']}/sessions",
            json={"prompt": prompt, "sceneCount": scenes},
        )
        assert r.status_code == 202, r.text
        return str(r.json()["id"])


def _intervals(events: list[helpers.SseEvent]) -> dict[str, tuple[float, float]]:
    """(rendering start, rendering end) of each scene, from its status events."""
    spans: dict[str, dict[str, float]] = {}
    for event in events:
        if event.event != "scene":
            continue
        marks = spans.setdefault(event.data["id"], {})
        status = event.data["status"]
        if status == "rendering":
            marks.setdefault("start", event.data["updatedAt"])
        elif status == "uploading":
            marks["end"] = event.data["updatedAt"]
    return {k: (v["start"], v["end"]) for k, v in spans.items() if {"start", "end"} <= set(v)}


def test_two_workers_render_scenes_of_one_lesson_at_once(celery_stack: helpers.Live) -> None:
    session_id = _start(celery_stack, "explain the Pythagorean theorem", 4)

    def all_ready(events: list[helpers.SseEvent]) -> bool:
        # Workers publish on their own: a scene's "ready" can arrive just after the
        # session's, when another worker finished the lesson in between.
        ready = {e.data["id"] for e in events if e.event == "scene" and e.data["status"] == "ready"}
        settled = any(e.event == "session" and e.data["status"] == "ready" for e in events)
        failed = any(e.event == "session" and e.data["status"] == "error" for e in events)
        return failed or (settled and len(ready) == 4)

    with celery_stack.client("alice") as client:
        events = helpers.follow_until(client, session_id, all_ready)
        detail = client.get(f"/api/sessions/{session_id}").json()
    assert detail["status"] == "ready", detail
    assert [s["status"] for s in detail["scenes"]] == ["ready"] * 4
    assert [s["version"] for s in detail["scenes"]] == [1] * 4
    # Status changes made in the workers reached this server's SSE stream.
    for scene in detail["scenes"]:
        assert any(e.data["id"] == scene["id"] and e.data["status"] == "ready" for e in events)
    spans = _intervals(events)
    assert len(spans) == 4, spans
    ordered = sorted(spans.values())
    overlapping = [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :] if b[0] < a[1]]
    assert overlapping, f"no two scenes rendered at once: {ordered}"
    workers = {
        pid
        for worker in celery_stack.workers
        for scene_id, pid in _taken(worker)
        if scene_id in spans
    }
    assert len(workers) == 2, workers


def _metric(live: helpers.Live, name: str, **labels: str) -> float:
    """A sample summed over the live workers' /metrics (scraped now)."""
    total = 0.0
    for worker in live.workers:
        text = httpx.get(live.worker_metrics[worker.proc.pid], timeout=10).text
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == name and all(
                    sample.labels.get(k) == v for k, v in labels.items()
                ):
                    total += sample.value
    return total


def test_workers_serve_metrics_of_their_jobs_renders_and_errors(
    celery_stack: helpers.Live,
) -> None:
    for worker in celery_stack.workers:
        assert "tutor worker metrics: http://127.0.0.1:" in worker.text()
    scenes = ("tutor_worker_jobs_total", {"task": "tutor.scene", "state": "succeeded"})
    plans = ("tutor_worker_jobs_total", {"task": "tutor.generate", "state": "succeeded"})
    renders = ("tutor_scene_render_seconds_count", {})
    watched = {"scenes": scenes, "plans": plans, "renders": renders}
    before = {key: _metric(celery_stack, name, **lb) for key, (name, lb) in watched.items()}
    session_id = _start(celery_stack, "explain the unit circle", 2)
    with celery_stack.client("alice") as client:
        helpers.follow_until(client, session_id, helpers.session_settled)
        assert client.get(f"/api/sessions/{session_id}").json()["status"] == "ready"
    # Counted when a task ends, which is just after its last status change: wait a little.
    deadline = time.monotonic() + 60
    while _metric(celery_stack, scenes[0], **scenes[1]) < before["scenes"] + 2:
        assert time.monotonic() < deadline, "the scene tasks were not counted"
        time.sleep(0.1)
    # (More when a task ran past the short visibility timeout of these tests and was
    # delivered again: that delivery finds the scene made and ends at once.)
    assert _metric(celery_stack, plans[0], **plans[1]) >= before["plans"] + 1
    assert _metric(celery_stack, renders[0]) >= before["renders"] + 2
    assert _metric(celery_stack, "tutor_scene_render_seconds_sum") > 0

    # A job that cannot run (its scene does not exist) fails: counted by kind.
    failed = ("tutor_worker_jobs_total", {"task": "tutor.edit", "state": "failed"})
    errors_before = _metric(celery_stack, "tutor_errors_total", kind="NotFound")
    failed_before = _metric(celery_stack, failed[0], **failed[1])
    app = make_celery(ServerSettings(redis_url=celery_stack.env["TUTOR_REDIS_URL"]))
    job = Job(
        id="job-metrics-1",
        kind=JobKind.EDIT,
        session_id="ses_gone",
        scene_id="scn_gone",
        prompt="make it blue",
        correlation_id="job-metrics-1",
    )
    app.send_task("tutor.edit", args=[job.model_dump(mode="json")], queue=QUEUE)
    deadline = time.monotonic() + 60
    while _metric(celery_stack, failed[0], **failed[1]) < failed_before + 1:
        assert time.monotonic() < deadline, "the failed job was not counted"
        time.sleep(0.1)
    assert _metric(celery_stack, "tutor_errors_total", kind="NotFound") == errors_before + 1
    assert _metric(celery_stack, "tutor_worker_jobs_running") == 0


def test_a_planning_task_whose_worker_died_is_planned_by_its_redelivery(
    celery_stack: helpers.Live,
) -> None:
    """The session as a planning worker killed mid-plan leaves it (`generating`, its lease
    about to run out, no scene), then the task delivered again to a live worker."""
    import anyio

    from tutor_core import SessionStatus, Tutor
    from tutor_core.models import now_ms
    from tutor_core.settings import Settings

    home = Path(celery_stack.env["TUTOR_HOME"])

    async def died_while_planning() -> tuple[str, str]:
        async with Tutor(Settings(home=home, narrator="silent", quality="draft")) as tutor:
            session, _ = await tutor.create_session("explain rain", scenes=1)
            assert session.job_id is not None
            await tutor.store.update_session(
                session.id,
                revision=session.revision,
                expected_status=SessionStatus.QUEUED,
                status=SessionStatus.GENERATING,
                lease_expires_at=now_ms() + 2_000,  # nobody renews it: the worker died
            )
            return session.id, session.job_id

    async def status_of(session_id: str) -> tuple[str, int]:
        async with Tutor(Settings(home=home, narrator="silent", quality="draft")) as tutor:
            view = await tutor.session(session_id)
            return view.session.status.value, sum(s.status == "ready" for s in view.scenes)

    session_id, job_id = anyio.run(died_while_planning)
    job = Job(
        id=job_id, kind=JobKind.GENERATE, session_id=session_id, prompt="1", correlation_id=job_id
    )
    app = make_celery(ServerSettings(redis_url=celery_stack.env["TUTOR_REDIS_URL"]))
    app.send_task("tutor.generate", args=[job.model_dump(mode="json")], queue=QUEUE)
    deadline = time.monotonic() + 180
    while (state := anyio.run(status_of, session_id))[0] not in ("ready", "error"):
        assert time.monotonic() < deadline, f"the lesson was not made: {state}"
        time.sleep(0.5)
    assert state == ("ready", 1), state
    said = [
        str(line.get("message", ""))
        for w in celery_stack.workers
        for line in w.json_lines()
        if line.get("correlation_id") == job_id or job_id in str(line.get("message", ""))
    ]
    assert any("planning session" in m and "again" in m for m in said), said


def test_a_worker_killed_mid_render_loses_nothing(celery_stack: helpers.Live) -> None:
    session_id = _start(celery_stack, "explain the derivative as a slope", 1)
    by_pid = {w.proc.pid: w for w in celery_stack.workers}
    with celery_stack.client("alice") as client:
        before = helpers.follow_until(
            client,
            session_id,
            lambda ev: ev[-1].event == "scene" and ev[-1].data["status"] == "rendering",
        )
        scene_id = before[-1].data["id"]
        holders = [pid for w in celery_stack.workers for sid, pid in _taken(w) if sid == scene_id]
        assert len(holders) == 1 and holders[0] in by_pid, holders
        victim = by_pid[holders[0]]
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait(timeout=10)
        celery_stack.workers.remove(victim)
        after = helpers.follow_until(
            client, session_id, helpers.session_settled, last_event_id=before[-1].id
        )
        detail = client.get(f"/api/sessions/{session_id}").json()
        versions = client.get(f"/api/scenes/{scene_id}/versions").json()
        (scene,) = detail["scenes"]
        chunk = client.get(scene["chunkUrl"])
    try:
        assert detail["status"] == "ready", detail
        assert scene["status"] == "ready" and scene["version"] == 1, scene
        assert [v["version"] for v in versions] == [1]
        assert chunk.status_code == 200 and len(chunk.content) > 1000
        survivors = [pid for w in celery_stack.workers for sid, pid in _taken(w) if sid == scene_id]
        assert survivors and victim.proc.pid not in survivors
        statuses = [e.data["status"] for e in after if e.data.get("id") == scene_id]
        assert "error" in statuses and statuses[-1] == "ready", statuses  # taken over, then made
    finally:
        start_worker(celery_stack, f"w{len(celery_stack.workers) + 2}")


def test_tasks_are_late_acked_and_retried_with_backoff() -> None:
    from tutor_core.errors import InvalidInput, StorageError
    from tutor_server.celery_app import make_celery
    from tutor_server.settings import ServerSettings

    app = make_celery(ServerSettings(redis_url="redis://127.0.0.1:1/0"))
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    for name in ("tutor.generate", "tutor.scene", "tutor.edit"):
        task = app.tasks[name]
        assert task.acks_late and task.reject_on_worker_lost
        assert task.max_retries == 3 and task.retry_backoff and task.retry_jitter
        assert StorageError in task.autoretry_for
        assert not any(issubclass(InvalidInput, e) for e in task.autoretry_for)
        assert Exception not in task.autoretry_for
    assert app.tasks["tutor.scene"].time_limit > 300  # above the 5-minute render timeout
