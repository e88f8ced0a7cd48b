"""Against a real `tutor serve` (uvicorn on loopback): a lesson, its events, its media.

The tests share one generated lesson and run in file order: read, edit, roll back,
export, then delete.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import av
import httpx
import pytest

from tests.server import helpers
from tests.server.conftest import Lesson

pytestmark = pytest.mark.slow


def test_sse_shows_every_scene_reach_ready(lesson: Lesson) -> None:
    ids = [int(e.id or 0) for e in lesson.events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), "event ids increase"
    assert lesson.events[0].event == "session" and lesson.events[0].data["status"] == "queued"
    for scene_id in lesson.scene_ids:
        statuses = [e.data["status"] for e in lesson.events if e.data["id"] == scene_id]
        assert statuses[-1] == "ready", (scene_id, statuses)
        assert statuses.index("rendering") < statuses.index("uploading") < statuses.index("ready")
    last = lesson.events[-1]
    assert last.event == "session" and last.data["status"] == "ready"


def test_session_detail_frames_and_urls(live_server: helpers.Live, lesson: Lesson) -> None:
    with live_server.client("alice") as client:
        detail = client.get(f"/api/sessions/{lesson.session_id}").json()
    scenes = detail["scenes"]
    assert [s["index"] for s in scenes] == [0, 1]
    assert detail["sceneCount"] == 2 and detail["outline"] is False and detail["notice"] is None
    assert scenes[0]["startFrame"] == 0
    assert scenes[1]["startFrame"] == scenes[0]["endFrame"] + 1
    assert detail["durationInFrames"] == sum(s["durationInFrames"] for s in scenes)
    for scene in scenes:
        assert scene["chunkUrl"].startswith("/api/files/chunks/projects/")
        assert scene["chunkUrl"].endswith(f"/v{scene['version']}.mp4")
        assert scene["subtitlesUrl"].endswith(".vtt")


def test_media_is_served_with_range_to_its_owner_only(
    live_server: helpers.Live, lesson: Lesson, tmp_path: Path
) -> None:
    with live_server.client("alice") as client:
        scene = client.get(f"/api/sessions/{lesson.session_id}").json()["scenes"][0]
        full = client.get(scene["chunkUrl"])
        assert full.status_code == 200 and full.headers["content-type"] == "video/mp4"
        assert full.headers["accept-ranges"] == "bytes"
        part = client.get(scene["chunkUrl"], headers={"Range": "bytes=100-1123"})
        assert part.status_code == 206
        assert part.content == full.content[100:1124]
        assert part.headers["content-range"] == f"bytes 100-1123/{len(full.content)}"
        tail = client.get(scene["chunkUrl"], headers={"Range": "bytes=-500"})
        assert tail.status_code == 206 and tail.content == full.content[-500:]
        beyond = client.get(
            scene["chunkUrl"], headers={"Range": f"bytes={len(full.content) + 10}-"}
        )
        assert beyond.status_code == 416
        vtt = client.get(scene["subtitlesUrl"])
        assert vtt.headers["content-type"].startswith("text/vtt")
        assert vtt.text.startswith("WEBVTT")
        # The chunk is a real video.
        path = tmp_path / "chunk.mp4"
        path.write_bytes(full.content)
        with av.open(str(path)) as container:
            assert container.streams.video[0].frames == scene["durationInFrames"]
    with live_server.client("bob") as bob:
        assert bob.get(scene["chunkUrl"]).status_code == 404
        assert bob.get(scene["chunkUrl"], headers={"Range": "bytes=0-10"}).status_code == 404
    with live_server.client() as nobody:
        assert nobody.get(scene["chunkUrl"]).status_code == 401
    with live_server.client("alice") as client:
        # Sources are private, and keys cannot climb out of the storage root.
        source = scene["chunkUrl"].replace("/chunks/", "/sources/").replace(".mp4", ".py")
        assert client.get(source).status_code == 404
        sneaky = scene["chunkUrl"].rsplit("/", 1)[0] + "/..%2F..%2F..%2Fplan.json"
        assert client.get(sneaky).status_code == 404


def test_request_id_is_the_jobs_correlation_id(live_server: helpers.Live, lesson: Lesson) -> None:
    # The job id is the request id plus a suffix that keeps job ids unique.
    lines = [
        line
        for line in live_server.proc.json_lines()
        if str(line.get("correlationId", "")).startswith(lesson.request_id + ".")
    ]
    loggers = {line["logger"] for line in lines}
    assert "tutor.pipeline" in loggers, loggers  # the job's own log lines carry it
    assert any("ready" in line["message"] for line in lines)
    with live_server.client("alice") as client:
        r = client.get("/api/me", headers={"X-Request-ID": "trace-me-42"})
        assert r.headers["x-request-id"] == "trace-me-42"
        generated = client.get("/api/me").headers["x-request-id"]
        assert generated and generated != "trace-me-42"
        hostile = client.get("/api/me", headers={"X-Request-ID": "x" * 500})
        assert len(hostile.headers["x-request-id"]) <= 64


def test_an_event_stream_with_nothing_new_is_open_at_once(
    live_server: helpers.Live, lesson: Lesson
) -> None:
    """The first bytes come at once (a comment), not with the first ping (15 s)."""
    with live_server.client("alice") as client:
        last = helpers.follow_until(
            client, lesson.session_id, lambda ev: len(ev) >= len(lesson.events)
        )[-1].id
        with client.stream(
            "GET",
            f"/api/sessions/{lesson.session_id}/events",
            headers={"Last-Event-ID": last or ""},
            timeout=httpx.Timeout(30.0, read=12.0),  # the first ping comes after 15 s
        ) as response:
            assert response.status_code == 200
            first = next(response.iter_lines())
    assert first.startswith(":"), first


def test_an_edit_streams_the_same_events_to_a_client_that_reconnects(
    live_server: helpers.Live, lesson: Lesson
) -> None:
    start_after = lesson.events[-1].id
    scene_id = lesson.scene_ids[1]
    full: list[helpers.SseEvent] = []

    def follow_all() -> None:
        with live_server.client("alice") as client:
            full.extend(
                helpers.follow_until(
                    client, lesson.session_id, helpers.session_settled, last_event_id=start_after
                )
            )

    watcher = threading.Thread(target=follow_all)
    watcher.start()
    with live_server.client("alice") as client:
        r = client.post(f"/api/scenes/{scene_id}/edit", json={"prompt": "make the title yellow"})
        assert r.status_code == 202, r.text
        assert r.json()["sceneId"] == scene_id
        # A second edit while the first runs is refused, not queued behind it.
        busy = client.post(f"/api/scenes/{scene_id}/edit", json={"prompt": "make the title red"})
        assert busy.status_code in (202, 409)
        first = helpers.follow_until(
            client, lesson.session_id, lambda ev: len(ev) >= 2, last_event_id=start_after
        )
        rest = helpers.follow_until(
            client, lesson.session_id, helpers.session_settled, last_event_id=first[-1].id
        )
    watcher.join(timeout=300)
    assert not watcher.is_alive()

    def summary(events: list[helpers.SseEvent]) -> list[tuple[str | None, str | None, str]]:
        return [(e.id, e.event, e.data["status"]) for e in events]

    assert summary(first + rest) == summary(full)
    statuses = [e.data["status"] for e in full if e.data["id"] == scene_id]
    assert statuses[-1] == "ready" and "rendering" in statuses
    with live_server.client("alice") as client:
        scene = client.get(f"/api/scenes/{scene_id}").json()
    assert scene["version"] >= 2


def test_an_edit_the_agent_does_not_understand_is_refused_in_the_response(
    live_server: helpers.Live, lesson: Lesson
) -> None:
    scene_id = lesson.scene_ids[0]
    with live_server.client("alice") as client:
        before = client.get(f"/api/scenes/{scene_id}").json()
        r = client.post(f"/api/scenes/{scene_id}/edit", json={"prompt": "make it sparkle"})
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["error"] == "EditNotUnderstood"
        assert "sparkle" in body["detail"]
        # Instructions that do work on this scene, each tried on a copy of it.
        assert body["suggestions"] and all(isinstance(x, str) and x for x in body["suggestions"])
        after = client.get(f"/api/scenes/{scene_id}").json()
        assert after == before, "nothing was queued, stored or rendered"
        # The first suggestion is understood: it is accepted as a job.
        r = client.post(f"/api/scenes/{scene_id}/edit", json={"prompt": body["suggestions"][0]})
        assert r.status_code == 202, r.text
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            now = client.get(f"/api/scenes/{scene_id}").json()
            if now["status"] in ("ready", "error") and now["version"] > before["version"]:
                break
            time.sleep(0.5)
    assert now["status"] == "ready" and now["version"] == before["version"] + 1, now


def test_versions_and_rollback_make_a_new_version_without_rendering(
    live_server: helpers.Live, lesson: Lesson
) -> None:
    scene_id = lesson.scene_ids[1]
    with live_server.client("alice") as client:
        before = client.get(f"/api/scenes/{scene_id}").json()
        versions = client.get(f"/api/scenes/{scene_id}/versions").json()
        assert [v["version"] for v in versions] == list(range(1, before["version"] + 1))
        assert [v["current"] for v in versions][-1] is True
        assert versions[0]["change"] == "first version"
        assert all(v["change"].startswith("edit: ") for v in versions[1:]), versions
        v1 = client.get(versions[0]["chunkUrl"]).content
        r = client.post(f"/api/scenes/{scene_id}/rollback", json={"version": 1})
        assert r.status_code == 200, r.text
        after = next(s for s in r.json()["scenes"] if s["id"] == scene_id)
        assert after["version"] == before["version"] + 1
        assert after["status"] == "ready"
        assert after["chunkUrl"] != before["chunkUrl"]  # players' caches bust
        assert client.get(after["chunkUrl"]).content == v1
        import hashlib

        assert after["checksum"] == hashlib.sha256(v1).hexdigest()
        detail = r.json()
        assert detail["durationInFrames"] == sum(s["durationInFrames"] for s in detail["scenes"])
        same = client.post(f"/api/scenes/{scene_id}/rollback", json={"version": after["version"]})
        assert same.status_code == 400 and "older version" in same.json()["detail"]
        bad = client.post(f"/api/scenes/{scene_id}/rollback", json={"version": 0})
        assert bad.status_code == 422 and "version" in bad.json()["fields"]
        retry = client.post(f"/api/scenes/{scene_id}/retry")
        assert retry.status_code == 409 and "only failed scenes" in retry.json()["detail"]


def test_export_joins_the_scenes(live_server: helpers.Live, lesson: Lesson, tmp_path: Path) -> None:
    with live_server.client("alice") as client:
        detail = client.get(f"/api/sessions/{lesson.session_id}").json()
        r = client.post(f"/api/sessions/{lesson.session_id}/export")
        assert r.status_code == 201, r.text
        export = r.json()
        assert export["missingScenes"] == [] and export["scenes"] == 2
        video = client.get(export["videoUrl"])
        assert video.status_code == 200
        (tmp_path / "lesson.mp4").write_bytes(video.content)
        with av.open(str(tmp_path / "lesson.mp4")) as container:
            assert container.streams.video[0].frames == detail["durationInFrames"]
        vtt = client.get(export["subtitlesUrl"])
        assert vtt.text.startswith("WEBVTT")
        again = client.post(f"/api/sessions/{lesson.session_id}/export").json()
        assert again["videoUrl"] == export["videoUrl"]  # same session version, same file


def test_delete_project_removes_sessions_and_files(
    live_server: helpers.Live, lesson: Lesson
) -> None:
    with live_server.client("alice") as client:
        detail = client.get(f"/api/sessions/{lesson.session_id}").json()
        chunk = detail["scenes"][0]["chunkUrl"]
        assert client.get(chunk).status_code == 200
        assert client.delete(f"/api/projects/{lesson.project_id}").status_code == 204
        assert client.get(f"/api/projects/{lesson.project_id}").status_code == 404
        assert client.get(f"/api/sessions/{lesson.session_id}").status_code == 404
        assert client.get(chunk).status_code == 404
    home = Path(live_server.env["TUTOR_HOME"])
    leftovers = list((home / "storage").rglob(f"*{lesson.session_id}*"))
    assert leftovers == [] or all(p.is_dir() for p in leftovers), leftovers


def test_health_readiness_and_metrics(live_server: helpers.Live) -> None:
    with httpx.Client(base_url=live_server.base) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz").json()
        assert ready["status"] == "ok" and set(ready["checks"]) == {
            "store",
            "storage",
            "queue",
            "events",
        }
        metrics = client.get("/metrics").text
    assert (
        'tutor_http_request_seconds_count{method="GET",route="/api/sessions/{session_id}"'
        in metrics
    )
    assert 'tutor_sessions{status="ready"}' in metrics
    assert "tutor_queue_depth" in metrics
    assert 'tutor_errors_total{kind="NotFound"}' in metrics
    assert "tutor_scene_render_seconds_count" in metrics
