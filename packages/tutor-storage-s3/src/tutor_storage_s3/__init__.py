"""S3 storage for tutor: chunks behind a CDN, private sources, verified reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Importing tutor_core builds its plugin manager, which loads this package's `plugin`
# entry point. Doing it first guarantees that happens before `plugin` is half-imported
# by whoever imported us (else pluggy would see a module without its hooks).
import tutor_core  # noqa: F401
from tutor_storage_s3.settings import S3Settings

if TYPE_CHECKING:
    from tutor_storage_s3.check import Step, run_check
    from tutor_storage_s3.storage import S3Storage, make_client, public_url

__all__ = ["S3Settings", "S3Storage", "Step", "make_client", "public_url", "run_check"]

_LAZY = {
    "S3Storage": "tutor_storage_s3.storage",
    "make_client": "tutor_storage_s3.storage",
    "public_url": "tutor_storage_s3.storage",
    "Step": "tutor_storage_s3.check",
    "run_check": "tutor_storage_s3.check",
}


def __getattr__(name: str) -> Any:
    # boto3 takes a while to import; load it only when the storage is really used,
    # since the plugin module (a submodule of this package) is imported by every `tutor`.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tutor_storage_s3' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
