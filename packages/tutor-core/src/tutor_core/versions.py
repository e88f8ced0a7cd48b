"""Scene versions: list what was rendered, and make an older version current again.

Every render of a scene writes version n's objects under keys that are never
overwritten (chunk, subtitles, source and scene document; see `tutor_core.keys`), so
versions 1..n are read from storage. A rollback to version v makes a **new** version
n+1 whose objects are copies of v's: history stays linear, no key is ever reused, and
a player's URL changes (caches bust). Nothing is rendered.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import anyio

from tutor_core import keys, media
from tutor_core.errors import ConflictError, InvalidInput, NotFound
from tutor_core.hashing import sha256_hex
from tutor_core.interfaces import Bucket, Storage, Store
from tutor_core.models import Scene, SceneStatus, WireModel


class SceneVersion(WireModel):
    """One stored version of a scene."""

    version: int
    current: bool
    title: str | None = None
    """The scene's title in this version (from its stored scene document)."""
    change: str | None = None
    """What made this version ("first version", "edit: ...", "restored version 2")."""
    chunk_key: str
    subtitles_key: str | None = None
    spec_key: str | None = None
    source_key: str | None = None


def _keys(scene: Scene, version: int) -> dict[str, str]:
    pid, sid, idx = scene.project_id, scene.session_id, scene.index
    return {
        "chunk_key": keys.chunk_key(pid, sid, idx, version),
        "subtitles_key": keys.subtitles_key(pid, sid, idx, version),
        "spec_key": keys.spec_key(pid, sid, idx, version),
        "source_key": keys.source_key(pid, sid, idx, version),
    }


_BUCKETS = {
    "chunk_key": Bucket.CHUNKS,
    "subtitles_key": Bucket.CHUNKS,
    "spec_key": Bucket.SOURCES,
    "source_key": Bucket.SOURCES,
}


async def list_versions(store: Store, storage: Storage, scene_id: str) -> list[SceneVersion]:
    """The versions of a scene whose chunk is stored, oldest first."""
    scene = await store.get_scene(scene_id)
    out: list[SceneVersion] = []
    for version in range(1, scene.version + 1):
        found = _keys(scene, version)
        if not await storage.exists(Bucket.CHUNKS, found["chunk_key"]):
            continue
        present = {
            name: key
            for name, key in found.items()
            if name == "chunk_key" or await storage.exists(_BUCKETS[name], key)
        }
        doc: dict[str, Any] = {}
        if "spec_key" in present:
            doc = json.loads(await storage.get(Bucket.SOURCES, present["spec_key"]))
        out.append(
            SceneVersion(
                version=version,
                current=version == scene.version,
                title=doc.get("title"),
                change=doc.get("change"),
                **present,
            )
        )
    return out


async def rollback(store: Store, storage: Storage, scene_id: str, version: int) -> Scene:
    """Make `version` current again as a new version n+1 (copies, no render).

    Raises:
        InvalidInput: the version is not an older one of this scene.
        ConflictError: the scene is busy (being generated or edited) or changed meanwhile.
        NotFound: that version's chunk is not in storage.
    """
    scene = await store.get_scene(scene_id)
    if scene.status != SceneStatus.READY or not scene.playable:
        raise ConflictError(
            f"scene {scene_id} is {scene.status.value}; only a ready scene can be rolled back",
            hint="wait until it is ready (a failed edit: retry it first), then try again",
        )
    if not 1 <= version < scene.version:
        raise InvalidInput(
            f"scene {scene_id} is at version {scene.version}; "
            f"pick an older version from 1 to {scene.version - 1}"
            if scene.version > 1
            else f"scene {scene_id} has only one version",
            hint="the scene's versions list shows which ones are stored",
        )
    old, new = _keys(scene, version), _keys(scene, scene.version + 1)
    if not await storage.exists(Bucket.CHUNKS, old["chunk_key"]):
        raise NotFound(
            f"version {version} of scene {scene_id} is no longer stored",
            hint="pick another version from the versions list",
        )
    changes: dict[str, Any] = {}
    for name, key in old.items():
        bucket = _BUCKETS[name]
        if not await storage.exists(bucket, key):
            continue
        data = await storage.get(bucket, key)
        if name == "spec_key":  # the copy says where it came from
            data = json.dumps(json.loads(data) | {"change": f"restored version {version}"}).encode()
        await storage.put(bucket, new[name], data)
        if name == "chunk_key":
            changes["checksum"] = sha256_hex(data)
            changes["duration_in_frames"] = await anyio.to_thread.run_sync(_frames, data)
        changes[f"s3_{name}"] = new[name]
    if "s3_subtitles_key" not in changes:
        changes["s3_subtitles_key"] = None
    if "s3_spec_key" in changes:
        doc = json.loads(await storage.get(Bucket.SOURCES, new["spec_key"]))
        changes["title"] = doc.get("title", scene.title)
        changes["narration"] = doc.get("narration", scene.narration)
    return await store.update_scene(
        scene.id,
        revision=scene.revision,
        expected_status=SceneStatus.READY,
        version=scene.version + 1,
        error_message=None,
        **changes,
    )


def _frames(data: bytes) -> int:
    with tempfile.TemporaryDirectory(prefix="tutor-rollback-") as tmp:
        path = Path(tmp) / "chunk.mp4"
        path.write_bytes(data)
        return media.probe(path).frames
