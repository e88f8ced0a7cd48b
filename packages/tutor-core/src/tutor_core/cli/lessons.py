"""Lesson commands: generate, edit, retry, versions, rollback, export, sessions, show."""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
import typer
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from tutor_core.cli import exports, invocation
from tutor_core.errors import EditNotUnderstood
from tutor_core.models import Scene, SceneStatus, SessionStatus, VideoSession
from tutor_core.settings import Settings
from tutor_core.tutor import SessionView, Tutor
from tutor_core.versions import SceneVersion

T = TypeVar("T")

_STATUS_STYLE = {
    "queued": "dim",
    "generating_code": "cyan",
    "rendering": "yellow",
    "uploading": "blue",
    "ready": "green",
    "error": "red",
}
_STATUS_ICON = {
    "queued": "·",
    "generating_code": "✎",
    "rendering": "◐",
    "uploading": "↑",
    "ready": "✔",
    "error": "✖",
}


class Progress:
    """One line per scene with its status, live on a terminal, plain lines elsewhere."""

    def __init__(self, console: Console, enabled: bool) -> None:
        self.console = console
        self.enabled = enabled
        self.session: VideoSession | None = None
        self.scenes: dict[str, Scene] = {}
        self.live: Live | None = None
        self._last: dict[str, str] = {}

    def __enter__(self) -> Progress:
        if self.enabled and self.console.is_terminal:
            # Transient: the summary printed afterwards replaces the live table.
            self.live = Live(
                self._table(), console=self.console, refresh_per_second=8, transient=True
            )
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.update(self._table())
            self.live.__exit__(None, None, None)

    def update(self, obj: VideoSession | Scene) -> None:
        if isinstance(obj, Scene):
            self.scenes[obj.id] = obj
            key, label = obj.id, f"scene {obj.index + 1} {obj.title or ''}".strip()
            state = f"{obj.status.value} v{obj.version}"
        else:
            self.session = obj
            key, label, state = obj.id, f"session {obj.id}", obj.status.value
        if self.live is not None:
            self.live.update(self._table())
        elif self.enabled and self._last.get(key) != state:
            self.console.print(f"{label}: {state}", highlight=False)
        self._last[key] = state

    def _table(self) -> Table:
        title = "tutor"
        if self.session is not None:
            title = f"{self.session.title or 'lesson'} — {self.session.status.value}"
        table = Table(title=title, show_header=True, header_style="bold", expand=False)
        table.add_column("#", justify="right")
        table.add_column("scene")
        table.add_column("status")
        table.add_column("v", justify="right")
        table.add_column("note", overflow="fold", max_width=60)
        for scene in sorted(self.scenes.values(), key=lambda s: s.index):
            status = scene.status.value
            style = _STATUS_STYLE.get(status, "")
            table.add_row(
                str(scene.index + 1),
                scene.title or "",
                f"[{style}]{_STATUS_ICON.get(status, '')} {status}[/]",
                str(scene.version),
                _note(scene.error_message),
            )
        return table


SCENE_HELP = (
    "Which scene: its id (scn_...), its number in your newest session (2), "
    "or SESSION_ID:NUMBER. `tutor show SESSION_ID` lists them."
)


FALLBACK_EDITS = ("make it slower", "make it faster", "change the title to A better title")
"""Edits any scene of the built-in agent accepts, for refusals that carry no suggestions."""

LONG_HINT = 200
"""A refusal hint longer than this is a list of everything; the examples say it better."""


def _print_refusal(console: Console, exc: EditNotUnderstood, scene_ref: str) -> None:
    """A refused edit: one line saying so, the reason if short, 2-3 commands that work."""
    console.print(
        f"[yellow]not changed:[/] {escape(exc.message)} (the scene is as it was)",
        highlight=False,
        soft_wrap=True,
    )
    if exc.nearest:
        console.print(f'did you mean "{escape(exc.nearest)}"?', highlight=False)
    elif exc.hint and not exc.suggestions and len(exc.hint) <= LONG_HINT:
        console.print(escape(invocation.rewrite(exc.hint)), highlight=False, soft_wrap=True)
    examples = [s for s in exc.suggestions if s != exc.nearest][:3] or list(FALLBACK_EDITS)
    console.print("edits that work here:", highlight=False)
    for example in examples:
        line = invocation.command(f"edit {shlex.quote(scene_ref)} {shlex.quote(example)}")
        console.print(f"  {escape(line)}", highlight=False, soft_wrap=True)


