"""How a store's `watch` works, shared by the stores: own writes at once, others by polling.

A store calls `notify` after each of its own committed writes; every running `watch`
of that session gets the row at once. Writes of other processes are found by the
store's `poll` (SQLite: when `PRAGMA data_version` moved; Convex: a fresh read),
called whenever nothing arrived for `interval` seconds. Each revision of a row is
yielded at most once.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import anyio
from anyio.streams.memory import MemoryObjectSendStream

from tutor_core.models import Scene, VideoSession

Row = VideoSession | Scene


class Watchers:
    """The running `watch` iterators of one store, by session."""

    def __init__(self) -> None:
        self._sends: dict[str, set[MemoryObjectSendStream[Row]]] = {}
        self.closed = False

    def notify(self, session_id: str, row: Row) -> None:
        """Hand a row this store just wrote to every watcher of its session."""
        for send in list(self._sends.get(session_id, ())):
            try:
                send.send_nowait(row)
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                self._sends.get(session_id, set()).discard(send)

    async def watch(
        self,
        session_id: str,
        snapshot: Callable[[], Awaitable[Sequence[Row]]],
        poll: Callable[[], Awaitable[Sequence[Row]]],
        interval: float,
    ) -> AsyncIterator[Row]:
        """Rows of the session as they change, from `snapshot`'s revisions on.

        `poll` returns the rows that may have changed (maybe none); an error it raises
        after the store closed ends the watch instead.
        """
        send, receive = anyio.create_memory_object_stream[Row](math.inf)
        # Subscribe before the snapshot so no change falls between the two.
        self._sends.setdefault(session_id, set()).add(send)
        try:
            seen = {row.id: row.revision for row in await snapshot()}
            while True:
                pending: Sequence[Row] = []
                with anyio.move_on_after(interval):
                    try:
                        pending = [await receive.receive()]
                    except anyio.EndOfStream:
                        return
                if not pending:
                    if self.closed:
                        return
                    try:
                        pending = await poll()
                    except Exception:
                        if self.closed:
                            return
                        raise
                for row in pending:
                    if row.revision > seen.get(row.id, 0):
                        seen[row.id] = row.revision
                        yield row
        finally:
            self._sends.get(session_id, set()).discard(send)
            send.close()
            receive.close()

    def close(self) -> None:
        """End every running watch (they return after their current row)."""
        self.closed = True
        for sends in self._sends.values():
            for send in sends:
                send.close()
        self._sends.clear()
