"""Motion while the narrator speaks: measure still stretches of a spec and fill them.

A picture that sits still while the voice goes on loses the viewer. The promise is
that no stretch of narration longer than `MAX_STILL` seconds passes without an
animation on screen. `still_stretches` measures it on the spec's own timeline
(`SceneSpec.schedule()`, which the renderer follows); `pace` keeps the promise by
lengthening a drawing animation into the silence after it, then by pointing at what
the narration is about (`indicate`, spaced out with `wait`s).

Timing comes from the sentence starts: the real ones (`SceneSpec.cues`, set by the
pipeline from the narrator) when known, else an estimate from the text. The estimate
splits the speaking time in proportion to each sentence's spoken characters, which
follows a real voice to within about a second; pacing aims at `TARGET_STILL` so that
this error cannot add up to `MAX_STILL`.

Convention: animations that pacing adds are `indicate` and `wait` *without a cue*;
animations a scene is written with always carry a cue, so `strip_fillers` can take
pacing out again before the scene is re-timed (a new narration, a new speed).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tutor_core.narration.text import speakable, split_sentences
from tutor_core.narration.timing import LEAD_IN, PAUSE, TAIL, sentence_seconds
from tutor_core.spec import SceneSpec

__all__ = [
    "MAX_STILL",
    "TARGET_STILL",
    "Timing",
    "estimate_timing",
    "longest_still",
    "pace",
    "spec_timing",
    "still_stretches",
    "strip_fillers",
]

MAX_STILL = 3.0
"""The longest a scene may sit still (no animation running) while narration runs."""
TARGET_STILL = 1.4
"""What pacing aims for: leaves room for real sentence timings to differ from estimates."""
PIPELINE_TAIL = 0.6
"""Seconds the pipeline adds after the narration (silence before the next scene)."""

_INDICATE = 1.0
_STRETCH = {"write": 3.0, "create": 3.0, "fade_in": 2.0, "transform": 2.5, "move": 2.0}
"""How long pacing may stretch an animation into the silence after it (seconds)."""
_FILLERS = frozenset({"indicate", "wait"})
_MAX_ANIMATIONS = 40


@dataclass(frozen=True)
class Timing:
    """When each sentence starts and when speech ends, in seconds from the scene start."""

    starts: list[float]
    speech_end: float


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPOKEN_DIGITS = {1: 4, 2: 10, 3: 22}
"""About how many letters a number of n digits takes to say ("169": "one hundred sixty nine")."""


def _spoken_length(sentence: str) -> int:
    text = speakable(sentence)
    return len(
        _NUMBER.sub(lambda m: "x" * _SPOKEN_DIGITS.get(len(re.sub(r"\D", "", m.group())), 30), text)
    )


def _weights(sentences: Sequence[str]) -> list[float]:
    # Spoken characters follow a real voice more closely than words do ("a" vs
    # "hypotenuse"), once numbers count as the words they are read as; a floor
    # keeps one-word sentences from taking no time.
    return [max(8.0, float(_spoken_length(s))) for s in sentences]


def estimate_timing(
    narration: str, seconds: float | None = None, *, rate: float | None = None
) -> Timing:
    """Sentence starts and speech end as a narrator would time `narration`.

    Args:
        narration: the scene's narration.
        seconds: the scene's real length (narration plus the pipeline's tail), if known;
            the speaking time is then split between the sentences.
        rate: seconds per spoken character of the voice (see `voice_rate`), used when
            `seconds` is unknown. Without either, the silent narrator's reading-speed
            estimate is used.
    """
    sentences = split_sentences(narration) or [narration]
    n = len(sentences)
    fixed = LEAD_IN + PAUSE * (n - 1)
    weights = _weights(sentences)
    if seconds is not None:
        spoken = max(0.5 * n, seconds - fixed - TAIL - PIPELINE_TAIL)
    elif rate is not None:
        spoken = rate * sum(weights)
    else:
        spoken = sum(sentence_seconds(s) for s in sentences)
    scale = spoken / sum(weights)
    starts: list[float] = []
    position = LEAD_IN
    for i, w in enumerate(weights):
        if i:
            position += PAUSE
        starts.append(round(position, 3))
        position += w * scale
    return Timing(starts, round(position, 3))


def spec_timing(spec: SceneSpec, narration: str) -> Timing | None:
    """The real timing of a spec the pipeline has timed (one cue per sentence), else None."""
    n = len(split_sentences(narration) or [narration])
    if len(spec.cues) != n:
        return None
    end = max(spec.cues[-1] + 0.5, spec.duration - TAIL - PIPELINE_TAIL)
    return Timing(list(spec.cues), round(end, 3))


def voice_rate(spec: SceneSpec, narration: str) -> float | None:
    """Seconds per spoken character of the voice that timed this spec, if it was timed."""
    timing = spec_timing(spec, narration)
    if timing is None:
        return None
    sentences = split_sentences(narration) or [narration]
    pauses = PAUSE * (len(sentences) - 1)
    spoken = timing.speech_end - LEAD_IN - pauses
    return spoken / sum(_weights(sentences)) if spoken > 0 else None


def still_stretches(
    spec: SceneSpec, until: float | None = None, *, longer_than: float = 0.0
) -> list[tuple[float, float]]:
    """Stretches of `[0, until]` in which no animation runs (waits do not count).

    Args:
        spec: the scene, with the cues it will be rendered with.
        until: when narration ends (default: the end of the scene).
        longer_than: report only stretches longer than this many seconds.
    """
    end = spec.duration if until is None else min(until, spec.duration)
    busy = sorted((s, s + a.run_time) for s, a in spec.schedule() if a.action != "wait")
    out: list[tuple[float, float]] = []
    t = 0.0
    for start, stop in busy:
        if t >= end:
            break
        if start > t:
            out.append((t, min(start, end)))
        t = max(t, stop)
    if t < end:
        out.append((t, end))
    return [(round(a, 3), round(b, 3)) for a, b in out if b - a > longer_than]


def longest_still(spec: SceneSpec, until: float | None = None) -> float:
    """The longest still stretch of a spec, in seconds (0 when something always moves)."""
    return max((b - a for a, b in still_stretches(spec, until)), default=0.0)


def strip_fillers(data: dict[str, Any]) -> None:
    """Remove the animations pacing added (un-cued `indicate` and `wait`), in place."""
    data["animations"] = [
        a for a in data["animations"] if not (a["action"] in _FILLERS and a.get("cue") is None)
    ]


def on_screen(data: dict[str, Any], upto: int) -> list[str]:
    """Ids on screen after animation `upto`, most recently shown last."""
    animations = data["animations"]
    entering = {"write", "create", "fade_in"}
    first: dict[str, str] = {}
    for a in animations:
        for eid, role in ((a.get("target"), a["action"]), (a.get("to"), "to")):
            if eid is not None and eid not in first:
                first[eid] = role
    shown = [el["id"] for el in data["elements"] if first.get(el["id"]) not in entering | {"to"}]
    for a in animations[: upto + 1]:
        target, to = a.get("target"), a.get("to")
        if a["action"] in entering and target is not None:
            shown = [e for e in shown if e != target] + [target]
        elif a["action"] == "fade_out":
            shown = [e for e in shown if e != target]
        elif a["action"] == "transform" and to is not None:
            shown = [e for e in shown if e not in (target, to)] + [to]
        elif a["action"] in {"indicate", "move"} and target in shown:
            shown = [e for e in shown if e != target] + [target]
    return shown


_BIG = frozenset({"axes", "vectors", "table", "code", "number_line", "matrix"})
"""Kinds whose `indicate` (a pulse that scales up by a fifth) is too heavy to repeat."""


def _focus(data: dict[str, Any], index: int) -> str | None:
    """What to point at after animation `index`: what it showed, if still on screen.

    A large picture (graph, table, code) is pulsed only when nothing smaller on
    screen can carry the pointing: pulsing a whole graph over and over is heavy.
    """
    shown = on_screen(data, index)
    if not shown:
        return None
    a = data["animations"][index]
    subject: str = a.get("to") if a["action"] == "transform" else a.get("target")
    if subject not in shown:
        subject = shown[-1]
    kinds = {el["id"]: el["kind"] for el in data["elements"]}
    if kinds.get(subject) in _BIG:
        small = [e for e in shown if kinds.get(e) not in _BIG]
        if small:
            return small[-1]
    return subject


def pace(
    spec: SceneSpec, narration: str, timing: Timing | None = None, *, stretch: bool = True
) -> SceneSpec:
    """A copy of spec that keeps moving while the narration runs.

    Earlier pacing is removed first, so pacing again (after a new narration or a new
    speed) never piles up fillers. The spec's cues become the timing's sentence
    starts; its duration covers the speech, the narrator's and the pipeline's
    silence after it, and every animation (at most 300 s).

    Args:
        spec: the scene.
        narration: its narration (sentence count and lengths).
        timing: real or estimated timing; default: the spec's own cues if they match
            the narration, else an estimate for the spec's duration.
        stretch: whether drawing animations may be lengthened into the silence after
            them (not after an edit that set their speed on purpose).
    """
    if timing is None:
        timing = spec_timing(spec, narration) or estimate_timing(narration, spec.duration)
    data = spec.model_dump()
    strip_fillers(data)
    data["cues"] = [round(c, 3) for c in timing.starts]
    schedule = [start for start, _ in _schedule(data)]
    animations = data["animations"]
    out: list[dict[str, Any]] = []
    budget = _MAX_ANIMATIONS - len(animations)
    end_of_previous = 0.0
    for i, a in enumerate(animations):
        out.append(a)
        start = max(schedule[i], end_of_previous)
        end_of_previous = start + a["run_time"]
        if a["action"] == "wait":
            continue
        nxt = schedule[i + 1] if i + 1 < len(animations) else timing.speech_end
        gap = nxt - end_of_previous
        if gap <= TARGET_STILL:
            continue
        longest = _STRETCH.get(a["action"]) if stretch else None
        if longest is not None and a["run_time"] < longest:
            extra = min(longest - a["run_time"], gap - TARGET_STILL)
            a["run_time"] = round(a["run_time"] + extra, 3)
            end_of_previous += extra
            gap -= extra
        focus = _focus(data, i)
        if gap <= TARGET_STILL or focus is None or budget < 2:
            continue
        count = min(math.ceil((gap - TARGET_STILL) / (TARGET_STILL + _INDICATE)), budget // 2)
        still = (gap - count * _INDICATE) / (count + 1)
        for _ in range(count):
            out.append({"action": "wait", "target": None, "run_time": round(still, 3)})
            out.append({"action": "indicate", "target": focus, "run_time": _INDICATE})
        budget -= 2 * count
        end_of_previous += count * (still + _INDICATE)
    data["animations"] = out
    last = max((s + a.run_time for s, a in _schedule(data)), default=0.0)
    data["duration"] = round(min(300.0, max(timing.speech_end + TAIL + PIPELINE_TAIL, last)), 3)
    return SceneSpec.model_validate(data)


def _schedule(data: dict[str, Any]) -> list[tuple[float, Any]]:
    """The schedule of a spec's dict form, without pulling anything back to fit."""
    return SceneSpec.model_validate({**data, "duration": 300.0}).schedule()
