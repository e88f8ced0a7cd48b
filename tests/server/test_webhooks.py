"""Job webhooks: HMAC-signed `/jobs/generate` and `/jobs/edit` (the seed's bodies)."""

from __future__ import annotations

import json
import time
from typing import Any

import anyio
import pytest
from prometheus_client import REGISTRY

from tests.server import helpers
from tests.server.conftest import Api
from tests.server.test_auth import SIGNED
from tutor_core import signing
from tutor_core.errors import NotFound
from tutor_core.models import Scene, SceneStatus, SessionStatus, VideoSession

pytestmark = pytest.mark.anyio


def _jobs_submitted() -> float:
    return sum(
        REGISTRY.get_sample_value("tutor_jobs_submitted_total", {"kind": k}) or 0.0
        for k in ("generate", "edit", "retry")
    )


async def _project(api: Api, user: str = "alice") -> str:
    r = await api.client.post("/api/projects", json={"title": "Hooks"}, headers=helpers.auth(user))
    assert r.status_code == 201
    return str(r.json()["id"])


def _signed(
    body: bytes, *, secret: str = helpers.WEBHOOK_SECRET, at: int | None = None
) -> dict[str, str]:
    return {**signing.sign(body, secret, at), "content-type": "application/json"}


async def _wait_session(
    api: Api, session_id: str, done: Any, timeout: float = 300
) -> dict[str, Any]:
    with anyio.fail_after(timeout):
        while True:
            r = await api.client.get(f"/api/sessions/{session_id}", headers=helpers.auth("alice"))
            detail: dict[str, Any] = r.json()
            if done(detail):
                return detail
            await anyio.sleep(0.2)


def _webhook_body(path: str, project_id: str) -> bytes:
    """A well-formed body for each signed route (ids that the tests then look for)."""
    bodies: dict[str, dict[str, Any]] = {
        "/jobs/generate": {
            "projectId": project_id,
            "sessionId": "ses_hookA",
            "sceneCount": 1,
            "prompt": "explain sine",
        },
        "/jobs/edit": {"sceneId": "scn_hookA", "projectId": project_id, "prompt": "make it sine"},
        "/jobs/retry": {"sceneId": "scn_hookA", "projectId": project_id},
    }
    return json.dumps(bodies[path]).encode()


def test_every_signed_route_has_its_signature_tests() -> None:
    assert {path for _, path in SIGNED} == set(SIGNED_PATHS)


SIGNED_PATHS = ("/jobs/generate", "/jobs/edit", "/jobs/retry")


@pytest.mark.parametrize("path", SIGNED_PATHS)
async def test_bad_signatures_are_401_and_queue_nothing(api: Api, path: str) -> None:
    project_id = await _project(api)
    body = _webhook_body(path, project_id)
    now = int(time.time())
    tampered = body.replace(b"sine", b"cosine").replace(b"hookA", b"hookZ")
    assert tampered != body
    cases = {
        "tampered body": (tampered, _signed(body)),
        "wrong key": (body, _signed(body, secret="another-secret-" + "z" * 30)),
        "stale": (body, _signed(body, at=now - signing.DEFAULT_TOLERANCE - 5)),
        "future": (body, _signed(body, at=now + signing.DEFAULT_TOLERANCE + 5)),
        "no headers": (body, {"content-type": "application/json"}),
        "not sha256": (
            body,
            {**_signed(body), signing.SIGNATURE_HEADER: "md5=" + "0" * 32},
        ),
        "not a number": (body, {**_signed(body), signing.TIMESTAMP_HEADER: "soon"}),
    }
    before = _jobs_submitted()
    for name, (content, headers) in cases.items():
        r = await api.client.post(path, content=content, headers=headers)
        assert r.status_code == 401, f"{name}: {r.status_code} {r.text}"
        assert r.json()["error"] == "InvalidSignature", name
        assert r.json()["hint"], name
    assert _jobs_submitted() == before
    with pytest.raises(NotFound):
        await api.service.store.get_session("ses_hookA")


