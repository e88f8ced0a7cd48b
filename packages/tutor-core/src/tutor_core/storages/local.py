"""Local-directory storage: `root/<bucket>/<key>`, atomic writes, SHA-256 sidecars."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import anyio

from tutor_core.errors import IntegrityError, InvalidInput, NotFound, StorageError
from tutor_core.hashing import BLOCK, new_sha256, sha256_file, sha256_hex
from tutor_core.interfaces import Bucket
from tutor_core.keys import validate_key

SIDECAR_SUFFIX = ".sha256"


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


class LocalStorage:
    """A `Storage` in a local directory.

    Args:
        root: directory holding one sub-directory per bucket (created if missing).
        public_base_url: base URL that serves `root` over HTTP (e.g. by the server);
            without it, `url()` returns `file://` URIs.
    """

    name = "local"

    def __init__(self, root: Path, public_base_url: str | None = None) -> None:
        self.root = Path(root).expanduser()
        self.root.mkdir(parents=True, exist_ok=True)
        self._real_root = self.root.resolve()
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        # Serializes the data+sidecar pair so readers in this process never see half a put.
        self._lock = threading.Lock()

    def path(self, bucket: Bucket | str, key: str) -> Path:
        """The file that holds `key`, after checking it cannot escape the root.

        Raises:
            InvalidInput: bad bucket or key, or a path that leaves the root (e.g. symlinks).
        """
        try:
            b = Bucket(bucket)
        except ValueError:
            raise InvalidInput(
                f"unknown bucket {bucket!r}", hint=f"buckets: {', '.join(x.value for x in Bucket)}"
            ) from None
        validate_key(key)
        if key.endswith(SIDECAR_SUFFIX):
            raise InvalidInput(
                f"storage key {key!r} ends with {SIDECAR_SUFFIX!r} (reserved for checksums)",
                hint="use another file extension",
            )
        path = self.root / b.value / key
        # resolve() follows symlinks anywhere on the way: a link pointing outside is refused.
        resolved = path.resolve()
        if not resolved.is_relative_to(self._real_root / b.value):
            raise InvalidInput(
                f"storage key {key!r} resolves outside the storage root",
                hint="remove symbolic links inside the storage directory",
            )
        return path

    # ------------------------------------------------------------ sync parts

    def _put_sync(self, path: Path, data: bytes | Path) -> str:
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = new_sha256()
        # Temp names start with "." so they can never collide with a valid key.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, Path):
                    try:
                        src = data.open("rb")
                    except FileNotFoundError:
                        raise NotFound(
                            f"cannot upload {data}: no such file",
                            hint="render or write the file before putting it",
                        ) from None
                    with src:
                        while block := src.read(BLOCK):
                            digest.update(block)
                            out.write(block)
                else:
                    digest.update(data)
                    out.write(data)
                out.flush()
                os.fsync(out.fileno())
            hexdigest = digest.hexdigest()
            side_fd, side_name = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".sha.tmp", dir=path.parent
            )
            with os.fdopen(side_fd, "w") as side:
                side.write(hexdigest + "\n")
            with self._lock:
                os.replace(tmp, path)
                os.replace(side_name, _sidecar(path))
            return hexdigest
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _expected(self, path: Path, key: str) -> str:
        try:
            return _sidecar(path).read_text().strip()
        except FileNotFoundError:
            raise IntegrityError(
                f"object {key!r} has no recorded checksum",
                hint="it was not written through tutor; put it again",
            ) from None

    def _get_sync(self, path: Path, key: str) -> bytes:
        with self._lock:
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                raise NotFound(
                    f"no object {key!r} in storage", hint="check the key; was the scene rendered?"
                ) from None
            expected = self._expected(path, key)
        actual = sha256_hex(data)
        if actual != expected:
            raise IntegrityError(
                f"object {key!r} is corrupted "
                f"(sha256 {actual[:12]}..., expected {expected[:12]}...)",
                hint="re-render the scene or restore the file from a backup",
            )
        return data

    def _download_sync(self, path: Path, key: str, dest: Path) -> Path:
        if not path.is_file():
            raise NotFound(f"no object {key!r} in storage", hint="check the key")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            expected = self._expected(path, key)
            shutil.copyfile(path, dest)
        actual = sha256_file(dest)
        if actual != expected:
            dest.unlink(missing_ok=True)
            raise IntegrityError(
                f"object {key!r} is corrupted", hint="re-render the scene or restore the file"
            )
        return dest

    def _delete_sync(self, path: Path) -> None:
        with self._lock:
            path.unlink(missing_ok=True)
            _sidecar(path).unlink(missing_ok=True)

    # ------------------------------------------------------------ Storage API

    async def put(
        self, bucket: Bucket, key: str, data: bytes | Path, *, content_type: str | None = None
    ) -> str:
        """Store bytes or a file atomically; return its SHA-256 hex digest."""
        path = self.path(bucket, key)
        try:
            return await anyio.to_thread.run_sync(self._put_sync, path, data)
        except OSError as exc:
            raise StorageError(
                f"cannot write {key!r}: {exc}",
                hint=f"check free space and permissions of {self.root}",
            ) from exc

    async def get(self, bucket: Bucket, key: str) -> bytes:
        """Read an object, checking it against its recorded SHA-256."""
        path = self.path(bucket, key)
        return await anyio.to_thread.run_sync(self._get_sync, path, key)

    async def download(self, bucket: Bucket, key: str, dest: Path) -> Path:
        """Copy an object to `dest` (verified) and return `dest`."""
        path = self.path(bucket, key)
        return await anyio.to_thread.run_sync(self._download_sync, path, key, Path(dest))

    async def url(self, bucket: Bucket, key: str, *, expires: int = 3600) -> str:
        """`{public_base_url}/{bucket}/{key}`, or a `file://` URI (`expires` is ignored)."""
        path = self.path(bucket, key)
        if self.public_base_url:
            return f"{self.public_base_url}/{Bucket(bucket).value}/{key}"
        return path.absolute().as_uri()

    async def exists(self, bucket: Bucket, key: str) -> bool:
        path = self.path(bucket, key)
        return await anyio.to_thread.run_sync(path.is_file)

    async def delete(self, bucket: Bucket, key: str) -> None:
        """Remove an object and its checksum; no error if it is already gone."""
        path = self.path(bucket, key)
        await anyio.to_thread.run_sync(self._delete_sync, path)
