"""S3 settings from the environment (`TUTOR_S3_` prefix); credentials come from boto3."""

from __future__ import annotations

import re

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB
"""S3 refuses multipart parts smaller than 5 MiB (except the last one)."""

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def check_bucket_name(name: str) -> str:
    """Return `name` if it is a valid S3 bucket name, else raise ValueError.

    The rules are the S3 ones for new buckets: 3 to 63 characters, lowercase letters,
    digits, `.` and `-`, starting and ending with a letter or digit, no `..`, and not
    shaped like an IP address.
    """
    if not _BUCKET_NAME.match(name) or ".." in name:
        raise ValueError(
            f"{name!r} is not a valid S3 bucket name: use 3-63 lowercase letters, digits, "
            "'.' and '-', starting and ending with a letter or digit"
        )
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name):
        raise ValueError(f"{name!r} is not a valid S3 bucket name: it looks like an IP address")
    return name


class S3Settings(BaseSettings):
    """Where and how tutor stores objects in S3. Each field reads `TUTOR_S3_<FIELD>`.

    Credentials are not settings: boto3 finds them the usual way (`AWS_ACCESS_KEY_ID` /
    `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, `~/.aws/credentials`, or an instance role).
    """

    model_config = SettingsConfigDict(env_prefix="TUTOR_S3_", extra="ignore")

    endpoint_url: str | None = None
    """An S3-compatible server (SeaweedFS, MinIO, R2...); unset for AWS itself."""
    region: str = "us-east-1"
    chunk_bucket: str = "ai-video-tutor-chunks"
    """Rendered chunks and subtitles; meant to be read by viewers through a CDN."""
    source_bucket: str = "ai-video-tutor-sources"
    """Scene code and specs; private, only ever shared through presigned URLs."""
    public_base_url: str | None = None
    """CDN base (e.g. a CloudFront domain) for chunk URLs `{base}/{key}`; unset: presign."""
    multipart_threshold: int = Field(default=8 * MIB, ge=MIN_PART_SIZE)
    """Bytes from which uploads are split into parallel parts of this size."""
    max_attempts: int = Field(default=5, ge=1, le=20)
    """Attempts per request (botocore `standard` retries: throttling, 5xx, connection)."""
    connect_timeout: float = Field(default=10.0, gt=0, le=300)
    read_timeout: float = Field(default=60.0, gt=0, le=3600)
    send_checksum: bool = True
    """Send `x-amz-checksum-sha256` so S3 refuses corrupted uploads; turn off only for
    S3-compatible servers that reject flexible checksums (the digest is still kept in
    metadata and verified on reads)."""

    @field_validator("chunk_bucket", "source_bucket")
    @classmethod
    def _bucket_name(cls, v: str) -> str:
        return check_bucket_name(v)

    @field_validator("endpoint_url", "public_base_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        v = v.strip()
        if not v.startswith(("http://", "https://")):
            raise ValueError(f"{v!r} must start with http:// or https://")
        # A trailing slash would double up when keys are appended.
        return v.rstrip("/")
