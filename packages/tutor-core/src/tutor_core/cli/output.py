"""Output helpers shared by CLI commands: JSON on stdout, errors on stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

from tutor_core.cli import invocation
from tutor_core.errors import TutorError

console = Console()
"""Human output (tables, progress) on stdout."""

err_console = Console(stderr=True)
"""Errors and warnings on stderr."""


def print_json(data: Any) -> None:
    """Print `data` as indented JSON on stdout (plain print: no wrapping or colour)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def print_error(exc: BaseException) -> None:
    """Print an error as one red line, and its hint (if any) on the next line.

    Commands quoted in the hint (`tutor ...`) are printed as this `tutor` was run.
    """
    message = exc.message if isinstance(exc, TutorError) else str(exc) or type(exc).__name__
    hint = exc.hint if isinstance(exc, TutorError) else None
    first_line = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    err_console.print(f"[bold red]error:[/] {escape(first_line)}", highlight=False, soft_wrap=True)
    if hint:
        hint = invocation.rewrite(hint)
        err_console.print(f"[yellow]hint:[/] {escape(hint)}", highlight=False, soft_wrap=True)


def status_style(status: str) -> str:
    """Rich style of a doctor status (`ok`, `warning`, `missing`)."""
    return {"ok": "green", "warning": "yellow", "missing": "red"}.get(status, "")
