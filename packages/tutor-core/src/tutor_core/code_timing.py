"""Make scene code last at least as long as its narration.

The pipeline trims narration to the rendered video's length (chunks are joined by
stream copy, so audio must match video), and whoever wrote the code (a model, a
person) only guessed how long its animations run. So one marked line is appended to
`construct`: a wait that fills whatever time the animations leave (`Scene.time` is
the scene's clock). The pipeline sets it from the narration it has just synthesized,
on every render of code, so an edit that lengthens the narration lengthens the scene.
An agent adds the same line before it validates code, so the code that is checked has
the shape of the code that is rendered (only the number changes).
"""

from __future__ import annotations

import ast
import re

MARKER = "# tutor: wait until the narration ends"
_MARKED = re.compile(
    r"^[ \t]*\w+\.wait\(max\(0\.01, ([0-9.]+) - \w+\.time\)\)  " + re.escape(MARKER) + r"\n?",
    re.MULTILINE,
)


def padded_seconds(code: str) -> float | None:
    """The length a scene was padded to (None when it was not): repairs and edits
    of the code keep it."""
    match = _MARKED.search(code)
    try:
        return float(match.group(1)) if match else None
    except ValueError:
        return None


def pad_to_narration(code: str, seconds: float, scene_class: str | None = None) -> str:
    """`code` with a closing wait in its Scene's `construct` (unchanged if none is found).

    The Scene is `scene_class` when named, else the first class with a `construct`."""
    code = _MARKED.sub("", code)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return code  # validate_scene reports it
    construct = None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and scene_class in (None, node.name):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "construct":
                    construct = item
                    break
        if construct is not None:
            break
    if construct is None or not construct.args.args or construct.body[-1].end_lineno is None:
        return code
    this = construct.args.args[0].arg
    indent = " " * construct.body[0].col_offset
    line = f"{indent}{this}.wait(max(0.01, {seconds:.2f} - {this}.time))  {MARKER}"
    lines = code.splitlines()
    at = construct.body[-1].end_lineno
    padded = "\n".join([*lines[:at], line, *lines[at:]]) + "\n"
    try:
        ast.parse(padded)
    except SyntaxError:  # e.g. `def construct(self): self.play(...)` on one line
        return code
    return padded
