"""Offline fakes for testing code built on tutor: no Manim, no network, no services.

`MemoryStorage`, `FakeRenderer` and `ScriptedAgent` implement the plugin protocols;
`fake_plugin` wraps factories into a plugin object for `plugins.registered(...)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import anyio
import av
import numpy as np

from tutor_core.doctor import Check
from tutor_core.errors import AgentError, EditNotUnderstood, NotFound, RenderFailed
from tutor_core.hashing import sha256_file, sha256_hex
from tutor_core.hookspecs import hookimpl
from tutor_core.interfaces import Bucket
from tutor_core.keys import validate_key
from tutor_core.media import probe
from tutor_core.models import (
    FPS,
    QUALITY_SIZES,
    CodeSource,
    LessonPlan,
    PlannedScene,
    Problem,
    RenderError,
    RenderRequest,
    RenderResult,
    SceneEdit,
    SceneSource,
    SpecSource,
)
from tutor_core.plugins import KINDS
from tutor_core.spec import SceneSpec, TextElement

__all__ = ["FakeRenderer", "MemoryStorage", "ScriptedAgent", "fake_plugin"]


class MemoryStorage:
    """A `Storage` in a dict, with the same key validation as real storages."""

    __test__ = False
    name = "memory"

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.content_types: dict[tuple[str, str], str | None] = {}

    @staticmethod
    def _key(bucket: Bucket | str, key: str) -> tuple[str, str]:
        return Bucket(bucket).value, validate_key(key)

    async def put(
        self, bucket: Bucket, key: str, data: bytes | Path, *, content_type: str | None = None
    ) -> str:
        k = self._key(bucket, key)
        raw = await anyio.Path(data).read_bytes() if isinstance(data, Path) else bytes(data)
        self.objects[k] = raw
        self.content_types[k] = content_type
        return sha256_hex(raw)

    async def get(self, bucket: Bucket, key: str) -> bytes:
        k = self._key(bucket, key)
        if k not in self.objects:
            raise NotFound(f"no object {key!r} in memory storage", hint="put it first")
        return self.objects[k]

    async def download(self, bucket: Bucket, key: str, dest: Path) -> Path:
        data = await self.get(bucket, key)
        await anyio.Path(dest.parent).mkdir(parents=True, exist_ok=True)
        await anyio.Path(dest).write_bytes(data)
        return dest

    async def url(self, bucket: Bucket, key: str, *, expires: int = 3600) -> str:
        b, k = self._key(bucket, key)
        return f"memory://{b}/{k}"

    async def exists(self, bucket: Bucket, key: str) -> bool:
        return self._key(bucket, key) in self.objects

    async def delete(self, bucket: Bucket, key: str) -> None:
        self.objects.pop(self._key(bucket, key), None)


def _source_bytes(source: SceneSource) -> bytes:
    if isinstance(source, SpecSource):
        return source.spec.to_json().encode()
    return source.code.encode()


def _encode_solid(path: Path, frames: int, size: tuple[int, int], rgb: tuple[int, ...]) -> None:
    width, height = size
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, FPS)
        stream.options = {"preset": "ultrafast", "tune": "stillimage"}
        image = np.empty((height, width, 3), dtype=np.uint8)
        image[:, :] = rgb
        for n in range(frames):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = n
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


class FakeRenderer:
    """A `Renderer` that encodes a few solid-colour frames with PyAV instead of running Manim.

    The clip lasts the spec's `duration` (2 s for code) at 30 fps, 854x480 for draft
    and 1920x1080 for final; its colour is derived from the source, so different
    sources give different bytes.

    Args:
        fail_on: sources for which `render` raises RenderFailed.
        problems: sources for which `validate` returns problems.
    """

    __test__ = False
    name = "fake"

    def __init__(
        self,
        fail_on: Callable[[SceneSource], bool] | None = None,
        problems: Callable[[SceneSource], list[Problem]] | None = None,
    ) -> None:
        self.fail_on = fail_on
        self.problems = problems
        self.renders = 0
        self.rendered: list[SceneSource] = []

    async def validate(self, source: SceneSource) -> list[Problem]:
        return list(self.problems(source)) if self.problems else []

    async def render(self, source: SceneSource, request: RenderRequest) -> RenderResult:
        self.renders += 1
        self.rendered.append(source)
        if self.fail_on is not None and self.fail_on(source):
            raise RenderFailed(
                RenderError(
                    kind="exception",
                    message="the fake renderer was told to fail on this source",
                    exception_type="FakeRenderError",
                    hint="this failure is scripted by FakeRenderer(fail_on=...)",
                )
            )
        started = time.monotonic()
        seconds = source.spec.duration if isinstance(source, SpecSource) else 2.0
        frames = max(1, round(seconds * FPS))
        digest = sha256_hex(_source_bytes(source))
        rgb = tuple(int(digest[i : i + 2], 16) for i in (0, 2, 4))
        await anyio.Path(request.out_dir).mkdir(parents=True, exist_ok=True)
        path = request.out_dir / f"fake-{digest[:16]}-{request.quality}.mp4"
        size = QUALITY_SIZES[request.quality]
        await anyio.to_thread.run_sync(_encode_solid, path, frames, size, rgb)
        info = await anyio.to_thread.run_sync(probe, path)
        checksum = await anyio.to_thread.run_sync(sha256_file, path)
        code = source.code if isinstance(source, CodeSource) else None
        return RenderResult(
            path=path,
            info=info,
            checksum=checksum,
            code=code,
            seconds=time.monotonic() - started,
        )


PlanFn = Callable[[str, int], LessonPlan]
EditFn = Callable[[PlannedScene, str], SceneEdit]
RepairFn = Callable[[SceneSource, RenderError], SceneSource]


class ScriptedAgent:
    """An `Agent` that replays a script and records every call in `.calls`.

    Args:
        plan: the LessonPlan to return, or a function `(prompt, scene_count) -> LessonPlan`.
        edits: functions `(scene, instruction) -> SceneEdit`, used one per `edit` call;
            when they run out, `edit` raises EditNotUnderstood.
        repairs: functions `(source, error) -> SceneSource`, one per `repair` call;
            when they run out, `repair` raises AgentError.
    """

    __test__ = False
    name = "scripted"

    def __init__(
        self,
        plan: LessonPlan | PlanFn | None = None,
        edits: Iterable[EditFn] = (),
        repairs: Iterable[RepairFn] = (),
    ) -> None:
        self._plan = plan
        self._edits = list(edits)
        self._repairs = list(repairs)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    async def plan(self, prompt: str, scene_count: int) -> LessonPlan:
        self.calls.append(("plan", (prompt, scene_count)))
        if self._plan is None:
            return LessonPlan(
                title=prompt[:80] or "Lesson",
                scenes=[
                    PlannedScene(title=f"Part {i + 1}", narration=f"This is part {i + 1}.")
                    for i in range(scene_count)
                ],
            )
        if isinstance(self._plan, LessonPlan):
            return self._plan
        return self._plan(prompt, scene_count)

    async def write(self, plan: LessonPlan, index: int, *, narration_seconds: float) -> SceneSource:
        self.calls.append(("write", (plan, index, narration_seconds)))
        scene = plan.scenes[index]
        if scene.source is not None:
            return scene.source
        duration = min(300.0, max(1.0, narration_seconds))
        spec = SceneSpec(
            title=scene.title[:80],
            elements=[TextElement(text=scene.narration[:400] or scene.title)],
            duration=duration,
        )
        return SpecSource(spec=spec)

    async def edit(self, scene: PlannedScene, instruction: str) -> SceneEdit:
        self.calls.append(("edit", (scene, instruction)))
        if not self._edits:
            raise EditNotUnderstood(
                f"the scripted agent has no edit left for {instruction!r}",
                hint="pass more edit functions to ScriptedAgent(edits=[...])",
            )
        return self._edits.pop(0)(scene, instruction)

    async def repair(self, source: SceneSource, error: RenderError) -> SceneSource:
        self.calls.append(("repair", (source, error)))
        if not self._repairs:
            raise AgentError(
                "the scripted agent has no repair left",
                hint="pass repair functions to ScriptedAgent(repairs=[...])",
            )
        return self._repairs.pop(0)(source, error)


Factory = Callable[..., Any]


def fake_plugin(
    *,
    renderers: Mapping[str, Factory] | None = None,
    storages: Mapping[str, Factory] | None = None,
    agents: Mapping[str, Factory] | None = None,
    stores: Mapping[str, Factory] | None = None,
    narrators: Mapping[str, Factory] | None = None,
    queues: Mapping[str, Factory] | None = None,
    commands: Callable[[Any], None] | None = None,
    checks: Iterable[Check] | None = None,
    on_session_status: Callable[..., Any] | None = None,
    on_scene_status: Callable[..., Any] | None = None,
) -> Any:
    """A plugin object that registers the given factories (and optional hooks).

    Example:
        >>> with plugins.registered(fake_plugin(renderers={"fake": lambda s: FakeRenderer()})):
        ...     plugins.get_renderer("fake", Settings())

    Args:
        renderers..queues: `{name: factory}` per kind; a factory takes `Settings`.
        commands: called with the typer app (`register_commands`).
        checks: returned by `doctor_checks`.
        on_session_status / on_scene_status: event hooks, called with keywords.
    """
    tables = {
        "renderer": renderers,
        "storage": storages,
        "agent": agents,
        "store": stores,
        "narrator": narrators,
        "queue": queues,
    }
    attrs: dict[str, Any] = {}
    for kind, table in tables.items():
        if not table:
            continue

        def hook(register: Callable[..., None], _table: Mapping[str, Factory] = table) -> None:
            for name, factory in _table.items():
                register(name, factory, "registered by fake_plugin")

        attrs[KINDS[kind]] = hookimpl(specname=KINDS[kind])(hook)
    if commands is not None:
        attrs["register_commands"] = hookimpl(_cli_hook(commands))
    if checks is not None:
        check_list = list(checks)
        attrs["doctor_checks"] = hookimpl(lambda: list(check_list))
    if on_session_status is not None:
        attrs["session_status_changed"] = hookimpl(_event_hook("session", on_session_status))
    if on_scene_status is not None:
        attrs["scene_status_changed"] = hookimpl(_event_hook("scene", on_scene_status))
    return SimpleNamespace(**attrs)


def _cli_hook(fn: Callable[[Any], None]) -> Callable[..., None]:
    def register_commands(cli: Any) -> None:
        fn(cli)

    return register_commands


def _event_hook(what: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    if what == "session":

        def session_status_changed(session: Any, old: Any, new: Any) -> Any:
            return fn(session=session, old=old, new=new)

        return session_status_changed

    def scene_status_changed(scene: Any, old: Any, new: Any) -> Any:
        return fn(scene=scene, old=old, new=new)

    return scene_status_changed
