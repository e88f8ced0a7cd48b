"""Output format: exact frame counts at 30 fps, H.264 yuv420p, faststart, stream-copy concat."""

from __future__ import annotations

from pathlib import Path

import anyio
import av
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor_core.media import is_faststart, probe
from tutor_core.models import CodeSource, RenderRequest, RenderResult
from tutor_render_manim.child import FrameBudget
from tutor_render_manim.renderer import ManimRenderer

# Run times that are not whole frames (0.55 s = 16.5 frames) and a frozen wait, where
# Manim's own timing drifts; the totals must still be round(duration * 30).
BUSY = """
from manim import *
import numpy as np

class Busy(Scene):
    def construct(self):
        title = Text("Frame math", font_size=40).to_edge(UP)
        shapes = VGroup(Circle(color=BLUE), Square(color=GREEN), Triangle(color=RED),
                        Dot(), Star(color=YELLOW)).arrange(RIGHT, buff=0.4)
        ax = Axes(x_range=[-3, 3, 1], y_range=[-2, 2, 1], x_length=5, y_length=2.5).to_edge(DOWN)
        graph = ax.plot(lambda x: np.sin(x), color=TEAL)
        self.play(Write(title), Create(shapes), run_time=0.55)
        self.wait(0.7)
        self.play(Create(ax), Create(graph), run_time=0.33)
        self.play(shapes.animate.shift(UP * 0.5), FadeOut(title), run_time=0.4)
"""
BUSY_SECONDS = 0.55 + 0.7 + 0.33 + 0.4

SHORT = """
from manim import *

class Short(Scene):
    def construct(self):
        sq = Square(color=ORANGE)
        self.play(Create(sq), run_time=0.5)
        self.play(sq.animate.rotate(1.0), run_time=0.3)
"""
SHORT_SECONDS = 0.8


def render(code: str, tmp: Path, quality: str = "draft") -> RenderResult:
    renderer = ManimRenderer(cache_dir=None, timeout=120)
    request = RenderRequest(quality=quality, out_dir=tmp)  # type: ignore[arg-type]
    return anyio.run(renderer.render, CodeSource(code=code), request)


@pytest.fixture(scope="module")
def draft_chunks(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderResult, RenderResult]:
    tmp = tmp_path_factory.mktemp("chunks")
    return render(BUSY, tmp), render(SHORT, tmp)


def _decoded_frames(path: Path) -> int:
    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))


@pytest.mark.slow
def test_draft_chunk_format(draft_chunks: tuple[RenderResult, RenderResult]) -> None:
    busy, short = draft_chunks
    for result, seconds in ((busy, BUSY_SECONDS), (short, SHORT_SECONDS)):
        assert result.info.frames == round(seconds * 30)
        assert _decoded_frames(result.path) == result.info.frames
        assert (result.info.width, result.info.height, result.info.fps) == (854, 480, 30.0)
        assert result.info.codec == "h264"
        assert is_faststart(result.path)
        with av.open(str(result.path)) as c:
            stream = c.streams.video[0]
            assert stream.codec_context.pix_fmt == "yuv420p"
            # constant frame rate: pts advance by exactly one frame each time
            pts = sorted(p.pts for p in c.demux(stream) if p.pts is not None)
            steps = {b - a for a, b in zip(pts, pts[1:], strict=False)}
            assert len(steps) == 1


@pytest.mark.slow
def test_chunks_concatenate_by_stream_copy(
    draft_chunks: tuple[RenderResult, RenderResult], tmp_path: Path
) -> None:
    from tutor_core.media import concat

    busy, short = draft_chunks
    out = tmp_path / "joined.mp4"
    info = concat([busy.path, short.path, busy.path], out)
    expected = 2 * busy.info.frames + short.info.frames
    assert info.frames == expected
    assert probe(out).frames == expected
    assert _decoded_frames(out) == expected


@pytest.mark.slow
def test_final_quality_is_1080p30(tmp_path: Path) -> None:
    result = render(SHORT, tmp_path, quality="final")
    assert (result.info.width, result.info.height, result.info.fps) == (1920, 1080, 30.0)
    assert result.info.frames == round(SHORT_SECONDS * 30)
    assert _decoded_frames(result.path) == result.info.frames
    assert is_faststart(result.path)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.floats(min_value=1 / 30, max_value=30, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=40,
    )
)
def test_frame_budget_total_is_exact(run_times: list[float]) -> None:
    budget = FrameBudget(30)
    counts = [budget.take(t) for t in run_times]
    assert all(n >= 1 for n in counts)
    # intended total, accumulated the same way (float sums are order dependent)
    total = 0.0
    for t in run_times:
        total += t
    assert sum(counts) == round(total * 30)


def test_frame_budget_catches_up_after_tiny_steps() -> None:
    budget = FrameBudget(30)
    assert [budget.take(0.001) for _ in range(3)] == [1, 1, 1]
    assert budget.take(1.0) == 27  # the next call absorbs the 3 extra frames
    assert budget.frames == round(budget.seconds * 30) == 30
