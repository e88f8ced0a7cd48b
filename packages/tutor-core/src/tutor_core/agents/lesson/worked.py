"""The edit "add an example with numbers ...": a worked example appended to a scene.

The scene keeps what it had, then its narration goes on with the example, and each
part on screen turns into a part of the example (a transform, so the example takes
over the same place on screen instead of squeezing in beside it). Parts the example
does not need fade out; parts it adds get places of their own.

On a worked example's own scene ("Worked example: 3, 4, 5"), the example is done
again with the new numbers instead: the scene, its title and its narration become
the new example.
"""

from __future__ import annotations

import re
from typing import Any

from tutor_core.agents.lesson.draft import MAX_ELEMENTS, Draft
from tutor_core.agents.lesson.pacing import on_screen
from tutor_core.agents.lesson.text import split_sentences
from tutor_core.agents.lesson.topics import Topic
from tutor_core.agents.lesson.topics.base import ExampleRefused
from tutor_core.errors import EditNotUnderstood

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_ENTERING = {"write", "create", "fade_in"}


def parse_numbers(text: str) -> tuple[float, ...]:
    """The numbers in what a person typed ("5, 12 and 13" → 5, 12, 13)."""
    return tuple(float(n) for n in _NUMBER.findall(text))


EXAMPLE_TITLE = "worked example"
"""How the title of a worked example's own scene starts (compared lower-case)."""


def is_example_scene(d: Draft) -> bool:
    """Whether the scene is a worked example of its topic (its title says so)."""
    return (d.title or "").lower().startswith(EXAMPLE_TITLE)


def add_example(d: Draft, numbers: tuple[float, ...]) -> str:
    """Append the scene's topic's worked example, for these numbers (or its own).

    On a worked example's own scene the example is redone with the numbers instead.
    """
    topic = d.topic
    if topic is None or topic.example is None:
        raise EditNotUnderstood(
            "worked examples come with the built-in topics, and this scene is not one of them",
            hint="ask for a lesson on a built-in topic, e.g. 'explain the Pythagorean theorem'",
        )
    given = numbers or parse_numbers(topic.example_numbers)
    try:
        example = topic.example(given)
    except ExampleRefused as exc:
        raise EditNotUnderstood(
            f"that does not make an example of {topic.name}: {exc}",
            hint=f"give {topic.example_help}: "
            f"'add an example with numbers {topic.example_numbers}'",
        ) from None
    shown = ", ".join(_fmt(n) for n in given)
    if is_example_scene(d):
        d.data["elements"] = [el.model_dump() for el in example.elements]
        d.data["animations"] = [a.model_dump() for a in example.animations]
        d.narration = " ".join(example.sentences)
        if d.data.get("title"):
            d.data["title"] = example.title
        d.title = example.title
        d.retimed = True
        return f"redid the worked example with {shown}"
    _merge(d, example.elements, example.animations, example.sentences, topic)
    return f"added a worked example ({shown})"


def _fmt(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


def _owners(data: dict[str, Any]) -> dict[str, str]:
    """The element whose place on screen each element takes (its own, or a transform's source)."""
    owner = {el["id"]: el["id"] for el in data["elements"]}
    claimed: set[str] = set()
    for a in data["animations"]:
        if a["action"] != "transform" or a.get("to") is None or a.get("target") not in owner:
            continue
        to = a["to"]
        if to in claimed or owner[a["target"]] == to:
            continue
        owner[to] = owner[a["target"]]
        claimed.add(to)
    return owner


def _merge(
    d: Draft,
    elements: list[Any],
    animations: list[Any],
    sentences: tuple[str, ...],
    topic: Topic,
) -> None:
    data = d.data
    if len(data["elements"]) + len(elements) > MAX_ELEMENTS:
        raise EditNotUnderstood(
            f"no room for the example here: this scene already has {len(data['elements'])} "
            f"parts, the example adds {len(elements)}, and a scene holds at most {MAX_ELEMENTS}",
            hint="add the example to a scene with less on it, or redo the worked example's "
            "own scene with these numbers",
        )
    start = d.sentence_count()
    # Ids of the example's parts must not clash with the scene's.
    rename: dict[str, str] = {}
    new_elements = []
    for el in elements:
        dumped = el.model_dump()
        rename[dumped["id"]] = d.new_id("ex_" + dumped["id"])
        dumped["id"] = rename[dumped["id"]]
        data["elements"].append(dumped)  # reserve the id for the next new_id
        new_elements.append(dumped)
    for el in new_elements:
        data["elements"].remove(el)
    new_animations = []
    for a in animations:
        dumped = a.model_dump()
        dumped["target"] = rename.get(dumped["target"], dumped["target"])
        if dumped.get("to"):
            dumped["to"] = rename[dumped["to"]]
        dumped["cue"] = (dumped["cue"] or 0) + start
        new_animations.append(dumped)

    # Which parts are on screen at the end, one per place on screen, in scene order.
    owners = _owners(data)
    visible = on_screen(data, len(data["animations"]) - 1)
    by_place: dict[str, str] = {}
    for eid in visible:
        by_place[owners.get(eid, eid)] = eid
    places = [by_place[el["id"]] for el in data["elements"] if el["id"] in by_place]

    # The example's own places: its parts that are not the result of one of its transforms.
    targets = {a["to"] for a in new_animations if a["action"] == "transform"}
    roots = [el["id"] for el in new_elements if el["id"] not in targets]
    handed: list[dict[str, Any]] = []
    for old, root in zip(places, roots, strict=False):
        entering = next(
            (a for a in new_animations if a["target"] == root and a["action"] in _ENTERING), None
        )
        cue = entering["cue"] if entering is not None else start
        if entering is not None:
            new_animations.remove(entering)
        handed.append({"action": "transform", "target": old, "to": root, "run_time": 1.5,
                       "cue": cue})  # fmt: skip
    leaving = [
        {"action": "fade_out", "target": old, "run_time": 1.0, "cue": start}
        for old in places[len(roots) :]
    ]
    # The example inherits each place: it keeps the old part's region.
    regions = {el["id"]: el.get("region", "auto") for el in data["elements"]}
    for old, root in zip(places, roots, strict=False):
        for el in new_elements:
            if el["id"] == root:
                el["region"] = regions.get(owners.get(old, old), "auto")
    data["elements"] += new_elements
    data["animations"] += leaving + _ordered(handed, new_animations)
    narration = " ".join([*split_sentences(d.narration), *sentences])
    d.narration = narration
    d.retimed = True


def _ordered(handed: list[dict[str, Any]], rest: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """All animations sorted by cue, keeping their order within a cue."""
    merged = handed + rest
    return sorted(merged, key=lambda a: (a["cue"], merged.index(a)))
