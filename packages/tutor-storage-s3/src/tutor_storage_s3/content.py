"""Content types of stored objects (checksums come from `tutor_core.hashing`)."""

from __future__ import annotations

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


def content_type_for(key: str) -> str:
    """The Content-Type for an object key, from its extension."""
    suffix = Path(key).suffix.lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(key, strict=False)
    return guessed or "application/octet-stream"
