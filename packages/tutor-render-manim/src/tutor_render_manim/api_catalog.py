"""The catalog of the installed Manim API that `api_check` checks code against.

A compact, JSON-serialisable view of an introspection snapshot: the names of
`from manim import *`, every Manim module's names, and for each class its bases,
members, attributes set by its methods and the keywords its constructor and methods
accept (following `**kwargs`). The docs index stores it; `ApiCatalog` reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from tutor_render_manim.manim_introspect import Snapshot

CATALOG_FORMAT = 1
"""Bump when the JSON layout changes (the docs index format must be bumped with it)."""


@dataclass(frozen=True)
class CallSpec:
    """What a Manim callable accepts and returns."""

    label: str
    keywords: tuple[str, ...]
    """Accepted keywords, the callable's own first, then along its `**kwargs` chain."""
    open: bool
    returns: str | None = None

    def accepts(self, name: str) -> bool:
        return self.open or name in self.keywords


@dataclass
class ClassSpec:
    """One Manim class as the checker sees it."""

    name: str
    bases: list[str]
    own: frozenset[str]
    instance: frozenset[str]
    external: frozenset[str]
    dynamic: str
    init: CallSpec
    methods: dict[str, CallSpec]
    _all: frozenset[str] | None = None


@dataclass(frozen=True)
class Symbol:
    """What a name of `from manim import *` is."""

    kind: Literal["class", "function", "constant", "module", "other"]
    ref: str | None = None


class ApiCatalog:
    """The installed Manim's names, class attributes and accepted keywords."""

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != CATALOG_FORMAT:
            raise ValueError("catalog data has an unknown format; rebuild the docs index")
        self.manim_version: str = data["manim_version"]
        self.star_names: frozenset[str] = frozenset(data["star_names"])
        self.namespace: dict[str, Symbol] = {
            name: Symbol(kind=v[0], ref=v[1]) for name, v in data["namespace"].items()
        }
        self.modules: dict[str, frozenset[str]] = {
            name: frozenset(names) for name, names in data["modules"].items()
        }
        self.functions: dict[str, CallSpec] = {
            name: _spec(v) for name, v in data["functions"].items()
        }
        self.classes: dict[str, ClassSpec] = {}
        for name, v in data["classes"].items():
            self.classes[name] = ClassSpec(
                name=name,
                bases=v["bases"],
                own=frozenset(v["own"]),
                instance=frozenset(v["instance"]),
                external=frozenset(v["external"]),
                dynamic=v["dynamic"],
                init=_spec(v["init"]),
                methods={m: _spec(s) for m, s in v["methods"].items()},
            )

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> ApiCatalog:
        """Build the catalog from an introspection snapshot."""
        return cls(catalog_data(snapshot))

    @classmethod
    def from_json(cls, text: str) -> ApiCatalog:
        return cls(json.loads(text))

    def attributes(self, class_name: str) -> frozenset[str]:
        """Every attribute an instance of the class has (own, inherited, set in methods)."""
        spec = self.classes[class_name]
        if spec._all is None:
            names: set[str] = set(spec.external)
            for base in spec.bases:
                b = self.classes.get(base)
                if b is not None:
                    names |= b.own | b.instance
            spec._all = frozenset(names)
        return spec._all

    def method(self, class_name: str, attr: str) -> CallSpec | None:
        """The spec of `attr` on the class, found along its bases."""
        spec = self.classes.get(class_name)
        if spec is None:
            return None
        for base in spec.bases:
            b = self.classes.get(base)
            if b is None:
                continue
            if attr in b.methods:
                return b.methods[attr]
            if attr in b.own:
                return None
        return None

    def method_owner(self, class_name: str, attr: str) -> str | None:
        """The Manim class that defines `attr` for this class (None: not found)."""
        spec = self.classes.get(class_name)
        if spec is None:
            return None
        for base in spec.bases:
            b = self.classes.get(base)
            if b is not None and attr in b.own:
                return base
        return None

    def dynamic(self, class_name: str) -> str:
        spec = self.classes.get(class_name)
        return spec.dynamic if spec is not None else "any"


def _spec(v: dict[str, Any]) -> CallSpec:
    return CallSpec(
        label=v["label"], keywords=tuple(v["kw"]), open=v["open"], returns=v.get("returns")
    )


def catalog_data(snapshot: Snapshot) -> dict[str, Any]:
    """The JSON-able catalog of a snapshot (stored in the docs index)."""
    entries = {e.name: e for e in snapshot.entries}

    def spec(label: str, entry: Any) -> dict[str, Any]:
        kw = entry.keywords
        return {
            "label": label,
            "kw": list(dict.fromkeys(p.name for p in kw.accepted)) if kw else [],
            "open": bool(kw.open) if kw else True,
            "returns": entry.returns,
        }

    classes: dict[str, Any] = {}
    functions: dict[str, Any] = {}
    for e in snapshot.entries:
        if e.kind == "class":
            short = e.name.rsplit(".", 1)[-1]
            methods = {}
            for member in e.own_members:
                m = entries.get(f"{e.name}.{member}")
                if m is not None and m.kind == "method":
                    methods[member] = spec(f"{short}.{member}", m)
            classes[e.name] = {
                "bases": e.bases,
                "own": e.own_members,
                "instance": e.instance_attributes,
                "external": e.external_attributes,
                "dynamic": e.dynamic_attributes,
                "init": spec(short, e),
                "methods": methods,
            }
        elif e.kind == "function":
            functions[e.name] = spec(e.name, e)
    namespace: dict[str, list[str | None]] = {}
    for name in snapshot.star_names:
        entry = entries.get(name)
        if name in snapshot.star_modules:
            module = snapshot.star_modules[name]
            namespace[name] = ["module", module if module in snapshot.modules else None]
        elif entry is None:
            namespace[name] = ["other", None]
        elif entry.kind == "class":
            namespace[name] = ["class", name]
        elif entry.kind == "function":
            namespace[name] = ["function", name]
        else:
            namespace[name] = ["constant", entry.value_type]
    return {
        "format": CATALOG_FORMAT,
        "manim_version": snapshot.manim_version,
        "star_names": snapshot.star_names,
        "namespace": namespace,
        "modules": snapshot.modules,
        "functions": functions,
        "classes": classes,
    }
