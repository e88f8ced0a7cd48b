"""Authorization: every route x (no token, forged, expired, malformed, another user's).

The routes come from the app itself, so a route added without an auth dependency fails
here unless it is added to PUBLIC on purpose.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.server import helpers
from tests.server.conftest import Api
from tutor_core.interfaces import Bucket
from tutor_core.models import Scene, SceneStatus, SessionStatus, VideoSession
from tutor_server.app import route_table
from tutor_server.tokens import Unauthorized, create_token, verify_token

pytestmark = pytest.mark.anyio

PUBLIC = {
    ("GET", "/"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
}
"""Routes anyone may call. Adding one here is a decision; say why in the route."""

SIGNED = {("POST", "/jobs/generate"), ("POST", "/jobs/edit"), ("POST", "/jobs/retry")}
"""Routes authenticated by an HMAC signature instead of a token (tested in test_webhooks)."""

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/projects"): {"title": "Mine"},
    ("PATCH", "/api/projects/{project_id}"): {"title": "Renamed"},
    ("POST", "/api/projects/{project_id}/sessions"): {"prompt": "explain sine", "sceneCount": 1},
    ("POST", "/api/scenes/{scene_id}/edit"): {"prompt": "make it blue"},
    ("POST", "/api/scenes/{scene_id}/rollback"): {"version": 1},
}


async def _alice_world(api: Api) -> dict[str, str]:
    """Alice's project, a busy session and a scene with a stored chunk (no render)."""
    r = await api.client.post(
        "/api/projects", json={"title": "Alice's"}, headers=helpers.auth("alice")
    )
    assert r.status_code == 201, r.text
    project_id = r.json()["id"]
    store, storage = api.service.store, api.service.storage
    session = await store.create_session(
        VideoSession(id="", project_id=project_id, status=SessionStatus.QUEUED, quality="draft")
    )
    key = f"projects/{project_id}/sessions/{session.id}/scenes/0/v1.mp4"
    await storage.put(Bucket.CHUNKS, key, b"\x00" * 2048, content_type="video/mp4")
    scene = await store.create_scene(
        Scene(
            id="",
            project_id=project_id,
            session_id=session.id,
            index=0,
            status=SceneStatus.RENDERING,
            version=1,
            s3_chunk_key=key,
        )
    )
    return {"project_id": project_id, "session_id": session.id, "scene_id": scene.id, "key": key}


def _routes(api: Api) -> list[tuple[str, str]]:
    # HEAD mirrors GET (Starlette adds it to GET routes): checked through GET.
    return [(m, p) for m, p in route_table(api.app) if m != "HEAD"]


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::path)?\}", lambda m: ids[m.group(1)], path)


def _credentials() -> dict[str, dict[str, str]]:
    long_ago = time.time() - 7200
    return {
        "none": {},
        "forged": {"Authorization": "Bearer " + create_token("x" * 40, "alice", ttl=3600)},
        "expired": {"Authorization": "Bearer " + helpers.token("alice", ttl=60, now=long_ago)},
        "malformed": {"Authorization": "Bearer not-a-jwt"},
        "basic": {"Authorization": "Basic YWxpY2U6cGFzcw=="},
    }


async def test_every_route_is_public_signed_or_needs_a_token(api: Api) -> None:
    routes = _routes(api)
    assert ("GET", "/api/projects") in routes  # the enumeration sees the API
    ids = await _alice_world(api)
    checked = 0
    for method, path in routes:
        if (method, path) in PUBLIC or (method, path) in SIGNED:
            continue
        assert path.startswith("/api/"), f"{method} {path} is neither public nor under /api"
        url = _fill(path, ids)
        body = BODIES.get((method, path))
        for name, headers in _credentials().items():
            r = await api.client.request(method, url, json=body, headers=headers)
            assert r.status_code == 401, f"{method} {path} with {name} credentials: {r.status_code}"
            assert r.headers.get("www-authenticate") == "Bearer"
            assert r.json()["error"] == "Unauthorized"
            checked += 1
    assert checked >= 5 * 15


