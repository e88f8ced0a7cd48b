"""End to end with TUTOR_STORE=convex: the real pipeline keeps its state in the Convex
functions (through the local bridge), and a Convex frontend reads the result."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from convex.http_client import ConvexHttpClient

from tests.fixtures.convex_bridge import MEDIA_BASE_URL, ConvexBridge
from tutor_core import SceneStatus, SessionStatus, Settings, Tutor
from tutor_core.media import probe
from tutor_sync_convex import ConvexStore

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


async def test_generate_edit_export_with_the_convex_store(
    convex_bridge: ConvexBridge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{convex_bridge.url}/d/{uuid.uuid4().hex[:16]}"
    monkeypatch.setenv("TUTOR_CONVEX_URL", url)
    monkeypatch.setenv("TUTOR_CONVEX_ADMIN_KEY", convex_bridge.admin_key)
    settings = Settings(quality="draft", store="convex")
    # The tutor user is the Convex identity "tutor-dev|alice" (issuer|subject).
    async with Tutor(settings, user="tutor-dev|alice") as tutor:
        assert isinstance(tutor.store, ConvexStore)
        view = await tutor.generate("explain the Pythagorean theorem", scenes=2)
        assert view.session.status == SessionStatus.READY
        assert [s.status for s in view.scenes] == [SceneStatus.READY] * 2
        first, second = view.scenes
        edited = await tutor.edit(second.id, "make the title yellow")
        assert [s.version for s in edited.scenes] == [1, 2]
        assert edited.scenes[0].checksum == first.checksum, "the other scene was not touched"
        result = await tutor.export(view.session.id, tmp_path / "lesson.mp4")
        assert probe(result.path).frames == edited.session.duration_in_frames

    # What a Convex frontend subscribed to sessions.get sees, as the signed-in user.
    frontend = ConvexHttpClient(url)
    frontend.set_auth(convex_bridge.token("alice", issuer="tutor-dev"))
    got = frontend.query("sessions:get", {"sessionId": view.session.id})
    session, scenes = got["session"], got["scenes"]
    assert session["status"] == "ready"
    assert [s["status"] for s in scenes] == ["ready", "ready"]
    assert [s["version"] for s in scenes] == [1.0, 2.0]
    assert scenes[0]["startFrame"] == 0.0
    assert scenes[1]["startFrame"] == scenes[0]["endFrame"] + 1
    assert session["durationInFrames"] == scenes[1]["endFrame"] + 1
    for scene in scenes:
        assert scene["playable"] is True
        assert scene["s3ChunkUrl"] == f"{MEDIA_BASE_URL}/{scene['s3ChunkKey']}"
        assert scene["s3ChunkKey"].endswith(f"/v{int(scene['version'])}.mp4")
        assert scene["s3SubtitlesUrl"].endswith(f"/v{int(scene['version'])}.vtt")
    versions = frontend.query("scenes:versions", {"sceneId": second.id})
    assert [(v["version"], v["current"]) for v in versions] == [(2.0, True), (1.0, False)]
    assert versions[1]["checksum"] == second.checksum
    # Another user sees none of it.
    stranger = ConvexHttpClient(url)
    stranger.set_auth(convex_bridge.token("mallory", issuer="tutor-dev"))
    assert stranger.query("projects:list") == []
