"""Shared fixtures: every test gets its own TUTOR_HOME; async tests run on asyncio."""

from __future__ import annotations

import os
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
    for var in list(os.environ):
        if var.startswith("TUTOR_") and var != "TUTOR_HOME":
            monkeypatch.delenv(var)
    yield home
