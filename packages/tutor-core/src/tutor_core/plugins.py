"""The plugin manager: default plugins, entry-point plugins and registries by kind.

Every hook is called through the plugin manager, one plugin at a time
(`pm.subset_hook_caller`: `pm.hook.<name>` restricted to that plugin plus every
wrapper). So `TUTOR_TRACE_PLUGINS=1` traces each call, hook wrappers wrap each
implementation, a registration is attributed to the plugin that made it, and one
plugin that raises does not stop the others: registry and observer hooks log it with
the plugin's name and carry on.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

from tutor_core import hookspecs
from tutor_core.errors import ConfigurationError, UnknownPluginError

if TYPE_CHECKING:
    from tutor_core.settings import Settings

T = TypeVar("T")

log = logging.getLogger("tutor.plugins")

ENTRY_POINT_GROUP = "tutor"

DEFAULT_PLUGINS: tuple[str, ...] = (
    "tutor_core.default_plugins.sqlite_store",
    "tutor_core.default_plugins.local_storage",
    "tutor_core.default_plugins.inprocess_queue",
    "tutor_core.default_plugins.narrators",
    "tutor_core.default_plugins.lesson_agent",
)
"""Built-in plugins, registered like any other (their hooks are `trylast`)."""

KINDS: dict[str, str] = {
    "renderer": "register_renderers",
    "storage": "register_storages",
    "agent": "register_agents",
    "store": "register_stores",
    "narrator": "register_narrators",
    "queue": "register_queues",
}


KNOWN_PACKAGES: dict[tuple[str, str], str] = {
    ("renderer", "manim"): "tutor-render-manim",
    ("storage", "s3"): "tutor-storage-s3",
}
"""First-party plugins shipped as their own distributions, for install hints."""


@dataclass(frozen=True)
class Registration:
    """One thing a plugin registered."""

    kind: str
    name: str
    factory: Callable[[Settings], Any]
    description: str = ""
    plugin: str = ""


@dataclass
class PluginInfo:
    """What `tutor plugins` shows about one plugin."""

    name: str
    package: str | None
    version: str | None
    hooks: list[str] = field(default_factory=list)
    registers: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "package": self.package,
            "version": self.version,
            "hooks": self.hooks,
            "registers": self.registers,
        }


def _allow_list() -> set[str] | None:
    raw = os.environ.get("TUTOR_LOAD_PLUGINS")
    if raw is None:
        return None
    return {p.strip() for p in raw.split(",") if p.strip()}


load_errors: dict[str, str] = {}
"""Entry-point plugins that failed to import, by name, with the reason (see `tutor doctor`)."""


def _make_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("tutor")
    pm.add_hookspecs(hookspecs)
    allow = _allow_list()
    for module_name in DEFAULT_PLUGINS:
        mod = importlib.import_module(module_name)
        pm.register(mod, name=module_name)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist_name = ep.dist.name if ep.dist is not None else None
        if allow is not None and ep.name not in allow and dist_name not in allow:
            continue
        if pm.get_plugin(ep.name) is not None:
            continue
        try:
            mod = ep.load()
        except Exception as exc:  # one broken plugin must not break tutor
            load_errors[ep.name] = (
                f"plugin {ep.name!r} ({dist_name}) failed to import: {type(exc).__name__}: {exc}; "
                "reinstall it, or leave it out with TUTOR_LOAD_PLUGINS=name,name"
            )
            log.warning("%s", load_errors[ep.name])
            continue
        pm.register(mod, name=ep.name)
        if ep.dist is not None:
            pm._plugin_distinfo.append((mod, ep.dist))  # type: ignore[attr-defined]
    if os.environ.get("TUTOR_TRACE_PLUGINS"):
        pm.trace.root.setwriter(lambda msg: print(msg, end="", file=sys.stderr))
        pm.enable_tracing()
    return pm


_manager: pluggy.PluginManager | None = None


def manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built on first use.

    Built lazily so that a plugin module that imports tutor_core is fully loaded
    before its entry point is registered.
    """
    global _manager
    if _manager is None:
        _manager = _make_manager()
    return _manager


def __getattr__(name: str) -> Any:
    if name == "pm":
        return manager()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def implementers(hook_name: str) -> list[str]:
    """Plugins implementing a hook (wrappers aside), in registration order.

    pluggy calls them in the reverse order: the last registered first, `trylast` ones last.
    """
    hook = getattr(manager().hook, hook_name)
    return [impl.plugin_name for impl in hook.get_hookimpls() if not _is_wrapper(impl)]


def _is_wrapper(impl: pluggy.HookImpl) -> bool:
    return bool(impl.hookwrapper or impl.wrapper)


def call_hook(hook_name: str, plugin_name: str, **kwargs: Any) -> list[Any]:
    """Call one plugin's implementation of a hook (with every wrapper) through pluggy.

    This is `pm.subset_hook_caller` without its need for hashable plugin objects: the
    call goes through the manager's hook executor, so tracing and monitoring see it.
    """
    hook = getattr(manager().hook, hook_name)
    impls = [
        impl
        for impl in hook.get_hookimpls()
        if impl.plugin_name == plugin_name or _is_wrapper(impl)
    ]
    firstresult = bool(hook.spec is not None and hook.spec.opts.get("firstresult"))
    result = hook._hookexec(hook_name, impls, kwargs, firstresult)
    return list(result) if isinstance(result, list) else [result]


