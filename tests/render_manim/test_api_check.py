"""The installed-API check: made-up names, attributes and keywords are caught before rendering;
correct code (every docstring example of Manim) passes; nothing crashes it."""

from __future__ import annotations

import ast
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor_render_manim.api_check import MAX_PROBLEMS, ApiCatalog, check_api, validate_scene
from tutor_render_manim.docs_index import DocsIndex


def scene(body: str, head: str = "from manim import *\n") -> str:
    return (
        head
        + "\nclass Demo(Scene):\n    def construct(self):\n"
        + textwrap.indent(textwrap.dedent(body).strip("\n"), "        ")
        + "\n"
    )


def codes(problems: list) -> list[tuple[str, list[str]]]:
    return [(p.code, p.suggestions) for p in problems]


GOOD_SCENE = scene(
    """
    title = Text("Pythagoras", font_size=48, color=BLUE).to_edge(UP)
    tri = Polygon(ORIGIN, 3 * RIGHT, 3 * RIGHT + 2 * UP, color=WHITE, fill_opacity=0.2)
    label = MathTex("a^2 + b^2 = c^2").next_to(tri, DOWN, buff=0.5)
    axes = Axes(x_range=[0, 4, 1], y_range=[0, 3, 1], x_length=5, tips=False)
    graph = axes.plot(lambda x: x**2 / 4, color=YELLOW, stroke_width=3)
    dot = Dot(axes.c2p(1, 0.25), radius=0.1, color=RED)
    group = VGroup(tri, label).arrange(DOWN, buff=0.3).scale(0.8)
    self.play(Write(title), run_time=1.5)
    self.play(Create(tri, lag_ratio=0.5), FadeIn(label, shift=UP))
    self.play(group.animate.shift(LEFT * 2).set_color(GREEN), rate_func=smooth)
    self.play(Transform(tri, Square(side_length=2)), Indicate(label, scale_factor=1.3))
    circle = Circle(radius=1.5).set_fill(RED, opacity=0.5).set_stroke(width=2)
    self.add(circle, axes, graph, dot)
    self.wait(0.5)
    """
)


def test_a_correct_real_scene_passes(catalog: ApiCatalog) -> None:
    assert check_api(GOOD_SCENE, catalog) == []
    report = validate_scene(GOOD_SCENE, catalog)
    assert report.ok and report.problems == [] and report.scene_class == "Demo"


def test_a_made_up_name_is_flagged_with_a_suggestion(catalog: ApiCatalog) -> None:
    problems = check_api(scene("self.add(Circel(radius=1))"), catalog)
    assert codes(problems) == [("unknown-name", ["Circle"])]
    assert problems[0].line == 5 and "Circel" in problems[0].message
    assert catalog.manim_version in problems[0].message


def test_a_wrong_keyword_argument_is_flagged(catalog: ApiCatalog) -> None:
    problems = check_api(scene("c = Circle(radus=1)"), catalog)
    assert [p.code for p in problems] == ["unknown-keyword"]
    assert problems[0].suggestions[0] == "radius"
    assert "`Circle()` has no keyword argument `radus`" in problems[0].message
    assert "radius" in problems[0].message  # the accepted keywords are listed


def test_keywords_inherited_through_kwargs_are_accepted(catalog: ApiCatalog) -> None:
    # fill_opacity (VMobject), z_index (Mobject), start_angle (Arc) all reach Circle.
    code = scene("self.add(Circle(radius=1, fill_opacity=0.5, z_index=2, start_angle=1))")
    assert check_api(code, catalog) == []


