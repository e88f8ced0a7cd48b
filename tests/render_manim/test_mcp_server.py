"""`tutor-manim-mcp` as an MCP client meets it: the real console script over stdio and
streamable HTTP on loopback, every tool and resource, and its command line."""

from __future__ import annotations

import http.client
import inspect
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import manim
import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

from tests.fixtures.manim_docs import server_command
from tutor_render_manim.mcp_server import main

MANIM_VERSION = version("manim")
MADE_UP = (
    "from manim import *\n\nclass A(Scene):\n    def construct(self):\n        self.add(Circel())\n"
)
WRONG_KW = (
    "from manim import *\n\nclass A(Scene):\n    def construct(self):\n"
    "        self.add(Circle(radus=1))\n"
)
GOOD = (
    "from manim import *\n\nclass A(Scene):\n    def construct(self):\n"
    "        c = Circle(radius=1, color=BLUE, fill_opacity=0.5)\n"
    "        self.play(Create(c), run_time=1)\n"
    "        self.play(c.animate.shift(RIGHT).set_fill(RED, opacity=1))\n"
)


def _stdio(cache: Path, *extra: str) -> Client:
    command = server_command()
    return Client(
        StdioServerParameters(
            command=command[0],
            args=[*command[1:], "--cache-dir", str(cache), *extra],
            env=dict(os.environ),
        ),
        read_timeout_seconds=120,
    )


def _structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def _text(result: Any) -> str:
    return "\n".join(getattr(c, "text", "") for c in result.content)


async def _exercise_every_tool(client: Client) -> None:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == {"search_docs", "get_api", "validate_scene", "list_examples"}
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.read_only_hint
        assert tool.description

    hits = _structured(await client.call_tool("search_docs", {"query": "MathTex", "limit": 3}))
    assert hits["manim_version"] == MANIM_VERSION
    assert hits["hits"][0]["name"] == "MathTex" and len(hits["hits"]) <= 3

    page = _structured(await client.call_tool("get_api", {"name": "Circle"}))
    real = inspect.signature(manim.Circle)
    assert [p["name"] for p in page["params"]] == list(real.parameters)
    assert page["params"][0]["default"] == repr(real.parameters["radius"].default)
    assert page["signature"].startswith("Circle(radius")
    assert {"stroke_width", "fill_opacity", "z_index"} <= {
        p["name"] for p in page["keywords"]["accepted"]
    }
    assert page["examples"] and page["examples"][0]["code"].startswith("from manim import *")

    made_up = _structured(await client.call_tool("validate_scene", {"code": MADE_UP}))
    assert not made_up["ok"]
    assert [(p["code"], p["suggestions"]) for p in made_up["problems"]] == [
        ("unknown-name", ["Circle"])
    ]
    wrong = _structured(await client.call_tool("validate_scene", {"code": WRONG_KW}))
    assert [p["code"] for p in wrong["problems"]] == ["unknown-keyword"]
    assert wrong["problems"][0]["suggestions"][0] == "radius"
    good = _structured(await client.call_tool("validate_scene", {"code": GOOD}))
    assert good["ok"] and good["problems"] == [] and good["scene_class"] == "A"

    examples = _structured(await client.call_tool("list_examples", {"topic": "graph", "limit": 2}))
    assert examples["total"] >= len(examples["examples"]) == 2
    assert all("class " in e["code"] for e in examples["examples"])


@pytest.mark.anyio
@pytest.mark.slow
async def test_every_tool_and_resource_over_stdio(docs_cache: Path) -> None:
    async with _stdio(docs_cache) as client:
        await _exercise_every_tool(client)

        listed = await client.list_resource_templates()
        templates = {t.uri_template for t in listed.resource_templates}
        assert templates == {"manim://api/{name}", "manim://examples/{name}"}
        page = await client.read_resource("manim://api/Circle")
        text = page.contents[0].text  # type: ignore[union-attr]
        assert "Circle(radius" in text and "Circle → Arc" in text and "CircleExample" in text
        method = await client.read_resource("manim://api/VMobject.set_fill")
        assert "set_fill(color" in method.contents[0].text  # type: ignore[union-attr]
        example = await client.read_resource("manim://examples/CircleExample")
        assert "class CircleExample(Scene)" in example.contents[0].text  # type: ignore[union-attr]
        about = await client.read_resource("manim://index")
        assert MANIM_VERSION in about.contents[0].text  # type: ignore[union-attr]

        # errors are clear, and say what to do
        unknown = await client.call_tool("get_api", {"name": "Circel"})
        assert unknown.is_error and "Circle" in _text(unknown)
        empty = await client.call_tool("search_docs", {"query": "  "})
        assert empty.is_error and "hint" in _text(empty)
        bad_limit = await client.call_tool("search_docs", {"query": "circle", "limit": 0})
        assert bad_limit.is_error
        with pytest.raises(MCPError, match="Circel"):
            await client.read_resource("manim://api/Circel")
        with pytest.raises(MCPError, match="list_examples"):
            await client.read_resource("manim://examples/NoSuchScene")


