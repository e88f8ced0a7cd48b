"""How narration is laid out in time, and how long a text takes to say.

The one place for these numbers: narrators lay their audio out with them, the silent
narrator times sentences with them, and agents estimate a scene's length with
`estimate_seconds` before any audio exists.
"""

from __future__ import annotations

from tutor_core.narration.text import speakable, split_sentences

__all__ = [
    "LEAD_IN",
    "MIN_SENTENCE",
    "PAUSE",
    "TAIL",
    "WORDS_PER_SECOND",
    "estimate_seconds",
    "sentence_seconds",
]

LEAD_IN = 0.3
"""Seconds of silence before the first sentence (so speech does not start on a cut)."""
PAUSE = 0.25
"""Seconds of silence between two sentences."""
TAIL = 0.3
"""Seconds of silence after the last sentence."""
WORDS_PER_SECOND = 2.6
"""A relaxed narration pace (about 156 words per minute)."""
MIN_SENTENCE = 0.6
"""No sentence, however short, is said in less time than this."""


def sentence_seconds(sentence: str) -> float:
    """How long one sentence takes to say aloud, from its spoken word count."""
    words = len(speakable(sentence).split())
    return max(MIN_SENTENCE, words / WORDS_PER_SECOND)


def estimate_seconds(text: str) -> float:
    """How long narrating `text` takes: what the silent narrator would produce.

    Sentences are split exactly as narrators split them, so an estimate made before
    synthesis and the timings made after it count the same sentences.
    """
    sentences = split_sentences(text)
    if not sentences:
        return 0.0
    spoken = sum(sentence_seconds(s) for s in sentences)
    return round(LEAD_IN + spoken + PAUSE * (len(sentences) - 1) + TAIL, 3)
