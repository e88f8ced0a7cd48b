"""Check scene code against the installed Manim API, before anything renders.

`check_api(code, catalog)` reads the code (never runs it) and reports every Manim name,
attribute of a Manim object and keyword argument that does not exist in the installed
Manim, with "did you mean" suggestions. It only reports what it is sure of: a value
whose type it cannot follow is not checked, so correct code is never refused.

`validate_scene(code, catalog)` is what a writer of scene code calls: the renderer's
code policy (`tutor_render_manim.policy.check_code`) plus this check.

The catalog comes from the docs index (`DocsIndex.catalog()`), or straight from an
introspection snapshot (`ApiCatalog.from_snapshot(collect())`).
"""

from __future__ import annotations

import ast
import builtins
import cmath
import functools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any, Literal

from tutor_render_manim.api_catalog import ApiCatalog, CallSpec
from tutor_render_manim.docs_models import ApiProblem, ValidationReport

__all__ = ["OLD_KEYWORDS", "OLD_NAMES", "ApiCatalog", "check_api", "validate_scene"]

MAX_CODE_CHARS = 200_000
MAX_PROBLEMS = 40
"""Problems listed per check; the rest are counted (a model fixes a few at a time anyway)."""

_BUILTINS = frozenset(dir(builtins))
_MODULE_DUNDERS = frozenset(
    {"__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__builtins__"}
)
_STAR_STDLIB = {"math": frozenset(dir(math)), "cmath": frozenset(dir(cmath))}


OLD_NAMES: dict[str, tuple[str, str]] = {
    "ShowCreation": ("Create", "use `Create`"),
    "ShowCreationThenDestruction": ("ShowPassingFlash", "use `ShowPassingFlash`"),
    "ShowCreationThenFadeOut": ("ShowPassingFlash", "use `ShowPassingFlash`"),
    "ShowCreationThenFadeAround": ("Circumscribe", "use `Circumscribe`"),
    "ShowPassingFlashAround": ("Circumscribe", "use `Circumscribe`"),
    "CircleIndicate": ("Circumscribe", "use `Circumscribe`"),
    "WiggleOutThenIn": ("Wiggle", "use `Wiggle`"),
    "TextMobject": ("Text", "use `Text` (or `Tex` for LaTeX text)"),
    "TexMobject": ("MathTex", "use `MathTex`"),
    "TexText": ("Tex", "use `Tex`"),
    "OldTex": ("MathTex", "use `MathTex`"),
    "OldTexText": ("Tex", "use `Tex`"),
    "FadeInFrom": ("FadeIn", "use `FadeIn(mobject, shift=DIRECTION)`"),
    "FadeInFromDown": ("FadeIn", "use `FadeIn(mobject, shift=UP)`"),
    "FadeInFromLarge": ("FadeIn", "use `FadeIn(mobject, scale=FACTOR)`"),
    "FadeOutAndShift": ("FadeOut", "use `FadeOut(mobject, shift=DIRECTION)`"),
    "FadeOutAndShiftDown": ("FadeOut", "use `FadeOut(mobject, shift=DOWN)`"),
    "GraphScene": ("Axes", "derive from `Scene` and draw with `Axes(...)` and `axes.plot(...)`"),
    "NumberLineScene": ("NumberLine", "derive from `Scene` and use `NumberLine`"),
    "InteractiveScene": ("Scene", "derive from `Scene`"),
}
"""Names from older Manim versions and ManimGL that models still write, and what replaced them."""

OLD_KEYWORDS: dict[str, str] = {
    "x_min": "x_range",
    "x_max": "x_range",
    "y_min": "y_range",
    "y_max": "y_range",
    "size": "font_size",
    "text_size": "font_size",
}
"""Keyword arguments of older Manim versions and their replacements."""


# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class _ClassObj:
    name: str


@dataclass(frozen=True)
class _Instance:
    name: str


@dataclass(frozen=True)
class _Module:
    name: str


@dataclass(frozen=True)
class _Function:
    name: str


@dataclass(frozen=True)
class _Method:
    owner: _Instance | _UserInstance | _ClassObj | _Animate
    attr: str
    spec: CallSpec


