"""SQLiteStore: the shared store contract, plus its own files, threads and legacy rows."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import anyio
import pytest

from tests.core.store_contract import OpenStore, StoreContract, seed
from tutor_core.errors import ConflictError
from tutor_core.models import SceneStatus
from tutor_core.stores.sqlite import SQLiteStore


class TestSQLiteStoreContract(StoreContract):
    @pytest.fixture
    def open_store(self, tmp_path: Path) -> OpenStore:
        # Each call is another connection to one file, as another process would open.
        return lambda: SQLiteStore(str(tmp_path / "contract" / "tutor.db"))


@pytest.mark.anyio
async def test_everything_survives_a_reopen(tmp_path: Path) -> None:
    path = str(tmp_path / "db" / "tutor.db")
    store = SQLiteStore(path)
    _, scenes = await seed(store)
    await store.update_scene(
        scenes[0].id, revision=1, expected_status=SceneStatus.QUEUED, title="Limits"
    )
    await store.close()
    reopened = SQLiteStore(path)
    assert (await reopened.get_scene(scenes[0].id)).title == "Limits"
    await reopened.close()


@pytest.mark.anyio
async def test_rows_written_with_stored_urls_still_load(tmp_path: Path) -> None:
    """Older versions stored chunk URLs on scenes; those rows load, without the URLs."""
    path = str(tmp_path / "tutor.db")
    store = SQLiteStore(path)
    _, scenes = await seed(store, scenes=1)
    await store.close()
    with sqlite3.connect(path) as conn:
        (data,) = conn.execute("SELECT data FROM scenes WHERE id=?", (scenes[0].id,)).fetchone()
        legacy = json.loads(data) | {
            "s3_chunk_url": "https://bucket.example/v1.mp4?X-Amz-Expires=3600",
            "s3_subtitles_url": "https://cdn.example/v1.vtt",
        }
        conn.execute("UPDATE scenes SET data=? WHERE id=?", (json.dumps(legacy), scenes[0].id))
    store = SQLiteStore(path)
    loaded = await store.get_scene(scenes[0].id)
    assert loaded.id == scenes[0].id and "s3_chunk_url" not in loaded.model_dump()
    updated = await store.update_scene(
        loaded.id, revision=loaded.revision, expected_status=SceneStatus.QUEUED, title="t"
    )
    await store.close()
    with sqlite3.connect(path) as conn:
        (data,) = conn.execute("SELECT data FROM scenes WHERE id=?", (updated.id,)).fetchone()
    assert "s3_chunk_url" not in json.loads(data), "the next write drops the stale URL"


def test_claims_from_two_threads_with_their_own_connections(tmp_path: Path) -> None:
    db = str(tmp_path / "tutor.db")
    setup = SQLiteStore(db)
    _, scenes = anyio.run(seed, setup)
    anyio.run(setup.close)
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def worker(job: str) -> None:
        async def main() -> None:
            store = SQLiteStore(db)  # its own connection
            barrier.wait()
            try:
                await store.update_scene(
                    scenes[0].id,
                    revision=1,
                    expected_status=SceneStatus.QUEUED,
                    status=SceneStatus.GENERATING_CODE,
                    job_id=job,
                )
                outcome[job] = "won"
            except ConflictError:
                outcome[job] = "conflict"
            finally:
                await store.close()

        anyio.run(main)

    threads = [threading.Thread(target=worker, args=(t,)) for t in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome.values()) == ["conflict", "won"]
    winner = next(t for t, o in outcome.items() if o == "won")

    async def check() -> None:
        store = SQLiteStore(db)
        scene = await store.get_scene(scenes[0].id)
        assert scene.job_id == winner and scene.revision == 2
        await store.close()

    anyio.run(check)
