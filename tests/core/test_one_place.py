"""One place each: URLs computed when read, the database URL, hook tracing, sentences, timing."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tutor_core import Settings, Tutor
from tutor_core.agents.lesson import LessonAgent
from tutor_core.agents.lesson.text import estimate_seconds as agent_estimate
from tutor_core.agents.lesson.text import split_sentences as agent_split
from tutor_core.narration import SilentNarrator, estimate_seconds, split_sentences
from tutor_core.settings import sqlite_path
from tutor_core.storages.local import LocalStorage
from tutor_core.testing import FakeRenderer, ScriptedAgent

TUTOR = str(Path(sys.executable).with_name("tutor"))


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TUTOR, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


# ------------------------------------------------------------ URLs when read


@pytest.mark.anyio
async def test_scenes_store_keys_and_views_compute_urls_when_read(tmp_path: Path) -> None:
    home = tmp_path / "home"
    root = tmp_path / "storage"

    def tutor(base_url: str | None) -> Tutor:
        return Tutor(
            Settings(quality="draft", home=home),
            renderer=FakeRenderer(),
            agent=ScriptedAgent(),
            narrator=SilentNarrator(),
            storage=LocalStorage(root, public_base_url=base_url),
        )

    async with tutor(None) as first:
        view = await first.generate("explain rainbows", scenes=1)
        scene = view.scenes[0]
        assert scene.s3_chunk_url == (root / "chunks" / str(scene.s3_chunk_key)).as_uri()
        assert scene.s3_subtitles_url and scene.s3_subtitles_url.endswith(".vtt")
        wire = view.to_json()["scenes"][0]
        assert wire["chunkUrl"] == scene.s3_chunk_url
    # Served by a server now: the same record gives that server's URLs.
    async with tutor("https://tutor.example/media") as second:
        again = (await second.session(view.session.id)).scenes[0]
    assert again.s3_chunk_url == f"https://tutor.example/media/chunks/{scene.s3_chunk_key}"
    with sqlite3.connect(home / "tutor.db") as conn:
        (data,) = conn.execute("SELECT data FROM scenes WHERE id=?", (scene.id,)).fetchone()
    stored = json.loads(data)
    assert stored["s3_chunk_key"] == scene.s3_chunk_key
    assert not {k for k in stored if k.endswith("_url")}, "no URL is ever stored"


# ------------------------------------------------------------- database URL


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("tutor.db", "tutor.db"),
        ("/var/lib/tutor/tutor.db", "/var/lib/tutor/tutor.db"),
        ("sqlite:///data/tutor.db", "data/tutor.db"),
        ("sqlite:////var/lib/tutor.db", "/var/lib/tutor.db"),
        ("sqlite://", ":memory:"),
        ("sqlite:///:memory:", ":memory:"),
        ("file:tutor.db?mode=rwc", "file:tutor.db?mode=rwc"),
    ],
)
def test_sqlite_urls_name_the_file_to_open(url: str, path: str) -> None:
    assert sqlite_path(url) == path
    assert Settings(database_url=url).db_path == path


@pytest.mark.parametrize(
    "url", ["postgresql://tutor@db/tutor", "mysql+pymysql://x/y", "sqlite:/one-slash", "  "]
)
def test_other_database_urls_are_refused_for_the_sqlite_store(url: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Settings(database_url=url)
    assert "TUTOR_DATABASE_URL" in str(exc.value)
    # Another store may take such a URL: validating it is that store's business.
    assert Settings(database_url=url, store="postgres").database_url == url


def test_cli_refuses_a_postgres_url_and_creates_no_file(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TUTOR_HOME": str(tmp_path / "home"),
        "TUTOR_DATABASE_URL": "postgresql://tutor@localhost/tutor",
        "NO_COLOR": "1",
    }
    done = _run("sessions", env=env)
    assert done.returncode == 1, done.stderr
    assert "TUTOR_DATABASE_URL" in done.stderr and "postgresql" in done.stderr
    assert "TUTOR_STORE" in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.rglob("*postgres*")), "no SQLite file named after the URL"


# ------------------------------------------------------------------ tracing


def test_trace_plugins_prints_registry_and_command_hook_calls(tmp_path: Path) -> None:
    env = {**os.environ, "TUTOR_HOME": str(tmp_path), "TUTOR_TRACE_PLUGINS": "1"}
    done = _run("plugins", "--json", env=env)
    assert done.returncode == 0, done.stderr
    for hook in ("register_commands", "register_renderers", "register_stores"):
        assert f"{hook} [hook]" in done.stderr, hook
    assert "finish register_stores" in done.stderr
    quiet = _run("plugins", "--json", env={**os.environ, "TUTOR_HOME": str(tmp_path)})
    assert "[hook]" not in quiet.stderr


# ------------------------------------------------------------ sentences, time


def test_the_agent_and_the_narrator_split_sentences_alike() -> None:
    text = "Pi is approx. 3.14 in decimals. It never ends. We write it as 22/7 roughly."
    assert agent_split is split_sentences
    assert agent_estimate is estimate_seconds
    assert split_sentences(text) == [
        "Pi is approx. 3.14 in decimals.",
        "It never ends.",
        "We write it as 22/7 roughly.",
    ]
    narration = anyio.run(SilentNarrator().synthesize, text, None)
    assert [s.text for s in narration.sentences] == split_sentences(text)
    assert narration.duration == pytest.approx(estimate_seconds(text), abs=1e-3)


_sentence = st.sampled_from(
    ["Pi is approx. 3.14 here.", "Dr. Smith agrees!", "Is x = 2?", "It equals L.", "Wait..."]
)


@given(st.lists(_sentence, min_size=1, max_size=6).map(" ".join))
def test_estimates_are_what_the_silent_narrator_takes(text: str) -> None:
    narration = anyio.run(SilentNarrator().synthesize, text, None)
    assert narration.duration == pytest.approx(estimate_seconds(text), abs=1e-3)
    assert len(narration.sentences) == len(split_sentences(text))


@pytest.mark.anyio
async def test_cue_indices_of_the_offline_agent_match_the_narrators_sentences() -> None:
    agent = LessonAgent()
    for prompt in ("explain the Pythagorean theorem", "explain limits", "explain pi"):
        plan = await agent.plan(prompt, 4)
        for index, scene in enumerate(plan.scenes):
            source = await agent.write(plan, index, narration_seconds=10.0)
            spec = getattr(source, "spec", None)
            if spec is None:
                continue
            narration = await SilentNarrator().synthesize(scene.narration, None)  # type: ignore[arg-type]
            cues = [a.cue for a in spec.animations if a.cue is not None]
            assert all(c < len(narration.sentences) for c in cues), (prompt, index, cues)


def test_one_sha256_helper() -> None:
    root = Path(__file__).resolve().parents[2] / "packages"
    users = [
        p
        for p in root.rglob("*.py")
        if "hashlib.sha256" in p.read_text() and p.name not in ("hashing.py", "signing.py")
    ]
    assert users == [], f"hash through tutor_core.hashing, not hashlib: {users}"


def test_one_video_probe() -> None:
    root = Path(__file__).resolve().parents[2] / "packages"
    # A function named like a probe that opens media with PyAV: only tutor_core.media has one.
    probes = [
        p
        for p in root.rglob("*.py")
        if "av.open(" in p.read_text() and re.search(r"^def \w*probe", p.read_text(), re.M)
    ]
    assert [p.name for p in probes] == ["media.py"], probes
