"""Idempotency keys of job webhooks: a delivery sent again gets the first one's answer.

A caller that retries a webhook whose first copy arrived but whose answer was lost
(the Convex actions do, with their job id as `Idempotency-Key`, signed anew each time
so the replay guard does not catch it) must not start a second job: an edit applied
twice would make two versions. The first answer is kept for a day under the key, per
webhook path; every replica shares it through Redis when a Redis URL is set.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import anyio

from tutor_server.errors import ServiceUnavailable

TTL_SECONDS = 24 * 3600
MAX_KEY_CHARS = 200


class Idempotency(Protocol):
    """Remembers the answer given for an idempotency key."""

    async def recall(self, key: str) -> str | None:
        """The answer kept for `key`, if any."""
        ...

    async def remember(self, key: str, answer: str) -> None:
        """Keep `answer` for `key` (the first answer wins)."""
        ...


class MemoryIdempotency:
    """In-process (one replica)."""

    def __init__(self, max_entries: int = 100_000, ttl: float = TTL_SECONDS) -> None:
        self._answers: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._max = max_entries
        self._ttl = ttl

    async def recall(self, key: str) -> str | None:
        with self._lock:
            kept = self._answers.get(key)
        if kept is None or kept[0] < time.monotonic():
            return None
        return kept[1]

    async def remember(self, key: str, answer: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._answers) >= self._max:
                self._answers = {k: v for k, v in self._answers.items() if v[0] >= now}
                if len(self._answers) >= self._max:
                    self._answers.clear()
            self._answers.setdefault(key, (now + self._ttl, answer))


class RedisIdempotency:
    """Shared by every replica: `SET tutor:idempotency:<key> answer NX EX ttl`."""

    def __init__(self, redis_url: str, ttl: int = TTL_SECONDS) -> None:
        import redis

        self._redis = redis.Redis.from_url(redis_url)
        self._ttl = ttl

    async def recall(self, key: str) -> str | None:
        value = await self._call(lambda: self._redis.get(f"tutor:idempotency:{key}"))
        return value.decode() if isinstance(value, bytes) else None

    async def remember(self, key: str, answer: str) -> None:
        await self._call(
            lambda: self._redis.set(f"tutor:idempotency:{key}", answer, nx=True, ex=self._ttl)
        )

    async def _call(self, fn: Callable[[], Any]) -> Any:
        try:
            return await anyio.to_thread.run_sync(fn)
        except Exception as exc:
            raise ServiceUnavailable(
                f"cannot read or keep the webhook's Idempotency-Key in Redis: {exc}",
                hint="check TUTOR_REDIS_URL and that Redis is running",
            ) from exc

    async def close(self) -> None:
        self._redis.close()
