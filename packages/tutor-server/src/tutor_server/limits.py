"""Limits: request body size (ASGI middleware) and a per-user job rate limit."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Protocol

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tutor_server.errors import PayloadTooLarge, RateLimited, error_response

WINDOW = 60.0


class BodyLimit:
    """ASGI middleware: refuse bodies above `max_bytes` with 413 (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(
            f"the request body is larger than {self.max_bytes:,} bytes",
            hint="send less (prompts are short); the limit is TUTOR_MAX_BODY_BYTES",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await error_response(self._too_large())(scope, receive, send)
                    return
        # Read the (small) body up front: an error raised while the app reads it would
        # be turned into a 400 by the framework, and a 413 must not depend on the route.
        buffered: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                await error_response(self._too_large())(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            if buffered:
                return buffered.pop(0)
            return await receive()

        await self.app(scope, replay, send)


class RateLimiter(Protocol):
    """Counts job creations per user in a sliding minute."""

    async def hit(self, user: str, limit: int) -> None:
        """Record one job for `user`, or raise RateLimited when over `limit` a minute."""
        ...


def _limited(limit: int, retry_after: float) -> RateLimited:
    return RateLimited(
        f"more than {limit} jobs in a minute",
        retry_after=math.ceil(retry_after),
        hint="wait for Retry-After seconds; the limit is TUTOR_JOBS_PER_MINUTE",
    )


class MemoryRateLimiter:
    """A sliding-window limiter for one server process."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    async def hit(self, user: str, limit: int) -> None:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(user, deque())
            while hits and hits[0] <= now - WINDOW:
                hits.popleft()
            if len(hits) >= limit:
                raise _limited(limit, hits[0] + WINDOW - now)
            hits.append(now)


class RedisRateLimiter:
    """A sliding-window limiter shared by every replica (a sorted set per user)."""

    def __init__(self, redis_url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(redis_url)

    def _hit(self, user: str, limit: int) -> float | None:
        key = f"tutor:rate:{user}"
        now = time.time()
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(key, 0, now - WINDOW)
        pipe.zrange(key, 0, 0, withscores=True)
        pipe.zcard(key)
        _, oldest, count = pipe.execute()
        if count >= limit:
            first = oldest[0][1] if oldest else now
            return max(1.0, first + WINDOW - now)
        member = f"{now:.6f}:{time.perf_counter_ns()}"
        pipe = self._redis.pipeline()
        pipe.zadd(key, {member: now})
        pipe.expire(key, int(WINDOW) + 1)
        pipe.execute()
        return None

    async def hit(self, user: str, limit: int) -> None:
        wait = await anyio.to_thread.run_sync(self._hit, user, limit)
        if wait is not None:
            raise _limited(limit, wait)
