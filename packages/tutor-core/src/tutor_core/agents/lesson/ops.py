"""What edits do to a draft: colour, text, size, speed, narration, graphs, removal.

Each operation changes the draft and returns a short description of the change, or
raises EditNotUnderstood saying why it cannot (never a silent no-op).
"""

from __future__ import annotations

import re
from typing import Any

from tutor_core.agents.lesson.colors import (
    VISIBLE,
    Invisible,
    difference,
    lightness,
    shown_color,
    visible_shade,
)
from tutor_core.agents.lesson.draft import Draft
from tutor_core.agents.lesson.mathtext import choose_ranges, nice_step, to_latex, to_python
from tutor_core.agents.lesson.targets import Target, describe
from tutor_core.agents.lesson.text import clip, split_sentences
from tutor_core.agents.lesson.variants import Retold
from tutor_core.errors import EditNotUnderstood
from tutor_core.spec import check_expression

SIZES = ("small", "normal", "large")
PLOT_COLORS = ("blue", "yellow", "green", "red", "purple", "orange", "teal", "pink")
_SIZED = {"text", "bullets", "equation"}
"""Element kinds drawn at a size the spec chooses (others are fitted by the renderer)."""


def unquote(text: str) -> str:
    """Text without the quotes around it."""
    t = text.strip()
    if len(t) >= 2 and t[0] in "\"“'‘" and t[-1] in "\"”'’":
        t = t[1:-1]
    return t.strip()


# ------------------------------------------------------------------ colour


def set_color(d: Draft, targets: list[Target], color: str) -> str:
    """Colour the targets in a shade of `color` that visibly differs from what they show."""
    background = d.data.get("background") or "black"
    chosen: list[str] = []
    for t in targets:
        if t.kind == "title" and not d.data.get("title"):
            raise EditNotUnderstood(
                "this scene has no title to colour", hint="add one first: 'change the title to X'"
            )
        current = shown_color(d.data, t.kind, t.index, t.sub)
        try:
            shade = visible_shade(color, current, background)
        except Invisible as exc:
            raise EditNotUnderstood(
                f"the {t.name} cannot be made {_readable(color)}: {exc}"
            ) from None
        chosen.append(shade)
        if t.kind == "title":
            d.data["title_color"] = shade
            continue
        # What the part turns into later in the scene takes the colour too.
        for i in [t.index, *successors(d, t.index)]:
            el = d.data["elements"][i]
            if t.kind == "plot" and t.sub < len(el.get("plots", [])):
                el["plots"][t.sub]["color"] = shade
            elif t.kind == "vector" and t.sub < len(el.get("vectors", [])):
                el["vectors"][t.sub]["color"] = shade
            elif t.kind not in {"plot", "vector"}:
                el["color"] = shade
    shade = chosen[0]
    note = "" if shade == color else f" ({shade_name(shade, color)}, so the change shows)"
    return f"{targets[0].name} colour → {_readable(color)}{note}"


def shade_name(shade: str, color: str) -> str:
    """How to call a shade of a colour: its name, or "a deeper/lighter blue"."""
    if not shade.startswith("#"):
        return _readable(shade)
    darker = lightness(shade) < lightness(color)
    return f"a {'deeper' if darker else 'lighter'} {_readable(color)}"


def successors(d: Draft, index: int) -> list[int]:
    """Elements the element turns into by transforms, of the same kind, in order."""
    kind = d.data["elements"][index]["kind"]
    out: list[int] = []
    current = d.data["elements"][index]["id"]
    seen = {current}
    while True:
        nxt = next(
            (a.get("to") for a in d.data["animations"]
             if a["action"] == "transform" and a.get("target") == current),
            None,
        )  # fmt: skip
        if nxt is None or nxt in seen:
            return out
        seen.add(nxt)
        i = d.element_index(nxt)
        if d.data["elements"][i]["kind"] != kind:
            return out
        out.append(i)
        current = nxt


def set_background(d: Draft, color: str) -> str:
    """Change the background; parts that would vanish on it go back to the default ink."""
    d.data["background"] = color
    hidden: list[str] = []
    for el in d.data["elements"]:
        parts = [el, *el.get("plots", []), *el.get("vectors", [])]
        for part in parts:
            if part.get("color") and difference(part["color"], color) < VISIBLE:
                part["color"] = None
                hidden.append(el["id"])
    if d.data.get("title_color") and difference(d.data["title_color"], color) < VISIBLE:
        d.data["title_color"] = None
        hidden.append("title")
    note = f" ({', '.join(dict.fromkeys(hidden))} recoloured to show on it)" if hidden else ""
    return f"background → {_readable(color)}{note}"


def color_everything(d: Draft, color: str) -> str:
    """Colour every element (and every plot and vector) alike."""
    if not d.data["elements"]:
        raise EditNotUnderstood("this scene has no elements to colour", hint=describe(d.data))
    background = d.data.get("background") or "black"
    try:
        shade = visible_shade(color, None, background)
    except Invisible as exc:
        raise EditNotUnderstood(f"everything cannot be made {_readable(color)}: {exc}") from None
    for el in d.data["elements"]:
        el["color"] = shade
        for part in el.get("plots", []) + el.get("vectors", []):
            part["color"] = shade
    return f"everything colour → {_readable(shade)}"


