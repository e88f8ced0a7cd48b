"""Settings from the environment (`TUTOR_` prefix) or arguments."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from tutor_core.errors import ConfigurationError


def _default_home() -> Path:
    return Path(user_data_dir("tutor", appauthor=False))


def _default_concurrency() -> int:
    return max(1, os.cpu_count() or 1)


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def sqlite_path(url: str) -> str:
    """The database the SQLite store opens for a `TUTOR_DATABASE_URL`.

    Accepts a plain path, `sqlite:///relative.db`, `sqlite:////absolute.db`,
    `sqlite://` or `sqlite:///:memory:` (in memory), and SQLite's own `file:` URIs.

    Raises:
        ValueError: any other URL, e.g. `postgresql://...`, which the SQLite store
            cannot open (a file named after the URL would be created otherwise).
    """
    text = url.strip()
    if not text:
        raise ValueError("TUTOR_DATABASE_URL is empty: unset it to use TUTOR_HOME/tutor.db")
    match = _SCHEME.match(text)
    # A one-letter "scheme" is a Windows drive (C:\...), not a URL.
    if match is None or len(match.group(1)) == 1:
        return text
    scheme = match.group(1).lower()
    if scheme == "file":
        return text
    if scheme == "sqlite":
        rest = text[len("sqlite:") :]
        if rest in ("", "//", "///:memory:"):
            return ":memory:"
        if not rest.startswith("///") or len(rest) == 3:
            raise ValueError(
                f"TUTOR_DATABASE_URL={url!r} is not a SQLite URL with a path: write "
                "sqlite:///relative/path.db or sqlite:////absolute/path.db"
            )
        return rest[3:]
    raise ValueError(
        f"TUTOR_DATABASE_URL={url!r} is a {scheme} URL, but the store is 'sqlite', which "
        "only opens SQLite files: set it to a file path or sqlite:///path.db, or install a "
        f"store plugin for {scheme} and select it with TUTOR_STORE (`tutor plugins` lists them)"
    )


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
    lease_seconds: float = Field(default=60.0, ge=1.0, le=3600)
    """How long a job holds a busy scene without renewing it (it renews every quarter).

    When a worker dies, its scenes can be recovered (`tutor retry`, recovery at start)
    once this has passed since its last renewal.
    """
    queue_timeout: float = Field(default=3600.0, ge=1.0, le=7 * 24 * 3600)
    """Seconds a queued session may wait for its job to start before it counts as lost."""
    database_url: str | None = None
    """Database of the store. For `sqlite` (the default store): a file path or a
    `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` or `sqlite://` (in memory)
    URL; default `<home>/tutor.db`. Other stores define their own URLs."""
    storage_dir: Path | None = None
    """Root of the `local` storage; default `<home>/storage`."""
    public_base_url: str | None = None
    """Base URL that serves local storage (set by the server); default `file://` URLs."""
    cache_dir: Path | None = None
    """Render and audio caches; default `<home>/cache`."""
    openai_base_url: str | None = None
    """Base URL of the OpenAI-compatible endpoint of the `openai` agent, with its `/v1`
    (OpenAI, or a local Ollama / vLLM / llama.cpp server)."""
    openai_api_key: SecretStr | None = None
    """API key sent as a bearer token (local servers usually need none)."""
    openai_model: str | None = None
    """Model name on that endpoint, e.g. `gpt-4.1-mini` or `qwen2.5-coder:14b`."""
    openai_timeout: float = Field(default=120.0, gt=0, le=3600)
    """Seconds one request to the endpoint may take."""
    openai_max_attempts: int = Field(default=3, ge=1, le=10)
    """Attempts per request (rate limits, server errors) and per piece of scene code
    (code that fails `validate_scene` is sent back to the model with the problems)."""
    openai_max_tool_calls: int = Field(default=12, ge=0, le=100)
    """Documentation tool calls (search_docs, get_api, validate_scene...) the model may
    make while writing one scene."""
    openai_mcp_servers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["tutor-manim-mcp"]
    )
    """MCP servers the agent consults for Manim documentation: commands started over
    stdio (a JSON list, e.g. `["tutor-manim-mcp"]`, or one command), or `inprocess` to
    read the same docs index in this process. One of them must offer `validate_scene`."""
    openai_input_price: float | None = Field(default=None, ge=0)
    """USD per million prompt tokens, for cost estimates (unset: cost unknown)."""
    openai_output_price: float | None = Field(default=None, ge=0)
    """USD per million completion tokens, for cost estimates (unset: cost unknown)."""
    allow_unsandboxed_code: bool = False
    """Render generated scene code even where the OS boundary around renders (bubblewrap)
    cannot run; then only the code policy, the runtime guard and rlimits stand between
    that code and this machine. Compiled specs render either way."""

    @field_validator("openai_mcp_servers", mode="before")
    @classmethod
    def _server_list(cls, v: object) -> object:
        if isinstance(v, str):
            text = v.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"not a JSON list of commands: {exc.msg}") from None
            return [text] if text else []
        return v

    @field_validator("home", mode="after")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        return v.expanduser()

    @model_validator(mode="after")
    def _check_database_url(self) -> Settings:
        if self.store == "sqlite" and self.database_url is not None:
            sqlite_path(self.database_url)  # raises ValueError with what to do
        return self

    @property
    def db_path(self) -> str:
        """What the `sqlite` store opens: a file path, `:memory:` or a `file:` URI."""
        if self.database_url is None:
            return str(self.home / "tutor.db")
        return sqlite_path(self.database_url)

    @property
    def storage_root(self) -> Path:
        return (self.storage_dir or self.home / "storage").expanduser()

    @property
    def cache_root(self) -> Path:
        return (self.cache_dir or self.home / "cache").expanduser()


def settings_error(exc: ValidationError) -> ConfigurationError:
    """A ConfigurationError that names the `TUTOR_*` variable(s) a ValidationError is about."""
    lines = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"TUTOR_{field.upper()}: {message}" if field else message)
    return ConfigurationError(
        "invalid settings: " + "; ".join(lines),
        hint="fix or unset the TUTOR_* environment variable(s) named above",
    )


def ensure_home(home: Path) -> Path:
    """Create the data directory if needed and check that files can be written in it.

    Raises:
        ConfigurationError: `home` is a file, cannot be created, or is not writable
            (one message naming TUTOR_HOME, instead of an OS traceback later).
    """
    reason = None
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if home.exists() and not home.is_dir():
            reason = "it is a file, not a directory"
    if reason is None:
        try:
            with tempfile.TemporaryFile(dir=home):
                pass
        except OSError as exc:
            reason = f"files cannot be created in it ({exc.strerror or type(exc).__name__})"
    if reason is not None:
        raise ConfigurationError(
            f"cannot use the data directory {home} (TUTOR_HOME): {reason}",
            hint="set TUTOR_HOME to a directory you can write, or unset it to use "
            f"the default ({_default_home()})",
        )
    return home
