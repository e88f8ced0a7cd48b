"""Checks on what a person asks for: the prompt and the scene count."""

from __future__ import annotations

import re

from tutor_core.errors import InvalidInput

MAX_PROMPT_CHARS = 2000
MIN_SCENES = 1
MAX_SCENES = 12
DEFAULT_SCENES = 4

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_COUNT = re.compile(
    r"\b(?:in|into|with|using|as|over)?\s*(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")\s+"
    r"(?:short\s+|quick\s+|simple\s+)?(?:scenes?|parts?|steps?|slides?|sections?|chapters?)\b",
    re.IGNORECASE,
)


def parse_scene_count(prompt: str) -> int | None:
    """The scene count a prompt asks for ("in 4 scenes", "three parts"), if any.

    Counts outside 1..12 are returned as written so the caller can refuse them
    with a clear message instead of silently ignoring the request.
    """
    m = _COUNT.search(prompt)
    if m is None:
        return None
    word = m.group(1).lower()
    return _NUMBER_WORDS.get(word) or int(word)


def strip_scene_count(prompt: str) -> str:
    """The prompt without its "in 4 scenes" part."""
    return " ".join(_COUNT.sub(" ", prompt).split())


def check_prompt(prompt: str) -> str:
    """The prompt with its white space folded, or InvalidInput saying what is wrong."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidInput(
            "the prompt is empty",
            hint='say what to explain, e.g. "explain the Pythagorean theorem in 4 scenes"',
        )
    if len(prompt) > MAX_PROMPT_CHARS:
        raise InvalidInput(
            f"the prompt is {len(prompt):,} characters; the limit is {MAX_PROMPT_CHARS:,}",
            hint="describe the topic in a few sentences; tutor plans the details itself",
        )
    return " ".join(prompt.split())


def check_scene_count(count: int) -> int:
    """`count` if it is a whole number from 1 to 12, else InvalidInput."""
    if (
        not isinstance(count, int)
        or isinstance(count, bool)
        or not MIN_SCENES <= count <= MAX_SCENES
    ):
        raise InvalidInput(
            f"scene count must be between {MIN_SCENES} and {MAX_SCENES}, got {count!r}",
            hint=f"ask for {MIN_SCENES} to {MAX_SCENES} scenes (--scenes N)",
        )
    return count
