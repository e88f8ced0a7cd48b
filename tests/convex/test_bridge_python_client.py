"""The official Python client (`convex.http_client.ConvexHttpClient`) against the bridge.

These are the calls the Python store makes: the admin key for internal functions, whole
numbers sent as floats, and Convex errors whose data says `conflict` or
`invalid_transition`.
"""

from __future__ import annotations

from typing import Any

import pytest
from convex import ConvexError, ConvexInt64
from convex.http_client import ConvexExecutionError, ConvexHttpClient
from convex.values import json_to_convex

from tests.fixtures.convex_bridge import ConvexBridge

pytestmark = pytest.mark.slow


def admin(bridge: ConvexBridge) -> ConvexHttpClient:
    client = ConvexHttpClient(bridge.url)
    client.set_admin_auth(bridge.admin_key)
    return client


def error_data(excinfo: pytest.ExceptionInfo[ConvexError]) -> dict[str, Any]:
    data = excinfo.value.data
    assert isinstance(data, dict), data
    return data


def make_scene(client: ConvexHttpClient, subject: str) -> dict[str, Any]:
    user = client.mutation("worker:ensureUser", {"externalId": subject})
    project = client.mutation("worker:createProject", {"ownerId": user["_id"], "title": "P"})
    session = client.mutation(
        "worker:createSession", {"projectId": project["_id"], "quality": "draft"}
    )
    scene: dict[str, Any] = client.mutation(
        "worker:createScene", {"sessionId": session["_id"], "index": 0.0, "title": "One"}
    )
    return scene


def test_values_decode_with_whole_numbers_as_floats(convex_bridge: ConvexBridge) -> None:
    scene = make_scene(admin(convex_bridge), "py|values")
    assert scene["revision"] == 1.0 and isinstance(scene["revision"], float)
    assert scene["endFrame"] == -1.0
    assert scene["status"] == "queued"


def test_compare_and_set_and_the_state_machine(convex_bridge: ConvexBridge) -> None:
    client = admin(convex_bridge)
    scene = make_scene(client, "py|cas")
    moved = client.mutation(
        "worker:updateScene",
        {"id": scene["_id"], "revision": 1.0, "changes": {"status": "generating_code"}},
    )
    assert moved["revision"] == 2.0
    with pytest.raises(ConvexError) as stale:
        client.mutation(
            "worker:updateScene",
            {"id": scene["_id"], "revision": 1.0, "changes": {"status": "error"}},
        )
    assert error_data(stale) == {
        "kind": "conflict",
        "message": f"scene '{scene['_id']}' is at revision 2, not 1: someone else changed it",
        "hint": "re-read the record and decide again",
        "revision": 2.0,
        "status": "generating_code",
    }
    with pytest.raises(ConvexError) as illegal:
        client.mutation(
            "worker:updateScene",
            {"id": scene["_id"], "revision": 2.0, "changes": {"status": "uploading"}},
        )
    assert error_data(illegal)["kind"] == "invalid_transition"
    assert error_data(illegal)["source"] == "generating_code"
    assert error_data(illegal)["target"] == "uploading"
    unchanged = client.query("worker:getScene", {"id": scene["_id"]})
    assert (unchanged["revision"], unchanged["status"]) == (2.0, "generating_code")


def test_internal_functions_need_the_admin_key(convex_bridge: ConvexBridge) -> None:
    anonymous = ConvexHttpClient(convex_bridge.url)
    with pytest.raises(ConvexExecutionError, match="Could not find public function"):
        anonymous.mutation("worker:ensureUser", {"externalId": "x"})
    wrong = ConvexHttpClient(convex_bridge.url)
    wrong.set_admin_auth("not-the-key")
    with pytest.raises(Exception, match="401 BadAdminKey"):
        wrong.mutation("worker:ensureUser", {"externalId": "x"})


def test_a_signed_in_user_sees_only_their_projects(convex_bridge: ConvexBridge) -> None:
    ann = ConvexHttpClient(convex_bridge.url)
    ann.set_auth(convex_bridge.token("ann"))
    project_id = ann.mutation("projects:create", {"title": "Ann's"})
    assert [p["_id"] for p in ann.query("projects:list")] == [project_id]
    ben = ConvexHttpClient(convex_bridge.url)
    ben.set_auth(convex_bridge.token("ben"))
    assert ben.query("projects:list") == []
    with pytest.raises(ConvexError) as hidden:
        ben.query("projects:get", {"projectId": project_id})
    assert error_data(hidden)["kind"] == "not_found"


def test_python_ints_are_sent_as_floats_and_int64_is_refused(convex_bridge: ConvexBridge) -> None:
    """The client turns Python ints into floats; an explicit ConvexInt64 is not a number."""
    client = admin(convex_bridge)
    scene = make_scene(client, "py|ints")
    updated = client.mutation(
        "worker:updateScene", {"id": scene["_id"], "revision": 1, "changes": {"title": "x"}}
    )
    assert updated["revision"] == 2.0
    with pytest.raises(ConvexExecutionError, match="Validator"):
        client.mutation(
            "worker:updateScene",
            {"id": scene["_id"], "revision": ConvexInt64(2), "changes": {"title": "y"}},
        )


def test_the_client_rejects_json_integers_so_the_bridge_never_sends_them() -> None:
    with pytest.raises(ValueError, match="Bad JSON value"):
        json_to_convex({"revision": 1})
    assert json_to_convex({"revision": 1.0}) == {"revision": 1.0}
