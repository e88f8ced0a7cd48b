"""Bearer tokens: HS256 JWTs whose `sub` is the user's external id."""

from __future__ import annotations

import time

import jwt

from tutor_core.errors import TutorError

ALGORITHM = "HS256"
MAX_SUBJECT = 200


class Unauthorized(TutorError):
    """No token, or one that is malformed, badly signed or expired (HTTP 401)."""


def create_token(secret: str, subject: str, *, ttl: int, now: float | None = None) -> str:
    """A signed token for the user whose external id is `subject`, valid for `ttl` seconds."""
    subject = subject.strip()
    if not subject or len(subject) > MAX_SUBJECT:
        raise TutorError(
            f"a user name must be 1 to {MAX_SUBJECT} characters",
            hint="pass the user's stable id from your sign-in provider, e.g. --user alice",
        )
    issued = int(time.time() if now is None else now)
    claims = {"sub": subject, "iat": issued, "exp": issued + int(ttl)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(secret: str, token: str) -> str:
    """The token's subject, or Unauthorized saying what is wrong with it."""
    return _verify(secret, token)[0]


class VerifiedTokens:
    """Tokens verified recently, so a client's next request skips the HMAC and decoding.

    A token is kept only after it verified, and only until its own `exp`; the secret
    is fixed for the life of the app. Bounded: the cache starts over when full.
    """

    def __init__(self, secret: str, max_entries: int = 10_000) -> None:
        self._secret = secret
        self._max = max_entries
        self._known: dict[str, tuple[str, float]] = {}

    def verify(self, token: str) -> str:
        """The token's subject, or Unauthorized (as `verify_token`)."""
        known = self._known.get(token)
        if known is not None and time.time() < known[1]:
            return known[0]
        subject, expires = _verify(self._secret, token)
        if len(self._known) >= self._max:
            self._known.clear()
        self._known[token] = (subject, expires)
        return subject


def _verify(secret: str, token: str) -> tuple[str, float]:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized(
            "the token has expired", hint="sign in again (or `tutor token create`)"
        ) from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(
            f"invalid token: {exc}", hint="send `Authorization: Bearer <token>` with a valid token"
        ) from None
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > MAX_SUBJECT:
        raise Unauthorized("the token has no usable subject", hint="make a new token")
    return sub, float(claims["exp"])
