"""The edit grammar: plain-English instructions applied to a SceneSpec by rules.

See docs/edit-grammar.md for every form with examples. Each clause either changes
the spec (and says what it changed) or raises EditNotUnderstood; nothing is ever
silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from tutor_core.agents.lesson.generic import spec_from_narration
from tutor_core.agents.lesson.mathtext import choose_ranges, nice_step, to_latex, to_python
from tutor_core.agents.lesson.targets import COLOR_RE, Target, describe, parse_color, resolve
from tutor_core.agents.lesson.text import clip, estimate_seconds, split_sentences
from tutor_core.errors import AgentError, EditNotUnderstood
from tutor_core.models import CodeSource, PlannedScene, SceneEdit, SpecSource
from tutor_core.spec import SceneSpec, check_expression

UNDERSTOOD = (
    "colours: 'make the triangle blue', 'color the graph red', 'change the background to "
    "dark blue', 'make everything green'",
    "texts: 'change the title to X', 'replace \"foo\" with \"bar\"', 'change the second "
    "bullet to X', 'change the equation to E = mc^2'",
    "speed: 'slower', 'faster', 'twice as fast', 'half speed'",
    "remove: 'remove the equation', 'delete the second bullet', 'remove the title'",
    "add: 'add a bullet: X', 'add the equation E = mc^2', 'add a note: X', 'add a red circle'",
    "graphs: 'plot y = cos(x)', 'also plot x^3', 'add a graph of sin(x)'",
    "narration: 'say: X', 'change the narration to X'",
    "size and place: 'make the title text bigger', 'make the circle smaller', "
    "'move the circle left'",
)
HINT = "I understand — " + "; ".join(UNDERSTOOD) + ". Join several with 'and' or commas."

_PLOT_COLORS = ("blue", "yellow", "green", "red", "purple", "orange", "teal", "pink")
_SIZES = ("small", "normal", "large")


@dataclass
class Draft:
    """A spec being edited, in dict form so intermediate states need not be valid."""

    data: dict[str, Any]
    narration: str
    title: str | None
    changes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ splitting

_VERBS = (
    r"make|colou?r|paint|turn|change|set|rename|retitle|replace|swap|remove|delete|drop|hide|"
    r"erase|get rid of|take out|add|also|plot|graph|draw|put|place|say|narrate|move|shift|"
    r"speed|slow|go|play|use|call|enlarge|shrink|grow|double|halve|twice|half|slower|faster|"
    r"quicker|show|overlay|insert|include|update|rewrite|title|name"
)
_SPLIT = re.compile(
    r"\s*(?:,\s*(?:and\s+)?(?:then\s+)?|;\s*|\s+and\s+then\s+|\s+then\s+|\s+and\s+)"
    rf"(?=(?:please\s+)?(?:{_VERBS})\b)",
    re.IGNORECASE,
)
_CARRY = re.compile(
    rf"^(?P<verb>make|turn|colou?r|paint)\s+(?P<first>.+?\s+{COLOR_RE})\s*(?:,\s*and|,|and)\s+"
    r"(?P<rest>(?:the|a|an)\s.+)$",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"([\"“'‘])(.+?)([\"”'’])(?=\W|$)")
_NARRATION_START = re.compile(
    r"^(?:please\s+)?(?:say|narrate|(?:change|set|replace|make|update|rewrite)\s+the\s+"
    r"(?:narration|voice-?over|voice over|script)|the\s+narration\s+should)\b",
    re.IGNORECASE,
)


def split_clauses(instruction: str) -> list[str]:
    """Split an instruction into clauses at 'and' / ',' / 'then' before a new verb.

    Quoted text is never split, and a narration clause ("say: ...") takes the rest
    of the instruction, since narration naturally contains 'and' and commas.
    """
    masked: list[str] = []

    def _mask(m: re.Match[str]) -> str:
        masked.append(m.group(0))
        return f"\x00{len(masked) - 1}\x00"

    text = _QUOTED.sub(_mask, instruction.strip())
    clauses: list[str] = []
    rest = text
    while rest:
        if _NARRATION_START.match(rest):
            clauses.append(rest)
            break
        m = _SPLIT.search(rest)
        if m is None:
            clauses.append(rest)
            break
        clauses.append(rest[: m.start()])
        rest = rest[m.end() :]

    def _unmask(s: str) -> str:
        return re.sub(r"\x00(\d+)\x00", lambda m: masked[int(m.group(1))], s)

    out: list[str] = []
    for clause in clauses:
        # "make the triangle blue and the equation red": the verb carries over.
        while m := _CARRY.match(clause):
            out.append(f"{m.group('verb')} {m.group('first')}")
            clause = f"{m.group('verb')} {m.group('rest')}"
        out.append(clause)
    out = [_unmask(c).strip(" \t\n.!,;") for c in out]
    return [c for c in out if c]


def _unquote(text: str) -> str:
    t = text.strip()
    if len(t) >= 2 and t[0] in "\"“'‘" and t[-1] in "\"”'’":
        t = t[1:-1]
    return t.strip()


# ------------------------------------------------------------------ operations


def _element_name(el: dict[str, Any]) -> str:
    return str(el.get("shape") or el["kind"]).replace("_", " ")


def _set_color(d: Draft, targets: list[Target], color: str) -> str:
    for t in targets:
        if t.kind == "title":
            if not d.data.get("title"):
                raise EditNotUnderstood(
                    "this scene has no title to colour",
                    hint="add one first: 'change the title to X'",
                )
            d.data["title_color"] = color
            continue
        el = d.data["elements"][t.index]
        if t.kind == "plot":
            el["plots"][t.sub]["color"] = color
        elif t.kind == "vector":
            el["vectors"][t.sub]["color"] = color
        else:
            el["color"] = color
    return f"{targets[0].name} colour → {color}"


def _append_anim(d: Draft, action: str, target: str, **extra: Any) -> None:
    n = max(len(split_sentences(d.narration)), 1)
    d.data["animations"].append(
        {"action": action, "target": target, "run_time": 1.0, "cue": n - 1, **extra}
    )


def _new_id(d: Draft, base: str) -> str:
    ids = {el["id"] for el in d.data["elements"]}
    if base not in ids:
        return base
    k = 2
    while f"{base}{k}" in ids:
        k += 1
    return f"{base}{k}"


def _add_element(d: Draft, el: dict[str, Any], action: str) -> None:
    if len(d.data["elements"]) >= 8:
        raise EditNotUnderstood(
            "this scene already has 8 elements, the most a scene can hold",
            hint="remove one first, e.g. 'remove the table and add a note: ...'",
        )
    d.data["elements"].append(el)
    _append_anim(d, action, el["id"])


def _remove_element(d: Draft, index: int) -> None:
    el = d.data["elements"].pop(index)
    eid = el["id"]
    d.data["animations"] = [
        a for a in d.data["animations"] if a.get("target") != eid and a.get("to") != eid
    ]


def _remove(d: Draft, targets: list[Target]) -> str:
    # Delete from the back so earlier indices stay valid.
    elements = d.data["elements"]
    drop_elements: set[int] = set()
    for t in sorted(targets, key=lambda t: (t.index, t.sub), reverse=True):
        if t.kind == "title":
            d.data["title"] = None
            continue
        el = elements[t.index]
        key = {"plot": "plots", "item": "items", "vector": "vectors"}.get(t.kind)
        if key is None:
            drop_elements.add(t.index)
            continue
        el[key].pop(t.sub)
        if not el[key]:
            drop_elements.add(t.index)  # an empty list or axes without graphs is noise
    for i in sorted(drop_elements, reverse=True):
        _remove_element(d, i)
    if not d.data["elements"] and not d.data.get("title"):
        raise EditNotUnderstood(
            "that would leave the scene empty",
            hint="a scene needs a title or at least one element; change it instead of removing",
        )
    return f"removed {targets[0].name if len(targets) == 1 else targets[0].name + 's'}"


def _change_text(d: Draft, targets: list[Target], text: str) -> str:
    if len(targets) != 1:
        raise EditNotUnderstood(
            f"{len(targets)} parts match; say which one",
            hint="use an ordinal, e.g. 'change the second graph to x^2'",
        )
    t = targets[0]
    if t.kind == "title":
        return _set_title(d, text)
    el = d.data["elements"][t.index]
    if t.kind == "item":
        el["items"][t.sub] = clip(text, 200)
    elif t.kind == "plot":
        expr = _expression(text)
        el["plots"][t.sub].update(expr=expr, label=to_latex(expr))
        _fit_axes(el)
    elif el["kind"] == "text":
        el["text"] = clip(text, 400)
    elif el["kind"] == "equation":
        el["latex"] = clip(text, 300)
    elif el["kind"] == "code":
        el["code"] = text
    elif el["kind"] in {"shape", "matrix", "number_line"}:
        el["label"] = clip(text, 30)
    else:
        raise EditNotUnderstood(
            f"cannot set the text of the {t.name}",
            hint="texts, bullets, equations, code, graphs and labels can be changed; use "
            '\'replace "old" with "new"\' for words inside a table',
        )
    return f"{t.name} → {clip(text, 40)!r}"


def _set_title(d: Draft, text: str) -> str:
    title = clip(_unquote(text), 80)
    if not title:
        raise EditNotUnderstood("the new title is empty", hint="say e.g. 'change the title to X'")
    d.data["title"] = title
    d.title = title
    return f"title → {title!r}"


def _replace_everywhere(d: Draft, old: str, new: str) -> str:
    count = 0

    def sub(value: str) -> str:
        nonlocal count
        n = value.count(old)
        if n:
            count += n
            return value.replace(old, new)
        pattern = re.compile(re.escape(old), re.IGNORECASE)
        result, n = pattern.subn(lambda _: new, value)
        count += n
        return result

    data = d.data
    if data.get("title"):
        data["title"] = sub(data["title"])
        d.title = data["title"]
    for el in data["elements"]:
        for key in ("text", "latex", "code", "label", "x_label", "y_label"):
            if isinstance(el.get(key), str):
                el[key] = sub(el[key])
        for key in ("items", "header", "vertex_labels", "side_labels"):
            if key in el:
                el[key] = [sub(v) for v in el[key]]
        if el["kind"] in {"table", "matrix"}:
            el["rows"] = [[sub(c) for c in row] for row in el["rows"]]
        for sub_key in ("plots", "vectors"):
            for part in el.get(sub_key, []):
                if isinstance(part.get("label"), str):
                    part["label"] = sub(part["label"])
    if count == 0:
        raise EditNotUnderstood(f"{old!r} does not appear in this scene", hint=describe(data))
    return f"replaced {old!r} with {new!r} ({count}×)"


def _speed(d: Draft, factor: float) -> str:
    """Multiply every run time by `factor` (<1 is faster), keeping the spec valid."""
    anims = d.data["animations"]
    if not anims:
        raise EditNotUnderstood(
            "this scene has no animations to speed up or slow down",
            hint="add something first, e.g. 'add a note: ...'",
        )
    for a in anims:
        a["run_time"] = round(min(30.0, max(0.1, a["run_time"] * factor)), 3)
    busy = sum(a["run_time"] for a in anims)
    if busy > 300.0:
        raise EditNotUnderstood(
            "the animations would last longer than 300 seconds", hint="slow down less"
        )
    d.data["duration"] = max(d.data["duration"], busy)
    if factor < 1:
        return f"animations {1 / factor:g}× faster"
    return f"animations {factor:g}× slower"


def _expression(text: str) -> str:
    t = re.sub(r"^(?:y|[fgh]\s*\(\s*x\s*\))\s*=\s*", "", _unquote(text).strip(), flags=re.I)
    expr = to_python(t)
    if expr is None:
        try:
            check_expression(t)
            why = "it is too large to plot (huge numbers or nested powers)"
        except ValueError as exc:
            why = str(exc)
        raise EditNotUnderstood(
            f"cannot read {text!r} as a function of x: {why}",
            hint="write e.g. 'plot y = cos(x)' or 'plot x^3 - 2x'",
        )
    return expr


def _fit_axes(el: dict[str, Any]) -> None:
    """Widen the y range so every plot of an axes element is visible."""
    exprs = [p["expr"] for p in el["plots"]]
    if not exprs:
        return
    xr = el["x_range"]
    _, (y0, y1, _) = choose_ranges(exprs, (xr[0], xr[1]))
    old = el["y_range"]
    lo, hi = min(old[0], y0), max(old[1], y1)
    step = nice_step(hi - lo)
    el["y_range"] = (lo, hi, step)


def _plot(d: Draft, text: str) -> str:
    expr = _expression(text)
    axes = next((el for el in d.data["elements"] if el["kind"] == "axes"), None)
    if axes is not None and len(axes["plots"]) < 6:
        used = {p.get("color") for p in axes["plots"]}
        color = next((c for c in _PLOT_COLORS if c not in used), "white")
        axes["plots"].append({"expr": expr, "label": to_latex(expr), "color": color})
        _fit_axes(axes)
        _append_anim(d, "indicate", axes["id"])
    else:
        x_range, y_range = choose_ranges([expr])
        plot = {"expr": expr, "label": to_latex(expr), "color": "blue"}
        _add_element(
            d,
            {"kind": "axes", "id": _new_id(d, "axes"), "x_range": x_range, "y_range": y_range,
             "plots": [plot]},
            "create",
        )  # fmt: skip
    return f"plotted {to_latex(expr)}"


def _resize(d: Draft, targets: list[Target], bigger: bool) -> str:
    for t in targets:
        el = d.data["elements"][t.index] if t.kind != "title" else None
        if el is not None and t.kind == "element" and el["kind"] == "text":
            i = _SIZES.index(el["size"]) + (1 if bigger else -1)
            if not 0 <= i < len(_SIZES):
                raise EditNotUnderstood(
                    f"the {t.name} is already as {'large' if bigger else 'small'} as text gets",
                    hint="text sizes are small, normal and large",
                )
            el["size"] = _SIZES[i]
        elif el is not None and t.kind == "element" and el["kind"] == "shape":
            f = 1.5 if bigger else 1 / 1.5
            el["width"] = round(min(100.0, el["width"] * f), 3)
            el["height"] = round(min(100.0, el["height"] * f), 3)
            el["points"] = [(round(x * f, 3), round(y * f, 3)) for x, y in el["points"]]
        else:
            raise EditNotUnderstood(
                f"cannot resize the {t.name}",
                hint="only text elements and shapes can be resized; the renderer sizes the "
                "title and the other elements to fit",
            )
    return f"{targets[0].name} {'bigger' if bigger else 'smaller'}"


def _move(d: Draft, targets: list[Target], where: str) -> str:
    for t in targets:
        if t.kind != "element":
            raise EditNotUnderstood(
                f"cannot move the {t.name} on its own",
                hint="move whole elements, e.g. 'move the graph left'",
            )
        el = d.data["elements"][t.index]
        if where in {"left", "right"}:
            el["region"] = where
        elif where in {"center", "centre", "middle"}:
            el["region"] = "body"
        else:
            _append_anim(d, "move", el["id"], direction=where, distance=1.0)
    return f"{targets[0].name} → {where}"


def _set_narration(d: Draft, text: str) -> str:
    narration = _unquote(text)
    if not narration:
        raise EditNotUnderstood("the new narration is empty", hint="say e.g. 'say: Hello there.'")
    if len(narration) > 2000:
        raise EditNotUnderstood("the narration is too long", hint="keep it under 2000 characters")
    if narration[-1] not in ".!?":
        narration += "."
    d.narration = narration
    n = len(split_sentences(narration))
    for a in d.data["animations"]:
        if a.get("cue") is not None:
            a["cue"] = min(a["cue"], n - 1)
    d.data["cues"] = []
    busy = sum(a["run_time"] for a in d.data["animations"])
    d.data["duration"] = min(300.0, max(estimate_seconds(narration), busy, 1.0))
    return "narration changed"


# ------------------------------------------------------------------ the grammar

Handler = Callable[[Draft, "re.Match[str]"], str]
_RULES: list[tuple[re.Pattern[str], Handler]] = []


def _rule(pattern: str) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        _RULES.append((re.compile(pattern, re.IGNORECASE), fn))
        return fn

    return deco


_ANY = r"(?P<text>.+)"
_TARGET = r"(?P<target>.+?)"
_COLOR = rf"(?P<color>{COLOR_RE})(?:\s+colou?r)?"


@_rule(r"^(?:say|narrate)\s*[:,]?\s*" + _ANY + "$")
@_rule(
    r"^(?:change|set|replace|make|update|rewrite)\s+the\s+(?:narration|voice-?over|voice over|"
    r"script)\s+(?:to|with|into|as)?\s*:?\s*" + _ANY + "$"
)
@_rule(r"^the\s+narration\s+should\s+(?:be|say)\s*:?\s*" + _ANY + "$")
def _r_narration(d: Draft, m: re.Match[str]) -> str:
    return _set_narration(d, m.group("text"))


@_rule(
    r"^(?:make|change|set|turn|paint|colou?r)\s+(?:the\s+)?background(?:\s+colou?r)?\s+"
    r"(?:to\s+|into\s+)?(?P<color>.+)$"
)
def _r_background(d: Draft, m: re.Match[str]) -> str:
    color = parse_color(m.group("color"))
    if color is None:
        raise EditNotUnderstood(f"{m.group('color')!r} is not a colour I know", hint=_COLOR_HINT)
    d.data["background"] = color
    return f"background → {color}"


_COLOR_HINT = "use a colour name like blue, dark blue, red, green, yellow, orange, or #1e90ff"


@_rule(
    r"^(?:make|turn|colou?r|paint)\s+(?:everything|it all|all(?: elements| of it)?|"
    r"the whole scene|all the elements|all elements)\s+(?:to\s+|in\s+)?" + _COLOR + "$"
)
def _r_everything(d: Draft, m: re.Match[str]) -> str:
    color = parse_color(m.group("color"))
    assert color is not None  # the pattern only matches known colours
    if not d.data["elements"]:
        raise EditNotUnderstood("this scene has no elements to colour", hint=describe(d.data))
    for el in d.data["elements"]:
        el["color"] = color
        for part in el.get("plots", []) + el.get("vectors", []):
            part["color"] = color
    return f"everything colour → {color}"


# Decorators register bottom-up: the specific "colour of X" forms must be tried first.
@_rule(r"^change\s+" + _TARGET + r"\s+(?:to|into)\s+" + _COLOR + "$")
@_rule(r"^(?:make|turn|colou?r|paint)\s+" + _TARGET + r"\s+(?:to\s+|in\s+|into\s+)?" + _COLOR + "$")
@_rule(r"^(?:change|set)\s+" + _TARGET + r"(?:'s)?\s+colou?r\s+to\s+" + _COLOR + "$")
@_rule(r"^(?:change|set)\s+(?:the\s+)?colou?r\s+of\s+" + _TARGET + r"\s+to\s+" + _COLOR + "$")
def _r_color(d: Draft, m: re.Match[str]) -> str:
    color = parse_color(m.group("color"))
    assert color is not None
    return _set_color(d, resolve(m.group("target"), d.data), color)


@_rule(
    r"^(?:change|rename|set|update|make|retitle)\s+(?:the\s+)?(?:scene\s+)?(?:title|heading)\s*"
    r"(?:to\b|as\b|into\b|:)\s*" + _ANY + "$"
)
@_rule(r"^(?:call|title|name|retitle)\s+(?:it|the scene|this scene)\s+(?:as\s+)?:?\s*" + _ANY + "$")
def _r_title(d: Draft, m: re.Match[str]) -> str:
    return _set_title(d, m.group("text"))


@_rule(
    r"^(?:replace|change|swap)\s+[\"“'‘](?P<old>.+?)[\"”'’]\s+(?:with|to|by|for|into)\s+"
    r"(?P<new>.+)$"
)
def _r_replace(d: Draft, m: re.Match[str]) -> str:
    return _replace_everywhere(d, m.group("old"), _unquote(m.group("new")))


@_rule(
    r"^(?:make\s+(?:it|the scene|everything|the animations?|this)\s+|play\s+(?:it\s+)?|go\s+|"
    r"animate\s+(?:it\s+)?)?(?P<dir>slower|faster|quicker|more slowly|more quickly|slow|fast)"
    r"(?:\s+please)?$"
)
@_rule(r"^(?P<dir>slow|speed)(?:\s+(?:it|everything|the animations?))?\s+(?:down|up)$")
def _r_speed(d: Draft, m: re.Match[str]) -> str:
    slower = m.group("dir").lower() in {"slower", "more slowly", "slow"}
    return _speed(d, 1.5 if slower else 1 / 1.5)


_TIMES = {"twice": 2.0, "two times": 2.0, "double": 2.0, "three times": 3.0, "thrice": 3.0,
          "half": 0.5, "half as": 0.5}  # fmt: skip


@_rule(
    r"^(?:make\s+(?:it|the scene|the animations?)\s+|play\s+(?:it\s+)?|animate\s+(?:it\s+)?)?"
    r"(?P<n>twice|two times|three times|thrice|half|\d+(?:\.\d+)?\s*(?:x|×|times))\s+"
    r"(?:as\s+)?(?P<dir>fast|faster|quick|quicker|slow|slower)(?:\s+as before)?$"
)
def _r_times(d: Draft, m: re.Match[str]) -> str:
    n_text = m.group("n").lower()
    n = _TIMES.get(n_text) or float(re.sub(r"[^\d.]", "", n_text))
    if n <= 0:
        raise EditNotUnderstood("the speed factor must be positive", hint="say 'twice as fast'")
    fast = m.group("dir").lower().startswith(("fast", "quick"))
    return _speed(d, 1 / n if fast else n)


@_rule(r"^(?:play\s+(?:it\s+)?)?(?:at\s+)?(?P<n>half|double)\s+(?:the\s+)?speed$")
def _r_half_speed(d: Draft, m: re.Match[str]) -> str:
    return _speed(d, 2.0 if m.group("n").lower() == "half" else 0.5)


@_rule(
    r"^(?:remove|delete|drop|hide|erase|get rid of|take out|take away)\s+" + _TARGET
    + r"(?:\s+from the scene)?$"
)  # fmt: skip
def _r_remove(d: Draft, m: re.Match[str]) -> str:
    return _remove(d, resolve(m.group("target"), d.data))


_SAYING = r"\s*(?::|saying|that says|reading|with the text|with)?\s*"


@_rule(
    r"^(?:add|insert|include)\s+(?:a\s+|another\s+|one more\s+|the\s+)?"
    r"(?:bullet(?:\s+point)?|point|item|list item)" + _SAYING + _ANY + "$"
)
def _r_add_bullet(d: Draft, m: re.Match[str]) -> str:
    text = clip(_unquote(m.group("text")), 200)
    bullets = next((el for el in d.data["elements"] if el["kind"] == "bullets"), None)
    if bullets is not None and len(bullets["items"]) < 8:
        bullets["items"].append(text)
        _append_anim(d, "indicate", bullets["id"])
    else:
        _add_element(
            d, {"kind": "bullets", "id": _new_id(d, "bullets"), "items": [text]}, "fade_in"
        )
    return f"added bullet {clip(text, 40)!r}"


@_rule(
    r"^(?:add|insert|include|show)\s+(?:an\s+|the\s+|another\s+)?(?:equation|formula)"
    + _SAYING
    + _ANY
    + "$"
)
def _r_add_equation(d: Draft, m: re.Match[str]) -> str:
    latex = clip(_unquote(m.group("text")), 300)
    _add_element(d, {"kind": "equation", "id": _new_id(d, "equation"), "latex": latex}, "write")
    return f"added equation {clip(latex, 40)!r}"


@_rule(
    r"^(?:add|insert|include)\s+(?:a\s+|the\s+|some\s+|another\s+)?(?:(?P<size>small|big|large)"
    r"\s+)?(?:note|text|caption|line of text|sentence|subtitle|comment|remark)"
    + _SAYING
    + _ANY
    + "$"
)
def _r_add_note(d: Draft, m: re.Match[str]) -> str:
    text = clip(_unquote(m.group("text")), 400)
    size = {"small": "small", "big": "large", "large": "large"}.get(
        (m.group("size") or "").lower(), "small"
    )
    el = {"kind": "text", "id": _new_id(d, "note"), "text": text, "size": size}
    _add_element(d, el, "fade_in")
    return f"added note {clip(text, 40)!r}"


_SHAPES = r"circle|square|rectangle|triangle|arrow|dot|ellipse"


@_rule(
    r"^(?:add|draw|insert)\s+(?:a|an|another|one more)\s+(?:(?P<color>" + COLOR_RE + r")\s+)?"
    r"(?P<shape>" + _SHAPES + r")$"
)
def _r_add_shape(d: Draft, m: re.Match[str]) -> str:
    shape = m.group("shape").lower()
    el: dict[str, Any] = {"kind": "shape", "id": _new_id(d, shape), "shape": shape}
    if shape == "triangle":
        el["points"] = [(0.0, 0.0), (2.0, 0.0), (1.0, 1.7)]
    elif shape == "arrow":
        el["points"] = [(0.0, 0.0), (2.0, 0.0)]
    if m.group("color"):
        el["color"] = parse_color(m.group("color"))
    _add_element(d, el, "create")
    return f"added {m.group('color') + ' ' if m.group('color') else ''}{shape}"


@_rule(
    r"^(?:also\s+)?(?:plot|graph|draw|add|show|overlay)\s+(?:also\s+)?(?:a\s+|the\s+|another\s+)?"
    r"(?:(?:graph|plot|curve)\s+(?:of\s+)?|function\s+)?(?P<expr>.+)$"
)
def _r_plot(d: Draft, m: re.Match[str]) -> str:
    return _plot(d, m.group("expr"))


@_rule(
    r"^make\s+" + _TARGET + r"\s+(?P<dir>bigger|larger|smaller|tinier|big|large|small)"
    r"(?:\s+please)?$"
)
@_rule(r"^(?P<dir>enlarge|grow|shrink)\s+" + _TARGET + "$")
def _r_size(d: Draft, m: re.Match[str]) -> str:
    bigger = m.group("dir").lower() in {"bigger", "larger", "big", "large", "enlarge", "grow"}
    return _resize(d, resolve(m.group("target"), d.data), bigger)


@_rule(
    r"^(?:move|put|place|shift)\s+" + _TARGET + r"\s+(?:to\s+the\s+|to\s+|on\s+the\s+|on\s+|"
    r"in\s+the\s+)?(?P<dir>left|right|up|down|center|centre|middle)(?:\s+side)?$"
)
def _r_move(d: Draft, m: re.Match[str]) -> str:
    return _move(d, resolve(m.group("target"), d.data), m.group("dir").lower())


@_rule(
    r"^(?:change|set|rewrite|update|edit)\s+" + _TARGET + r"\s+(?:to|into|as)\s*:?\s*" + _ANY + "$"
)
def _r_change_text(d: Draft, m: re.Match[str]) -> str:
    return _change_text(d, resolve(m.group("target"), d.data), _unquote(m.group("text")))


def apply_clause(d: Draft, clause: str) -> None:
    """Apply one clause to the draft, or raise EditNotUnderstood."""
    text = re.sub(r"^(?:please|pls|now|also,?|and)\s+", "", clause.strip(), flags=re.I)
    text = re.sub(r"\s+please$", "", text, flags=re.I)
    for pattern, handler in _RULES:
        m = pattern.match(text)
        if m is None:
            continue
        try:
            d.changes.append(handler(d, m))
            return
        except EditNotUnderstood as exc:
            # The plot rule is a catch-all for "add X": report the other rules' hint.
            if handler is _r_plot and text.lower().startswith(("add", "show", "draw")):
                break
            raise exc from None
    raise EditNotUnderstood(f"I do not understand the edit {clause!r}", hint=HINT)


def edit_scene(scene: PlannedScene, instruction: str) -> SceneEdit:
    """Apply an instruction (one or more clauses) to a planned scene's spec."""
    if not instruction.strip():
        raise EditNotUnderstood("the edit instruction is empty", hint=HINT)
    if isinstance(scene.source, CodeSource):
        raise AgentError(
            "the lesson agent edits specs, and this scene is code",
            hint="use an LLM agent to edit code scenes",
        )
    source = scene.source or spec_from_narration(scene.title, scene.narration).source
    assert isinstance(source, SpecSource)
    d = Draft(source.spec.model_dump(), scene.narration, scene.title)
    for clause in split_clauses(instruction):
        apply_clause(d, clause)
    try:
        spec = SceneSpec.model_validate(d.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise EditNotUnderstood(
            f"the edit would make an invalid scene: {first['msg']}",
            hint="try a shorter text or a simpler change",
        ) from None
    return SceneEdit(
        source=SpecSource(spec=spec),
        narration=d.narration,
        title=d.title,
        summary="; ".join(d.changes),
    )
