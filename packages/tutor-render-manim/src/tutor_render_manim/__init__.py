"""Manim renderer plugin for tutor: spec compiler, code policy, sandbox and render cache.

Public names are imported lazily, so `import tutor_render_manim` (done by every
`tutor` process through the plugin entry point) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from tutor_render_manim.policy import check_code
    from tutor_render_manim.renderer import ManimRenderer

__all__ = ["ManimRenderer", "__version__", "check_code"]

_LAZY = {
    "ManimRenderer": "tutor_render_manim.renderer",
    "check_code": "tutor_render_manim.policy",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tutor_render_manim' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
