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
from tutor_core import signing
from tutor_core.errors import NotFound

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


async def test_bad_signatures_are_401_and_queue_nothing(api: Api) -> None:
    project_id = await _project(api)
    body = json.dumps(
        {
            "projectId": project_id,
            "sessionId": "ses_hookA",
            "sceneCount": 1,
            "prompt": "explain sine",
        }
    ).encode()
    now = int(time.time())
    tampered = body.replace(b"sine", b"cosine")
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
        r = await api.client.post("/jobs/generate", content=content, headers=headers)
        assert r.status_code == 401, f"{name}: {r.status_code} {r.text}"
        assert r.json()["error"] == "InvalidSignature", name
        assert r.json()["hint"], name
    assert _jobs_submitted() == before
    with pytest.raises(NotFound):
        await api.service.store.get_session("ses_hookA")


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
