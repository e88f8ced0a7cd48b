"""Fixtures of the openai agent tests: the scripted endpoint, a built docs index, settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.agent_openai.fake_openai import API_KEY, MODEL, FakeOpenAI
from tutor_core.settings import Settings
from tutor_render_manim.docs_index import DocsIndex
from tutor_render_manim.manim_introspect import Snapshot


@pytest.fixture(scope="session")
def agent_cache(tmp_path_factory: pytest.TempPathFactory, manim_snapshot: Snapshot) -> Path:
    """A tutor cache directory whose `manim-docs` holds a built index (one per run)."""
    cache = tmp_path_factory.mktemp("agent-cache")
    DocsIndex.open(cache / "manim-docs", snapshot=lambda: manim_snapshot)
    return cache


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server
        assert not server.errors, f"protocol violations: {server.errors}"


@pytest.fixture
def settings(fake: FakeOpenAI, agent_cache: Path, tutor_home: Path) -> Settings:
    """Settings of the openai agent against the fake endpoint (docs read in-process)."""
    return Settings(
        home=tutor_home,
        agent="openai",
        narrator="silent",
        quality="draft",
        concurrency=2,
        openai_base_url=fake.base_url,
        openai_api_key=API_KEY,
        openai_model=MODEL,
        openai_timeout=20,
        openai_mcp_servers=["inprocess"],
        cache_dir=agent_cache,
        openai_input_price=2.0,
        openai_output_price=8.0,
    )
