"""`ManimRenderer`: the tutor `Renderer` for Manim (specs and untrusted code)."""

from __future__ import annotations

import functools
import time
from pathlib import Path

import anyio

from tutor_core.errors import ConfigurationError, PolicyViolation, RenderFailed
from tutor_core.hashing import sha256_file
from tutor_core.media import probe
from tutor_core.models import (
    FPS,
    QUALITY_SIZES,
    CodeSource,
    Problem,
    RenderError,
    RenderRequest,
    RenderResult,
    SceneSource,
    SpecSource,
)
from tutor_core.spec import SceneSpec
from tutor_render_manim.boundary import require_boundary
from tutor_render_manim.cache import RenderCache, cache_key
from tutor_render_manim.policy import check_code
from tutor_render_manim.sandbox import DEFAULT_TIMEOUT, SandboxLimits, run_sandboxed

SPEC_CLASS_NAME = "LessonScene"
"""The class name compiled specs use."""


def compile_source(source: SceneSource) -> tuple[str, str | None, bool]:
    """The code to render, the scene class, and whether the code is trusted.

    Blocking (a spec's plots are sampled): call it in a worker thread, as the renderer
    does. Every way a spec can fail to compile is a PolicyViolation, so it goes through
    the pipeline's repair and fallback like any refused code.

    Raises:
        PolicyViolation: a spec that does not compile, or code for another renderer.
    """
    if isinstance(source, SpecSource):
        from tutor_render_manim.compiler import CompileError

        try:
            code = _compiled(source.spec.to_json())
        except CompileError as exc:
            problem = Problem(code=exc.code, message=f"the spec cannot be compiled: {exc}")
            raise PolicyViolation([problem]) from exc
        except Exception as exc:  # whatever else a hostile spec triggers: refused, no crash
            problem = Problem(
                code="compile-error",
                message=f"the spec cannot be compiled: {type(exc).__name__}: {exc}",
            )
            raise PolicyViolation([problem]) from exc
        return code, SPEC_CLASS_NAME, True
    if isinstance(source, CodeSource):
        if source.renderer != "manim":
            raise PolicyViolation(
                [
                    Problem(
                        code="wrong-renderer",
                        message=f"this code is for the {source.renderer!r} renderer, "
                        "not 'manim'; render it with that renderer",
                    )
                ]
            )
        return source.code, source.scene_class, False
    raise TypeError(f"unknown scene source {type(source).__name__}")


@functools.lru_cache(maxsize=32)
def _compiled(spec_json: str) -> str:
    # `validate` and `render` compile the same spec back to back: compile it once.
    # Imported lazily: the compiler pulls in layout code that code sources never need.
    from tutor_render_manim.compiler import compile_spec

    return compile_spec(SceneSpec.model_validate_json(spec_json), class_name=SPEC_CLASS_NAME)


class ManimRenderer:
    """Renders scene sources with Manim in a sandboxed child process, with a cache.

    Attributes:
        name: `manim`.
        renders: how many renders actually ran (cache hits do not count).
    """

    name = "manim"

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        limits: SandboxLimits | None = None,
        boundary: bool | None = None,
        allow_unsandboxed_code: bool = True,
    ) -> None:
        """Create a renderer.

        Args:
            cache_dir: where rendered chunks are cached; None disables the cache.
            timeout: default wall-clock limit per render, in seconds (a request that
                sets its own `timeout` explicitly overrides it).
            limits: resource limits of the render child.
            boundary: None renders inside the OS boundary (bubblewrap) when it works
                here and falls back to the lint layers otherwise (with a warning in
                the log); True requires it; False never uses it.
            allow_unsandboxed_code: False refuses code sources (generated code)
                whenever the OS boundary is not available; compiled specs still
                render. The plugin sets it from `Settings.allow_unsandboxed_code`.
        """
        self.cache = RenderCache(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self.limits = limits or SandboxLimits()
        self.boundary = boundary
        self.allow_unsandboxed_code = allow_unsandboxed_code
        self.renders = 0

    async def _boundary_problems(self) -> list[Problem]:
        """A problem when generated code would run without the OS boundary, unless allowed."""
        if self.allow_unsandboxed_code:
            return []
        if self.boundary is False:
            message = (
                "this renderer was set up without the OS boundary, and generated code "
                "may only run inside it"
            )
            return [Problem(code="no-boundary", message=message)]
        try:
            await anyio.to_thread.run_sync(lambda: require_boundary(allow_unsandboxed=False))
        except ConfigurationError as exc:
            return [Problem(code="no-boundary", message=f"{exc.message}; {exc.hint}")]
        return []

    async def validate(self, source: SceneSource) -> list[Problem]:
        """Problems that stop this source from rendering (empty when fine)."""
        try:
            code, scene_class, trusted = await anyio.to_thread.run_sync(compile_source, source)
        except PolicyViolation as exc:
            return exc.problems
        if trusted:
            return []
        problems: list[Problem] = await anyio.to_thread.run_sync(check_code, code, scene_class)
        return problems + await self._boundary_problems()

    async def render(self, source: SceneSource, request: RenderRequest) -> RenderResult:
        """Render a source into `request.out_dir` (raise PolicyViolation or RenderFailed)."""
        started = time.monotonic()
        code, scene_class, trusted = await anyio.to_thread.run_sync(compile_source, source)
        if not trusted:
            # Compiled specs are trusted (their text is embedded as literals, which the
            # string checks could misread); they still run in the same sandbox.
            problems = await anyio.to_thread.run_sync(check_code, code, scene_class)
            problems += await self._boundary_problems()
            if problems:
                raise PolicyViolation(problems)
        width, height = QUALITY_SIZES[request.quality]
        key = cache_key(code, request.quality, width, height, FPS)
        out = Path(request.out_dir) / f"{key[:20]}-{request.quality}.mp4"
        if self.cache is not None and request.use_cache:
            entry = await anyio.to_thread.run_sync(self.cache.get, key)
            if entry is not None:
                await anyio.to_thread.run_sync(self.cache.copy_to, entry, out)
                return RenderResult(
                    path=out,
                    info=entry.info,
                    checksum=entry.checksum,
                    code=code,
                    cached=True,
                    seconds=time.monotonic() - started,
                )
        timeout = request.timeout if "timeout" in request.model_fields_set else self.timeout
        self.renders += 1
        run = await run_sandboxed(
            code,
            out_path=out,
            scene_class=scene_class,
            width=width,
            height=height,
            fps=FPS,
            time_limit=timeout,
            limits=self.limits,
            boundary=self.boundary,
        )
        if run.error is not None or run.outcome is None:
            raise RenderFailed(run.error or RenderError(kind="crash", message="no output"))
        info = await anyio.to_thread.run_sync(probe, out)
        if (info.width, info.height) != (width, height) or info.frames < 1:
            raise RenderFailed(
                RenderError(
                    kind="output",
                    message=f"the chunk is {info.width}x{info.height} with {info.frames} "
                    f"frames; expected {width}x{height}",
                    hint="the scene must not change the output size",
                )
            )
        checksum = await anyio.to_thread.run_sync(sha256_file, out)
        if self.cache is not None:
            await anyio.to_thread.run_sync(self.cache.put, key, out, info, checksum)
        return RenderResult(
            path=out,
            info=info,
            checksum=checksum,
            code=code,
            cached=False,
            seconds=time.monotonic() - started,
        )
