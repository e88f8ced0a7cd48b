"""`S3Storage`: the `Storage` protocol on S3 (or any S3-compatible server) through boto3."""

from __future__ import annotations

import contextlib
import io
import os
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tutor_core.errors import IntegrityError, InvalidInput, StorageError, TutorError
from tutor_core.hashing import BLOCK, b64_sha256, digest_of, file_digest, new_sha256, sha256_hex
from tutor_core.interfaces import Bucket
from tutor_core.keys import validate_key
from tutor_storage_s3.content import content_type_for
from tutor_storage_s3.errors import error_code, missing_bucket, translate
from tutor_storage_s3.settings import MIN_PART_SIZE, S3Settings

T = TypeVar("T")

SHA256_METADATA = "sha256"
"""User metadata key (`x-amz-meta-sha256`) holding the hex SHA-256 of the whole object."""
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
"""SigV4 presigned URLs cannot live longer than a week."""
_MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}


def make_client(settings: S3Settings) -> Any:
    """A boto3 S3 client for these settings (no request is sent yet).

    Custom endpoints get path-style addressing, which S3-compatible servers expect;
    AWS itself keeps virtual-hosted style. Retries use botocore's `standard` mode:
    exponential backoff with jitter on throttling, 5xx and connection errors.
    """
    config_kwargs: dict[str, Any] = {
        "signature_version": "s3v4",
        "s3": {"addressing_style": "path" if settings.endpoint_url else "auto"},
        "retries": {"mode": "standard", "total_max_attempts": settings.max_attempts},
        "connect_timeout": settings.connect_timeout,
        "read_timeout": settings.read_timeout,
        "max_pool_connections": 20,
    }
    if not settings.send_checksum:
        # Servers that predate flexible checksums reject the headers boto3 adds by default.
        config_kwargs["request_checksum_calculation"] = "when_required"
        config_kwargs["response_checksum_validation"] = "when_required"
    session = boto3.session.Session()
    return session.client(
        "s3",
        region_name=settings.region,
        endpoint_url=settings.endpoint_url,
        config=Config(**config_kwargs),
    )


