"""Compile a SceneSpec into readable Manim Community (0.22) code.

The output is a plain Python module a user can take and edit: one `Scene` subclass,
one commented block per element, then the timeline of animations. By concern:
`expressions` (plot sampling with the bounded evaluator), `elements` (one emitter per
element kind), `timeline` (animations snapped to 30 fps frames), `template` (the
module around the scene), `build` (`compile_spec`, which puts them together).
"""

from tutor_render_manim.compiler.build import compile_spec
from tutor_render_manim.compiler.elements import element_variable
from tutor_render_manim.compiler.literals import CompileError
from tutor_render_manim.compiler.timeline import FPS, frame_plan

__all__ = ["FPS", "CompileError", "compile_spec", "element_variable", "frame_plan"]
