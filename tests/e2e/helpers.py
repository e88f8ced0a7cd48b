"""Helpers for end-to-end tests: a renderer wrapper that counts and injects failures."""

from __future__ import annotations

from collections.abc import Callable

from tutor_core.errors import RenderFailed
from tutor_core.interfaces import Renderer
from tutor_core.models import (
    Problem,
    RenderError,
    RenderRequest,
    RenderResult,
    SceneSource,
    SpecSource,
)


class CountingRenderer:
    """Wraps a real renderer: counts renders and fails those `fail_when` picks."""

    def __init__(
        self, inner: Renderer, fail_when: Callable[[SceneSource], bool] | None = None
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.fail_when = fail_when
        self.rendered: list[SceneSource] = []
        self.failed: list[SceneSource] = []

    async def validate(self, source: SceneSource) -> list[Problem]:
        return await self.inner.validate(source)

    async def render(self, source: SceneSource, request: RenderRequest) -> RenderResult:
        if self.fail_when is not None and self.fail_when(source):
            self.failed.append(source)
            raise RenderFailed(
                RenderError(kind="exception", exception_type="InjectedFailure", message="injected")
            )
        result = await self.inner.render(source, request)
        if not result.cached:
            self.rendered.append(source)
        return result


def title_of(source: SceneSource) -> str | None:
    return source.spec.title if isinstance(source, SpecSource) else None


def vtt_cues(text: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue of a WebVTT file."""

    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    assert text.startswith("WEBVTT"), "a WebVTT file starts with WEBVTT"
    cues = []
    for block in text.split("\n\n"):
        lines = [ln for ln in block.strip().splitlines() if ln.strip()]
        for i, line in enumerate(lines):
            if "-->" in line:
                start, end = (part.strip().split(" ")[0] for part in line.split("-->"))
                cues.append((seconds(start), seconds(end), " ".join(lines[i + 1 :])))
                break
    return cues


def words(text: str) -> list[str]:
    return [w.strip(".,;:!?\"'()").lower() for w in text.split() if w.strip(".,;:!?\"'()")]
