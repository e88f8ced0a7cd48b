"""What to suggest when an edit is refused: phrasings that work on this very scene.

Suggestions are concrete instructions built from what the scene contains and tried
on a copy of it, so every one of them works. The nearest phrasing is the supported
form (concrete, or a template with "…") that shares the most meaning with what was
asked: its content words, after synonyms ("font" is "text", "huge" is "bigger").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher
from typing import Any

from tutor_core.agents.lesson.colors import Invisible, shown_color, visible_shade
from tutor_core.agents.lesson.topics import Topic

Works = Callable[[str], bool]
"""Whether an instruction applies cleanly to the scene (tried on a copy)."""

_NOUNS = {"shape": None, "axes": "graph", "equation": "equation", "text": "text",
          "bullets": "list", "table": "table", "code": "code", "vectors": "vectors",
          "matrix": "matrix", "number_line": "number line"}  # fmt: skip
_COLORS = ("blue", "red", "green", "yellow", "orange", "purple")


def _main_noun(data: dict[str, Any]) -> tuple[str, int] | None:
    """The noun for the scene's main picture, and its element index."""
    order = ("shape", "axes", "vectors", "equation", "matrix", "table", "text", "bullets")
    for kind in order:
        for i, el in enumerate(data["elements"]):
            if el["kind"] == kind:
                noun = el.get("shape") if kind == "shape" else _NOUNS[kind]
                if el.get("shape") == "polygon":
                    noun = "shape"
                return str(noun), i
    return None


def _color_for(data: dict[str, Any], index: int) -> str | None:
    el = data["elements"][index]
    kind = "plot" if el["kind"] == "axes" and el.get("plots") else "element"
    current = shown_color(data, kind, index, 0)
    for name in _COLORS:
        try:
            if visible_shade(name, current, data.get("background") or "black") == name:
                return name
        except Invisible:
            continue
    return None


def candidates(data: dict[str, Any], narration: str, topic: Topic | None) -> list[str]:
    """Concrete instructions worth suggesting for this scene, most useful first."""
    out: list[str] = []
    main = _main_noun(data)
    if main is not None:
        noun, index = main
        color = _color_for(data, index)
        if color:
            out.append(f"make the {noun} {color}")
    out.append("make the title bigger")
    out.append("explain it more simply")
    if topic is not None and topic.example is not None:
        out.append(f"add an example with numbers {topic.example_numbers}")
    out += ["make it slower", "use a bigger font", "make the narration shorter"]
    if main is not None and len(data["elements"]) > 1:
        out.append(f"remove the {main[0]}")
    out += ["change the background to dark blue", "make it twice as fast"]
    return out


def suggestions(
    data: dict[str, Any], narration: str, topic: Topic | None, works: Works, limit: int = 4
) -> list[str]:
    """Up to `limit` instructions that work on this scene (each tried on a copy)."""
    out: list[str] = []
    for instruction in candidates(data, narration, topic):
        if len(out) >= limit:
            break
        if works(instruction):
            out.append(instruction)
    return out


TEMPLATES = (
    "change the title to …", "make the title bigger", "make the title smaller",
    "use a bigger font", "use a smaller font", "make the text bigger", "make the equation bigger",
    "make it slower", "make it faster", "make it twice as slow", "make it twice as fast",
    "explain it more simply", "make the narration shorter", "explain it in more detail",
    "say: …", "add a note: …", "add a bullet: …", "add the equation …", "plot y = …",
    "replace 'old' with 'new'", "change the background to …", "make everything …",
    "move the … left", "remove the …",
)  # fmt: skip
"""Supported phrasings, as templates ("…" is what the person fills in)."""

_SYNONYMS = {
    "font": "text", "fonts": "text", "letters": "text", "lettering": "text", "writing": "text",
    "words": "text", "type": "text", "texts": "text", "huge": "bigger", "large": "bigger",
    "larger": "bigger", "big": "bigger", "enlarge": "bigger", "increase": "bigger",
    "grow": "bigger", "bigger": "bigger", "tiny": "smaller", "small": "smaller",
    "shrink": "smaller", "reduce": "smaller", "decrease": "smaller", "quick": "faster",
    "quicker": "faster", "fast": "faster", "speed": "faster", "slow": "slower",
    "slowly": "slower", "simple": "simpler", "simply": "simpler", "easier": "simpler",
    "easy": "simpler", "plain": "simpler", "plainer": "simpler", "simplify": "simpler",
    "clear": "simpler", "clearer": "simpler", "clearly": "simpler", "understandable": "simpler",
    "detail": "detail", "details": "detail", "deeper": "detail", "elaborate": "detail",
    "brief": "shorter", "concise": "shorter", "shorten": "shorter", "trim": "shorter",
    "colour": "color", "colours": "color", "colored": "color", "coloured": "color",
    "heading": "title", "headline": "title", "name": "title", "rename": "title",
    "delete": "remove", "erase": "remove", "drop": "remove", "hide": "remove",
    "graph": "plot", "curve": "plot", "draw": "plot", "function": "plot",
    "numbers": "example", "number": "example", "values": "example", "examples": "example",
    "narration": "say", "voice": "say", "speak": "say", "script": "say", "tell": "say",
    "formula": "equation", "math": "equation", "note": "note", "caption": "note",
}  # fmt: skip
_STOP = frozenset(
    {"make", "it", "the", "a", "an", "to", "and", "please", "more", "much", "bit", "little",
     "this", "that", "be", "is", "in", "of", "with", "use", "i", "want", "can", "you", "me",
     "my", "some", "so", "than", "now", "also", "as", "…", "set", "change", "get"}
)  # fmt: skip


def _content(text: str) -> set[str]:
    words = re.findall(r"[a-z]+|…", text.lower())
    return {_SYNONYMS.get(w, w) for w in words if w not in _STOP}


def nearest(clause: str, phrasings: list[str]) -> str | None:
    """The phrasing closest in meaning to a clause, or None when nothing is close.

    Closeness needs a shared content word (after synonyms) or a very similar spelling,
    so "make it pop" gets no suggestion rather than a misleading one.
    """
    asked = _content(clause)
    best: tuple[float, str] | None = None
    for phrase in phrasings:
        have = _content(phrase)
        shared = len(asked & have)
        spelling = SequenceMatcher(None, clause.lower(), phrase.lower()).ratio()
        if not shared and spelling < 0.8:
            continue
        overlap = shared / max(1, len(asked | have))
        score = 0.6 * overlap + 0.4 * spelling
        if best is None or score > best[0]:
            best = (score, phrase)
    return best[1] if best is not None and best[0] >= 0.3 else None
