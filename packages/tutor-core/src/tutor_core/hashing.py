"""SHA-256 of bytes and files: the one place tutor hashes content.

Chunk checksums, storage integrity sidecars, render and narration cache keys and S3's
`x-amz-checksum-sha256` all come from here, so they always agree.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

BLOCK = 1 << 20
"""Bytes read at a time, so large files are hashed in constant memory."""


def sha256_hex(data: bytes | str) -> str:
    """Hex SHA-256 of bytes (text is encoded as UTF-8 first)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def new_sha256() -> hashlib._Hash:
    """An empty SHA-256 hash object, for hashing while streaming bytes elsewhere."""
    return hashlib.sha256()


def digest_of(data: bytes) -> hashlib._Hash:
    """The SHA-256 hash object of bytes."""
    return hashlib.sha256(data)


def file_digest(path: Path) -> hashlib._Hash:
    """The SHA-256 hash object of a file's bytes (for callers that need `.digest()` too)."""
    digest = new_sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    hexdigest: str = file_digest(path).hexdigest()
    return hexdigest


def b64_sha256(digest: hashlib._Hash) -> str:
    """The base64 form of a SHA-256 digest (what S3 wants in `x-amz-checksum-sha256`)."""
    return base64.b64encode(digest.digest()).decode("ascii")
