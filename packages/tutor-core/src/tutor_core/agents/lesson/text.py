"""Plain-text helpers: prompt checks, topic phrases, sentences and timing estimates."""

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
    strip_scene_count,
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


_FILLER_PREFIX = re.compile(
    r"^(?:(?:please|pls|kindly|can you|could you|would you|will you|i want you to|"
    r"i'd like you to|i would like you to|help me|make|create|generate|produce|render|"
    r"give me|show me|show|teach me|teach|tell me about|tell me|explain to me|explain|"
    r"describe|introduce|plot|graph|draw|sketch|"
    r"walk me through|go over|cover|visuali[sz]e|illustrate|"
    r"a|an|the|some|video|videos|lesson|lessons|tutorial|explainer|short|quick|simple|"
    r"animated|animation|visual|about|on|of|for|how|what|is|are|me|us|to|"
    r"understand|learn|beginners?|kids|students)\b[\s,:]*)+",
    re.IGNORECASE,
)
_FILLER_SUFFIX = re.compile(
    r"(?:[\s,]+(?:please|thanks|thank you|for (?:beginners|kids|students|me)|"
    r"simply|briefly|step by step|visually|in detail|with examples?|with a video|"
    r"in (?:a )?(?:short |simple )?(?:video|animation|way))\b)+[\s.!?]*$",
    re.IGNORECASE,
)


def topic_phrase(prompt: str) -> str:
    """A clean topic phrase from a prompt: instructions, counts and filler removed."""
    text = strip_scene_count(prompt)
    text = re.sub(r"\s+", " ", text).strip(" \t\n.!?,;:'\"")
    for _ in range(3):
        text = _FILLER_PREFIX.sub("", text).strip(" .!?,;:'\"")
        text = _FILLER_SUFFIX.sub("", text).strip(" .!?,;:'\"")
    # Keep the first clause only: the rest is usually more instructions.
    text = re.split(r"[.!?;\n]\s", text, maxsplit=1)[0].strip(" .!?,;:'\"")
    words = text.split()
    if len(words) > 8:
        text = " ".join(words[:8])
    return text or "this topic"


def title_case(phrase: str) -> str:
    """Capitalise a phrase for a title, leaving symbols and acronyms alone."""
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "as", "vs"}
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
