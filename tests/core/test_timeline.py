"""Frame layout: contiguous spans, inclusive ends, lookup agrees with a linear scan."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor_core import timeline

FRAMES = st.lists(st.integers(1, 10_000), min_size=1, max_size=40)


@given(counts=FRAMES)
def test_layout_is_contiguous_with_inclusive_ends(counts: list[int]) -> None:
    spans = timeline.layout(counts)
    assert [s.index for s in spans] == list(range(len(counts)))
    assert spans[0].start_frame == 0
    for span, frames in zip(spans, counts, strict=True):
        assert span.duration_in_frames == frames
        assert span.end_frame == span.start_frame + span.duration_in_frames - 1
    for before, after in zip(spans, spans[1:], strict=False):
        assert after.start_frame == before.end_frame + 1  # no gap, no overlap
    assert timeline.total_frames(spans) == sum(counts)


@given(counts=FRAMES, data=st.data())
def test_scene_at_agrees_with_a_linear_scan(counts: list[int], data: st.DataObject) -> None:
    spans = timeline.layout(counts)
    frame = data.draw(st.integers(0, timeline.total_frames(spans) - 1))
    expected = next(s for s in spans if s.start_frame <= frame <= s.end_frame)
    assert timeline.scene_at(spans, frame) == expected


@given(counts=FRAMES)
def test_frames_outside_the_timeline_are_refused(counts: list[int]) -> None:
    spans = timeline.layout(counts)
    for frame in (-1, timeline.total_frames(spans)):
        with pytest.raises(IndexError):
            timeline.scene_at(spans, frame)


@given(seconds=st.floats(0.001, 3600, allow_nan=False), fps=st.sampled_from([15, 24, 30, 60]))
def test_seconds_to_frames_is_the_nearest_whole_frame(seconds: float, fps: int) -> None:
    frames = timeline.seconds_to_frames(seconds, fps)
    assert frames >= 1
    assert frames == max(1, round(seconds * fps))
    assert abs(timeline.frames_to_seconds(frames, fps) - seconds) <= max(0.5 / fps, 1 / fps)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_bad_lengths_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        timeline.seconds_to_frames(bad, 30)
    with pytest.raises(ValueError, match="at least 1"):
        timeline.layout([30, 0])


def test_layout_seconds_and_empty_timeline() -> None:
    spans = timeline.layout_seconds([2.0, 1.5], 30)
    assert [(s.start_frame, s.end_frame) for s in spans] == [(0, 59), (60, 104)]
    assert timeline.total_frames([]) == 0
    with pytest.raises(IndexError):
        timeline.scene_at([], 0)
