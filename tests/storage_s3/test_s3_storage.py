"""S3Storage against a real SeaweedFS server: round trips, integrity, URLs, errors."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from tutor_core.errors import IntegrityError, InvalidInput, NotFound, StorageError
from tutor_core.interfaces import Bucket, Storage
from tutor_core.keys import chunk_key, source_key, spec_key, subtitles_key
from tutor_storage_s3 import S3Settings, S3Storage

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

V1 = chunk_key("prj_a", "ses_b", 0, 1)
V2 = chunk_key("prj_a", "ses_b", 0, 2)
CDN = "https://d111111abcdef8.cloudfront.net/lessons"


@pytest.fixture
def storage(s3_env: S3Settings) -> S3Storage:
    return S3Storage(s3_env)


def _head(s3_server: Any, bucket: str, key: str) -> dict[str, Any]:
    head: dict[str, Any] = s3_server.client().head_object(Bucket=bucket, Key=key)
    return head


async def test_round_trip_exists_delete(
    storage: S3Storage, s3_env: S3Settings, s3_server: Any, tmp_path: Path
) -> None:
    assert isinstance(storage, Storage) and storage.name == "s3"
    digest = await storage.put(Bucket.CHUNKS, V1, b"video bytes")
    assert digest == hashlib.sha256(b"video bytes").hexdigest()
    assert await storage.get(Bucket.CHUNKS, V1) == b"video bytes"
    assert await storage.exists(Bucket.CHUNKS, V1)
    # Buckets are separate: the same key is not in the sources bucket.
    assert not await storage.exists(Bucket.SOURCES, V1)
    head = _head(s3_server, s3_env.chunk_bucket, V1)
    assert head["ContentType"] == "video/mp4"
    assert head["Metadata"]["sha256"] == digest

    src = tmp_path / "scene.py"
    src.write_text("from manim import *\n")
    key = source_key("prj_a", "ses_b", 0, 1)
    await storage.put(Bucket.SOURCES, key, src)
    assert _head(s3_server, s3_env.source_bucket, key)["ContentType"] == "text/x-python"
    out = await storage.download(Bucket.SOURCES, key, tmp_path / "out" / "copy.py")
    assert out.read_text() == "from manim import *\n"
    await storage.put(Bucket.SOURCES, spec_key("prj_a", "ses_b", 0, 1), b"{}")
    vtt = subtitles_key("prj_a", "ses_b", 0, 1)
    await storage.put(Bucket.CHUNKS, vtt, b"WEBVTT\n")
    assert _head(s3_server, s3_env.chunk_bucket, vtt)["ContentType"] == "text/vtt"

    await storage.delete(Bucket.CHUNKS, V1)
    await storage.delete(Bucket.CHUNKS, V1)  # idempotent
    assert not await storage.exists(Bucket.CHUNKS, V1)
    with pytest.raises(NotFound, match=V1):
        await storage.get(Bucket.CHUNKS, V1)
    with pytest.raises(NotFound):
        await storage.download(Bucket.CHUNKS, V1, tmp_path / "gone.mp4")
    # No partial download was left behind.
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["copy.py"]
    assert not (tmp_path / "gone.mp4").exists()
    with pytest.raises(InvalidInput):
        await storage.put(Bucket.CHUNKS, "../escape.mp4", b"x")


async def test_versions_coexist_and_puts_run_concurrently(storage: S3Storage) -> None:
    async with anyio.create_task_group() as tg:
        tg.start_soon(storage.put, Bucket.CHUNKS, V1, b"first version")
        tg.start_soon(storage.put, Bucket.CHUNKS, V2, b"second version")
    assert await storage.get(Bucket.CHUNKS, V1) == b"first version"
    assert await storage.get(Bucket.CHUNKS, V2) == b"second version"
    empty = chunk_key("prj_a", "ses_b", 1, 1)
    assert await storage.put(Bucket.CHUNKS, empty, b"") == hashlib.sha256(b"").hexdigest()
    assert await storage.get(Bucket.CHUNKS, empty) == b""
    assert await storage.exists(Bucket.CHUNKS, empty)


async def test_corrupted_object_is_detected(
    storage: S3Storage, s3_env: S3Settings, s3_server: Any, tmp_path: Path
) -> None:
    # Written behind tutor's back: the bytes do not match the recorded digest.
    s3_server.client().put_object(
        Bucket=s3_env.chunk_bucket,
        Key=V1,
        Body=b"tampered bytes",
        Metadata={"sha256": hashlib.sha256(b"original bytes").hexdigest()},
    )
    with pytest.raises(IntegrityError, match=V1):
        await storage.get(Bucket.CHUNKS, V1)
    dest = tmp_path / "downloads" / "chunk.mp4"
    with pytest.raises(IntegrityError, match=V1):
        await storage.download(Bucket.CHUNKS, V1, dest)
    assert list(dest.parent.iterdir()) == []  # nothing corrupted was left behind


async def test_presigned_urls_work_then_expire(storage: S3Storage, s3_env: S3Settings) -> None:
    key = source_key("prj_a", "ses_b", 1, 1)
    await storage.put(Bucket.SOURCES, key, b"private source")
    url = await storage.url(Bucket.SOURCES, key, expires=300)
    assert url.startswith(f"{s3_env.endpoint_url}/{s3_env.source_bucket}/{key}?")
    async with httpx.AsyncClient() as client:
        assert (await client.get(url)).content == b"private source"
        # Without a signature the private bucket refuses the same object.
        assert (await client.get(url.split("?")[0])).status_code == 403
        short = await storage.url(Bucket.SOURCES, key, expires=1)
        await anyio.sleep(2.5)
        expired = await client.get(short)
    assert expired.status_code == 403
    assert "expired" in expired.text.lower()
    with pytest.raises(InvalidInput):
        await storage.url(Bucket.SOURCES, key, expires=0)


async def test_chunk_urls_use_the_cdn_sources_stay_presigned(s3_env: S3Settings) -> None:
    storage = S3Storage(s3_env.model_copy(update={"public_base_url": CDN}))
    assert await storage.url(Bucket.CHUNKS, V2) == f"{CDN}/{V2}"
    source_url = await storage.url(Bucket.SOURCES, source_key("prj_a", "ses_b", 0, 2))
    assert "X-Amz-Signature=" in source_url and not source_url.startswith(CDN)
    # Without a CDN, chunk URLs are presigned too.
    assert "X-Amz-Signature=" in await S3Storage(s3_env).url(Bucket.CHUNKS, V2)


async def test_wrong_secret_is_refused_clearly(
    s3_env: S3Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    storage = S3Storage(s3_env.model_copy(update={"max_attempts": 1}))
    with pytest.raises(StorageError) as info:
        await storage.put(Bucket.CHUNKS, V1, b"x")
    assert "SignatureDoesNotMatch" in str(info.value)
    assert "AWS_SECRET_ACCESS_KEY" in str(info.value)
    for check in (storage.exists(Bucket.CHUNKS, V1), storage.bucket_exists(Bucket.SOURCES)):
        # HEAD errors have no body; the storage asks again to name the real cause.
        with pytest.raises(StorageError, match="SignatureDoesNotMatch"):
            await check


async def test_missing_bucket_names_the_setting(s3_env: S3Settings) -> None:
    storage = S3Storage(
        s3_env.model_copy(
            update={"chunk_bucket": "tutor-no-such-chunks", "source_bucket": "tutor-no-such-src"}
        )
    )
    with pytest.raises(StorageError) as info:
        await storage.put(Bucket.CHUNKS, V1, b"x")
    assert "tutor-no-such-chunks" in str(info.value)
    assert "TUTOR_S3_CHUNK_BUCKET" in str(info.value)
    assert not isinstance(info.value, NotFound)
    with pytest.raises(StorageError, match="TUTOR_S3_SOURCE_BUCKET"):
        await storage.get(Bucket.SOURCES, V1)
    with pytest.raises(StorageError, match="TUTOR_S3_SOURCE_BUCKET"):
        await storage.exists(Bucket.SOURCES, V1)

    assert await storage.ensure_buckets() == ["tutor-no-such-chunks", "tutor-no-such-src"]
    assert await storage.ensure_buckets() == []
    await storage.put(Bucket.CHUNKS, V1, b"now it works")
    assert await storage.get(Bucket.CHUNKS, V1) == b"now it works"


async def test_unreachable_endpoint(s3_env: S3Settings) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # The socket is closed: nothing listens on that port any more.
    settings = s3_env.model_copy(
        update={"endpoint_url": f"http://127.0.0.1:{port}", "max_attempts": 1}
    )
    with pytest.raises(StorageError) as info:
        await S3Storage(settings).get(Bucket.CHUNKS, V1)
    assert "TUTOR_S3_ENDPOINT_URL" in str(info.value)
    assert f"127.0.0.1:{port}" in str(info.value)


async def test_large_object_goes_multipart(
    s3_env: S3Settings, s3_server: Any, tmp_path: Path
) -> None:
    storage = S3Storage(s3_env.model_copy(update={"multipart_threshold": 5 * 1024 * 1024}))
    big = tmp_path / "big.mp4"
    big.write_bytes(os.urandom(12 * 1024 * 1024))
    expected = hashlib.sha256(big.read_bytes()).hexdigest()
    assert await storage.put(Bucket.CHUNKS, V1, big) == expected
    head = _head(s3_server, s3_env.chunk_bucket, V1)
    assert head["ETag"].strip('"').endswith("-3")  # three 5 MiB-or-less parts
    assert head["Metadata"]["sha256"] == expected
    out = await storage.download(Bucket.CHUNKS, V1, tmp_path / "copy.mp4")
    assert hashlib.sha256(out.read_bytes()).hexdigest() == expected
    assert hashlib.sha256(await storage.get(Bucket.CHUNKS, V1)).hexdigest() == expected


async def test_throttling_is_retried_then_reported(s3_env: S3Settings) -> None:
    """A server that always answers 503 SlowDown gets exactly `max_attempts` requests."""
    seen: list[str] = []

    class SlowDown(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = (
                b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
                b"<Message>Please reduce your request rate.</Message></Error>"
            )
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowDown)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings = s3_env.model_copy(
            update={
                "endpoint_url": f"http://127.0.0.1:{server.server_address[1]}",
                "max_attempts": 3,
            }
        )
        with pytest.raises(StorageError, match="SlowDown") as info:
            await S3Storage(settings).get(Bucket.CHUNKS, V1)
        assert not isinstance(info.value, NotFound)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert len(seen) == 3
    assert all(path.endswith(V1) or V1 in path for path in seen)
