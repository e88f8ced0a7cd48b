"""Describe the installed Manim by introspection: names, signatures, docstrings, examples.

`collect()` imports Manim and walks what `from manim import *` gives a scene, plus every
Manim class those names inherit from and every `manim.*` module. For each class it
follows where `**kwargs` goes (Circle → Arc → TipableVMobject → VMobject → Mobject) by
reading the source of each `__init__`, so the API check knows every keyword a call
really accepts in *this* version. Nothing here executes scene code.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import re
import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tutor_render_manim.docs_models import (
    ApiEntry,
    DynamicAttributes,
    Example,
    KeywordInfo,
    Param,
    ParamKind,
)

EXAMPLE_URI = "manim://examples/{name}"

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_ROLE = re.compile(
    r":(?:py:)?(?:class|meth|func|attr|mod|data|obj|ref|doc|exc|const):`~?\.?([^`<]+?)(?:\s*<[^>]*>)?`"
)
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. manim::\s*(?P<name>\w+)\s*$")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")
_STAR_IMPORT = re.compile(r"^from manim import \*\s*$", re.MULTILINE)
_REF_OPTIONS = ("ref_classes", "ref_functions", "ref_methods", "ref_modules")
_KINDS: dict[inspect._ParameterKind, ParamKind] = {
    inspect.Parameter.POSITIONAL_ONLY: "positional",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
    inspect.Parameter.KEYWORD_ONLY: "keyword",
    inspect.Parameter.VAR_POSITIONAL: "var_positional",
    inspect.Parameter.VAR_KEYWORD: "var_keyword",
}
_SKIPPED_MODULE_PARTS = ("cli", "__main__", "plugins")


@dataclass
class Snapshot:
    """What `collect()` found in one Manim installation."""

    manim_version: str
    entries: list[ApiEntry]
    examples: list[Example]
    star_names: list[str]
    """Names a scene gets from `from manim import *`."""
    modules: dict[str, list[str]]
    """Every loaded `manim` module and the attribute names it has."""
    star_modules: dict[str, str]
    """Star-imported names that are modules, and the module each one is (`np` → `numpy`)."""


def _is_manim(obj: Any) -> bool:
    module = getattr(obj, "__module__", None)
    return isinstance(module, str) and (module == "manim" or module.startswith("manim."))


def _first_paragraph(doc: str) -> str:
    para = doc.strip().split("\n\n", 1)[0]
    return " ".join(para.split())


def _clean_roles(text: str) -> str:
    return _ROLE.sub(lambda m: f"`{m.group(1).strip()}`", text)


def split_examples(doc: str) -> tuple[str, list[tuple[str, dict[str, str], str]]]:
    """Split a docstring into its text and its `.. manim::` example blocks.

    Returns:
        The text with each block replaced by a one-line pointer, and a list of
        (scene name, directive options, dedented code).
    """
    lines = doc.splitlines()
    out: list[str] = []
    found: list[tuple[str, dict[str, str], str]] = []
    i = 0
    while i < len(lines):
        match = _DIRECTIVE.match(lines[i])
        if match is None:
            out.append(lines[i])
            i += 1
            continue
        indent = len(match.group("indent").expandtabs())
        name = match.group("name")
        options: dict[str, str] = {}
        i += 1
        while i < len(lines) and (opt := _OPTION.match(lines[i])):
            options[opt.group("key")] = opt.group("value").strip()
            i += 1
        body: list[str] = []
        while i < len(lines):
            line = lines[i]
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            body.append(line)
            i += 1
        code = textwrap.dedent("\n".join(body)).strip("\n")
        if code:
            found.append((name, options, code))
            out.append(f"{' ' * indent}(example `{name}`: {EXAMPLE_URI.format(name=name)})")
    return "\n".join(out), found


def _undoctest(code: str) -> str:
    """Turn a doctest session (`>>> ` / `... ` prompts and outputs) into plain source."""
    lines = code.splitlines()
    if not any(line.startswith(">>>") for line in lines):
        return code
    out = []
    for line in lines:
        if line.startswith((">>> ", "... ")):
            out.append(line[4:])
        elif line in (">>>", "..."):
            out.append("")
    return "\n".join(out)


class _Pretty:
    """Short, stable reprs for defaults: `RED` not `ManimColor('#FC6255')`, no addresses."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.colors: dict[str, str] = {}
        self.vectors: dict[tuple[float, ...], str] = {}
        for name in sorted(namespace, key=lambda n: (len(n), n)):
            value = namespace[name]
            if not name.isupper():
                continue
            if type(value).__name__ == "ManimColor":
                self.colors.setdefault(repr(value), name)
            elif type(value).__module__ == "numpy" and getattr(value, "shape", None) == (3,):
                with contextlib.suppress(TypeError, ValueError):
                    self.vectors.setdefault(tuple(float(x) for x in value), name)

    def __call__(self, value: Any) -> str:
        if value is inspect.Parameter.empty:
            return ""
        text = repr(value)
        if text in self.colors:
            return self.colors[text]
        if getattr(value, "shape", None) == (3,):
            with contextlib.suppress(TypeError, ValueError):
                key = tuple(float(x) for x in value)
                if key in self.vectors:
                    return self.vectors[key]
        if inspect.isfunction(value) or inspect.isbuiltin(value):
            return value.__name__
        if inspect.isclass(value):
            return value.__name__
        text = _ADDRESS.sub("", text)
        return text if len(text) <= 120 else text[:117] + "..."


