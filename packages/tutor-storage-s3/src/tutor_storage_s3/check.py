"""`tutor storage check`: prove buckets, credentials, writes, reads and URLs all work."""

from __future__ import annotations

import os
import uuid
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import httpx

from tutor_core.errors import TutorError
from tutor_core.interfaces import Bucket

if TYPE_CHECKING:
    from tutor_storage_s3.storage import S3Storage

CHECK_PREFIX = "tutor-check"
"""Probe objects live under this prefix and are deleted at the end of the check."""


@dataclass(frozen=True)
class Step:
    """One line of the check: what was tried, whether it worked, and what to fix."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _failed(name: str, exc: BaseException) -> Step:
    if isinstance(exc, TutorError):
        return Step(name, False, exc.message, exc.hint)
    return Step(name, False, f"{type(exc).__name__}: {exc}")


async def run_check(storage: S3Storage, *, create: bool = False) -> list[Step]:
    """Check both buckets, then write, read, presign, fetch and delete a probe object.

    Stops at the first bucket problem (later steps could only fail the same way).

    Args:
        storage: the storage to check.
        create: create missing buckets instead of reporting them.
    """
    steps: list[Step] = []
    if create:
        try:
            created = await storage.ensure_buckets()
        except Exception as exc:
            return [_failed("create buckets", exc)]
        steps.append(
            Step("create buckets", True, f"created {', '.join(created)}" if created else "none")
        )
    for bucket in (Bucket.CHUNKS, Bucket.SOURCES):
        name = storage.bucket_name(bucket)
        step = f"bucket {bucket.value}"
        try:
            found = await storage.bucket_exists(bucket)
        except Exception as exc:
            steps.append(_failed(step, exc))
            return steps
        if not found:
            setting = (
                "TUTOR_S3_CHUNK_BUCKET" if bucket is Bucket.CHUNKS else "TUTOR_S3_SOURCE_BUCKET"
            )
            steps.append(
                Step(
                    step,
                    False,
                    f"bucket {name!r} does not exist",
                    f"run `tutor storage check --create`, or set {setting} to an existing bucket",
                )
            )
            return steps
        steps.append(Step(step, True, f"{name!r} exists"))

    payload = os.urandom(64) + b"tutor storage check"
    key = f"{CHECK_PREFIX}/{uuid.uuid4().hex}.bin"
    for bucket in (Bucket.CHUNKS, Bucket.SOURCES):
        steps.extend(await _round_trip(storage, bucket, key, payload))
    return steps


async def _round_trip(storage: S3Storage, bucket: Bucket, key: str, payload: bytes) -> list[Step]:
    steps: list[Step] = []
    label = bucket.value
    try:
        await storage.put(bucket, key, payload)
        steps.append(Step(f"write {label}", True, f"wrote {len(payload)} bytes to {key}"))
        data = await storage.get(bucket, key)
        if data != payload:
            steps.append(Step(f"read {label}", False, "read back different bytes"))
            return steps
        steps.append(Step(f"read {label}", True, "bytes and SHA-256 match"))
        steps.append(await _fetch_url(storage, bucket, key, payload))
    except Exception as exc:
        steps.append(_failed(f"write/read {label}", exc))
    finally:
        try:
            await storage.delete(bucket, key)
            gone = not await storage.exists(bucket, key)
            steps.append(
                Step(f"delete {label}", gone, "deleted" if gone else "object is still there")
            )
        except Exception as exc:
            steps.append(_failed(f"delete {label}", exc))
    return steps


async def _fetch_url(storage: S3Storage, bucket: Bucket, key: str, payload: bytes) -> Step:
    name = f"url {bucket.value}"
    public = bucket is Bucket.CHUNKS and storage.settings.public_base_url is not None
    url = await storage.url(bucket, key, expires=300)
    try:
        async with httpx.AsyncClient(timeout=30, follow_redirects=True) as client:
            resp = await client.get(url)
    except httpx.HTTPError as exc:
        fix = (
            "check TUTOR_S3_PUBLIC_BASE_URL and that the CDN is reachable"
            if public
            else "check TUTOR_S3_ENDPOINT_URL is reachable from here"
        )
        return Step(name, False, f"GET {url.split('?')[0]} failed: {exc}", fix)
    if resp.status_code != 200 or resp.content != payload:
        fix = (
            "point TUTOR_S3_PUBLIC_BASE_URL at a CDN whose origin is the chunk bucket, and "
            "let the CDN read it (origin access control or a public-read bucket policy)"
            if public
            else "presigned URLs must be signed with valid credentials and a correct "
            "TUTOR_S3_REGION; check the server clock too"
        )
        return Step(
            name,
            False,
            f"GET {url.split('?')[0]} answered {resp.status_code}"
            + ("" if resp.status_code != 200 else " with different bytes"),
            fix,
        )
    kind = "public" if public else "presigned"
    return Step(name, True, f"{kind} URL serves the same bytes")