@pytest.mark.parametrize(
    ("body", "code", "suggestion"),
    [
        ("c = Circle()\nc.set_colour(RED)", "unknown-attribute", "set_color"),
        ("Circle().set_fill(RED).next_too(ORIGIN)", "unknown-attribute", "next_to"),
        ("VGroup(Dot(), Dot()).arange(DOWN)", "unknown-attribute", "arrange"),
        ("self.wiat(1)", "unknown-attribute", "wait"),
        ("Square().rotate(PI, about_pont=ORIGIN)", "unknown-keyword", "about_point"),
        ("Text('hi', font_sise=30)", "unknown-keyword", "font_size"),
        ("self.play(Create(Circle(), run_tim=2))", "unknown-keyword", "run_time"),
        ("Axes().plot(lambda x: x, colr=BLUE)", "unknown-keyword", "color"),
        ("x = rate_functions.smoth", "unknown-attribute", "smooth"),
        ("w = config.frame_widht", "unknown-attribute", "frame_width"),
        ("self.play(ShowCreation(Circle()))", "unknown-name", "Create"),
        ("t = TextMobject('old')", "unknown-name", "Text"),
        ("Axes(x_min=0)", "unknown-keyword", "x_range"),
        ("circle = Circle()\nself.add(circl)", "unknown-name", "circle"),
        ("s = Square(side=2)", "unknown-keyword", "side_length"),
        ("Dot().get_centre()", "unknown-attribute", "get_center"),
        ("c = Circle()\nself.play(c.animate.shfit(UP))", "unknown-attribute", "shift"),
        ("self.play(Dot().animate.shift(UP).set_colour(RED))", "unknown-attribute", "set_color"),
        (
            "self.play(Dot().animate(run_time=2).scale(2, about_pont=ORIGIN))",
            "unknown-keyword",
            "about_point",
        ),
    ],
)
def test_common_mistakes_are_caught(
    catalog: ApiCatalog,
    body: str,
    code: str,
    suggestion: str,
) -> None:
    problems = check_api(scene(body), catalog)
    assert [p.code for p in problems] == [code], [p.message for p in problems]
    assert suggestion in problems[0].suggestions, problems[0].message


@pytest.mark.parametrize(
    "body",
    [
        # user-defined names shadow and extend Manim's
        "Circle = lambda **kw: Square(**kw)\nself.add(Circle(radus=1))",
        "self.my_group = VGroup()\nself.my_group.add(Dot())",
        "c = Circle()\nc.custom = 3\nprint(c.custom)",
        "c = Circle()\nsetattr(c, 'label_text', 'x')\nprint(c.label_text)",
        "c = Circle()\nc.set(nickname='c')\nprint(c.nickname, c.get_nickname())",
        # values whose type the check cannot follow are not judged
        "for m in [Circle(), Square()]:\n    m.anything_goes(foo=1)",
        "c = Circle() if True else Square()\nc.whatever",
        "c = Circle()\nc = Square()\nc.side_length_is_not_checked",
        # kwargs that go where they cannot be followed are accepted
        "self.play(FadeIn(Dot()), run_time=2, lag_ratio=0.1)",
        "self.play(Flash(ORIGIN, color=RED, line_length=0.3, run_time=0.5))",
        # Python constructs that bind names
        "squares = [Square(side_length=i) for i in range(3)]",
        "if (n := 3) > 2:\n    self.add(*[Dot() for _ in range(n)])",
        "try:\n    pass\nexcept ValueError as err:\n    print(err)",
        "f = lambda t: np.sin(t)\nself.add(FunctionGraph(f, x_range=[0, 1]))",
        "def helper(k):\n    return Dot().shift(k * RIGHT)\nself.add(helper(2))",
        "match 3:\n    case int(v):\n        print(v)",
        "import numpy as np\nx = np.linspace(0, 1, 5).anything",
        "self.add(Dot().get_center(), Circle().get_radius())",
        "c = Circle()\nself.play(c.animate(run_time=2, rate_func=linear).shift(UP).scale(2))",
        "self.play(Square().animate.set_fill(BLUE, opacity=0.5).rotate(PI / 4))",
        "t = ValueTracker(0)\nself.add(always_redraw(lambda: Dot(t.get_value() * RIGHT)))",
    ],
)
def test_correct_code_is_never_refused(catalog: ApiCatalog, body: str) -> None:
    problems = check_api(scene(body), catalog)
    assert problems == [], [p.message for p in problems]


