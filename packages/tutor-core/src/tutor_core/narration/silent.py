"""Silent narration: no audio, timings estimated from reading speed."""

from __future__ import annotations

from pathlib import Path

from tutor_core.models import Narration, SentenceTiming
from tutor_core.narration.base import require_text
from tutor_core.narration.timing import LEAD_IN, PAUSE, TAIL, WORDS_PER_SECOND, sentence_seconds

__all__ = ["WORDS_PER_SECOND", "SilentNarrator"]


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
            end = position + sentence_seconds(sentence)
            timings.append(SentenceTiming(text=sentence, start=position, end=end))
            position = end
        return Narration(audio=None, duration=position + TAIL, sentences=timings, voice="silent")