async def _failed_scene(api: Api, project_id: str, *, ready: bool = False) -> Scene:
    """A settled session with one scene that failed (or is ready), made in the store."""
    store = api.service.store
    session = await store.create_session(
        VideoSession(id="", project_id=project_id, status=SessionStatus.QUEUED, quality="draft")
    )
    for status in (SessionStatus.GENERATING, SessionStatus.RENDERING, SessionStatus.ERROR):
        session = await store.update_session(
            session.id, revision=session.revision, expected_status=session.status, status=status
        )
    scene = await store.create_scene(
        Scene(id="", project_id=project_id, session_id=session.id, index=0, title="One")
    )
    path = (
        [SceneStatus.GENERATING_CODE, SceneStatus.RENDERING, SceneStatus.UPLOADING] if ready else []
    )
    for status in path:
        scene = await store.update_scene(
            scene.id, revision=scene.revision, expected_status=scene.status, status=status
        )
    final = SceneStatus.READY if ready else SceneStatus.ERROR
    return await store.update_scene(
        scene.id,
        revision=scene.revision,
        expected_status=scene.status,
        status=final,
        error_message=None if ready else "render failed",
    )


async def test_a_signed_retry_queues_the_failed_scene_once_per_idempotency_key(api: Api) -> None:
    project_id = await _project(api)
    scene = await _failed_scene(api, project_id)
    body = json.dumps({"sceneId": scene.id, "projectId": project_id}).encode()
    before = _jobs_submitted()
    now = int(time.time())
    first = {**_signed(body, at=now), "Idempotency-Key": "cvx-job-1"}
    r = await api.client.post("/jobs/retry", content=body, headers=first)
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert accepted["sceneId"] == scene.id and accepted["sessionId"] == scene.session_id
    assert accepted["jobId"] and accepted["status"] == "queued"
    assert _jobs_submitted() == before + 1

    # The same signed request again is a replay; the same job signed anew (the caller's
    # retry after a lost answer) answers the first job and queues nothing.
    replay = await api.client.post("/jobs/retry", content=body, headers=first)
    assert replay.status_code == 401 and "replay" in replay.json()["detail"]
    again = await api.client.post(
        "/jobs/retry",
        content=body,
        headers={**_signed(body, at=now + 1), "Idempotency-Key": "cvx-job-1"},
    )
    assert again.status_code == 202, again.text
    assert again.json() == accepted
    assert _jobs_submitted() == before + 1
    # Another key is another job (the scene may be claimed already: 202 or 409).
    other = await api.client.post(
        "/jobs/retry",
        content=body,
        headers={**_signed(body, at=now + 2), "Idempotency-Key": "cvx-job-2"},
    )
    assert other.status_code in (202, 409)
    if other.status_code == 202:
        assert other.json()["jobId"] != accepted["jobId"]

    # The job runs: the retry claims the scene (the store names its job).
    async def claimed() -> bool:
        return (await api.service.store.get_scene(scene.id)).job_id == accepted["jobId"]

    with anyio.fail_after(60):
        while not await claimed():
            await anyio.sleep(0.05)


async def test_a_retry_webhook_for_a_wrong_or_working_scene_is_refused(api: Api) -> None:
    project_id = await _project(api)
    other_project = await _project(api, "bob")
    failed = await _failed_scene(api, project_id)
    ready = await _failed_scene(api, project_id, ready=True)
    before = _jobs_submitted()
    cases = {
        "no such scene": ({"sceneId": "scn_nope", "projectId": project_id}, 404),
        "another project's id": ({"sceneId": failed.id, "projectId": other_project}, 404),
        "a scene that works": ({"sceneId": ready.id, "projectId": project_id}, 409),
        "no project": ({"sceneId": failed.id}, 422),
        "an extra field": ({"sceneId": failed.id, "projectId": project_id, "prompt": "x"}, 422),
    }
    for name, (data, expected) in cases.items():
        body = json.dumps(data).encode()
        r = await api.client.post("/jobs/retry", content=body, headers=_signed(body))
        assert r.status_code == expected, f"{name}: {r.status_code} {r.text}"
        assert r.json()["detail"], name
    assert _jobs_submitted() == before
    assert (await api.service.store.get_scene(failed.id)).status == SceneStatus.ERROR