class S3Storage:
    """Chunks and sources in two S3 buckets, each object carrying its SHA-256.

    Every boto3 call runs in a worker thread, so the async pipeline keeps going while
    bytes move. Reads are verified against the SHA-256 recorded at upload time.

    Args:
        settings: buckets, endpoint, CDN base URL...; read from the environment if omitted.
        client: a ready boto3 S3 client (tests, custom sessions); built from settings if
            omitted.
    """

    name = "s3"

    def __init__(self, settings: S3Settings | None = None, *, client: Any | None = None) -> None:
        self.settings = settings if settings is not None else S3Settings()
        self.client: Any = client if client is not None else make_client(self.settings)
        part = max(self.settings.multipart_threshold, MIN_PART_SIZE)
        self._transfer = TransferConfig(
            multipart_threshold=self.settings.multipart_threshold,
            multipart_chunksize=part,
            max_concurrency=4,
        )

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"S3Storage(endpoint={s.endpoint_url or 'aws'!r}, chunks={s.chunk_bucket!r}, "
            f"sources={s.source_bucket!r})"
        )

    def bucket_name(self, bucket: Bucket) -> str:
        """The S3 bucket behind a tutor bucket."""
        bucket = Bucket(bucket)
        if bucket is Bucket.CHUNKS:
            return self.settings.chunk_bucket
        return self.settings.source_bucket

    async def _call(self, bucket: Bucket, key: str | None, op: str, fn: Callable[[], T]) -> T:
        """Run a blocking boto3 call in a thread, translating its errors."""
        try:
            return await anyio.to_thread.run_sync(fn)
        except TutorError:
            raise
        except (ClientError, BotoCoreError) as exc:
            raise translate(
                exc,
                self.settings,
                op=op,
                bucket_kind=Bucket(bucket).value,
                bucket_name=self.bucket_name(bucket),
                key=key,
            ) from exc

    # --- writes -------------------------------------------------------------------

    async def put(
        self, bucket: Bucket, key: str, data: bytes | Path, *, content_type: str | None = None
    ) -> str:
        """Store bytes or a file; return its SHA-256 hex digest.

        Objects below `multipart_threshold` go up in one request carrying
        `x-amz-checksum-sha256`, so S3 itself refuses corrupted bytes; larger ones are
        split into parallel parts. Either way the hex digest is kept as user metadata and
        checked on every read.
        """
        validate_key(key)
        name = self.bucket_name(bucket)
        ctype = content_type or content_type_for(key)
        if isinstance(data, Path):
            path = data
            if not path.is_file():
                raise InvalidInput(
                    f"cannot upload {path}: it is not a file",
                    hint="pass the path of an existing file, or the bytes themselves",
                )
            digest = await anyio.to_thread.run_sync(file_digest, path)
            size = path.stat().st_size
        else:
            # Hashing tens of MiB takes a while: keep it off the event loop.
            digest = await anyio.to_thread.run_sync(digest_of, data)
            size = len(data)
        hexdigest = digest.hexdigest()
        metadata = {SHA256_METADATA: hexdigest}

        def upload() -> None:
            if size < self.settings.multipart_threshold:
                body = data.read_bytes() if isinstance(data, Path) else data
                extra: dict[str, Any] = {}
                if self.settings.send_checksum:
                    extra["ChecksumSHA256"] = b64_sha256(digest)
                self.client.put_object(
                    Bucket=name, Key=key, Body=body, ContentType=ctype, Metadata=metadata, **extra
                )
                return
            args: dict[str, Any] = {"ContentType": ctype, "Metadata": metadata}
            if self.settings.send_checksum:
                args["ChecksumAlgorithm"] = "SHA256"
            # upload_fileobj (unlike upload_file) lets the ClientError through unwrapped,
            # so a missing bucket is reported as such.
            with data.open("rb") if isinstance(data, Path) else io.BytesIO(data) as fh:
                self.client.upload_fileobj(fh, name, key, ExtraArgs=args, Config=self._transfer)

        await self._call(bucket, key, "put", upload)
        return hexdigest

    async def delete(self, bucket: Bucket, key: str) -> None:
        """Remove an object; deleting a missing object is not an error."""
        validate_key(key)
        name = self.bucket_name(bucket)
        await self._call(
            bucket, None, "delete", partial(self.client.delete_object, Bucket=name, Key=key)
        )

    # --- reads --------------------------------------------------------------------

    def _verify(self, bucket: Bucket, key: str, metadata: dict[str, str], actual: str) -> None:
        expected = (metadata or {}).get(SHA256_METADATA)
        # Objects written by other tools carry no digest: nothing to compare against.
        if expected and expected.lower() != actual:
            raise IntegrityError(
                f"object s3://{self.bucket_name(bucket)}/{key} is corrupted: its SHA-256 is "
                f"{actual} but {expected} was recorded when it was stored",
                hint="render or upload it again (tutor re-renders a scene on retry)",
            )

    async def get(self, bucket: Bucket, key: str) -> bytes:
        """Read an object (NotFound if missing, IntegrityError if its bytes changed)."""
        validate_key(key)
        name = self.bucket_name(bucket)

        def read() -> tuple[bytes, dict[str, str], str]:
            resp = self.client.get_object(Bucket=name, Key=key, ChecksumMode="ENABLED")
            with contextlib.closing(resp["Body"]) as body:
                data = body.read()
            return data, resp.get("Metadata", {}), sha256_hex(data)

        data, metadata, actual = await self._call(bucket, key, "get", read)
        self._verify(bucket, key, metadata, actual)
        return data

    async def download(self, bucket: Bucket, key: str, dest: Path) -> Path:
        """Stream an object to `dest` (verified before it appears there); return `dest`."""
        validate_key(key)
        name = self.bucket_name(bucket)
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        # A temporary name in the same directory, so the final rename is atomic and a
        # failed or corrupted download never leaves a partial file under `dest`.
        tmp = dest.parent / f".{dest.name}.{uuid.uuid4().hex}.part"

        def fetch() -> tuple[str, dict[str, str]]:
            resp = self.client.get_object(Bucket=name, Key=key, ChecksumMode="ENABLED")
            digest = new_sha256()
            with contextlib.closing(resp["Body"]) as body, tmp.open("wb") as fh:
                for block in body.iter_chunks(BLOCK):
                    digest.update(block)
                    fh.write(block)
            return digest.hexdigest(), resp.get("Metadata", {})

        try:
            actual, metadata = await self._call(bucket, key, "download", fetch)
            self._verify(bucket, key, metadata, actual)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        return dest

    async def exists(self, bucket: Bucket, key: str) -> bool:
        """Whether the object exists (a missing bucket is an error, not False)."""
        validate_key(key)
        name = self.bucket_name(bucket)

        def head() -> bool:
            try:
                self.client.head_object(Bucket=name, Key=key)
            except ClientError as exc:
                if error_code(exc) == "403":
                    # HEAD answers carry no body, so a bad secret and a denied policy
                    # look alike; a one-byte GET returns the real error code.
                    try:
                        self.client.get_object(Bucket=name, Key=key, Range="bytes=0-0")
                    except ClientError as again:
                        code = error_code(again)
                        if code == "NoSuchKey":
                            return False
                        if code != "InvalidRange":  # InvalidRange: an empty object
                            raise
                    return True
                if error_code(exc) not in _MISSING:
                    raise
                # For the same reason a missing bucket also looks like a 404.
                if not self._bucket_exists_sync(name):
                    raise missing_bucket(self.settings, Bucket(bucket).value, name) from exc
                return False
            return True

        return await self._call(bucket, None, "exists", head)

    async def url(self, bucket: Bucket, key: str, *, expires: int = 3600) -> str:
        """A URL to fetch the object from.

        Chunks use `public_base_url` (the CDN) when it is set, else a presigned GET;
        sources are private and always get a presigned GET valid for `expires` seconds.
        """
        validate_key(key)
        bucket = Bucket(bucket)
        if bucket is Bucket.CHUNKS and self.settings.public_base_url:
            return public_url(self.settings.public_base_url, key)
        if not 1 <= expires <= MAX_PRESIGN_SECONDS:
            raise InvalidInput(
                f"presigned URL lifetime {expires}s is out of range",
                hint=f"use 1 to {MAX_PRESIGN_SECONDS} seconds (7 days, the SigV4 limit)",
            )
        name = self.bucket_name(bucket)
        presign = partial(
            self.client.generate_presigned_url,
            "get_object",
            Params={"Bucket": name, "Key": key},
            ExpiresIn=expires,
        )
        url: str = await self._call(bucket, key, "presign", presign)
        return url

    # --- buckets ------------------------------------------------------------------

    def _bucket_exists_sync(self, name: str) -> bool:
        try:
            self.client.head_bucket(Bucket=name)
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                return False
            if error_code(exc) != "403":
                raise
            # Ask again with a request whose error has a body: it says whether the
            # secret is wrong (SignatureDoesNotMatch) or the policy denies access.
            self.client.list_objects_v2(Bucket=name, MaxKeys=1)
        return True

    async def bucket_exists(self, bucket: Bucket) -> bool:
        """Whether the S3 bucket behind `bucket` exists (and these credentials see it)."""
        name = self.bucket_name(bucket)
        return await self._call(
            bucket, None, "head bucket", partial(self._bucket_exists_sync, name)
        )

    async def ensure_buckets(self) -> list[str]:
        """Create the chunk and source buckets if they are missing; return those created."""
        created: list[str] = []
        for bucket in (Bucket.CHUNKS, Bucket.SOURCES):
            name = self.bucket_name(bucket)
            if await self.bucket_exists(bucket):
                continue
            await self._call(bucket, None, "create bucket", partial(self._create_sync, name))
            created.append(name)
        return created

    def _create_sync(self, name: str) -> None:
        kwargs: dict[str, Any] = {"Bucket": name}
        # us-east-1 is the one region that refuses an explicit LocationConstraint.
        if self.settings.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.settings.region}
        try:
            self.client.create_bucket(**kwargs)
        except ClientError as exc:
            if error_code(exc) == "BucketAlreadyOwnedByYou":
                return
            if error_code(exc) == "BucketAlreadyExists":
                raise StorageError(
                    f"S3 bucket name {name!r} is taken by another account",
                    hint="bucket names are global: choose another with TUTOR_S3_CHUNK_BUCKET "
                    "/ TUTOR_S3_SOURCE_BUCKET",
                ) from exc
            raise


def public_url(base: str, key: str) -> str:
    """`{base}/{key}`: the CDN URL of a chunk (keys are URL-safe by construction)."""
    return f"{base.rstrip('/')}/{validate_key(key)}"
