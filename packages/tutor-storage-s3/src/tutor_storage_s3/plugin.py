"""The tutor plugin: registers the `s3` storage, `tutor storage check` and doctor checks.

Kept light on purpose: boto3 is imported only when the storage or a command is used,
so installing this plugin does not slow down every `tutor` invocation.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tutor_core.doctor import Check
from tutor_core.errors import ConfigurationError
from tutor_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    import typer

    from tutor_core.settings import Settings
    from tutor_storage_s3.settings import S3Settings


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"TUTOR_S3_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
        for err in exc.errors()
    )


def load_settings() -> S3Settings:
    """S3Settings from the environment, or ConfigurationError naming the bad variables."""
    from tutor_storage_s3.settings import S3Settings

    try:
        return S3Settings()
    except ValidationError as exc:
        raise ConfigurationError(
            f"bad S3 settings: {_describe(exc)}",
            hint="fix those TUTOR_S3_* environment variables (see docs/storage-s3.md)",
        ) from exc


def _factory(settings: Settings) -> Any:
    from tutor_storage_s3.storage import S3Storage

    return S3Storage(load_settings())


@hookimpl
def register_storages(register: Callable[..., None]) -> None:
    register(
        "s3",
        _factory,
        "S3 or S3-compatible buckets (TUTOR_S3_*): chunks behind a CDN, private sources",
    )


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from tutor_storage_s3.cli import storage_app

    cli.add_typer(storage_app, name="storage")


def _credentials_source() -> str | None:
    """Where boto3 would find credentials, without asking instance metadata (slow off EC2)."""
    import botocore.session

    session = botocore.session.get_session()
    resolver = session.get_component("credential_provider")
    for provider in ("iam-role", "container-role"):
        # Those providers make network calls; on EC2/ECS they supply credentials anyway.
        resolver.remove(provider)
    creds = resolver.load_credentials()
    if creds is None:
        return None
    return str(getattr(creds, "method", "found"))


@hookimpl
def doctor_checks() -> list[Any]:
    """Settings and credentials checks, only when `TUTOR_STORAGE=s3` selects this storage."""
    if os.environ.get("TUTOR_STORAGE", "").strip().lower() != "s3":
        return []
    from tutor_storage_s3.settings import S3Settings

    try:
        s3 = S3Settings()
    except ValidationError as exc:
        return [
            Check(
                "s3 settings",
                "missing",
                _describe(exc),
                fix="fix those TUTOR_S3_* environment variables (see docs/storage-s3.md)",
            )
        ]
    checks = [
        Check(
            "s3 settings",
            "ok",
            f"chunks={s3.chunk_bucket} sources={s3.source_bucket} "
            f"endpoint={s3.endpoint_url or 'AWS'} region={s3.region}",
            fix="`tutor storage check` tests buckets, writes, reads and URLs",
        )
    ]
    source = _credentials_source()
    if source is None:
        checks.append(
            Check(
                "s3 credentials",
                "warning",
                "no AWS credentials in the environment or profiles (fine on EC2/ECS with a role)",
                fix="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE",
            )
        )
    else:
        checks.append(Check("s3 credentials", "ok", f"found ({source})"))
    if s3.public_base_url is None:
        checks.append(
            Check(
                "s3 public URL",
                "warning",
                "TUTOR_S3_PUBLIC_BASE_URL is unset: chunk URLs are presigned and expire",
                fix="set TUTOR_S3_PUBLIC_BASE_URL to the CDN in front of the chunk bucket",
            )
        )
    else:
        checks.append(Check("s3 public URL", "ok", s3.public_base_url))
    return checks