def _note(message: str | None) -> str:
    """A scene's message for a table cell: its first line (the hint is logged once)."""
    return escape((message or "").strip().splitlines()[0]) if message and message.strip() else ""


def _refusal_json(exc: EditNotUnderstood) -> None:
    sys.stdout.write(
        json.dumps(
            {
                "refused": True,
                "message": exc.message,
                "suggestions": exc.suggestions,
                "nearest": exc.nearest,
            }
        )
        + "\n"
    )


def _run(fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return anyio.run(fn)


def _settings(**overrides: Any) -> Settings:
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)


def _default_out(view: SessionView) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", (view.session.title or "lesson").lower()).strip("-")
    return Path(f"{slug[:40] or 'lesson'}.mp4")


def _print_view(console: Console, view: SessionView) -> None:
    s = view.session
    fps = s.target_fps
    seconds = (s.duration_in_frames or 0) / fps
    colour = "green" if s.status == SessionStatus.READY else "red"
    console.print(
        f"[bold]{s.title or 'lesson'}[/]  session [cyan]{s.id}[/]  "
        f"[{colour}]{s.status.value}[/]  {seconds:.1f} s at {fps} fps"
    )
    table = Table(show_header=True, header_style="bold")
    for col in ("#", "scene id", "title", "status", "v", "frames", "note"):
        table.add_column(col)
    for c in view.scenes:
        table.add_row(
            str(c.index + 1),
            c.id,
            c.title or "",
            f"[{_STATUS_STYLE.get(c.status.value, '')}]{c.status.value}[/]",
            str(c.version),
            f"{c.start_frame}–{c.end_frame}" if c.duration_in_frames else "—",
            _note(c.error_message),
        )
    console.print(table)
    if s.outline:
        console.print(f"[yellow]outline only:[/] {escape(_outline_notice(s))}", highlight=False)
    if view.tokens is not None:
        cost = f"${view.cost_usd:.4f}" if view.cost_usd is not None else "cost unknown"
        console.print(f"model usage: {view.tokens} tokens, {cost}", highlight=False)


def _outline_notice(session: VideoSession) -> str:
    """One line naming the setting that switches to a language-model agent."""
    return session.notice or (
        "the offline agent has no built-in lesson on this topic. For a full lesson, set "
        "TUTOR_AGENT=openai (a language model agent)."
    )


def _emit(view: SessionView, as_json: bool, console: Console) -> None:
    if as_json:
        sys.stdout.write(json.dumps(view.to_json(), indent=2) + "\n")
    else:
        _print_view(console, view)


def _exit_code(view: SessionView, scene_id: str | None = None) -> int:
    if view.session.status == SessionStatus.ERROR:
        return 1
    if scene_id is not None:
        scene = next((c for c in view.scenes if c.id == scene_id), None)
        if scene is not None and scene.status == SceneStatus.ERROR:
            return 1
    return 0


async def _with_tutor(
    settings: Settings, progress: Progress | None, fn: Callable[[Tutor], Awaitable[T]]
) -> T:
    tutor = Tutor(settings, on_change=progress.update if progress else None)
    async with tutor:
        # Work left busy by a process that died (its lease ran out) is settled first,
        # so what the command shows or does starts from the truth.
        await tutor.recover()
        return await fn(tutor)


