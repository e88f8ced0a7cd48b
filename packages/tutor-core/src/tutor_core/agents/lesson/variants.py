"""Narration variants: simpler, shorter or longer retellings of a scene's narration.

Each variant says where every old sentence went (`Retold.origin`), so that the
animations cued to a sentence stay with what they illustrate. Rules, not a model:

* simpler: plain words for formal ones, long sentences split at ", and", ", so",
  "; " and ": ", and the scene's hardest term explained from the topic's glossary;
* shorter: the first and last sentences, which open and close the idea (at least
  one sentence goes);
* longer: the meaning of the terms the narration uses (from the topic's glossary),
  or the topic's common mistake and its fix.

A variant that would not change the narration is refused by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutor_core.agents.lesson.text import split_sentences
from tutor_core.agents.lesson.topics import Topic

_PLAIN = {
    "approximately": "about", "therefore": "so", "consequently": "so", "thus": "so",
    "hence": "so", "utilize": "use", "utilise": "use", "determine": "find",
    "compute": "work out", "calculate": "work out", "obtain": "get", "sufficient": "enough",
    "numerous": "many", "demonstrate": "show", "illustrate": "show", "illustrates": "shows",
    "demonstrates": "shows", "equivalent": "the same", "corresponding": "matching",
    "additionally": "also", "furthermore": "also", "however": "but", "nevertheless": "still",
    "subsequently": "then", "initially": "first", "commence": "start", "terminate": "stop",
    "indicates": "shows", "indicate": "show", "represents": "stands for",
    "represent": "stand for", "approaches": "gets close to", "approach": "get close to",
    "instantaneous": "at one instant", "magnitude": "size",
    "translates directly into": "turns into",
    "in components": "with the numbers", "precisely": "exactly", "arbitrary": "any",
    "typically": "usually", "frequently": "often", "rectangular": "box-shaped",
    "proportional": "in step", "commutative": "the same both ways round",
}  # fmt: skip
_OPENERS = re.compile(
    r"^(?:Importantly|In general|In fact|Mathematicians write this idea as|Notice that|"
    r"Of course),?\s+",
    re.IGNORECASE,
)
_SPLITS = (", and ", ", so ", "; ", ": ", ", which ", ", but ")


@dataclass(frozen=True)
class Retold:
    """A new narration and, for each old sentence, the new sentence it became (or None)."""

    narration: str
    origin: list[int | None]
    added: list[int]
    """Indices of new sentences that no old sentence became (explanations added)."""


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _plain_words(sentence: str) -> str:
    out = _OPENERS.sub("", sentence)
    out = _cap(out)
    for hard, easy in sorted(_PLAIN.items(), key=lambda kv: -len(kv[0])):
        out = re.sub(rf"\b{re.escape(hard)}\b", easy, out)
        out = re.sub(rf"\b{re.escape(_cap(hard))}\b", _cap(easy), out)
    return out


def _split(sentence: str) -> list[str]:
    """Split a long sentence in two at a clause boundary when both halves stand alone."""
    words = sentence.split()
    if len(words) < 14:
        return [sentence]
    for mark in _SPLITS:
        at = sentence.find(mark)
        if at < 0:
            continue
        left, right = sentence[:at].strip(), sentence[at + len(mark) :].strip()
        if len(left.split()) >= 5 and len(right.split()) >= 4:
            end = right[-1] if right[-1] in ".!?" else "."
            right = right.rstrip(".!?")
            if mark == ", so ":
                right = "So " + right
            elif mark == ", but ":
                right = "But " + right
            elif mark == ", which ":
                right = "This " + right
            return [left.rstrip(",;:") + ".", _cap(right) + end]
    return [sentence]


def _terms_used(text: str, topic: Topic | None) -> list[tuple[str, str]]:
    if topic is None:
        return []
    low = text.lower()
    return [(t, m) for t, m in topic.terms if re.search(rf"\b{re.escape(t.lower())}", low)]


def _definition(term: str, meaning: str) -> str:
    return f"Here, {term} means {meaning}."


def simpler(narration: str, topic: Topic | None) -> Retold:
    """Plainer words and shorter sentences, with the hardest term explained."""
    old = split_sentences(narration)
    new: list[str] = []
    origin: list[int | None] = []
    for sentence in old:
        origin.append(len(new))
        new.extend(_split(_plain_words(sentence)))
    added: list[int] = []
    terms = _terms_used(narration, topic)
    if terms and not any(_definition(*terms[0]) == s for s in new):
        term, meaning = max(terms, key=lambda tm: len(tm[0]))
        new.append(_definition(term, meaning))
        added.append(len(new) - 1)
    return Retold(" ".join(new), origin, added)


def shorter(narration: str) -> Retold:
    """The first and last sentences only (one sentence stays as it is)."""
    old = split_sentences(narration)
    keep = sorted({0, len(old) - 1})
    if len(old) <= 2:
        keep = [0]
    origin: list[int | None] = []
    for i in range(len(old)):
        origin.append(keep.index(i) if i in keep else None)
    return Retold(" ".join(old[i] for i in keep), origin, [])


def longer(narration: str, topic: Topic | None) -> Retold:
    """The narration plus what its terms mean, or the topic's common mistake."""
    old = split_sentences(narration)
    extra = [_definition(t, m) for t, m in _terms_used(narration, topic)[:2]]
    extra = [s for s in extra if s not in old]
    if not extra and topic is not None:
        extra = [s for s in topic.mistake if s not in old]
    new = old + extra
    return Retold(" ".join(new), list(range(len(old))), list(range(len(old), len(new))))