def _readable(color: str) -> str:
    return color.replace("_", " ")


# ------------------------------------------------------------------ texts and titles


def set_title(d: Draft, text: str) -> str:
    """Replace the title (on a title card, its headline) with `text`."""
    title = clip(unquote(text), 80)
    if not title:
        raise EditNotUnderstood("the new title is empty", hint="say e.g. 'change the title to X'")
    headline = d.headline_index()
    if headline is not None:
        d.data["elements"][headline]["text"] = title
    else:
        d.data["title"] = title
    d.title = title
    return f"title → {title!r}"


def change_text(d: Draft, targets: list[Target], text: str) -> str:
    """Replace the text of one part (a bullet, an equation, a note, a graph's formula...)."""
    if len(targets) != 1:
        raise EditNotUnderstood(
            f"{len(targets)} parts match; say which one",
            hint="use an ordinal, e.g. 'change the second graph to x^2'",
        )
    t = targets[0]
    if t.kind == "title" or t.name == "title":
        return set_title(d, text)
    el = d.data["elements"][t.index]
    if t.kind == "item":
        el["items"][t.sub] = clip(text, 200)
    elif t.kind == "plot":
        expr = expression(text)
        el["plots"][t.sub].update(expr=expr, label=to_latex(expr))
        fit_axes(el)
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


def replace_everywhere(d: Draft, old: str, new: str) -> str:
    """Replace a quoted piece of text wherever it appears in the scene."""
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


# ------------------------------------------------------------------ size


def _step(value: str, bigger: bool) -> str | None:
    i = SIZES.index(value) + (1 if bigger else -1)
    return SIZES[i] if 0 <= i < len(SIZES) else None


def resize(d: Draft, targets: list[Target], bigger: bool) -> str:
    """Make each target one size bigger or smaller (text sizes step; shapes scale by 1.5)."""
    for t in targets:
        if t.kind == "title":
            if not d.data.get("title"):
                raise EditNotUnderstood("this scene has no title", hint=describe(d.data))
            new = _step(d.data.get("title_size") or "normal", bigger)
            if new is None:
                raise EditNotUnderstood(_limit("title", bigger), hint=_size_hint(bigger))
            d.data["title_size"] = new
            continue
        el = d.data["elements"][t.index]
        if t.kind == "element" and el["kind"] in _SIZED:
            new = _step(el.get("size") or "normal", bigger)
            if new is None:
                raise EditNotUnderstood(_limit(t.name, bigger), hint=_size_hint(bigger))
            for i in [t.index, *successors(d, t.index)]:
                d.data["elements"][i]["size"] = new
        elif t.kind in {"element", "item"} and el["kind"] == "bullets":
            new = _step(el.get("size") or "normal", bigger)
            if new is None:
                raise EditNotUnderstood(_limit("list", bigger), hint=_size_hint(bigger))
            el["size"] = new
        else:
            # Figures fill the box the layout gives them. Moving one to a row of its own
            # can give it a wider but lower box, so a square figure would shrink: an
            # edit that cannot promise "bigger" is refused rather than applied.
            raise EditNotUnderstood(
                f"the {t.name} is drawn to fill the room it has",
                hint="titles, texts, lists and equations can be made bigger or smaller",
            )
    return f"{targets[0].name} {'bigger' if bigger else 'smaller'}"


def font_size(d: Draft, bigger: bool) -> str:
    """Every text of the scene (title, texts, lists, equations) one size bigger or smaller."""
    changed: list[str] = []
    if d.data.get("title"):
        new = _step(d.data.get("title_size") or "normal", bigger)
        if new is not None:
            d.data["title_size"] = new
            changed.append("title")
    for el in d.data["elements"]:
        if el["kind"] in _SIZED:
            new = _step(el.get("size") or "normal", bigger)
            if new is not None:
                el["size"] = new
                changed.append(el["kind"])
    if not changed:
        raise EditNotUnderstood(
            "every text here is already as " + ("large" if bigger else "small") + " as it gets"
            if any(el["kind"] in _SIZED for el in d.data["elements"]) or d.data.get("title")
            else "this scene has no text to resize",
            hint=_size_hint(bigger),
        )
    kinds = ", ".join(dict.fromkeys(changed))
    return f"{'bigger' if bigger else 'smaller'} font ({kinds})"


def _limit(name: str, bigger: bool) -> str:
    return f"the {name} is already as {'large' if bigger else 'small'} as it gets"


def _size_hint(bigger: bool) -> str:
    other = "smaller" if bigger else "bigger"
    return f"sizes are small, normal and large; try 'make the title {other}'"


# ------------------------------------------------------------------ place


def move(d: Draft, targets: list[Target], where: str) -> str:
    """Put elements in the left or right column, in the middle, or shift them up/down."""
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
            d.append_animation("move", el["id"], direction=where, distance=1.0)
    return f"{targets[0].name} → {where}"


