"""Content types and checksums of stored objects."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from pathlib import Path

_CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".py": "text/x-python",
    ".json": "application/json",
    ".vtt": "text/vtt",
    ".wav": "audio/wav",
    ".webm": "video/webm",
}
"""Types we set explicitly: `mimetypes` depends on the host's tables and misses some."""

HASH_BLOCK = 1024 * 1024


def content_type_for(key: str) -> str:
    """The Content-Type for an object key, from its extension."""
    suffix = Path(key).suffix.lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(key, strict=False)
    return guessed or "application/octet-stream"


def sha256_file(path: Path) -> hashlib._Hash:
    """The SHA-256 hash object of a file, read in blocks so big files fit in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(HASH_BLOCK):
            digest.update(block)
    return digest


def b64_digest(digest: hashlib._Hash) -> str:
    """The base64 form S3 wants in `x-amz-checksum-sha256`."""
    return base64.b64encode(digest.digest()).decode("ascii")
