"""Honest offline lessons: outlines for unknown topics, grammatical narration, titles that fit."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor_core.agents.lesson import build_plan, subject_of, topic_phrase
from tutor_core.agents.lesson.phrases import TITLE_CHARS, cut_at_phrase, short_title
from tutor_core.models import SpecSource
from tutor_core.narration.text import split_sentences

# Prompts nobody designed the agent for: nouns, questions, statements, long phrases.
UNKNOWN = [
    "photosynthesis",
    "explain supply and demand",
    "Dijkstra's algorithm in 5 scenes",
    "how do vaccines work",
    "why is the sky blue?",
    "what's a black hole",
    "tell me why the sky is blue",
    "how to bake sourdough bread",
    "is light a wave or a particle",
    "who was Ada Lovelace",
    "The mitochondria is the powerhouse of the cell. Explain it to a 10 year old.",
    "explain the causes and consequences of the French Revolution and its effects on modern "
    "European politics and society",
    "How does the immune system fight viruses and bacteria in the human body?",
    "teach me Spanish verb conjugation in the present tense",
    "what causes inflation",
    "the history of the Roman empire from Augustus to the fall of Constantinople in 1453",
    "photosynthesis for kids, step by step please",
    "blockchain",
    "plate tectonics and earthquakes",
    "explain",
]

# Claims the offline agent cannot make about a topic it does not know.
DISHONEST = [
    r"worked through an example",
    r"we (?:saw|showed|explored) how",
    r"as (?:we|you) (?:saw|can see) in the (?:diagram|example)",
    r"here is how it works",
]
UNGRAMMATICAL = [
    r"\bexplore (?:do|does|is|are|can)\b",
    r"\bWhat is (?:how|why|what|is|are|do)\b",
    r"\b(\w+) \1\b",  # a doubled word
    r"\babout (?:do|does|is|are|can|why is|how do)\b",
    r"\.\.",
]


@pytest.mark.parametrize("prompt", UNKNOWN)
def test_unknown_topics_get_an_outline_that_says_so(prompt: str) -> None:
    plan = build_plan(prompt, 4)
    assert plan.outline is True
    assert plan.notice is not None and "TUTOR_AGENT=openai" in plan.notice
    assert len(plan.notice) <= 200 and "\n" not in plan.notice
    first = plan.scenes[0]
    assert "outline" in first.narration, "the video itself says it is an outline"


@pytest.mark.parametrize("prompt", UNKNOWN)
@pytest.mark.parametrize("count", [1, 5, 12])
def test_outline_narration_is_grammatical_and_honest(prompt: str, count: int) -> None:
    plan = build_plan(prompt, count)
    assert len(plan.scenes) == count
    for scene in plan.scenes:
        text = scene.narration
        for pattern in DISHONEST:
            assert not re.search(pattern, text, re.I), f"{prompt!r}: claims {pattern!r}: {text}"
        for pattern in UNGRAMMATICAL:
            assert not re.search(pattern, text), f"{prompt!r}: {pattern!r} in: {text}"
        for sentence in split_sentences(text):
            assert sentence[0].isupper() or sentence[0].isdigit(), sentence
            assert sentence[-1] in ".?!", sentence


@pytest.mark.parametrize("prompt", UNKNOWN)
def test_outline_titles_fit_and_are_never_cut_mid_word(prompt: str) -> None:
    plan = build_plan(prompt, 3)
    assert 0 < len(plan.title) <= TITLE_CHARS
    assert "…" not in plan.title, "never cut mid-word"
    phrase = topic_phrase(prompt)
    words = re.sub(r"[^\w' ]", " ", plan.title.lower()).split()
    assert all(w in phrase.lower() or w == "a" for w in words), (plan.title, phrase)


def test_outline_scenes_show_what_they_say() -> None:
    """Each outline scene puts on screen the questions or steps its narration names."""
    plan = build_plan("photosynthesis", 5)
    shown = {s.title: _shown(s.source) for s in plan.scenes}  # type: ignore[arg-type]
    assert any("What is meant by photosynthesis?" in t for t in shown["Questions to answer"])
    assert any("define the key words" in t for t in shown["A plan to study it"])


def _shown(source: SpecSource) -> list[str]:
    out: list[str] = []
    for el in source.spec.model_dump()["elements"]:
        out += (
            [el.get("text") or ""] + el.get("items", []) + [" ".join(r) for r in el.get("rows", [])]
        )
    return out


@pytest.mark.parametrize(
    ("prompt", "kind", "about"),
    [
        ("photosynthesis", "noun", "photosynthesis"),
        ("how do vaccines work", "question", "this question"),
        ("explain how vaccines work", "noun", "how vaccines work"),
        ("the mitochondria is the powerhouse of the cell", "statement", "this topic"),
        ("supply and demand", "noun", "supply and demand"),
    ],
)
def test_subjects_are_used_only_in_frames_that_fit_them(prompt: str, kind: str, about: str) -> None:
    subject = subject_of(topic_phrase(prompt))
    assert subject.kind == kind and subject.about == about
    assert subject.intro.endswith("?" if kind == "question" else ".")


# ------------------------------------------------------------------ titles


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Causes and Consequences of the French Revolution and Its Effects",
         "The French Revolution and Its Effects"),
        ("The History of the Roman Empire from Augustus", "The History of the Roman Empire"),
        ("Spanish Verb Conjugation in the Present Tense", "Spanish Verb Conjugation"),
        ("Photosynthesis", "Photosynthesis"),
    ],
)  # fmt: skip
def test_titles_are_summarised_at_phrase_boundaries(text: str, title: str) -> None:
    assert short_title(text, 40) == title


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from(["the", "history", "of", "a", "long", "empire", "and", "its",
                              "fall", "in", "1453", "with", "photosynthesis", "light,"]),
             min_size=1, max_size=14),
    st.integers(min_value=8, max_value=60),
)  # fmt: skip
def test_cutting_keeps_whole_words_from_the_start(words: list[str], limit: int) -> None:
    text = " ".join(words)
    cut = cut_at_phrase(text, limit)
    if len(text) <= limit:
        assert cut == text
        return
    assert len(cut) <= limit
    if not cut.endswith("…"):
        assert f" {cut} " in f" {text.replace(',', '')} " or f" {cut}" in f" {text}"  # whole words
    function_words = {"the", "of", "a", "and", "in", "with", "its"}
    if any(w.strip(",") not in function_words for w in words):
        assert cut.split()[-1].lower() not in function_words


# ------------------------------------------------------------------ functions


@pytest.mark.parametrize("count", [2, 4, 6, 12])
def test_a_function_prompt_gets_a_real_lesson_whose_recap_names_what_it_showed(count: int) -> None:
    plan = build_plan("plot y = x^3 - 2x", count)
    assert plan.outline is False and plan.notice is None
    assert plan.title == "y = x³ - 2x"
    recap = plan.scenes[-1]
    assert recap.title == "Recap"
    titles = {s.title for s in plan.scenes}
    claims = {
        "where it crosses zero": "Where it crosses zero",
        "a table of its values": "A table of values",
        "its slope": "How steep is it?",
        "the area": "Area under the curve",
    }
    for claim, scene_title in claims.items():
        if claim in recap.narration:
            assert scene_title in titles, f"recap claims {claim!r} but the lesson lacks it"


def test_a_topic_with_a_function_in_it_is_still_an_outline() -> None:
    plan = build_plan("exponential growth like y = 2^x in economics", 3)
    assert plan.outline is True
