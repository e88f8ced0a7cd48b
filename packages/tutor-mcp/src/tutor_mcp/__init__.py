"""The tutor as an MCP server (`tutor mcp`)."""

from tutor_mcp.server import create_server

__all__ = ["create_server"]
