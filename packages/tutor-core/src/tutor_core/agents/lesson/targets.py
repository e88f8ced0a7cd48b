"""Resolving phrases like "the second bullet" or "the graph" to parts of a spec."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from tutor_core.errors import EditNotUnderstood
from tutor_core.spec import NAMED_COLORS, normalize_color

TargetKind = Literal["title", "element", "plot", "item", "vector"]

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3,
    "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "last": -1, "final": -1,
}  # fmt: skip

COLOR_ALIASES = {
    "light blue": "blue", "sky blue": "blue", "navy": "dark_blue", "navy blue": "dark_blue",
    "dark red": "maroon", "lime": "green", "light green": "green", "light grey": "light_gray",
    "light gray": "light_gray", "dark grey": "dark_gray", "dark gray": "dark_gray",
    "silver": "light_gray", "indigo": "purple", "turquoise": "teal", "aqua": "cyan",
    "crimson": "red", "lavender": "purple", "olive": "dark_green", "beige": "light_gray",
}  # fmt: skip
_COLOR_WORDS = sorted(
    {k.replace("_", " ") for k in NAMED_COLORS} | set(COLOR_ALIASES), key=len, reverse=True
)
COLOR_RE = r"(?:#[0-9a-fA-F]{6}|" + "|".join(re.escape(w) for w in _COLOR_WORDS) + r")"


def parse_color(text: str) -> str | None:
    """A normalized spec colour from words like "dark blue", "navy" or "#1e90ff", or None."""
    t = re.sub(r"\b(?:colou?r|the|in|to)\b", " ", text.lower())
    t = re.sub(r"\s+", " ", t).strip(" .!")
    t = COLOR_ALIASES.get(t, t)
    try:
        return normalize_color(t)
    except ValueError:
        return None


# noun → (element kind, shape or None, sub-part kind or None)
_NOUNS: list[tuple[str, str, str | None, TargetKind]] = []


def _noun(words: str, kind: str, shape: str | None = None, part: TargetKind = "element") -> None:
    for w in words.split("|"):
        _NOUNS.append((w, kind, shape, part))


for _s in ("circle", "square", "rectangle", "triangle", "polygon", "arrow", "dot", "ellipse"):
    _noun(f"{_s}s|{_s}", "shape", _s)
_noun("lines|line|segment", "shape", "line")
_noun("shapes|shape|boxes|box|block|figure", "shape")
_noun("bullet points|bullet point|bullets|bullet|points|point|items|item", "bullets", None,
      "item")  # fmt: skip
_noun("list|bullet list", "bullets")
_noun("equations|equation|formulas|formula|formulae|math|expression", "equation")
_noun("graphs|graph|plots|plot|curves|curve|functions|function|parabola|wave", "axes", None,
      "plot")  # fmt: skip
_noun("axes|axis|coordinate system|coordinate plane", "axes")
_noun("vectors|vector", "vectors", None, "vector")
_noun("vector diagram|plane", "vectors")
_noun("number line|number lines", "number_line")
_noun("matrix|matrices", "matrix")
_noun("code block|code|program|snippet|listing", "code")
_noun("table|tables", "table")
_noun("texts|text|notes|note|captions|caption|sentences|sentence|paragraph|words|headline|"
      "tagline|subtitle", "text")  # fmt: skip
_NOUNS.sort(key=lambda n: len(n[0]), reverse=True)


_TITLE_WORDS = frozenset(
    {"title", "heading", "scene title", "name", "title text", "heading text", "headline",
     "title font", "big title", "main title"}
)  # fmt: skip


def headline_index(data: dict[str, Any]) -> int | None:
    """The text that serves as the title of a title card (a spec without a title), if any."""
    if data.get("title"):
        return None
    texts = [(i, el) for i, el in enumerate(data["elements"]) if el["kind"] == "text"]
    for i, el in texts:
        if el["id"] == "headline":
            return i
    large = [i for i, el in texts if el.get("size") == "large"]
    return large[0] if large else None


class MissingTarget(EditNotUnderstood):
    """The instruction names a part this scene does not have."""


@dataclass(frozen=True)
class Target:
    """One addressable part of a spec (indices into the spec's dict form)."""

    kind: TargetKind
    index: int = -1
    """Element index (unused for the title)."""
    sub: int = -1
    """Plot, bullet item or vector index within the element."""
    name: str = ""
    """How a summary refers to it, e.g. "triangle" or "second bullet"."""


def describe(data: dict[str, Any]) -> str:
    """A short list of what a spec contains, for refusals ("this scene has: the title, ...")."""
    parts = ["the title"] if data.get("title") or headline_index(data) is not None else []
    for el in data["elements"]:
        kind = el["kind"]
        what = el.get("shape") if kind == "shape" else kind.replace("_", " ")
        if what == "polygon":
            what = "shape"
        if kind == "axes":
            what = "graph" if len(el["plots"]) == 1 else f"{len(el['plots'])} graphs"
        elif kind == "bullets":
            what = f"a list of {len(el['items'])}"
        elif kind in {"equation", "text"}:
            shown = el["latex" if kind == "equation" else "text"]
            what = f"{kind} {shown[:20]!r}" if len(shown) <= 20 else kind
        if what not in parts:
            parts.append(what)
    shown = parts[:6] + (["…"] if len(parts) > 6 else [])
    return "this scene has: " + (", ".join(shown) or "nothing")


def _pick(items: list[Target], ordinal: int | None) -> list[Target]:
    if ordinal is None or not items:
        return items
    if ordinal == -1:
        return [items[-1]]
    return [items[ordinal - 1]] if ordinal <= len(items) else []


def resolve(phrase: str, data: dict[str, Any], *, allow_title: bool = True) -> list[Target]:
    """The targets a phrase names, or raise EditNotUnderstood naming what exists.

    Understands element ids ("e2", "triangle"), kinds and shapes ("the equation",
    "the circle"), ordinals ("the second bullet", "the last graph") and colour
    adjectives ("the red arrow").
    """
    raw = phrase.strip().lower()
    if " and " in raw:
        # "the triangle and the circle": every part, in order, without duplicates.
        out: list[Target] = []
        for part in raw.split(" and "):
            out += [t for t in resolve(part, data, allow_title=allow_title) if t not in out]
        return out
    p = re.sub(r"^(?:the|a|an|this|that|my|all(?: of)?(?: the)?|both(?: the)?)\s+", "", raw)
    p = re.sub(r"^(?:the|this|that)\s+", "", p).strip(" .'\"")
    elements = data["elements"]
    for i, el in enumerate(elements):
        if p in (el["id"].lower(), f"element {el['id'].lower()}"):
            return [Target("element", i, name=el["id"])]
    if allow_title and p in _TITLE_WORDS:
        # A title card has no title band: its headline is what people call the title.
        headline = headline_index(data)
        if headline is not None:
            return [Target("element", headline, name="title")]
        return [Target("title", name="title")]
    ordinal: int | None = None
    m = re.match(r"^(\w+)\s+", p)
    if m and m.group(1) in ORDINALS:
        ordinal = ORDINALS[m.group(1)]
        p = p[m.end() :]
    color: str | None = None
    m = re.match(rf"^({COLOR_RE})\s+", p)
    if m:
        color = parse_color(m.group(1))
        p = p[m.end() :]
    for noun, kind, shape, part in _NOUNS:
        if p != noun:
            continue
        found = _candidates(elements, kind, shape, part, ordinal, color)
        if not found and noun == "line":
            found = _candidates(elements, "number_line", None, "element", ordinal, color)
        if not found and noun in {"arrow", "arrows"}:
            found = _candidates(elements, "vectors", None, "vector", ordinal, color)
        what = " ".join(w for w in raw.split() if w not in {"the", "a", "an", "all", "of"})
        if found:
            return [replace(t, name=what) for t in found]
        raise MissingTarget(f"there is no {what} in this scene", hint=describe(data))
    raise MissingTarget(
        f"cannot tell which part of the scene {phrase.strip()!r} means",
        hint=describe(data) + "; name one by kind (the equation, the second bullet, the "
        "graph, the triangle) or by id",
    )


def _candidates(
    elements: list[dict[str, Any]],
    kind: str,
    shape: str | None,
    part: TargetKind,
    ordinal: int | None,
    color: str | None,
) -> list[Target]:
    els = [
        (i, el)
        for i, el in enumerate(elements)
        if el["kind"] == kind and (shape is None or el.get("shape") == shape)
    ]
    if color is not None:
        matching = [(i, el) for i, el in els if el.get("color") == color]
        els = matching or els
    label = (shape or kind).replace("_", " ")
    if part == "element" or not els:
        return _pick([Target("element", i, name=label) for i, _ in els], ordinal)
    subs = {"item": "items", "plot": "plots", "vector": "vectors"}[part]
    parts = [
        Target(part, i, k, name=f"{part} {k + 1}") for i, el in els for k in range(len(el[subs]))
    ]
    if ordinal is None:
        if part == "plot" and parts:
            return parts
        # "the bullets" / "the vectors": the whole element(s).
        return [Target("element", i, name=label) for i, _ in els]
    return _pick(parts, ordinal)
