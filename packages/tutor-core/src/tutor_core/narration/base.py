"""`CachedNarrator`: speak sentence by sentence, cache each sentence, join into one WAV."""

from __future__ import annotations

import os
import tempfile
import wave
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

import anyio
import anyio.to_thread
import numpy as np
import numpy.typing as npt

from tutor_core.errors import NarrationError
from tutor_core.hashing import sha256_hex
from tutor_core.models import Narration, SentenceTiming
from tutor_core.narration.text import speakable, split_sentences
from tutor_core.narration.timing import LEAD_IN, PAUSE, TAIL

__all__ = [
    "LEAD_IN",
    "PAUSE",
    "TAIL",
    "CachedNarrator",
    "atomic_write_wav",
    "read_wav",
    "require_text",
    "trim_silence",
]


Samples = npt.NDArray[np.float32]


def require_text(text: str) -> list[str]:
    """The sentences of `text`, or NarrationError when there is nothing to say."""
    sentences = split_sentences(text)
    if not sentences:
        raise NarrationError(
            "narration text is empty",
            hint="give each scene at least one sentence of narration, "
            "or use the `silent` narrator for a scene without speech",
        )
    return sentences


def read_wav(path: Path) -> tuple[Samples, int]:
    """Read a PCM WAV as mono float32 samples in [-1, 1] and its sample rate.

    Raises:
        NarrationError: the file is not a PCM WAV of 8, 16 or 32 bits.
    """
    try:
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            channels = wav.getnchannels()
            width = wav.getsampwidth()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise NarrationError(
            f"cannot read the synthesized audio {path.name}: {exc}",
            hint="the speech engine wrote a broken WAV; delete the audio cache and retry",
        ) from exc
    if width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        data = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 4:
        data = np.frombuffer(raw, dtype="<i4").astype(np.float32) / 2147483648.0
    else:
        raise NarrationError(
            f"unsupported WAV sample width {width * 8} bits in {path.name}",
            hint="speech engines must write 8, 16 or 32-bit PCM",
        )
    if channels > 1:
        # Narration is mono: average the channels rather than dropping one.
        data = data.reshape(-1, channels).mean(axis=1, dtype=np.float32)
    return data.astype(np.float32, copy=False), rate


def _resample(samples: Samples, rate: int, target: int) -> Samples:
    """Linear-interpolation resampling; good enough for speech joined into one file."""
    if rate == target or samples.size == 0:
        return samples
    count = round(samples.size * target / rate)
    positions = np.arange(count, dtype=np.float64) * (rate / target)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)


def trim_silence(samples: Samples, rate: int, threshold: float = 0.01) -> Samples:
    """Drop near-silence at both ends, keeping 30 ms of margin.

    Engines pad each utterance with silence of their own; trimming it makes the
    sentence timings (and so the subtitles) follow the voice, and the pauses
    between sentences the ones we chose.
    """
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    margin = round(0.03 * rate)
    return samples[max(0, loud[0] - margin) : loud[-1] + 1 + margin]


def atomic_write_wav(path: Path, samples: Samples, rate: int) -> None:
    """Write mono 16-bit PCM to `path` through a temporary file and a rename.

    Readers never see a half-written file, and two writers of the same content
    simply replace each other.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2")
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(pcm.tobytes())
        # mkstemp creates 0600 files; narration is uploaded and served, keep it readable.
        Path(tmp_name).chmod(0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


class CachedNarrator(ABC):
    """Base of narrators that speak one sentence at a time into WAV files.

    Subclasses set `name` and `voice_id` and implement `_speak`. Each sentence's
    audio is cached in `cache_dir` under the SHA-256 of the voice id and the
    speakable text, so editing one sentence re-synthesizes only that sentence.
    """

    name: str
    voice_id: ClassVar[str]
    """Identifies the voice (engine, model, settings): part of the cache key."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)

    @classmethod
    @abstractmethod
    def is_available(cls) -> bool:
        """Whether this narrator can run on this machine."""

    @abstractmethod
    def _speak(self, sentence: str, wav: Path) -> None:
        """Synthesize one speakable sentence into a WAV file at `wav` (runs in a thread)."""

    def cache_key(self, spoken: str) -> str:
        """The cache key of one spoken sentence."""
        return sha256_hex(f"{self.voice_id}\0{spoken}")

    def _cached_wav(self, spoken: str) -> Path:
        """Return the cached WAV of `spoken`, synthesizing it on a miss (blocking)."""
        key = self.cache_key(spoken)
        path = self.cache_dir / key[:2] / f"{key}.wav"
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        # The engine writes to a private temporary name; the rename publishes it whole.
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".wav")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            self._speak(spoken, tmp)
            if tmp.stat().st_size == 0:
                raise NarrationError(
                    f"{self.name} wrote no audio for {spoken[:60]!r}",
                    hint="check that the speech engine works: `tutor doctor`",
                )
            read_wav(tmp)  # refuse to cache a broken file
            tmp.chmod(0o644)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    async def synthesize(self, text: str, out_dir: Path) -> Narration:
        """Speak `text` into one WAV in `out_dir`, with per-sentence timings.

        The WAV starts with `LEAD_IN` seconds of silence, has `PAUSE` seconds
        between sentences and `TAIL` seconds at the end. Timings are in seconds
        from the start of the WAV and carry the original (unspoken) sentence text.

        Raises:
            NarrationError: the text is empty or the engine failed.
        """
        sentences = require_text(text)
        spoken = [speakable(s) for s in sentences]
        if not any(_has_words(s) for s in spoken):
            raise NarrationError(
                "narration has no words to speak",
                hint="write the narration as sentences, not only punctuation",
            )
        clips: list[tuple[Samples, int]] = []
        for phrase in spoken:
            if not _has_words(phrase):
                clips.append((np.zeros(0, dtype=np.float32), 0))
                continue
            wav_path = await anyio.to_thread.run_sync(self._cached_wav, phrase)
            clips.append(await anyio.to_thread.run_sync(read_wav, wav_path))
        rate = next(r for _, r in clips if r > 0)
        fitted = [trim_silence(_resample(s, r or rate, rate), rate) for s, r in clips]
        joined, timings = _join(sentences, fitted, rate)
        digest = sha256_hex(f"{self.voice_id}\0{chr(10).join(spoken)}")
        out = Path(out_dir) / f"narration-{self.name}-{digest[:16]}.wav"
        await anyio.to_thread.run_sync(atomic_write_wav, out, joined, rate)
        return Narration(
            audio=out,
            duration=joined.size / rate,
            sentences=timings,
            voice=self.voice_id,
        )


def _join(
    sentences: list[str], clips: list[Samples], rate: int
) -> tuple[Samples, list[SentenceTiming]]:
    """Concatenate sentence clips with the lead-in, pauses and tail; time each one."""
    lead = np.zeros(round(LEAD_IN * rate), dtype=np.float32)
    pause = np.zeros(round(PAUSE * rate), dtype=np.float32)
    tail = np.zeros(round(TAIL * rate), dtype=np.float32)
    parts: list[Samples] = [lead]
    timings: list[SentenceTiming] = []
    position = lead.size
    for index, (sentence, clip) in enumerate(zip(sentences, clips, strict=True)):
        if index:
            parts.append(pause)
            position += pause.size
        timings.append(
            SentenceTiming(text=sentence, start=position / rate, end=(position + clip.size) / rate)
        )
        parts.append(clip)
        position += clip.size
    parts.append(tail)
    return np.concatenate(parts), timings
