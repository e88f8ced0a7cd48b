"""Default store: SQLite (WAL) in TUTOR_HOME."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor_core.settings import Settings


def _factory(settings: Settings) -> Any:
    from tutor_core.stores.sqlite import SQLiteStore

    return SQLiteStore(settings.db_path)


@hookimpl(trylast=True)
def register_stores(register: Callable[..., None]) -> None:
    register(
        "sqlite", _factory, "SQLite database (WAL) at TUTOR_DATABASE_URL or TUTOR_HOME/tutor.db"
    )
