"""Narrators: Piper (neural, offline), espeak-ng and silent; `best_available` picks one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tutor_core.narration.base import CachedNarrator
from tutor_core.narration.espeak import EspeakNarrator
from tutor_core.narration.piper import PiperNarrator
from tutor_core.narration.silent import SilentNarrator
from tutor_core.narration.text import speakable, split_sentences
from tutor_core.narration.timing import (
    LEAD_IN,
    PAUSE,
    TAIL,
    WORDS_PER_SECOND,
    estimate_seconds,
    sentence_seconds,
)

if TYPE_CHECKING:
    from tutor_core.interfaces import Narrator
    from tutor_core.settings import Settings

__all__ = [
    "LEAD_IN",
    "PAUSE",
    "TAIL",
    "WORDS_PER_SECOND",
    "CachedNarrator",
    "EspeakNarrator",
    "PiperNarrator",
    "SilentNarrator",
    "best_available",
    "estimate_seconds",
    "sentence_seconds",
    "speakable",
    "split_sentences",
]


def best_available(settings: Settings) -> Narrator:
    """The best narrator installed: Piper, then espeak-ng, then silent.

    Args:
        settings: where the audio cache lives (`settings.cache_root / "audio"`).
    """
    cache_dir = settings.cache_root / "audio"
    if PiperNarrator.is_available():
        return PiperNarrator(cache_dir=cache_dir)
    if EspeakNarrator.is_available():
        return EspeakNarrator(cache_dir=cache_dir)
    return SilentNarrator()