# ------------------------------------------------------------------ remove


def remove(d: Draft, targets: list[Target]) -> str:
    """Remove elements, bullets, plots or vectors (and what animates them)."""
    elements = d.data["elements"]
    drop_elements: set[int] = set()
    # Delete from the back so earlier indices stay valid.
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
        d.remove_element(i)
    if not d.data["elements"] and not d.data.get("title"):
        raise EditNotUnderstood(
            "that would leave the scene empty",
            hint="a scene needs a title or at least one element; change it instead of removing",
        )
    return f"removed {targets[0].name if len(targets) == 1 else targets[0].name + 's'}"


# ------------------------------------------------------------------ speed


def speed(d: Draft, factor: float) -> str:
    """Multiply the run time of the scene's own animations by `factor` (<1 is faster)."""
    # Pacing's own pointing (un-cued indicate/wait) is redone afterwards, not scaled.
    own = [
        a
        for a in d.data["animations"]
        if not (a.get("cue") is None and a["action"] in {"indicate", "wait"})
    ]
    if not own:
        raise EditNotUnderstood(
            "this scene has no animations to speed up or slow down",
            hint="add something first, e.g. 'add a note: ...'",
        )
    for a in own:
        a["run_time"] = round(min(30.0, max(0.1, a["run_time"] * factor)), 3)
    if sum(a["run_time"] for a in d.data["animations"]) > 300.0:
        raise EditNotUnderstood(
            "the animations would last longer than 300 seconds", hint="slow down less"
        )
    if factor < 1:
        return f"animations {1 / factor:g}× faster"
    return f"animations {factor:g}× slower"


# ------------------------------------------------------------------ graphs


def expression(text: str) -> str:
    """A checked expression of x from what a person typed, or EditNotUnderstood."""
    t = re.sub(r"^(?:y|[fgh]\s*\(\s*x\s*\))\s*=\s*", "", unquote(text).strip(), flags=re.I)
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


def fit_axes(el: dict[str, Any]) -> None:
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


def plot(d: Draft, text: str) -> str:
    """Plot a function on the scene's axes (or on new axes)."""
    expr = expression(text)
    axes = next((el for el in d.data["elements"] if el["kind"] == "axes"), None)
    if axes is not None and len(axes["plots"]) < 6:
        used = {p.get("color") for p in axes["plots"]}
        color = next((c for c in PLOT_COLORS if c not in used), "white")
        axes["plots"].append({"expr": expr, "label": to_latex(expr), "color": color})
        fit_axes(axes)
        d.append_animation("indicate", axes["id"])
    else:
        x_range, y_range = choose_ranges([expr])
        new = {"expr": expr, "label": to_latex(expr), "color": "blue"}
        d.add_element(
            {"kind": "axes", "id": d.new_id("axes"), "x_range": x_range, "y_range": y_range,
             "plots": [new]},
            "create",
        )  # fmt: skip
    shown = re.sub(r"^(?:y|[fgh]\s*\(\s*x\s*\))\s*=\s*", "", unquote(text).strip(), flags=re.I)
    return f"plotted y = {clip(shown, 40)}"


# ------------------------------------------------------------------ narration


def set_narration(d: Draft, text: str) -> str:
    """Replace the narration with the person's own words."""
    narration = unquote(text)
    if not narration:
        raise EditNotUnderstood("the new narration is empty", hint="say e.g. 'say: Hello there.'")
    if len(narration) > 2000:
        raise EditNotUnderstood("the narration is too long", hint="keep it under 2000 characters")
    if narration[-1] not in ".!?":
        narration += "."
    old_count = d.sentence_count()
    d.narration = narration
    n = d.sentence_count()
    # Keep each animation on its sentence when it still exists, else on the last one.
    retell(d, Retold(narration, [min(i, n - 1) for i in range(old_count)], []), note=False)
    return "narration changed"


def retell(d: Draft, retold: Retold, *, note: bool = True) -> None:
    """Switch to a new narration, moving each animation's cue with its sentence.

    Sentences that were dropped hand their animations to the sentence before them;
    sentences that were added (explanations) get a small note on screen, when the
    scene has room, so the picture changes when the narration does.
    """
    origin = retold.origin

    def new_cue(cue: int) -> int:
        for k in range(min(cue, len(origin) - 1), -1, -1):
            target = origin[k]
            if target is not None:
                return target
        return 0

    for a in d.data["animations"]:
        if a.get("cue") is not None:
            a["cue"] = new_cue(a["cue"])
    d.narration = retold.narration
    d.retimed = True
    if not note:
        return
    sentences = split_sentences(retold.narration)
    for k in retold.added:
        if len(d.data["elements"]) >= 8 or k >= len(sentences):
            break
        eid = d.new_id("explain")
        d.data["elements"].append(
            {"kind": "text", "id": eid, "text": clip(sentences[k], 400), "size": "small",
             "region": "body"}
        )  # fmt: skip
        d.data["animations"].append({"action": "fade_in", "target": eid, "run_time": 1.0, "cue": k})
