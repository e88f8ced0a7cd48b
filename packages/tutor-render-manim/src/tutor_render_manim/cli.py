"""`tutor render`: render one Manim file or scene spec to an mp4, through the sandbox."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import anyio
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from tutor_core.errors import PolicyViolation, RenderFailed, TutorError
from tutor_core.models import CodeSource, Problem, RenderRequest, RenderResult, SpecSource
from tutor_core.spec import SceneSpec

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_REFUSED = 3
"""The code was refused by the policy (nothing ran)."""
EXIT_FAILED = 4
"""The render ran and failed (exception, timeout, resource limit)."""

HELP = """\
Render one scene to an mp4 inside the render sandbox.

Layers: the code policy and a runtime guard, then bubblewrap (no network,
a read-only system, a private /tmp) with CPU, memory and process limits.
`tutor doctor` shows which of these layers hold on this machine.

Examples:

  tutor render scene.py --out scene.mp4 --quality draft

  tutor render scene.py --scene Intro --out intro.mp4 --json

  tutor render --spec scene.json --out scene.mp4

Exit status: 0 rendered, 3 refused by the code policy, 4 the render failed,
2 bad arguments.
"""


def _problem_dicts(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.model_dump(mode="json") for p in problems]


def _emit(doc: dict[str, Any], as_json: bool, console: Console) -> None:
    if as_json:
        sys.stdout.write(json.dumps(doc, indent=2, default=str) + "\n")
        sys.stdout.flush()
        return
    if doc["ok"]:
        info = doc["info"]
        cached = " (from cache)" if doc.get("cached") else ""
        console.print(
            f"[green]rendered[/] {escape(str(doc['path']))}: {info['width']}x{info['height']} "
            f"{info['frames']} frames @ {info['fps']:g} fps{cached}",
            highlight=False,
        )
        return
    err = Console(stderr=True)
    err.print(f"[bold red]error:[/] {escape(doc['message'])}", highlight=False, soft_wrap=True)
    for p in doc.get("problems", []):
        where = f"line {p['line']}: " if p.get("line") is not None else ""
        err.print(f"  {where}{escape(p['message'])} [{p['code']}]", highlight=False)
    if doc.get("traceback"):
        err.print(escape(doc["traceback"]), highlight=False)
    if doc.get("hint"):
        err.print(f"[yellow]hint:[/] {escape(doc['hint'])}", highlight=False, soft_wrap=True)


def _load_source(file: Path | None, spec: Path | None, scene: str | None) -> Any:
    if (file is None) == (spec is None):
        raise typer.BadParameter("give either FILE.py or --spec SPEC.json (exactly one)")
    if spec is not None:
        try:
            return SpecSource(spec=SceneSpec.model_validate_json(spec.read_text("utf-8")))
        except OSError as exc:
            raise typer.BadParameter(f"cannot read {spec}: {exc.strerror}") from exc
        except ValidationError as exc:
            raise typer.BadParameter(f"{spec} is not a valid scene spec:\n{exc}") from exc
    assert file is not None
    try:
        code = file.read_text("utf-8")
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {file}: {exc.strerror}") from exc
    if not code.strip():
        raise typer.BadParameter(f"{file} is empty: write a Scene subclass in it")
    return CodeSource(code=code, scene_class=scene)


async def _render(source: Any, out: Path, quality: str, seconds: float | None, cache: bool) -> Any:
    from tutor_core.settings import Settings
    from tutor_render_manim.renderer import ManimRenderer

    settings = Settings()
    renderer = ManimRenderer(
        cache_dir=settings.cache_root / "renders" if cache else None,
        timeout=seconds or settings.render_timeout,
    )
    with tempfile.TemporaryDirectory(prefix="tutor-render-out-") as tmp:
        request = RenderRequest(quality=quality, out_dir=Path(tmp), use_cache=cache)
        result: RenderResult = await renderer.render(source, request)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.partial")
        shutil.copyfile(result.path, partial)
        os.replace(partial, out)
        return result.model_copy(update={"path": out})


def render_command(
    file: Annotated[
        Path | None, typer.Argument(help="A Python file with one Manim Scene subclass.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the mp4.")] = Path(
        "scene.mp4"
    ),
    spec: Annotated[
        Path | None, typer.Option("--spec", help="Render a scene spec (JSON) instead of code.")
    ] = None,
    scene: Annotated[
        str | None, typer.Option("--scene", help="The Scene class to render (if several).")
    ] = None,
    quality: Annotated[
        str, typer.Option("--quality", "-q", help="draft (854x480@30) or final (1920x1080@30).")
    ] = "final",
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds before the render is killed.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Always render.")] = False,
) -> None:
    """Render one scene to an mp4 in the render sandbox (the layers are in `HELP`)."""
    if quality not in ("draft", "final"):
        raise typer.BadParameter("--quality must be draft or final")
    if timeout is not None and timeout <= 0:
        raise typer.BadParameter("--timeout must be a positive number of seconds")
    source = _load_source(file, spec, scene)
    console = Console(stderr=True)
    try:
        if console.is_terminal and not as_json:
            with console.status(f"rendering {escape(str(file or spec))} ({quality})…"):
                result = anyio.run(_render, source, out, quality, timeout, not no_cache)
        else:
            result = anyio.run(_render, source, out, quality, timeout, not no_cache)
    except PolicyViolation as exc:
        doc = {
            "ok": False,
            "error": "policy",
            "message": "the scene code was refused by the code policy; nothing ran",
            "problems": _problem_dicts(exc.problems),
            "hint": exc.hint,
        }
        _emit(doc, as_json, console)
        raise typer.Exit(EXIT_REFUSED) from None
    except RenderFailed as exc:
        doc = {"ok": False, "error": "render", **exc.error.model_dump(mode="json")}
        doc["message"] = exc.error.describe()
        _emit(doc, as_json, console)
        raise typer.Exit(EXIT_FAILED) from None
    except TutorError as exc:
        doc = {"ok": False, "error": "render", "message": exc.message, "hint": exc.hint}
        _emit(doc, as_json, console)
        raise typer.Exit(EXIT_FAILED) from None
    doc = {"ok": True, **result.model_dump(mode="json", exclude={"code"})}
    _emit(doc, as_json, Console())


def add_render_command(cli: typer.Typer) -> None:
    """Register `tutor render` on a Typer app."""
    cli.command("render", help=HELP)(render_command)