@pytest.mark.anyio
@pytest.mark.slow
async def test_first_start_builds_the_index_without_disturbing_stdio(tmp_path: Path) -> None:
    cache = tmp_path / "fresh-cache"
    async with _stdio(cache) as client:
        page = _structured(await client.call_tool("get_api", {"name": "Square"}))
        assert page["name"] == "Square"
    assert [p.name for p in cache.glob("manim-*.sqlite")] != []


# ------------------------------------------------------------------ streamable HTTP


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def http_server(docs_cache: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = _free_port()
    proc = subprocess.Popen(
        [*server_command(), "--http", "--port", str(port), "--cache-dir", str(docs_cache)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited early: {proc.communicate()[1][-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the HTTP server did not start listening within 60 s")
                time.sleep(0.1)
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
        proc.communicate()


@pytest.mark.anyio
@pytest.mark.slow
async def test_every_tool_over_streamable_http_on_loopback(
    http_server: tuple[int, subprocess.Popen[str]],
) -> None:
    port, _ = http_server
    async with Client(f"http://127.0.0.1:{port}/mcp", read_timeout_seconds=120) as client:
        await _exercise_every_tool(client)


@pytest.mark.slow
def test_http_refuses_foreign_host_headers(http_server: tuple[int, subprocess.Popen[str]]) -> None:
    # DNS rebinding: a web page on another name must not reach the loopback server.
    port, _ = http_server
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "POST",
            "/mcp",
            body=body,
            headers={
                "Host": f"attacker.example:{port}",
                "Content-Type": "application/json",
                "Accept": "application/json, text/event-stream",
            },
        )
        response = conn.getresponse()
        assert response.status in (400, 403, 421), response.status
        assert b"tools" not in response.read()
    finally:
        conn.close()


# ------------------------------------------------------------------ command line


def test_help_teaches_how_to_register_it() -> None:
    proc = subprocess.run([*server_command(), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    out = proc.stdout
    assert '"mcpServers"' in out and '"command"' in out
    assert "--http" in out and "http://127.0.0.1:8765/mcp" in out
    assert "--build-index" in out
    # the JSON snippets in the help are valid JSON
    snippets = [line.strip() for line in out.splitlines() if line.strip().startswith("{")]
    assert len(snippets) == 2
    for snippet in snippets:
        json.loads(snippet)


def test_build_index_says_where_it_is(docs_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--build-index", "--cache-dir", str(docs_cache)]) == 0
    out = capsys.readouterr().out
    assert f"Manim {MANIM_VERSION}" in out and str(docs_cache) in out


def test_a_public_host_needs_allow_remote(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--http", "--host", "0.0.0.0"])
    assert info.value.code == 2
    assert "--allow-remote" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--port", "70000"], "--port"), (["--path", "mcp"], "--path")],
)
def test_bad_arguments_are_explained(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_a_busy_port_is_explained(docs_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["--http", "--port", str(port), "--cache-dir", str(docs_cache)])
    assert code == 1
    assert "pick another port" in capsys.readouterr().err


def test_an_unwritable_cache_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    assert main(["--build-index", "--cache-dir", str(blocker / "sub")]) == 1
    assert "--cache-dir" in capsys.readouterr().err


def test_the_module_runs_as_a_script() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tutor_render_manim.mcp_server", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and "tutor-manim-mcp" in proc.stdout


@pytest.mark.slow
def test_the_guide_examples_run_as_written(tmp_path: Path) -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "manim-mcp.md"
    blocks = re.findall(r"```python\n(.*?)```", guide.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUTOR_", "XDG_"))}
    # MCP clients pass HOME and PATH on to the server; the index lands under this HOME.
    env["HOME"] = str(home)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    outputs = []
    for n, code in enumerate(blocks):
        script = tmp_path / f"guide_{n}.py"
        script.write_text(code, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"example {n}:\n{done.stderr[-3000:]}"
        outputs.append(done.stdout)
    assert "did you mean `radius`" in outputs[0] and "use `Create`" in outputs[0]
    assert "Circle(radius" in outputs[1] and "refused by the code policy" in outputs[1]
    assert len(list(home.rglob("manim-docs/manim-*.sqlite"))) == 1
