"""Any sequence of time edits keeps the lesson exportable (real Manim renders, draft).

The regression: "make it slower" left one frame shorter than 1/30 s in the chunk, and
the next `export` refused to join it by stream copy.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import av
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor_core import SceneStatus, Settings, Tutor
from tutor_core.media import check_chunk, probe

pytestmark = pytest.mark.slow

EDITS = [
    "make it slower",
    "make it faster",
    "slow it down",
    "make it twice as fast",
    "make the animations slower",
]


def _tutor(home: Path) -> Tutor:
    return Tutor(Settings(home=home, quality="draft", narrator="silent", agent="lesson"))


@pytest.fixture(scope="module")
def lesson(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One generated two-scene lesson (its home and session id), shared by the examples."""
    home = tmp_path_factory.mktemp("edit-export")

    async def make() -> str:
        async with _tutor(home) as tutor:
            view = await tutor.generate("explain the Pythagorean theorem", scenes=2)
            assert [s.status for s in view.scenes] == [SceneStatus.READY] * 2
            return view.session.id

    return home, anyio.run(make)


@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(st.tuples(st.integers(0, 1), st.sampled_from(EDITS)), min_size=1, max_size=3))
def test_every_step_of_any_edit_sequence_exports(
    lesson: tuple[Path, str], steps: list[tuple[int, str]], tmp_path: Path
) -> None:
    home, session_id = lesson

    async def run() -> None:
        async with _tutor(home) as tutor:
            for number, (index, instruction) in enumerate(steps):
                before = await tutor.session(session_id)
                view = await tutor.edit(before.scenes[index].id, instruction)
                scene = view.scenes[index]
                assert scene.status == SceneStatus.READY, scene.error_message
                assert scene.version == before.scenes[index].version + 1
                out = tmp_path / f"step{number}.mp4"
                result = await tutor.export(session_id, out)
                assert result.missing == []
                assert probe(out).frames == view.session.duration_in_frames
                assert check_chunk(out).fps == 30
                with av.open(str(out)) as container:
                    assert [s.codec_context.name for s in container.streams.subtitles] == [
                        "mov_text"
                    ]

    anyio.run(run)
