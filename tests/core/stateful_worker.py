"""A worker process for the two-process stateful test: runs pipeline jobs on a shared store.

Run as `python -m tests.core.stateful_worker LEASE`. It reads one JSON command per line
on stdin and answers one JSON line per command on stdout:

- `{"op": "open", "base": dir}` (re)opens a Tutor on `dir/tutor.db` and `dir/storage`,
  recording ready scenes in `dir/events.jsonl` (the previous one is closed first);
- `{"op": "generate", "prompt": ..., "scenes": n}` queues a generation;
- `{"op": "edit", "scene": id, "instruction": ...}` queues an edit (a title containing
  "broken" makes the render fail);
- `{"op": "retry", "ref": scene or session id}` queues a retry;
- `{"op": "cancel"}` cancels the newest job still running or queued;
- `{"op": "idle"}` answers once every job has ended.

Jobs run in the background (the in-process queue) while commands keep coming. Every
time a scene becomes ready, a line `{"scene", "version", "checksum"}` is appended to the
events file. It uses the real SQLite store (WAL) and local storage, with fast fakes for the
renderer and the agent.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio

from tutor_core import Settings, Tutor
from tutor_core.errors import TutorError
from tutor_core.models import (
    RenderRequest,
    RenderResult,
    Scene,
    SceneEdit,
    SceneSource,
    SceneStatus,
    SpecSource,
)
from tutor_core.narration.silent import SilentNarrator
from tutor_core.plugins import registered
from tutor_core.storages.local import LocalStorage
from tutor_core.stores.sqlite import SQLiteStore
from tutor_core.testing import FakeRenderer, ScriptedAgent, fake_plugin


class SlowRenderer(FakeRenderer):
    """Solid-colour clips after a short pause, so that cancels and kills land mid-render."""

    async def render(self, source: SceneSource, request: RenderRequest) -> RenderResult:
        await anyio.sleep(0.25)
        return await super().render(source, request)


def _broken(source: SceneSource) -> bool:
    return isinstance(source, SpecSource) and "broken" in (source.spec.title or "")


class EditingAgent(ScriptedAgent):
    """Retitles a scene to whatever follows "retitle to " in the instruction."""

    async def edit(self, scene: Any, instruction: str) -> SceneEdit:
        title = instruction.removeprefix("retitle to ")[:60]
        spec = scene.source.spec.model_copy(update={"title": title})
        return SceneEdit(source=SpecSource(spec=spec), narration=scene.narration, title=title)


_events: list[Path] = []
"""Where the recorder writes: the events file of the Tutor open now."""


def _recorder() -> Any:
    def on_scene(scene: Scene, old: SceneStatus, new: SceneStatus) -> None:
        if new != SceneStatus.READY or not _events:
            return
        line = json.dumps({"scene": scene.id, "version": scene.version, "checksum": scene.checksum})
        fd = os.open(_events[0], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)

    return fake_plugin(on_scene_status=on_scene)


def _answer(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


async def serve(base: Path, lease: float, commands: Any) -> Path | None:
    """Run commands against a Tutor on `base` until EOF (None) or an `open` (its base)."""
    settings = Settings(
        quality="draft",
        home=base / "home",
        lease_seconds=lease,
        concurrency=2,
        fallback_scenes=False,
    )
    tutor = Tutor(
        settings,
        store=SQLiteStore(str(base / "tutor.db")),
        storage=LocalStorage(base / "storage"),
        renderer=SlowRenderer(fail_on=_broken),
        agent=EditingAgent(),
        narrator=SilentNarrator(),
    )
    _events[:] = [base / "events.jsonl"]
    jobs: list[str] = []
    async with tutor:
        queue: Any = await tutor.start_queue()
        _answer({"ok": "open", "pid": os.getpid()})
        async for raw in commands:
            command = json.loads(raw)
            op = command["op"]
            try:
                if op == "open":
                    await queue.join()
                    return Path(command["base"])
                if op == "generate":
                    view = await tutor.submit_generate(command["prompt"], scenes=command["scenes"])
                    jobs.append(str(view.session.job_id))
                    _answer({"ok": op, "job": view.session.job_id, "session": view.session.id})
                elif op == "edit":
                    job = await tutor.submit_edit(command["scene"], command["instruction"])
                    jobs.append(job.id)
                    _answer({"ok": op, "job": job.id})
                elif op == "retry":
                    job = await tutor.submit_retry(command["ref"])
                    jobs.append(job.id)
                    _answer({"ok": op, "job": job.id})
                elif op == "cancel":
                    live = [j for j in jobs if (await queue.status(j)).state.value in _LIVE]
                    cancelled = await queue.cancel(live[-1]) if live else False
                    _answer({"ok": op, "cancelled": cancelled})
                elif op == "idle":
                    await queue.join()
                    _answer(
                        {"ok": op, "jobs": {j: (await queue.status(j)).state.value for j in jobs}}
                    )
                else:
                    _answer({"error": f"unknown op {op}"})
            except TutorError as exc:
                _answer({"refused": op, "error": type(exc).__name__, "message": exc.message})
    return None


_LIVE = ("queued", "running")


async def main(lease: float) -> None:
    commands = anyio.wrap_file(sys.stdin)
    _answer({"ready": os.getpid()})
    base: Path | None = None
    async for raw in commands:
        command = json.loads(raw)
        if command["op"] == "open":
            base = Path(command["base"])
            break
        _answer({"error": "open a Tutor first"})
    while base is not None:
        base = await serve(base, lease, commands)


if __name__ == "__main__":
    with registered(_recorder(), name="ready-recorder"):
        anyio.run(main, float(sys.argv[1]))
