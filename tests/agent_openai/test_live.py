"""A real model, only when one is configured: TUTOR_OPENAI_BASE_URL (+ _MODEL, _API_KEY).

Read at import, before the autouse fixture clears TUTOR_* for every test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tutor_core import Tutor
from tutor_core.media import probe
from tutor_core.models import SceneStatus, SessionStatus
from tutor_core.settings import Settings

LIVE = {k: v for k, v in os.environ.items() if k.startswith("TUTOR_OPENAI_")}

NO_ENDPOINT = (
    "no live model endpoint: set TUTOR_OPENAI_BASE_URL and TUTOR_OPENAI_MODEL (and "
    "TUTOR_OPENAI_API_KEY if it needs one) to run this test against a real model"
)

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.slow,
    pytest.mark.skipif(not LIVE.get("TUTOR_OPENAI_BASE_URL"), reason=NO_ENDPOINT),
]


@pytest.fixture
def live_settings(tutor_home: Path, agent_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for key, value in LIVE.items():
        monkeypatch.setenv(key, value)
    return Settings(
        home=tutor_home, agent="openai", narrator="silent", quality="draft", cache_dir=agent_cache
    )


async def test_a_real_model_makes_a_whole_lesson(live_settings: Settings, tmp_path: Path) -> None:
    async with Tutor(live_settings) as tutor:
        view = await tutor.generate("explain the Pythagorean theorem", scenes=2)
        assert view.session.status == SessionStatus.READY, view.to_json()
        assert all(s.status == SceneStatus.READY for s in view.scenes)
        assert view.tokens and view.tokens > 0
        result = await tutor.export(view.session.id, tmp_path / "live.mp4")
        assert probe(result.path).frames == sum(s.duration_in_frames for s in view.scenes)
        print(
            f"live: {sum(not s.fallback for s in view.scenes)}/{len(view.scenes)} scenes made, "
            f"{view.tokens} tokens, repairs {tutor.pipeline.stats.repairs}"
        )