def register(app: typer.Typer) -> None:
    """Add the lesson commands to the `tutor` CLI."""

    @app.command(rich_help_panel="Lessons")
    def generate(
        prompt: Annotated[
            str,
            typer.Argument(
                help='What to explain, e.g. "the Pythagorean theorem". "-" reads stdin.'
            ),
        ],
        scenes: Annotated[
            int | None,
            typer.Option(
                "--scenes", "-n", help="How many scenes (1–12). Default: from the prompt, else 4."
            ),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option(
                "--out", "-o", help="Where to write the video (.mp4; a .vtt goes beside it)."
            ),
        ] = None,
        quality: Annotated[
            str | None,
            typer.Option("--quality", "-q", help="draft (854x480, fast) or final (1920x1080)."),
        ] = None,
        no_narration: Annotated[
            bool, typer.Option("--no-narration", help="Silent video, no voice.")
        ] = False,
        agent: Annotated[
            str | None, typer.Option("--agent", help="Agent plugin (see `tutor plugins`).")
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON object instead of tables.")
        ] = False,
    ) -> None:
        """Make a narrated video from a prompt.

        Example: tutor generate "explain the Pythagorean theorem" --scenes 4 --out pythagoras.mp4
        """
        if quality is not None and quality not in ("draft", "final"):
            raise typer.BadParameter("use draft or final", param_hint="--quality")
        if prompt == "-":
            prompt = sys.stdin.read()
        console = Console(stderr=True)
        settings = _settings(
            quality=quality, agent=agent, narrator="silent" if no_narration else None
        )

        async def work(tutor: Tutor) -> SessionView:
            view = await tutor.generate(prompt, scenes=scenes)
            if view.session.status == SessionStatus.READY:
                target = out or _default_out(view)
                result = await tutor.export(view.session.id, target)
                exports.record(tutor.settings.home, view.session.id, result.path)
                view = view.model_copy(update={"output": result.path})
                if result.missing and not as_json:
                    console.print(
                        f"[yellow]{len(result.missing)} scene(s) failed and are not in the video; "
                        f"retry them with: {escape(invocation.command('retry'))}[/]",
                        soft_wrap=True,
                    )
            return view

        with Progress(console, enabled=not as_json) as progress:
            view = _run(lambda: _with_tutor(settings, progress, work))
        _emit(view, as_json, console)
        if view.output and not as_json:
            console.print(
                f"[green]video:[/] {view.output}\n"
                f"[green]subtitles:[/] {view.output.with_suffix('.vtt')}"
            )
            number = min(2, len(view.scenes))
            edit_cmd = invocation.command(f'edit {number} "make it slower"')
            console.print(
                f"change one scene: [bold]{escape(edit_cmd)}[/]", highlight=False, soft_wrap=True
            )
        raise typer.Exit(_exit_code(view))

    @app.command(rich_help_panel="Lessons")
    def edit(
        scene_id: Annotated[str, typer.Argument(help=SCENE_HELP)],
        instruction: Annotated[
            str, typer.Argument(help='What to change, e.g. "make the triangle blue".')
        ],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Change one scene by instruction; only that scene is re-rendered.

        Example: tutor edit 2 "make the triangle blue and slower"
        """
        console = Console(stderr=True)

        async def work(tutor: Tutor) -> tuple[SessionView, str]:
            scene = await tutor.resolve_scene(scene_id)
            return await tutor.edit(scene.id, instruction), scene.id

        try:
            with Progress(console, enabled=not as_json) as progress:
                view, resolved = _run(lambda: _with_tutor(_settings(), progress, work))
        except EditNotUnderstood as exc:
            if as_json:
                _refusal_json(exc)
            else:
                _print_refusal(console, exc, scene_id)
            raise typer.Exit(1) from None
        _emit(view, as_json, console)
        raise typer.Exit(_exit_code(view, resolved))

    @app.command(rich_help_panel="Lessons")
    def retry(
        target: Annotated[
            str | None,
            typer.Argument(
                help="A failed scene (" + SCENE_HELP + ") or a session id (ses_...): "
                "every failed or unfinished scene of it. Default: your newest session."
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Run failed scenes again, or finish a lesson whose process was stopped.

        Examples: tutor retry 2   (scene 2 of your newest session)
                  tutor retry     (every failed or unfinished scene of your newest session)
        """
        console = Console(stderr=True)

        async def work(tutor: Tutor) -> tuple[SessionView, str | None]:
            if target is None or (target.strip().startswith("ses_") and ":" not in target):
                session = await tutor.resolve_session(target.strip() if target else None)
                return await tutor.resume(session.id), None
            scene = await tutor.resolve_scene(target)
            return await tutor.retry(scene.id), scene.id

        with Progress(console, enabled=not as_json) as progress:
            view, resolved = _run(lambda: _with_tutor(_settings(), progress, work))
        _emit(view, as_json, console)
        raise typer.Exit(_exit_code(view, resolved))

    @app.command(rich_help_panel="Lessons")
    def versions(
        scene_id: Annotated[str, typer.Argument(help=SCENE_HELP)],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List the versions of one scene (every edit or rollback makes a new one).

        Example: tutor versions 2
        """
        console = Console()

        async def work(tutor: Tutor) -> list[SceneVersion]:
            return await tutor.versions((await tutor.resolve_scene(scene_id)).id)

        items = _run(lambda: _with_tutor(_settings(), None, work))
        if as_json:
            sys.stdout.write(json.dumps([v.to_wire() for v in items], indent=2) + "\n")
            return
        table = Table(show_header=True, header_style="bold")
        for col in ("version", "title", "what made it", ""):
            table.add_column(col)
        for v in items:
            table.add_row(
                str(v.version),
                escape(v.title or ""),
                escape(v.change or ""),
                "[green]current[/]" if v.current else "",
            )
        console.print(table)
        older = [v.version for v in items if not v.current]
        if older:
            back = invocation.command(f"rollback {shlex.quote(scene_id)} {older[-1]}")
            console.print(
                f"go back to an older one: {escape(back)}", highlight=False, soft_wrap=True
            )

    @app.command(rich_help_panel="Lessons")
    def rollback(
        scene_id: Annotated[str, typer.Argument(help=SCENE_HELP)],
        version: Annotated[
            int, typer.Argument(help="The older version to bring back (`tutor versions SCENE`).")
        ],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Make an older version of a scene current again, without rendering.

        The old version comes back as a new version (n+1): nothing is lost, and you can
        roll forward the same way.

        Example: tutor rollback 2 1
        """
        console = Console(stderr=True)

        async def work(tutor: Tutor) -> tuple[SessionView, str, Path]:
            scene = await tutor.resolve_scene(scene_id)
            view = await tutor.rollback(scene.id, version)
            out = exports.last_export(tutor.settings.home, view.session.id)
            return view, scene.id, out or _default_out(view)

        view, resolved, out = _run(lambda: _with_tutor(_settings(), None, work))
        _emit(view, as_json, console)
        if not as_json:
            now = next(c for c in view.scenes if c.id == resolved)
            again = invocation.command(f"export {view.session.id} --out {shlex.quote(str(out))}")
            console.print(
                f"scene {now.index + 1} is now version {now.version} (a copy of version "
                f"{version}); join the video again: {escape(again)}",
                highlight=False,
                soft_wrap=True,
            )

    @app.command(rich_help_panel="Lessons")
    def export(
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Output .mp4 (a .vtt goes beside it).")
        ],
        session_id: Annotated[
            str | None, typer.Argument(help="The session to export (default: your newest).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Join a session's scenes into one video (stream copy, no re-encode)."""
        console = Console(stderr=True)

        async def work(tutor: Tutor) -> tuple[str, Any]:
            resolved = (await tutor.resolve_session(session_id)).id
            result = await tutor.export(resolved, out)
            exports.record(tutor.settings.home, resolved, result.path)
            return resolved, result

        resolved, result = _run(lambda: _with_tutor(_settings(), None, work))
        if as_json:
            sys.stdout.write(json.dumps(result.to_wire(resolved)) + "\n")
        else:
            console.print(
                f"[green]video:[/] {result.path} ({result.duration:.1f} s, {result.frames} frames)"
            )
            console.print(f"[green]subtitles:[/] {result.subtitles}")
            for s in result.missing:
                console.print(f"[yellow]missing scene {s.index + 1} ({s.id}): {s.error_message}[/]")

    @app.command(rich_help_panel="Lessons")
    def sessions(
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List your sessions, newest first."""
        console = Console()
        items = _run(lambda: _with_tutor(_settings(), None, lambda t: t.sessions()))
        if as_json:
            sys.stdout.write(json.dumps([s.to_wire() for s in items], indent=2) + "\n")
            return
        if not items:
            example = invocation.command('generate "explain the unit circle"')
            console.print(
                f"no sessions yet: try  {escape(example)}", highlight=False, soft_wrap=True
            )
            return
        table = Table(show_header=True, header_style="bold")
        for col in ("session", "title", "status", "seconds", "quality"):
            table.add_column(col)
        for s in items:
            table.add_row(
                s.id,
                s.title or "",
                f"[{_STATUS_STYLE.get(s.status.value, '')}]{s.status.value}[/]",
                f"{(s.duration_in_frames or 0) / s.target_fps:.1f}",
                s.quality,
            )
        console.print(table)

    @app.command(rich_help_panel="Lessons")
    def show(
        session_id: Annotated[
            str | None, typer.Argument(help="The session to show (default: your newest).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Show a session and its scenes (ids, status, versions, frames)."""
        console = Console()

        async def work(tutor: Tutor) -> SessionView:
            view = await tutor.session((await tutor.resolve_session(session_id)).id)
            output = exports.last_export(tutor.settings.home, view.session.id)
            return view.model_copy(update={"output": output}) if output else view

        view = _run(lambda: _with_tutor(_settings(), None, work))
        _emit(view, as_json, console)
        if view.output and not as_json:
            console.print(f"[green]last export:[/] {view.output}", highlight=False)
