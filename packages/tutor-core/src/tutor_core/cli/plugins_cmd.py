"""`tutor plugins`: what is installed and what each plugin registers."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tutor_core import plugins
from tutor_core.cli.output import console, print_json


def plugins_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List installed plugins, their package and version, and what they register."""
    infos = plugins.plugin_infos()
    if as_json:
        print_json([info.to_dict() for info in infos])
        return
    table = Table(title="tutor plugins")
    table.add_column("plugin", style="bold", overflow="fold")
    table.add_column("package")
    table.add_column("version")
    table.add_column("registers")
    table.add_column("hooks", style="dim", overflow="fold")
    for info in infos:
        registers = "\n".join(
            f"{kind}: {', '.join(names)}" for kind, names in info.registers.items()
        )
        table.add_row(
            info.name,
            info.package or "-",
            info.version or "-",
            registers or "-",
            ", ".join(info.hooks),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `tutor plugins` to the app."""
    app.command("plugins")(plugins_command)
