"""End to end with real components: Manim renders (draft), Piper narration, PyAV, SQLite."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from tests.e2e.helpers import CountingRenderer, title_of, vtt_cues, words
from tutor_core import SceneStatus, SessionStatus, Settings, Tutor
from tutor_core.media import probe
from tutor_core.pipeline import FALLBACK_ID
from tutor_core.plugins import get_renderer

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


def _tutor(renderer: CountingRenderer, **overrides: object) -> Tutor:
    settings = Settings(quality="draft", **overrides)  # type: ignore[arg-type]
    return Tutor(settings, renderer=renderer)


def _real_renderer(settings: Settings | None = None) -> CountingRenderer:
    s = settings or Settings(quality="draft")
    return CountingRenderer(get_renderer("manim", s))


async def test_generate_edit_export(tmp_path: Path) -> None:
    renderer = _real_renderer()
    async with _tutor(renderer) as tutor:
        view = await tutor.generate("explain the Pythagorean theorem", scenes=3)
        assert view.session.status == SessionStatus.READY
        assert [s.status for s in view.scenes] == [SceneStatus.READY] * 3
        assert all(s.version == 1 and s.checksum for s in view.scenes)
        assert len(renderer.rendered) == 3

        # Frames: contiguous spans whose sum is the session length.
        spans = [(s.start_frame, s.end_frame, s.duration_in_frames) for s in view.scenes]
        assert spans[0][0] == 0
        for (start, end, n), nxt in zip(spans, [*spans[1:], None], strict=True):
            assert end == start + n - 1
            if nxt is not None:
                assert nxt[0] == end + 1
        assert view.session.duration_in_frames == sum(n for _, _, n in spans)

        # Export: one mp4 with video and audio, frame count = sum of scenes, subtitles.
        out = tmp_path / "lesson.mp4"
        result = await tutor.export(view.session.id, out)
        info = probe(out)
        assert info.frames == view.session.duration_in_frames
        assert info.has_audio and info.codec == "h264"
        assert (info.width, info.height, round(info.fps)) == (854, 480, 30)
        with av.open(str(out)) as container:
            assert {s.type for s in container.streams} >= {"video", "audio"}
        cues = vtt_cues(result.subtitles.read_text())
        spoken = [w for c in cues for w in words(c[2])]
        narrated = [w for s in view.scenes for w in words(s.narration or "")]
        assert spoken == narrated, "subtitles cover the whole narration, in order"
        assert all(0 <= a < b <= info.duration + 0.05 for a, b, _ in cues)
        assert [c[0] for c in cues] == sorted(c[0] for c in cues)

        # Edit scene 2: only it is rendered again; it becomes version 2.
        before = {s.id: (s.version, s.checksum) for s in view.scenes}
        target = view.scenes[1]
        renders_before = len(renderer.rendered)
        edited = await tutor.edit(target.id, "change the title to Right triangles everywhere")
        assert len(renderer.rendered) == renders_before + 1
        after = {s.id: s for s in edited.scenes}
        assert after[target.id].version == 2
        assert after[target.id].checksum != before[target.id][1]
        assert after[target.id].title == "Right triangles everywhere"
        assert after[target.id].s3_chunk_key is not None
        assert after[target.id].s3_chunk_key.endswith("/v2.mp4")
        for scene_id, (version, checksum) in before.items():
            if scene_id != target.id:
                assert (after[scene_id].version, after[scene_id].checksum) == (version, checksum)
        assert edited.session.status == SessionStatus.READY
        again = await tutor.export(edited.session.id, tmp_path / "edited.mp4")
        assert probe(again.path).frames == edited.session.duration_in_frames


async def test_one_failing_scene_leaves_the_others_playable_and_retry_recovers(
    tmp_path: Path,
) -> None:
    failing = {"on": True}
    broken: list[str] = []

    def fail_second(source: object) -> bool:
        title = title_of(source)  # type: ignore[arg-type]
        if failing["on"] and title is not None and (not broken or title == broken[0]):
            broken.append(title)
            return True
        return False

    renderer = _real_renderer()
    renderer.fail_when = fail_second
    async with _tutor(renderer, fallback_scenes=False, repair_attempts=0) as tutor:
        view = await tutor.generate("explain binary search", scenes=2)
        statuses = sorted(s.status.value for s in view.scenes)
        assert statuses == ["error", "ready"]
        failed = next(s for s in view.scenes if s.status == SceneStatus.ERROR)
        assert "injected" in (failed.error_message or "")
        assert view.session.status == SessionStatus.READY  # playable with the ready scene
        assert "failed" in (view.session.error_message or "")
        result = await tutor.export(view.session.id, tmp_path / "partial.mp4")
        assert [s.id for s in result.missing] == [failed.id]
        assert probe(result.path).frames == view.session.duration_in_frames

        failing["on"] = False
        recovered = await tutor.retry(failed.id)
        assert [s.status for s in recovered.scenes] == [SceneStatus.READY] * 2
        assert recovered.session.error_message is None
        full = await tutor.export(recovered.session.id, tmp_path / "full.mp4")
        assert full.missing == []


async def test_failed_edit_keeps_the_previous_version_playable(tmp_path: Path) -> None:
    renderer = _real_renderer()
    async with _tutor(renderer, repair_attempts=0) as tutor:
        view = await tutor.generate("explain recursion", scenes=1)
        scene = view.scenes[0]
        assert scene.version == 1

        renderer.fail_when = lambda source: title_of(source) == "Broken on purpose"
        edited = await tutor.edit(scene.id, "change the title to Broken on purpose")
        failed = edited.scenes[0]
        assert failed.status == SceneStatus.ERROR
        assert failed.version == 1 and failed.checksum == scene.checksum
        assert failed.s3_chunk_key == scene.s3_chunk_key
        assert failed.pending_edit == "change the title to Broken on purpose"
        result = await tutor.export(edited.session.id, tmp_path / "still.mp4")
        assert result.missing == [] and probe(result.path).frames == scene.duration_in_frames

        renderer.fail_when = None
        retried = await tutor.retry(scene.id)
        assert retried.scenes[0].status == SceneStatus.READY
        assert retried.scenes[0].version == 2
        assert retried.scenes[0].title == "Broken on purpose"


async def test_unrenderable_scene_falls_back_to_a_title_card() -> None:
    renderer = _real_renderer()
    planned_titles: list[str] = []

    def fail_planned(source: object) -> bool:
        title = title_of(source)  # type: ignore[arg-type]
        spec = getattr(source, "spec", None)
        is_fallback = spec is not None and [e.id for e in spec.elements] == [FALLBACK_ID]
        if not is_fallback and title:
            planned_titles.append(title)
        return not is_fallback

    renderer.fail_when = fail_planned
    async with _tutor(renderer, repair_attempts=1) as tutor:
        view = await tutor.generate("explain the quadratic formula", scenes=1)
        scene = view.scenes[0]
        assert scene.status == SceneStatus.READY
        assert "simplified scene" in (scene.error_message or "")
        assert tutor.stats.fallbacks == 1
        assert len(renderer.failed) >= 2  # the planned scene, then its repair
