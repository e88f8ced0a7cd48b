"""Settings from the environment (`TUTOR_` prefix) or arguments."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path(user_data_dir("tutor", appauthor=False))


def _default_concurrency() -> int:
    return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    """How a `Tutor` is put together. Every field reads `TUTOR_<FIELD>` from the environment."""

    model_config = SettingsConfigDict(env_prefix="TUTOR_", extra="ignore")

    home: Path = Field(default_factory=_default_home)
    """Data directory: database, local storage, caches."""
    store: str = "sqlite"
    storage: str = "local"
    agent: str = "lesson"
    renderer: str = "manim"
    narrator: str = "auto"
    """`auto` picks piper, then espeak, then silent."""
    queue: str = "inprocess"
    quality: Literal["draft", "final"] = "final"
    concurrency: int = Field(default_factory=_default_concurrency, ge=1, le=64)
    """How many scenes are worked on at once."""
    render_timeout: float = Field(default=300.0, gt=0, le=3600)
    """Seconds one render may take before its process group is killed."""
    scene_timeout: float = Field(default=900.0, gt=0, le=7200)
    """Seconds one scene may take end to end (narration, code, renders, upload)."""
    repair_attempts: int = Field(default=2, ge=0, le=10)
    """How many times the agent may repair a scene that failed to render."""
    fallback_scenes: bool = True
    """When a scene cannot be rendered or repaired, show a simple title card instead."""
    retry_attempts: int = Field(default=3, ge=1, le=10)
    """Attempts for transient failures (storage, store), with exponential backoff."""
    database_url: str | None = None
    """SQLite path or URL for the `sqlite` store; default `<home>/tutor.db`."""
    storage_dir: Path | None = None
    """Root of the `local` storage; default `<home>/storage`."""
    public_base_url: str | None = None
    """Base URL that serves local storage (set by the server); default `file://` URLs."""
    cache_dir: Path | None = None
    """Render and audio caches; default `<home>/cache`."""

    @field_validator("home", mode="after")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        return v.expanduser()

    @property
    def db_path(self) -> str:
        return self.database_url or str(self.home / "tutor.db")

    @property
    def storage_root(self) -> Path:
        return (self.storage_dir or self.home / "storage").expanduser()

    @property
    def cache_root(self) -> Path:
        return (self.cache_dir or self.home / "cache").expanduser()
