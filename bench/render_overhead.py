"""Overhead of tutor's sandboxed Manim renderer over the raw `manim render` CLI.

Compiles a few scene specs to Manim files, then renders each file both ways at the
same quality (draft: 854x480 at 30 fps, or final: 1920x1080 at 30 fps), alternating
the order, with the render cache off. Prints per-scene times and the overall ratio
(target: at most 10 % overhead). Not a test: timings depend on the machine.

    .venv/bin/python bench/render_overhead.py [--quality draft|final] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio

from tutor_core.models import CodeSource, RenderRequest
from tutor_core.spec import SceneSpec
from tutor_render_manim.compiler import compile_spec
from tutor_render_manim.renderer import ManimRenderer

SPECS: list[dict[str, object]] = [
    {
        "title": "Squares",
        "duration": 4.0,
        "elements": [
            {"kind": "text", "id": "t", "text": "The area of a square"},
            {"kind": "shape", "id": "s", "shape": "square", "color": "blue"},
            {"kind": "bullets", "id": "b", "items": ["side a", "area a times a"]},
        ],
        "animations": [
            {"action": "write", "target": "t"},
            {"action": "create", "target": "s"},
            {"action": "fade_in", "target": "b"},
        ],
    },
    {
        "title": "A parabola",
        "duration": 4.0,
        "elements": [
            {"kind": "axes", "id": "ax", "plots": [{"expr": "x**2 / 4", "color": "red"}]},
            {"kind": "text", "id": "t", "text": "y grows with the square of x"},
        ],
        "animations": [
            {"action": "create", "target": "ax", "runTime": 1.5},
            {"action": "write", "target": "t"},
        ],
    },
    {
        "title": "Vectors",
        "duration": 3.0,
        "elements": [
            {"kind": "vectors", "id": "v", "vectors": [{"x": 2, "y": 1}, {"x": -1, "y": 2}]},
        ],
        "animations": [{"action": "create", "target": "v", "runTime": 1.5}],
    },
]

SIZES = {"draft": (854, 480), "final": (1920, 1080)}


def raw_manim(path: Path, class_name: str, quality: str, root: Path) -> float:
    # A fresh media dir per run: each tutor render starts from an empty work dir too
    # (no LaTeX or partial-movie cache carried over), so the comparison is like for like.
    media = Path(tempfile.mkdtemp(prefix="media-", dir=root))
    width, height = SIZES[quality]
    cmd = [
        sys.executable, "-m", "manim", "render", str(path), class_name,
        "--resolution", f"{width},{height}", "--fps", "30", "--format", "mp4",
        "--disable_caching", "--media_dir", str(media), "--progress_bar", "none",
        "-v", "ERROR",
    ]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=path.parent, capture_output=True)
    return time.perf_counter() - start


async def ours(renderer: ManimRenderer, code: str, quality: str, out: Path) -> float:
    start = time.perf_counter()
    await renderer.render(
        CodeSource(code=code, scene_class="LessonScene"),
        RenderRequest(quality=quality, out_dir=out, use_cache=False),  # type: ignore[arg-type]
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", choices=["draft", "final"], default="draft")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    renderer = ManimRenderer(cache_dir=None)
    raw_total = ours_total = 0.0
    with tempfile.TemporaryDirectory(prefix="tutor-bench-") as tmp:
        root = Path(tmp)
        print(f"{'scene':<12} {'manim CLI':>10} {'tutor':>10} {'ratio':>7}")
        for i, spec in enumerate(SPECS):
            code = compile_spec(SceneSpec.model_validate(spec), class_name="LessonScene")
            path = root / f"scene{i}.py"
            path.write_text(code, encoding="utf-8")
            raw_times, our_times = [], []
            for r in range(args.repeat):
                # alternate the order so warm caches favour neither side
                if r % 2 == 0:
                    raw_times.append(raw_manim(path, "LessonScene", args.quality, root))
                    our_times.append(anyio.run(ours, renderer, code, args.quality, root / "o"))
                else:
                    our_times.append(anyio.run(ours, renderer, code, args.quality, root / "o"))
                    raw_times.append(raw_manim(path, "LessonScene", args.quality, root))
            raw, our = statistics.median(raw_times), statistics.median(our_times)
            raw_total += raw
            ours_total += our
            print(f"scene{i:<7} {raw:>9.2f}s {our:>9.2f}s {our / raw:>7.2f}")
    overhead = (ours_total / raw_total - 1) * 100
    print(f"{'total':<12} {raw_total:>9.2f}s {ours_total:>9.2f}s {ours_total / raw_total:>7.2f}")
    print(f"overhead: {overhead:+.1f} % (target <= 10 %)")


if __name__ == "__main__":
    main()
