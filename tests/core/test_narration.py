"""Narrators: real Piper and espeak-ng synthesis, the sentence cache, silent timings."""

from __future__ import annotations

import wave
from pathlib import Path

import anyio
import numpy as np
import pytest

from tutor_core.errors import MissingDependency, NarrationError
from tutor_core.models import Narration
from tutor_core.narration import (
    LEAD_IN,
    PAUSE,
    EspeakNarrator,
    PiperNarrator,
    SilentNarrator,
    best_available,
)
from tutor_core.narration import piper as piper_module
from tutor_core.narration.base import read_wav
from tutor_core.settings import Settings

TEXT = "A right triangle has two legs. Then a^2 + b^2 = c^2 holds!"


def _check_timings(narration: Narration) -> None:
    """Timings increase, sit inside the WAV, and speech is where the timings say."""
    assert narration.audio is not None and narration.audio.is_file()
    samples, rate = read_wav(narration.audio)
    with wave.open(str(narration.audio)) as wav:
        assert wav.getnchannels() == 1
        assert wav.getnframes() / wav.getframerate() == pytest.approx(narration.duration)
    first, last = narration.sentences[0], narration.sentences[-1]
    assert first.start == pytest.approx(LEAD_IN)
    assert last.end < narration.duration
    for before, after in zip(narration.sentences, narration.sentences[1:], strict=False):
        assert before.start < before.end
        assert after.start == pytest.approx(before.end + PAUSE, abs=1 / rate)
    # Voice inside every sentence; exact silence in the lead-in and every pause.
    for timing in narration.sentences:
        span = samples[int(timing.start * rate) : int(timing.end * rate)]
        assert np.sqrt(np.mean(span**2)) > 0.01
    assert not samples[: int(LEAD_IN * rate) - 1].any()
    for before, after in zip(narration.sentences, narration.sentences[1:], strict=False):
        assert not samples[int(before.end * rate) + 1 : int(after.start * rate) - 1].any()


class CountingEspeak(EspeakNarrator):
    """espeak-ng, counting how often the engine really runs."""

    def __init__(self, cache_dir: Path) -> None:
        super().__init__(cache_dir)
        self.spoken: list[str] = []

    def _speak(self, sentence: str, wav: Path) -> None:
        self.spoken.append(sentence)
        super()._speak(sentence, wav)


@pytest.mark.anyio
async def test_piper_speaks_with_timings(tmp_path: Path) -> None:
    narration = await PiperNarrator(cache_dir=tmp_path / "cache").synthesize(TEXT, tmp_path)
    assert narration.voice == "piper:en_US-joe-medium"
    assert [s.text for s in narration.sentences] == [
        "A right triangle has two legs.",
        "Then a^2 + b^2 = c^2 holds!",
    ]
    _check_timings(narration)


@pytest.mark.anyio
async def test_espeak_speaks_and_caches_each_sentence(tmp_path: Path) -> None:
    narrator = CountingEspeak(tmp_path / "cache")
    first = await narrator.synthesize(TEXT, tmp_path / "one")
    assert narrator.spoken == [
        "A right triangle has two legs.",
        "Then a squared plus b squared equals c squared holds!",
    ]
    assert first.voice.startswith("espeak:")
    _check_timings(first)

    again = await narrator.synthesize(TEXT, tmp_path / "two")
    assert len(narrator.spoken) == 2  # both sentences came from the cache
    assert again.sentences == first.sentences
    assert read_wav(again.audio)[0].tobytes() == read_wav(first.audio)[0].tobytes()  # type: ignore[arg-type]

    # Editing one sentence speaks only that sentence.
    edited = await narrator.synthesize("A right triangle has two legs. It is old.", tmp_path)
    assert narrator.spoken[2:] == ["It is old."]
    assert edited.sentences[0] == first.sentences[0]


@pytest.mark.anyio
async def test_concurrent_synthesis_shares_the_cache(tmp_path: Path) -> None:
    narrators = [CountingEspeak(tmp_path / "cache") for _ in range(3)]
    results: list[Narration] = []

    async def run(narrator: CountingEspeak, index: int) -> None:
        results.append(await narrator.synthesize("Shared words here.", tmp_path / str(index)))

    async with anyio.create_task_group() as tg:
        for index, narrator in enumerate(narrators):
            tg.start_soon(run, narrator, index)
    assert len(results) == 3
    assert len({r.duration for r in results}) == 1
    cached = list((tmp_path / "cache").rglob("*.wav"))
    assert len(cached) == 1  # one entry, no temporary files left behind
    assert not list((tmp_path / "cache").rglob("*.tmp"))
    read_wav(cached[0])


@pytest.mark.anyio
async def test_silent_narrator_estimates_reading_time(tmp_path: Path) -> None:
    text = "One two three four five six seven eight nine ten eleven twelve thirteen. Short."
    out = tmp_path / "out"
    out.mkdir()
    narration = await SilentNarrator().synthesize(text, out)
    assert narration.audio is None and narration.voice == "silent"
    long, short = narration.sentences
    assert long.start == pytest.approx(LEAD_IN)
    assert long.end - long.start == pytest.approx(13 / 2.6)
    assert short.start == pytest.approx(long.end + PAUSE)
    assert narration.duration > short.end
    assert list(out.iterdir()) == []  # no files written


@pytest.mark.anyio
@pytest.mark.parametrize("narrator", ["silent", "espeak"])
async def test_empty_text_is_refused(tmp_path: Path, narrator: str) -> None:
    speaker = SilentNarrator() if narrator == "silent" else EspeakNarrator(tmp_path)
    with pytest.raises(NarrationError, match="empty") as info:
        await speaker.synthesize("  \n ", tmp_path)
    assert info.value.hint


def test_best_available_prefers_piper() -> None:
    assert PiperNarrator.is_available() and EspeakNarrator.is_available()
    narrator = best_available(Settings())
    assert isinstance(narrator, PiperNarrator)
    assert narrator.cache_dir == Settings().cache_root / "audio"


def test_fallbacks_when_engines_are_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(piper_module, "voice_model_path", lambda: None)
    with pytest.raises(MissingDependency, match="Piper") as info:
        PiperNarrator(cache_dir=tmp_path)
    assert "tutor-core[piper]" in str(info.value)
    assert isinstance(best_available(Settings()), EspeakNarrator)

    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on this PATH
    with pytest.raises(NarrationError, match="espeak-ng") as err:
        EspeakNarrator(cache_dir=tmp_path)
    assert "apt-get install espeak-ng" in str(err.value)
    assert isinstance(best_available(Settings()), SilentNarrator)


def test_plugin_factories_build_narrators() -> None:
    from tutor_core.default_plugins import narrators

    settings = Settings()
    assert isinstance(narrators._auto(settings), PiperNarrator)
    assert isinstance(narrators._espeak(settings), EspeakNarrator)
    assert isinstance(narrators._silent(settings), SilentNarrator)