def test_user_classes_deriving_from_manim_are_understood(catalog: ApiCatalog) -> None:
    code = textwrap.dedent(
        """\
        from manim import *

        class Badge(VGroup):
            def __init__(self, text, **kwargs):
                super().__init__(**kwargs)
                self.caption = Text(text)
                self.add(self.caption)

            def highlight(self):
                return self.set_color(YELLOW)

        class Demo(Scene):
            def setup_parts(self):
                self.badge = Badge("hi")

            def construct(self):
                self.setup_parts()
                self.add(self.badge.highlight(), self.badge.caption)
                self.badge.arrange(DOWN)
                self.badge.caption.set_color(RED)
                self.badge.colr_it()
                self.missing_helper()
        """
    )
    problems = check_api(code, catalog)
    assert [(p.code, p.line) for p in problems] == [
        ("unknown-attribute", 21),
        ("unknown-attribute", 22),
    ], [p.message for p in problems]
    assert "colr_it" in problems[0].message and "`Badge`" in problems[0].message
    assert "missing_helper" in problems[1].message


def test_super_init_keywords_are_checked(catalog: ApiCatalog) -> None:
    code = textwrap.dedent(
        """\
        from manim import *

        class Ring(Circle):
            def __init__(self, **kwargs):
                super().__init__(radus=2, **kwargs)
        """
    )
    assert codes(check_api(code, catalog)) == [("unknown-keyword", ["radius"])]


def test_imports_are_checked(catalog: ApiCatalog) -> None:
    code = textwrap.dedent(
        """\
        from manim import Scene, Circel, Square as Sq
        from manim.mobject.geometry.arc import Circle
        from manim.mobject.nowhere import Thing
        import manim as m

        class Demo(Scene):
            def construct(self):
                self.add(Circle(radius=1), Sq(side_length=1), m.Dot(radius=0.1))
                self.add(Sq(sidelength=1), m.Dott())
        """
    )
    problems = check_api(code, catalog)
    assert [(p.code, p.line) for p in problems] == [
        ("unknown-name", 1),
        ("unknown-module", 3),
        ("unknown-keyword", 9),
        ("unknown-attribute", 9),
    ]
    assert problems[0].suggestions[0] == "Circle"
    assert "manim.mobject.nowhere" in problems[1].message
    assert problems[2].suggestions[0] == "side_length"
    assert problems[3].suggestions[0] == "Dot"


def test_a_missing_manim_import_is_explained(catalog: ApiCatalog) -> None:
    code = "class Demo(Scene):\n    def construct(self):\n        self.add(Circle())\n"
    problems = check_api(code, catalog)
    assert {p.code for p in problems} == {"unknown-name"}
    assert all("from manim import *" in p.message for p in problems)


def test_the_same_mistake_is_reported_once(catalog: ApiCatalog) -> None:
    problems = check_api(scene("a = Circel()\nb = Circel()\nc = Circel()"), catalog)
    assert len(problems) == 1


def test_validate_scene_calls_the_code_policy(catalog: ApiCatalog) -> None:
    code = scene("self.add(Circel())", head="from manim import *\nimport os\n")
    report = validate_scene(code, catalog)
    assert not report.ok
    checks = {(p.check, p.code) for p in report.problems}
    assert ("policy", "forbidden-import") in checks
    assert ("api", "unknown-name") in checks
    assert "policy" in report.summary and catalog.manim_version in report.summary


def test_validate_scene_reports_syntax_errors_once(catalog: ApiCatalog) -> None:
    report = validate_scene("from manim import *\nclass A(Scene:\n", catalog)
    assert [(p.check, p.code) for p in report.problems] == [("policy", "syntax-error")]


