"""The render cache: a hit copies the stored chunk without rendering; corruption is a miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor_core.hashing import sha256_file
from tutor_core.models import CodeSource, RenderRequest
from tutor_render_manim.cache import RenderCache, cache_key
from tutor_render_manim.renderer import ManimRenderer

CODE = """from manim import *

class Cached(Scene):
    def construct(self):
        self.play(FadeIn(Circle(color=PINK)), run_time=0.3)
"""


def test_key_depends_on_code_and_quality() -> None:
    base = cache_key("a", "draft", 854, 480, 30)
    assert base == cache_key("a", "draft", 854, 480, 30)
    assert base != cache_key("b", "draft", 854, 480, 30)
    assert base != cache_key("a", "final", 1920, 1080, 30)


@pytest.mark.slow
@pytest.mark.anyio
async def test_hit_skips_rendering(tmp_path: Path) -> None:
    renderer = ManimRenderer(cache_dir=tmp_path / "cache", timeout=120)
    source = CodeSource(code=CODE)
    first = await renderer.render(source, RenderRequest(quality="draft", out_dir=tmp_path / "a"))
    assert renderer.renders == 1 and not first.cached

    second = await renderer.render(source, RenderRequest(quality="draft", out_dir=tmp_path / "b"))
    assert renderer.renders == 1  # no second render
    assert second.cached
    assert second.checksum == first.checksum == sha256_file(second.path)
    assert second.info == first.info
    assert second.path.parent == tmp_path / "b"

    # use_cache=False renders again
    third = await renderer.render(
        source, RenderRequest(quality="draft", out_dir=tmp_path / "c", use_cache=False)
    )
    assert renderer.renders == 2 and not third.cached

    # a corrupted entry is dropped and rendered again
    cache = RenderCache(tmp_path / "cache")
    key = cache_key(CODE, "draft", 854, 480, 30)
    entry = cache.get(key)
    assert entry is not None
    entry.path.write_bytes(b"garbage")
    assert cache.get(key) is None
    fourth = await renderer.render(source, RenderRequest(quality="draft", out_dir=tmp_path / "d"))
    assert renderer.renders == 3 and not fourth.cached
