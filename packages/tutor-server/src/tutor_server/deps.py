"""Dependencies of the routes: the service, the signed-in user, a verified webhook body.

A route is authenticated by taking `CurrentUser` (bearer token) or `SignedBody` (HMAC);
a route with neither is public. The authorization-matrix test enumerates the app's
routes, so a new route without one of them fails it unless it is listed as public.
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tutor_core import signing
from tutor_core.errors import InvalidSignature
from tutor_core.models import User
from tutor_server.errors import ServiceUnavailable
from tutor_server.routes.home import COOKIE
from tutor_server.service import Service
from tutor_server.tokens import Unauthorized, VerifiedTokens

_bearer = HTTPBearer(auto_error=False, description="An HS256 JWT whose `sub` is your user id.")


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


async def current_user(
    request: Request,
    service: ServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The user named by the bearer token (401 when missing, malformed, forged or expired)."""
    tokens: VerifiedTokens = request.app.state.tokens
    if credentials is None and request.app.state.settings.local_mode:
        # Local mode only: the browser that opened the printed URL holds a SameSite cookie.
        cookie = request.cookies.get(COOKIE)
        if cookie:
            return await service.user(tokens.verify(cookie))
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized(
            "this route needs `Authorization: Bearer <token>`",
            hint="make a token with `tutor token create --user NAME`",
        )
    return await service.user(tokens.verify(credentials.credentials))


CurrentUser = Annotated[User, Depends(current_user)]


async def signed_body(request: Request) -> bytes:
    """The raw body of a job webhook, after its HMAC signature was checked (401 if not)."""
    secret: str | None = request.app.state.settings.webhook_secret
    if not secret:
        raise ServiceUnavailable(
            "job webhooks are disabled: TUTOR_WEBHOOK_SECRET is not set",
            hint="set the same TUTOR_WEBHOOK_SECRET here and in the calling app",
        )
    body = await request.body()
    headers = dict(request.headers)
    guard = request.app.state.replay_guard

    def check() -> None:
        signing.verify(body, headers, secret, replay_guard=guard)

    try:
        await anyio.to_thread.run_sync(check)
    except InvalidSignature:
        raise
    return body


SignedBody = Annotated[bytes, Depends(signed_body)]


class RedisReplayGuard(signing.ReplayGuard):
    """A replay guard shared by every replica: `SET key 1 NX EXAT expires_at` in Redis."""

    def __init__(self, redis_url: str) -> None:
        super().__init__()
        import redis

        self._redis = redis.Redis.from_url(redis_url)

    def first_use(self, key: str, expires_at: int, now: int | None = None) -> bool:
        try:
            return bool(
                self._redis.set(f"tutor:webhook-seen:{key}", b"1", nx=True, exat=expires_at)
            )
        except Exception as exc:
            raise ServiceUnavailable(
                f"cannot check the webhook replay guard in Redis: {exc}",
                hint="check TUTOR_REDIS_URL and that Redis is running",
            ) from exc