@dataclass(frozen=True)
class _UserClassObj:
    name: str


@dataclass(frozen=True)
class _UserInstance:
    name: str


@dataclass(frozen=True)
class _Super:
    name: str


@dataclass(frozen=True)
class _Animate:
    """`mob.animate`: calling a method of the mobject on it builds an animation."""

    target: _Instance | _UserInstance


_Type = (
    _ClassObj
    | _Instance
    | _Module
    | _Function
    | _Method
    | _UserClassObj
    | _UserInstance
    | _Super
    | _Animate
)


# --------------------------------------------------------------------------- scopes


@dataclass(eq=False)
class _Scope:
    kind: Literal["module", "function", "class", "comprehension"]
    parent: _Scope | None
    bindings: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)

    def bind(self, name: str, kind: str, value: Any = None) -> None:
        self.bindings.setdefault(name, []).append((kind, value))


@dataclass(eq=False)
class _UserClass:
    name: str
    node: ast.ClassDef
    scope: _Scope
    self_attrs: set[str] = field(default_factory=set)
    self_values: dict[str, list[ast.expr | None]] = field(default_factory=dict)
    """`self.x = value` assignments in its methods (None for other kinds of stores)."""


class _ScopeBuilder:
    """First pass: every binding of every scope, and the scope of each Name node."""

    def __init__(self) -> None:
        self.module = _Scope("module", None)
        self.scope_of: dict[int, _Scope] = {}
        self.classes: dict[int, _UserClass] = {}
        self.stored_attrs: set[str] = set()
        self.star_imports: list[str] = []

    def build(self, tree: ast.Module) -> None:
        stack: list[tuple[ast.AST, _Scope]] = [(tree, self.module)]
        while stack:
            node, scope = stack.pop()
            for child, child_scope in self._visit(node, scope):
                stack.append((child, child_scope))

    def _bind_target(self, target: ast.AST, scope: _Scope, kind: str, value: Any = None) -> None:
        if isinstance(target, ast.Name):
            scope.bind(target.id, kind, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._bind_target(elt, scope, "other")
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, scope, "other")

    def _visit(self, node: ast.AST, scope: _Scope) -> Iterator[tuple[ast.AST, _Scope]]:
        if isinstance(node, ast.Name):
            self.scope_of[id(node)] = scope
            if not isinstance(node.ctx, ast.Load):
                scope.bind(node.id, "other")
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from self._function(node, scope)
            return
        if isinstance(node, ast.ClassDef):
            scope.bind(node.name, "class", node)
            inner = _Scope("class", scope)
            self.classes[id(node)] = _UserClass(node.name, node, inner)
            for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
                yield expr, scope
            for stmt in node.body:
                yield stmt, inner
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = _Scope("comprehension", scope)
            for i, gen in enumerate(node.generators):
                self._bind_target(gen.target, inner, "other")
                yield gen.target, inner
                yield gen.iter, scope if i == 0 else inner
                for cond in gen.ifs:
                    yield cond, inner
            if isinstance(node, ast.DictComp):
                yield node.key, inner
                yield node.value, inner
            else:
                yield node.elt, inner
            return
        if isinstance(node, ast.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                scope.bind(node.targets[0].id, "assign", node.value)
                self.scope_of[id(node.targets[0])] = scope
                yield node.value, scope
                return
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            scope.bind(node.target.id, "assign" if node.value is not None else "other", node.value)
            self.scope_of[id(node.target)] = scope
            yield node.annotation, scope
            if node.value is not None:
                yield node.value, scope
            return
        elif isinstance(node, ast.NamedExpr):
            # `(x := ...)` inside a comprehension binds in the enclosing function scope.
            target_scope = scope
            while target_scope.kind == "comprehension" and target_scope.parent is not None:
                target_scope = target_scope.parent
            target_scope.bind(node.target.id, "other")
            self.scope_of[id(node.target)] = target_scope
            yield node.value, scope
            return
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node, scope)
            return
        elif isinstance(node, ast.Global):
            scope.globals.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            scope.nonlocals.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            scope.bind(node.name, "other")
        elif isinstance(node, ast.MatchMapping) and node.rest:
            scope.bind(node.rest, "other")
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            self.stored_attrs.add(node.attr)
        elif isinstance(node, ast.Call):
            self._note_dynamic_attrs(node)
        for child in ast.iter_child_nodes(node):
            yield child, scope

    def _note_dynamic_attrs(self, node: ast.Call) -> None:
        """`setattr(x, "a", v)` and `mob.set(a=v)` create attributes the code may read later."""
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
            arg = node.args[1]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                self.stored_attrs.add(arg.value)
        elif isinstance(func, ast.Attribute) and func.attr == "set":
            self.stored_attrs.update(k.arg for k in node.keywords if k.arg)

    def _function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, scope: _Scope
    ) -> Iterator[tuple[ast.AST, _Scope]]:
        if not isinstance(node, ast.Lambda):
            scope.bind(node.name, "def", node)
            yield from ((d, scope) for d in node.decorator_list)
            if node.returns is not None:
                yield node.returns, scope
        args = node.args
        defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        yield from ((d, scope) for d in defaults)
        inner = _Scope("function", scope)
        owner = self._method_owner(node, scope)
        positional = [*args.posonlyargs, *args.args]
        every = [*positional, *args.kwonlyargs]
        if args.vararg:
            every.append(args.vararg)
        if args.kwarg:
            every.append(args.kwarg)
        for i, arg in enumerate(every):
            if i == 0 and owner is not None and positional:
                inner.bind(arg.arg, "self", owner)
            else:
                inner.bind(arg.arg, "other")
            if arg.annotation is not None:
                yield arg.annotation, scope
        if owner is not None and positional:
            self._self_stores(node, positional[0].arg, owner)
        if isinstance(node, ast.Lambda):
            yield node.body, inner
        else:
            for stmt in node.body:
                yield stmt, inner

    def _self_stores(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
        self_name: str,
        owner: _UserClass,
    ) -> None:
        """Record the attributes a method sets on `self`, and the value when it is plain."""
        plain: dict[int, ast.expr] = {}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign) and len(sub.targets) == 1:
                plain[id(sub.targets[0])] = sub.value
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.ctx, ast.Store)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == self_name
            ):
                owner.self_attrs.add(sub.attr)
                owner.self_values.setdefault(sub.attr, []).append(plain.get(id(sub)))

    def _method_owner(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, scope: _Scope
    ) -> _UserClass | None:
        if isinstance(node, ast.Lambda) or scope.kind != "class":
            return None
        for deco in node.decorator_list:
            if isinstance(deco, ast.Name) and deco.id in {"staticmethod", "classmethod"}:
                return None
        return next((c for c in self.classes.values() if c.scope is scope), None)

    def _import(self, node: ast.Import | ast.ImportFrom, scope: _Scope) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.bind(alias.asname, "import", ("module", alias.name, node))
                else:
                    root = alias.name.split(".")[0]
                    scope.bind(root, "import", ("module", root, node))
            return
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                self.star_imports.append(module if not node.level else "")
                continue
            scope.bind(
                alias.asname or alias.name, "import", ("from", f"{module}:{alias.name}", node)
            )