def test_validate_scene_checks_the_named_scene(catalog: ApiCatalog) -> None:
    report = validate_scene(GOOD_SCENE, catalog, scene_class="Other")
    assert [p.code for p in report.problems] == ["no-scene"]


# ------------------------------------------------------------------ across the corpus


def _mutate_first_keyword(code: str, catalog: ApiCatalog) -> str | None:
    """Rename the first keyword of a call to a Manim class whose keywords are all known."""
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in catalog.classes
            and not catalog.classes[node.func.id].init.open
        ):
            for kw in node.keywords:
                if kw.arg:
                    kw.arg = kw.arg + "_typo"
                    return ast.unparse(tree)
    return None


def test_a_wrong_keyword_is_caught_in_every_docstring_example(
    docs_index: DocsIndex,
    catalog: ApiCatalog,
) -> None:
    _, examples = docs_index.examples("", 10_000)
    mutated = 0
    missed = []
    for example in examples:
        code = _mutate_first_keyword(example.code, catalog)
        if code is None:
            continue
        mutated += 1
        if "unknown-keyword" not in {p.code for p in check_api(code, catalog)}:
            missed.append(example.name)
    assert mutated > 100
    assert missed == []


# ------------------------------------------------------------------ robustness

_NAMES = st.sampled_from(
    ["Circle", "Circel", "Square", "self", "x", "VGroup", "np", "config", "RED", "UP", "Text"]
)
_ATTRS = st.sampled_from(["set_fill", "next_to", "shift", "wat", "animate", "play", "add"])
_KWS = st.sampled_from(["radius", "radus", "color", "run_time", "buff", "shift"])


@st.composite
def _expr(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.integers(0, 3 if depth < 3 else 0))
    if kind == 0:
        return draw(_NAMES)
    if kind == 1:
        return f"{draw(_expr(depth + 1))}.{draw(_ATTRS)}"
    if kind == 2:
        args = draw(st.lists(_expr(depth + 1), max_size=2))
        kws = [f"{k}={draw(_expr(depth + 1))}" for k in draw(st.lists(_KWS, max_size=2))]
        return f"{draw(_expr(depth + 1))}({', '.join(args + kws)})"
    return f"[{draw(_expr(depth + 1))} for x in range(2)]"


@st.composite
def _program(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        expr = draw(_expr())
        target = draw(st.sampled_from(["", "x = ", "self.y = ", "c = "]))
        lines.append(target + expr)
    return scene("\n".join(lines))


@settings(max_examples=150)
@given(_program())
def test_the_check_never_crashes_on_generated_scenes(catalog: ApiCatalog, code: str) -> None:
    problems = check_api(code, catalog)
    n_lines = code.count("\n") + 1
    for p in problems:
        assert p.check == "api" and p.message
        assert p.line is None or 1 <= p.line <= n_lines


@given(st.text(max_size=300))
def test_the_validator_never_crashes_on_arbitrary_text(catalog: ApiCatalog, code: str) -> None:
    report = validate_scene(code, catalog)
    assert report.ok == (report.problems == [])


@given(st.lists(st.sampled_from(["(", ")", "[", "]", "x", ".", "a", "=", "\n", " ", ":"])))
def test_the_validator_never_crashes_on_python_punctuation(
    catalog: ApiCatalog,
    tokens: list[str],
) -> None:
    validate_scene("".join(tokens), catalog)


def test_deeply_nested_code_gives_a_problem_not_a_crash(catalog: ApiCatalog) -> None:
    deep = "x = " + "Circle()." * 3000 + "shift(UP)\n"
    report = validate_scene("from manim import *\n" + deep, catalog)
    assert not report.ok


def test_a_flood_of_mistakes_is_capped(catalog: ApiCatalog) -> None:
    body = "\n".join(f"Circle().not_a_method_{i}()" for i in range(200))
    problems = check_api(scene(body), catalog)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].code == "too-many-problems"
    assert f"{200 - MAX_PROBLEMS} more" in problems[-1].message
