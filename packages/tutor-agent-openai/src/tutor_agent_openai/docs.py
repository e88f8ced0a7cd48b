"""The Manim documentation the agent consults, through MCP: tools for the model, checks for us.

Each configured server is an MCP server: a command started over stdio (by default the
bundled `tutor-manim-mcp`), or `inprocess`, the same server connected in this process
(no subprocess). Their tools are offered to the model as OpenAI function tools, and the
agent itself calls `validate_scene` on every piece of code before it is rendered.

A session lives for one agent call (write, edit or repair): MCP clients hold task
groups that must be closed by the task that opened them, and scenes are written
concurrently in different tasks.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import anyio
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

from tutor_core.errors import AgentError, ConfigurationError

INPROCESS = "inprocess"
BUNDLED = "tutor-manim-mcp"
TOOL_RESULT_CHARS = 12_000
"""Longest tool result sent back to the model (a docstring page can be long)."""
START_TIMEOUT = 120.0
"""Seconds a docs server may take to answer (its first start builds the index)."""


@dataclass
class ValidationResult:
    """What `validate_scene` said about one piece of code."""

    ok: bool
    summary: str
    problems: list[dict[str, Any]] = field(default_factory=list)

    def feedback(self) -> str:
        """The problems as lines a model can act on."""
        lines = [self.summary]
        for p in self.problems[:20]:
            where = f"line {p.get('line')}: " if p.get("line") is not None else ""
            hint = ""
            if p.get("suggestions") and "did you mean" not in str(p.get("message")):
                hint = " (did you mean: " + ", ".join(map(str, p["suggestions"])) + "?)"
            lines.append(f"- {where}{p.get('message')} [{p.get('code')}]{hint}")
        return "\n".join(lines)


class DocsSession:
    """Open MCP clients and the tools they offer, by name."""

    def __init__(self) -> None:
        self._tools: dict[str, tuple[Client, dict[str, Any]]] = {}

    def add(self, client: Client, tools: Sequence[Any]) -> None:
        for tool in tools:
            # The first server that offers a name answers it.
            self._tools.setdefault(
                tool.name,
                (
                    client,
                    {
                        "type": "function",
                        "function": {
                            "name": tool.name,
                            "description": (tool.description or "")[:1000],
                            "parameters": tool.input_schema or {"type": "object"},
                        },
                    },
                ),
            )

    @property
    def names(self) -> list[str]:
        return sorted(self._tools)

    def openai_tools(self) -> list[dict[str, Any]]:
        """The tools in the chat completions `tools` format."""
        return [spec for _, spec in self._tools.values()]

    async def call(self, name: str, arguments: dict[str, Any]) -> tuple[bool, str]:
        """Call a tool for the model: (ok, text to send back). Never raises for its errors."""
        entry = self._tools.get(name)
        if entry is None:
            return False, f"error: there is no tool named {name!r}; tools: {', '.join(self.names)}"
        try:
            result = await entry[0].call_tool(name, arguments)
        except MCPError as exc:
            return False, f"error: {exc}"
        if result.structured_content is not None and not result.is_error:
            text = json.dumps(result.structured_content, ensure_ascii=False)
        else:
            text = "\n".join(getattr(c, "text", "") for c in result.content)
            if result.is_error:
                text = f"error: {text}"
        if len(text) > TOOL_RESULT_CHARS:
            text = text[:TOOL_RESULT_CHARS] + "... (cut)"
        return not result.is_error, text

    async def validate(self, code: str) -> ValidationResult:
        """`validate_scene` on code (raise AgentError if the docs server fails)."""
        entry = self._tools.get("validate_scene")
        if entry is None:  # checked when the session opens
            raise ConfigurationError("no docs server offers validate_scene")
        try:
            result = await entry[0].call_tool("validate_scene", {"code": code})
        except MCPError as exc:
            raise AgentError(
                f"the Manim docs server failed to validate scene code: {exc}",
                hint="run `tutor-manim-mcp --build-index` to see what goes wrong",
            ) from None
        data = result.structured_content
        if result.is_error or not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
            text = "\n".join(getattr(c, "text", "") for c in result.content)
            raise AgentError(
                f"the Manim docs server could not validate scene code: {text[:300]}",
                hint="run `tutor-manim-mcp --build-index` to see what goes wrong",
            )
        problems = data.get("problems")
        return ValidationResult(
            ok=data["ok"],
            summary=str(data.get("summary", "")),
            problems=[p for p in problems if isinstance(p, dict)]
            if isinstance(problems, list)
            else [],
        )


def server_command(entry: str, cache_dir: Path) -> list[str]:
    """The command line of one configured server (the bundled one gets our cache)."""
    argv = shlex.split(entry)
    if not argv:
        raise ConfigurationError(
            "TUTOR_OPENAI_MCP_SERVERS has an empty entry",
            hint='give commands, e.g. ["tutor-manim-mcp"], or ["inprocess"]',
        )
    if argv[0] == BUNDLED:
        # Prefer the script installed next to this Python (a venv not on PATH).
        beside = Path(sys.executable).parent / BUNDLED
        argv[0] = str(beside) if beside.is_file() else (shutil.which(BUNDLED) or BUNDLED)
        if "--cache-dir" not in argv:
            argv += ["--cache-dir", str(cache_dir)]
    elif shutil.which(argv[0]) is None and not Path(argv[0]).is_file():
        raise ConfigurationError(
            f"MCP server command not found: {argv[0]!r} (TUTOR_OPENAI_MCP_SERVERS)",
            hint="install it or fix TUTOR_OPENAI_MCP_SERVERS (a JSON list of commands)",
        )
    return argv


@asynccontextmanager
async def open_docs(servers: Sequence[str], cache_dir: Path) -> AsyncIterator[DocsSession]:
    """Connect to every configured docs server for the duration of the block.

    Raises:
        ConfigurationError: no server offers `validate_scene`, or a command is missing.
        AgentError: a server could not be started.
    """
    try:
        async with _connect(servers, cache_dir) as session:
            yield session
    except BaseExceptionGroup as group:
        # MCP clients run task groups, which wrap whatever the block raised; callers
        # want the error itself (an AgentError, EditNotUnderstood...).
        leaves = _leaves(group)
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


def _leaves(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    found: list[BaseException] = []
    for exc in group.exceptions:
        found.extend(_leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return found


@asynccontextmanager
async def _connect(servers: Sequence[str], cache_dir: Path) -> AsyncIterator[DocsSession]:
    session = DocsSession()
    async with AsyncExitStack() as stack:
        for entry in servers:
            # A server's stderr (its start-up line, its tracebacks) is kept aside and
            # shown only when it fails.
            errlog = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))  # noqa: SIM115
            client = await _client(entry, cache_dir, errlog)
            try:
                opened = await stack.enter_async_context(client)
                tools = (await opened.list_tools()).tools
            except (MCPError, OSError) as exc:
                errlog.seek(0)
                said = " ".join(errlog.read()[-500:].split())
                raise AgentError(
                    f"could not start the MCP docs server {entry!r}: {exc}"
                    + (f" (it said: {said})" if said else ""),
                    hint="run it by hand to see why, or set "
                    "TUTOR_OPENAI_MCP_SERVERS='[\"inprocess\"]'",
                ) from None
            session.add(opened, tools)
        if "validate_scene" not in session.names:
            raise ConfigurationError(
                "none of the MCP servers in TUTOR_OPENAI_MCP_SERVERS offers validate_scene, "
                "which every piece of scene code must pass before it is rendered",
                hint='include the bundled Manim docs server: ["tutor-manim-mcp"] '
                '(or ["inprocess"])',
            )
        yield session


async def _client(entry: str, cache_dir: Path, errlog: TextIO) -> Client:
    if entry.strip() == INPROCESS:
        from tutor_render_manim.docs_index import DocsIndex
        from tutor_render_manim.mcp_server import create_server

        # Opening may build the index (seconds): not on the event loop.
        index = await anyio.to_thread.run_sync(DocsIndex.open, cache_dir)
        return Client(create_server(index), read_timeout_seconds=START_TIMEOUT)
    argv = server_command(entry, cache_dir)
    params = StdioServerParameters(command=argv[0], args=argv[1:], env=dict(os.environ))
    return Client(stdio_client(params, errlog=errlog), read_timeout_seconds=START_TIMEOUT)
