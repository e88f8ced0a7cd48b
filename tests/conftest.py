"""Shared fixtures: every test gets its own TUTOR_HOME; async tests run on asyncio."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# No per-example deadline: a loaded 2-core machine must not turn slow examples into
# failures. CI replays the same examples every run (derandomize) so a red run is real
# and reproducible; locally hypothesis explores new examples each time.
settings.register_profile("tutor", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", parent=settings.get_profile("tutor"), derandomize=True, print_blob=True
)
settings.load_profile("ci" if os.environ.get("CI") else "tutor")

pytest_plugins = [
    "tests.fixtures.s3server",
    "tests.fixtures.manim_docs",
    "tests.fixtures.convex_bridge",
]


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
