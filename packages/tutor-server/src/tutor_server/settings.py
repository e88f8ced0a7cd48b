"""Server settings from the environment (`TUTOR_` prefix), checked before anything starts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tutor_core.errors import ConfigurationError

PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "dev", "development", "test", "placeholder", "xxx"}
)
MIN_SECRET_LENGTH = 32


def is_real_secret(value: str | None) -> bool:
    """True for a secret that is long enough and not a well-known placeholder."""
    return (
        value is not None
        and value.strip().lower() not in PLACEHOLDER_SECRETS
        and len(value) >= MIN_SECRET_LENGTH
    )


class ServerSettings(BaseSettings):
    """How the server runs. Every field reads `TUTOR_<FIELD>` from the environment."""

    model_config = SettingsConfigDict(env_prefix="TUTOR_", extra="ignore")

    local_mode: bool = False
    """One person on this machine: loopback only, a local user, a generated secret."""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    secret_key: str | None = None
    """Signs the API's bearer tokens (HS256). Required outside local mode."""
    webhook_secret: str | None = None
    """Shared with the Convex actions; signs `/jobs/*` requests. Unset: webhooks answer 503."""
    token_ttl: int = Field(default=7 * 24 * 3600, gt=0)
    """Seconds a token made by `tutor token create` stays valid."""
    public_url: str | None = None
    """The URL clients reach this server at (for absolute media URLs); default relative."""
    redis_url: str | None = None
    """Redis for the Celery broker, the event log (SSE), replay guard and rate limits."""
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    """Largest request body accepted (413 above)."""
    max_prompt_chars: int = Field(default=2000, ge=1, le=2000)
    """Longest prompt or edit instruction accepted (422 above)."""
    jobs_per_minute: int = Field(default=20, ge=1)
    """Per-user rate limit on creating jobs (429 with Retry-After above)."""
    max_active_jobs: int = Field(default=3, ge=1)
    """Per-user cap on sessions being generated or edited at once (429 above)."""
    url_expires: int = Field(default=3600, ge=60)
    """Seconds presigned media URLs stay valid."""
    read_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    """Longest a session read is reused when no change was announced (0: never reuse)."""
    sse_ping: float = Field(default=15.0, gt=0)
    """Seconds between SSE keep-alive comments."""
    event_retention: int = Field(default=7 * 24 * 3600, gt=0)
    """Seconds a session's event log is kept in Redis after its last event."""
    celery_visibility_timeout: int = Field(default=3600, ge=1)
    """Seconds before an unacknowledged Celery task is redelivered (above a scene's runtime)."""
    celery_restore_interval: int = Field(default=10, ge=1)
    """Seconds between sweeps that redeliver tasks of dead workers."""
    log_format: Literal["json", "text"] = "json"

    @model_validator(mode="after")
    def _check(self) -> ServerSettings:
        if self.local_mode and self.host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("local mode listens on loopback only (TUTOR_HOST=127.0.0.1)")
        return self

    def require_secret(self) -> str:
        """The signing secret, or ConfigurationError outside local mode without a real one."""
        if is_real_secret(self.secret_key):
            assert self.secret_key is not None
            return self.secret_key
        if self.local_mode:
            raise ConfigurationError(
                "local mode needs its generated secret",
                hint="start the server with `tutor serve`, which makes one",
            )
        raise ConfigurationError(
            "TUTOR_SECRET_KEY is missing, a placeholder, or shorter than "
            f"{MIN_SECRET_LENGTH} characters",
            hint='set it to a long random string, e.g. python -c "import secrets; '
            'print(secrets.token_urlsafe(48))"; or run `tutor serve --local` on your machine',
        )
