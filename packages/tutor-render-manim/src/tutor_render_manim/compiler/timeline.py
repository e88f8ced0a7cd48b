"""The animation timeline: a spec's schedule snapped to 30 fps frames, as `self.play`/`wait`.

Timing follows `SceneSpec.schedule()`: `self.wait()` fills the gaps so that animation
k starts at its scheduled frame, and a final wait pads the scene to exactly
`round(duration * 30)` frames. An animation shorter than half a frame becomes its
instant end state (`self.add`...). Elements no animation brings in (`write`,
`create`, `fade_in`, or being the `to` of a transform) are on screen from the first
frame, as is the title.
"""

from __future__ import annotations

import math

from tutor_core.spec import Animation, SceneSpec
from tutor_render_manim.compiler.elements import element_variable
from tutor_render_manim.compiler.literals import num
from tutor_render_manim.compiler.writer import CodeWriter

FPS = 30
"""Frame rate the timeline is snapped to."""

_ENTERING = frozenset({"write", "create", "fade_in"})
_DIRECTIONS = {"up": "UP", "down": "DOWN", "left": "LEFT", "right": "RIGHT"}


def exact_seconds(frames: int) -> str | None:
    """The shortest decimal `v` with `v / (1 / 30) == frames` exactly, if there is one.

    Manim counts the frames of an animation as `ceil(v / dt)` (the length of
    `np.arange(0, v, dt)`) and those of a static wait as `int(v / dt)`; only a `v`
    whose quotient is exact gives the same, right count both ways (`0.1 / (1 / 30)`
    is `3.0000000000000004`: 4 frames animated, 3 frozen).
    """
    step = 1.0 / FPS
    for digits in range(1, 18):
        candidate = round(frames / FPS, digits)
        if candidate / step == frames:
            return repr(candidate)
    return None


def frames_to_seconds(frames: int) -> str:
    """A run time giving exactly `frames` animated frames (exact in both ways if possible)."""
    exact = exact_seconds(frames)
    if exact is not None:
        return exact
    step = 1.0 / FPS
    for digits in range(1, 10):
        candidate = round(frames / FPS - 10.0**-digits, digits)
        if candidate > (frames - 1) * step and math.ceil(candidate / step) == frames:
            return repr(candidate)
    return repr(frames / FPS)  # unreachable for sane frame counts; kept as a safe default


def wait_seconds(frames: int) -> list[str]:
    """Wait times totalling exactly `frames` frames, frozen or animated.

    About 5 % of frame counts have no exact decimal (see `exact_seconds`); their
    wait is split in two waits that both have one.
    """
    exact = exact_seconds(frames)
    if exact is not None:
        return [exact]
    for first in range(frames - 1, 0, -1):
        a, b = exact_seconds(first), exact_seconds(frames - first)
        if a is not None and b is not None:
            return [a, b]
    return [frames_to_seconds(frames)]  # pragma: no cover - never happens at 30 fps


def frame_plan(spec: SceneSpec) -> list[tuple[int, int, Animation]]:
    """Start frame and length in frames of every animation, at 30 fps.

    Frames come from rounding the scheduled start and end times, which keeps their
    order and keeps every end at or before `round(duration * 30)`. An animation
    may get 0 frames (shorter than half a frame): it is then applied instantly.
    """
    out: list[tuple[int, int, Animation]] = []
    cursor = 0
    total = round(spec.duration * FPS)
    for start, anim in spec.schedule():
        first = max(cursor, round(start * FPS))
        last = min(max(first, round((start + anim.run_time) * FPS)), total)
        first = min(first, last)
        out.append((first, last - first, anim))
        cursor = last
    return out


def emit_timeline(w: CodeWriter) -> None:
    """What is on screen at the start, then every animation at its frame, then padding."""
    spec = w.spec
    plan = frame_plan(spec)
    total = round(spec.duration * FPS)
    first_use: dict[str, str] = {}
    for anim in spec.animations:
        for eid, role in ((anim.target, anim.action), (anim.to, "to")):
            if eid is not None and eid not in first_use:
                first_use[eid] = role
    at_start = [
        element_variable(el)
        for el in spec.elements
        if first_use.get(el.id) not in _ENTERING | {"to"}
    ]
    title = ["title"] if spec.title else []
    if at_start or title:
        w.emit("# On screen from the start: the title and elements no animation brings in.")
        w.emit(f"self.add({', '.join(title + at_start)})")
        w.emit()
    if not plan:
        _wait(w, total, "the whole scene is still")
        return
    w.emit(f"# Timeline at {FPS} fps: each animation starts at its scheduled time.")
    cursor = 0
    for first, length, anim in plan:
        if first > cursor:
            _wait(w, first - cursor)
        _animation(w, anim, length, first)
        cursor = first + length
    if total > cursor:
        _wait(w, total - cursor, f"pad to the scene's {num(spec.duration)} s")


def _wait(w: CodeWriter, frames: int, comment: str = "") -> None:
    """Emit `self.wait(...)` lasting exactly this many frames."""
    for n, seconds in enumerate(wait_seconds(frames)):
        note = f"  # {comment}" if comment and n == 0 else ""
        w.emit(f"self.wait({seconds}){note}")


_CROSS_FADED = frozenset({"axes", "number_line", "vectors", "table", "code", "matrix", "bullets"})
"""Kinds built of many parts whose count and order differ between two versions (ticks,
plots, cells, lines): morphing one into the other point by point smears them into
ribbons, so they cross-fade instead. Texts, equations and shapes morph."""


def _transform(w: CodeWriter, anim: Animation, v: str, to: str) -> str:
    assert anim.target is not None and anim.to is not None
    kinds = {w.spec.element(anim.target).kind, w.spec.element(anim.to).kind}
    if kinds & _CROSS_FADED:
        return f"FadeTransform({v}, {to})"
    return f"ReplacementTransform({v}, {to})"


def _animation(w: CodeWriter, anim: Animation, frames: int, first: int) -> None:
    when = f"  # {num(first / FPS)} s"
    if anim.action == "wait":
        if frames:
            _wait(w, frames, f"{num(first / FPS)} s")
        return
    assert anim.target is not None  # the spec checks that only `wait` has none
    v = element_variable(w.spec.element(anim.target))
    to = element_variable(w.spec.element(anim.to)) if anim.to else ""
    shift = f"{_DIRECTIONS.get(anim.direction or '', 'UP')} * {num(anim.distance)}"
    if frames == 0:
        instant = {
            "write": f"self.add({v})",
            "create": f"self.add({v})",
            "fade_in": f"self.add({v})",
            "fade_out": f"self.remove({v})",
            "transform": f"self.remove({v})\nself.add({to})",
            "move": f"{v}.shift(shift_inside({v}, {shift}))",
            "indicate": f"pass  # indicate {v}: too short to show",
        }[anim.action]
        w.emit(f"# {anim.action} lasts under half a frame: applied at once{when}")
        for line in instant.split("\n"):
            w.emit(line)
        return
    made = {
        "write": f"Write({v})",
        "create": f"Create({v})",
        "fade_in": f"FadeIn({v})",
        "fade_out": f"FadeOut({v})",
        "transform": _transform(w, anim, v, to) if anim.action == "transform" else "",
        "indicate": f"Indicate({v})",
        "move": f"{v}.animate.shift(shift_inside({v}, {shift}))",
    }[anim.action]
    w.emit(f"self.play({made}, run_time={frames_to_seconds(frames)}){when}")
