"""A tutor `Store` backed by the Convex functions in `convex/` (store plugin `convex`)."""

from tutor_sync_convex.settings import ConvexSettings
from tutor_sync_convex.store import ConvexStore

__all__ = ["ConvexSettings", "ConvexStore"]
