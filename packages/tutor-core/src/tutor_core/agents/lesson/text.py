"""Plain-text helpers: prompt checks, title case, sentences and timing estimates."""

from __future__ import annotations

import re

# Sentences and speech length come from the narrator's own helpers, so the cue
# indices an agent writes always match the sentence timings the narrator reports.
from tutor_core.narration.text import split_sentences
from tutor_core.narration.timing import WORDS_PER_SECOND, estimate_seconds
from tutor_core.prompts import (
    MAX_PROMPT_CHARS,
    MAX_SCENES,
    MIN_SCENES,
    check_prompt,
    check_scene_count,
    parse_scene_count,
)

__all__ = [
    "MAX_PROMPT_CHARS",
    "MAX_SCENES",
    "MIN_SCENES",
    "WORDS_PER_SECOND",
    "check_prompt",
    "check_scene_count",
    "estimate_seconds",
    "parse_scene_count",
    "split_sentences",
]


def title_case(phrase: str) -> str:
    """Capitalise a phrase for a title, leaving symbols and acronyms alone."""
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "as", "vs", "at",
             "by", "from", "with", "into", "over", "but", "nor", "per", "via"}  # fmt: skip
    out = []
    for i, w in enumerate(phrase.split()):
        if w.isalpha() and w.islower() and (i == 0 or (w not in small and len(w) > 1)):
            w = w[0].upper() + w[1:]
        out.append(w)
    return " ".join(out)


def clip(text: str, limit: int) -> str:
    """Shorten text to at most `limit` characters at a word boundary."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return (cut or text[: limit - 1]) + "…"


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def pretty_math(text: str) -> str:
    """Plain text for math typed with ^ ("x^2 - 3x" → "x² - 3x"), for titles drawn as text."""
    return re.sub(r"\^\{?(-?\d+)\}?", lambda m: m.group(1).translate(_SUPERSCRIPT), text)
