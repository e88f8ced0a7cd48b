"""S3Settings validation, content types, chunk URLs and plugin registration (no server)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tutor_core import plugins
from tutor_core.errors import ConfigurationError, InvalidInput
from tutor_core.keys import chunk_key, validate_key
from tutor_storage_s3 import S3Settings, plugin, public_url
from tutor_storage_s3.content import content_type_for
from tutor_storage_s3.settings import check_bucket_name

_segment = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)
keys = st.lists(_segment, min_size=1, max_size=6).map("/".join)


def test_defaults_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    s = S3Settings()
    assert (s.chunk_bucket, s.source_bucket) == ("ai-video-tutor-chunks", "ai-video-tutor-sources")
    assert s.region == "us-east-1" and s.endpoint_url is None and s.public_base_url is None
    assert s.multipart_threshold == 8 * 1024 * 1024
    monkeypatch.setenv("TUTOR_S3_PUBLIC_BASE_URL", "https://d111.cloudfront.net/lessons/")
    monkeypatch.setenv("TUTOR_S3_CHUNK_BUCKET", "my-chunks")
    s = S3Settings()
    assert s.public_base_url == "https://d111.cloudfront.net/lessons"
    assert s.chunk_bucket == "my-chunks"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("chunk_bucket", "Upper_Case"),
        ("source_bucket", "ab"),
        ("chunk_bucket", "192.168.1.1"),
        ("chunk_bucket", "a..b"),
        ("public_base_url", "cdn.example.com"),
        ("multipart_threshold", 1024),
        ("max_attempts", 0),
    ],
)
def test_bad_settings_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        S3Settings(**{field: value})
    assert field in str(info.value)


def test_factory_names_the_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_S3_SOURCE_BUCKET", "Not A Bucket")
    with pytest.raises(ConfigurationError) as info:
        plugin.load_settings()
    assert "TUTOR_S3_SOURCE_BUCKET" in str(info.value)


@given(st.from_regex(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", fullmatch=True))
def test_valid_bucket_names_pass(name: str) -> None:
    assert check_bucket_name(name) == name


@given(st.text(max_size=70))
def test_bucket_names_accepted_follow_the_rules(name: str) -> None:
    try:
        check_bucket_name(name)
    except ValueError:
        return
    assert 3 <= len(name) <= 63
    assert name == name.lower() and ".." not in name
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789.-")


@given(keys, st.sampled_from(["https://cdn.example.com", "https://d1.cloudfront.net/x/"]))
def test_public_url_is_base_slash_key(key: str, base: str) -> None:
    assert public_url(base, key) == base.rstrip("/") + "/" + key


@given(st.text(max_size=30))
def test_public_url_refuses_unsafe_keys(key: str) -> None:
    try:
        validate_key(key)
    except InvalidInput:
        with pytest.raises(InvalidInput):
            public_url("https://cdn.example.com", key)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (chunk_key("p", "s", 0, 1), "video/mp4"),
        ("a/v1.py", "text/x-python"),
        ("a/v1.json", "application/json"),
        ("a/v1.vtt", "text/vtt"),
        ("a/V1.MP4", "video/mp4"),
        ("a/image.png", "image/png"),
        ("a/blob", "application/octet-stream"),
    ],
)
def test_content_types(key: str, expected: str) -> None:
    assert content_type_for(key) == expected


def test_registered_as_s3_storage() -> None:
    assert "s3" in plugins.available("storage")
    reg = plugins.get_registration("storage", "s3")
    assert "S3" in reg.description


def test_doctor_checks_only_when_selected(monkeypatch: pytest.MonkeyPatch) -> None:
    assert plugin.doctor_checks() == []
    monkeypatch.setenv("TUTOR_STORAGE", "s3")
    monkeypatch.setenv("TUTOR_S3_CHUNK_BUCKET", "BAD")
    checks = plugin.doctor_checks()
    assert [c.status for c in checks] == ["missing"]
    assert "TUTOR_S3_CHUNK_BUCKET" in checks[0].detail
    monkeypatch.delenv("TUTOR_S3_CHUNK_BUCKET")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    checks = {c.name: c for c in plugin.doctor_checks()}
    assert checks["s3 settings"].ok and checks["s3 credentials"].ok
    assert checks["s3 public URL"].status == "warning"
