"""The plugin manager: runtime plugins win over defaults, hints, allow-list, event hooks."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import Any

import pytest

from tutor_core import plugins
from tutor_core.errors import ConfigurationError, UnknownPluginError
from tutor_core.hookspecs import hookimpl
from tutor_core.models import Scene, SceneStatus, SessionStatus, VideoSession
from tutor_core.queues.inprocess import InProcessQueue
from tutor_core.settings import Settings
from tutor_core.stores.sqlite import SQLiteStore
from tutor_core.testing import FakeRenderer, MemoryStorage, ScriptedAgent


class Marker:
    def __init__(self, name: str) -> None:
        self.name = name


class ThirdParty:
    """Registers one thing of every kind, some under the defaults' names."""

    @hookimpl
    def register_renderers(self, register: Any) -> None:
        register("fake", lambda s: FakeRenderer(), "solid colours")

    @hookimpl
    def register_storages(self, register: Any) -> None:
        register("local", lambda s: MemoryStorage(), "shadows the default local storage")

    @hookimpl
    def register_agents(self, register: Any) -> None:
        register("scripted", lambda s: ScriptedAgent())

    @hookimpl
    def register_stores(self, register: Any) -> None:
        register("sqlite", lambda s: Marker("third-party-sqlite"))

    @hookimpl
    def register_narrators(self, register: Any) -> None:
        register("mute", lambda s: Marker("mute"))

    @hookimpl
    def register_queues(self, register: Any) -> None:
        register("inprocess", lambda s: Marker("third-party-queue"))


def test_defaults_are_registered(tutor_home: Any) -> None:
    settings = Settings()
    assert isinstance(plugins.get_store("sqlite", settings), SQLiteStore)
    assert isinstance(plugins.get_queue("inprocess", settings), InProcessQueue)
    assert plugins.get_storage("local", settings).name == "local"
    assert {"auto", "piper", "espeak", "silent"} <= set(plugins.available("narrator"))


def test_runtime_plugin_wins_over_default_for_the_same_name() -> None:
    settings = Settings()
    with plugins.registered(ThirdParty(), name="third-party") as name:
        assert name == "third-party"
        assert plugins.get_store("sqlite", settings).name == "third-party-sqlite"
        assert isinstance(plugins.get_storage("local", settings), MemoryStorage)
        assert plugins.get_queue("inprocess", settings).name == "third-party-queue"
        assert isinstance(plugins.get_renderer("fake", settings), FakeRenderer)
        assert isinstance(plugins.get_agent("scripted", settings), ScriptedAgent)
        assert plugins.get_narrator("mute", settings).name == "mute"
        reg = plugins.get_registration("store", "sqlite")
        assert reg.plugin == "third-party"
    # unregistered again: the default is back
    assert isinstance(plugins.get_store("sqlite", settings), SQLiteStore)
    assert "mute" not in plugins.available("narrator")


def test_unknown_plugin_suggests_close_names() -> None:
    with pytest.raises(UnknownPluginError) as info:
        plugins.get_store("sqlit", Settings())
    err = info.value
    assert "did you mean 'sqlite'" in (err.hint or "")
    assert "tutor plugins" in (err.hint or "")
    assert isinstance(err, KeyError) and "unknown store 'sqlit'" in str(err)
    with pytest.raises(ConfigurationError, match="unknown plugin kind"):
        plugins.registrations("printer")


def _fake_entry_points(*eps: EntryPoint) -> Any:
    def entry_points(group: str) -> list[EntryPoint]:
        assert group == plugins.ENTRY_POINT_GROUP
        return list(eps)

    return entry_points


