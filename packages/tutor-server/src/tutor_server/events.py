"""The event log behind the SSE streams: every status change of a session and its scenes.

Status changes are observed through the `session_status_changed` and
`scene_status_changed` hooks in whichever process makes them (the server with the
in-process queue, a Celery worker otherwise) and appended to a per-session log:

- `MemoryEventLog`: one process (local mode, in-process queue);
- `RedisEventLog`: a Redis stream per session (`XADD`), shared by replicas and workers.

Each event has an id that increases within its session; a client that reconnects with
`Last-Event-ID` continues right after it, so it misses nothing and sees nothing twice.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import anyio

from tutor_core.models import Scene, VideoSession

log = logging.getLogger("tutor.server.events")

Kind = Literal["session", "scene"]
STREAM_MAXLEN = 10_000
PING_CHANNEL = "tutor:events-ping:"
POOL_SIZE = 32


@dataclass(frozen=True)
class Event:
    """One status change: which record, and its state right after the change."""

    id: str
    kind: Kind
    data: dict[str, Any]

    def item(self) -> VideoSession | Scene:
        """The session or scene as it was when the event happened."""
        if self.kind == "session":
            return VideoSession.model_validate(self.data)
        return Scene.model_validate(self.data)


def _kind(item: VideoSession | Scene) -> Kind:
    return "session" if isinstance(item, VideoSession) else "scene"


def _session_of(item: VideoSession | Scene) -> str:
    return item.id if isinstance(item, VideoSession) else item.session_id


class EventLog(Protocol):
    """Where status changes are appended and read back."""

    on_change: Callable[[str], None] | None
    """Called with a session id whenever the log learns that the session changed."""

    @property
    def announces_changes(self) -> bool:
        """True while every change (of any process) reaches `on_change`."""
        ...

    def append_sync(self, item: VideoSession | Scene) -> str:
        """Append a change (from any thread); return its event id."""
        ...

    async def append(self, item: VideoSession | Scene) -> str:
        """Append a change; return its event id."""
        ...

    def follow(self, session_id: str, after: str | None) -> AsyncIterator[Event]:
        """Yield the session's events after `after` (all when None), then new ones."""
        ...

    async def ping(self) -> None:
        """Raise if the log cannot be reached."""
        ...

    async def close(self) -> None: ...


class MemoryEventLog:
    """Events of this process, kept in memory (ids are 1, 2, 3... per session)."""

    def __init__(self, max_events: int = STREAM_MAXLEN) -> None:
        self._events: dict[str, list[Event]] = {}
        self._lock = threading.Lock()
        self._waiters: dict[str, set[anyio.Event]] = {}
        self._max = max_events
        self._closed = False
        self.on_change: Callable[[str], None] | None = None

    @property
    def announces_changes(self) -> bool:
        return not self._closed

    def append_sync(self, item: VideoSession | Scene) -> str:
        session_id = _session_of(item)
        if self.on_change is not None:
            self.on_change(session_id)
        with self._lock:
            events = self._events.setdefault(session_id, [])
            if len(events) >= self._max:
                raise OverflowError(f"session {session_id} has more than {self._max} events")
            event = Event(str(len(events) + 1), _kind(item), item.model_dump(mode="json"))
            events.append(event)
            waiters = self._waiters.pop(session_id, set())
        for waiter in waiters:
            waiter.set()
        return event.id

    async def append(self, item: VideoSession | Scene) -> str:
        return self.append_sync(item)

    def _after(self, session_id: str, after: str | None) -> list[Event]:
        start = int(after) if after and after.isdigit() else 0
        with self._lock:
            return list(self._events.get(session_id, [])[start:])

    async def follow(self, session_id: str, after: str | None) -> AsyncIterator[Event]:
        last = after
        while not self._closed:
            waiter = anyio.Event()
            with self._lock:
                self._waiters.setdefault(session_id, set()).add(waiter)
            pending = self._after(session_id, last)
            if pending:
                with self._lock:
                    self._waiters.get(session_id, set()).discard(waiter)
                for event in pending:
                    last = event.id
                    yield event
                continue
            with anyio.move_on_after(5):
                await waiter.wait()

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._closed = True
        with self._lock:
            waiters = [w for ws in self._waiters.values() for w in ws]
            self._waiters.clear()
        for waiter in waiters:
            waiter.set()


def _stream_key(session_id: str) -> str:
    return f"tutor:events:{session_id}"


