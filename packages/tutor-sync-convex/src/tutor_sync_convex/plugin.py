"""The tutor plugin: registers the `convex` store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor_core.settings import Settings


def _factory(settings: Settings) -> Any:
    from pydantic import ValidationError

    from tutor_core.errors import ConfigurationError
    from tutor_sync_convex.settings import ConvexSettings
    from tutor_sync_convex.store import ConvexStore

    try:
        convex = ConvexSettings()  # type: ignore[call-arg]
    except ValidationError as exc:
        wrong = "; ".join(
            f"TUTOR_CONVEX_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise ConfigurationError(
            f"the convex store is not configured: {wrong}",
            hint="set TUTOR_CONVEX_URL and TUTOR_CONVEX_ADMIN_KEY (see docs/convex.md)",
        ) from exc
    return ConvexStore(convex)


@hookimpl
def register_stores(register: Callable[..., None]) -> None:
    register("convex", _factory, "Convex deployment at TUTOR_CONVEX_URL (functions in convex/)")
