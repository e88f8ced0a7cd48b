"""Frame layout of a session: the only place frame math is done.

Scenes play back to back. Scene i starts at the sum of the frames of the scenes
before it; `end_frame` is inclusive, so `end = start + duration - 1`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """Where one scene sits in the session's frames."""

    index: int
    start_frame: int
    end_frame: int
    duration_in_frames: int


def seconds_to_frames(seconds: float, fps: int) -> int:
    """Whole frames covering `seconds` at `fps` (rounded to the nearest frame, at least 1)."""
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"a scene length must be a positive number of seconds, got {seconds!r}")
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps!r}")
    return max(1, round(seconds * fps))


def frames_to_seconds(frames: int, fps: int) -> float:
    return frames / fps


def layout(frame_counts: Sequence[int]) -> list[Span]:
    """Spans for scenes of the given lengths in frames, in order."""
    spans: list[Span] = []
    start = 0
    for index, frames in enumerate(frame_counts):
        if frames <= 0:
            raise ValueError(f"scene {index} has {frames} frames; every scene needs at least 1")
        spans.append(Span(index, start, start + frames - 1, frames))
        start += frames
    return spans


def layout_seconds(lengths: Sequence[float], fps: int) -> list[Span]:
    """Spans for scenes of the given lengths in seconds."""
    return layout([seconds_to_frames(s, fps) for s in lengths])


def total_frames(spans: Sequence[Span]) -> int:
    return spans[-1].end_frame + 1 if spans else 0


def scene_at(spans: Sequence[Span], frame: int) -> Span:
    """The span that contains `frame` (binary search)."""
    lo, hi = 0, len(spans) - 1
    if not spans or frame < 0 or frame > spans[-1].end_frame:
        raise IndexError(f"frame {frame} is outside the timeline")
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid].end_frame < frame:
            lo = mid + 1
        else:
            hi = mid
    return spans[lo]