# --------------------------------------------------------------------------- checker


class _Checker:
    def __init__(self, catalog: ApiCatalog, builder: _ScopeBuilder) -> None:
        self.catalog = catalog
        self.b = builder
        self.version = catalog.manim_version
        self.problems: list[ApiProblem] = []
        self._reported: set[tuple[str, ...]] = set()
        self._candidates: frozenset[str] | None = None
        self.hidden = 0
        """Problems found after the first MAX_PROBLEMS (counted, not listed)."""
        self._memo: dict[int, _Type | None] = {}
        self._active: set[int] = set()
        self.manim_star = "manim" in builder.star_imports
        self.extra_star: set[str] = set()
        self.unknowable = False
        for module in builder.star_imports:
            if module == "manim":
                continue
            if module in _STAR_STDLIB:
                self.extra_star |= _STAR_STDLIB[module]
            else:
                self.unknowable = True  # names may come from a module we do not describe
        self.user_classes = {c.name: c for c in builder.classes.values()}

    # -- reporting
    def report(
        self,
        code: str,
        key: tuple[str, ...],
        message: str,
        node: ast.AST,
        suggest: Callable[[], list[str]],
        ask: bool = True,
    ) -> None:
        """Record a problem once per key; suggestions are computed only for listed ones."""
        if key in self._reported:
            return
        self._reported.add(key)
        if len(self.problems) >= MAX_PROBLEMS:
            self.hidden += 1
            return
        suggestions = suggest()
        if suggestions and ask:
            quoted = " or ".join(f"`{s}`" for s in suggestions)
            message += f"; did you mean {quoted}?"
        self.problems.append(
            ApiProblem(
                code=code,
                message=message,
                line=getattr(node, "lineno", None),
                column=getattr(node, "col_offset", None),
                check="api",
                suggestions=suggestions,
            )
        )

    # -- imports
    def check_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "manim":
                    self._module_exists(alias.name, node)
            return
        module = node.module or ""
        if node.level or module.split(".")[0] != "manim" or not self._module_exists(module, node):
            return
        names = self.catalog.modules[module]
        public = [n for n in names if not n.startswith("_")]
        for alias in node.names:
            if alias.name == "*" or alias.name in names:
                continue
            if f"{module}.{alias.name}" in self.catalog.modules:
                continue
            self.report(
                "unknown-name",
                ("import", module, alias.name),
                f"`{module}` has no name `{alias.name}` in Manim {self.version}",
                node,
                functools.partial(_suggest, alias.name, public),
            )

    def _module_exists(self, module: str, node: ast.AST) -> bool:
        if module in self.catalog.modules:
            return True
        self.report(
            "unknown-module",
            ("module", module),
            f"there is no module `{module}` in Manim {self.version}",
            node,
            lambda: _suggest(module, self.catalog.modules),
        )
        return False

    # -- names
    def lookup(self, name: str, scope: _Scope) -> tuple[_Scope, list[tuple[str, Any]]] | None:
        start = scope
        if name in scope.globals:
            scope = self.b.module
        current: _Scope | None = scope
        while current is not None:
            if current.kind == "class" and current is not start:
                current = current.parent
                continue
            if name in current.bindings:
                return current, current.bindings[name]
            current = current.parent
        return None

    def check_name(self, node: ast.Name) -> None:
        scope = self.b.scope_of.get(id(node))
        if scope is None or self.lookup(node.id, scope) is not None:
            return
        name = node.id
        if name in _BUILTINS or name in _MODULE_DUNDERS or name in self.extra_star:
            return
        if self.manim_star and name in self.catalog.star_names:
            return
        if self.unknowable:
            return
        if not self.manim_star and name in self.catalog.star_names:
            self.report(
                "unknown-name",
                ("name", name),
                f"`{name}` is a Manim name but is never imported: add `from manim import *` "
                "at the top of the file",
                node,
                list,
            )
            return
        renamed = OLD_NAMES.get(name)
        if self.manim_star and renamed and renamed[0] in self.catalog.star_names:
            self.report(
                "unknown-name",
                ("name", name),
                f"`{name}` is from an older Manim (or ManimGL) and does not exist in Manim "
                f"{self.version}: {renamed[1]}",
                node,
                lambda: [renamed[0]],
                ask=False,
            )
            return
        where = f"in Manim {self.version}" if self.manim_star else "(it is never defined)"
        self.report(
            "unknown-name",
            ("name", name),
            f"`{name}` is not defined in this file nor {where}"
            if self.manim_star
            else f"`{name}` is not defined {where}",
            node,
            lambda: _suggest(name, self._name_candidates()),
        )

    def _name_candidates(self) -> frozenset[str]:
        if self._candidates is None:
            names: set[str] = set(self._bound_names())
            names |= {n for n in _BUILTINS if not n.startswith("_")}
            names |= self.extra_star
            if self.manim_star:
                names |= self.catalog.star_names
            self._candidates = frozenset(names)
        return self._candidates

    def _bound_names(self) -> Iterator[str]:
        scopes = [self.b.module, *(c.scope for c in self.b.classes.values())]
        seen: set[int] = set()
        for s in list(self.b.scope_of.values()) + scopes:
            if id(s) in seen:
                continue
            seen.add(id(s))
            yield from s.bindings

    # -- types
    def infer(self, expr: ast.AST, depth: int = 0) -> _Type | None:
        key = id(expr)
        if key in self._memo:
            return self._memo[key]
        if key in self._active or depth > 40:
            return None
        self._active.add(key)
        try:
            result = self._infer(expr, depth)
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result

    def _infer(self, expr: ast.AST, depth: int) -> _Type | None:
        if isinstance(expr, ast.Name):
            return self._infer_name(expr, depth)
        if isinstance(expr, ast.Attribute):
            base = self.infer(expr.value, depth + 1)
            return self._attribute_type(base, expr.attr) if base is not None else None
        if isinstance(expr, ast.Call):
            return self._call_type(expr, depth)
        return None

    def _infer_name(self, node: ast.Name, depth: int) -> _Type | None:
        scope = self.b.scope_of.get(id(node))
        if scope is None:
            return None
        found = self.lookup(node.id, scope)
        if found is None:
            if self.manim_star and node.id in self.catalog.star_names:
                return self._symbol_type(node.id)
            if node.id == "super":
                return None
            return None
        _, bindings = found
        types: set[_Type | None] = set()
        for kind, value in bindings:
            if kind == "assign" and isinstance(value, ast.AST):
                types.add(self.infer(value, depth + 1))
            elif kind == "class":
                types.add(_UserClassObj(value.name))
            elif kind == "self":
                types.add(_UserInstance(value.name))
            elif kind == "import":
                types.add(self._import_type(value))
            else:
                return None
            if None in types or len(types) > 1:
                return None
        return next(iter(types)) if len(types) == 1 else None

    def _import_type(self, value: tuple[str, str, ast.AST]) -> _Type | None:
        how, what, _ = value
        if how == "module":
            return _Module(what) if what in self.catalog.modules else None
        module, name = what.split(":", 1)
        if f"{module}.{name}" in self.catalog.modules:
            return _Module(f"{module}.{name}")
        if module.split(".")[0] != "manim":
            return None
        if name in self.catalog.modules.get(module, frozenset()) and name in self.catalog.namespace:
            return self._symbol_type(name)
        return None

    def _symbol_type(self, name: str) -> _Type | None:
        symbol = self.catalog.namespace.get(name)
        if symbol is None or symbol.ref is None:
            return None
        if symbol.kind == "class" and symbol.ref in self.catalog.classes:
            return _ClassObj(symbol.ref)
        if symbol.kind == "function" and symbol.ref in self.catalog.functions:
            return _Function(symbol.ref)
        if symbol.kind == "constant" and symbol.ref in self.catalog.classes:
            return _Instance(symbol.ref)
        if symbol.kind == "module":
            return _Module(symbol.ref)
        return None

    def _attribute_type(self, base: _Type, attr: str) -> _Type | None:
        if isinstance(base, _Module):
            sub = f"{base.name}.{attr}"
            if sub in self.catalog.modules:
                return _Module(sub)
            if base.name.startswith("manim") and attr in self.catalog.namespace:
                return self._symbol_type(attr)
            return None
        if isinstance(base, _Animate):
            inner = self._attribute_type(base.target, attr)
            return _Method(base, attr, inner.spec) if isinstance(inner, _Method) else None
        if attr == "animate" and isinstance(base, (_Instance, _UserInstance)):
            if self._has_animate(base):
                return _Animate(base)
            return None
        if isinstance(base, (_Instance, _ClassObj)):
            spec = self.catalog.method(base.name, attr)
            return _Method(base, attr, spec) if spec is not None else None
        if isinstance(base, _UserInstance):
            user = self.user_classes.get(base.name)
            if user is None or attr in user.scope.bindings:
                return None
            if attr in user.self_values:
                return self._self_attr_type(user, attr)
            manim_base = self._manim_base(user)
            if manim_base is None:
                return None
            spec = self.catalog.method(manim_base, attr)
            return _Method(base, attr, spec) if spec is not None else None
        if isinstance(base, _Super):
            user = self.user_classes.get(base.name)
            if user is None:
                return None
            manim_base = self._manim_base(user)
            # With a user class among the bases, super() may land in user code.
            if manim_base is None or any(
                isinstance(self.infer(b), _UserClassObj) for b in user.node.bases
            ):
                return None
            if attr == "__init__":
                init = self.catalog.classes[manim_base].init
                return _Method(_ClassObj(manim_base), attr, init)
            spec = self.catalog.method(manim_base, attr)
            return _Method(_ClassObj(manim_base), attr, spec) if spec is not None else None
        return None

    def _has_animate(self, base: _Instance | _UserInstance) -> bool:
        """True when `.animate` is Manim's animation builder on this object."""
        name = base.name
        if isinstance(base, _UserInstance):
            user = self.user_classes.get(base.name)
            if user is None or "animate" in user.scope.bindings or "animate" in user.self_attrs:
                return False
            found = self._manim_base(user)
            if found is None:
                return False
            name = found
        return self.catalog.method_owner(name, "animate") == "Mobject"

    def _self_attr_type(self, user: _UserClass, attr: str) -> _Type | None:
        """The type of `self.attr` when every assignment to it gives the same type."""
        found: set[_Type | None] = set()
        for value in user.self_values[attr]:
            found.add(self.infer(value) if value is not None else None)
            if None in found or len(found) > 1:
                return None
        return next(iter(found)) if found else None

    def _call_type(self, call: ast.Call, depth: int) -> _Type | None:
        func = call.func
        if isinstance(func, ast.Name) and func.id == "super" and not call.args:
            scope = self.b.scope_of.get(id(func))
            owner = self._enclosing_class(scope)
            return _Super(owner.name) if owner is not None else None
        callee = self.infer(func, depth + 1)
        if isinstance(callee, _Animate):
            return callee  # `mob.animate(run_time=2)` is the builder again
        if isinstance(callee, _Method) and isinstance(callee.owner, _Animate):
            return callee.owner  # each method call on the builder returns the builder
        if isinstance(callee, _ClassObj):
            return _Instance(callee.name)
        if isinstance(callee, _UserClassObj):
            return _UserInstance(callee.name)
        spec: CallSpec | None = None
        receiver: _Type | None = None
        if isinstance(callee, _Function):
            spec = self.catalog.functions.get(callee.name)
        elif isinstance(callee, _Method):
            spec, receiver = callee.spec, callee.owner
        if spec is None or spec.returns is None:
            return None
        if spec.returns == "Self":
            if isinstance(receiver, (_Instance, _UserInstance)):
                return receiver
            return None
        if spec.returns in self.catalog.classes:
            return _Instance(spec.returns)
        return None

    def _enclosing_class(self, scope: _Scope | None) -> _UserClass | None:
        while scope is not None:
            if scope.kind == "function" and scope.parent is not None:
                for bindings in scope.bindings.values():
                    for kind, value in bindings:
                        if kind == "self" and isinstance(value, _UserClass):
                            return value
            scope = scope.parent
        return None

    def _manim_base(self, user: _UserClass, seen: frozenset[str] = frozenset()) -> str | None:
        """The first Manim class a user class derives from (None when unknown)."""
        if user.name in seen:
            return None
        for base in user.node.bases:
            t = self.infer(base)
            if isinstance(t, _ClassObj):
                return t.name
            if isinstance(t, _UserClassObj) and t.name in self.user_classes:
                found = self._manim_base(self.user_classes[t.name], seen | {user.name})
                if found is not None:
                    return found
        return None

    def _user_attrs(self, user: _UserClass, seen: frozenset[str] = frozenset()) -> set[str] | None:
        """Attributes a user class instance has, or None when a base is not understood."""
        if user.name in seen:
            return None
        names = set(user.scope.bindings) | user.self_attrs
        for base in user.node.bases:
            t = self.infer(base)
            if isinstance(t, _ClassObj):
                if self.catalog.dynamic(t.name) == "any":
                    return None
                names |= self.catalog.attributes(t.name)
            elif isinstance(t, _UserClassObj) and t.name in self.user_classes:
                more = self._user_attrs(self.user_classes[t.name], seen | {user.name})
                if more is None:
                    return None
                names |= more
            else:
                return None
        if user.node.keywords:
            return None
        return names

    # -- attributes
    def check_attribute(self, node: ast.Attribute) -> None:
        attr = node.attr
        if attr.startswith("__") and attr.endswith("__"):
            return  # dunders are the code policy's business
        base = self.infer(node.value)
        if isinstance(base, _Animate):
            base = base.target  # `mob.animate.x` calls `mob.x`
        if base is None:
            return
        if isinstance(base, _Module):
            names = self.catalog.modules.get(base.name)
            if names is None or attr in names or f"{base.name}.{attr}" in self.catalog.modules:
                return
            self.report(
                "unknown-attribute",
                ("module-attr", base.name, attr),
                f"module `{base.name}` has no attribute `{attr}` in Manim {self.version}",
                node,
                lambda: _suggest(attr, (n for n in names if not n.startswith("_"))),
            )
            return
        if isinstance(base, (_Instance, _ClassObj)):
            name = base.name
            if name not in self.catalog.classes:
                return
            names_all = self.catalog.attributes(name)
            dynamic = self.catalog.dynamic(name)
            short = name.rsplit(".", 1)[-1]
            label = (
                f"`{short}` objects have" if isinstance(base, _Instance) else f"class `{short}` has"
            )
        elif isinstance(base, _UserInstance):
            user = self.user_classes.get(base.name)
            found = self._user_attrs(user) if user is not None else None
            manim_base = self._manim_base(user) if user is not None else None
            if found is None or manim_base is None:
                return
            names_all = frozenset(found)
            dynamic = self.catalog.dynamic(manim_base)
            label = f"`{base.name}` (a `{manim_base.rsplit('.', 1)[-1]}`) has"
        else:
            return
        if attr in names_all or attr in self.b.stored_attrs or dynamic == "any":
            return
        if (
            dynamic == "get_set"
            and attr[:4] in {"get_", "set_"}
            and (attr[4:] in names_all or attr[4:] in self.b.stored_attrs)
        ):
            return
        public = (n for n in names_all if not n.startswith("_") or attr.startswith("_"))
        extra = ""
        if dynamic == "get_set" and attr.startswith("set_"):
            extra = " (Manim would silently store it as a new attribute and draw nothing new)"
        self.report(
            "unknown-attribute",
            ("attr", base.name, attr),
            f"{label} no attribute `{attr}` in Manim {self.version}{extra}",
            node,
            lambda: _suggest(attr, public),
        )

    # -- keyword arguments
    def check_call(self, node: ast.Call) -> None:
        callee = self.infer(node.func)
        spec: CallSpec | None = None
        if isinstance(callee, _ClassObj):
            cls = self.catalog.classes.get(callee.name)
            spec = cls.init if cls is not None else None
        elif isinstance(callee, _Function):
            spec = self.catalog.functions.get(callee.name)
        elif isinstance(callee, _Method):
            spec = callee.spec
        if spec is None or spec.open:
            return
        for kw in node.keywords:
            if kw.arg is None or spec.accepts(kw.arg):
                continue
            accepted = list(spec.keywords)
            shown = ", ".join(accepted[:10])
            if len(accepted) > 10:
                shown += f", ... ({len(accepted)} in all; get_api('{spec.label}') lists them)"

            def suggest(word: str = kw.arg, accepted: list[str] = accepted) -> list[str]:
                found = _suggest(word, accepted)
                renamed = OLD_KEYWORDS.get(word)
                if renamed and renamed in accepted:
                    found = [renamed, *(s for s in found if s != renamed)]
                return found

            self.report(
                "unknown-keyword",
                ("kw", spec.label, kw.arg, str(node.lineno)),
                f"`{spec.label}()` has no keyword argument `{kw.arg}` in Manim {self.version} "
                f"(it accepts: {shown or 'no keyword arguments'})",
                kw,
                suggest,
            )

    def run(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.check_import(node)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                self.check_name(node)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                self.check_attribute(node)
            elif isinstance(node, ast.Call):
                self.check_call(node)


def _suggest(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    pool = sorted(set(candidates))
    lower = {c.lower(): c for c in pool}
    out: list[str] = []
    if word.lower() in lower and lower[word.lower()] != word:
        out.append(lower[word.lower()])
    for match in get_close_matches(word, pool, n=n, cutoff=0.6):
        if match not in out and match != word:
            out.append(match)
    if not out and len(word) >= 3:
        # abbreviations: `side` for `side_length`, `width` for `stroke_width`
        parts = [c for c in pool if word.lower() in c.lower().split("_")]
        out.extend(sorted(parts, key=len)[:n])
    return out[:n]


# --------------------------------------------------------------------------- entry points


def check_api(code: str, catalog: ApiCatalog) -> list[ApiProblem]:
    """Every Manim name, attribute and keyword in `code` that the installed Manim lacks.

    Args:
        code: Python source (it is parsed, never executed).
        catalog: the installed Manim's API (`DocsIndex.catalog()`).

    Returns:
        Problems (`unknown-name`, `unknown-attribute`, `unknown-keyword`,
        `unknown-module`) with line, column and suggestions; empty when all is known.
        Code that does not parse gives no problems here (the code policy reports it).
    """
    if len(code) > MAX_CODE_CHARS or "\x00" in code:
        return []
    try:
        tree = ast.parse(code, filename="scene.py")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    try:
        builder = _ScopeBuilder()
        builder.build(tree)
        checker = _Checker(catalog, builder)
        checker.run(tree)
    except RecursionError:
        return [
            ApiProblem(
                code="too-complex",
                message="the code is nested too deeply to check; split long expressions",
                check="api",
            )
        ]
    problems = sorted(checker.problems, key=lambda p: (p.line or 0, p.column or 0, p.code))
    if checker.hidden:
        problems.append(
            ApiProblem(
                code="too-many-problems",
                message=f"{checker.hidden} more problem(s) like these were not listed; fix "
                "these and validate again",
                check="api",
            )
        )
    return problems


def validate_scene(
    code: str, catalog: ApiCatalog, scene_class: str | None = None
) -> ValidationReport:
    """The renderer's code policy plus the installed-API check, in one report.

    Args:
        code: the scene source.
        catalog: the installed Manim's API.
        scene_class: the Scene subclass to render (None: the code must define exactly one).
    """
    from tutor_render_manim.policy import check_code, find_scene_class

    try:
        policy = check_code(code, scene_class)
    except RecursionError:
        policy = []
        policy_failed = True
    else:
        policy_failed = False
    problems = [ApiProblem(**p.model_dump(), check="policy") for p in policy]
    if policy_failed:
        problems.append(
            ApiProblem(
                code="too-complex",
                message="the code is nested too deeply to check; split long expressions",
                check="policy",
            )
        )
    if not any(p.code in {"syntax-error", "too-long"} for p in problems):
        problems.extend(check_api(code, catalog))
    if problems:
        counts = {"policy": 0, "api": 0}
        for p in problems:
            counts[p.check] += 1
        parts = []
        if counts["policy"]:
            parts.append(f"{counts['policy']} refused by the code policy")
        if counts["api"]:
            parts.append(f"{counts['api']} not in Manim {catalog.manim_version}")
        summary = f"{len(problems)} problem(s): {', '.join(parts)}; fix them and validate again"
    else:
        summary = f"no problems: the code passes the policy and uses Manim {catalog.manim_version}"
    found_class = scene_class
    if found_class is None and len(code) <= MAX_CODE_CHARS:
        try:
            found_class = find_scene_class(code)
        except (RecursionError, MemoryError, ValueError):
            found_class = None
    return ValidationReport(
        ok=not problems,
        manim_version=catalog.manim_version,
        scene_class=found_class,
        problems=problems,
        summary=summary,
    )
