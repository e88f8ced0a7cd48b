"""Object storages: chunks and sources under validated keys."""

from tutor_core.storages.local import LocalStorage

__all__ = ["LocalStorage"]
