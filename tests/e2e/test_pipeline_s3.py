"""The whole pipeline (generate + edit + export) with TUTOR_STORAGE=s3 on a real S3 server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from tutor_core import SceneStatus, SessionStatus, Settings, Tutor
from tutor_core.media import probe

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

CDN = "https://cdn.tutor.test/lessons"


async def test_generate_edit_export_on_s3(
    s3_env: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TUTOR_S3_PUBLIC_BASE_URL", CDN)
    settings = Settings(quality="draft")
    assert settings.storage == "s3"
    async with Tutor(settings) as tutor:
        assert tutor.storage.name == "s3"
        view = await tutor.generate("explain circle area", scenes=2)
        assert view.session.status == SessionStatus.READY
        for scene in view.scenes:
            assert scene.status == SceneStatus.READY
            assert scene.s3_chunk_key is not None
            assert scene.s3_chunk_url == f"{CDN}/{scene.s3_chunk_key}"

        edited = await tutor.edit(view.scenes[0].id, "change the title to Area of a disc")
        first = edited.scenes[0]
        assert first.version == 2 and first.s3_chunk_key is not None
        assert first.s3_chunk_url == f"{CDN}/{first.s3_chunk_key}"
        assert edited.scenes[1].checksum == view.scenes[1].checksum

        out = await tutor.export(edited.session.id, tmp_path / "s3.mp4")
        assert probe(out.path).frames == edited.session.duration_in_frames

    # The objects really are in the two buckets: chunks (v1 and v2) and private sources.
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_env.endpoint_url,
        region_name=s3_env.region,
    )
    chunk_keys = {
        o["Key"] for o in s3.list_objects_v2(Bucket=s3_env.chunk_bucket).get("Contents", [])
    }
    assert view.scenes[0].s3_chunk_key in chunk_keys  # v1 kept
    assert first.s3_chunk_key in chunk_keys  # v2 added
    source_keys = {
        o["Key"] for o in s3.list_objects_v2(Bucket=s3_env.source_bucket).get("Contents", [])
    }
    assert first.s3_source_key in source_keys and first.s3_spec_key in source_keys


async def test_presigned_chunk_urls_are_made_when_read(s3_env: Any) -> None:
    """Without a CDN chunks are private: each read presigns a fresh URL; none is stored."""
    import httpx

    from tutor_core.hashing import sha256_hex
    from tutor_core.narration.silent import SilentNarrator
    from tutor_core.testing import FakeRenderer, ScriptedAgent

    settings = Settings(quality="draft")
    async with Tutor(
        settings, renderer=FakeRenderer(), agent=ScriptedAgent(), narrator=SilentNarrator()
    ) as tutor:
        view = await tutor.generate("explain tides", scenes=1)
        scene = view.scenes[0]
        assert scene.s3_chunk_url and "X-Amz-Signature=" in scene.s3_chunk_url
        async with httpx.AsyncClient() as client:
            got = await client.get(scene.s3_chunk_url)
            subtitles = await client.get(str(scene.s3_subtitles_url))
        assert got.status_code == 200 and sha256_hex(got.content) == scene.checksum
        assert subtitles.status_code == 200 and subtitles.text.startswith("WEBVTT")
        stored = await tutor.store.get_scene(scene.id)
        assert not {k for k in stored.model_dump() if k.endswith("_url")}
