"""Turn botocore exceptions into tutor errors that say what was wrong and what to do."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    FlexibleChecksumError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from tutor_core.errors import IntegrityError, NotFound, StorageError, TutorError
from tutor_storage_s3.settings import S3Settings

BUCKET_SETTINGS = {
    "chunks": "TUTOR_S3_CHUNK_BUCKET",
    "sources": "TUTOR_S3_SOURCE_BUCKET",
}

CREDENTIALS_HINT = (
    "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile (AWS_PROFILE, "
    "~/.aws/credentials)"
)
_AUTH_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken"}
_MISSING_KEY_CODES = {"NoSuchKey", "404", "NotFound"}


def error_code(exc: ClientError) -> str:
    """The S3 error code of a ClientError (`NoSuchKey`, `403`...)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def missing_bucket(settings: S3Settings, bucket_kind: str, bucket_name: str) -> StorageError:
    """The error for a bucket that does not exist, naming the setting that chose it."""
    setting = BUCKET_SETTINGS.get(bucket_kind, "TUTOR_S3_CHUNK_BUCKET/TUTOR_S3_SOURCE_BUCKET")
    where = f" at {settings.endpoint_url}" if settings.endpoint_url else ""
    return StorageError(
        f"S3 bucket {bucket_name!r} ({bucket_kind}) does not exist{where}",
        hint=f"create it (`tutor storage check --create`, or `aws s3 mb s3://{bucket_name}`) "
        f"or set {setting} to an existing bucket",
    )


def translate(
    exc: Exception,
    settings: S3Settings,
    *,
    op: str,
    bucket_kind: str,
    bucket_name: str,
    key: str | None = None,
) -> TutorError:
    """The tutor error for a boto3 failure during `op` on `bucket_name`/`key`.

    Args:
        exc: what boto3 raised.
        settings: used to name the endpoint and bucket settings in hints.
        op: what was being done (`put`, `get`...), for the message.
        bucket_kind: `chunks` or `sources` (picks the setting to name).
        bucket_name: the actual bucket.
        key: the object key, if the operation was on one object.
    """
    target = f"s3://{bucket_name}/{key}" if key else f"s3://{bucket_name}"
    if isinstance(exc, TutorError):
        return exc
    if isinstance(exc, ClientError):
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message", "") or str(exc)
        if code == "NoSuchBucket":
            return missing_bucket(settings, bucket_kind, bucket_name)
        if code in _MISSING_KEY_CODES and key is not None:
            return NotFound(f"no object {target}", hint="check the key; it may have been deleted")
        if code in _AUTH_CODES:
            return StorageError(
                f"S3 refused the credentials during {op} of {target} ({code}: {message})",
                hint=CREDENTIALS_HINT,
            )
        if code in {"AccessDenied", "403", "Forbidden"}:
            return StorageError(
                f"S3 denied access during {op} of {target} ({code})",
                hint=f"{CREDENTIALS_HINT}; and make sure their policy allows s3:GetObject, "
                f"s3:PutObject and s3:DeleteObject on {bucket_name}",
            )
        if code in {"BadDigest", "XAmzContentSHA256Mismatch", "InvalidDigest"}:
            return IntegrityError(
                f"S3 says the bytes sent for {target} did not match their checksum ({code})",
                hint="the upload was corrupted in transit; retry it",
            )
        return StorageError(
            f"S3 {op} of {target} failed: {code or 'error'}: {message}",
            hint="retry later; if it persists, run `tutor storage check`",
        )
    if isinstance(exc, FlexibleChecksumError):
        return IntegrityError(
            f"object {target} failed its S3 checksum while being read",
            hint="the stored object is corrupted: render or upload it again",
        )
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        endpoint = settings.endpoint_url or "the AWS S3 endpoint"
        return StorageError(
            f"cannot reach S3 at {endpoint} during {op} of {target}: {exc}",
            hint="check TUTOR_S3_ENDPOINT_URL (and TUTOR_S3_REGION), and that the server is "
            "running and reachable",
        )
    if isinstance(exc, ReadTimeoutError):
        return StorageError(
            f"S3 did not answer in time during {op} of {target}",
            hint="retry; raise TUTOR_S3_READ_TIMEOUT for slow links",
        )
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return StorageError(f"no AWS credentials for {op} of {target}", hint=CREDENTIALS_HINT)
    if isinstance(exc, BotoCoreError):
        return StorageError(
            f"S3 {op} of {target} failed: {exc}",
            hint="retry; if it persists, run `tutor storage check`",
        )
    return StorageError(f"S3 {op} of {target} failed: {type(exc).__name__}: {exc}")
