"""What a prompt is about, in words that fit grammatical sentences and short titles.

A prompt names its subject either as a noun phrase ("photosynthesis", "supply and
demand", "how vaccines work") or as a direct question ("why is the sky blue?").
Narration only uses a subject in frames that are grammatical for its kind: a noun
phrase after "about"/"on" or as "Our topic is ..."; a question on its own, as "Our
question is: ...?", and as "this question" afterwards. Titles are cut at phrase
boundaries, never in the middle of a phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tutor_core.agents.lesson.text import title_case
from tutor_core.narration.text import ends_sentence_after
from tutor_core.prompts import strip_scene_count

TITLE_CHARS = 44
"""Longest title shown on screen (a title band or a headline line holds about this much)."""
PHRASE_WORDS = 10
"""Longest topic phrase kept from a prompt, in words (cut at a phrase boundary)."""
PHRASE_CHARS = 100
"""Longest topic phrase in characters (ten very long words are still a phrase)."""

_WH = ("how", "why", "what", "when", "where", "who", "which", "whose", "whom")
_AUX = (
    "do", "does", "did", "is", "are", "was", "were", "can", "could", "will", "would",
    "should", "shall", "may", "might", "must", "has", "have", "had",
)  # fmt: skip
# Words a phrase may be cut before, strongest first: a title ends where a new
# phrase (a clause or a prepositional phrase) would begin.
_CLAUSE = ("because", "so that", "which", "that", "who", "where", "when", "while", "whereas",
           "although", "if", "using", "via", "by", "through", "during", "without", "with",
           "for", "from", "in", "on", "at", "into", "to", "between", "versus", "vs",
           "including", "like", "such as")  # fmt: skip
_JOIN = ("and", "or", "but")
_FUNCTION_WORDS = frozenset({
    "a", "an", "the", "of", "and", "or", "but", "to", "in", "on", "at", "for", "with", "by",
    "from", "into", "its", "their", "his", "her", "our", "your", "my", "this", "that",
    "these", "those", "is", "are", "was", "were", "be", "as", "than", "then", "so", "very",
})  # fmt: skip


Kind = Literal["noun", "question", "statement"]


@dataclass(frozen=True)
class Subject:
    """A lesson's subject, ready for titles and narration.

    Attributes:
        phrase: the subject as the person wrote it, cleaned (no "explain", no "in 4 scenes").
        kind: `noun` ("photosynthesis", "how vaccines work"), `question` ("why is the
            sky blue") or `statement` ("the mitochondria is the powerhouse of the cell").
        heading: a title of at most TITLE_CHARS characters, cut at a phrase boundary.
    """

    phrase: str
    kind: Kind
    heading: str

    @property
    def question(self) -> bool:
        """Whether the subject is a direct question."""
        return self.kind == "question"

    @property
    def about(self) -> str:
        """The subject after "about" or "on": "photosynthesis", "this question"."""
        return {"noun": self.phrase, "question": "this question", "statement": "this topic"}[
            self.kind
        ]

    @property
    def intro(self) -> str:
        """A sentence that names the subject."""
        if self.kind == "question":
            return f"Today's question: {_sentence_case(self.phrase)}?"
        if not ends_sentence_after(self.phrase):
            # "Today's topic: RESP." would read on into the next sentence ("resp." is an
            # abbreviation), so the phrase goes first.
            return f"{_sentence_case(self.phrase)} is today's topic."
        return f"Today's topic: {self.phrase}."


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _words(text: str) -> list[str]:
    return text.split()


def kind_of(phrase: str) -> Kind:
    """Whether a phrase names a thing, asks a question, or states something."""
    if is_question(phrase):
        return "question"
    words = [w.lower().strip(",;:") for w in _words(phrase)]
    if words and words[0] not in _WH and any(w in _AUX for w in words[1:]):
        return "statement"
    return "noun"


def is_question(phrase: str) -> bool:
    """Whether a phrase is a direct question ("how do vaccines work", "is light a wave")."""
    words = [w.lower().strip(",;:") for w in _words(phrase)]
    if len(words) < 2:
        return False
    if words[0] in _WH:
        # "how to bake bread" and "how vaccines work" are noun phrases; "how do ..." asks.
        return words[1] in _AUX
    return words[0] in _AUX and len(words) >= 3


def _boundaries(words: list[str]) -> list[tuple[int, int]]:
    """(cut index, strength) for each place a phrase may be cut: before word i."""
    out: list[tuple[int, int]] = []
    lowered = [w.lower() for w in words]
    for i in range(1, len(words)):
        previous = words[i - 1]
        if previous.endswith((",", ";", ":", "—", "-")) or words[i] in {"—", "-", "–"}:
            out.append((i, 3))
            continue
        two = " ".join(lowered[i : i + 2])
        if lowered[i] in _CLAUSE or two in _CLAUSE:
            out.append((i, 2))
        elif lowered[i] in _JOIN:
            out.append((i, 1))
    return out


def _clean_end(words: list[str]) -> list[str]:
    """Drop trailing punctuation and function words ("the history of" → "the history")."""
    out = list(words)
    while out:
        out[-1] = out[-1].rstrip(",;:—-–")
        if out[-1] and out[-1].lower() not in _FUNCTION_WORDS:
            break
        out.pop()
    return out


def cut_at_phrase(text: str, limit: int, *, measure: str = "chars") -> str:
    """The longest start of `text` that fits `limit` and ends at a phrase boundary.

    Args:
        text: a phrase or title.
        limit: the most characters (measure="chars") or words (measure="words").
        measure: what `limit` counts.

    Returns:
        `text` if it fits; else its longest fitting start ending before a clause,
        a preposition, "and"/"or", or a punctuation mark (stronger boundaries are
        preferred when they keep at least half as much). Only when no boundary
        fits are whole words kept up to the limit.
    """
    text = " ".join(text.split())

    def size(ws: list[str]) -> int:
        return len(" ".join(ws)) if measure == "chars" else len(ws)

    words = _words(text)
    if size(words) <= limit:
        return text
    fitting = []
    for cut, strength in _boundaries(words):
        start = _clean_end(words[:cut])
        if start and size(start) <= limit:
            fitting.append((strength, size(start), start))
    if fitting:
        longest = max(n for _, n, _ in fitting)
        good = [f for f in fitting if f[1] * 2 >= longest]
        _, _, best = max(good, key=lambda f: (f[0], f[1]))
        return " ".join(best)
    # No phrase fits: whole words from the first content word on (a lone long word
    # stays whole rather than being cut).
    content = list(words)
    while len(content) > 1 and content[0].lower() in _FUNCTION_WORDS:
        content.pop(0)
    kept: list[str] = []
    for w in content:
        if size([*kept, w]) > limit:
            break
        kept.append(w)
    out = " ".join(_clean_end(kept) or content[:1])
    if measure == "chars" and len(out) > limit:
        out = out[: max(1, limit - 1)] + "…"  # one word longer than the limit: no way round
    return out


def short_title(text: str, limit: int = TITLE_CHARS) -> str:
    """A title of at most `limit` characters, summarised at a phrase boundary.

    When the only cut that fits keeps very little ("Causes" of "Causes and
    Consequences of the French Revolution and Its Effects"), the thing the phrase
    is about, after its first "of", makes a better title ("The French Revolution").
    """
    title = cut_at_phrase(text, limit)
    if len(title) * 3 < limit and " of " in text:
        head = text.split(" of ", 1)[1]
        rotated = cut_at_phrase(head, limit)
        if len(rotated) > len(title):
            title = rotated[:1].upper() + rotated[1:]
    return title


def subject_of(phrase: str) -> Subject:
    """The subject of a cleaned topic phrase (see `text.topic_phrase`)."""
    phrase = cut_at_phrase(phrase.strip().rstrip("?.! "), PHRASE_WORDS, measure="words")
    phrase = cut_at_phrase(phrase, PHRASE_CHARS)
    kind = kind_of(phrase)
    if kind == "question":
        heading = short_title(title_case(_sentence_case(phrase)), TITLE_CHARS - 1) + "?"
    else:
        heading = short_title(title_case(re.sub(r"^(?:a|an)\s+", "", phrase, flags=re.I)))
    heading = heading[:1].upper() + heading[1:]
    return Subject(phrase=phrase, kind=kind, heading=heading)


# Instructions and filler around a topic. "how", "what", "is" and "are" are not
# filler: they start the questions and clauses that are the topic itself.
_FILLER_PREFIX = re.compile(
    r"^(?:(?:please|pls|kindly|can you|could you|would you|will you|i want you to|"
    r"i'd like you to|i would like you to|i want to|i'd like to|help me|make|create|generate|"
    r"produce|render|give me|show me|show|teach me|teach|tell me about|tell me|"
    r"explain to me|explain|describe|introduce|plot|graph|draw|sketch|"
    r"walk me through|go over|cover|visuali[sz]e|illustrate|"
    r"(?:a|an|the|some)(?=\s+(?:short|quick|simple|animated|visual|video|videos|lesson|"
    r"lessons|tutorial|explainer|animation)\b)|"
    r"video|videos|lesson|lessons|tutorial|explainer|short|quick|simple|"
    r"animated|animation|visual|about|on|of|for|me|us|"
    r"understand|learn|beginners?|kids|students)\b[\s,:]*)+",
    re.IGNORECASE,
)
_WHAT_IS = re.compile(r"^(?:what|which)\s+(?:is|are|was|were)\s+", re.IGNORECASE)
_FILLER_SUFFIX = re.compile(
    r"(?:[\s,]+(?:please|thanks|thank you|for (?:beginners|kids|students|me)|"
    r"simply|briefly|step by step|visually|in detail|with examples?|with a video|"
    r"in (?:a )?(?:short |simple )?(?:video|animation|way))\b)+[\s.!?]*$",
    re.IGNORECASE,
)
_CONTRACTIONS = re.compile(r"\b(what|how|who|where|when|why|which)'s\b", re.IGNORECASE)


def topic_phrase(prompt: str) -> str:
    """A clean topic phrase from a prompt: instructions, counts and filler removed.

    "Please explain photosynthesis in 4 scenes" gives "photosynthesis"; "what is the
    French revolution?" gives "French revolution"; questions and clauses stay whole:
    "how do vaccines work", "why the sky is blue", "how to bake bread". The phrase
    keeps its first sentence and is cut at a phrase boundary after at most
    PHRASE_WORDS words.
    """
    text = strip_scene_count(prompt).replace("’", "'")
    text = _CONTRACTIONS.sub(lambda m: f"{m.group(1)} is", text)
    text = re.sub(r"\s+", " ", text).strip(" \t\n.!?,;:'\"")
    for _ in range(3):
        text = _FILLER_PREFIX.sub("", text).strip(" .!?,;:'\"")
        text = _WHAT_IS.sub("", text).strip(" .!?,;:'\"")
        text = _FILLER_SUFFIX.sub("", text).strip(" .!?,;:'\"")
    # Keep the first sentence only: the rest is usually more instructions.
    text = re.split(r"[.!?;\n]\s|\?", text, maxsplit=1)[0].strip(" .!?,;:'\"")
    text = cut_at_phrase(text, PHRASE_WORDS, measure="words")
    return text or "this topic"
