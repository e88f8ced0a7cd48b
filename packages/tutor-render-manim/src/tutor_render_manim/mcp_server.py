"""`tutor-manim-mcp`: an MCP server of the installed Manim's documentation.

Tools: `search_docs`, `get_api`, `validate_scene`, `list_examples`; resources
`manim://api/{name}`, `manim://examples/{name}` and `manim://index`. Everything comes
from the docs index of the Manim installed next to this server, so what a model reads
and what `validate_scene` accepts is what this Manim really has. It serves stdio by
default and streamable HTTP on loopback with `--http`.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from tutor_core.errors import TutorError
from tutor_render_manim import __version__
from tutor_render_manim.api_check import validate_scene as run_validation
from tutor_render_manim.docs_index import DocsIndex, default_cache_dir
from tutor_render_manim.docs_models import (
    ApiPage,
    ExampleList,
    SearchResults,
    ValidationReport,
)

SERVER_NAME = "tutor-manim-docs"
DEFAULT_PORT = 8765
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

INSTRUCTIONS = """\
Documentation of the Manim Community version installed with this server, taken from
the installed package itself (signatures, docstrings, docstring examples).
Before writing Manim code: search_docs for what you need, get_api for the exact
signature and keyword arguments (inherited ones included), list_examples for working
scenes. Then validate_scene with your code: it applies the renderer's code policy and
reports every Manim name, attribute or keyword argument that does not exist in this
version, with suggestions. Fix what it reports before rendering."""

HELP_EPILOG = """\
Register it with an MCP client (stdio; the client starts it):

  {{"mcpServers": {{"manim-docs": {{"command": "{command}"}}}}}}

  (Claude Code: claude mcp add manim-docs -- {command})

Or serve streamable HTTP on loopback and give the client its URL:

  {prog} --http --port {port}
  {{"mcpServers": {{"manim-docs": {{"url": "http://127.0.0.1:{port}/mcp"}}}}}}

Build the index ahead of time (the first start builds it otherwise, a few seconds):

  {prog} --build-index

