"""Default storage: a local directory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor_core.settings import Settings


def _factory(settings: Settings) -> Any:
    from tutor_core.storages.local import LocalStorage

    return LocalStorage(settings.storage_root, public_base_url=settings.public_base_url)


@hookimpl(trylast=True)
def register_storages(register: Callable[..., None]) -> None:
    register("local", _factory, "files under TUTOR_STORAGE_DIR or TUTOR_HOME/storage")
