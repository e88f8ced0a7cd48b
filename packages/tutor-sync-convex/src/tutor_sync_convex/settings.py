"""Convex settings from the environment (`TUTOR_CONVEX_` prefix)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConvexSettings(BaseSettings):
    """Where the Convex deployment is and how to reach its internal functions."""

    model_config = SettingsConfigDict(env_prefix="TUTOR_CONVEX_", extra="ignore")

    url: str
    """The deployment URL, e.g. `https://happy-animal-123.convex.cloud` (TUTOR_CONVEX_URL)."""
    admin_key: SecretStr
    """A deploy or admin key: the store calls internal functions (TUTOR_CONVEX_ADMIN_KEY)."""
    poll_interval: float = Field(default=0.5, gt=0, le=60)
    """Seconds between polls in `watch` for changes made by other processes."""

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL of a Convex deployment")
        return value
