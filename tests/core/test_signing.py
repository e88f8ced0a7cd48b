"""HMAC signatures for job webhooks, checked against the shared test vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor_core.errors import InvalidSignature, TutorError
from tutor_core.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    ReplayGuard,
    sign,
    verify,
)

NOW = 1_800_000_000
VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "contracts" / "webhook-signing.json").read_text("utf-8")
)
# What each error kind of the vectors file says, in the Python messages.
ERROR_WORDS = {"malformed": "missing|must look like|not a unix time", "stale": "tolerance",
               "mismatch": "does not match"}  # fmt: skip


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_shared_vectors(case: dict[str, Any]) -> None:
    body = case["body"].encode("utf-8")
    headers = {TIMESTAMP_HEADER: case["timestamp"], SIGNATURE_HEADER: case["signature"]}
    secret, tolerance = VECTORS["secret"], VECTORS["toleranceSeconds"]
    if case["valid"]:
        assert verify(body, headers, secret, tolerance=tolerance, now=case["now"]) == int(
            case["timestamp"]
        )
        assert sign(body, secret, int(case["timestamp"]))[SIGNATURE_HEADER] == case["signature"]
    else:
        with pytest.raises(InvalidSignature, match=ERROR_WORDS[case["error"]]) as info:
            verify(body, headers, secret, tolerance=tolerance, now=case["now"])
        assert info.value.hint


def test_vectors_cover_every_error_kind_and_valid_cases() -> None:
    kinds = {c.get("error") for c in VECTORS["cases"]}
    assert kinds == {None, "malformed", "stale", "mismatch"}


def test_headers_round_trip_case_insensitively() -> None:
    headers = sign(b'{"job":"j1"}', "s3cret", timestamp=NOW)
    assert headers[TIMESTAMP_HEADER] == str(NOW)
    assert headers[SIGNATURE_HEADER].startswith("sha256=")
    assert len(headers[SIGNATURE_HEADER]) == 7 + 64
    lowered = {k.lower(): v for k, v in headers.items()}
    assert verify(b'{"job":"j1"}', lowered, "s3cret", now=NOW) == NOW
    assert issubclass(InvalidSignature, TutorError)


@pytest.mark.parametrize(
    ("headers", "match"),
    [
        ({}, "missing"),
        ({TIMESTAMP_HEADER: str(NOW)}, "missing"),
        ({SIGNATURE_HEADER: "sha256=" + "0" * 64}, "missing"),
        ({TIMESTAMP_HEADER: "soon", SIGNATURE_HEADER: "sha256=00"}, "unix time"),
        ({TIMESTAMP_HEADER: "١٢٣", SIGNATURE_HEADER: "sha256=00"}, "unix time"),
        ({TIMESTAMP_HEADER: str(NOW), SIGNATURE_HEADER: "v1=abcd"}, "must look like"),
        ({TIMESTAMP_HEADER: str(NOW), SIGNATURE_HEADER: "sha256=ünïcode"}, "does not match"),
        ({TIMESTAMP_HEADER: str(NOW), SIGNATURE_HEADER: "sha256=" + "0" * 64}, "does not match"),
    ],
)
def test_bad_headers_are_refused(headers: dict[str, str], match: str) -> None:
    with pytest.raises(InvalidSignature, match=match) as info:
        verify(b"body", headers, "s3cret", now=NOW)
    assert info.value.hint


def test_stale_and_future_timestamps_are_refused() -> None:
    headers = sign(b"body", "k", timestamp=NOW)
    verify(b"body", headers, "k", tolerance=300, now=NOW + 300)
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify(b"body", headers, "k", tolerance=300, now=NOW + 301)
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify(b"body", headers, "k", tolerance=300, now=NOW - 301)


def test_wrong_secret_and_empty_secret() -> None:
    headers = sign(b"body", "right", timestamp=NOW)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify(b"body", headers, "wrong", now=NOW)
    with pytest.raises(InvalidSignature, match="empty secret"):
        sign(b"body", "")


def test_default_clock_is_used() -> None:
    verify(b"x", sign(b"x", "k"), "k")


def test_replay_is_refused_within_the_window_only_once_accepted() -> None:
    guard = ReplayGuard()
    headers = sign(b"body", "k", timestamp=NOW)
    verify(b"body", headers, "k", now=NOW, replay_guard=guard)
    with pytest.raises(InvalidSignature, match="replay"):
        verify(b"body", headers, "k", now=NOW + 1, replay_guard=guard)
    # A forged request is refused for its signature and does not poison the guard.
    other = sign(b"other", "k", timestamp=NOW)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify(b"tampered", other, "k", now=NOW, replay_guard=guard)
    verify(b"other", other, "k", now=NOW, replay_guard=guard)


def test_replay_guard_forgets_expired_entries() -> None:
    guard = ReplayGuard(max_entries=2)
    assert guard.first_use("a", expires_at=NOW + 10, now=NOW)
    assert not guard.first_use("a", expires_at=NOW + 10, now=NOW + 5)
    assert guard.first_use("a", expires_at=NOW + 30, now=NOW + 11)
    assert guard.first_use("b", expires_at=NOW + 12, now=NOW + 11)
    assert guard.first_use("c", expires_at=NOW + 40, now=NOW + 20)  # prunes "b"
    assert not guard.first_use("a", expires_at=NOW + 40, now=NOW + 20)


@settings(max_examples=200, deadline=None)
@given(body=st.binary(min_size=1, max_size=256), secret=st.text(min_size=1), data=st.data())
def test_any_body_round_trips_and_any_byte_change_fails(
    body: bytes, secret: str, data: st.DataObject
) -> None:
    headers = sign(body, secret, timestamp=NOW)
    verify(body, headers, secret, now=NOW)
    i = data.draw(st.integers(0, len(body) - 1))
    flip = data.draw(st.integers(1, 255))
    tampered = body[:i] + bytes([body[i] ^ flip]) + body[i + 1 :]
    with pytest.raises(InvalidSignature):
        verify(tampered, headers, secret, now=NOW)
