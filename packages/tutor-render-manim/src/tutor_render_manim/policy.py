"""Static code policy for untrusted Manim scene code: lint that gives early, clear errors.

`check_code` parses the code and walks its AST. It refuses anything that could reach
the operating system, the network or the interpreter's internals, and checks that the
code defines the Scene subclass to render. It never executes the code.

The policy is deliberately an allow-list for imports and a deny-list for names and
attributes: scene code only needs Manim, maths and a few pure helpers. It is not the
security boundary: Python offers too many ways around any static check. Whatever
slips past it meets the runtime guard in the child (`child.py`), and then the OS
boundary the child runs in (`sandbox.py`), which holds with both lint layers off.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from tutor_core.models import Problem

ALLOWED_MODULES: frozenset[str] = frozenset(
    {
        "manim", "math", "cmath", "numpy", "random", "itertools", "functools", "typing",
        "__future__", "colorsys", "fractions", "decimal", "statistics", "copy", "enum",
    }
)  # fmt: skip
"""Top-level modules scene code may import (and their submodules, minus DENIED_SUBMODULES)."""

DENIED_SUBMODULES: tuple[str, ...] = (
    "manim.utils.file_ops",
    "manim.utils.commands",
    "manim.utils.tex_file_writing",
    "manim.utils.ipython_magic",
    "manim.utils.sounds",
    "manim.utils.caching",
    "manim.scene.scene_file_writer",
    "manim.cli",
    "manim.plugins",
    "manim.__main__",
    "numpy.ctypeslib",
    "numpy.lib",
    "numpy.f2py",
    "numpy.distutils",
    "numpy.testing",
    "numpy.core",
    "random.os",
)
"""Submodules of allowed packages that touch files, processes or native code."""

STAR_IMPORT_OK: frozenset[str] = frozenset({"manim", "math", "cmath"})
"""`from X import *` is fine for these (numpy's star import brings its file helpers)."""

FORBIDDEN_MODULES: frozenset[str] = frozenset(
    {
        "os", "sys", "subprocess", "socket", "ctypes", "pickle", "shutil", "importlib",
        "pathlib", "io", "builtins", "signal", "threading", "multiprocessing", "marshal",
        "shelve", "tempfile", "glob", "urllib", "http", "asyncio", "inspect", "gc", "code",
        "codeop", "pty", "posix", "resource", "mmap", "fcntl", "select", "ssl", "types",
        "runpy", "pkgutil", "zipimport", "site", "sysconfig", "platform", "webbrowser",
        "ftplib", "smtplib", "telnetlib", "socketserver", "atexit", "weakref", "operator",
        "string", "dataclasses", "collections", "logging", "tracemalloc", "faulthandler",
        "requests", "httpx", "av", "cairo", "manimpango", "PIL", "scipy", "_thread",
    }
)  # fmt: skip
"""Never importable (a deny list on top of the allow list, for clearer messages)."""

MODULE_NAMES: frozenset[str] = frozenset(
    {
        "os", "sys", "subprocess", "socket", "ctypes", "pickle", "shutil", "importlib",
        "builtins", "multiprocessing", "marshal", "pty", "posix", "gc", "inspect",
    }
)  # fmt: skip
"""Refused as bare names too, however they got bound (a common scene variable name like
`code` or `types` stays usable)."""

FORBIDDEN_BUILTINS: dict[str, str] = {
    "open": "files are off limits: build everything from Manim objects",
    "eval": "evaluating strings as code is not allowed",
    "exec": "executing strings as code is not allowed",
    "compile": "compiling code at run time is not allowed",
    "__import__": "import modules with a plain `import` statement",
    "input": "scenes run unattended and cannot read input",
    "breakpoint": "debuggers are not available while rendering",
    "globals": "introspecting the module namespace is not allowed",
    "locals": "introspecting local variables is not allowed",
    "vars": "introspecting namespaces is not allowed",
    "exit": "a scene cannot stop the interpreter; just let construct() return",
    "quit": "a scene cannot stop the interpreter; just let construct() return",
    "help": "interactive help is not available while rendering",
    "memoryview": "raw memory access is not allowed",
}
"""Builtins that are refused wherever they are named (called or passed around)."""

ATTRIBUTE_BUILTINS: frozenset[str] = frozenset({"getattr", "setattr", "delattr", "hasattr"})
"""Allowed only when called directly with a literal, public, non-denied attribute name."""

DENIED_NAMES: dict[str, str] = {
    # manim helpers that open files, run programs or change global output settings
    "open_file": "opens files with the system viewer",
    "open_media_file": "opens files with the system viewer",
    "guarantee_existence": "creates directories on the host",
    "guarantee_empty_existence": "deletes and creates directories on the host",
    "seek_full_path_from_defaults": "looks up files on the host",
    "add_extension_if_not_present": "is a file helper",
    "modify_atime": "touches files on the host",
    "write_to_movie": "changes where output is written",
    "capture": "runs external programs",
    "get_full_sound_file_path": "reads sound files from the host",
    "tex_to_svg_file": "writes files directly",
    "compile_tex": "runs LaTeX directly",
    "convert_to_svg": "runs dvisvgm directly",
    "tempconfig": "output settings are fixed by the renderer",
    "SceneFileWriter": "output files are managed by the renderer",
    "ImageMobject": "reads image files; draw with vector Mobjects instead",
    "SVGMobject": "reads SVG files; draw with vector Mobjects instead",
    "ImageMobjectFromCamera": "is not needed for explainer scenes",
    # numpy file and native-code helpers
    "fromfile": "reads files",
    "tofile": "writes files",
    "loadtxt": "reads files",
    "savetxt": "writes files",
    "genfromtxt": "reads files",
    "savez": "writes files",
    "savez_compressed": "writes files",
    "fromregex": "reads files",
    "memmap": "maps files into memory",
    "ctypeslib": "loads native libraries",
    "DataSource": "opens files and URLs",
    "get_type_hints": "evaluates strings as code",
    "ForwardRef": "evaluates strings as code",
    # C code that opens files with no audit event (libav, cairo, fontconfig, LaTeX)
    "register_font": "loads a font file from the host",
    "create_from_png": "reads image files",
    "write_to_png": "writes image files",
    "TexTemplateLibrary": "holds templates that run other TeX engines (xelatex)",
    "plugins": "loads Manim plugins",
    # attribute-getter factories: they take attribute names as strings
    "attrgetter": "reaches attributes named by strings",
    "methodcaller": "calls methods named by strings",
}
"""Names refused as bare names and as attributes, with the reason shown to the author."""

DENIED_ATTRIBUTES: dict[str, str] = {
    **DENIED_NAMES,
    "load": "numpy.load reads files",
    "save": "numpy.save writes files",
    "dump": "writes files",
    "dumps": "pickles objects",
    "lib": "numpy.lib holds file helpers",
    "f2py": "runs compilers",
    "distutils": "runs compilers",
    "testing": "is not needed in scenes",
    "core": "numpy internals are not needed in scenes",
    "add_sound": "sound is added by the pipeline, not by scene code",
    "file_writer": "output files are managed by the renderer",
    "partial_movie_files": "output files are managed by the renderer",
    "renderer": "the renderer is managed by tutor",
    "environ": "environment variables are not available",
    "getenv": "environment variables are not available",
    "putenv": "environment variables are not available",
    "system": "running programs is not allowed",
    "popen": "running programs is not allowed",
    "Popen": "running programs is not allowed",
    "fork": "creating processes is not allowed",
    "forkpty": "creating processes is not allowed",
    "posix_spawn": "creating processes is not allowed",
    "posix_spawnp": "creating processes is not allowed",
    "kill": "signalling processes is not allowed",
    "killpg": "signalling processes is not allowed",
    "rmtree": "deleting files is not allowed",
    "unlink": "deleting files is not allowed",
    "write_text": "writing files is not allowed",
    "write_bytes": "writing files is not allowed",
    "read_text": "reading files is not allowed",
    "read_bytes": "reading files is not allowed",
    "urlopen": "network access is not allowed",
    "create_connection": "network access is not allowed",
    "getaddrinfo": "network access is not allowed",
    "format_map": "format strings can reach object internals",
    "mro": "class hierarchy walks are not allowed",
    "open": "opens files (av.open, Image.open, ...)",
    "cell_contents": "reads the variables captured by a function",
    "tex_compiler": "only the `latex` engine is allowed",
    "output_format": "only the `latex` engine's DVI output is allowed",
    # frame, generator and code-object internals
    **{
        name: "interpreter internals are not accessible"
        for name in (
            "f_globals",
            "f_locals",
            "f_builtins",
            "f_back",
            "f_code",
            "gi_frame",
            "gi_code",
            "cr_frame",
            "cr_code",
            "ag_frame",
            "ag_code",
            "tb_frame",
            "tb_next",
            "co_code",
            "func_globals",
            "func_code",
        )
    },
}
"""Attribute names refused on any object (`x.load`, `np.save`, `self.add_sound`)."""

MODULE_ATTRIBUTES: frozenset[str] = frozenset(
    {
        "os", "sys", "subprocess", "socket", "ctypes", "pickle", "shutil", "importlib",
        "pathlib", "builtins", "multiprocessing", "threading", "marshal", "tempfile",
        "inspect", "gc", "pty", "posix", "types", "runpy", "file_ops", "tex_file_writing",
        "scene_file_writer", "ipython_magic", "commands", "caching", "sounds",
        # re-exports found in allowed modules (a test walks them all): a private alias
        # of builtins, operator's getter factories, C libraries that open files
        "bltns", "op", "operator", "av", "cairo", "manimpango", "moderngl", "Image", "ET",
        "se", "nx", "srt", "platform", "mu", "ntypes", "umath", "plugins", "codecs", "copyreg",
    }
)  # fmt: skip
"""Attribute names that reach a dangerous module through another one (`manim.utils.file_ops`)."""

CONFIG_WRITABLE: frozenset[str] = frozenset(
    {"tex_template", "background_color", "background_opacity", "frame_width", "frame_height"}
)
"""`config` keys scene code may set (looks only); output size, rate and paths are fixed."""

TEX_ENGINE_KEYWORDS: frozenset[str] = frozenset({"tex_compiler", "output_format"})
"""Keyword arguments that would pick another TeX engine (`TexTemplate(tex_compiler=...)`)."""

ALLOWED_DUNDER_DEFS: frozenset[str] = frozenset({"__init__"})
"""Dunder method names a class may define (only `__init__` is needed by scenes)."""

SCENE_BASES: frozenset[str] = frozenset(
    {
        "Scene", "MovingCameraScene", "ThreeDScene", "ZoomedScene", "VectorScene",
        "LinearTransformationScene", "SpecialThreeDScene",
    }
)  # fmt: skip
"""Manim base classes that make a class a renderable scene."""

_FORMAT_FIELD = re.compile(r"\{[^{}]*[.\[]\s*_")
"""A `str.format` field that reaches an underscore attribute, e.g. `{0.__class__}`."""

MAX_CODE_CHARS = 200_000

_STAR_OK = ", ".join(sorted(STAR_IMPORT_OK))


def _problem(code: str, message: str, node: ast.AST | None = None) -> Problem:
    line = getattr(node, "lineno", None) if node is not None else None
    col = getattr(node, "col_offset", None) if node is not None else None
    return Problem(code=code, message=message, line=line, column=col)


def _module_allowed(module: str) -> str | None:
    """None when `module` may be imported, else the reason it may not."""
    root = module.split(".")[0]
    if root in FORBIDDEN_MODULES:
        return f"module {module!r} can reach the operating system or the interpreter"
    if root not in ALLOWED_MODULES:
        return f"module {module!r} is not on the allow list"
    for denied in DENIED_SUBMODULES:
        if module == denied or module.startswith(denied + "."):
            return f"module {module!r} touches files, processes or native code"
    if any(part.startswith("_") for part in module.split(".")[1:]):
        return f"private module {module!r} is not allowed"
    return None


def _allowed_list() -> str:
    return ", ".join(sorted(m for m in ALLOWED_MODULES if m != "__future__"))


def _is_public_attr(name: str) -> bool:
    return not (name.startswith("_") or name in DENIED_ATTRIBUTES or name in MODULE_ATTRIBUTES)


class _PolicyVisitor(ast.NodeVisitor):
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # Names that appear as `f` in `f(...)` for getattr & co; those calls are
        # checked in visit_Call, other references are refused in visit_Name.
        self._direct_calls: set[int] = set()
        # `super().__init__` attributes, the one dunder attribute scenes need.
        self._super_init: set[int] = set()

    def add(self, code: str, message: str, node: ast.AST) -> None:
        self.problems.append(_problem(code, message, node))

    # -- imports
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            reason = _module_allowed(alias.name)
            if reason:
                self.add(
                    "forbidden-import",
                    f"{reason}; scene code may import only: {_allowed_list()}",
                    node,
                )
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            self.add(
                "forbidden-import",
                "relative imports are not allowed: the scene is a single file",
                node,
            )
            return
        module = node.module or ""
        reason = _module_allowed(module)
        if reason:
            self.add(
                "forbidden-import",
                f"{reason}; scene code may import only: {_allowed_list()}",
                node,
            )
            return
        for alias in node.names:
            if alias.name == "*":
                if module not in STAR_IMPORT_OK:
                    self.add(
                        "forbidden-import",
                        f"`from {module} import *` is not allowed: import the names you "
                        f"need (star imports are fine only for {_STAR_OK})",
                        node,
                    )
                continue
            full = f"{module}.{alias.name}"
            if alias.name.startswith("_"):
                self.add("dunder-access", f"importing private name {full!r} is not allowed", node)
            elif (
                alias.name in FORBIDDEN_MODULES
                or alias.name in MODULE_ATTRIBUTES
                or full in DENIED_SUBMODULES
            ):
                self.add(
                    "forbidden-import",
                    f"{full!r} is a module that touches files, processes or native code",
                    node,
                )
            elif alias.name in DENIED_ATTRIBUTES or alias.name in FORBIDDEN_BUILTINS:
                why = DENIED_ATTRIBUTES.get(alias.name) or FORBIDDEN_BUILTINS[alias.name]
                self.add("forbidden-name", f"importing {full!r} is not allowed: it {why}", node)
        self.generic_visit(node)

    # -- names
    def visit_Name(self, node: ast.Name) -> None:
        name = node.id
        if name.startswith("__") and name.endswith("__"):
            self.add(
                "dunder-access",
                f"`{name}` reaches interpreter internals; scene code may not use dunder names",
                node,
            )
        elif name in FORBIDDEN_BUILTINS:
            self.add("forbidden-call", f"`{name}` is not allowed: {FORBIDDEN_BUILTINS[name]}", node)
        elif name in ATTRIBUTE_BUILTINS and id(node) not in self._direct_calls:
            self.add(
                "dynamic-attribute",
                f"`{name}` may only be called directly with a literal attribute name",
                node,
            )
        elif name in MODULE_NAMES:
            self.add(
                "forbidden-name",
                f"`{name}` refers to a module that can reach the operating system",
                node,
            )
        elif name in DENIED_NAMES:
            self.add("forbidden-name", f"`{name}` is not allowed: it {DENIED_NAMES[name]}", node)
        elif name == "config" and isinstance(node.ctx, (ast.Store, ast.Del)):
            self.add("config-write", "rebinding `config` is not allowed", node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        attr = node.attr
        if attr.startswith("_") and id(node) not in self._super_init:
            self.add(
                "dunder-access",
                f"attribute `.{attr}` is private or an interpreter internal; use public "
                "Manim APIs only",
                node,
            )
        elif attr in MODULE_ATTRIBUTES:
            self.add(
                "forbidden-attribute",
                f"attribute `.{attr}` reaches a module that can touch the operating system",
                node,
            )
        elif attr in DENIED_ATTRIBUTES:
            self.add(
                "forbidden-attribute",
                f"attribute `.{attr}` is not allowed: it {DENIED_ATTRIBUTES[attr]}",
                node,
            )
        if isinstance(node.ctx, (ast.Store, ast.Del)) and _root_name(node) == "config":
            direct = isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Store)
            if not (direct and attr in CONFIG_WRITABLE):
                self._config_write(node)
        self.generic_visit(node)

    def _config_write(self, node: ast.AST) -> None:
        self.add(
            "config-write",
            "changing Manim's `config` is not allowed except "
            f"{', '.join(sorted(CONFIG_WRITABLE))}: quality, size and output paths are set "
            "by the renderer (read config values freely)",
            node,
        )

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)) and _root_name(node) == "config":
            key = node.slice
            direct = isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Store)
            literal = isinstance(key, ast.Constant) and key.value in CONFIG_WRITABLE
            if not (direct and literal):
                self._config_write(node)
        self.generic_visit(node)

    # -- calls
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ATTRIBUTE_BUILTINS:
            self._direct_calls.add(id(func))
            self._check_attribute_builtin(func.id, node)
        if isinstance(func, ast.Name) and func.id == "type" and len(node.args) != 1:
            self.add(
                "dynamic-class",
                "`type(name, bases, dict)` builds classes dynamically; write a `class` instead",
                node,
            )
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "__init__"
            and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "super"
        ):
            self._super_init.add(id(func))
        for kw in node.keywords:
            if kw.arg in TEX_ENGINE_KEYWORDS:
                self.add(
                    "forbidden-tex",
                    f"`{kw.arg}=` is not allowed: formulas are typeset with `latex` and "
                    "`dvisvgm` only (other engines can read files or run Lua)",
                    node,
                )
        if isinstance(func, ast.Name) and func.id == "Code":
            for kw in node.keywords:
                if kw.arg in {"code_file", "file_name"}:
                    self.add(
                        "file-access",
                        f"`Code({kw.arg}=...)` reads a file; pass the code as `code_string=`",
                        node,
                    )
        self.generic_visit(node)

    def _check_attribute_builtin(self, name: str, node: ast.Call) -> None:
        if len(node.args) < 2:
            return  # a TypeError at run time, harmless
        target, attr = node.args[0], node.args[1]
        if not (isinstance(attr, ast.Constant) and isinstance(attr.value, str)):
            self.add(
                "dynamic-attribute",
                f"`{name}` needs a literal attribute name (a string written in the code)",
                node,
            )
            return
        if not _is_public_attr(attr.value):
            self.add(
                "dunder-access",
                f"`{name}(..., {attr.value!r})` reaches a private or denied attribute",
                node,
            )
        if (
            name not in {"getattr", "hasattr"}
            and _root_name(target) == "config"
            and not (name == "setattr" and attr.value in CONFIG_WRITABLE)
        ):
            self._config_write(node)

    # -- definitions and strings
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._check_def_name(node)
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._check_def_name(node)
        self.generic_visit(node)

    def _check_def_name(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        name = node.name
        if name.startswith("__") and name.endswith("__") and name not in ALLOWED_DUNDER_DEFS:
            self.add(
                "dunder-access",
                f"defining `{name}` is not allowed (only `__init__` may be defined)",
                node,
            )

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for kw in node.keywords:
            if kw.arg == "metaclass":
                self.add("dynamic-class", "metaclasses are not allowed in scene code", node)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and _FORMAT_FIELD.search(node.value):
            self.add(
                "dunder-access",
                "this string has a format field that reaches a private attribute "
                "(like `{0.__class__}`); use f-strings with public values",
                node,
            )

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            if name == "config":
                self.add("config-write", "rebinding `config` is not allowed", node)


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _base_names(cls: ast.ClassDef) -> list[str]:
    names: list[str] = []
    for base in cls.bases:
        if isinstance(base, ast.Name):
            names.append(base.id)
        elif isinstance(base, ast.Attribute):
            names.append(base.attr)
    return names


def scene_classes(tree: ast.Module) -> list[str]:
    """Top-level classes that derive (directly or through the file's classes) from a Scene."""
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    scenes: set[str] = set()
    changed = True
    while changed:  # fixed point: a class deriving from a scene class is a scene
        changed = False
        for cls in classes:
            if cls.name in scenes:
                continue
            if any(b in SCENE_BASES or b in scenes for b in _base_names(cls)):
                scenes.add(cls.name)
                changed = True
    return [c.name for c in classes if c.name in scenes]


def find_scene_class(code: str) -> str | None:
    """The single scene class of `code` (None when there is not exactly one, or no parse)."""
    try:
        found = scene_classes(ast.parse(code))
    except SyntaxError:
        return None
    return found[0] if len(found) == 1 else None


def check_code(code: str, scene_class: str | None = None) -> list[Problem]:
    """Statically check untrusted Manim code; return every problem found (empty if fine).

    Args:
        code: Python source defining one Scene subclass.
        scene_class: the class to render; when None there must be exactly one scene class.

    Returns:
        Problems with a stable `code`, an actionable message and the line/column.
    """
    if len(code) > MAX_CODE_CHARS:
        return [
            _problem(
                "too-long",
                f"the code is {len(code)} characters; keep a scene under {MAX_CODE_CHARS}",
            )
        ]
    if "\x00" in code:
        return [_problem("syntax-error", "the code contains a NUL byte; remove it")]
    try:
        tree = ast.parse(code, filename="scene.py")
    except SyntaxError as exc:
        return [
            Problem(
                code="syntax-error",
                message=f"the code does not parse: {exc.msg}; fix the syntax and try again",
                line=exc.lineno,
                column=(exc.offset - 1) if exc.offset else None,
            )
        ]
    except (ValueError, RecursionError, MemoryError) as exc:
        return [_problem("syntax-error", f"the code cannot be parsed: {exc}")]
    visitor = _PolicyVisitor()
    # Calls are visited before their children, so direct getattr calls are known
    # before the Name nodes under them are checked.
    visitor.visit(tree)
    problems = _dedupe(visitor.problems)
    problems.extend(_check_scene(tree, scene_class))
    return problems


def _check_scene(tree: ast.Module, scene_class: str | None) -> list[Problem]:
    scenes = scene_classes(tree)
    if scene_class is not None:
        if not scene_class.isidentifier():
            return [_problem("no-scene", f"{scene_class!r} is not a valid class name")]
        if scene_class not in scenes:
            found = f"scene classes found: {', '.join(scenes)}" if scenes else "none was found"
            return [
                _problem(
                    "no-scene",
                    f"class {scene_class!r} is not a top-level Scene subclass in the code "
                    f"({found}); define `class {scene_class}(Scene)` with a construct() method",
                )
            ]
        return []
    if not scenes:
        return [
            _problem(
                "no-scene",
                "the code defines no Scene subclass: define one class deriving from Scene "
                "with a construct() method",
            )
        ]
    if len(scenes) > 1:
        return [
            _problem(
                "many-scenes",
                f"the code defines {len(scenes)} scene classes ({', '.join(scenes)}); keep "
                "one, or name the one to render (scene_class / --scene)",
            )
        ]
    return []


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[tuple[str, int | None, int | None, str]] = set()
    out: list[Problem] = []
    for p in problems:
        key = (p.code, p.line, p.column, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
