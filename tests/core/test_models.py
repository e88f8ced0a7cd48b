"""Models: camelCase on the wire, snake_case in Python, the seed's defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from tutor_core.models import (
    CodeSource,
    Job,
    JobKind,
    Problem,
    RenderError,
    RenderRequest,
    Scene,
    SceneSource,
    SceneStatus,
    SessionStatus,
    SpecSource,
    VideoSession,
)
from tutor_core.spec import SceneSpec


def test_session_defaults_follow_the_seed() -> None:
    session = VideoSession(id="ses_1", project_id="prj_1")
    assert (session.target_fps, session.width, session.height, session.codec) == (
        30,
        1920,
        1080,
        "h264",
    )
    assert session.status is SessionStatus.IDLE and session.revision == 1
    wire = session.to_wire()
    assert wire["targetFps"] == 30 and wire["projectId"] == "prj_1"
    assert "durationInFrames" not in wire  # None values are dropped


def test_scene_wire_round_trip_is_camel_case() -> None:
    scene = Scene(
        id="scn_1",
        project_id="prj_1",
        session_id="ses_1",
        index=2,
        start_frame=60,
        end_frame=119,
        duration_in_frames=60,
        status=SceneStatus.READY,
        s3_chunk_key="projects/prj_1/sessions/ses_1/scenes/2/v1.mp4",
        version=1,
    )
    wire = scene.to_wire()
    assert {"sessionId", "startFrame", "endFrame", "durationInFrames", "s3ChunkKey"} <= set(wire)
    assert not any("_" in key for key in wire)
    assert Scene.model_validate(wire) == scene
    assert Scene.model_validate_json(scene.model_dump_json(by_alias=True)) == scene
    assert scene.playable
    assert not scene.model_copy(update={"s3_chunk_key": None}).playable


def test_unknown_fields_and_bad_values_are_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        VideoSession.model_validate({"id": "s", "projectId": "p", "fps": 60})
    with pytest.raises(ValidationError):
        Scene(id="s", project_id="p", session_id="s", index=-1)
    scene = Scene(id="s", project_id="p", session_id="s", index=0)
    with pytest.raises(ValidationError):
        scene.status = "dancing"  # type: ignore[assignment]
    with pytest.raises(ValidationError):
        RenderRequest(out_dir=Path("."), timeout=0)


def test_scene_source_is_discriminated_by_kind() -> None:
    adapter: TypeAdapter[SceneSource] = TypeAdapter(SceneSource)
    spec = adapter.validate_python({"kind": "spec", "spec": {"title": "Hi"}})
    assert isinstance(spec, SpecSource) and isinstance(spec.spec, SceneSpec)
    code = adapter.validate_json('{"kind": "code", "code": "x = 1", "sceneClass": "Intro"}')
    assert isinstance(code, CodeSource) and code.scene_class == "Intro"
    assert code.renderer == "manim"
    with pytest.raises(ValidationError):
        adapter.validate_python({"kind": "code", "code": ""})


def test_job_and_errors_describe_themselves() -> None:
    job = Job(id="j1", kind=JobKind.EDIT, session_id="s", scene_id="c", correlation_id="x")
    assert Job.model_validate(job.to_wire()) == job
    assert job.to_wire()["correlationId"] == "x"
    problem = Problem(code="forbidden-import", message="import os", line=3)
    assert problem.describe() == "line 3: import os [forbidden-import]"
    err = RenderError(kind="exception", message="boom", exception_type="ValueError", line=7)
    assert err.describe() == "render failed (ValueError at line 7): boom"
