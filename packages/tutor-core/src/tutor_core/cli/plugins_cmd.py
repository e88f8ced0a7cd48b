"""`tutor plugins`: what is installed and what each plugin registers."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tutor_core import plugins
from tutor_core.cli.output import console, print_json

_DEFAULT_PREFIX = "tutor_core.default_plugins."


def plugins_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List installed plugins, their package and version, and what they register."""
    infos = plugins.plugin_infos()
    if as_json:
        print_json([info.to_dict() for info in infos])
        return
    table = Table(title="tutor plugins", caption="--json also lists every hook each implements")
    table.add_column("plugin", style="bold", overflow="fold")
    table.add_column("package", overflow="fold")
    table.add_column("registers", overflow="fold")
    table.add_column("other hooks", style="dim", overflow="fold")
    for info in infos:
        registers = "\n".join(
            f"{kind}: {', '.join(names)}" for kind, names in info.registers.items()
        )
        others = [h for h in info.hooks if not h.startswith("register_")]
        table.add_row(
            info.name.removeprefix(_DEFAULT_PREFIX),
            f"{info.package or '-'} {info.version or ''}".strip(),
            registers or "-",
            ", ".join(others),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `tutor plugins` to the app."""
    app.command("plugins")(plugins_command)
