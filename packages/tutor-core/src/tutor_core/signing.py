"""HMAC-SHA256 signatures for job webhooks.

A signed request carries two headers::

    X-Tutor-Timestamp: 1800000000
    X-Tutor-Signature: sha256=<hex HMAC-SHA256 of "1800000000." + body>

The timestamp is part of the signed message, so a captured request cannot be replayed
outside the tolerance window with a new timestamp; inside the window a `ReplayGuard`
refuses a signature it has already accepted. The same scheme is implemented in
TypeScript for the Convex actions; both are checked against the shared test vectors in
`contracts/webhook-signing.json`.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Mapping

from tutor_core.errors import InvalidSignature

TIMESTAMP_HEADER = "X-Tutor-Timestamp"
"""The HTTP header that carries the unix time the request was signed at."""

SIGNATURE_HEADER = "X-Tutor-Signature"
"""The HTTP header that carries `sha256=<hex>`."""

SCHEME = "sha256="

DEFAULT_TOLERANCE = 300
"""Seconds a signature stays valid (either side of now, for clock skew)."""


def signature(body: bytes, secret: str, timestamp: int) -> str:
    """The header value `sha256=<hex>` for a body signed at `timestamp`."""
    if not secret:
        raise InvalidSignature(
            "cannot sign with an empty secret",
            hint="set TUTOR_WEBHOOK_SECRET to a long random string on both sides",
        )
    message = f"{int(timestamp)}.".encode() + body
    return SCHEME + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers that sign a request body.

    Args:
        body: the exact bytes that will be sent.
        secret: the shared secret.
        timestamp: unix seconds to sign with (default: now).

    Returns:
        `{X-Tutor-Timestamp: ..., X-Tutor-Signature: "sha256=<hex>"}`.
    """
    t = int(time.time()) if timestamp is None else int(timestamp)
    return {TIMESTAMP_HEADER: str(t), SIGNATURE_HEADER: signature(body, secret, t)}


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def verify(
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: int | None = None,
    replay_guard: ReplayGuard | None = None,
) -> int:
    """Check a signed request; raise InvalidSignature unless it is genuine and fresh.

    Args:
        body: the raw request body as received.
        headers: the request headers (names are matched case-insensitively).
        secret: the shared secret.
        tolerance: seconds the timestamp may differ from now (past or future).
        now: unix seconds to compare with (default: the clock).
        replay_guard: when given, a signature that was already accepted is refused.

    Returns:
        The request's timestamp.

    Raises:
        InvalidSignature: missing or malformed headers, wrong signature, stale or future
            time, or a replay.
    """
    raw_t = _header(headers, TIMESTAMP_HEADER)
    raw_sig = _header(headers, SIGNATURE_HEADER)
    if not raw_t or not raw_sig:
        raise InvalidSignature(
            f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header",
            hint="sign the body with tutor_core.signing.sign and send both headers",
        )
    raw_t = raw_t.strip()
    if not raw_t.isascii() or not raw_t.isdigit() or len(raw_t) > 12:
        raise InvalidSignature(
            f"{TIMESTAMP_HEADER} {raw_t[:20]!r} is not a unix time in seconds",
            hint="send the signing time as whole unix seconds, e.g. 1800000000",
        )
    timestamp = int(raw_t)
    raw_sig = raw_sig.strip()
    if not raw_sig.startswith(SCHEME):
        raise InvalidSignature(
            f"{SIGNATURE_HEADER} must look like sha256=<64 hex digits>",
            hint="send the value produced by tutor_core.signing.sign",
        )
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature(
            f"signature timestamp is {current - timestamp:+d} s from now (tolerance {tolerance} s)",
            hint="re-sign the request now and check that both clocks are synchronized",
        )
    expected = signature(body, secret, timestamp)
    # Bytes, because compare_digest refuses non-ASCII str (headers may hold anything).
    if not hmac.compare_digest(expected.encode(), raw_sig.encode(errors="replace")):
        raise InvalidSignature(
            "signature does not match the body",
            hint="sign the exact bytes that are sent, with the same shared secret",
        )
    if replay_guard is not None and not replay_guard.first_use(expected, timestamp + tolerance):
        raise InvalidSignature(
            "this signed request was already received (replay)",
            hint="sign every request anew; a signature is accepted once",
        )
    return timestamp


class ReplayGuard:
    """Remembers accepted signatures until they expire, so each is accepted once.

    In-process and thread-safe; a deployment with several server replicas uses a shared
    one (the server keeps it in Redis when a Redis URL is set).
    """

    def __init__(self, max_entries: int = 100_000) -> None:
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def first_use(self, key: str, expires_at: int, now: int | None = None) -> bool:
        """Record `key` until `expires_at` (unix s); False if it is already recorded."""
        current = int(time.time()) if now is None else now
        with self._lock:
            if len(self._seen) >= self._max:
                self._seen = {k: t for k, t in self._seen.items() if t >= current}
            known = self._seen.get(key)
            if known is not None and known >= current:
                return False
            self._seen[key] = expires_at
            return True
