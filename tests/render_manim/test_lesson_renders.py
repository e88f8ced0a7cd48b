"""Every built-in topic renders for real and keeps moving while its narration runs.

Each test runs the real pipeline (narrator, offline agent, sandboxed Manim at draft
quality) for a one-scene lesson, which is the topic's signature scene, then checks the
rendered scene's own timeline, with the narrator's real sentence timings, for narrated
stretches without animation.
"""

from __future__ import annotations

import json

import pytest

from tutor_core import SceneStatus, Settings, Tutor
from tutor_core.agents.lesson import TOPICS
from tutor_core.agents.lesson.pacing import MAX_STILL, still_stretches
from tutor_core.interfaces import Bucket
from tutor_core.keys import spec_key
from tutor_core.models import SentenceTiming, SpecSource
from tutor_core.pipeline import FALLBACK_ID, SceneDocument

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


async def _render_one(prompt: str, edit: str | None = None) -> tuple[SceneDocument, Tutor]:
    async with Tutor(Settings(quality="draft")) as tutor:
        view = await tutor.generate(prompt, scenes=1)
        scene = view.scenes[0]
        if edit is not None:
            view = await tutor.edit(scene.id, edit)
            scene = view.scenes[0]
        assert scene.status == SceneStatus.READY, scene.error_message
        assert tutor.stats.repairs == 0 and tutor.stats.fallbacks == 0, "rendered as written"
        key = spec_key(scene.project_id, scene.session_id, scene.index, scene.version)
        doc = SceneDocument.from_json(await tutor.storage.get(Bucket.SOURCES, key))
        assert scene.s3_chunk_key is not None
        chunk = await tutor.storage.get(Bucket.CHUNKS, scene.s3_chunk_key)
        assert chunk[4:8] == b"ftyp", "the chunk is an mp4"
        return doc, tutor


def _check_motion(doc: SceneDocument) -> None:
    assert isinstance(doc.source, SpecSource)
    spec = doc.source.spec
    assert all(el.id != FALLBACK_ID for el in spec.elements), "not the fallback card"
    sentences: list[SentenceTiming] = doc.sentences
    assert sentences and len(spec.cues) == len(sentences)
    narration_end = sentences[-1].end
    still = still_stretches(spec, narration_end, longer_than=MAX_STILL)
    assert not still, f"{spec.title!r}: still while narrating at {still}"


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.key)
async def test_signature_scene_renders_and_moves_while_it_speaks(topic: object) -> None:
    doc, _ = await _render_one(topic.keywords[0])  # type: ignore[attr-defined]
    _check_motion(doc)


async def test_an_outline_scene_renders_and_moves() -> None:
    doc, _ = await _render_one("how do vaccines work")
    _check_motion(doc)


async def test_an_added_worked_example_renders_and_moves() -> None:
    doc, _ = await _render_one(
        "explain the Pythagorean theorem", "add an example with numbers 5, 12, 13"
    )
    _check_motion(doc)
    assert "169" in doc.narration
    labels = json.dumps(doc.source.model_dump())
    assert "c = 13" in labels
