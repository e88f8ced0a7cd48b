"""Whole lessons made by the openai agent: real pipeline, real sandboxed Manim renders
(draft), a scripted model on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.agent_openai import scenes
from tests.agent_openai.fake_openai import FakeOpenAI, Step, answer, call
from tutor_core import Tutor
from tutor_core.code_timing import padded_seconds
from tutor_core.errors import EditNotUnderstood
from tutor_core.media import probe
from tutor_core.models import CodeSource, SceneStatus, SessionStatus, SpecSource
from tutor_core.pipeline import SceneDocument
from tutor_core.settings import Settings

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def _document(tutor: Tutor, scene_id: str) -> SceneDocument:
    from tutor_core.interfaces import Bucket

    scene = await tutor.store.get_scene(scene_id)
    assert scene.s3_spec_key is not None
    return SceneDocument.from_json(await tutor.storage.get(Bucket.SOURCES, scene.s3_spec_key))


def _edited(spec: dict[str, Any]) -> dict[str, Any]:
    return spec | {
        "understood": True,
        "reason": "",
        "suggestions": [],
        "title": "",
        "narration": "",
        "summary": "the equation is red",
    }


async def test_a_lesson_with_a_made_up_name_and_a_render_error_comes_out_whole(
    fake: FakeOpenAI, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake.script("plan", answer(scenes.plan(2)))
    fake.script("write 1", call("search_docs", query="equation", limit=2), answer(scenes.spec()))
    fake.script(
        "write 2",
        answer(scenes.code(scenes.MADE_UP_NAME_BODY, 2)),  # caught by validate_scene
        answer(scenes.code(scenes.RUNTIME_ERROR_BODY, 2)),  # passes, fails to render
    )
    fake.script("repair 2", answer(scenes.code(scenes.GOOD_BODY, 2)))

    async with Tutor(settings) as tutor:
        view = await tutor.generate("explain the Pythagorean theorem", scenes=2)
        stats = tutor.pipeline.stats
        assert view.session.status == SessionStatus.READY, view.to_json()
        first, second = view.scenes
        assert [s.status for s in view.scenes] == [SceneStatus.READY, SceneStatus.READY]
        assert not first.fallback and not second.fallback and second.error_message is None
        assert (stats.repairs, stats.fallbacks) == (1, 0)
        # Two renders that worked, and one that failed: scene 2's IndexError. The code
        # with a made-up name never reached the renderer.
        assert stats.renders + stats.cached_renders == 2
        failed = [r.getMessage() for r in caplog.records if "failed (attempt" in r.getMessage()]
        assert len(failed) == 1 and "IndexError" in failed[0], failed

        repair = fake.conversation("repair 2")[0]["messages"][1]["content"]
        assert '"exception_type": "IndexError"' in repair and "steps[7]" in repair
        assert isinstance((await _document(tutor, first.id)).source, SpecSource)
        doc2 = await _document(tutor, second.id)
        assert isinstance(doc2.source, CodeSource) and "Square(side_length=2" in doc2.source.code
        # The code was written for a narration of some seconds; it lasts that long.
        assert "wait until the narration ends" in doc2.source.code
        narrated = doc2.sentences[-1].end if doc2.sentences else 0.0
        assert second.duration_in_frames >= int(narrated * 30)

        # Tokens and cost: per scene (write, validation feedback, repair) and per lesson.
        assert first.tokens and second.tokens and second.tokens > first.tokens
        assert view.session.plan_tokens and view.session.plan_cost_usd
        assert view.tokens == view.session.plan_tokens + first.tokens + second.tokens
        assert view.cost_usd == pytest.approx(
            view.session.plan_cost_usd + (first.cost_usd or 0) + (second.cost_usd or 0)
        )
        shown = view.to_json()
        assert shown["tokens"] == view.tokens and shown["scenes"][1]["tokens"] == second.tokens

        out = (await tutor.export(view.session.id, tmp_path / "lesson.mp4")).path
        assert probe(out).frames == sum(s.duration_in_frames for s in view.scenes)

        # An edit by prompt changes scene 1 only, and adds its tokens to the scene's.
        fake.script("edit", answer(_edited(scenes.spec(color="red"))))
        edited = await tutor.edit(first.id, "make the equation red")
        one, two = edited.scenes
        assert (one.version, two.version) == (2, 1) and two.checksum == second.checksum
        doc1 = await _document(tutor, one.id)
        assert isinstance(doc1.source, SpecSource)
        assert doc1.source.spec.elements[0].color == "red"
        assert one.tokens and one.tokens > (first.tokens or 0)

        # A refused edit changes nothing but what it cost.
        refusal = _edited(scenes.spec()) | {
            "understood": False,
            "reason": "there is no triangle",
            "suggestions": ["make the equation red"],
        }
        fake.script("edit", answer(refusal))
        with pytest.raises(EditNotUnderstood):
            await tutor.edit(first.id, "make the triangle spin")
        kept = await tutor.store.get_scene(first.id)
        assert kept.status == SceneStatus.READY and kept.version == 2
        assert kept.tokens and kept.tokens > one.tokens
        total = (await tutor.session(view.session.id)).tokens
    assert fake.unused() == {}
    shown = subprocess.run(
        [str(Path(sys.executable).parent / "tutor"), "show", view.session.id],
        env=dict(os.environ) | {"TUTOR_HOME": str(settings.home)},
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0, shown.stderr
    assert f"model usage: {total} tokens, $" in shown.stdout


async def test_a_model_that_never_writes_valid_code_still_gives_a_whole_video(
    fake: FakeOpenAI, settings: Settings, tmp_path: Path
) -> None:
    fake.script("plan", answer(scenes.plan(2)))
    fake.script("write 1", answer(scenes.spec()))
    fake.script("write 2", *[answer(scenes.code(scenes.MADE_UP_NAME_BODY, 2))] * 3)

    async with Tutor(settings) as tutor:
        view = await tutor.generate("explain the Pythagorean theorem", scenes=2)
        assert view.session.status == SessionStatus.READY
        _, second = view.scenes
        assert second.status == SceneStatus.READY and second.fallback
        assert "showing a simplified scene" in (second.error_message or "")
        assert "Circel" in (second.error_message or "")
        assert f"tutor retry {second.id}" in (second.error_message or "")
        assert tutor.pipeline.stats.fallbacks == 1
        assert second.tokens, "what the failed attempts cost is still counted"

        result = await tutor.export(view.session.id, tmp_path / "whole.mp4")
        assert result.scenes == 2 and result.missing == []
        assert probe(result.path).frames == sum(s.duration_in_frames for s in view.scenes)

        # The fallback says it can be retried, and a retry makes the planned scene.
        fake.script("write 2", answer(scenes.code(scenes.GOOD_BODY, 2)))
        retried = await tutor.retry(second.id)
        again = retried.scenes[1]
        assert again.status == SceneStatus.READY and not again.fallback
        assert again.version == 2 and again.error_message is None
        assert isinstance((await _document(tutor, again.id)).source, CodeSource)
        assert (again.tokens or 0) > (second.tokens or 0)


async def test_an_endpoint_that_times_out_fails_the_lesson_with_the_setting_to_fix(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("plan", Step(content=scenes.plan(1), delay=3))
    slow = Settings(**(settings.model_dump() | {"openai_timeout": 0.5}))
    async with Tutor(slow) as tutor:
        session, count = await tutor.create_session("explain sine", scenes=1)
        with pytest.raises(Exception) as caught:
            await tutor.pipeline.generate(session.id, count, job_id=session.job_id)
        assert "TUTOR_OPENAI_TIMEOUT" in str(caught.value)
        stored = await tutor.store.get_session(session.id)
        assert stored.status == SessionStatus.ERROR
        assert "TUTOR_OPENAI_TIMEOUT" in (stored.error_message or "")


async def test_an_edit_that_lengthens_the_narration_of_code_lengthens_the_scene(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("plan", answer(scenes.plan(1)))
    fake.script("write 1", answer(scenes.code(scenes.GOOD_BODY, 1)))
    longer = " ".join(
        f"Step {n} of the proof moves the square once more and says why it matters."
        for n in range(1, 7)
    )
    # The model answers with its code as written (still padded for the old narration)
    # and a narration several times as long.
    async with Tutor(settings) as tutor:
        view = await tutor.generate("explain squares", scenes=1)
        (before,) = view.scenes
        doc = await _document(tutor, before.id)
        assert isinstance(doc.source, CodeSource)
        fake.script(
            "edit",
            answer(
                scenes.code(scenes.GOOD_BODY, 1)
                | {"code": doc.source.code}
                | _edited({})
                | {"narration": longer, "summary": "the narration goes step by step"}
            ),
        )
        (after,) = (await tutor.edit(before.id, "explain every step")).scenes
        edited = await _document(tutor, after.id)
    assert after.version == 2 and edited.narration == longer
    assert isinstance(edited.source, CodeSource)
    narrated = edited.sentences[-1].end
    assert narrated > 3 * doc.sentences[-1].end
    # The whole narration is heard: the scene lasts as long as it (not the old length).
    assert after.duration_in_frames >= int(narrated * 30) > before.duration_in_frames
    assert padded_seconds(edited.source.code) == pytest.approx(narrated, abs=1.0)
    assert fake.unused() == {}