The index lives under the tutor cache directory (TUTOR_CACHE_DIR or TUTOR_HOME move
it) and is rebuilt by itself when the installed Manim changes.
"""


def _tool_error(exc: TutorError) -> ToolError:
    return ToolError(str(exc))


def render_page(page: ApiPage) -> str:
    """An API page as Markdown (the `manim://api/{name}` resource)."""
    out = [f"# {page.name}", "", f"{page.kind} in `{page.module}` (Manim {page.manim_version})"]
    if page.signature:
        out += ["", "```python", page.signature, "```"]
    if page.doc:
        out += ["", page.doc]
    kw = page.keywords
    if kw is not None and kw.accepted:
        out += ["", "## Keyword arguments"]
        if len(kw.chain) > 1:
            out.append(f"`**kwargs` are passed on: {' → '.join(kw.chain)}")
        if kw.open:
            out.append("Some `**kwargs` go where they cannot be followed: others may be accepted.")
        out.append("")
        for p in kw.accepted:
            text = f"- `{p.name}`"
            if p.annotation:
                text += f": `{p.annotation}`"
            if p.default is not None:
                text += f" = `{p.default}`"
            out.append(f"{text} (from {p.owner})")
    if page.returns:
        out += ["", f"Returns: `{page.returns}`"]
    if page.value is not None:
        out += ["", f"Value: `{page.value}`"]
    if len(page.bases) > 1:
        out += ["", f"Bases: {' → '.join(page.bases)}"]
    if page.methods:
        more = f" (and {page.inherited_methods} inherited)" if page.inherited_methods else ""
        out += ["", f"## Methods{more}", ", ".join(f"`{m}`" for m in page.methods)]
    for example in page.examples:
        out += ["", f"## Example: {example.name}", "```python", example.code.rstrip(), "```"]
    return "\n".join(out) + "\n"


def create_server(index: DocsIndex) -> MCPServer[Any]:
    """The MCP server over `index`."""
    server: MCPServer[Any] = MCPServer(
        name=SERVER_NAME,
        title="Manim documentation (installed version)",
        version=__version__,
        instructions=INSTRUCTIONS,
        log_level="WARNING",
    )
    read_only = ToolAnnotations(
        read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
    )
    version = index.manim_version

    @server.tool(annotations=read_only)
    def search_docs(
        query: Annotated[
            str, Field(description="Words or a name: 'move next to', 'MathTex', 'plot graph'.")
        ],
        limit: Annotated[int, Field(ge=1, le=50, description="Most results to return.")] = 10,
    ) -> SearchResults:
        """Search the installed Manim's classes, functions, methods and constants.

        Matches names (CamelCase and snake_case parts too), summaries and docstrings,
        best first. Each hit has its signature and a `manim://api/...` URI; call
        get_api for the full page.
        """
        try:
            hits = index.search(query, limit)
        except TutorError as exc:
            raise _tool_error(exc) from None
        return SearchResults(query=query, manim_version=version, hits=hits)

    @server.tool(annotations=read_only)
    def get_api(
        name: Annotated[
            str,
            Field(description="An API name: 'Circle', 'Axes.plot', 'Mobject.next_to', 'config'."),
        ],
    ) -> ApiPage:
        """Signature, docstring, every accepted keyword argument and examples of one name.

        Keyword arguments include those a class passes on through `**kwargs` to its
        bases (Circle → Arc → ... → Mobject), each with the class that declares it.
        Methods are found on the class that defines them (`Circle.set_fill` is
        answered by `VMobject.set_fill`).
        """
        try:
            return index.page(name)
        except TutorError as exc:
            raise _tool_error(exc) from None

    @server.tool(annotations=read_only)
    def validate_scene(
        code: Annotated[str, Field(description="The complete scene file (Python source).")],
        scene_class: Annotated[
            str | None,
            Field(description="The Scene subclass to render; default: the only one defined."),
        ] = None,
    ) -> ValidationReport:
        """Check scene code before rendering it; nothing is executed.

        Applies the renderer's code policy (allowed imports, no files, no dunders, one
        Scene subclass) and checks that every Manim name, attribute of a Manim object
        and keyword argument exists in the installed Manim, suggesting the right
        name when one is misspelt or from another Manim version. `ok` is true when
        there is nothing to fix.
        """
        return run_validation(code, index.catalog(), scene_class)

    @server.tool(annotations=read_only)
    def list_examples(
        topic: Annotated[
            str,
            Field(description="What the example should show ('graph', 'Transform'); '' for all."),
        ] = "",
        limit: Annotated[int, Field(ge=1, le=50, description="Most examples to return.")] = 5,
    ) -> ExampleList:
        """Complete, runnable example scenes from the installed Manim's docstrings.

        Each example starts with `from manim import *` and defines one Scene.
        """
        total, examples = index.examples(topic, limit)
        return ExampleList(topic=topic, manim_version=version, total=total, examples=examples)

    @server.resource(
        "manim://api/{name}",
        name="Manim API page",
        description="Signature, docstring, keyword arguments and examples of one Manim name.",
        mime_type="text/markdown",
    )
    def api_page(name: str) -> str:
        try:
            return render_page(index.page(name))
        except TutorError as exc:
            raise ResourceError(str(exc)) from None

    @server.resource(
        "manim://examples/{name}",
        name="Manim example scene",
        description="The source of one example scene from the Manim docstrings.",
        mime_type="text/x-python",
    )
    def example_source(name: str) -> str:
        example = index.example(name)
        if example is None:
            raise ResourceError(
                f"no example scene named {name!r}; list_examples shows the available ones"
            )
        return example.code

    @server.resource(
        "manim://index",
        name="About this Manim documentation",
        description="Which Manim this is and how to use these tools.",
        mime_type="text/markdown",
    )
    def overview() -> str:
        return (
            f"# Manim {version}\n\n{index.api_count} API entries and {index.example_count} "
            f"example scenes, from the installed package.\n\n{INSTRUCTIONS}\n"
        )

    return server


# --------------------------------------------------------------------------- command line


def _parser() -> argparse.ArgumentParser:
    prog = "tutor-manim-mcp"
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "An MCP server of the installed Manim's documentation: search_docs, get_api, "
            "validate_scene and list_examples, plus manim://api/{name} resources. "
            "Serves stdio by default."
        ),
        epilog=HELP_EPILOG.format(prog=prog, command=_command_path(prog), port=DEFAULT_PORT),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--http", action="store_true", help="serve streamable HTTP instead of stdio"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on with --http (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port for --http (default: {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--path", default="/mcp", help="URL path of the MCP endpoint with --http (default: /mcp)"
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host that is not loopback (the server has no authentication)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="where the index lives (default: <tutor cache>/manim-docs)",
    )
    parser.add_argument(
        "--build-index",
        action="store_true",
        help="build the index if needed, say where it is, and exit",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the index even if it is up to date"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _command_path(prog: str) -> str:
    """The absolute path of this console script when it is on disk (for client configs)."""
    candidate = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if candidate is not None and candidate.name == prog and candidate.exists():
        return str(candidate.resolve())
    return prog


def _check_port(host: str, port: int) -> str | None:
    """None when (host, port) can be bound now, else why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of `tutor-manim-mcp`."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    if not args.path.startswith("/"):
        parser.error("--path must start with '/', e.g. /mcp")
    if args.http and args.host not in LOOPBACK and not args.allow_remote:
        parser.error(
            f"--host {args.host} would expose the server beyond this machine and it has no "
            "authentication; use a loopback address, or add --allow-remote behind your own "
            "authenticating proxy"
        )
    cache_dir = args.cache_dir or default_cache_dir()
    try:
        index = DocsIndex.open(cache_dir, rebuild=args.rebuild)
    except TutorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"error: cannot write the docs index under {cache_dir}: {exc.strerror or exc}\n"
            "  hint: pass a writable --cache-dir, or set TUTOR_CACHE_DIR",
            file=sys.stderr,
        )
        return 1
    summary = (
        f"Manim {index.manim_version} docs index: {index.path} "
        f"({index.api_count} APIs, {index.example_count} examples)"
    )
    if args.build_index:
        print(summary)
        return 0
    server = create_server(index)
    if not args.http:
        print(f"tutor-manim-mcp: {summary}; serving MCP on stdio", file=sys.stderr)
        server.run()
        return 0
    problem = _check_port(args.host, args.port)
    if problem is not None:
        print(
            f"error: cannot listen on {args.host}:{args.port}: {problem}\n"
            "  hint: pick another port with --port",
            file=sys.stderr,
        )
        return 1
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"tutor-manim-mcp: {summary}; serving MCP at http://{host}:{args.port}{args.path}",
        file=sys.stderr,
        flush=True,
    )
    server.run("streamable-http", host=args.host, port=args.port, streamable_http_path=args.path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
