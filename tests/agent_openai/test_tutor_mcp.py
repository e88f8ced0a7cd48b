"""`tutor mcp`: an MCP client over stdio drives a real (offline agent) lesson through it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from tutor_core.media import probe

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def _tutor() -> str:
    script = Path(sys.executable).parent / "tutor"
    if not script.is_file():
        pytest.fail(f"{script} is missing: install the workspace (`make setup`)", pytrace=False)
    return str(script)


def _data(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def test_an_assistant_makes_edits_and_exports_a_lesson_through_tutor_mcp(
    tutor_home: Path, tmp_path: Path
) -> None:
    env = dict(os.environ) | {
        "TUTOR_HOME": str(tutor_home),
        "TUTOR_NARRATOR": "silent",
        "TUTOR_QUALITY": "draft",
    }
    params = StdioServerParameters(command=_tutor(), args=["mcp"], env=env)
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total, message))

    async with Client(params, read_timeout_seconds=600) as client:
        from importlib.metadata import version

        assert client.server_info.version == version("tutor-mcp")
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == {"generate_video", "edit_scene", "get_session", "export"}
        scenes = tools["generate_video"].input_schema["properties"]["scenes"]
        assert max(b.get("maximum", 0) for b in scenes.get("anyOf", [scenes])) == 12
        assert tools["get_session"].annotations and tools["get_session"].annotations.read_only_hint
        assert all(t.description for t in tools.values())

        made = _data(
            await client.call_tool(
                "generate_video",
                {"prompt": "explain the Pythagorean theorem", "scenes": 2},
                progress_callback=on_progress,
            )
        )
        assert made["status"] == "ready" and len(made["scenes"]) == 2
        assert all(s["status"] == "ready" and s["version"] == 1 for s in made["scenes"])
        assert made["tokens"] is None, "the offline agent spends no tokens"
        assert progress and progress[-1][0] == 2 and progress[-1][1] == 2

        session_id = made["sessionId"]
        shown = _data(await client.call_tool("get_session", {"session_id": session_id}))
        assert [s["id"] for s in shown["scenes"]] == [s["id"] for s in made["scenes"]]
        newest = _data(await client.call_tool("get_session", {}))
        assert newest["sessionId"] == session_id

        first, second = made["scenes"]
        edited = _data(
            await client.call_tool(
                "edit_scene", {"scene_id": first["id"], "prompt": "make the title yellow"}
            )
        )
        assert edited["understood"] is True
        after = {s["id"]: s for s in edited["session"]["scenes"]}
        assert after[first["id"]]["version"] == 2 and after[second["id"]]["version"] == 1

        refused = _data(
            await client.call_tool(
                "edit_scene", {"scene_id": f"{session_id}:2", "prompt": "flibber the quux"}
            )
        )
        assert refused["understood"] is False and "flibber" in refused["reason"]
        works = refused["suggestions"] or [refused["hint"]]
        assert works and all(works), "says what does work"
        assert {s["id"]: s["version"] for s in refused["session"]["scenes"]}[second["id"]] == 1

        exported = _data(await client.call_tool("export", {"session_id": session_id}))
        out = Path(exported["output"])
        assert out == tutor_home / "exports" / f"{session_id}.mp4" and out.is_file()
        assert Path(exported["subtitles"]).read_text().startswith("WEBVTT")
        final = _data(await client.call_tool("get_session", {"session_id": session_id}))
        assert probe(out).frames == sum(s["durationInFrames"] for s in final["scenes"])

        missing = await client.call_tool("get_session", {"session_id": "ses_nope"})
        assert missing.is_error
        assert "ses_nope" in "".join(getattr(c, "text", "") for c in missing.content)

    # The same lesson, from the command line: one data directory.
    listed = subprocess.run(
        [_tutor(), "show", session_id, "--json"], env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert session_id in listed.stdout
