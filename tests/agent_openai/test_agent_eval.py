"""bench/agent_eval.py: refuses without an endpoint; measures a lesson against the fake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.agent_openai import scripted_model
from tests.agent_openai.fake_openai import MODEL, FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "agent_eval.py"


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    return env | {"TUTOR_HOME": str(home), **extra}


def test_it_refuses_to_run_without_an_endpoint(tmp_path: Path, tutor_home: Path) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("explain sine\n")
    done = subprocess.run(
        [sys.executable, str(BENCH), str(prompts)],
        env=_env(tutor_home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "TUTOR_OPENAI_BASE_URL and TUTOR_OPENAI_MODEL" in done.stderr
    model_only = subprocess.run(
        [sys.executable, str(BENCH), str(prompts)],
        env=_env(tutor_home, TUTOR_OPENAI_BASE_URL="http://127.0.0.1:9/v1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert model_only.returncode == 2 and "set TUTOR_OPENAI_MODEL" in model_only.stderr


@pytest.mark.slow
def test_it_measures_a_lesson(tmp_path: Path, tutor_home: Path, agent_cache: Path) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("# one lesson\nexplain the Pythagorean theorem, never valid\n")
    with FakeOpenAI(api_key=None) as fake:
        fake.default = scripted_model.respond
        done = subprocess.run(
            [sys.executable, str(BENCH), str(prompts), "--scenes", "2"],
            env=_env(
                tutor_home,
                TUTOR_OPENAI_BASE_URL=fake.base_url,
                TUTOR_OPENAI_MODEL=MODEL,
                TUTOR_OPENAI_MCP_SERVERS="inprocess",
                TUTOR_NARRATOR="silent",
                TUTOR_CACHE_DIR=str(agent_cache),
            ),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert not fake.errors, fake.errors
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("explain the Pyth")]
    # Scene 1 is a spec; scene 2 is never valid code, so it is the fallback.
    cells = rows[0].split()[-11:-3] if rows else []
    assert cells == ["2", "50.0", "%", "50.0", "%", "50.0", "%", "0"], rows
    assert "cost" in done.stdout and "unknown" in rows[0], "no prices: the cost is unknown"
    assert "93.8 %" in done.stdout, "the field's figures are printed to compare"
