"""HMAC-SHA256 signatures for webhooks: `t=<unix>,v1=<hex>` over `"{t}." + body`.

The timestamp is part of the signed message, so a captured request cannot be replayed
outside the tolerance window with a new timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from tutor_core.errors import InvalidSignature

SIGNATURE_HEADER = "X-Tutor-Signature"
"""The HTTP header that carries the signature."""

DEFAULT_TOLERANCE = 300
"""Seconds a signature stays valid (either side of now, for clock skew)."""


def _digest(body: bytes, secret: str, timestamp: int) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """Sign a request body.

    Args:
        body: the exact bytes that will be sent.
        secret: the shared secret.
        timestamp: unix seconds to sign with (default: now).

    Returns:
        The header value `t=<unix>,v1=<hex hmac-sha256>`.
    """
    if not secret:
        raise InvalidSignature(
            "cannot sign with an empty secret", hint="set a webhook secret (any long random string)"
        )
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},v1={_digest(body, secret, t)}"


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            if not value.isdigit() or len(value) > 12:
                raise InvalidSignature(
                    f"signature timestamp {value!r} is not a unix time",
                    hint="the header looks like t=<unix seconds>,v1=<hex>",
                )
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidSignature(
            "malformed signature header: need t=<unix seconds> and v1=<hex>",
            hint=f"send the value produced by tutor_core.signing.sign in {SIGNATURE_HEADER}",
        )
    return timestamp, signatures


def verify(
    body: bytes,
    header: str | None,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE,
    now: int | None = None,
) -> None:
    """Check a signature header against a body; raise InvalidSignature if it does not match.

    Args:
        body: the raw request body as received.
        header: the `X-Tutor-Signature` header value.
        secret: the shared secret.
        tolerance: seconds the timestamp may differ from now (past or future).
        now: unix seconds to compare with (default: the clock).

    Raises:
        InvalidSignature: missing or malformed header, wrong signature, stale or future time.
    """
    if not header:
        raise InvalidSignature(
            f"missing {SIGNATURE_HEADER} header",
            hint="sign the body with tutor_core.signing.sign and send it in that header",
        )
    timestamp, signatures = _parse(header)
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature(
            f"signature timestamp is {current - timestamp:+d} s from now (tolerance {tolerance} s)",
            hint="re-sign the request now and check that both clocks are synchronized",
        )
    expected = _digest(body, secret, timestamp)
    # compare_digest on every candidate so timing does not reveal which one matched.
    matched = False
    for candidate in signatures:
        # Bytes, because compare_digest refuses non-ASCII str (headers may hold anything).
        matched |= hmac.compare_digest(expected.encode(), candidate.encode(errors="replace"))
    if not matched:
        raise InvalidSignature(
            "signature does not match the body",
            hint="sign the exact bytes that are sent, with the same shared secret",
        )
