"""The tutor as an MCP server: tools to generate, edit, inspect and export lessons.

Each tool call opens a `Tutor` with the process's settings (`TUTOR_*`), so the server
shares the data directory, store and plugins with the `tutor` command: a lesson made
through MCP can be shown, edited or exported from the command line and back.
Generation and edits run inside the tool call and report progress (scenes ready of
scenes planned) as MCP progress notifications.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from tutor_core import Tutor
from tutor_core.errors import EditNotUnderstood, TutorError
from tutor_core.models import Scene, SceneStatus, VideoSession
from tutor_core.prompts import MAX_SCENES, MIN_SCENES
from tutor_core.settings import Settings
from tutor_core.tutor import SessionView

SERVER_NAME = "tutor"
INSTRUCTIONS = """\
Makes narrated explainer videos (Manim scenes with a voice-over and subtitles) from a
prompt, and edits one scene at a time. generate_video makes a whole video and returns
its session with scene ids; edit_scene changes one scene by instruction (only that
scene is rendered again); get_session shows status, scenes and errors; export joins
the scenes into one mp4 (+ WebVTT subtitles) and returns the file paths."""

T = TypeVar("T")


def _scene(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "index": c.index,
        "number": c.index + 1,
        "title": c.title,
        "status": c.status.value,
        "version": c.version,
        "durationInFrames": c.duration_in_frames,
        "fallback": c.fallback,
        "errorMessage": c.error_message,
        "narration": c.narration,
        "tokens": c.tokens,
        "costUsd": c.cost_usd,
    }


def session_json(view: SessionView) -> dict[str, Any]:
    """What the tools return for a session (camelCase, like `tutor show --json`)."""
    s = view.session
    return {
        "sessionId": s.id,
        "title": s.title,
        "prompt": s.prompt,
        "status": s.status.value,
        "durationInFrames": s.duration_in_frames,
        "fps": s.target_fps,
        "quality": s.quality,
        "errorMessage": s.error_message,
        "notice": s.notice,
        "tokens": view.tokens,
        "costUsd": view.cost_usd,
        "scenes": [_scene(c) for c in view.scenes],
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tutor-mcp")
    except PackageNotFoundError:
        return "0+unknown"


def create_server(settings_factory: Callable[[], Settings] = Settings) -> MCPServer[Any]:
    """The MCP server; `settings_factory` gives the settings of each tool call."""
    server: MCPServer[Any] = MCPServer(
        name=SERVER_NAME,
        title="tutor: narrated explainer videos",
        version=_version(),
        instructions=INSTRUCTIONS,
        log_level="WARNING",
    )
    read_only = ToolAnnotations(
        read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
    )
    making = ToolAnnotations(
        read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
    )

    async def with_tutor(
        ctx: Context | None, fn: Callable[[Tutor], Awaitable[T]], total: int | None = None
    ) -> T:
        done: set[str] = set()

        async def progress(record: VideoSession | Scene) -> None:
            if ctx is None or not isinstance(record, Scene):
                return
            if record.status in (SceneStatus.READY, SceneStatus.ERROR):
                done.add(record.id)
            message = f"scene {record.index + 1}: {record.status.value}"
            try:
                await ctx.report_progress(len(done), total, message)
            except Exception:  # progress is best effort, the work is not
                return

        try:
            async with Tutor(settings_factory(), on_change=progress) as tutor:
                await tutor.recover()
                return await fn(tutor)
        except TutorError as exc:
            raise ToolError(str(exc)) from None

    @server.tool(annotations=making)
    async def generate_video(
        prompt: Annotated[
            str, Field(description="What to explain, e.g. 'the Pythagorean theorem'.")
        ],
        scenes: Annotated[
            int | None,
            Field(ge=MIN_SCENES, le=MAX_SCENES, description="How many scenes (default: chosen)."),
        ] = None,
        quality: Annotated[
            Literal["draft", "final"] | None,
            Field(description="'final' is 1080p, 'draft' 480p and faster (default: settings)."),
        ] = None,
        ctx: Context | None = None,
    ) -> dict[str, Any]:
        """Make a whole narrated video from a prompt; returns its session and scene ids.

        Takes about a minute per scene. A scene that cannot be made is replaced by a
        simple title card (`fallback` true, `errorMessage` says why), so the video is
        always whole. Then call export to get the mp4.
        """

        async def work(tutor: Tutor) -> dict[str, Any]:
            view = await tutor.generate(prompt, scenes=scenes, quality=quality)
            return session_json(view)

        return await with_tutor(ctx, work, scenes)

    @server.tool(annotations=making)
    async def edit_scene(
        scene_id: Annotated[
            str,
            Field(description="A scene id (scn_...), or SESSION_ID:NUMBER (1 is the first)."),
        ],
        prompt: Annotated[str, Field(description="What to change, e.g. 'make the triangle blue'.")],
        ctx: Context | None = None,
    ) -> dict[str, Any]:
        """Change one scene by instruction; only that scene is rendered again.

        Everything the instruction does not mention stays. If the instruction cannot
        be applied, nothing changes and the answer has `understood` false, the reason,
        and what would work (`suggestions`, `nearest`, `hint`).
        """

        async def work(tutor: Tutor) -> dict[str, Any]:
            scene = await tutor.resolve_scene(scene_id)
            try:
                view = await tutor.edit(scene.id, prompt)
            except EditNotUnderstood as refusal:
                view = await tutor.session(scene.session_id)
                return {
                    "understood": False,
                    "reason": refusal.message,
                    "hint": refusal.hint,
                    "nearest": refusal.nearest,
                    "suggestions": refusal.suggestions,
                    "session": session_json(view),
                }
            return {"understood": True, "sceneId": scene.id, "session": session_json(view)}

        return await with_tutor(ctx, work, 1)

    @server.tool(annotations=read_only)
    async def get_session(
        session_id: Annotated[
            str | None, Field(description="A session id (ses_...); default: the newest.")
        ] = None,
    ) -> dict[str, Any]:
        """A session's status, scenes (ids, titles, status, versions, errors) and usage."""

        async def work(tutor: Tutor) -> dict[str, Any]:
            session = await tutor.resolve_session(session_id)
            return session_json(await tutor.session(session.id))

        return await with_tutor(None, work)

    @server.tool(annotations=making)
    async def export(
        session_id: Annotated[
            str | None, Field(description="A session id (ses_...); default: the newest.")
        ] = None,
        out: Annotated[
            str | None,
            Field(description="Where to write the .mp4 (default: TUTOR_HOME/exports/ID.mp4)."),
        ] = None,
    ) -> dict[str, Any]:
        """Join a session's scenes into one mp4 (stream copy) plus WebVTT subtitles."""

        async def work(tutor: Tutor) -> dict[str, Any]:
            session = await tutor.resolve_session(session_id)
            path = _export_path(out, tutor.settings.home, session.id)
            result = await tutor.export(session.id, path)
            return result.to_wire(session.id)

        return await with_tutor(None, work)

    return server


def _export_path(out: str | None, home: Path, session_id: str) -> Path:
    path = Path(out).expanduser() if out else home / "exports" / f"{session_id}.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def main() -> None:
    """Serve on stdio (what `tutor mcp` runs)."""
    create_server().run()
