"""Quickstart: generate a narrated lesson, edit one scene, export the video.

Run it from the repository root after `make setup`:

    .venv/bin/python examples/quickstart.py "explain the derivative as a tangent slope"

Everything runs offline with the embedded defaults (SQLite, local files, the offline
lesson agent, Piper narration, Manim). Set TUTOR_HOME to keep the data elsewhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

import anyio

from tutor_core import Tutor


async def main(prompt: str) -> None:
    async with Tutor() as tutor:
        # 1. Plan and render every scene (draft quality is fast; use "final" for 1080p).
        view = await tutor.generate(prompt, scenes=3, quality="draft")
        for scene in view.scenes:
            print(f"scene {scene.index + 1}: {scene.title!r} {scene.status.value} v{scene.version}")

        # 2. Edit one scene by instruction: only that scene is re-rendered.
        second = view.scenes[1]
        view = await tutor.edit(second.id, "make the title yellow")
        print(f"scene 2 is now version {view.scenes[1].version}")

        # 3. Join the chunks into one video (stream copy, no re-encode) plus subtitles.
        result = await tutor.export(view.session.id, Path("quickstart.mp4"))
        print(f"video: {result.path} ({result.duration:.1f} s), subtitles: {result.subtitles}")


if __name__ == "__main__":
    anyio.run(main, sys.argv[1] if len(sys.argv) > 1 else "explain the unit circle and sine")
