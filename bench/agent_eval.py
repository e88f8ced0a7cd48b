"""Evaluate the openai agent on a list of prompts (not a test; needs a model endpoint).

    TUTOR_OPENAI_BASE_URL=... TUTOR_OPENAI_MODEL=... \\
        .venv/bin/python bench/agent_eval.py PROMPTS.txt [--scenes 4] [--quality draft]

PROMPTS.txt has one prompt per line (blank lines and lines starting with # are
skipped). Each prompt becomes a whole video through the real pipeline (sandboxed
Manim renders, narration, export). Printed per prompt and in total:

- first pass: scenes that rendered as first written (no repair, no fallback);
- after repair: scenes that rendered, repairs included (no fallback);
- fallback: scenes shown as a fallback title card (the video stays whole);
- code: scenes the model wrote as Manim code (the rest are SceneSpecs);
- minutes per video, tokens and estimated cost per video (cost needs
  TUTOR_OPENAI_INPUT_PRICE and TUTOR_OPENAI_OUTPUT_PRICE, USD per million tokens).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import anyio

from tutor_core import Settings, Tutor
from tutor_core.interfaces import Bucket
from tutor_core.models import CodeSource, Scene, SceneStatus, VideoSession
from tutor_core.pipeline import SceneDocument

FIELD = [
    ("fine-tuned 30B model, render feedback + API docs", "~94 % first-render success"),
    ("TheoremExplainAgent with o3-mini", "93.8 % success, 18-39 minutes per video"),
]


@dataclass
class Result:
    prompt: str
    scenes: int = 0
    first_pass: int = 0
    after_repair: int = 0
    fallback: int = 0
    failed: int = 0
    code: int = 0
    seconds: float = 0.0
    tokens: int = 0
    cost: float | None = None
    error: str | None = None
    repaired: set[str] = field(default_factory=set)


def read_prompts(path: Path) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def missing_settings(settings: Settings) -> list[str]:
    return [
        name
        for name, value in (
            ("TUTOR_OPENAI_BASE_URL", settings.openai_base_url),
            ("TUTOR_OPENAI_MODEL", settings.openai_model),
        )
        if not value
    ]


async def evaluate(prompt: str, settings: Settings, scenes: int, out_dir: Path) -> Result:
    result = Result(prompt=prompt)
    last: dict[str, str] = {}

    def watch(record: VideoSession | Scene) -> None:
        # A scene goes back from rendering to generating_code only to be repaired.
        if isinstance(record, Scene):
            if last.get(record.id) == "rendering" and record.status == "generating_code":
                result.repaired.add(record.id)
            last[record.id] = record.status.value

    async with Tutor(settings, on_change=watch) as tutor:
        started = time.perf_counter()
        try:
            view = await tutor.generate(prompt, scenes=scenes)
        except Exception as exc:  # one bad prompt must not stop the evaluation
            result.seconds = time.perf_counter() - started
            result.error = str(exc).splitlines()[0]
            return result
        if any(s.playable for s in view.scenes):
            await tutor.export(view.session.id, out_dir / f"{view.session.id}.mp4")
        result.seconds = time.perf_counter() - started
        result.scenes = len(view.scenes)
        for scene in view.scenes:
            if scene.status != SceneStatus.READY:
                result.failed += 1
            elif scene.fallback:
                result.fallback += 1
            else:
                result.after_repair += 1
                result.first_pass += scene.id not in result.repaired
                assert scene.s3_spec_key is not None
                doc = SceneDocument.from_json(
                    await tutor.storage.get(Bucket.SOURCES, scene.s3_spec_key)
                )
                result.code += isinstance(doc.source, CodeSource)
        result.tokens = view.tokens or 0
        result.cost = view.cost_usd
    return result


def pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f} %" if whole else "    - "


def money(value: float | None) -> str:
    return f"${value:.4f}" if value is not None else "unknown"


def report(results: list[Result], settings: Settings) -> None:
    print(
        f"\nagent openai, model {settings.openai_model} at {settings.openai_base_url}, "
        f"quality {settings.quality}\n"
    )
    head = (
        f"{'prompt':<40} {'scenes':>6} {'first pass':>10} {'after repair':>12} "
        f"{'fallback':>9} {'code':>5} {'minutes':>8} {'tokens':>8} {'cost':>10}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        name = r.prompt if len(r.prompt) <= 40 else r.prompt[:37] + "..."
        if r.error:
            print(f"{name:<40} failed: {r.error}")
            continue
        print(
            f"{name:<40} {r.scenes:>6} {pct(r.first_pass, r.scenes):>10} "
            f"{pct(r.after_repair, r.scenes):>12} {pct(r.fallback, r.scenes):>9} "
            f"{r.code:>5} {r.seconds / 60:>8.2f} {r.tokens:>8} {money(r.cost):>10}"
        )
    done = [r for r in results if not r.error]
    scenes = sum(r.scenes for r in done)
    videos = len(done)
    print("-" * len(head))
    if videos:
        costs = [r.cost for r in done if r.cost is not None]
        print(
            f"{'total (' + str(videos) + ' videos)':<40} {scenes:>6} "
            f"{pct(sum(r.first_pass for r in done), scenes):>10} "
            f"{pct(sum(r.after_repair for r in done), scenes):>12} "
            f"{pct(sum(r.fallback for r in done), scenes):>9} "
            f"{sum(r.code for r in done):>5} "
            f"{sum(r.seconds for r in done) / 60 / videos:>8.2f} "
            f"{sum(r.tokens for r in done) // videos:>8} "
            f"{money(sum(costs) / len(costs) if costs else None):>10}"
        )
        print(
            "(minutes, tokens and cost are per video; "
            f"{sum(r.failed for r in done)} scenes failed outright, "
            f"{len(results) - videos} prompts failed)"
        )
    print("\nfor comparison, published figures:")
    for who, what in FIELD:
        print(f"  {who}: {what}")


async def main_async(args: argparse.Namespace) -> int:
    prompts = read_prompts(args.prompts)
    if not prompts:
        print(f"agent_eval: no prompts in {args.prompts}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tutor-agent-eval-") as tmp:
        home = args.home or Path(tmp) / "home"
        settings = Settings(home=home, agent="openai", quality=args.quality)
        out_dir = home / "videos"
        out_dir.mkdir(parents=True, exist_ok=True)
        results = []
        for i, prompt in enumerate(prompts, 1):
            print(f"[{i}/{len(prompts)}] {prompt}", file=sys.stderr, flush=True)
            results.append(await evaluate(prompt, settings, args.scenes, out_dir))
        report(results, settings)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prompts", type=Path, help="a text file with one prompt per line")
    parser.add_argument("--scenes", type=int, default=4, help="scenes per video (default 4)")
    parser.add_argument("--quality", choices=["draft", "final"], default="draft")
    parser.add_argument(
        "--home", type=Path, default=None, help="keep the lessons here (default: a temp dir)"
    )
    args = parser.parse_args()
    missing = missing_settings(Settings())
    if missing:
        print(
            f"agent_eval: no model endpoint: set {' and '.join(missing)} "
            "(e.g. TUTOR_OPENAI_BASE_URL=http://127.0.0.1:11434/v1 "
            "TUTOR_OPENAI_MODEL=qwen2.5-coder:14b for a local Ollama)",
            file=sys.stderr,
        )
        return 2
    if not args.prompts.is_file():
        print(f"agent_eval: {args.prompts} is not a file", file=sys.stderr)
        return 2
    return anyio.run(main_async, args)


if __name__ == "__main__":
    raise SystemExit(main())
