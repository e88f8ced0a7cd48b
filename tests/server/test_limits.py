"""Limits and error bodies: body size, prompt length, job rate, concurrent jobs."""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest

from tests.server import helpers
from tutor_core.models import SessionStatus, VideoSession
from tutor_server.errors import RateLimited
from tutor_server.limits import MemoryRateLimiter, RedisRateLimiter

pytestmark = pytest.mark.anyio

ALICE = helpers.auth("alice")


async def _project(api: Any) -> str:
    r = await api.client.post("/api/projects", json={"title": "Limits"}, headers=ALICE)
    return str(r.json()["id"])


async def test_bodies_over_the_limit_are_413_declared_or_streamed(make_api: Any) -> None:
    api = await make_api(max_body_bytes=2048)
    big = b'{"title": "' + b"x" * 5000 + b'"}'
    r = await api.client.post(
        "/api/projects", content=big, headers={**ALICE, "content-type": "application/json"}
    )
    assert r.status_code == 413 and r.json()["error"] == "PayloadTooLarge"
    assert "TUTOR_MAX_BODY_BYTES" in r.json()["hint"]

    async def chunks() -> Any:
        for _ in range(5):
            yield b"x" * 1000

    r = await api.client.post(
        "/api/projects", content=chunks(), headers={**ALICE, "content-type": "application/json"}
    )
    assert r.status_code == 413
    assert (await api.client.get("/api/projects", headers=ALICE)).json() == []


async def test_validation_errors_name_each_field(make_api: Any) -> None:
    api = await make_api(max_prompt_chars=40)
    project_id = await _project(api)
    r = await api.client.post(
        f"/api/projects/{project_id}/sessions",
        json={"prompt": "   ", "sceneCount": 40, "quality": "ultra"},
        headers=ALICE,
    )
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "RequestValidationError"
    assert set(body["fields"]) == {"prompt", "sceneCount", "quality"}
    assert body["fields"]["prompt"] == "must not be blank"
    assert body["fields"]["sceneCount"] == "must be at most 12"
    r = await api.client.post(
        f"/api/projects/{project_id}/sessions", json={"prompt": "", "sceneCount": 0}, headers=ALICE
    )
    assert r.json()["fields"] == {"prompt": "cannot be empty", "sceneCount": "must be at least 1"}
    r = await api.client.post(
        f"/api/projects/{project_id}/sessions",
        json={"prompt": "explain " + "very " * 20 + "long things"},
        headers=ALICE,
    )
    assert r.status_code == 422
    assert r.json()["fields"]["prompt"].startswith("is ")
    assert "limit is 40" in r.json()["fields"]["prompt"]
    r = await api.client.post("/api/projects", json={"title": "x", "owner": "bob"}, headers=ALICE)
    assert r.status_code == 422 and "owner" in r.json()["fields"]
    r = await api.client.get("/api/nothing-here", headers=ALICE)
    assert r.status_code == 404 and r.json()["error"] == "NotFound"


async def test_concurrent_jobs_are_capped_per_user(make_api: Any) -> None:
    api = await make_api(max_active_jobs=1)
    project_id = await _project(api)
    await api.service.store.create_session(
        VideoSession(id="", project_id=project_id, status=SessionStatus.RENDERING)
    )
    r = await api.client.post(
        f"/api/projects/{project_id}/sessions", json={"prompt": "explain pi"}, headers=ALICE
    )
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1
    assert "TUTOR_MAX_ACTIVE_JOBS" in r.json()["hint"]
    # Another user is not held back by alice's jobs (and is not shown them).
    bob_project = await api.client.post(
        "/api/projects", json={"title": "Bob's"}, headers=helpers.auth("bob")
    )
    assert bob_project.status_code == 201


@pytest.mark.slow
async def test_job_rate_limit_answers_429_with_retry_after(make_api: Any) -> None:
    api = await make_api(jobs_per_minute=1)
    project_id = await _project(api)
    body = {"prompt": "explain the Pythagorean theorem", "sceneCount": 1}
    first = await api.client.post(f"/api/projects/{project_id}/sessions", json=body, headers=ALICE)
    assert first.status_code == 202
    second = await api.client.post(f"/api/projects/{project_id}/sessions", json=body, headers=ALICE)
    assert second.status_code == 429
    assert 1 <= int(second.headers["retry-after"]) <= 60
    sessions = (await api.client.get(f"/api/projects/{project_id}/sessions", headers=ALICE)).json()
    assert len(sessions) == 1  # the refused request recorded nothing
    with anyio.fail_after(300):  # let the first job finish before the app closes
        while True:
            r = await api.client.get(f"/api/sessions/{first.json()['id']}", headers=ALICE)
            if r.json()["status"] in ("ready", "error"):
                break
            await anyio.sleep(0.2)
    assert r.json()["status"] == "ready"


async def test_rate_limiters_slide_over_a_minute(redis_server: Any) -> None:
    for limiter in (MemoryRateLimiter(), RedisRateLimiter(redis_server.url)):
        user = f"u{time.perf_counter_ns()}"
        for _ in range(3):
            await limiter.hit(user, 3)
        with pytest.raises(RateLimited) as info:
            await limiter.hit(user, 3)
        assert 1 <= info.value.retry_after <= 60
        await limiter.hit(f"{user}-other", 3)  # per user
