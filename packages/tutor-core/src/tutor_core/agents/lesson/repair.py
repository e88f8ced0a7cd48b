"""Deterministic repair of specs that failed to render: simplify until it renders."""

from __future__ import annotations

import re
from typing import Any

from tutor_core.agents.lesson.pacing import PIPELINE_TAIL, Timing, pace
from tutor_core.errors import AgentError
from tutor_core.models import CodeSource, RenderError, SceneSource, SpecSource
from tutor_core.narration.timing import TAIL
from tutor_core.spec import SceneSpec

# Most fragile first: LaTeX-heavy and large elements fail to render far more often.
_RISK = {
    "equation": 9, "code": 8, "table": 7, "matrix": 6, "axes": 5, "vectors": 4,
    "number_line": 3, "shape": 2, "bullets": 1, "text": 0,
}  # fmt: skip
_TEX_WORDS = re.compile(r"latex|\btex\b|dvisvgm|mathtex|tex_file|tex error", re.IGNORECASE)


def complexity(spec: SceneSpec) -> int:
    """A size measure that every repair step strictly lowers."""
    total = 0
    for el in spec.elements:
        total += 10 + 3 * _RISK[el.kind]
        data = el.model_dump()
        total += len(data.get("plots", [])) + len(data.get("side_labels", []))
        total += len(data.get("vertex_labels", [])) + (1 if data.get("label") else 0)
    return total


def _latex_to_text(latex: str) -> str:
    """A readable plain-text stand-in for LaTeX (used when LaTeX will not render)."""
    s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", latex)
    s = re.sub(r"\\sqrt\{([^{}]*)\}", r"√(\1)", s)
    s = re.sub(r"\\text\{([^{}]*)\}", r"\1", s)
    s = s.replace("\\cdot", "·").replace("\\pi", "π").replace("\\pm", "±").replace("\\to", "→")
    s = re.sub(r"\\[a-zA-Z]+", " ", s)
    s = re.sub(r"[{}\\]", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s[:400] or "equation"


def _simplify_element(el: dict[str, Any]) -> dict[str, Any] | None:
    """A simpler version of an element, or None to drop it."""
    if el["kind"] == "equation":
        return {"kind": "text", "id": el["id"], "text": _latex_to_text(el["latex"]),
                "region": el.get("region", "auto"), "color": el.get("color")}  # fmt: skip
    return None


def _mentioned(spec: SceneSpec, error: RenderError) -> int | None:
    """The index of the element the error names (by id), if any."""
    parts = [error.message, error.traceback or "", error.hint or ""]
    text = " ".join(parts + [p.message for p in error.problems])
    for i, el in enumerate(spec.elements):
        if re.search(rf"(?<![\w]){re.escape(el.id)}(?![\w])", text):
            return i
    return None


def _drop_labels(data: dict[str, Any]) -> bool:
    """Remove LaTeX labels everywhere; True if anything changed."""
    changed = False
    for el in data["elements"]:
        for key in ("vertex_labels", "side_labels"):
            if el.get(key):
                el[key] = []
                changed = True
        for part in el.get("plots", []) + el.get("vectors", []):
            if part.get("label"):
                part["label"] = None
                changed = True
        if el["kind"] in {"shape", "matrix", "number_line"} and el.get("label"):
            el["label"] = None
            changed = True
    return changed


def repair_spec(spec: SceneSpec, error: RenderError) -> SceneSpec:
    """One simplification step; raise AgentError when nothing is left to simplify.

    Order: the element the error names; for LaTeX errors, every equation becomes
    text and LaTeX labels go; otherwise the riskiest element (equations become
    text, anything else is dropped).
    """
    data = spec.model_dump()
    elements = data["elements"]
    if not elements:
        raise AgentError(
            "nothing is left to simplify in this scene",
            hint=f"the render keeps failing ({error.describe()}); check the renderer with "
            "`tutor doctor`",
        )
    latex_error = bool(_TEX_WORDS.search(f"{error.message} {error.traceback or ''}"))
    if latex_error and any(el["kind"] == "equation" for el in elements):
        data["elements"] = [_simplify_element(el) or el if el["kind"] == "equation" else el
                            for el in elements]  # fmt: skip
        _drop_labels(data)
        return SceneSpec.model_validate(data)
    if latex_error and _drop_labels(data):
        return SceneSpec.model_validate(data)
    index = _mentioned(spec, error)
    if index is None:
        index = max(range(len(elements)), key=lambda i: (_RISK[elements[i]["kind"]], -i))
    replacement = _simplify_element(elements[index])
    if replacement is not None:
        elements[index] = replacement
    else:
        removed = elements.pop(index)["id"]
        data["animations"] = [
            a for a in data["animations"] if a.get("target") != removed and a.get("to") != removed
        ]
        if not elements and not data.get("title"):
            data["title"] = "Scene"
    return SceneSpec.model_validate(data)


def repair_source(source: SceneSource, error: RenderError) -> SceneSource:
    """Repair a scene source after a render error (specs only)."""
    if isinstance(source, CodeSource):
        raise AgentError(
            "the lesson agent cannot repair code",
            hint="use an LLM agent (e.g. TUTOR_AGENT=openai) for code scenes",
        )
    spec = repair_spec(source.spec, error)
    if spec.cues:
        # What was dropped leaves silences: point at what is left while the narration runs.
        end = max(spec.cues[-1] + 0.5, spec.duration - TAIL - PIPELINE_TAIL)
        spec = pace(spec, "", Timing(list(spec.cues), end), stretch=False)
    return SpecSource(spec=spec)
