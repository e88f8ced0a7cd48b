"""Pipeline behaviour with fast fakes (the real-render end to end is in tests/e2e)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest

from tutor_core import (
    InvalidInput,
    Scene,
    SceneStatus,
    SessionStatus,
    Settings,
    Tutor,
    VideoSession,
)
from tutor_core.errors import EditNotUnderstood, NotFound, StorageError
from tutor_core.interfaces import Bucket
from tutor_core.logs import correlation_id
from tutor_core.models import (
    RenderRequest,
    RenderResult,
    SceneEdit,
    SceneSource,
    SpecSource,
)
from tutor_core.narration.silent import SilentNarrator
from tutor_core.plugins import registered
from tutor_core.states import SCENE
from tutor_core.testing import FakeRenderer, MemoryStorage, ScriptedAgent, fake_plugin

pytestmark = pytest.mark.anyio


def make_tutor(
    *,
    renderer: Any = None,
    agent: Any = None,
    storage: Any = None,
    on_change: Any = None,
    **settings: Any,
) -> Tutor:
    return Tutor(
        Settings(quality="draft", **settings),
        renderer=renderer or FakeRenderer(),
        agent=agent or ScriptedAgent(),
        narrator=SilentNarrator(),
        storage=storage or MemoryStorage(),
        on_change=on_change,
    )


def retitle(title: str) -> Any:
    def edit(scene: Any, instruction: str) -> SceneEdit:
        spec = scene.source.spec.model_copy(update={"title": title})
        return SceneEdit(source=SpecSource(spec=spec), narration=scene.narration, title=title)

    return edit


async def test_generate_makes_every_scene_through_declared_transitions() -> None:
    seen: dict[str, list[SceneStatus]] = {}
    correlation: set[str] = set()

    def on_change(obj: VideoSession | Scene) -> None:
        correlation.add(correlation_id.get())
        if isinstance(obj, Scene):
            statuses = seen.setdefault(obj.id, [])
            if not statuses or statuses[-1] != obj.status:
                statuses.append(obj.status)

    hook_events: list[tuple[str, str]] = []
    observer = fake_plugin(on_scene_status=lambda scene, old, new: hook_events.append((old, new)))
    renderer = FakeRenderer()
    with registered(observer):
        async with make_tutor(renderer=renderer, on_change=on_change) as tutor:
            view = await tutor.generate("explain rainbows", scenes=3)
    assert view.session.status == SessionStatus.READY
    assert [s.status for s in view.scenes] == [SceneStatus.READY] * 3
    assert [s.version for s in view.scenes] == [1, 1, 1]
    assert renderer.renders == 3
    for statuses in seen.values():
        assert statuses[0] == SceneStatus.QUEUED or statuses[0] == SceneStatus.GENERATING_CODE
        for old, new in zip(statuses, statuses[1:], strict=False):
            assert SCENE.can(old, new), f"{old} -> {new}"
        assert statuses[-1] == SceneStatus.READY
    assert ("uploading", "ready") in [(str(a), str(b)) for a, b in hook_events]
    assert correlation == {view.session.job_id}, "every change runs under the job's id"
    starts = [s.start_frame for s in view.scenes]
    assert starts == [0, view.scenes[0].end_frame + 1, view.scenes[1].end_frame + 1]
    assert view.session.duration_in_frames == view.scenes[2].end_frame + 1


async def test_scene_work_runs_concurrently_within_the_bound() -> None:
    running = 0
    peak = 0

    class SlowRenderer(FakeRenderer):
        async def render(self, source: SceneSource, request: RenderRequest) -> RenderResult:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            try:
                await anyio.sleep(0.2)
                return await super().render(source, request)
            finally:
                running -= 1

    async with make_tutor(renderer=SlowRenderer(), concurrency=2) as tutor:
        view = await tutor.generate("explain tides", scenes=5)
    assert view.session.status == SessionStatus.READY
    assert peak == 2


async def test_a_failing_scene_does_not_block_the_others() -> None:
    agent = ScriptedAgent()
    renderer = FakeRenderer(
        fail_on=lambda src: isinstance(src, SpecSource) and src.spec.title == "Part 2"
    )
    async with make_tutor(renderer=renderer, agent=agent, fallback_scenes=False) as tutor:
        view = await tutor.generate("explain volcanoes", scenes=3)
        assert [s.status for s in view.scenes] == [
            SceneStatus.READY,
            SceneStatus.ERROR,
            SceneStatus.READY,
        ]
        assert "told to fail" in (view.scenes[1].error_message or "")
        assert view.session.status == SessionStatus.READY
        assert "scene 2" in (view.session.error_message or "")
        assert view.scenes[1].duration_in_frames == 0
        assert view.scenes[2].start_frame == view.scenes[0].end_frame + 1
        # Repair was asked for and declined; then the scene failed alone.
        assert [c[0] for c in agent.calls].count("repair") == 1


async def test_session_is_error_only_when_no_scene_could_be_made(tmp_path: Path) -> None:
    renderer = FakeRenderer(fail_on=lambda src: True)
    async with make_tutor(renderer=renderer, fallback_scenes=False, repair_attempts=0) as tutor:
        view = await tutor.generate("explain glaciers", scenes=2)
        assert view.session.status == SessionStatus.ERROR
        assert "no scene could be made" in (view.session.error_message or "")
        with pytest.raises(InvalidInput, match="no playable scene"):
            await tutor.export(view.session.id, tmp_path / "none.mp4")
        assert not (tmp_path / "none.mp4").exists()


async def test_repair_loop_fixes_a_failing_scene() -> None:
    def repaired(source: SceneSource, error: Any) -> SceneSource:
        assert isinstance(source, SpecSource)
        spec = source.spec.model_copy(update={"title": "Repaired"})
        return SpecSource(spec=spec)

    agent = ScriptedAgent(repairs=[repaired])
    renderer = FakeRenderer(
        fail_on=lambda src: isinstance(src, SpecSource) and src.spec.title == "Part 1"
    )
    async with make_tutor(renderer=renderer, agent=agent) as tutor:
        view = await tutor.generate("explain clouds", scenes=1)
        assert view.scenes[0].status == SceneStatus.READY
        assert tutor.stats.repairs == 1 and tutor.stats.fallbacks == 0


async def test_a_refused_edit_leaves_the_scene_ready_and_says_what_works() -> None:
    class RefusingAgent(ScriptedAgent):
        async def edit(self, scene: Any, instruction: str) -> SceneEdit:
            if "sparkle" in instruction:
                raise EditNotUnderstood(
                    f"I do not understand the edit {instruction!r}",
                    suggestions=["make it slower", "make the title bigger"],
                    nearest="make it sparkly",
                )
            return await super().edit(scene, instruction)

    renderer = FakeRenderer()
    agent = RefusingAgent(edits=[retitle("Sparkly magnets")])
    async with make_tutor(agent=agent, renderer=renderer) as tutor:
        view = await tutor.generate("explain magnets", scenes=2)
        first = view.scenes[0]
        renders = renderer.renders
        with pytest.raises(EditNotUnderstood) as refused:
            await tutor.edit(first.id, "make it sparkle")
        assert refused.value.suggestions == ["make it slower", "make the title bigger"]
        assert refused.value.nearest == "make it sparkly"
        assert renderer.renders == renders, "a refusal renders nothing"

        after = await tutor.session(view.session.id)
        scene = after.scenes[0]
        assert scene.status == SceneStatus.READY and scene.error_message is None
        assert scene.pending_edit is None
        assert scene.version == 1 and scene.checksum == first.checksum and scene.playable
        assert after.session.status == SessionStatus.READY
        assert after.session.error_message is None
        with pytest.raises(InvalidInput):  # nothing to retry: the scene did not fail
            await tutor.retry(first.id)

        edited = await tutor.edit(first.id, "retitle")
        assert edited.scenes[0].status == SceneStatus.READY
        assert edited.scenes[0].version == 2
        assert edited.scenes[0].title == "Sparkly magnets"


async def test_check_edit_asks_an_agent_with_quick_edits_and_changes_nothing() -> None:
    class QuickAgent(ScriptedAgent):
        quick_edits = True
        asked: list[str] = []

        async def edit(self, scene: Any, instruction: str) -> SceneEdit:
            self.asked.append(instruction)
            if "sparkle" in instruction:
                raise EditNotUnderstood("no sparkles", suggestions=["make it slower"])
            return await super().edit(scene, instruction)

    renderer = FakeRenderer()
    agent = QuickAgent(edits=[retitle("Checked")])
    async with make_tutor(agent=agent, renderer=renderer) as tutor:
        view = await tutor.generate("explain magnets", scenes=1)
        (first,) = view.scenes
        renders = renderer.renders
        with pytest.raises(EditNotUnderstood) as refused:
            await tutor.pipeline.check_edit(first.id, "  make it sparkle ")
        assert refused.value.suggestions == ["make it slower"]
        await tutor.pipeline.check_edit(first.id, "retitle")  # understood: no answer
        assert agent.asked == ["make it sparkle", "retitle"]
        assert renderer.renders == renders
        stored = await tutor.store.get_scene(first.id)
        assert (stored.revision, stored.version) == (first.revision, 1), "nothing was stored"

        # Tutor.edit asks first too: a refusal changes no status on the way.
        changed: list[Any] = []
        tutor.pipeline.on_change = changed.append
        with pytest.raises(EditNotUnderstood):
            await tutor.edit(first.id, "make it sparkle")
        assert changed == [] and renderer.renders == renders

        # An agent that needs a model is not asked: its edit's job answers.
        agent.asked.clear()
        agent.quick_edits = False
        await tutor.pipeline.check_edit(first.id, "make it sparkle")
        assert agent.asked == []


async def test_a_failed_edit_render_is_an_error_and_retry_runs_it_again() -> None:
    renderer = FakeRenderer()
    agent = ScriptedAgent(edits=[retitle("Broken"), retitle("Broken")])
    async with make_tutor(agent=agent, renderer=renderer, repair_attempts=0) as tutor:
        view = await tutor.generate("explain magnets", scenes=2)
        first = view.scenes[0]
        renderer.fail_on = lambda source: (
            getattr(source, "spec", None) is not None and (source.spec.title == "Broken")
        )
        edited = await tutor.edit(first.id, "retitle")
        scene = edited.scenes[0]
        assert scene.status == SceneStatus.ERROR
        assert scene.version == 1 and scene.checksum == first.checksum and scene.playable
        assert scene.pending_edit == "retitle"
        assert edited.session.status == SessionStatus.READY

        renderer.fail_on = None
        retried = await tutor.retry(first.id)
        assert retried.scenes[0].status == SceneStatus.READY
        assert retried.scenes[0].version == 2
        assert retried.scenes[0].pending_edit is None


async def test_each_version_says_what_made_it() -> None:
    def summarised(scene: Any, instruction: str) -> SceneEdit:
        edit = retitle("Magnets, renamed")(scene, instruction)
        return edit.model_copy(update={"summary": "title changed"})

    agent = ScriptedAgent(edits=[summarised, retitle("Again")])
    async with make_tutor(agent=agent) as tutor:
        view = await tutor.generate("explain magnets", scenes=1)
        scene_id = view.scenes[0].id
        await tutor.edit(scene_id, "  rename   the title ")
        await tutor.edit(scene_id, "retitle")
        await tutor.rollback(scene_id, 1)
        versions = await tutor.versions(scene_id)
    assert [v.change for v in versions] == [
        "first version",
        "edit: rename the title (title changed)",
        "edit: retitle",
        "restored version 1",
    ]
    assert [v.title for v in versions][-1] == versions[0].title


async def test_edit_writes_a_new_version_under_versioned_keys() -> None:
    storage = MemoryStorage()
    agent = ScriptedAgent(edits=[retitle("Second take")])
    async with make_tutor(agent=agent, storage=storage) as tutor:
        view = await tutor.generate("explain orbits", scenes=2)
        scene = view.scenes[1]
        edited = await tutor.edit(scene.id, "retitle")
        new = edited.scenes[1]
        assert new.version == 2 and new.s3_chunk_key is not None
        assert new.s3_chunk_key.endswith("/scenes/1/v2.mp4")
        assert scene.s3_chunk_key is not None
        assert await storage.exists(Bucket.CHUNKS, scene.s3_chunk_key), "v1 is kept"
        assert await storage.exists(Bucket.SOURCES, new.s3_spec_key or "")
        assert edited.scenes[0].version == 1


async def test_bad_requests_are_refused_before_anything_is_written() -> None:
    async with make_tutor() as tutor:
        for prompt in ("", "   ", "x" * 10_000_000):
            with pytest.raises(InvalidInput):
                await tutor.generate(prompt)
        for count in (0, 13, 1000, -1):
            with pytest.raises(InvalidInput, match="between 1 and 12"):
                await tutor.generate("explain gravity", scenes=count)
        assert await tutor.sessions() == []
        with pytest.raises(NotFound):
            await tutor.edit("scn_nope", "make it blue")
        with pytest.raises(NotFound):
            await tutor.retry("scn_nope")
        view = await tutor.generate("explain gravity", scenes=1)
        with pytest.raises(InvalidInput, match="empty edit"):
            await tutor.edit(view.scenes[0].id, "  ")
        with pytest.raises(InvalidInput, match="not error"):
            await tutor.retry(view.scenes[0].id)


async def test_scene_timeout_marks_only_that_scene() -> None:
    class HangingRenderer(FakeRenderer):
        async def render(self, source: SceneSource, request: RenderRequest) -> RenderResult:
            if isinstance(source, SpecSource) and source.spec.title == "Part 1":
                await anyio.sleep(3600)
            return await super().render(source, request)

    # Long enough for the healthy scene on a loaded machine; the other one hangs for an hour.
    async with make_tutor(renderer=HangingRenderer(), scene_timeout=8.0) as tutor:
        view = await tutor.generate("explain sound", scenes=2)
    assert view.scenes[0].status == SceneStatus.ERROR
    assert "TUTOR_SCENE_TIMEOUT" in (view.scenes[0].error_message or "")
    assert view.scenes[1].status == SceneStatus.READY


async def test_transient_storage_failures_are_retried() -> None:
    class FlakyStorage(MemoryStorage):
        def __init__(self, failures: int) -> None:
            super().__init__()
            self.failures = failures

        async def put(self, bucket: Bucket, key: str, data: Any, **kw: Any) -> str:
            if key.endswith(".mp4") and self.failures > 0:
                self.failures -= 1
                raise StorageError("503 slow down")
            return await super().put(bucket, key, data, **kw)

    flaky = FlakyStorage(failures=2)
    async with make_tutor(storage=flaky) as tutor:
        view = await tutor.generate("explain wind", scenes=1)
    assert view.scenes[0].status == SceneStatus.READY and flaky.failures == 0

    broken = FlakyStorage(failures=100)
    async with make_tutor(storage=broken, retry_attempts=2) as tutor:
        view = await tutor.generate("explain rain", scenes=1)
    assert view.scenes[0].status == SceneStatus.ERROR
    assert "slow down" in (view.scenes[0].error_message or "")


async def test_queued_generation_runs_in_the_background() -> None:
    async with make_tutor() as tutor:
        queue = await tutor.start_queue()
        view = await tutor.submit_generate("explain snow", scenes=2)
        # It returns at once: the job may already have started, but not finished.
        assert view.session.status in (
            SessionStatus.QUEUED,
            SessionStatus.GENERATING,
            SessionStatus.RENDERING,
        )
        info = await queue.wait(view.session.job_id)  # type: ignore[attr-defined]
        assert info.state.value == "done", info.error
        done = await tutor.session(view.session.id)
        assert done.session.status == SessionStatus.READY
        assert [s.status for s in done.scenes] == [SceneStatus.READY] * 2


async def test_users_see_only_their_own_sessions() -> None:
    storage = MemoryStorage()
    async with make_tutor(storage=storage) as alice:
        view = await alice.generate("explain fog", scenes=1)
        store = alice.store
        bob = Tutor(
            alice.settings,
            store=store,
            storage=storage,
            agent=ScriptedAgent(),
            renderer=FakeRenderer(),
            narrator=SilentNarrator(),
            user="bob",
        )
        assert await bob.sessions() == []
        with pytest.raises(NotFound):
            await bob.session(view.session.id)
        with pytest.raises(NotFound):
            await bob.edit(view.scenes[0].id, "anything")


async def test_every_log_line_of_a_job_carries_its_correlation_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json
    import logging

    from tutor_core.logs import configure_logging

    logger = logging.getLogger("tutor")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    configure_logging("INFO", json_lines=True)
    try:
        renderer = FakeRenderer(
            fail_on=lambda src: isinstance(src, SpecSource) and src.spec.title == "Part 2"
        )
        async with make_tutor(renderer=renderer, fallback_scenes=False) as tutor:
            view = await tutor.generate("explain comets", scenes=2)
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    assert len(lines) >= 4
    assert {line["correlationId"] for line in lines} == {view.session.job_id}
    assert any(line["level"] == "warning" and "failed" in line["message"] for line in lines)


async def test_scenes_can_be_named_by_number() -> None:
    async with make_tutor() as tutor:
        with pytest.raises(NotFound, match="no session yet"):
            await tutor.resolve_scene("2")
        with pytest.raises(NotFound, match="no session yet"):
            await tutor.resolve_session(None)
        older = await tutor.generate("explain ice", scenes=2)
        newer = await tutor.generate("explain steam", scenes=3)
        assert (await tutor.resolve_scene("2")).id == newer.scenes[1].id
        assert (await tutor.resolve_session(None)).id == newer.session.id
        assert (await tutor.resolve_scene(f"{older.session.id}:1")).id == older.scenes[0].id
        assert (await tutor.resolve_scene(newer.scenes[2].id)).index == 2
        with pytest.raises(NotFound, match="has 3 scenes, not a scene 4"):
            await tutor.resolve_scene("4")
        with pytest.raises(NotFound):
            await tutor.resolve_scene("ses_nope:1")


async def test_an_outline_plan_is_marked_on_the_session_with_its_notice() -> None:
    from tutor_core.models import LessonPlan, PlannedScene

    notice = 'No built-in lesson on "tides": this is an outline. Set TUTOR_AGENT=openai.'
    plan = LessonPlan(
        title="Tides",
        scenes=[PlannedScene(title="What tides are", narration="Tides rise and fall.")],
        outline=True,
        notice=notice,
    )
    async with make_tutor(agent=ScriptedAgent(plan=plan)) as tutor:
        view = await tutor.generate("explain tides", scenes=1)
        assert view.session.outline is True and view.session.notice == notice
        shown = view.to_json()
        assert shown["outline"] is True and shown["notice"] == notice
    async with make_tutor() as tutor:  # the scripted default plan is a full lesson
        full = await tutor.generate("explain magnets", scenes=1)
        assert full.session.outline is False and full.to_json()["notice"] is None
