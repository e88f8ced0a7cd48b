"""Make model-written scene code last at least as long as its narration.

The pipeline trims narration to the rendered video's length (chunks are joined by
stream copy, so audio must match video), and a model's idea of how long its
animations run is a guess. So the agent appends one line to `construct`: a wait
that fills whatever time the animations leave (`Scene.time` is the scene's clock).
The line is added before `validate_scene`, so the code that is checked is the code
that is rendered.
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


def pad_to_narration(code: str, seconds: float) -> str:
    """`code` with a closing wait in its Scene's `construct` (unchanged if none is found)."""
    code = _MARKED.sub("", code)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return code  # validate_scene reports it
    construct = None
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
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
    return "\n".join([*lines[:at], line, *lines[at:]]) + "\n"