def _annotation(param: inspect.Parameter | inspect.Signature) -> str | None:
    ann = param.annotation if isinstance(param, inspect.Parameter) else param.return_annotation
    if ann is inspect.Parameter.empty or ann is inspect.Signature.empty:
        return None
    return ann if isinstance(ann, str) else inspect.formatannotation(ann)


def _signature(func: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        return None


class _Sources:
    """Parsed Manim source files, each parsed once (inspect.getsource re-reads them)."""

    def __init__(self) -> None:
        self._trees: dict[str, ast.Module | None] = {}
        self._functions: dict[str, dict[int, ast.FunctionDef | ast.AsyncFunctionDef]] = {}

    def _tree(self, filename: str) -> ast.Module | None:
        if filename not in self._trees:
            tree: ast.Module | None
            try:
                with open(filename, encoding="utf-8") as fh:
                    tree = ast.parse(fh.read(), filename=filename)
            except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
                tree = None
            self._trees[filename] = tree
            by_line: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
            if tree is not None:
                for node in ast.walk(tree):
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        by_line[node.lineno] = node
                        for deco in node.decorator_list:
                            by_line.setdefault(deco.lineno, node)
            self._functions[filename] = by_line
        return self._trees[filename]

    def function(self, func: Any) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The parsed definition of `func`, or None when its source is not available."""
        code = getattr(inspect.unwrap(func), "__code__", None)
        if code is None or self._tree(code.co_filename) is None:
            return None
        return self._functions[code.co_filename].get(code.co_firstlineno)

    def klass(self, cls: type) -> ast.ClassDef | None:
        """The parsed definition of `cls`, found by its qualified name in its module."""
        module = sys.modules.get(cls.__module__)
        filename = getattr(module, "__file__", None)
        if not filename:
            return None
        tree = self._tree(filename)
        body: list[ast.stmt] = tree.body if tree is not None else []
        node: ast.ClassDef | None = None
        for part in cls.__qualname__.split("."):
            node = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == part), None)
            if node is None:
                return None
            body = node.body
        return node


@dataclass
class _Forwarding:
    targets: list[ast.expr] = field(default_factory=list)
    consumed: list[str] = field(default_factory=list)
    unaccounted: bool = False


def _forwarding(node: ast.FunctionDef | ast.AsyncFunctionDef, varkw: str) -> _Forwarding:
    """Where the function body sends its `**varkw` mapping."""
    result = _Forwarding()
    uses = 0
    accounted = 0
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id == varkw and isinstance(sub.ctx, ast.Load):
            uses += 1
        elif isinstance(sub, ast.Call):
            for kw in sub.keywords:
                if kw.arg is None and isinstance(kw.value, ast.Name) and kw.value.id == varkw:
                    result.targets.append(sub.func)
                    accounted += 1
            func = sub.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == varkw
                and func.attr in {"pop", "get", "setdefault"}
                and sub.args
                and isinstance(sub.args[0], ast.Constant)
                and isinstance(sub.args[0].value, str)
            ):
                result.consumed.append(sub.args[0].value)
                accounted += 1
            elif (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == varkw
                and func.attr == "copy"
                and not sub.args
            ):
                accounted += 1  # a copy kept for later; the original still goes on
        elif (
            isinstance(sub, ast.Subscript)
            and isinstance(sub.value, ast.Name)
            and sub.value.id == varkw
            and isinstance(sub.slice, ast.Constant)
            and isinstance(sub.slice.value, str)
        ):
            if isinstance(sub.ctx, ast.Load):
                result.consumed.append(sub.slice.value)
            accounted += 1
        elif (
            isinstance(sub, ast.Compare)
            and isinstance(sub.left, ast.Constant)
            and isinstance(sub.left.value, str)
            and len(sub.ops) == 1
            and isinstance(sub.ops[0], (ast.In, ast.NotIn))
            and isinstance(sub.comparators[0], ast.Name)
            and sub.comparators[0].id == varkw
        ):
            result.consumed.append(sub.left.value)
            accounted += 1
    result.unaccounted = accounted < uses or (not result.targets and not result.consumed)
    return result


class _Walker:
    """Introspects Manim classes and functions, memoising keyword chains."""

    def __init__(self, manim: types.ModuleType) -> None:
        self.manim = manim
        self.namespace = {n: getattr(manim, n) for n in dir(manim) if not n.startswith("_")}
        self.pretty = _Pretty(self.namespace)
        self._kw_memo: dict[tuple[int, int], KeywordInfo] = {}
        self._in_progress: set[tuple[int, int]] = set()
        self.classes: dict[type, str] = {}
        self.pending: list[type] = []
        self.sources = _Sources()

    # -- names
    def class_key(self, cls: type) -> str:
        """The index name of a class: its exported name, else its dotted path."""
        name: str = cls.__name__
        if self.namespace.get(name) is cls:
            return name
        return f"{cls.__module__}.{cls.__qualname__}"

    def want_class(self, cls: type) -> str:
        """Schedule a Manim class for indexing and return its key."""
        if cls not in self.classes:
            self.classes[cls] = self.class_key(cls)
            self.pending.append(cls)
        return self.classes[cls]

    # -- parameters
    def params(self, sig: inspect.Signature, owner: str, drop_first: bool) -> list[Param]:
        items = list(sig.parameters.values())
        if drop_first and items and items[0].kind is not inspect.Parameter.KEYWORD_ONLY:
            items = items[1:]
        return [
            Param(
                name=p.name,
                kind=_KINDS[p.kind],
                default=None if p.default is inspect.Parameter.empty else self.pretty(p.default),
                annotation=_annotation(p),
                owner=owner,
            )
            for p in items
        ]

    def format_signature(
        self, name: str, sig: inspect.Signature, drop_first: bool, with_return: bool = True
    ) -> str:
        items = list(sig.parameters.values())
        if drop_first and items and items[0].kind is not inspect.Parameter.KEYWORD_ONLY:
            items = items[1:]
        parts: list[str] = []
        star_done = False
        for i, p in enumerate(items):
            if p.kind is inspect.Parameter.KEYWORD_ONLY and not star_done:
                parts.append("*")
                star_done = True
            if p.kind is inspect.Parameter.VAR_POSITIONAL:
                star_done = True
            prefix = {"var_positional": "*", "var_keyword": "**"}.get(_KINDS[p.kind], "")
            text = f"{prefix}{p.name}"
            ann = _annotation(p)
            if ann:
                text += f": {ann}"
            if p.default is not inspect.Parameter.empty:
                text += f" = {self.pretty(p.default)}" if ann else f"={self.pretty(p.default)}"
            parts.append(text)
            if (
                p.kind is inspect.Parameter.POSITIONAL_ONLY
                and i + 1 < len(items)
                and items[i + 1].kind is not inspect.Parameter.POSITIONAL_ONLY
            ):
                parts.append("/")
        text = f"{name}({', '.join(parts)})"
        ret = _annotation(sig)
        if with_return and ret and ret != "None":
            text += f" -> {ret}"
        return text

    # -- keyword chains
    def keywords_for_class(self, cls: type) -> KeywordInfo:
        """Keywords accepted by `cls(...)`."""
        for base in cls.__mro__:
            init = base.__dict__.get("__init__")
            if init is None:
                continue
            if base is object:
                return KeywordInfo(accepted=[], open=False, chain=[self.class_key(cls)])
            if not _is_manim(base):
                return KeywordInfo(open=True, chain=[self.class_key(cls)])
            return self.keywords_for_function(init, base, drop_first=True)
        return KeywordInfo(open=True, chain=[self.class_key(cls)])

    def keywords_for_function(self, func: Any, owner: type | None, drop_first: bool) -> KeywordInfo:
        """Keywords accepted by calling `func` (a method of `owner` when given)."""
        raw = func.__func__ if isinstance(func, (classmethod, staticmethod)) else func
        key = (id(raw), id(owner))
        if key in self._kw_memo:
            return self._kw_memo[key]
        label = self.want_class(owner) if owner is not None else getattr(raw, "__name__", "?")
        if key in self._in_progress:  # a cycle: stop following, accept anything
            return KeywordInfo(open=True, chain=[label])
        self._in_progress.add(key)
        try:
            info = self._keywords(raw, owner, drop_first, label)
        finally:
            self._in_progress.discard(key)
        self._kw_memo[key] = info
        return info

    def _keywords(self, func: Any, owner: type | None, drop_first: bool, label: str) -> KeywordInfo:
        sig = _signature(func)
        if sig is None:
            return KeywordInfo(open=True, chain=[label])
        own = [
            p
            for p in self.params(sig, label, drop_first)
            if p.kind in ("positional_or_keyword", "keyword")
        ]
        varkw = next((p.name for p in sig.parameters.values() if p.kind is p.VAR_KEYWORD), None)
        if varkw is None:
            return KeywordInfo(accepted=own, open=False, chain=[label])
        node = self.sources.function(func)
        if node is None:
            return KeywordInfo(accepted=own, open=True, chain=[label])
        fwd = _forwarding(node, varkw)
        accepted = list(own)
        accepted.extend(Param(name=n, kind="keyword", owner=label) for n in fwd.consumed)
        is_open = fwd.unaccounted
        chain = [label]
        for target in fwd.targets:
            info = self._resolve_target(target, func, owner)
            if info is None:
                is_open = True
                continue
            accepted.extend(info.accepted)
            is_open = is_open or info.open
            if len(chain) == 1:
                chain.extend(info.chain)
        unique: list[Param] = []
        seen: set[str] = set()
        for p in accepted:  # the first declaration of a name wins (the most derived)
            if p.name not in seen:
                seen.add(p.name)
                unique.append(p)
        return KeywordInfo(accepted=unique, open=is_open, chain=chain)

    def _lookup(self, cls: type, name: str, after: type | None = None) -> tuple[type, Any] | None:
        mro = cls.__mro__
        if after is not None and after in mro:
            mro = mro[mro.index(after) + 1 :]
        for base in mro:
            if name in base.__dict__:
                return base, base.__dict__[name]
        return None

    def _method_keywords(self, found: tuple[type, Any] | None, name: str) -> KeywordInfo | None:
        if found is None:
            return None
        base, raw = found
        if base is object and name == "__init__":
            return KeywordInfo(accepted=[], open=False, chain=["object"])
        if not _is_manim(base):
            return None
        if isinstance(raw, staticmethod):
            return self.keywords_for_function(raw, base, drop_first=False)
        if inspect.isfunction(raw) or isinstance(raw, classmethod):
            return self.keywords_for_function(raw, base, drop_first=True)
        return None

    def _resolve_target(self, expr: ast.expr, func: Any, owner: type | None) -> KeywordInfo | None:
        """Keywords accepted by the callee `expr` that receives `**kwargs` (None: unknown)."""
        scope: dict[str, Any] = getattr(func, "__globals__", {})
        if isinstance(expr, ast.Attribute):
            value = expr.value
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                if value.func.id == "super" and owner is not None:
                    start: type | None = owner
                    if value.args and isinstance(value.args[0], ast.Name):
                        named = scope.get(value.args[0].id)
                        start = named if inspect.isclass(named) else None
                    if start is None:
                        return None
                    return self._method_keywords(
                        self._lookup(owner, expr.attr, after=start), expr.attr
                    )
                if value.func.id == "type" and owner is not None:
                    return self._method_keywords(self._lookup(owner, expr.attr), expr.attr)
                return None
            if isinstance(value, ast.Name):
                if value.id in {"self", "cls"} and owner is not None:
                    return self._method_keywords(self._lookup(owner, expr.attr), expr.attr)
                target = scope.get(value.id)
                if inspect.isclass(target):
                    return self._method_keywords(self._lookup(target, expr.attr), expr.attr)
            return None
        if isinstance(expr, ast.Name):
            if expr.id == "cls" and owner is not None:
                return self.keywords_for_class(owner)
            target = scope.get(expr.id)
            if inspect.isclass(target) and _is_manim(target):
                self.want_class(target)
                return self.keywords_for_class(target)
            if inspect.isfunction(target) and _is_manim(target):
                return self.keywords_for_function(target, None, drop_first=False)
        return None

    def returns(self, func: Any, owner: type | None) -> str | None:
        """The API name a call of `func` returns, when its annotation names one plainly."""
        sig = _signature(func)
        ann = _annotation(sig) if sig is not None else None
        if not ann:
            return None
        ann = ann.strip("'\"")
        if ann in {"Self", "typing_extensions.Self", "typing.Self"}:
            return "Self"
        if not ann.isidentifier():
            return None
        target = getattr(func, "__globals__", {}).get(ann)
        if inspect.isclass(target) and _is_manim(target):
            return self.want_class(target)
        if owner is not None and ann == owner.__name__:
            return "Self"
        return None


def _instance_attributes(tree: ast.ClassDef | None) -> list[str]:
    """Attributes the class's own methods set on `self` (read from its source)."""
    if tree is None:
        return []
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    names.add(stmt.target.id)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        dynamic = False
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.ctx, ast.Store)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == "self"
            ):
                names.add(sub.attr)
            elif (
                isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Name)
                and sub.func.id == "setattr"
                and len(sub.args) >= 2
            ):
                arg = sub.args[1]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.add(arg.value)
                else:
                    dynamic = True
        if dynamic:  # setattr(self, name, ...) with a computed name: take every identifier literal
            for sub in ast.walk(node):
                if (
                    isinstance(sub, ast.Constant)
                    and isinstance(sub.value, str)
                    and sub.value.isidentifier()
                ):
                    names.add(sub.value)
    return sorted(names)


