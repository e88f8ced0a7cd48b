"""The `mcp` tutor plugin: adds `tutor mcp` (imported by every `tutor`, so kept cheap)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tutor_core.hookspecs import hookimpl

if TYPE_CHECKING:
    import typer

HELP = """\
Serve the tutor over MCP on stdio, so that AI assistants can make and edit lessons.

Tools: generate_video(prompt, scenes), edit_scene(scene_id, prompt),
get_session(session_id), export(session_id). Register it with an MCP client:

  {"mcpServers": {"tutor": {"command": "tutor", "args": ["mcp"]}}}

It uses the same TUTOR_* settings and data directory as the other commands.
"""


@hookimpl()
def register_commands(cli: typer.Typer) -> None:
    """Add `tutor mcp`."""

    @cli.command("mcp", help=HELP, rich_help_panel="Integrations")
    def mcp_command() -> None:
        from tutor_mcp.server import main

        main()
