"""Data shapes of the Manim docs index: API entries, examples, search hits, validation reports.

These are what `tutor-manim-mcp` returns (as structured tool results) and what the
in-process API check reads, so they stay plain pydantic models with no behaviour.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tutor_core.models import Problem

ApiKind = Literal["class", "function", "method", "property", "constant", "module"]
ParamKind = Literal[
    "positional", "positional_or_keyword", "keyword", "var_positional", "var_keyword"
]
DynamicAttributes = Literal["none", "get_set", "any"]


class Param(BaseModel):
    """One parameter of a signature, or one keyword argument a call accepts."""

    name: str
    kind: ParamKind
    default: str | None = None
    """`repr` of the default value (None when the parameter is required)."""
    annotation: str | None = None
    owner: str
    """The class or function whose signature declares it (`Arc` for Circle's `start_angle`)."""


class KeywordInfo(BaseModel):
    """Which keyword arguments a call accepts, following where `**kwargs` is forwarded."""

    accepted: list[Param] = Field(default_factory=list)
    """Every accepted keyword (own parameters first, then those reached through `**kwargs`)."""
    open: bool = False
    """True when `**kwargs` goes somewhere it cannot be followed: any keyword may be fine."""
    chain: list[str] = Field(default_factory=list)
    """Where `**kwargs` travels, e.g. Circle → Arc → TipableVMobject → VMobject → Mobject."""


class Example(BaseModel):
    """A runnable example scene taken from a `.. manim::` block of a Manim docstring."""

    name: str
    """The scene class name (unique in the index)."""
    api: str
    """The API entry whose docstring holds it."""
    refs: list[str] = Field(default_factory=list)
    """APIs the example is about (its owner and its `:ref_classes:` etc.)."""
    code: str
    """Complete source, starting with `from manim import *`."""
    uri: str


class ApiEntry(BaseModel):
    """Everything the index knows about one Manim name."""

    name: str
    """`Circle`, `VMobject.set_fill`, `config`; non-exported classes use their dotted path."""
    kind: ApiKind
    module: str
    signature: str | None = None
    summary: str = ""
    doc: str = ""
    """The docstring with its example blocks moved to `examples`."""
    params: list[Param] = Field(default_factory=list)
    keywords: KeywordInfo | None = None
    returns: str | None = None
    """The API name a call returns (`Self` for chaining methods), when the annotation says."""
    bases: list[str] = Field(default_factory=list)
    """Classes: the method resolution order, Manim classes only, this class first."""
    own_members: list[str] = Field(default_factory=list)
    """Classes: names defined in the class body (methods, properties, class attributes)."""
    instance_attributes: list[str] = Field(default_factory=list)
    """Classes: `self.x = ...` attributes set by this class's own methods."""
    external_attributes: list[str] = Field(default_factory=list)
    """Classes: attributes inherited from non-Manim bases (`object`, ...)."""
    dynamic_attributes: DynamicAttributes = "none"
    """Classes: `get_set` for Mobject's `get_x`/`set_x` helpers; `any` for a catch-all
    `__getattr__`."""
    value_type: str | None = None
    """Constants: the Manim class of the value (`ManimColor` for `RED`)."""
    value: str | None = None
    """Constants: a short `repr` of the value."""
    examples: list[str] = Field(default_factory=list)
    """Names of the examples found in this entry's docstring."""


class SearchHit(BaseModel):
    """One search result."""

    name: str
    kind: ApiKind
    signature: str | None = None
    summary: str = ""
    uri: str


class SearchResults(BaseModel):
    """Answer of `search_docs`."""

    query: str
    manim_version: str
    hits: list[SearchHit]


class ApiPage(BaseModel):
    """Answer of `get_api`: signature, docstring and examples of one name."""

    name: str
    requested: str
    """What was asked for (`Circle.set_fill` is answered by `VMobject.set_fill`)."""
    kind: ApiKind
    module: str
    manim_version: str
    signature: str | None = None
    summary: str = ""
    doc: str = ""
    params: list[Param] = Field(default_factory=list)
    keywords: KeywordInfo | None = None
    returns: str | None = None
    bases: list[str] = Field(default_factory=list)
    methods: list[str] = Field(default_factory=list)
    """Classes: public methods and properties defined by this class itself."""
    inherited_methods: int = 0
    """Classes: how many more public methods come from its Manim bases."""
    value: str | None = None
    examples: list[Example] = Field(default_factory=list)
    uri: str


class ExampleList(BaseModel):
    """Answer of `list_examples`."""

    topic: str
    manim_version: str
    total: int
    """How many examples matched (more than returned when the limit cut the list)."""
    examples: list[Example]


class ApiProblem(Problem):
    """A problem found by a check, with the names it suggests instead."""

    check: Literal["policy", "api"] = "api"
    suggestions: list[str] = Field(default_factory=list)


class ValidationReport(BaseModel):
    """Answer of `validate_scene`: the code policy plus the installed-API check."""

    ok: bool
    manim_version: str
    scene_class: str | None = None
    problems: list[ApiProblem]
    summary: str
