"""Overhead of tutor's sandboxed Manim render over the raw `manim render` CLI.

Compiles one 4-second scene spec to a Manim file, then renders it side by side in one
run, alternating the order, with the render cache off:

- `manim CLI`: `python -m manim render` at the same size and frame rate;
- `boundary`: the sandboxed render as shipped (`run_sandboxed`: bubblewrap, a cgroup
  per render, pipes, the runtime guard, the faststart remux);
- `no boundary` (with `--fallback`): the same without bubblewrap, to show what the
  boundary itself costs.

Prints the median wall time of each and the median CPU time (user + system) it took:
for the CLI, of the process it started; for ours, what the child reports for itself
and LaTeX plus what this process spent running it. CPU time is steadier than wall
time on a busy machine. Ratios are to the raw CLI (goal: within 5 % at draft
quality). Not a test: timings depend on the machine and its load.

    .venv/bin/python bench/render_overhead.py [--quality draft|final] [--repeat N] [--fallback]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio

from tutor_core.spec import SceneSpec
from tutor_render_manim.boundary import boundary_status
from tutor_render_manim.compiler import compile_spec
from tutor_render_manim.sandbox import run_sandboxed

SPEC: dict[str, object] = {
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
}

SIZES = {"draft": (854, 480), "final": (1920, 1080)}


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def raw_manim(path: Path, class_name: str, quality: str, root: Path) -> tuple[float, float]:
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
    start, cpu = time.perf_counter(), _cpu(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, cwd=path.parent, capture_output=True)
    return time.perf_counter() - start, _cpu(resource.RUSAGE_CHILDREN) - cpu


async def ours(code: str, quality: str, out: Path, boundary: bool) -> tuple[float, float]:
    width, height = SIZES[quality]
    start, cpu = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
    run = await run_sandboxed(
        code, out_path=out, scene_class="LessonScene", width=width, height=height,
        boundary=boundary,
    )  # fmt: skip
    if run.outcome is None:
        raise SystemExit(f"the sandboxed render failed: {run.error}")
    wall = time.perf_counter() - start
    return wall, run.outcome.cpu_seconds + _cpu(resource.RUSAGE_SELF) - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", choices=["draft", "final"], default="draft")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fallback", action="store_true", help="also time without bwrap")
    args = parser.parse_args()
    status = boundary_status()
    print(f"boundary: {status.describe()}")
    if not status.enforced:
        print("bubblewrap cannot run here: 'boundary' below is the fallback")
    code = compile_spec(SceneSpec.model_validate(SPEC), class_name="LessonScene")
    runners = {"boundary": status.enforced}
    if args.fallback:
        runners["no boundary"] = False
    times: dict[str, list[float]] = {"manim CLI": [], **{k: [] for k in runners}}
    cpu: dict[str, list[float]] = {k: [] for k in times}
    with tempfile.TemporaryDirectory(prefix="tutor-bench-") as tmp:
        root = Path(tmp)
        path = root / "scene.py"
        path.write_text(code, encoding="utf-8")
        for r in range(args.repeat):
            order = ["manim CLI", *runners]
            # alternate the order so warm caches and load drift favour no side
            for name in order if r % 2 == 0 else order[::-1]:
                if name == "manim CLI":
                    wall, used = raw_manim(path, "LessonScene", args.quality, root)
                else:
                    out = root / "out.mp4"
                    wall, used = anyio.run(ours, code, args.quality, out, runners[name])
                times[name].append(wall)
                cpu[name].append(used)
    raw = statistics.median(times["manim CLI"])
    raw_cpu = statistics.median(cpu["manim CLI"])
    print(f"{'4 s scene, ' + args.quality:<20} {'wall':>8} {'ratio':>7} {'cpu':>8} {'ratio':>7}")
    for name, values in times.items():
        wall, used = statistics.median(values), statistics.median(cpu[name])
        print(f"{name:<20} {wall:>7.2f}s {wall / raw:>7.3f} {used:>7.2f}s {used / raw_cpu:>7.3f}")
    wall_overhead = (statistics.median(times["boundary"]) / raw - 1) * 100
    cpu_overhead = (statistics.median(cpu["boundary"]) / raw_cpu - 1) * 100
    print(
        f"overhead of the sandboxed render: {wall_overhead:+.1f} % wall, "
        f"{cpu_overhead:+.1f} % CPU (goal: under 5 %)"
    )


if __name__ == "__main__":
    main()
