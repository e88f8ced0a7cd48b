"""Shared fixtures: every test gets its own TUTOR_HOME; async tests run on asyncio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.fixtures.s3server"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def tutor_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty data directory per test, so tests never touch the user's own."""
    home = tmp_path / "tutor-home"
    home.mkdir()
    monkeypatch.setenv("TUTOR_HOME", str(home))
    for var in ("TUTOR_STORE", "TUTOR_STORAGE", "TUTOR_AGENT", "TUTOR_RENDERER",
                "TUTOR_NARRATOR", "TUTOR_QUEUE", "TUTOR_DATABASE_URL", "TUTOR_STORAGE_DIR",
                "TUTOR_CACHE_DIR", "TUTOR_LOAD_PLUGINS", "TUTOR_TRACE_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    yield home
