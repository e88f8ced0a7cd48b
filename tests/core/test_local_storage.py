"""LocalStorage: round trips, key validation, symlink escapes, integrity, idempotent delete."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor_core.errors import IntegrityError, InvalidInput, NotFound
from tutor_core.interfaces import Bucket, Storage
from tutor_core.keys import chunk_key
from tutor_core.storages.local import LocalStorage

KEY = chunk_key("prj_a", "ses_b", 0, 1)


@pytest.mark.anyio
async def test_round_trip_bytes_and_files(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "root")
    assert isinstance(storage, Storage)
    digest = await storage.put(Bucket.CHUNKS, KEY, b"video bytes", content_type="video/mp4")
    assert len(digest) == 64
    assert await storage.get(Bucket.CHUNKS, KEY) == b"video bytes"
    assert await storage.exists(Bucket.CHUNKS, KEY)
    assert not await storage.exists(Bucket.SOURCES, KEY)
    assert (tmp_path / "root" / "chunks" / KEY).read_bytes() == b"video bytes"

    src = tmp_path / "scene.py"
    src.write_text("print('hi')\n")
    digest2 = await storage.put(Bucket.SOURCES, "a/b/v1.py", src)
    assert digest2 != digest
    out = await storage.download(Bucket.SOURCES, "a/b/v1.py", tmp_path / "out" / "copy.py")
    assert out.read_text() == "print('hi')\n"
    # no temp files are left behind by atomic writes
    assert sorted(p.name for p in (tmp_path / "root" / "sources" / "a" / "b").iterdir()) == [
        "v1.py",
        "v1.py.sha256",
    ]

    url = await storage.url(Bucket.CHUNKS, KEY)
    assert url.startswith("file://") and url.endswith(KEY)
    public = LocalStorage(tmp_path / "root", public_base_url="http://127.0.0.1:8000/files/")
    assert await public.url(Bucket.CHUNKS, KEY) == f"http://127.0.0.1:8000/files/chunks/{KEY}"


@pytest.mark.anyio
async def test_missing_objects(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    with pytest.raises(NotFound):
        await storage.get(Bucket.CHUNKS, "nope.mp4")
    with pytest.raises(NotFound):
        await storage.download(Bucket.CHUNKS, "nope.mp4", tmp_path / "x")
    with pytest.raises(NotFound):
        await storage.put(Bucket.CHUNKS, "a.mp4", tmp_path / "missing.mp4")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "key",
    ["../x", "a/../../x", "/abs/path", "a\x00b", "a\\b", "", "a//b", ".hidden", "x.sha256"],
)
async def test_bad_keys_are_rejected(tmp_path: Path, key: str) -> None:
    storage = LocalStorage(tmp_path / "root")
    with pytest.raises(InvalidInput) as info:
        await storage.put(Bucket.CHUNKS, key, b"x")
    assert info.value.message
    assert not any((tmp_path).rglob("x"))


@pytest.mark.anyio
async def test_unknown_bucket_is_rejected(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    with pytest.raises(InvalidInput, match="bucket"):
        await storage.put("private", "a.txt", b"x")  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_symlink_escape_is_rejected(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    storage = LocalStorage(root)
    (root / "chunks").mkdir()
    os.symlink(outside, root / "chunks" / "evil")
    with pytest.raises(InvalidInput, match="outside"):
        await storage.put(Bucket.CHUNKS, "evil/x.mp4", b"payload")
    with pytest.raises(InvalidInput, match="outside"):
        await storage.get(Bucket.CHUNKS, "evil/x.mp4")
    assert list(outside.iterdir()) == []


@pytest.mark.anyio
async def test_corruption_is_detected(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    await storage.put(Bucket.CHUNKS, KEY, b"original")
    (tmp_path / "chunks" / KEY).write_bytes(b"tampered")
    with pytest.raises(IntegrityError, match="corrupted"):
        await storage.get(Bucket.CHUNKS, KEY)
    with pytest.raises(IntegrityError):
        await storage.download(Bucket.CHUNKS, KEY, tmp_path / "dl.mp4")
    assert not (tmp_path / "dl.mp4").exists()
    (tmp_path / "chunks" / (KEY + ".sha256")).unlink()
    with pytest.raises(IntegrityError, match="checksum"):
        await storage.get(Bucket.CHUNKS, KEY)


@pytest.mark.anyio
async def test_delete_is_idempotent(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    await storage.put(Bucket.CHUNKS, KEY, b"x")
    await storage.delete(Bucket.CHUNKS, KEY)
    assert not await storage.exists(Bucket.CHUNKS, KEY)
    assert not (tmp_path / "chunks" / (KEY + ".sha256")).exists()
    await storage.delete(Bucket.CHUNKS, KEY)
    await storage.delete(Bucket.CHUNKS, "never/was.mp4")


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.text(max_size=60) | st.from_regex(r"[a-z0-9./\\-]{0,30}", fullmatch=True))
def test_any_key_stays_inside_the_root_or_is_rejected(tmp_path: Path, key: str) -> None:
    # The root is only read here (path() creates nothing), so sharing tmp_path is safe.
    storage = LocalStorage(tmp_path / "root")
    try:
        path = storage.path(Bucket.SOURCES, key)
    except InvalidInput:
        return
    assert path.resolve().is_relative_to((tmp_path / "root" / "sources").resolve())
    assert path != (tmp_path / "root" / "sources")
