"""Silent narration: no audio, timings estimated from reading speed."""

from __future__ import annotations

from pathlib import Path

from tutor_core.models import Narration, SentenceTiming
from tutor_core.narration.base import LEAD_IN, PAUSE, TAIL, require_text
from tutor_core.narration.text import speakable

__all__ = ["WORDS_PER_SECOND", "SilentNarrator", "estimate_seconds"]

WORDS_PER_SECOND = 2.6
"""A relaxed narration pace (about 156 words per minute)."""
_MIN_SENTENCE = 0.6


def estimate_seconds(sentence: str) -> float:
    """How long `sentence` takes to say aloud, from its spoken word count."""
    words = len(speakable(sentence).split())
    return max(_MIN_SENTENCE, words / WORDS_PER_SECOND)


class SilentNarrator:
    """A narrator without audio: scenes last as long as reading the text would."""

    name: str = "silent"

    @classmethod
    def is_available(cls) -> bool:
        """Always True: it needs nothing."""
        return True

    async def synthesize(self, text: str, out_dir: Path) -> Narration:
        """Time the sentences of `text` as if spoken, with the same pauses as speech.

        Raises:
            NarrationError: the text is empty.
        """
        position = LEAD_IN
        timings: list[SentenceTiming] = []
        for index, sentence in enumerate(require_text(text)):
            if index:
                position += PAUSE
            end = position + estimate_seconds(sentence)
            timings.append(SentenceTiming(text=sentence, start=position, end=end))
            position = end
        return Narration(audio=None, duration=position + TAIL, sentences=timings, voice="silent")
