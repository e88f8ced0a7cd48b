"""Leases: a job holds the busy scenes and sessions it works on, and keeps saying so.

A busy record carries the holder's `job_id` and a `lease_expires_at` time. The job's
`LeaseKeeper` renews every lease it holds each quarter of the lease length, so a job
that is alive never loses one; a job that died (SIGKILL, power cut, a lost worker)
stops renewing, and once `lease_expires_at` has passed its records are *stale*:
`tutor retry` and recovery at start may take them over. Renewals do not bump the
record's revision, so they never make the holder's own compare-and-set fail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

import anyio

from tutor_core import states
from tutor_core.errors import ConflictError, NotFound
from tutor_core.interfaces import Store
from tutor_core.models import Scene, VideoSession, now_ms

log = logging.getLogger("tutor.leases")

current: ContextVar[LeaseKeeper | None] = ContextVar("tutor_lease_keeper", default=None)
"""The keeper of the job running in this task (set by the pipeline for each job)."""


def is_stale(record: Scene | VideoSession, now: float | None = None) -> bool:
    """Whether a busy record's lease has run out (or it never had one)."""
    busy = (
        record.status in states.BUSY_SCENE
        if isinstance(record, Scene)
        else record.status in states.BUSY_SESSION
    )
    if not busy:
        return False
    expires = record.lease_expires_at
    return expires is None or expires <= (now_ms() if now is None else now)


@dataclass
class _Held:
    kind: str
    record_id: str
    on_lost: Callable[[], None] | None


class LeaseKeeper:
    """Renews the leases of one job until the job ends.

    Args:
        store: where the leases are kept.
        job_id: the job holding them.
        seconds: lease length; renewals happen every `seconds / 4`.
    """

    def __init__(self, store: Store, job_id: str, seconds: float) -> None:
        self.store = store
        self.job_id = job_id
        self.seconds = seconds
        self._held: dict[str, _Held] = {}

    def expires_at(self) -> float:
        """A fresh expiry time for a lease taken or renewed now (ms since the epoch)."""
        return now_ms() + self.seconds * 1000.0

    def hold_scene(self, scene_id: str, on_lost: Callable[[], None] | None = None) -> None:
        """Keep renewing a scene's lease; call `on_lost` if another job took it over."""
        self._held[f"scene:{scene_id}"] = _Held("scene", scene_id, on_lost)

    def hold_session(self, session_id: str) -> None:
        """Keep renewing a session's lease (while it is queued or generating)."""
        self._held[f"session:{session_id}"] = _Held("session", session_id, None)

    def release_scene(self, scene_id: str) -> None:
        self._held.pop(f"scene:{scene_id}", None)

    def release_session(self, session_id: str) -> None:
        self._held.pop(f"session:{session_id}", None)

    async def _renew(self, held: _Held) -> bool:
        renew = (
            self.store.renew_scene_lease if held.kind == "scene" else self.store.renew_session_lease
        )
        try:
            return await renew(held.record_id, job_id=self.job_id, expires_at=self.expires_at())
        except NotFound:
            return False

    async def confirm_scene(self, scene_id: str) -> None:
        """Renew a scene's lease now; raise ConflictError if this job no longer holds it.

        Called before writing objects, so a job that lost its scene stops before it
        could overwrite what the new holder writes.
        """
        if not await self._renew(_Held("scene", scene_id, None)):
            raise ConflictError(
                f"scene {scene_id} is no longer held by job {self.job_id}",
                hint="another job took it over after this one stopped renewing its lease",
            )

    async def run(self) -> None:
        """Renew every held lease each quarter of the lease length, until cancelled."""
        while True:
            await anyio.sleep(self.seconds / 4)
            for key, held in list(self._held.items()):
                try:
                    ok = await self._renew(held)
                except Exception as exc:  # a transient store error: try again next round
                    log.warning(
                        "could not renew the lease of %s %s: %s", held.kind, held.record_id, exc
                    )
                    continue
                if not ok and self._held.pop(key, None) is not None:
                    log.warning(
                        "job %s lost its lease on %s %s; stopping work on it",
                        self.job_id,
                        held.kind,
                        held.record_id,
                    )
                    if held.on_lost is not None:
                        held.on_lost()
