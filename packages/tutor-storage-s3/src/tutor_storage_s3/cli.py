"""The `tutor storage` commands added by this plugin."""

from __future__ import annotations

import json
from typing import Annotated

import anyio
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from tutor_storage_s3.check import Step, run_check

storage_app = typer.Typer(
    name="storage",
    help="Check the S3 storage (buckets, credentials, URLs).",
    no_args_is_help=True,
)


def _settings_step(exc: ValidationError) -> Step:
    problems = "; ".join(
        f"TUTOR_S3_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
        for err in exc.errors()
    )
    return Step("settings", False, problems, "fix the TUTOR_S3_* environment variables")


def _run(create: bool) -> list[Step]:
    # Imported here so `tutor --help` does not pay for importing boto3.
    from tutor_storage_s3.settings import S3Settings
    from tutor_storage_s3.storage import S3Storage

    try:
        settings = S3Settings()
    except ValidationError as exc:
        return [_settings_step(exc)]
    storage = S3Storage(settings)

    async def main() -> list[Step]:
        return await run_check(storage, create=create)

    return anyio.run(main)


@storage_app.command("check")
def check(
    create: Annotated[bool, typer.Option("--create", help="Create missing buckets first.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Verify buckets, write, read, presigned URLs and delete; exit 1 if any step fails."""
    steps = _run(create)
    ok = all(step.ok for step in steps)
    if as_json:
        typer.echo(json.dumps({"ok": ok, "steps": [s.to_dict() for s in steps]}, indent=2))
    else:
        console = Console(highlight=False, soft_wrap=True)
        for step in steps:
            mark = "[green]ok[/green]    " if step.ok else "[red]failed[/red]"
            console.print(f"{mark} {escape(step.name)}: {escape(step.detail)}")
            if step.fix and not step.ok:
                console.print(f"       fix: {step.fix}", markup=False)
        console.print("storage check passed" if ok else "storage check failed")
    raise typer.Exit(0 if ok else 1)