def _dynamic_attributes(cls: type) -> DynamicAttributes:
    getattr_impl = None
    for base in cls.__mro__:
        if "__getattr__" in base.__dict__:
            getattr_impl = base.__dict__["__getattr__"]
            break
    if getattr_impl is None:
        return "none"
    if getattr(getattr_impl, "__qualname__", "") == "Mobject.__getattr__":
        return "get_set"
    return "any"


def _doc_of(obj: Any) -> str:
    doc = obj.__doc__ if isinstance(getattr(obj, "__doc__", None), str) else None
    return inspect.cleandoc(doc) if doc else ""


class _Collector:
    def __init__(self, manim: types.ModuleType) -> None:
        self.walker = _Walker(manim)
        self.entries: dict[str, ApiEntry] = {}
        self.examples: dict[str, Example] = {}

    def add_doc(self, owner: str, doc: str) -> tuple[str, list[str]]:
        """Clean a docstring, register its examples, return (text, example names)."""
        text, found = split_examples(_clean_roles(doc))
        names: list[str] = []
        if ".opengl" in owner:  # examples for the OpenGL renderer; tutor renders with Cairo
            found = []
        for scene, options, block in found:
            code = _undoctest(block)
            try:
                compile(code, scene, "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue  # a broken example would only mislead
            name = scene
            n = 2
            while name in self.examples:
                name = f"{scene}_{n}"
                n += 1
            refs = [owner]
            for opt in _REF_OPTIONS:
                refs.extend(r.strip("~.") for r in options.get(opt, "").split() if r.strip("~."))
            # Manim's docs run every example after `from manim import *`; so do we.
            full = code if _STAR_IMPORT.search(code) else f"from manim import *\n\n{code}"
            self.examples[name] = Example(
                name=name,
                api=owner,
                refs=list(dict.fromkeys(refs)),
                code=full.rstrip() + "\n",
                uri=EXAMPLE_URI.format(name=name),
            )
            names.append(name)
        return text.strip(), names

    def add_class(self, cls: type) -> None:
        w = self.walker
        key = w.classes[cls]
        doc, examples = self.add_doc(key, _doc_of(cls))
        init_owner = next((b for b in cls.__mro__ if "__init__" in b.__dict__), object)
        init = init_owner.__dict__["__init__"]
        sig = _signature(init) if init_owner is not object else None
        params: list[Param] = []
        signature = f"{key.rsplit('.', 1)[-1]}()"
        if sig is not None:
            owner_label = w.want_class(init_owner) if _is_manim(init_owner) else init_owner.__name__
            params = w.params(sig, owner_label, drop_first=True)
            signature = w.format_signature(
                key.rsplit(".", 1)[-1], sig, drop_first=True, with_return=False
            )
        bases = [w.want_class(b) for b in cls.__mro__ if _is_manim(b)]
        external: set[str] = set()
        for b in cls.__mro__:
            if not _is_manim(b):
                external.update(dir(b))
        own = sorted(n for n in cls.__dict__ if not (n.startswith("__") and n.endswith("__")))
        self.entries[key] = ApiEntry(
            name=key,
            kind="class",
            module=cls.__module__,
            signature=signature,
            summary=_first_paragraph(doc),
            doc=doc,
            params=params,
            keywords=w.keywords_for_class(cls),
            bases=bases,
            own_members=own,
            instance_attributes=_instance_attributes(w.sources.klass(cls)),
            external_attributes=sorted(external),
            dynamic_attributes=_dynamic_attributes(cls),
            examples=examples,
        )
        for name, raw in cls.__dict__.items():
            if not name.startswith("_"):
                self.add_member(cls, key, name, raw)

    def add_member(self, cls: type, owner: str, name: str, raw: Any) -> None:
        w = self.walker
        full = f"{owner}.{name}"
        if isinstance(raw, (property, functools.cached_property)):
            fget = raw.fget if isinstance(raw, property) else raw.func
            doc, examples = self.add_doc(full, _doc_of(fget) if fget else "")
            self.entries[full] = ApiEntry(
                name=full,
                kind="property",
                module=cls.__module__,
                signature=f"{owner.rsplit('.', 1)[-1]}.{name}",
                summary=_first_paragraph(doc),
                doc=doc,
                examples=examples,
            )
            return
        drop_first = not isinstance(raw, staticmethod)
        func = raw.__func__ if isinstance(raw, (classmethod, staticmethod)) else raw
        if not inspect.isfunction(func):
            return
        sig = _signature(func)
        doc, examples = self.add_doc(full, _doc_of(func))
        short = f"{owner.rsplit('.', 1)[-1]}.{name}"
        self.entries[full] = ApiEntry(
            name=full,
            kind="method",
            module=cls.__module__,
            signature=w.format_signature(short, sig, drop_first) if sig else f"{short}(...)",
            summary=_first_paragraph(doc),
            doc=doc,
            params=w.params(sig, owner, drop_first) if sig else [],
            keywords=w.keywords_for_function(raw, cls, drop_first=drop_first),
            returns=w.returns(func, cls),
            examples=examples,
        )

    def add_function(self, name: str, func: Any) -> None:
        w = self.walker
        sig = _signature(func)
        doc, examples = self.add_doc(name, _doc_of(func))
        self.entries[name] = ApiEntry(
            name=name,
            kind="function",
            module=func.__module__,
            signature=w.format_signature(name, sig, False) if sig else f"{name}(...)",
            summary=_first_paragraph(doc),
            doc=doc,
            params=w.params(sig, name, False) if sig else [],
            keywords=w.keywords_for_function(func, None, drop_first=False),
            returns=w.returns(func, None),
            examples=examples,
        )

    def add_constant(self, name: str, value: Any) -> None:
        w = self.walker
        value_type = None
        if _is_manim(type(value)) and inspect.isclass(type(value)):
            value_type = w.want_class(type(value))
        summary = f"{name} = {w.pretty(value)}"
        doc = ""
        if type(value).__name__ == "ManimConfig":
            # its repr lists every option: point at the class page instead
            summary = f"The global Manim configuration; its options are on {value_type}."
            doc = _clean_roles(_doc_of(type(value)))
        self.entries[name] = ApiEntry(
            name=name,
            kind="constant",
            module=getattr(type(value), "__module__", "builtins"),
            signature=name,
            summary=summary,
            doc=doc,
            value=w.pretty(value),
            value_type=value_type,
        )

    def add_module(self, name: str, module: types.ModuleType) -> None:
        doc, examples = self.add_doc(name, _doc_of(module))
        self.entries[name] = ApiEntry(
            name=name,
            kind="module",
            module=name,
            signature=None,
            summary=_first_paragraph(doc),
            doc=doc,
            examples=examples,
        )


def _manim_modules() -> Iterator[tuple[str, types.ModuleType]]:
    for name, module in sorted(sys.modules.items()):
        if not isinstance(module, types.ModuleType):
            continue
        if name != "manim" and not name.startswith("manim."):
            continue
        parts = name.split(".")[1:]
        if any(p.startswith("_") or p in _SKIPPED_MODULE_PARTS for p in parts):
            continue
        yield name, module


def collect(import_manim: Callable[[], types.ModuleType] | None = None) -> Snapshot:
    """Import Manim and describe it.

    Args:
        import_manim: how to import Manim (tests may pass a stand-in); default `import manim`.

    Returns:
        Entries for every exported class, function, constant and module, each Manim
        base class and each public method and property of those classes, plus the
        examples found in their docstrings.
    """
    # Manim prints through rich on stdout when it warns at import; stdout may carry a
    # protocol (MCP over stdio), so everything printed here goes to stderr instead.
    with contextlib.redirect_stdout(sys.stderr):
        if import_manim is None:
            import manim as imported

            manim: types.ModuleType = imported
        else:
            manim = import_manim()
        return _collect(manim)


def _collect(manim: types.ModuleType) -> Snapshot:
    collector = _Collector(manim)
    walker = collector.walker
    star = sorted(walker.namespace)
    for name in star:
        value = walker.namespace[name]
        if inspect.isclass(value):
            if _is_manim(value):
                walker.want_class(value)
        elif inspect.ismodule(value):
            continue
        elif inspect.isfunction(value) or inspect.isbuiltin(value):
            if _is_manim(value):
                collector.add_function(name, value)
        elif not callable(value) or type(value).__name__ == "ManimColor":
            collector.add_constant(name, value)
    while walker.pending:
        collector.add_class(walker.pending.pop())
    modules: dict[str, list[str]] = {}
    for mod_name, module in _manim_modules():
        modules[mod_name] = sorted(n for n in dir(module) if not n.startswith("__"))
        if mod_name != "manim":
            collector.add_module(mod_name, module)
    # Classes reached only while walking methods (return types, keyword targets).
    while walker.pending:
        collector.add_class(walker.pending.pop())
    version = str(getattr(manim, "__version__", "unknown"))
    return Snapshot(
        manim_version=version,
        entries=sorted(collector.entries.values(), key=lambda e: e.name),
        examples=sorted(collector.examples.values(), key=lambda e: e.name),
        star_names=star,
        modules=modules,
        star_modules={
            name: walker.namespace[name].__name__
            for name in star
            if inspect.ismodule(walker.namespace[name])
        },
    )
