"""Recently read session details, dropped the moment an event says the session changed.

`GET /api/sessions/{id}` is what every open player polls. Without this, each read costs
two store reads (each a hop to a worker thread with the SQLite store, a round trip with
a remote one), the presigning of every chunk and subtitle URL, and a JSON encoding. The
cache keeps the encoded answer per session for at most `ttl` seconds and drops it as
soon as the event log sees a status change of the session or one of its scenes, in
this process or (through Redis) in any worker or replica.

A read racing a change cannot put an old answer back: each session has a generation,
bumped by every change; an answer is kept under the generation read *before* the
store was read, and is only served while the generation is still the same. Changes
that emit no event (frame layout of a settled scene, a rename) are bounded by `ttl`.
Ownership is not cached here: the caller checks it on every request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

DEFAULT_TTL = 1.0
MAX_ENTRIES = 10_000

Generation = tuple[int, int]
"""(epoch, changes): the epoch moves when the counters are forgotten, so no old
generation ever matches again."""


@dataclass(frozen=True)
class Cached:
    """An encoded session detail and what the ownership check needs."""

    project_id: str
    body: bytes
    generation: Generation
    read_at: float


class SessionReads:
    """Encoded session details by session id, valid until the session changes (or `ttl`)."""

    def __init__(self, ttl: float = DEFAULT_TTL, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self._max = max_entries
        self._entries: dict[str, Cached] = {}
        self._changes: dict[str, int] = {}
        self._epoch = 0
        self._lock = threading.Lock()

    def generation(self, session_id: str) -> Generation:
        """Read this before reading the store; pass it to `put`."""
        with self._lock:
            return self._generation(session_id)

    def _generation(self, session_id: str) -> Generation:
        return (self._epoch, self._changes.get(session_id, 0))

    def get(self, session_id: str) -> Cached | None:
        """The cached detail if nothing changed since it was read and it is fresh."""
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is None or entry.generation != self._generation(session_id):
                return None
        if time.monotonic() - entry.read_at > self.ttl:
            return None
        return entry

    def put(self, session_id: str, project_id: str, body: bytes, generation: Generation) -> None:
        """Keep a detail read at `generation` (not if the session changed meanwhile)."""
        entry = Cached(project_id, body, generation, time.monotonic())
        with self._lock:
            if generation != self._generation(session_id):
                return  # it changed while we read it
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[session_id] = entry

    def changed(self, session_id: str) -> None:
        """The session or one of its scenes changed: drop what was read before."""
        with self._lock:
            self._entries.pop(session_id, None)
            if len(self._changes) >= 4 * self._max:
                # Forget every counter; a new epoch keeps reads in flight from matching.
                self._changes.clear()
                self._entries.clear()
                self._epoch += 1
            self._changes[session_id] = self._changes.get(session_id, 0) + 1

    def clear(self) -> None:
        """Drop everything (e.g. after changes may have been missed)."""
        with self._lock:
            self._entries.clear()
            self._changes.clear()
            self._epoch += 1
