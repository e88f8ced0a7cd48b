"""Two OS processes run generate / edit / retry / cancel against one SQLite store while
hypothesis also kills them (SIGKILL) at random moments.

At the end, once the survivors are idle and dead workers' leases have run out, every
scene is `ready` or `error`, nothing is busy, each scene's current version is playable
(its chunk is in storage with the recorded checksum), and versions never skip or repeat.
The workers are `tests/core/stateful_worker.py` with fast fakes for the renderer and the
agent; the store (SQLite, WAL) and the storage (a local directory) are real.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tutor_core import Settings, Tutor
from tutor_core.hashing import sha256_file
from tutor_core.keys import spec_key
from tutor_core.narration.silent import SilentNarrator
from tutor_core.storages.local import LocalStorage
from tutor_core.stores.sqlite import SQLiteStore
from tutor_core.testing import FakeRenderer, ScriptedAgent

ROOT = Path(__file__).resolve().parents[2]
LEASE = 1.0
BUSY = {"queued", "generating_code", "rendering", "uploading", "generating"}


class Worker:
    """One worker process, spoken to over its stdin/stdout; stopped by its pid."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.core.stateful_worker", str(LEASE)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert "ready" in self._read(timeout=120)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def _read(self, timeout: float = 60) -> dict[str, Any]:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line:
                return dict(json.loads(line))
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited with {self.process.returncode}")
        raise AssertionError("worker did not answer")

    def ask(self, **command: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._read(timeout=300 if command["op"] in ("idle", "open") else 60)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._close_pipes()

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()  # end of commands: the worker closes its Tutor
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()


_POOL: list[Worker] = []
"""Two worker processes shared by the examples (starting Python costs seconds)."""


def _worker(index: int, base: Path) -> Worker:
    while len(_POOL) <= index:
        _POOL.append(Worker())
    if not _POOL[index].alive:
        _POOL[index] = Worker()
    answer = _POOL[index].ask(op="open", base=str(base))
    assert answer.get("ok") == "open", answer
    return _POOL[index]


def teardown_module() -> None:
    for worker in _POOL:
        worker.close()
    _POOL.clear()


def _rows(db: Path, table: str) -> list[dict[str, Any]]:
    with sqlite3.connect(db, timeout=30) as conn:
        return [json.loads(r[0]) for r in conn.execute(f"SELECT data FROM {table}")]  # noqa: S608


class TwoWorkers(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory(prefix="tutor-two-processes-")
        self.base = Path(self.tmp.name)
        (self.base / "storage").mkdir()
        self.workers = [_worker(0, self.base), _worker(1, self.base)]
        self.crashed = False
        self.sessions = 0
        self.seen_versions: dict[str, int] = {}
        self.checksums: dict[tuple[str, int], str] = {}

    # ------------------------------------------------------------------- rules

    def _scenes(self) -> list[dict[str, Any]]:
        return sorted(_rows(self.base / "tutor.db", "scenes"), key=lambda s: s["id"])

    @precondition(lambda self: self.sessions < 2)
    @rule(worker=st.integers(0, 1))
    def generate(self, worker: int) -> None:
        answer = self.workers[worker].ask(op="generate", prompt="explain tides", scenes=2)
        assert answer.get("ok") == "generate", answer
        self.sessions += 1

    @rule(worker=st.integers(0, 1), pick=st.integers(0, 7), broken=st.booleans())
    def edit(self, worker: int, pick: int, broken: bool) -> None:
        scenes = self._scenes()
        if not scenes:
            return
        title = f"{'broken ' if broken else ''}take {pick}"
        answer = self.workers[worker].ask(
            op="edit", scene=scenes[pick % len(scenes)]["id"], instruction=f"retitle to {title}"
        )
        assert answer.get("ok") == "edit" or answer.get("error") in ("Busy", "InvalidInput"), answer

    @rule(worker=st.integers(0, 1), pick=st.integers(0, 7), whole=st.booleans())
    def retry(self, worker: int, pick: int, whole: bool) -> None:
        scenes = self._scenes()
        if not scenes:
            return
        scene = scenes[pick % len(scenes)]
        answer = self.workers[worker].ask(
            op="retry", ref=scene["session_id"] if whole else scene["id"]
        )
        assert answer.get("ok") == "retry", answer

    @rule(worker=st.integers(0, 1))
    def cancel(self, worker: int) -> None:
        assert self.workers[worker].ask(op="cancel").get("ok") == "cancel"

    @rule(worker=st.integers(0, 1))
    def crash(self, worker: int) -> None:
        self.workers[worker].kill()
        self.workers[worker] = _worker(worker, self.base)
        self.crashed = True

    @rule(seconds=st.sampled_from([0.05, 0.2, 0.5]))
    def pause(self, seconds: float) -> None:
        time.sleep(seconds)

    # -------------------------------------------------------------- invariants

    @invariant()
    def versions_only_grow_and_a_version_is_one_chunk(self) -> None:
        for scene in self._scenes():
            version = scene["version"]
            assert version >= self.seen_versions.get(scene["id"], 0), scene
            self.seen_versions[scene["id"]] = version
            if version and scene["checksum"]:
                known = self.checksums.setdefault((scene["id"], version), scene["checksum"])
                assert known == scene["checksum"], f"version {version} of {scene['id']} changed"

    # ----------------------------------------------------------------- the end

    def teardown(self) -> None:
        try:
            for worker in self.workers:
                answer = worker.ask(op="idle")
                assert answer.get("ok") == "idle", answer
            if self.crashed:
                time.sleep(LEASE + 0.5)  # the leases of killed workers run out
            anyio.run(self._recover)
            self._check_final_state()
        except BaseException:
            teardown_module()  # a failed example leaves no process behind
            raise
        finally:
            self.tmp.cleanup()

    async def _recover(self) -> None:
        async with Tutor(
            Settings(quality="draft", home=self.base / "home"),
            store=SQLiteStore(str(self.base / "tutor.db")),
            storage=LocalStorage(self.base / "storage"),
            renderer=FakeRenderer(),
            agent=ScriptedAgent(),
            narrator=SilentNarrator(),
        ) as tutor:
            await tutor.recover()

    def _check_final_state(self) -> None:
        db = self.base / "tutor.db"
        storage = self.base / "storage"
        for session in _rows(db, "sessions"):
            assert session["status"] not in BUSY, session
        events: dict[str, list[int]] = {}
        log = self.base / "events.jsonl"
        for line in log.read_text().splitlines() if log.exists() else []:
            event = json.loads(line)
            events.setdefault(event["scene"], []).append(event["version"])
            checksum = self.checksums.setdefault(
                (event["scene"], event["version"]), event["checksum"]
            )
            assert checksum == event["checksum"], f"two chunks for one version: {event}"
        for scene in self._scenes():
            assert scene["status"] in ("ready", "error"), scene
            assert scene["lease_expires_at"] is None, scene
            version = scene["version"]
            made = events.get(scene["id"], [])
            assert len(made) == len(set(made)), f"a version was made twice: {made}"
            assert all(1 <= v <= version for v in made), (made, version)
            # Never skipped: every version up to the current one was written.
            for v in range(1, version + 1):
                key = spec_key(scene["project_id"], scene["session_id"], scene["index"], v)
                assert (storage / "sources" / key).is_file(), f"version {v} missing: {scene}"
            if version:
                chunk = storage / "chunks" / scene["s3_chunk_key"]
                assert scene["s3_chunk_key"].endswith(f"/v{version}.mp4")
                assert sha256_file(chunk) == scene["checksum"], "the current version plays"
            else:
                assert scene["status"] == "error"


TwoWorkers.TestCase.settings = settings(
    # Each example runs real processes for seconds: a few examples here, more on demand.
    max_examples=int(os.environ.get("TUTOR_STATEFUL_EXAMPLES", "4")),
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.timeout(900)
class TestTwoWorkers(TwoWorkers.TestCase):  # type: ignore[name-defined]
    pass
