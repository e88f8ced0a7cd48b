"""Leases on busy scenes, kept in Redis: one worker at a time, taken over when it dies.

A worker that starts on a scene takes `tutor:lease:<scene id>` with `SET NX PX` and
renews it every third of its duration while it works. A redelivered task finds the key
(the first worker is alive: wait and try later) or not (it died: take the scene over).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class LeaseHeld(Exception):
    """Another live worker holds the lease."""


class Leases:
    """Scene leases in Redis."""

    def __init__(self, redis_url: str, ttl: float) -> None:
        import redis

        self._redis = redis.Redis.from_url(redis_url)
        self.ttl_ms = int(ttl * 1000)
        self._renew = self._redis.register_script(_RENEW)
        self._release = self._redis.register_script(_RELEASE)

    @staticmethod
    def key(scene_id: str) -> str:
        return f"tutor:lease:{scene_id}"

    def try_take(self, scene_id: str) -> str | None:
        """A token if the lease was free (and is now ours), else None."""
        token = uuid.uuid4().hex
        if self._redis.set(self.key(scene_id), token, nx=True, px=self.ttl_ms):
            return token
        return None

    def renew(self, scene_id: str, token: str) -> bool:
        return bool(self._renew(keys=[self.key(scene_id)], args=[token, self.ttl_ms]))

    def release(self, scene_id: str, token: str) -> None:
        self._release(keys=[self.key(scene_id)], args=[token])

    @asynccontextmanager
    async def held(self, scene_id: str) -> AsyncIterator[None]:
        """Hold the scene's lease for the block (renewed in the background).

        Raises:
            LeaseHeld: another worker holds it.
        """
        token = await anyio.to_thread.run_sync(self.try_take, scene_id)
        if token is None:
            raise LeaseHeld(scene_id)
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._keep, scene_id, token)
                try:
                    yield
                finally:
                    tg.cancel_scope.cancel()
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self.release, scene_id, token)

    async def _keep(self, scene_id: str, token: str) -> None:
        while True:
            await anyio.sleep(self.ttl_ms / 3000)
            await anyio.to_thread.run_sync(self.renew, scene_id, token)
