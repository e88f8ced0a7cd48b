"""Pipeline benchmark: ratios measured side by side in one run (not a test).

    .venv/bin/python bench/pipeline.py [--prompt TEXT] [--scenes N] [--quality draft|final]

Prints:
1. our cold `generate` (plan, narrate, render, mux, store) vs the sum of raw
   `manim render` runs of the same compiled scene files, one after another;
2. edit one scene vs the full cold generate;
3. warm (render and audio caches hit) regenerate vs cold;
4. stream-copy export vs re-encoding export of the same chunks.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio

from tutor_core import Settings, Tutor, media
from tutor_core.interfaces import Bucket
from tutor_core.models import QUALITY_SIZES, SpecSource
from tutor_core.pipeline import SceneDocument

MANIM = str(Path(sys.executable).with_name("manim"))


def row(label: str, ours: float, theirs: float, their_label: str) -> None:
    print(
        f"{label:<44} {ours:8.2f} s   {their_label:<28} {theirs:8.2f} s"
        f"   ratio {ours / theirs:5.2f}x"
    )


async def run(prompt: str, scenes: int, quality: str) -> None:
    from tutor_render_manim.compiler import compile_spec

    with tempfile.TemporaryDirectory(prefix="tutor-bench-") as tmp:
        home = Path(tmp) / "home"
        settings = Settings(home=home, quality=quality)  # type: ignore[arg-type]
        async with Tutor(settings) as tutor:
            t0 = time.perf_counter()
            view = await tutor.generate(prompt, scenes=scenes)
            cold = time.perf_counter() - t0
            ready = [s for s in view.scenes if s.playable]
            print(
                f"generated {len(ready)}/{len(view.scenes)} scenes, "
                f"{(view.session.duration_in_frames or 0) / 30:.1f} s of video, {quality}"
            )

            # 1. raw manim on the same compiled scene files
            width, height = QUALITY_SIZES[quality]
            raw = 0.0
            for scene in ready:
                assert scene.s3_spec_key is not None
                doc = SceneDocument.from_json(
                    await tutor.storage.get(Bucket.SOURCES, scene.s3_spec_key)
                )
                assert isinstance(doc.source, SpecSource)
                path = Path(tmp) / f"scene_{scene.index}.py"
                path.write_text(compile_spec(doc.source.spec, class_name="LessonScene"))
                t = time.perf_counter()
                subprocess.run(
                    [
                        MANIM,
                        "render",
                        str(path),
                        "LessonScene",
                        "--resolution",
                        f"{width},{height}",
                        "--fps",
                        "30",
                        "--format",
                        "mp4",
                        "--disable_caching",
                        "--progress_bar",
                        "none",
                        "--media_dir",
                        str(Path(tmp) / "media"),
                        "-o",
                        f"raw_{scene.index}",
                    ],
                    check=True,
                    capture_output=True,
                    cwd=tmp,
                )
                raw += time.perf_counter() - t
            row("tutor generate (cold, incl. narration)", cold, raw, "sum of raw manim render")

            # 2. edit one scene
            t0 = time.perf_counter()
            edited = await tutor.edit(ready[1].id, "slower")
            edit = time.perf_counter() - t0
            scene = next(s for s in edited.scenes if s.id == ready[1].id)
            if scene.version != 2:
                raise SystemExit(f"the edit failed, nothing to compare: {scene.error_message}")
            row("edit one scene", edit, cold, "full generate (cold)")

            # 3. warm regenerate: same prompt, caches hit
            t0 = time.perf_counter()
            await tutor.generate(prompt, scenes=scenes)
            warm = time.perf_counter() - t0
            row("regenerate (warm caches)", warm, cold, "generate (cold)")

            # 4. export: stream copy vs re-encode
            chunks = []
            for scene in ready:
                assert scene.s3_chunk_key is not None
                chunks.append(
                    await tutor.storage.download(
                        Bucket.CHUNKS, scene.s3_chunk_key, Path(tmp) / f"chunk_{scene.index}.mp4"
                    )
                )
            t0 = time.perf_counter()
            media.concat(chunks, Path(tmp) / "copy.mp4")
            copy = time.perf_counter() - t0
            t0 = time.perf_counter()
            media.reencode_concat(chunks, Path(tmp) / "reencode.mp4")
            reencode = time.perf_counter() - t0
            row("export by stream copy", copy, reencode, "export by re-encode")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prompt", default="explain the Pythagorean theorem")
    parser.add_argument("--scenes", type=int, default=3)
    parser.add_argument("--quality", choices=["draft", "final"], default="draft")
    args = parser.parse_args()
    anyio.run(run, args.prompt, args.scenes, args.quality)


if __name__ == "__main__":
    main()
