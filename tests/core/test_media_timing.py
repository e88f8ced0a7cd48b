"""Chunks are constant-rate by construction: `mux` re-times frames, `check_chunk` refuses.

A renderer that joins its segments by seconds leaves frames of odd lengths (an
animation slowed by 1.5 ends mid-frame); such a chunk cannot be joined by stream copy.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor_core import media
from tutor_core.errors import MediaError

pytestmark = pytest.mark.slow

SIZE = 64
TICKS = 512  # one frame at 30 fps in 1/15360


def _irregular(path: Path, gaps: list[int]) -> Path:
    """An H.264 mp4 (with B-frames) whose frame k starts at sum(gaps[:k]) in 1/15360.

    Frame k is a flat grey of level 4 * k, so the order of frames can be read back.
    """
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width = stream.height = SIZE
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, 15360)
        stream.codec_context.time_base = Fraction(1, 15360)
        pts = 0
        for k, gap in enumerate(gaps):
            image = np.full((SIZE, SIZE, 3), (4 * k) % 256, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = pts
            frame.time_base = Fraction(1, 15360)
            pts += gap
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _levels(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        return [round(float(f.to_ndarray(format="gray").mean())) for f in container.decode(video=0)]


def test_one_short_frame_is_refused_and_mux_makes_it_joinable(tmp_path: Path) -> None:
    # What a slowed animation produced: 512-tick frames and one of 507 ticks.
    gaps = [TICKS] * 20 + [507] + [TICKS] * 20
    raw = _irregular(tmp_path / "raw.mp4", gaps)
    with pytest.raises(MediaError, match="would not join"):
        media.check_chunk(raw)

    fixed = tmp_path / "fixed.mp4"
    media.mux(raw, None, fixed)
    info = media.check_chunk(fixed)
    assert info.frames == len(gaps) and info.fps == 30
    other = tmp_path / "other.mp4"
    media.mux(_irregular(tmp_path / "regular.mp4", [TICKS] * 30), None, other)
    joined = media.concat([other, fixed, other], tmp_path / "joined.mp4")
    assert joined.frames == 30 + len(gaps) + 30


def test_check_chunk_refuses_a_chunk_without_narration_track(tmp_path: Path) -> None:
    video = media.make_test_video(tmp_path / "v.mp4", 0.5, size=(SIZE, SIZE))
    with pytest.raises(MediaError, match="no audio track"):
        media.check_chunk(video)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(gaps=st.lists(st.integers(min_value=400, max_value=620), min_size=2, max_size=30))
def test_mux_output_is_constant_rate_for_any_frame_timing(tmp_path: Path, gaps: list[int]) -> None:
    raw = _irregular(tmp_path / "raw.mp4", gaps)
    fixed = tmp_path / "fixed.mp4"
    media.mux(raw, None, fixed)
    info = media.check_chunk(fixed)
    assert info.frames == len(gaps)
    assert _levels(fixed) == _levels(raw), "the same frames, in the same order"
    joined = media.concat([fixed, fixed], tmp_path / "joined.mp4")
    assert joined.frames == 2 * len(gaps)
    assert Fraction(joined.duration).limit_denominator(1000) == Fraction(2 * len(gaps), 30)
