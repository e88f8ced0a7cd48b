"""State stores: users, projects, sessions and scenes."""

from tutor_core.stores.sqlite import SQLiteStore, new_id

__all__ = ["SQLiteStore", "new_id"]
