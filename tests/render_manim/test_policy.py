"""The static code policy: good scene code passes, each construct it refuses is named."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from tutor_render_manim.policy import (
    ALLOWED_MODULES,
    FORBIDDEN_MODULES,
    check_code,
    find_scene_class,
)

GOOD = """
from manim import *
import numpy as np
import math, random
from itertools import cycle
from functools import partial


class Helper(VGroup):
    pass


class Lesson(MovingCameraScene):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def construct(self):
        random.seed(1)
        dots = VGroup(*[Dot(np.array([math.cos(a), math.sin(a), 0])) for a in np.linspace(0, 6, 8)])
        label = Text(f"{len(dots)} dots, width {config.frame_width:.1f}")
        w = getattr(label, "width")
        self.play(Create(dots), Write(label), run_time=1)
        self.wait(0.5)
"""


def codes(code: str, scene_class: str | None = None) -> set[str]:
    return {p.code for p in check_code(code, scene_class)}


def test_good_scene_passes() -> None:
    assert check_code(GOOD) == []
    assert find_scene_class(GOOD) == "Lesson"


def test_scene_class_rules() -> None:
    assert codes("x = 1\n") == {"no-scene"}
    two = "from manim import *\nclass A(Scene): pass\nclass B(A): pass\n"
    assert codes(two) == {"many-scenes"}
    assert codes(two, "B") == set()  # B derives from A, which is a Scene
    problems = check_code(two, "C")
    assert [p.code for p in problems] == ["no-scene"]
    assert "A, B" in problems[0].message


def test_syntax_error_is_a_problem_with_position() -> None:
    problems = check_code("from manim import *\nclass A(Scene):\n    def construct(self)\n")
    assert len(problems) == 1
    assert problems[0].code == "syntax-error"
    assert problems[0].line == 3
    assert "fix the syntax" in problems[0].message


def test_problem_positions_point_at_the_construct() -> None:
    code = "from manim import *\nclass A(Scene):\n    def construct(self):\n        x = eval('1')\n"
    (p,) = check_code(code)
    assert (p.code, p.line, p.column) == ("forbidden-call", 4, 12)
    assert "eval" in p.message


def test_allowed_modules_import_and_forbidden_do_not() -> None:
    base = "from manim import *\nclass A(Scene): pass\n"
    for mod in sorted(ALLOWED_MODULES - {"__future__"}):
        assert codes(f"import {mod}\n" + base) == set(), mod
    for mod in sorted(FORBIDDEN_MODULES):
        assert "forbidden-import" in codes(f"import {mod}\n" + base), mod


def test_common_variable_names_stay_usable() -> None:
    base = "from manim import *\nclass A(Scene):\n    def construct(self):\n        "
    for name in ("code", "types", "string", "signal", "copy", "load"):
        assert codes(base + f"{name} = 1\nx = {name}\n") == set(), name
    assert codes(base + "x = os.getcwd()\n") == {"forbidden-name"}


def test_config_reads_ok_writes_refused() -> None:
    base = "from manim import *\nclass A(Scene):\n    def construct(self):\n        "
    assert codes(base + "x = config.frame_height\n") == set()
    assert codes(base + "config.frame_rate = 60\n") == {"config-write"}
    assert codes(base + "config['media_dir'] = 'x'\n") == {"config-write"}
    # looks only: the compiler's output sets the TeX template and may set the background
    assert codes(base + "config.tex_template = TexTemplate()\n") == set()
    assert codes(base + "config['background_color'] = BLACK\n") == set()
    assert codes(base + "setattr(config, 'frame_rate', 5)\n") == {"config-write"}
    assert codes(base + "config.tex_template.preamble = 'x'\n") == {"config-write"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_on_arbitrary_text(text: str) -> None:
    problems = check_code(text)
    assert isinstance(problems, list)
    for p in problems:
        assert p.code and p.message


_IDENT = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12).filter(
    lambda s: s not in {"Scene", "config"}
)


@settings(max_examples=100, deadline=None)
@given(name=_IDENT, attr=_IDENT)
def test_dunder_attribute_always_refused(name: str, attr: str) -> None:
    code = (
        f"from manim import *\nclass {name.capitalize()}X(Scene):\n"
        f"    def construct(self):\n        y = self.__{attr}__\n"
    )
    assert "dunder-access" in codes(code)


@settings(max_examples=100, deadline=None)
@given(name=_IDENT)
def test_getattr_literal_public_name_allowed(name: str) -> None:
    code = (
        "from manim import *\nclass A(Scene):\n    def construct(self):\n"
        f"        y = getattr(self, {name.lower()!r}, None)\n"
    )
    found = codes(code)
    # A public literal is fine unless the name is on the deny list.
    assert found <= {"dunder-access"}


# Modules reachable from allowed imports that can neither touch files, processes or the
# network nor evaluate code (a reviewer vetted each; a new one fails the walk below).
HARMLESS_REACHABLE = frozenset(
    {
        "re", "json", "json.decoder", "json.encoder", "json.scanner", "hashlib", "zlib",
        "numbers", "abc", "collections", "collections.abc", "contextlib", "datetime",
        "time", "textwrap", "warnings", "numpy.lib.scimath",
    }
)  # fmt: skip


def test_allowed_modules_reexport_nothing_dangerous() -> None:
    """Walk every public attribute chain from every allowed module (the installed
    versions of Manim and numpy included): a module the policy would not let scene code
    import, a builtins alias, `eval`/`open` & co. or operator's getter factories may only
    be reachable through an attribute name the policy refuses."""
    import builtins
    import importlib
    import io
    import operator
    import types

    from tutor_render_manim.policy import (
        DENIED_ATTRIBUTES,
        FORBIDDEN_BUILTINS,
        MODULE_ATTRIBUTES,
        _module_allowed,
    )

    dangerous = {id(getattr(builtins, n)): n for n in FORBIDDEN_BUILTINS if hasattr(builtins, n)}
    dangerous |= {id(io.open): "open", id(getattr): "getattr", id(setattr): "setattr"}
    dangerous |= {id(operator.attrgetter): "attrgetter", id(operator.methodcaller): "methodcaller"}

    def refused(attr: str) -> bool:
        return attr.startswith("_") or attr in DENIED_ATTRIBUTES or attr in MODULE_ATTRIBUTES

    reachable: list[str] = []
    seen: set[int] = set()
    todo = [(importlib.import_module(m), m) for m in sorted(ALLOWED_MODULES)]
    while todo:
        module, path = todo.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        for attr in dir(module):
            if refused(attr):
                continue
            try:
                value = getattr(module, attr)
            except Exception:  # lazy attributes that fail to load are not reachable
                continue
            where = f"{path}.{attr}"
            if isinstance(value, types.ModuleType):
                allowed = _module_allowed(value.__name__) is None
                if value is builtins or not (allowed or value.__name__ in HARMLESS_REACHABLE):
                    reachable.append(f"{where} -> {value.__name__}")
                else:
                    todo.append((value, where))
            elif id(value) in dangerous:
                reachable.append(f"{where} -> {dangerous[id(value)]}")
    assert reachable == [], "add these attribute names to policy.MODULE_ATTRIBUTES"
    assert len(seen) > 100  # the walk really went through Manim and numpy


def test_star_imports_bring_no_dangerous_names() -> None:
    import importlib
    import types

    from tutor_render_manim.policy import (
        DENIED_NAMES,
        MODULE_NAMES,
        STAR_IMPORT_OK,
        _module_allowed,
    )

    found = []
    for name in sorted(STAR_IMPORT_OK):
        module = importlib.import_module(name)
        names = getattr(module, "__all__", None) or [n for n in dir(module) if n[0] != "_"]
        for n in names:
            value = getattr(module, n, None)
            if (
                isinstance(value, types.ModuleType)
                and _module_allowed(value.__name__) is not None
                and n not in MODULE_NAMES
                and n not in DENIED_NAMES
            ):
                found.append(f"{name}.{n}")
    assert found == []