@pytest.mark.slow
async def test_a_signed_generate_then_edit_run_and_replays_are_refused(api: Api) -> None:
    project_id = await _project(api)
    body = json.dumps(
        {
            "projectId": project_id,
            "sessionId": "ses_hookB",
            "sceneCount": 1,
            "prompt": "explain the Pythagorean theorem",
        }
    ).encode()
    headers = _signed(body)
    r = await api.client.post("/jobs/generate", content=body, headers=headers)
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert accepted["sessionId"] == "ses_hookB" and accepted["status"] == "queued"
    assert accepted["jobId"]

    before = _jobs_submitted()
    again = await api.client.post("/jobs/generate", content=body, headers=headers)
    assert again.status_code == 401 and "replay" in again.json()["detail"]
    assert _jobs_submitted() == before

    # A delivery retried by the caller (signed anew) is the same job, not a second one.
    # (A second later: within the same second the signature would be the same, a replay.)
    later = int(time.time()) + 1
    retried = await api.client.post("/jobs/generate", content=body, headers=_signed(body, at=later))
    assert retried.status_code == 202
    assert retried.json()["sessionId"] == "ses_hookB"
    assert _jobs_submitted() == before
    other = body.replace(b"Pythagorean theorem", b"unit circle")
    conflict = await api.client.post("/jobs/generate", content=other, headers=_signed(other))
    assert conflict.status_code == 409

    detail = await _wait_session(api, "ses_hookB", lambda d: d["status"] in ("ready", "error"))
    assert detail["status"] == "ready", detail
    (scene,) = detail["scenes"]
    assert scene["version"] == 1

    edit = json.dumps(
        {"sceneId": scene["id"], "projectId": project_id, "prompt": "make the title yellow"}
    ).encode()
    r = await api.client.post("/jobs/edit", content=edit, headers=_signed(edit))
    assert r.status_code == 202, r.text
    assert r.json()["sceneId"] == scene["id"]

    def edited(d: dict[str, Any]) -> bool:
        status, version = d["scenes"][0]["status"], d["scenes"][0]["version"]
        return status == "error" or (status == "ready" and version == 2)

    detail = await _wait_session(api, "ses_hookB", edited)
    assert detail["scenes"][0]["status"] == "ready", detail
    assert detail["scenes"][0]["version"] == 2


async def test_signed_but_wrong_bodies_get_field_errors(api: Api) -> None:
    project_id = await _project(api)
    bad = json.dumps({"projectId": project_id, "sessionId": "s", "sceneCount": 99, "prompt": ""})
    r = await api.client.post("/jobs/generate", content=bad, headers=_signed(bad.encode()))
    assert r.status_code == 422
    fields = r.json()["fields"]
    assert set(fields) == {"sceneCount", "prompt"}, fields

    missing = json.dumps(
        {"projectId": "prj_nope", "sessionId": "ses_x", "sceneCount": 2, "prompt": "explain pi"}
    ).encode()
    r = await api.client.post("/jobs/generate", content=missing, headers=_signed(missing))
    assert r.status_code == 404 and "prj_nope" in r.json()["detail"]

    edit = json.dumps({"sceneId": "scn_nope", "projectId": project_id, "prompt": "blue"}).encode()
    r = await api.client.post("/jobs/edit", content=edit, headers=_signed(edit))
    assert r.status_code == 404


async def test_webhooks_are_off_without_a_secret(make_api: Any) -> None:
    api = await make_api(webhook_secret=None)
    body = b"{}"
    r = await api.client.post("/jobs/generate", content=body, headers=_signed(body))
    assert r.status_code == 503
    assert "TUTOR_WEBHOOK_SECRET" in r.json()["detail"]


async def test_replicas_share_the_replay_guard_through_redis(
    make_api: Any, redis_server: Any
) -> None:
    first = await make_api(redis_url=redis_server.url)
    second = await make_api(redis_url=redis_server.url)
    body = json.dumps(
        {"projectId": "prj_gone", "sessionId": "ses_y", "sceneCount": 1, "prompt": "explain pi"}
    ).encode()
    headers = _signed(body)
    r = await first.client.post("/jobs/generate", content=body, headers=headers)
    assert r.status_code == 404  # accepted as genuine, then no such project
    r = await second.client.post("/jobs/generate", content=body, headers=headers)
    assert r.status_code == 401 and "replay" in r.json()["detail"]


async def test_replicas_share_idempotency_keys_through_redis(
    make_api: Any, redis_server: Any
) -> None:
    first = await make_api(redis_url=redis_server.url)
    second = await make_api(redis_url=redis_server.url)
    project_id = await _project(first)
    scene = await _failed_scene(first, project_id)
    body = json.dumps({"sceneId": scene.id, "projectId": project_id}).encode()
    now = int(time.time())
    before = _jobs_submitted()
    r = await first.client.post(
        "/jobs/retry", content=body, headers={**_signed(body, at=now), "Idempotency-Key": "k1"}
    )
    assert r.status_code == 202, r.text
    again = await second.client.post(
        "/jobs/retry", content=body, headers={**_signed(body, at=now + 1), "Idempotency-Key": "k1"}
    )
    assert again.status_code == 202 and again.json() == r.json()
    assert _jobs_submitted() == before + 1
