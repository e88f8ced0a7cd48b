"""Content-addressed render cache: identical code at the same quality renders once.

The key is the SHA-256 of the code, the quality (size and fps), this renderer's
version and Manim's version, so upgrading either invalidates old entries. Entries
are written atomically (temp file + rename) and verified by checksum when read.
"""

from __future__ import annotations

import json
import os
import shutil
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tutor_core.hashing import sha256_file, sha256_hex
from tutor_core.models import MediaInfo
from tutor_render_manim import __version__


@cache
def manim_version() -> str:
    """Installed Manim version (without importing Manim)."""
    try:
        return version("manim")
    except PackageNotFoundError:
        return "unknown"


def cache_key(code: str, quality: str, width: int, height: int, fps: int) -> str:
    """The content address of a render."""
    payload = json.dumps(
        {
            "code": code,
            "quality": quality,
            "size": [width, height],
            "fps": fps,
            "renderer": __version__,
            "manim": manim_version(),
        },
        sort_keys=True,
    )
    return sha256_hex(payload)


class CacheEntry:
    """A stored chunk and what is known about it."""

    def __init__(self, path: Path, info: MediaInfo, checksum: str) -> None:
        self.path = path
        self.info = info
        self.checksum = checksum


def _atomic_copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{id(src)}.tmp")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


class RenderCache:
    """Chunks stored under `root/<key[:2]>/<key>.mp4` with a `.json` sidecar."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.root / key[:2]
        return folder / f"{key}.mp4", folder / f"{key}.json"

    def get(self, key: str) -> CacheEntry | None:
        """The entry for `key`, or None (a corrupted entry is removed and missed)."""
        video, meta = self._paths(key)
        if not (video.is_file() and meta.is_file()):
            return None
        try:
            doc = json.loads(meta.read_text(encoding="utf-8"))
            info = MediaInfo.model_validate(doc["info"])
            checksum = str(doc["checksum"])
        except (ValueError, KeyError, OSError):
            self.discard(key)
            return None
        if sha256_file(video) != checksum:
            self.discard(key)
            return None
        return CacheEntry(video, info, checksum)

    def put(self, key: str, src: Path, info: MediaInfo, checksum: str) -> CacheEntry:
        """Store a rendered chunk (atomically; the video lands before its sidecar)."""
        video, meta = self._paths(key)
        _atomic_copy(src, video)
        tmp = meta.with_name(f".{meta.name}.{os.getpid()}.tmp")
        tmp.write_text(
            json.dumps({"info": info.model_dump(mode="json"), "checksum": checksum}),
            encoding="utf-8",
        )
        os.replace(tmp, meta)
        return CacheEntry(video, info, checksum)

    def discard(self, key: str) -> None:
        """Remove an entry (no error when it is missing)."""
        for p in self._paths(key):
            p.unlink(missing_ok=True)

    def copy_to(self, entry: CacheEntry, dest: Path) -> Path:
        """Copy a cached chunk to `dest` atomically and return `dest`."""
        _atomic_copy(entry.path, dest)
        return dest
