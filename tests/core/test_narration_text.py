"""Sentence splitting and speakable math (pure functions, property-tested)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor_core.narration.text import ends_sentence_after, speakable, split_sentences


def _chars(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        ("Dr. Smith met Mr. Jones.", ["Dr. Smith met Mr. Jones."]),
        ("Use a unit, e.g. Metres. Or i.e. Feet.", ["Use a unit, e.g. Metres.", "Or i.e. Feet."]),
        ("Pi is 3.14 roughly. It never ends.", ["Pi is 3.14 roughly.", "It never ends."]),
        ("Wait... and then it grows. Done.", ["Wait... and then it grows.", "Done."]),
        ("It stops... Then starts.", ["It stops...", "Then starts."]),
        (
            "See Fig. 2 for more. No. That is wrong.",
            ["See Fig. 2 for more.", "No.", "That is wrong."],
        ),
        ("J. S. Bach wrote it.", ["J. S. Bach wrote it."]),
        ("The composer J. S. Bach wrote it.", ["The composer J. S. Bach wrote it."]),
        ("John F. Kennedy spoke.", ["John F. Kennedy spoke."]),
        ("The limit equals L. It exists.", ["The limit equals L.", "It exists."]),
        ("Pi is approx. 3.14 here.", ["Pi is approx. 3.14 here."]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("First line\n\nsecond paragraph", ["First line", "second paragraph"]),
        ("   ", []),
        ("", []),
    ],
)
def test_split_sentences_examples(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


_words = st.sampled_from(
    ["the", "Dr.", "e.g.", "3.14", "x^2", "Pi", "...", "it", "Equals", "i.e.", "No.", "A", "f(x)"]
)
_punct = st.sampled_from(["", "", ".", "!", "?", "...", ",", ".\n\n", '."'])
_prose = st.lists(st.tuples(_words, _punct), max_size=30).map(
    lambda pairs: " ".join(w + p for w, p in pairs)
)


@given(st.one_of(_prose, st.text(max_size=200)))
def test_split_sentences_keeps_every_character_in_order(text: str) -> None:
    sentences = split_sentences(text)
    assert all(s and s == s.strip() for s in sentences)
    assert _chars("".join(sentences)) == _chars(text)


@given(_prose)
def test_split_sentences_is_stable(text: str) -> None:
    # A sentence on its own is never split again.
    for sentence in split_sentences(text):
        assert split_sentences(sentence) == [sentence]


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("x^2", "x squared"),
        ("a^2 + b^2 = c^2", "a squared plus b squared equals c squared"),
        ("y = x³", "y equals x cubed"),
        ("The area is πr².", "The area is pi r squared."),
        ("sqrt(2) is about 1.41", "the square root of 2 is about 1.41"),
        ("√x", "the square root of x"),
        ("f(x) = 3x - 1", "f of x equals 3x minus 1"),
        ("sin(θ) ≈ θ", "sine of theta is approximately theta"),
        ("1/2 of it", "1 over 2 of it"),
        ("e^{i pi} = -1", "e to the power of i pi equals minus 1"),
        ("x^n", "x to the power of n"),
        ("2pi r", "2 pi r"),
        ("x <= 3 and y != 0", "x is less than or equal to 3 and y is not equal to 0"),
        ("a*b", "a times b"),
        # Prose stays as it is.
        ("A well-known and/or one-to-one map.", "A well-known and/or one-to-one map."),
        ("Plain words, nothing else.", "Plain words, nothing else."),
    ],
)
def test_speakable(text: str, spoken: str) -> None:
    assert speakable(text) == spoken


@given(st.text(alphabet=st.sampled_from("abcdefghijklmnoprstuvwxyzXYZ \t\n\u00a0"), max_size=80))
def test_speakable_leaves_plain_words_alone(text: str) -> None:
    # Letters and spaces only (no "q", so never "sqrt"): only whitespace is normalised.
    assert speakable(text) == " ".join(text.split())


@pytest.mark.parametrize(
    ("text", "ends"),
    [("photosynthesis", True), ("RESP", False), ("cats vs", False), ("x = 5", True), ("J", False)],
)
def test_ends_sentence_after(text: str, ends: bool) -> None:
    assert ends_sentence_after(text) is ends