class RedisEventLog:
    """Events in a Redis stream per session; ids are Redis stream ids (`<ms>-<n>`).

    An append also publishes a wake-up on `tutor:events-ping:<session id>`; each server
    runs one listener (`run`) that wakes the streams following that session, which then
    read what is new with `XRANGE`. So a change costs one short read per client, and the
    number of Redis connections does not grow with the number of clients.
    """

    def __init__(self, redis_url: str, *, retention: int = 7 * 24 * 3600) -> None:
        import redis
        import redis.asyncio

        self.redis_url = redis_url
        self.retention = retention
        self._sync = redis.Redis.from_url(redis_url)
        # Waits for a free connection rather than failing when many clients read at once.
        self._pool = redis.asyncio.BlockingConnectionPool.from_url(
            redis_url, max_connections=POOL_SIZE, timeout=30, socket_timeout=30
        )
        self._async = redis.asyncio.Redis(connection_pool=self._pool)
        self._waiters: dict[str, set[anyio.Event]] = {}
        self._listening = False
        self.on_change: Callable[[str], None] | None = None

    @property
    def announces_changes(self) -> bool:
        """Only while the wake-up listener runs (changes of other processes come that way)."""
        return self._listening

    def append_sync(self, item: VideoSession | Scene) -> str:
        session_id = _session_of(item)
        if self.on_change is not None:
            self.on_change(session_id)
        key = _stream_key(session_id)
        fields = {"kind": _kind(item), "data": item.model_dump_json()}
        pipe = self._sync.pipeline()
        pipe.xadd(key, fields, maxlen=STREAM_MAXLEN, approximate=True)  # type: ignore[arg-type]
        pipe.expire(key, self.retention)
        pipe.publish(PING_CHANNEL + session_id, b"")
        event_id, _, _ = pipe.execute()
        return event_id.decode() if isinstance(event_id, bytes) else str(event_id)

    async def append(self, item: VideoSession | Scene) -> str:
        return await anyio.to_thread.run_sync(self.append_sync, item)

    async def run(self) -> None:
        """Listen for wake-ups until cancelled (one task per server process)."""
        pubsub = self._async.pubsub()
        try:
            await pubsub.psubscribe(PING_CHANNEL + "*")
            self._listening = True
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                if message is None:
                    continue
                channel = _text(message.get("channel", b""))
                self._wake(channel.removeprefix(PING_CHANNEL))
        finally:
            self._listening = False
            with anyio.CancelScope(shield=True):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    def _wake(self, session_id: str) -> None:
        if self.on_change is not None:
            self.on_change(session_id)
        for waiter in self._waiters.pop(session_id, set()):
            waiter.set()

    async def follow(self, session_id: str, after: str | None) -> AsyncIterator[Event]:
        key = _stream_key(session_id)
        last = after if after and _valid_stream_id(after) else None
        while True:
            waiter = anyio.Event()
            self._waiters.setdefault(session_id, set()).add(waiter)
            entries: Any = await self._async.xrange(
                key, min=f"({last}" if last else "-", max="+", count=500
            )
            if entries:
                self._waiters.get(session_id, set()).discard(waiter)
                for raw_id, fields in entries:
                    last = _text(raw_id)
                    kind = _text(fields.get(b"kind", fields.get("kind", b"scene")))
                    data = json.loads(fields.get(b"data", fields.get("data", b"{}")))
                    yield Event(last, "session" if kind == "session" else "scene", data)
                continue
            # Without the listener (not started), poll once a second.
            with anyio.move_on_after(5.0 if self._listening else 1.0):
                await waiter.wait()

    async def ping(self) -> None:
        await self._async.ping()

    async def close(self) -> None:
        for session_id in list(self._waiters):
            self._wake(session_id)
        await self._async.aclose()
        await self._pool.aclose()
        self._sync.close()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _valid_stream_id(value: str) -> bool:
    head, _, tail = value.partition("-")
    return head.isdigit() and (tail == "" or tail.isdigit()) and len(value) < 42


# ------------------------------------------------------------------- publishing

_sinks: list[EventLog] = []
_sinks_lock = threading.Lock()


def add_sink(sink: EventLog) -> None:
    """Send status changes of this process to `sink` (until `remove_sink`)."""
    with _sinks_lock:
        _sinks.append(sink)


def remove_sink(sink: EventLog) -> None:
    with _sinks_lock:
        if sink in _sinks:
            _sinks.remove(sink)


async def publish(item: VideoSession | Scene) -> None:
    """Append a status change to every sink of this process (called by the hooks)."""
    with _sinks_lock:
        sinks = list(_sinks)
    for sink in sinks:
        try:
            await sink.append(item)
        except Exception:  # an event log outage must not fail a render
            log.warning("could not record a status change of %s", item.id, exc_info=True)


def has_sinks() -> bool:
    return bool(_sinks)