async def notify(hook_name: str, **kwargs: Any) -> None:
    """Call an observer hook of every plugin, resolving awaitables.

    An observer that raises is logged with its plugin's name and never propagated:
    observing must not break what is observed.
    """
    for plugin_name in reversed(implementers(hook_name)):
        try:
            for result in call_hook(hook_name, plugin_name, **kwargs):
                await await_me_maybe(result)
        except Exception as exc:
            log.warning(
                "plugin %r raised in its %s hook (ignored): %s: %s",
                plugin_name,
                hook_name,
                type(exc).__name__,
                exc,
                exc_info=True,
            )


def registrations(kind: str | None = None) -> list[Registration]:
    """Everything registered, optionally of one kind; later plugins shadow earlier ones.

    A plugin whose registry hook raises is left out (and named in `load_errors`).
    """
    out: list[Registration] = []
    kinds = [kind] if kind else list(KINDS)
    for k in kinds:
        hook_name = KINDS.get(k)
        if hook_name is None:
            raise ConfigurationError(
                f"unknown plugin kind {k!r}", hint=f"kinds: {', '.join(KINDS)}"
            )
        for plugin_name in implementers(hook_name):
            found: list[Registration] = []

            def register(
                name: str,
                factory: Callable[[Settings], Any],
                description: str = "",
                *,
                _found: list[Registration] = found,
                _kind: str = k,
                _plugin: str = plugin_name,
            ) -> None:
                _found.append(Registration(_kind, name, factory, description, _plugin))

            try:
                call_hook(hook_name, plugin_name, register=register)
            except Exception as exc:  # one broken plugin must not break tutor
                load_errors[plugin_name] = (
                    f"plugin {plugin_name!r} failed in {hook_name}: {type(exc).__name__}: {exc}; "
                    "reinstall it, or leave it out with TUTOR_LOAD_PLUGINS=name,name"
                )
                log.warning("%s", load_errors[plugin_name])
                continue
            out.extend(found)
    return out


def _lookup(kind: str) -> dict[str, Registration]:
    # Registrations come in registration order, so later (third-party) ones win, except
    # over `trylast` defaults, which pluggy orders first.
    table: dict[str, Registration] = {}
    for reg in registrations(kind):
        table[reg.name] = reg
    return table


def available(kind: str) -> list[str]:
    """Names registered for a kind."""
    return sorted(_lookup(kind))


def get_registration(kind: str, name: str) -> Registration:
    """The registration of `name` for `kind`, or UnknownPluginError with hints."""
    table = _lookup(kind)
    if name not in table:
        error = UnknownPluginError(kind, name, table)
        if name in load_errors:
            error.hint = load_errors[name]
        elif (kind, name) in KNOWN_PACKAGES:
            error.hint = (
                f"the {name} {kind} comes with a separate package: "
                f"pip install {KNOWN_PACKAGES[kind, name]}"
                + ("" if _allow_list() is None else " (or allow it in TUTOR_LOAD_PLUGINS)")
            )
        raise error
    return table[name]


def create(kind: str, name: str, settings: Settings) -> Any:
    """Build the plugin object `name` of `kind` from settings."""
    return get_registration(kind, name).factory(settings)


def get_renderer(name: str, settings: Settings) -> Any:
    return create("renderer", name, settings)


def get_storage(name: str, settings: Settings) -> Any:
    return create("storage", name, settings)


def get_agent(name: str, settings: Settings) -> Any:
    return create("agent", name, settings)


def get_store(name: str, settings: Settings) -> Any:
    return create("store", name, settings)


def get_narrator(name: str, settings: Settings) -> Any:
    return create("narrator", name, settings)


def get_queue(name: str, settings: Settings) -> Any:
    return create("queue", name, settings)


def plugin_infos() -> list[PluginInfo]:
    """Every registered plugin, its distribution and what it registers."""
    pm = manager()
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    infos: dict[str, PluginInfo] = {}
    for name, plugin in pm.list_name_plugin():
        dist = dists.get(id(plugin))
        package, version = (dist.metadata["name"], dist.version) if dist else _own_dist(plugin)
        infos[name] = PluginInfo(
            name=name,
            package=package,
            version=version,
            hooks=sorted(h.name for h in pm.get_hookcallers(plugin) or []),
        )
    for reg in registrations():
        info = infos.get(reg.plugin)
        if info is not None:
            info.registers.setdefault(reg.kind, []).append(reg.name)
    return sorted(infos.values(), key=lambda i: i.name)


def _own_dist(plugin: object) -> tuple[str | None, str | None]:
    module = getattr(plugin, "__name__", "") or type(plugin).__module__
    if module.startswith("tutor_core"):
        from importlib.metadata import version

        return "tutor-core", version("tutor-core")
    return None, None


@contextmanager
def registered(plugin: object, name: str | None = None) -> Iterator[str]:
    """Register a plugin for the duration of a `with` block (handy in tests)."""
    pm = manager()
    plugin_name = pm.register(plugin, name=name)
    if plugin_name is None:
        raise ConfigurationError("plugin was already registered or is blocked")
    try:
        yield plugin_name
    finally:
        pm.unregister(name=plugin_name)


async def await_me_maybe(value: Any) -> Any:
    """Resolve a hook result that may be a value, a callable or an awaitable."""
    if callable(value):
        value = value()
    if inspect.isawaitable(value):
        value = await value
    return value
