"""HMAC signatures for webhooks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor_core.errors import InvalidSignature, TutorError
from tutor_core.signing import SIGNATURE_HEADER, sign, verify

NOW = 1_800_000_000


def test_header_format_and_round_trip() -> None:
    header = sign(b'{"job":"j1"}', "s3cret", timestamp=NOW)
    t, v1 = header.split(",")
    assert t == f"t={NOW}" and v1.startswith("v1=") and len(v1) == 3 + 64
    verify(b'{"job":"j1"}', header, "s3cret", now=NOW)
    assert SIGNATURE_HEADER == "X-Tutor-Signature"
    assert issubclass(InvalidSignature, TutorError)


@pytest.mark.parametrize(
    ("header", "match"),
    [
        (None, "missing"),
        ("", "missing"),
        ("garbage", "malformed"),
        (f"t={NOW}", "malformed"),
        ("v1=abcd", "malformed"),
        ("t=soon,v1=abcd", "unix time"),
        (f"t={NOW},v1=ünïcode", "does not match"),
        (f"t={NOW},v1={'0' * 64}", "does not match"),
    ],
)
def test_bad_headers_are_refused(header: str | None, match: str) -> None:
    with pytest.raises(InvalidSignature, match=match) as info:
        verify(b"body", header, "s3cret", now=NOW)
    assert info.value.hint


def test_stale_and_future_timestamps_are_refused() -> None:
    header = sign(b"body", "k", timestamp=NOW)
    verify(b"body", header, "k", tolerance=300, now=NOW + 300)
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify(b"body", header, "k", tolerance=300, now=NOW + 301)
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify(b"body", header, "k", tolerance=300, now=NOW - 301)


def test_wrong_secret_and_empty_secret() -> None:
    header = sign(b"body", "right", timestamp=NOW)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify(b"body", header, "wrong", now=NOW)
    with pytest.raises(InvalidSignature, match="empty secret"):
        sign(b"body", "")


def test_default_clock_is_used() -> None:
    verify(b"x", sign(b"x", "k"), "k")


@settings(max_examples=200, deadline=None)
@given(body=st.binary(min_size=1, max_size=256), secret=st.text(min_size=1), data=st.data())
def test_any_body_round_trips_and_any_byte_change_fails(
    body: bytes, secret: str, data: st.DataObject
) -> None:
    header = sign(body, secret, timestamp=NOW)
    verify(body, header, secret, now=NOW)
    i = data.draw(st.integers(0, len(body) - 1))
    flip = data.draw(st.integers(1, 255))
    tampered = body[:i] + bytes([body[i] ^ flip]) + body[i + 1 :]
    with pytest.raises(InvalidSignature):
        verify(tampered, header, secret, now=NOW)
