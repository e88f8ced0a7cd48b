"""Scene versions: listing stored versions and rolling back as a new version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor_core import keys, media, versions
from tutor_core.errors import ConflictError, InvalidInput, NotFound
from tutor_core.interfaces import Bucket
from tutor_core.models import Scene, SceneStatus, VideoSession
from tutor_core.storages.local import LocalStorage
from tutor_core.stores.sqlite import SQLiteStore

pytestmark = pytest.mark.anyio

LENGTHS = {1: 1.0, 2: 1.5, 3: 2.0}


async def _scene_with_versions(
    tmp: Path, videos: dict[int, bytes]
) -> tuple[SQLiteStore, LocalStorage, Scene]:
    store = SQLiteStore(str(tmp / "tutor.db"))
    storage = LocalStorage(tmp / "storage")
    user = await store.ensure_user("alice")
    project = await store.create_project(user.id, "P")
    session = await store.create_session(VideoSession(id="", project_id=project.id))
    pid, sid = project.id, session.id
    for version, data in videos.items():
        await storage.put(Bucket.CHUNKS, keys.chunk_key(pid, sid, 0, version), data)
        await storage.put(
            Bucket.CHUNKS, keys.subtitles_key(pid, sid, 0, version), f"WEBVTT v{version}".encode()
        )
        doc = {"title": f"title v{version}", "narration": f"said v{version}", "source": {}}
        await storage.put(
            Bucket.SOURCES, keys.spec_key(pid, sid, 0, version), json.dumps(doc).encode()
        )
    n = max(videos)
    scene = await store.create_scene(
        Scene(
            id="",
            project_id=pid,
            session_id=sid,
            index=0,
            status=SceneStatus.READY,
            version=n,
            s3_chunk_key=keys.chunk_key(pid, sid, 0, n),
            s3_subtitles_key=keys.subtitles_key(pid, sid, 0, n),
            s3_spec_key=keys.spec_key(pid, sid, 0, n),
        )
    )
    return store, storage, scene


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[int, bytes]:
    out = {}
    base = tmp_path_factory.mktemp("videos")
    for version, seconds in LENGTHS.items():
        path = media.make_test_video(base / f"v{version}.mp4", seconds, fps=30)
        out[version] = path.read_bytes()
    return out


async def test_list_and_roll_back(tmp_path: Path, videos: dict[int, bytes]) -> None:
    store, storage, scene = await _scene_with_versions(tmp_path, videos)
    listed = await versions.list_versions(store, storage, scene.id)
    assert [(v.version, v.current) for v in listed] == [(1, False), (2, False), (3, True)]

    rolled = await versions.rollback(store, storage, scene.id, 1)
    assert rolled.version == 4 and rolled.status == SceneStatus.READY
    assert rolled.s3_chunk_key == keys.chunk_key(scene.project_id, scene.session_id, 0, 4)
    assert await storage.get(Bucket.CHUNKS, rolled.s3_chunk_key) == videos[1]
    assert rolled.duration_in_frames == 30  # v1's length, probed from the copy
    assert rolled.title == "title v1" and rolled.narration == "said v1"
    assert rolled.s3_subtitles_key is not None
    assert await storage.get(Bucket.CHUNKS, rolled.s3_subtitles_key) == b"WEBVTT v1"
    # History is linear and nothing was overwritten.
    for version, data in videos.items():
        key = keys.chunk_key(scene.project_id, scene.session_id, 0, version)
        assert await storage.get(Bucket.CHUNKS, key) == data
    listed = await versions.list_versions(store, storage, scene.id)
    assert [v.version for v in listed] == [1, 2, 3, 4] and listed[-1].current


async def test_refusals_say_what_to_do(tmp_path: Path, videos: dict[int, bytes]) -> None:
    store, storage, scene = await _scene_with_versions(tmp_path, videos)
    for bad in (0, 3, 9):
        with pytest.raises(InvalidInput, match="older version"):
            await versions.rollback(store, storage, scene.id, bad)
    await storage.delete(Bucket.CHUNKS, keys.chunk_key(scene.project_id, scene.session_id, 0, 2))
    assert [v.version for v in await versions.list_versions(store, storage, scene.id)] == [1, 3]
    with pytest.raises(NotFound, match="no longer stored"):
        await versions.rollback(store, storage, scene.id, 2)
    busy = await store.update_scene(
        scene.id,
        revision=scene.revision,
        expected_status=SceneStatus.READY,
        status=SceneStatus.GENERATING_CODE,
    )
    with pytest.raises(ConflictError, match="only a ready scene"):
        await versions.rollback(store, storage, busy.id, 1)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(targets=st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=4))
async def test_any_rollback_sequence_keeps_history_linear(
    tmp_path_factory: pytest.TempPathFactory, videos: dict[int, bytes], targets: list[int]
) -> None:
    tmp = tmp_path_factory.mktemp("seq")
    store, storage, scene = await _scene_with_versions(tmp, videos)
    contents = dict(videos)  # version -> chunk bytes
    for target in targets:
        current = (await store.get_scene(scene.id)).version
        if not 1 <= target < current:
            with pytest.raises(InvalidInput):
                await versions.rollback(store, storage, scene.id, target)
            continue
        rolled = await versions.rollback(store, storage, scene.id, target)
        assert rolled.version == current + 1
        contents[rolled.version] = contents[target]
        assert rolled.s3_chunk_key is not None
        assert await storage.get(Bucket.CHUNKS, rolled.s3_chunk_key) == contents[target]
    listed = await versions.list_versions(store, storage, scene.id)
    assert [v.version for v in listed] == sorted(contents)
    for v in listed:
        assert await storage.get(Bucket.CHUNKS, v.chunk_key) == contents[v.version]
    await store.close()


async def test_projects_rename_and_delete(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "tutor.db"))
    user = await store.ensure_user("alice")
    project = await store.create_project(user.id, "Old")
    renamed = await store.update_project(project.id, revision=project.revision, title="New")
    assert renamed.title == "New" and renamed.revision == project.revision + 1
    with pytest.raises(ConflictError):
        await store.update_project(project.id, revision=project.revision, title="Stale")
    session = await store.create_session(VideoSession(id="", project_id=project.id))
    await store.create_scene(Scene(id="", project_id=project.id, session_id=session.id, index=0))
    await store.delete_project(project.id)
    with pytest.raises(NotFound):
        await store.get_project(project.id)
    with pytest.raises(NotFound):
        await store.get_session(session.id)
    assert await store.list_scenes(session.id) == []
    with pytest.raises(NotFound):
        await store.delete_project(project.id)
    await store.close()
