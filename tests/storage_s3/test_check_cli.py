"""`tutor storage check` against the real S3 server: passes, fails clearly, creates buckets."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tutor_storage_s3 import S3Settings, plugin

pytestmark = pytest.mark.slow


@pytest.fixture
def cli() -> typer.Typer:
    # The same hook the `tutor` CLI calls to collect plugin commands.
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """tutor (test copy)."""

    plugin.register_commands(cli=app)
    return app


def test_check_passes(cli: typer.Typer, s3_env: S3Settings, s3_server: Any) -> None:
    result = CliRunner().invoke(cli, ["storage", "check"])
    assert result.exit_code == 0, result.output
    assert "storage check passed" in result.output
    for step in ("bucket chunks", "write sources", "read chunks", "url sources", "delete chunks"):
        assert f"ok     {step}" in result.output
    # The probe objects were cleaned up.
    listing = s3_server.client().list_objects_v2(Bucket=s3_env.chunk_bucket)
    assert listing.get("KeyCount", 0) == 0

    result = CliRunner().invoke(cli, ["storage", "check", "--json"])
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["ok"] is True
    assert all(step["ok"] for step in report["steps"]) and len(report["steps"]) == 10


def test_check_fails_clearly_on_a_wrong_bucket(
    cli: typer.Typer, s3_env: S3Settings, s3_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUTOR_S3_CHUNK_BUCKET", "tutor-typo-chunks")
    result = CliRunner().invoke(cli, ["storage", "check", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    failed = [s for s in report["steps"] if not s["ok"]]
    assert [s["name"] for s in failed] == ["bucket chunks"]
    assert "tutor-typo-chunks" in failed[0]["detail"]
    assert "TUTOR_S3_CHUNK_BUCKET" in failed[0]["fix"]

    text = CliRunner().invoke(cli, ["storage", "check"])
    assert text.exit_code == 1 and "storage check failed" in text.output

    # --create makes the missing bucket, and then everything passes.
    created = CliRunner().invoke(cli, ["storage", "check", "--create"])
    assert created.exit_code == 0, created.output
    assert "created tutor-typo-chunks" in created.output
    s3_server.client().head_bucket(Bucket="tutor-typo-chunks")
    s3_server.client().delete_bucket(Bucket="tutor-typo-chunks")


def test_check_reports_bad_settings(cli: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_S3_ENDPOINT_URL", "localhost:9000")
    result = CliRunner().invoke(cli, ["storage", "check"])
    assert result.exit_code == 1
    assert "TUTOR_S3_ENDPOINT_URL" in result.output
