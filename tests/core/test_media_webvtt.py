"""WebVTT subtitles from sentence timings, checked with a small WebVTT parser."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor_core.media import merge_webvtt, webvtt
from tutor_core.models import SentenceTiming

_TIME = r"(\d{2}):(\d{2}):(\d{2})\.(\d{3})"
_TIMING_LINE = re.compile(rf"^{_TIME} --> {_TIME}$")


def parse_webvtt(document: str) -> list[tuple[float, float, list[str]]]:
    """Parse the subset of WebVTT we write: header, blank-line separated cues."""
    assert document.startswith("WEBVTT\n")
    assert document.endswith("\n")
    blocks = document.rstrip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues = []
    for block in blocks[1:]:
        timing, *lines = block.split("\n")
        match = _TIMING_LINE.match(timing)
        assert match, f"bad timing line {timing!r}"
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in match.groups())
        assert m1 < 60 and s1 < 60 and m2 < 60 and s2 < 60
        start = h1 * 3600 + m1 * 60 + s1 + ms1 / 1000
        end = h2 * 3600 + m2 * 60 + s2 + ms2 / 1000
        assert lines and all(line.strip() for line in lines)
        for line in lines:
            assert "-->" not in line and "<" not in line
        text = [
            line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for line in lines
        ]
        cues.append((start, end, text))
    return cues


def test_webvtt_example() -> None:
    sentences = [
        SentenceTiming(text="Hello there.", start=0.3, end=1.25),
        SentenceTiming(
            text="This sentence is long enough that it needs more than two lines of "
            "subtitles, so it becomes two cues with times split by length.",
            start=1.5,
            end=7.5,
        ),
    ]
    document = webvtt(sentences, offset=3600.0)
    assert document.splitlines()[:4] == [
        "WEBVTT",
        "",
        "01:00:00.300 --> 01:00:01.250",
        "Hello there.",
    ]
    cues = parse_webvtt(document)
    assert len(cues) == 3
    assert all(len(text) <= 2 and all(len(line) <= 42 for line in text) for _, _, text in cues)
    assert cues[1][0] == pytest.approx(3601.5) and cues[2][1] == pytest.approx(3607.5)
    assert cues[1][1] == cues[2][0]
    # Two full lines against one shorter line: the first cue lasts longer.
    assert cues[1][1] - cues[1][0] > cues[2][1] - cues[2][0]


def test_webvtt_escapes_markup() -> None:
    document = webvtt([SentenceTiming(text="a < b & c --> d", start=0, end=1)])
    assert "a &lt; b &amp; c --&gt; d" in document
    assert parse_webvtt(document)[0][2] == ["a < b & c --> d"]


_word = st.one_of(
    st.sampled_from(["the", "x^2", "a<b", "&", "-->", "tangent", "hypotenuse", "é"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=50),
)


@st.composite
def timed_sentences(draw: st.DrawFn) -> list[SentenceTiming]:
    position = draw(st.floats(0, 2))
    sentences = []
    for _ in range(draw(st.integers(0, 6))):
        words = draw(st.lists(_word, min_size=1, max_size=40))
        length = draw(st.floats(0.1, 20))
        sentences.append(
            SentenceTiming(text=" ".join(words), start=position, end=position + length)
        )
        position += length + draw(st.floats(0, 1))
    return sentences


def _check(cues: list[tuple[float, float, list[str]]], lower: float, upper: float) -> None:
    for start, end, text in cues:
        assert lower - 0.0005 <= start < end <= upper + 0.0005
        assert len(text) <= 2
        for line in text:
            assert len(line) <= 42 or " " not in line  # only an unbreakable word is longer
    for (_, end, _), (start, _, _) in zip(cues, cues[1:], strict=False):
        assert end <= start


@given(timed_sentences(), st.floats(0, 10_000))
def test_webvtt_cues_are_ordered_bounded_and_keep_the_text(
    sentences: list[SentenceTiming], offset: float
) -> None:
    cues = parse_webvtt(webvtt(sentences, offset))
    upper = offset + (sentences[-1].end if sentences else 0)
    _check(cues, offset, upper)
    spoken = [w for s in sentences for w in s.text.split()]
    assert [w for _, _, text in cues for line in text for w in line.split()] == spoken


@given(st.lists(timed_sentences(), max_size=4))
def test_merge_webvtt_shifts_each_part(parts: list[list[SentenceTiming]]) -> None:
    offsets, total = [], 0.0
    for sentences in parts:
        offsets.append(total)
        total += (sentences[-1].end if sentences else 0.0) + 0.5
    merged = parse_webvtt(merge_webvtt(list(zip(parts, offsets, strict=True))))
    _check(merged, 0.0, total)
    assert len(merged) == sum(len(parse_webvtt(webvtt(p))) for p in parts)
    for sentences, offset in zip(parts, offsets, strict=True):
        own = parse_webvtt(webvtt(sentences, offset))
        assert all(cue in merged for cue in own)
