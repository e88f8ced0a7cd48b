"""The offline fakes in tutor_core.testing behave like the plugins they stand in for."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from tutor_core import plugins
from tutor_core.doctor import Check
from tutor_core.errors import AgentError, EditNotUnderstood, InvalidInput, NotFound, RenderFailed
from tutor_core.interfaces import Agent, Bucket, Renderer, Storage
from tutor_core.models import (
    CodeSource,
    LessonPlan,
    PlannedScene,
    RenderError,
    RenderRequest,
    SceneEdit,
    SpecSource,
)
from tutor_core.settings import Settings
from tutor_core.spec import SceneSpec
from tutor_core.testing import FakeRenderer, MemoryStorage, ScriptedAgent, fake_plugin


@pytest.mark.anyio
async def test_memory_storage(tmp_path: Path) -> None:
    storage = MemoryStorage()
    assert isinstance(storage, Storage)
    digest = await storage.put(Bucket.CHUNKS, "a/v1.mp4", b"abc", content_type="video/mp4")
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert await storage.get(Bucket.CHUNKS, "a/v1.mp4") == b"abc"
    assert await storage.url(Bucket.CHUNKS, "a/v1.mp4") == "memory://chunks/a/v1.mp4"
    out = await storage.download(Bucket.CHUNKS, "a/v1.mp4", tmp_path / "d" / "x.mp4")
    assert out.read_bytes() == b"abc"
    await storage.delete(Bucket.CHUNKS, "a/v1.mp4")
    await storage.delete(Bucket.CHUNKS, "a/v1.mp4")
    assert not await storage.exists(Bucket.CHUNKS, "a/v1.mp4")
    with pytest.raises(NotFound):
        await storage.get(Bucket.CHUNKS, "a/v1.mp4")
    with pytest.raises(InvalidInput):
        await storage.put(Bucket.CHUNKS, "../escape", b"x")


@pytest.mark.slow
@pytest.mark.anyio
async def test_fake_renderer_makes_a_real_h264_clip(tmp_path: Path) -> None:
    renderer = FakeRenderer()
    assert isinstance(renderer, Renderer)
    source = SpecSource(spec=SceneSpec(title="Hello", duration=1.5))
    result = await renderer.render(source, RenderRequest(quality="draft", out_dir=tmp_path))
    assert (result.info.width, result.info.height, result.info.fps) == (854, 480, 30.0)
    assert result.info.frames == 45 and result.info.codec == "h264"
    assert result.info.duration == pytest.approx(1.5)
    with av.open(str(result.path)) as container:
        decoded = sum(1 for _ in container.decode(video=0))
    assert decoded == 45
    code = CodeSource(code="class A: pass")
    other = await renderer.render(code, RenderRequest(quality="draft", out_dir=tmp_path))
    assert other.info.frames == 60 and other.code == "class A: pass"
    assert other.checksum != result.checksum
    assert renderer.renders == 2
    assert await renderer.validate(code) == []


@pytest.mark.anyio
async def test_fake_renderer_fails_when_told(tmp_path: Path) -> None:
    renderer = FakeRenderer(fail_on=lambda s: isinstance(s, CodeSource))
    with pytest.raises(RenderFailed) as info:
        await renderer.render(CodeSource(code="x"), RenderRequest(out_dir=tmp_path))
    assert info.value.error.kind == "exception" and info.value.hint
    assert renderer.renders == 1


@pytest.mark.anyio
async def test_scripted_agent_replays_and_records() -> None:
    plan = LessonPlan(
        title="Limits",
        scenes=[PlannedScene(title="Intro", narration="We look at limits.")],
    )
    new_source = SpecSource(spec=SceneSpec(title="Edited"))
    agent = ScriptedAgent(
        plan=plan,
        edits=[lambda scene, text: SceneEdit(source=new_source, narration=scene.narration)],
        repairs=[lambda source, error: new_source],
    )
    assert isinstance(agent, Agent)
    assert await agent.plan("limits", 1) is plan
    written = await agent.write(plan, 0, narration_seconds=4.2)
    assert isinstance(written, SpecSource) and written.spec.duration == pytest.approx(4.2)
    edit = await agent.edit(plan.scenes[0], "make it red")
    assert edit.source == new_source
    with pytest.raises(EditNotUnderstood):
        await agent.edit(plan.scenes[0], "again")
    error = RenderError(kind="exception", message="boom")
    assert await agent.repair(written, error) == new_source
    with pytest.raises(AgentError):
        await agent.repair(written, error)
    assert [name for name, _ in agent.calls] == [
        "plan",
        "write",
        "edit",
        "edit",
        "repair",
        "repair",
    ]
    default = await ScriptedAgent().plan("topic", 3)
    assert len(default.scenes) == 3


def test_fake_plugin_registers_factories_and_hooks() -> None:
    settings = Settings()
    plugin = fake_plugin(
        renderers={"fake": lambda s: FakeRenderer()},
        storages={"memory": lambda s: MemoryStorage()},
        agents={"scripted": lambda s: ScriptedAgent()},
        checks=[Check("fake", "ok", "fine")],
    )
    with plugins.registered(plugin, name="fake-plugin"):
        assert isinstance(plugins.get_renderer("fake", settings), FakeRenderer)
        assert isinstance(plugins.get_storage("memory", settings), MemoryStorage)
        assert isinstance(plugins.get_agent("scripted", settings), ScriptedAgent)
        assert [Check("fake", "ok", "fine")] in plugins.manager().hook.doctor_checks()
        info = next(i for i in plugins.plugin_infos() if i.name == "fake-plugin")
        assert info.registers == {
            "renderer": ["fake"],
            "storage": ["memory"],
            "agent": ["scripted"],
        }
    assert "fake" not in plugins.available("renderer")