def test_load_plugins_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    # Hook-free modules stand in for installed plugin packages.
    eps = (
        EntryPoint(name="alpha", value="tutor_core.signing", group="tutor"),
        EntryPoint(name="beta", value="tutor_core.timeline", group="tutor"),
    )
    monkeypatch.setattr(plugins, "entry_points", _fake_entry_points(*eps))
    monkeypatch.delenv("TUTOR_LOAD_PLUGINS", raising=False)
    everything = plugins._make_manager()
    assert everything.get_plugin("alpha") is not None and everything.get_plugin("beta") is not None

    monkeypatch.setenv("TUTOR_LOAD_PLUGINS", "beta")
    only_beta = plugins._make_manager()
    assert only_beta.get_plugin("alpha") is None and only_beta.get_plugin("beta") is not None
    # defaults are always there
    assert only_beta.get_plugin("tutor_core.default_plugins.sqlite_store") is not None

    monkeypatch.setenv("TUTOR_LOAD_PLUGINS", "")
    none = plugins._make_manager()
    assert none.get_plugin("alpha") is None and none.get_plugin("beta") is None


def test_broken_entry_point_says_how_to_leave_it_out(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = EntryPoint(name="broken", value="no_such_module_for_tutor", group="tutor")
    monkeypatch.setattr(plugins, "entry_points", _fake_entry_points(broken))
    monkeypatch.delenv("TUTOR_LOAD_PLUGINS", raising=False)
    monkeypatch.setattr(plugins, "load_errors", {})
    # One broken plugin does not break tutor: it is left out and the reason is kept.
    manager = plugins._make_manager()
    assert manager.get_plugin("broken") is None
    reason = plugins.load_errors["broken"]
    assert "no_such_module_for_tutor" in reason and "TUTOR_LOAD_PLUGINS" in reason
    # Asking for it by name says why it is missing.
    monkeypatch.setitem(plugins.load_errors, "ghost", "plugin 'ghost' failed to import: boom")
    with pytest.raises(UnknownPluginError) as info:
        plugins.get_registration("renderer", "ghost")
    assert "boom" in (info.value.hint or "")
    # `tutor doctor` lists it as missing.
    from tutor_core.cli.doctor_cmd import plugin_checks

    assert any(c.name == "plugin broken" and c.status == "missing" for c in plugin_checks())
    monkeypatch.setattr(plugins, "load_errors", {})
    monkeypatch.setenv("TUTOR_LOAD_PLUGINS", "")
    assert plugins._make_manager().get_plugin("broken") is None
    assert plugins.load_errors == {}


@pytest.mark.anyio
async def test_status_event_hooks_may_return_values_callables_or_awaitables() -> None:
    events: list[str] = []

    class Observer:
        @hookimpl
        def session_status_changed(
            self, session: VideoSession, old: SessionStatus, new: SessionStatus
        ) -> Any:
            async def later() -> str:
                events.append(f"session {old}->{new}")
                return "async"

            return later()

        @hookimpl
        def scene_status_changed(self, scene: Scene, new: SceneStatus) -> Any:
            return lambda: events.append(f"scene {scene.index} {new}") or "callable"

    session = VideoSession(id="ses_1", project_id="prj_1")
    scene = Scene(id="scn_1", project_id="prj_1", session_id="ses_1", index=2)
    with plugins.registered(Observer()):
        for result in plugins.manager().hook.session_status_changed(
            session=session, old=SessionStatus.IDLE, new=SessionStatus.QUEUED
        ):
            assert await plugins.await_me_maybe(result) == "async"
        for result in plugins.manager().hook.scene_status_changed(
            scene=scene, old=SceneStatus.RENDERING, new=SceneStatus.UPLOADING
        ):
            assert await plugins.await_me_maybe(result) == "callable"
    assert events == ["session idle->queued", "scene 2 uploading"]
    assert await plugins.await_me_maybe(42) == 42


def test_plugin_infos_describe_defaults() -> None:
    infos = {i.name: i for i in plugins.plugin_infos()}
    store = infos["tutor_core.default_plugins.sqlite_store"]
    assert store.registers == {"store": ["sqlite"]}
    assert store.hooks == ["register_stores"]
    assert store.package == "tutor-core"
    assert store.to_dict()["version"] == store.version