async def test_another_users_resources_answer_404_never_403(make_api: Any) -> None:
    # One active job at most: alice's busy session makes her new-session request a 429,
    # so the owner's side of the check starts no render.
    api = await make_api(max_active_jobs=1)
    ids = await _alice_world(api)
    bob = helpers.auth("bob")
    alice = helpers.auth("alice")
    with_ids = [(m, p) for m, p in _routes(api) if "{" in p and p.startswith("/api/")]
    assert len(with_ids) >= 12
    for method, path in with_ids:
        url = _fill(path, ids)
        body = BODIES.get((method, path))
        r = await api.client.request(method, url, json=body, headers=bob)
        assert r.status_code == 404, f"{method} {path} as bob: {r.status_code} {r.text}"
        assert r.json()["error"] == "NotFound"
        if path.endswith("/events"):
            continue  # an endless stream for its owner; covered against the live server
        # The same request as the owner is not a 404: the 404 above is ownership.
        r = await api.client.request(method, url, json=body, headers=alice)
        assert r.status_code not in (401, 403, 404), f"{method} {path} as alice: {r.text}"


async def test_collections_show_only_your_own(api: Api) -> None:
    await _alice_world(api)
    r = await api.client.get("/api/projects", headers=helpers.auth("bob"))
    assert r.status_code == 200 and r.json() == []
    r = await api.client.get("/api/projects", headers=helpers.auth("alice"))
    assert [p["title"] for p in r.json()] == ["Alice's"]
    me = await api.client.get("/api/me", headers=helpers.auth("bob"))
    assert me.json()["externalId"] == "bob"


async def test_public_routes_are_listed_in_the_app() -> None:
    # PUBLIC must not name routes that no longer exist (a stale allow-list hides nothing).
    from tests.server.conftest import server_settings
    from tutor_server import create_app

    app = create_app(server_settings())
    assert set(route_table(app)) >= PUBLIC | SIGNED


def test_tokens_round_trip_and_refuse_tampering() -> None:
    tok = helpers.token("carol")
    assert verify_token(helpers.SECRET, tok) == "carol"
    head, payload, sig = tok.split(".")
    with pytest.raises(Unauthorized, match="invalid token"):
        verify_token(helpers.SECRET, f"{head}.{payload}.{sig[:-2]}AA")
    with pytest.raises(Unauthorized, match="expired"):
        verify_token(helpers.SECRET, helpers.token("carol", ttl=10, now=time.time() - 100))
    import jwt

    unsigned = jwt.encode({"sub": "carol", "exp": time.time() + 60}, key="", algorithm="none")
    with pytest.raises(Unauthorized):
        verify_token(helpers.SECRET, unsigned)
    no_exp = jwt.encode({"sub": "carol"}, helpers.SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized, match="exp"):
        verify_token(helpers.SECRET, no_exp)


async def test_the_cookie_signs_in_only_in_local_mode(make_api: Any) -> None:
    shared = await make_api()
    cookie = {"Cookie": f"tutor_token={helpers.token('alice')}"}
    r = await shared.client.get("/api/me", headers=cookie)
    assert r.status_code == 401  # a shared server takes bearer tokens only (no CSRF surface)
    r = await shared.client.get(f"/?token={helpers.token('alice')}", follow_redirects=False)
    assert r.status_code == 200 and "set-cookie" not in r.headers
    local = await make_api(local_mode=True)
    r = await local.client.get(f"/?token={helpers.token('alice')}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/docs"
    assert "samesite=strict" in r.headers["set-cookie"].lower()
    assert "httponly" in r.headers["set-cookie"].lower()
    r = await local.client.get("/api/me", headers=cookie)
    assert r.status_code == 200 and r.json()["externalId"] == "alice"
    r = await local.client.get("/?token=forged.token.value", follow_redirects=False)
    assert r.status_code == 401
