"""Math topics: geometry, calculus, trigonometry, algebra."""

from __future__ import annotations

from tutor_core.agents.lesson.build import anim
from tutor_core.agents.lesson.mathtext import choose_ranges, to_latex
from tutor_core.agents.lesson.topics.base import Context, Core, Topic, Visual, title_card
from tutor_core.spec import (
    AxesElement,
    BulletsElement,
    EquationElement,
    NumberLineElement,
    Plot,
    ShapeElement,
    TableElement,
    TextElement,
)

# ------------------------------------------------------------------ Pythagoras


def _triangle(
    a: int = 3, b: int = 4, c: str = "c", color: str = "teal", *, lengths: bool = False
) -> ShapeElement:
    # Right angle at vertex 1; side 0 is the base (b), side 1 the height (a), side 2 the hypotenuse.
    side_a, side_b = (f"a = {a}", f"b = {b}") if lengths else ("a", "b")
    return ShapeElement(
        id="triangle", shape="triangle", points=[(0, 0), (b, 0), (b, a)], color=color,
        side_labels=[side_b, side_a, c], vertex_labels=["A", "B", "C"], right_angle_at=1,
        fill_opacity=0.2,
    )  # fmt: skip


def _pyth_intro(ctx: Context) -> Visual:
    return title_card("The Pythagorean Theorem", "Right triangles hide a simple rule")


def _pyth_parts(ctx: Context) -> Visual:
    return [
        _triangle(),
        BulletsElement(id="parts", region="right",
                       items=["legs a and b meet at the right angle", "c is the hypotenuse",
                              "c is always the longest side"]),
    ], [anim("create", "triangle", 0, 2.0), anim("fade_in", "parts", 1, 1.5),
        anim("indicate", "triangle", 2)]  # fmt: skip


def _pyth_rule(ctx: Context) -> Visual:
    return [
        _triangle(),
        EquationElement(id="equation", latex="a^2 + b^2 = c^2", region="right"),
    ], [anim("create", "triangle", 0, 1.5), anim("write", "equation", 1, 2.0),
        anim("indicate", "equation", 2)]  # fmt: skip


def _pyth_squares(ctx: Context) -> Visual:
    return [
        ShapeElement(id="square_a", shape="square", width=3, height=3, label="a^2 = 9",
                     color="blue", fill_opacity=0.4),
        ShapeElement(id="square_b", shape="square", width=4, height=4, label="b^2 = 16",
                     color="green", fill_opacity=0.4),
        ShapeElement(id="square_c", shape="square", width=5, height=5, label="c^2 = 25",
                     color="yellow", fill_opacity=0.4),
    ], [anim("create", "square_a", 0), anim("create", "square_b", 0),
        anim("create", "square_c", 1, 1.5), anim("indicate", "square_c", 2)]  # fmt: skip


def _pyth_example(ctx: Context) -> Visual:
    return [
        _triangle(c="c = ?", lengths=True),
        EquationElement(id="step1", latex="3^2 + 4^2 = 9 + 16 = 25", region="right"),
        EquationElement(id="step2", latex="c = \\sqrt{25} = 5", region="right"),
    ], [anim("create", "triangle", 0, 1.5), anim("write", "step1", 1, 2.0),
        anim("write", "step2", 2, 1.5), anim("indicate", "step2", 3)]  # fmt: skip


def _pyth_recap(ctx: Context) -> Visual:
    return [
        EquationElement(id="equation", latex="a^2 + b^2 = c^2"),
        BulletsElement(id="recap", items=["only for right triangles", "c is the hypotenuse",
                                          "3, 4, 5 is the classic example"]),
    ], [anim("write", "equation", 0, 1.5), anim("fade_in", "recap", 1, 1.5)]  # fmt: skip


PYTHAGORAS = Topic(
    key="pythagoras",
    name="the Pythagorean theorem",
    title="The Pythagorean Theorem",
    keywords=(
        "pythagoras",
        "pythagorean",
        "pythagorean theorem",
        "right triangle",
        "right-angled triangle",
        "hypotenuse",
        "a^2+b^2=c^2",
        "a^2 + b^2 = c^2",
    ),
    scenes=(
        Core(
            3,
            "The Pythagorean theorem",
            (
                "Welcome! Today we explore one of the oldest rules in mathematics.",
                "The Pythagorean theorem connects the three sides of every right triangle.",
            ),
            _pyth_intro,
        ),
        Core(
            5,
            "Parts of a right triangle",
            (
                "A right triangle has one corner of exactly ninety degrees.",
                "The two sides that meet there are called the legs, a and b.",
                "The side across from the right angle is the hypotenuse, c, and it is the longest.",
            ),
            _pyth_parts,
        ),
        Core(
            1,
            "The rule: a squared plus b squared",
            (
                "Here is the theorem for a right triangle with legs a and b and hypotenuse c.",
                "Square each leg, add the results, and you get the square of the hypotenuse.",
                "In symbols, a squared plus b squared equals c squared.",
            ),
            _pyth_rule,
        ),
        Core(
            6,
            "Why it works: areas of squares",
            (
                "Think of each squared length as the area of a real square.",
                "Build squares on the two legs, with areas nine and sixteen.",
                "Together they exactly fill the square on the hypotenuse, with area twenty-five.",
            ),
            _pyth_squares,
        ),
        Core(
            4,
            "Worked example: 3, 4, 5",
            (
                "Let us find the hypotenuse when the legs are three and four.",
                "Three squared plus four squared is nine plus sixteen, which is twenty-five.",
                "The square root of twenty-five is five, so the hypotenuse is five.",
                "That is the famous three, four, five triangle.",
            ),
            _pyth_example,
        ),
        Core(
            2,
            "Recap",
            (
                "The Pythagorean theorem says a squared plus b squared equals c squared.",
                "It only works for right triangles, and c is always the hypotenuse.",
                "Use it whenever you know two sides and need the third.",
            ),
            _pyth_recap,
        ),
    ),
    applications=(
        "Measuring distances on a map",
        "Checking square corners in building",
        "Computing screen sizes from width and height",
    ),
    mistake=(
        "A common slip is adding the sides first and squaring afterwards.",
        "Square each leg first, then add the squares.",
    ),
    practice=(
        "A right triangle has legs five and twelve. How long is the hypotenuse?",
        "Twenty-five plus one hundred forty-four is one hundred sixty-nine, so c is thirteen.",
        "c = \\sqrt{5^2 + 12^2} = 13",
    ),
    terms=(
        ("leg", "a side touching the right angle"),
        ("hypotenuse", "the side opposite it"),
        ("right angle", "an angle of 90 degrees"),
    ),
    questions=(
        "Does a similar rule hold for other triangles?",
        "How does the theorem give the distance between two points?",
        "Can you find other whole-number triangles like 3, 4, 5?",
    ),
)

# ------------------------------------------------------------------ derivative


def _func(ctx: Context, default: str) -> str:
    return ctx.expr or default


def _axes_for(expr: str, **plot: object) -> AxesElement:
    x_range, y_range = choose_ranges([expr])
    return AxesElement(
        id="axes", x_range=x_range, y_range=y_range,
        plots=[Plot.model_validate({"expr": expr, "label": to_latex(expr), "color": "blue",
                                    **plot})],
    )  # fmt: skip


def _tangent_x(expr: str) -> float:
    x_range, _ = choose_ranges([expr])
    return round(x_range[0] + (x_range[1] - x_range[0]) * 0.65, 2)


def _deriv_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="The Derivative", size="large"),
        TextElement(id="tagline", text="How fast is a function changing right now?",
                    size="small"),
    ], [anim("write", "headline", 0, 1.5), anim("fade_in", "tagline", 1)]  # fmt: skip


def _deriv_secant(ctx: Context) -> Visual:
    expr = _func(ctx, "x**2 / 2")
    axes = _axes_for(expr)
    x0 = _tangent_x(expr)
    axes.points = [(x0 - 1.0, 0.0), (x0, 0.0)]
    return [axes, EquationElement(id="slope", latex="\\frac{f(x+h) - f(x)}{h}", region="right")
            ], [anim("create", "axes", 0, 2.0), anim("write", "slope", 1, 1.5),
                anim("indicate", "slope", 2)]  # fmt: skip


def _deriv_tangent(ctx: Context) -> Visual:
    expr = _func(ctx, "x**2 / 2")
    return [_axes_for(expr, tangent_at=_tangent_x(expr)),
            TextElement(id="note", text="The tangent line touches the curve at one point",
                        size="small")], [
        anim("create", "axes", 0, 2.0), anim("fade_in", "note", 1), anim("indicate", "axes", 2)
    ]  # fmt: skip


def _deriv_limit(ctx: Context) -> Visual:
    return [
        EquationElement(id="definition", latex="f'(x) = \\lim_{h \\to 0} \\frac{f(x+h) - f(x)}{h}"),
        BulletsElement(id="steps", items=["pick two nearby points", "compute rise over run",
                                          "let the gap h shrink to zero"]),
    ], [anim("write", "definition", 0, 2.0), anim("fade_in", "steps", 1, 1.5),
        anim("indicate", "definition", 2)]  # fmt: skip


def _deriv_example(ctx: Context) -> Visual:
    return [
        _axes_for("x**2", tangent_at=1.5),
        EquationElement(id="rule", latex="\\frac{d}{dx} x^2 = 2x", region="right"),
        EquationElement(id="value", latex="f'(1.5) = 3", region="right"),
    ], [anim("create", "axes", 0, 2.0), anim("write", "rule", 1, 1.5),
        anim("write", "value", 2, 1.5)]  # fmt: skip


def _deriv_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["derivative = slope of the tangent line",
                                              "secant slopes approach it as h shrinks",
                                              "the derivative of x^2 is 2x"])
            ], [anim("fade_in", "recap", 0, 2.0), anim("indicate", "recap", 1)]  # fmt: skip


DERIVATIVE = Topic(
    key="derivative",
    name="the derivative",
    title="The Derivative as a Tangent Slope",
    keywords=(
        "derivative",
        "derivatives",
        "differentiation",
        "differentiate",
        "tangent line",
        "tangent slope",
        "slope of a curve",
        "rate of change",
        "instantaneous",
    ),
    scenes=(
        Core(
            3,
            "What is a derivative?",
            (
                "Welcome! This lesson is about the derivative, the heart of calculus.",
                "A derivative tells us how fast a function is changing at a single moment.",
            ),
            _deriv_intro,
        ),
        Core(
            5,
            "Slope between two points",
            (
                "We already know how to find the slope between two points on a curve.",
                "Divide the change in height by the change in x, rise over run.",
                "This line through two points is called a secant line.",
            ),
            _deriv_secant,
        ),
        Core(
            1,
            "The tangent line",
            (
                "Now slide the two points closer and closer together.",
                "The secant line turns into the tangent line, which just touches the curve.",
                "The slope of this tangent line is the derivative at that point.",
            ),
            _deriv_tangent,
        ),
        Core(
            6,
            "The limit definition",
            (
                "Mathematicians write this idea as a limit.",
                "We compute rise over run for a tiny gap h between the points.",
                "Then we let h shrink toward zero and see what value the slope approaches.",
            ),
            _deriv_limit,
        ),
        Core(
            4,
            "Worked example: x squared",
            (
                "Let us try the function x squared.",
                "Its derivative is two x, so the slope doubles whatever x is.",
                "At x equals one point five, the tangent line has slope three.",
            ),
            _deriv_example,
        ),
        Core(
            2,
            "Recap",
            (
                "The derivative is the slope of the tangent line at a point.",
                "It comes from secant slopes as the gap between points shrinks to zero.",
                "It measures how fast things change, from speed to growth rates.",
            ),
            _deriv_recap,
        ),
    ),
    applications=(
        "Speed as the derivative of position",
        "Finding the peak of a profit curve",
        "Training neural networks with gradients",
    ),
    mistake=(
        "Many people think the derivative is the value of the function.",
        "It is the slope of the function, how steeply it rises or falls.",
    ),
    practice=(
        "What is the slope of x squared at x equals three?",
        "The derivative is two x, so at three the slope is six.",
        "f'(3) = 2 \\cdot 3 = 6",
    ),
    terms=(
        ("slope", "rise divided by run"),
        ("tangent", "line touching at one point"),
        ("limit", "value approached as h goes to 0"),
    ),
    questions=(
        "Where is the derivative of a curve equal to zero?",
        "What does a negative derivative tell you?",
        "What is the derivative of the derivative?",
    ),
)

# ------------------------------------------------------------------ integral


def _int_intro(ctx: Context) -> Visual:
    return title_card("The Integral", "Adding up infinitely many thin slices")


def _int_area(ctx: Context) -> Visual:
    expr = _func(ctx, "0.5 * x**2 + 1")
    x_range, _ = choose_ranges([expr])
    lo = max(x_range[0], 0.0)
    hi = min(x_range[1], lo + 3.0)
    return [_axes_for(expr, area=(lo, hi)),
            EquationElement(id="integral", latex=f"\\int_{{{lo:g}}}^{{{hi:g}}} f(x)\\,dx",
                            region="right")], [
        anim("create", "axes", 0, 2.0), anim("write", "integral", 1, 1.5),
        anim("indicate", "axes", 2)]  # fmt: skip


def _int_rectangles(ctx: Context) -> Visual:
    return [
        ShapeElement(id="rect1", shape="rectangle", width=1, height=1.5, color="blue",
                     fill_opacity=0.5),
        ShapeElement(id="rect2", shape="rectangle", width=1, height=2.5, color="blue",
                     fill_opacity=0.5),
        ShapeElement(id="rect3", shape="rectangle", width=1, height=4, color="blue",
                     fill_opacity=0.5),
        EquationElement(id="sum", latex="\\sum f(x_i)\\,\\Delta x", region="right"),
    ], [anim("create", "rect1", 0, 0.8), anim("create", "rect2", 0, 0.8),
        anim("create", "rect3", 1, 0.8), anim("write", "sum", 2, 1.5)]  # fmt: skip


def _int_notation(ctx: Context) -> Visual:
    return [
        EquationElement(id="notation", latex="\\int_a^b f(x)\\,dx"),
        BulletsElement(
            id="parts",
            items=[
                "a and b: where the area starts and ends",
                "f(x): the height of each slice",
                "dx: the width of a very thin slice",
            ],
        ),
    ], [anim("write", "notation", 0, 1.5), anim("fade_in", "parts", 1, 2.0)]


def _int_example(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(-1, 3, 1), y_range=(-1, 5, 1),
                    plots=[Plot(expr="x", label="y = x", color="green", area=(0, 2))]),
        EquationElement(id="result", latex="\\int_0^2 x\\,dx = \\frac{1}{2} \\cdot 2 \\cdot 2 = 2",
                        region="right"),
    ], [anim("create", "axes", 0, 2.0), anim("write", "result", 1, 2.0),
        anim("indicate", "result", 2)]  # fmt: skip


def _int_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["an integral is an area under a curve",
                                              "thin rectangles approximate it",
                                              "more rectangles give a better answer"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


INTEGRAL = Topic(
    key="integral",
    name="the integral",
    title="The Integral as Area",
    keywords=(
        "integral",
        "integrals",
        "integration",
        "integrate",
        "area under",
        "area under the curve",
        "riemann",
        "antiderivative",
    ),
    scenes=(
        Core(
            3,
            "What is an integral?",
            (
                "Welcome! Today we meet the integral, the second big idea of calculus.",
                "An integral adds up infinitely many tiny pieces to find a total.",
            ),
            _int_intro,
        ),
        Core(
            1,
            "Area under a curve",
            (
                "Picture a curve drawn above the x axis.",
                "The integral between two x values is the area trapped under that curve.",
                "The shaded region on the graph is exactly that area.",
            ),
            _int_area,
        ),
        Core(
            5,
            "Slicing into rectangles",
            (
                "We can estimate the area with thin rectangles.",
                "Each rectangle has the curve's height and a small width.",
                "Adding their areas gives a sum that gets closer to the true area.",
            ),
            _int_rectangles,
        ),
        Core(
            6,
            "Reading the notation",
            (
                "The integral sign is a stretched letter S, for sum.",
                "The numbers a and b mark where we start and stop, and f of x is the height.",
                "The d x reminds us that each slice is very thin.",
            ),
            _int_notation,
        ),
        Core(
            4,
            "Worked example: area under y = x",
            (
                "Let us integrate y equals x from zero to two.",
                "The region is a triangle with base two and height two.",
                "Half of base times height gives an area of exactly two.",
            ),
            _int_example,
        ),
        Core(
            2,
            "Recap",
            (
                "An integral measures the area under a curve between two points.",
                "We approximate it with rectangles and let them get infinitely thin.",
                "Integrals turn rates into totals, like speed into distance.",
            ),
            _int_recap,
        ),
    ),
    applications=(
        "Distance travelled from a speed graph",
        "Total rainfall from a rain rate",
        "Probabilities from a density curve",
    ),
    mistake=(
        "A common mistake is to forget that area below the axis counts as negative.",
        "Parts of the curve under the x axis subtract from the integral.",
    ),
    practice=(
        "What is the area under y equals two from zero to three?",
        "It is a rectangle with width three and height two, so the area is six.",
        "\\int_0^3 2\\,dx = 6",
    ),
    terms=(
        ("integral", "signed area under a curve"),
        ("bounds", "where the area starts, ends"),
        ("dx", "width of a thin slice"),
    ),
    questions=(
        "How are integrals and derivatives related?",
        "What happens when the curve dips below the axis?",
        "How many rectangles do you need for a good estimate?",
    ),
)

# ------------------------------------------------------------------ unit circle / sine


def _uc_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="The Unit Circle and Sine", size="large"),
        ShapeElement(id="circle", shape="circle", width=3, height=3, color="blue"),
    ], [anim("write", "headline", 0, 1.5), anim("create", "circle", 1, 1.5)]


def _uc_circle(ctx: Context) -> Visual:
    from tutor_core.spec import Vector, VectorsElement

    return [
        VectorsElement(id="radius", extent=1.5, vectors=[
            Vector(x=0.8, y=0.6, color="yellow"),
            Vector(x=0.8, y=0, label="\\cos\\theta", color="blue"),
            Vector(x=0, y=0.6, origin=(0.8, 0), label="\\sin\\theta", color="red")]),
        EquationElement(id="point", latex="(\\cos\\theta, \\sin\\theta)", region="right"),
    ], [anim("create", "radius", 0, 2.0), anim("write", "point", 1, 1.5),
        anim("indicate", "point", 2)]  # fmt: skip


def _uc_sine(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(0, 7, 1), y_range=(-1.5, 1.5, 0.5), x_label="\\theta",
                    plots=[Plot(expr="sin(x)", label="\\sin\\theta", color="red")]),
        TextElement(id="note", text="Height of the point as the angle grows", size="small"),
    ], [anim("create", "axes", 0, 2.5), anim("fade_in", "note", 1),
        anim("indicate", "axes", 2)]  # fmt: skip


def _uc_cosine(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(0, 7, 1), y_range=(-1.5, 1.5, 0.5), x_label="\\theta",
                    plots=[Plot(expr="sin(x)", label="\\sin", color="red"),
                           Plot(expr="cos(x)", label="\\cos", color="blue")]),
        EquationElement(id="identity", latex="\\sin^2\\theta + \\cos^2\\theta = 1",
                        region="right"),
    ], [anim("create", "axes", 0, 2.5), anim("write", "identity", 2, 1.5)]  # fmt: skip


def _uc_example(ctx: Context) -> Visual:
    return [
        TableElement(id="values", header=["degrees", "sin", "cos"],
                     rows=[["0", "0", "1"], ["30", "0.5", "0.87"], ["90", "1", "0"],
                           ["180", "0", "-1"]]),
        EquationElement(id="example", latex="\\sin 30^\\circ = \\tfrac{1}{2}", region="right"),
    ], [anim("fade_in", "values", 0, 2.0), anim("write", "example", 1, 1.5),
        anim("indicate", "example", 2)]  # fmt: skip


def _uc_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["unit circle: radius 1", "sine = height of the point",
                                              "cosine = horizontal position",
                                              "sine repeats every full turn"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


UNIT_CIRCLE = Topic(
    key="unit_circle",
    name="the unit circle",
    title="The Unit Circle and Sine",
    keywords=(
        "unit circle",
        "sine",
        "sin",
        "cosine",
        "cos",
        "trigonometry",
        "trig",
        "sine wave",
        "radians",
    ),
    scenes=(
        Core(
            3,
            "Meet the unit circle",
            (
                "Welcome! Today we connect a simple circle to the sine wave.",
                "The unit circle is a circle with radius one, centred at the origin.",
            ),
            _uc_intro,
        ),
        Core(
            1,
            "Angles become coordinates",
            (
                "Draw a radius at an angle theta from the positive x axis.",
                "Its horizontal part is the cosine and its vertical part is the sine.",
                "So every point on the circle is cosine theta, sine theta.",
            ),
            _uc_circle,
        ),
        Core(
            4,
            "Unrolling the sine wave",
            (
                "Now let the angle keep growing and track the height of the point.",
                "Plotting that height against the angle draws the sine wave.",
                "It rises to one, falls to minus one, and repeats every full turn.",
            ),
            _uc_sine,
        ),
        Core(
            6,
            "Sine and cosine together",
            (
                "Cosine traces the same wave, shifted by a quarter turn.",
                "Because the radius is one, the Pythagorean theorem links them.",
                "Sine squared plus cosine squared always equals one.",
            ),
            _uc_cosine,
        ),
        Core(
            5,
            "Worked example: special angles",
            (
                "Some angles give especially simple values.",
                "At thirty degrees, the point sits at height one half, so sine is one half.",
                "At ninety degrees the point is at the top, so sine is one and cosine is zero.",
            ),
            _uc_example,
        ),
        Core(
            2,
            "Recap",
            (
                "The unit circle has radius one.",
                "Sine is the height of a point on it, and cosine is its horizontal position.",
                "As the angle turns, sine traces a wave that repeats forever.",
            ),
            _uc_recap,
        ),
    ),
    applications=(
        "Sound waves and music",
        "Alternating current in power lines",
        "Rotating objects in games",
    ),
    mistake=(
        "A common mistake is mixing up degrees and radians.",
        "A full turn is three hundred sixty degrees, or two pi radians.",
    ),
    practice=(
        "What is the sine of one hundred eighty degrees?",
        "The point is on the far left of the circle at height zero, so sine is zero.",
        "\\sin 180^\\circ = 0",
    ),
    terms=(
        ("radian", "angle measured by arc length"),
        ("sine", "height of the point"),
        ("cosine", "horizontal position"),
    ),
    questions=(
        "Why does the sine wave repeat?",
        "What does the tangent function measure?",
        "How would a circle of radius two change the wave?",
    ),
)

# ------------------------------------------------------------------ limits


def _lim_intro(ctx: Context) -> Visual:
    return title_card("Limits", "Where is a function heading?")


def _lim_approach(ctx: Context) -> Visual:
    return [
        NumberLineElement(id="line", x_range=(0, 2, 0.25), marks=[0.5, 0.9, 0.99, 1.0],
                          label="x \\to 1"),
        TableElement(id="values", header=["x", "f(x)"],
                     rows=[["0.9", "1.9"], ["0.99", "1.99"], ["0.999", "1.999"]]),
    ], [anim("create", "line", 0, 1.5), anim("fade_in", "values", 1, 2.0),
        anim("indicate", "values", 2)]  # fmt: skip


def _lim_hole(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(-1, 3, 1), y_range=(-1, 4, 1),
                    plots=[Plot(expr="x + 1", label="\\frac{x^2-1}{x-1}", color="blue")],
                    points=[(1, 2)]),
        EquationElement(id="limit", latex="\\lim_{x \\to 1} \\frac{x^2 - 1}{x - 1} = 2",
                        region="right"),
    ], [anim("create", "axes", 0, 2.0), anim("indicate", "axes", 1),
        anim("write", "limit", 2, 1.5)]  # fmt: skip


def _lim_notation(ctx: Context) -> Visual:
    return [
        EquationElement(id="notation", latex="\\lim_{x \\to a} f(x) = L"),
        BulletsElement(
            id="meaning",
            items=[
                "x gets as close to a as we like",
                "f(x) gets as close to L as we like",
                "x never has to equal a",
            ],
        ),
    ], [anim("write", "notation", 0, 1.5), anim("fade_in", "meaning", 1, 2.0)]


def _lim_example(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(0, 10, 1), y_range=(-0.5, 1.5, 0.5),
                    plots=[Plot(expr="1 / x", label="y = 1/x", color="green",
                                x_range=(0.7, 10))]),
        EquationElement(id="limit", latex="\\lim_{x \\to \\infty} \\frac{1}{x} = 0",
                        region="right"),
    ], [anim("create", "axes", 0, 2.0), anim("write", "limit", 1, 1.5),
        anim("indicate", "limit", 2)]  # fmt: skip


def _lim_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["a limit is where f(x) is heading",
                                              "the function need not reach it",
                                              "limits define derivatives and integrals"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


LIMITS = Topic(
    key="limits",
    name="limits",
    title="Limits",
    keywords=(
        "limit",
        "limits",
        "approaches",
        "approaching",
        "tends to",
        "continuity",
        "epsilon",
        "lim",
    ),
    scenes=(
        Core(
            3,
            "What is a limit?",
            (
                "Welcome! Today we learn about limits, the foundation of calculus.",
                "A limit describes the value a function heads toward as its input moves.",
            ),
            _lim_intro,
        ),
        Core(
            5,
            "Getting closer and closer",
            (
                "Watch what happens as x creeps toward one.",
                "We try point nine, then point nine nine, then point nine nine nine.",
                "The outputs close in on two, even though we never reach x equals one.",
            ),
            _lim_approach,
        ),
        Core(
            1,
            "A hole in the graph",
            (
                "The function x squared minus one, over x minus one, is undefined at one.",
                "Its graph is the line x plus one, with a single missing point.",
                "The limit fills in the hole: as x approaches one, the function approaches two.",
            ),
            _lim_hole,
        ),
        Core(
            6,
            "Limit notation",
            (
                "We write lim, with x arrow a underneath, of f of x, equals L.",
                "It means f of x gets as close to L as we like when x is close enough to a.",
                "Importantly, x never has to actually equal a.",
            ),
            _lim_notation,
        ),
        Core(
            4,
            "Worked example: 1 over x",
            (
                "Now let x grow larger and larger.",
                "One over x gets smaller and smaller, but it never becomes negative.",
                "So the limit of one over x as x goes to infinity is zero.",
            ),
            _lim_example,
        ),
        Core(
            2,
            "Recap",
            (
                "A limit is the value a function approaches, not necessarily where it lands.",
                "Limits handle holes and infinity gracefully.",
                "Derivatives and integrals are both built on limits.",
            ),
            _lim_recap,
        ),
    ),
    applications=(
        "Defining instantaneous speed",
        "Compound interest growing continuously",
        "Error bounds in numerical methods",
    ),
    mistake=(
        "A common mistake is thinking the limit is just the value at the point.",
        "The limit only cares about nearby values, and the point itself may be missing.",
    ),
    practice=(
        "What is the limit of two x plus one as x approaches three?",
        "As x gets close to three, two x plus one gets close to seven.",
        "\\lim_{x \\to 3} (2x + 1) = 7",
    ),
    terms=(
        ("limit", "value a function approaches"),
        ("infinity", "growing without bound"),
        ("continuous", "no holes or jumps"),
    ),
    questions=(
        "Can a limit exist where the function is undefined?",
        "What happens when left and right limits disagree?",
        "How do limits define the derivative?",
    ),
)

# ------------------------------------------------------------------ quadratic formula


def _quad_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="The Quadratic Formula", size="large"),
        EquationElement(id="general", latex="ax^2 + bx + c = 0"),
    ], [anim("write", "headline", 0, 1.5), anim("write", "general", 1, 1.5)]


def _quad_parabola(ctx: Context) -> Visual:
    return [
        AxesElement(id="axes", x_range=(-2, 5, 1), y_range=(-2, 6, 1),
                    plots=[Plot(expr="x**2 - 3*x + 2", label="y = x^2 - 3x + 2", color="blue")],
                    points=[(1, 0), (2, 0)]),
        TextElement(id="note", text="Roots: where the parabola crosses the x axis",
                    size="small"),
    ], [anim("create", "axes", 0, 2.0), anim("fade_in", "note", 1),
        anim("indicate", "axes", 2)]  # fmt: skip


def _quad_formula(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula", latex="x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}"),
        BulletsElement(id="parts", items=["a, b, c: the coefficients", "± gives two answers",
                                          "works for every quadratic"]),
    ], [anim("write", "formula", 0, 2.5), anim("fade_in", "parts", 1, 1.5),
        anim("indicate", "formula", 2)]  # fmt: skip


def _quad_discriminant(ctx: Context) -> Visual:
    return [
        EquationElement(id="discriminant", latex="\\Delta = b^2 - 4ac"),
        TableElement(
            id="cases",
            header=["discriminant", "real roots"],
            rows=[["positive", "two"], ["zero", "one"], ["negative", "none"]],
        ),
    ], [anim("write", "discriminant", 0, 1.5), anim("fade_in", "cases", 1, 2.0)]


def _quad_example(ctx: Context) -> Visual:
    return [
        EquationElement(id="problem", latex="x^2 - 3x + 2 = 0"),
        EquationElement(id="substitute", latex="x = \\frac{3 \\pm \\sqrt{9 - 8}}{2}"),
        EquationElement(id="roots", latex="x = 1 \\text{ or } x = 2", color="yellow"),
    ], [anim("write", "problem", 0, 1.5), anim("write", "substitute", 1, 2.0),
        anim("write", "roots", 2, 1.5), anim("indicate", "roots", 3)]  # fmt: skip


def _quad_recap(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula", latex="x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}"),
        BulletsElement(
            id="recap",
            items=[
                "roots are where the parabola meets the x axis",
                "the discriminant counts the roots",
            ],
        ),
    ], [anim("write", "formula", 0, 2.0), anim("fade_in", "recap", 1, 1.5)]


QUADRATIC = Topic(
    key="quadratic",
    name="the quadratic formula",
    title="The Quadratic Formula",
    keywords=(
        "quadratic",
        "quadratic formula",
        "quadratic equation",
        "parabola",
        "discriminant",
        "ax^2+bx+c",
        "roots of a polynomial",
    ),
    scenes=(
        Core(
            3,
            "Quadratic equations",
            (
                "Welcome! Today we solve any quadratic equation with one formula.",
                "A quadratic equation has the form a x squared plus b x plus c equals zero.",
            ),
            _quad_intro,
        ),
        Core(
            4,
            "Roots on a parabola",
            (
                "The graph of a quadratic is a U-shaped curve called a parabola.",
                "The solutions, or roots, are the x values where it crosses the x axis.",
                "This parabola crosses at one and at two.",
            ),
            _quad_parabola,
        ),
        Core(
            1,
            "The formula",
            (
                "The quadratic formula finds the roots directly from a, b and c.",
                "It is minus b, plus or minus the root of b squared minus four a c, over two a.",
                "The plus or minus sign gives the two roots.",
            ),
            _quad_formula,
        ),
        Core(
            6,
            "The discriminant",
            (
                "The part under the square root, b squared minus four a c, is the discriminant.",
                "If it is positive there are two real roots, and if it is zero there is one.",
                "If it is negative, the parabola never touches the x axis.",
            ),
            _quad_discriminant,
        ),
        Core(
            5,
            "Worked example",
            (
                "Let us solve x squared minus three x plus two equals zero.",
                "Here a is one, b is minus three and c is two, so the root part is one.",
                "Three plus or minus one, over two, gives x equals one or x equals two.",
                "These match the crossings we saw on the graph.",
            ),
            _quad_example,
        ),
        Core(
            2,
            "Recap",
            (
                "The quadratic formula solves a x squared plus b x plus c equals zero.",
                "Its roots are where the parabola meets the x axis.",
                "The discriminant tells you how many real roots to expect.",
            ),
            _quad_recap,
        ),
    ),
    applications=(
        "The path of a thrown ball",
        "Maximising area with a fixed fence",
        "Break-even points in business",
    ),
    mistake=(
        "A common mistake is dividing only the square root by two a.",
        "The whole numerator, negative b plus or minus the root, is divided by two a.",
    ),
    practice=(
        "Solve x squared minus four equals zero.",
        "Here b is zero, so x is plus or minus the square root of four: two or minus two.",
        "x = \\pm 2",
    ),
    terms=(
        ("root", "where the parabola meets y = 0"),
        ("coefficient", "the numbers a, b, c"),
        ("discriminant", "b^2 - 4ac"),
    ),
    questions=(
        "What do complex roots look like on the graph?",
        "How does changing c move the parabola?",
        "Can you derive the formula by completing the square?",
    ),
)

# ------------------------------------------------------------------ circle area


def _ca_intro(ctx: Context) -> Visual:
    return [
        TextElement(id="headline", text="The Area of a Circle", size="large"),
        ShapeElement(
            id="circle", shape="circle", width=3, height=3, color="blue", fill_opacity=0.3
        ),
    ], [anim("write", "headline", 0, 1.5), anim("create", "circle", 1, 1.5)]


def _ca_radius(ctx: Context) -> Visual:
    return [
        ShapeElement(id="circle", shape="circle", width=4, height=4, color="blue"),
        ShapeElement(id="radius", shape="line", points=[(0, 0), (2, 0)], color="yellow",
                     label="r"),
        BulletsElement(id="parts", region="right", items=["r: radius, centre to edge",
                                                          "d = 2r: diameter",
                                                          "C = 2πr: circumference"]),
    ], [anim("create", "circle", 0, 1.5), anim("create", "radius", 1),
        anim("fade_in", "parts", 2, 1.5)]  # fmt: skip


def _ca_slices(ctx: Context) -> Visual:
    return [
        ShapeElement(id="circle", shape="circle", width=3, height=3, color="blue",
                     fill_opacity=0.3),
        ShapeElement(id="rectangle", shape="rectangle", width=4.7, height=1.5, color="blue",
                     fill_opacity=0.3, label="\\pi r \\times r"),
    ], [anim("create", "circle", 0, 1.5), anim("transform", "circle", 1, 2.0, to="rectangle"),
        anim("indicate", "rectangle", 2)]  # fmt: skip


def _ca_formula(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula", latex="A = \\pi r^2"),
        TextElement(id="note", text="π ≈ 3.14159", size="small"),
    ], [
        anim("write", "formula", 0, 1.5),
        anim("fade_in", "note", 1),
        anim("indicate", "formula", 2),
    ]


def _ca_example(ctx: Context) -> Visual:
    return [
        ShapeElement(id="circle", shape="circle", width=3, height=3, color="green",
                     label="r = 3", fill_opacity=0.3),
        EquationElement(id="step", latex="A = \\pi \\cdot 3^2 = 9\\pi \\approx 28.3",
                        region="right"),
    ], [anim("create", "circle", 0, 1.5), anim("write", "step", 1, 2.0),
        anim("indicate", "step", 2)]  # fmt: skip


def _ca_recap(ctx: Context) -> Visual:
    return [
        EquationElement(id="formula", latex="A = \\pi r^2"),
        BulletsElement(
            id="recap",
            items=["square the radius, then multiply by pi", "slices rearrange into a rectangle"],
        ),
    ], [anim("write", "formula", 0, 1.5), anim("fade_in", "recap", 1, 1.5)]


CIRCLE_AREA = Topic(
    key="circle_area",
    name="the area of a circle",
    title="The Area of a Circle",
    keywords=(
        "circle area",
        "area of a circle",
        "area of circle",
        "pi r squared",
        "pi r^2",
        "circumference",
        "radius",
        "diameter",
    ),
    scenes=(
        Core(
            3,
            "How much space does a circle cover?",
            (
                "Welcome! Today we find out how much space a circle covers.",
                "By the end, you will know why the area is pi r squared.",
            ),
            _ca_intro,
        ),
        Core(
            5,
            "Radius, diameter, circumference",
            (
                "Every circle has a centre and a radius, the distance to its edge.",
                "The diameter is twice the radius, straight across the circle.",
                "The distance around is the circumference, two pi r.",
            ),
            _ca_radius,
        ),
        Core(
            1,
            "Slice and rearrange",
            (
                "Cut the circle into many thin wedges, like a pizza.",
                "Arrange them point up, point down, and they form a shape close to a rectangle.",
                "Its width is half the circumference, pi r, and its height is r.",
            ),
            _ca_slices,
        ),
        Core(
            4,
            "The formula",
            (
                "Width times height gives pi r times r.",
                "So the area of a circle is pi r squared.",
                "Pi is about three point one four, the same for every circle.",
            ),
            _ca_formula,
        ),
        Core(
            6,
            "Worked example: radius 3",
            (
                "Let us find the area of a circle with radius three.",
                "Three squared is nine, so the area is nine pi.",
                "That is about twenty-eight point three square units.",
            ),
            _ca_example,
        ),
        Core(
            2,
            "Recap",
            (
                "The area of a circle is pi times the radius squared.",
                "Slicing and rearranging the circle shows why.",
                "Always square the radius before multiplying by pi.",
            ),
            _ca_recap,
        ),
    ),
    applications=(
        "Sizing pizzas and pipes",
        "Designing round gardens and tables",
        "Estimating the reach of a radio tower",
    ),
    mistake=(
        "A common mistake is using the diameter in place of the radius.",
        "Halve the diameter first, then square it.",
    ),
    practice=(
        "A circle has diameter ten. What is its area?",
        "The radius is five, so the area is twenty-five pi, about seventy-eight point five.",
        "A = \\pi \\cdot 5^2 = 25\\pi",
    ),
    terms=(
        ("radius", "centre to edge"),
        ("diameter", "edge to edge, 2r"),
        ("pi", "circumference over diameter"),
    ),
    questions=(
        "What happens to the area when the radius doubles?",
        "How would you find the area of half a circle?",
        "Why is pi the same for every circle?",
    ),
)

# ------------------------------------------------------------------ Fourier series

_SQUARE_1 = "4/pi * sin(x)"
_SQUARE_2 = "4/pi * (sin(x) + sin(3*x)/3)"
_SQUARE_3 = "4/pi * (sin(x) + sin(3*x)/3 + sin(5*x)/5)"
_SQUARE_5 = "4/pi * (sin(x) + sin(3*x)/3 + sin(5*x)/5 + sin(7*x)/7 + sin(9*x)/9)"


def _fourier_axes(*exprs: tuple[str, str, str]) -> AxesElement:
    return AxesElement(
        id="axes", x_range=(-4, 4, 1), y_range=(-1.5, 1.5, 0.5),
        plots=[Plot(expr=e, color=c, label=label) for e, c, label in exprs],
    )  # fmt: skip


def _fou_intro(ctx: Context) -> Visual:
    return title_card("Fourier Series", "Any repeating shape from sine waves")


def _fou_waves(ctx: Context) -> Visual:
    return [_fourier_axes(("sin(x)", "blue", "\\sin x"), ("sin(3*x)/3", "green",
                                                             "\\frac{1}{3}\\sin 3x")),
            TextElement(id="note", text="Faster waves, smaller heights", size="small")
            ], [anim("create", "axes", 0, 2.0), anim("fade_in", "note", 1)]  # fmt: skip


def _fou_partial(ctx: Context) -> Visual:
    return [_fourier_axes((_SQUARE_1, "blue", "S_1"), (_SQUARE_2, "green", "S_2"),
                          (_SQUARE_3, "yellow", "S_3")),
            EquationElement(id="series", latex="\\frac{4}{\\pi}\\left(\\sin x + "
                            "\\frac{\\sin 3x}{3} + \\frac{\\sin 5x}{5} + \\cdots\\right)")
            ], [anim("create", "axes", 0, 2.5), anim("write", "series", 1, 2.0),
                anim("indicate", "axes", 2)]  # fmt: skip


def _fou_formula(ctx: Context) -> Visual:
    return [
        EquationElement(
            id="general", latex="f(x) = a_0 + \\sum_{n=1}^{\\infty} (a_n \\cos nx + b_n \\sin nx)"
        ),
        BulletsElement(
            id="parts",
            items=[
                "a_n, b_n: how much of each wave",
                "n: how fast each wave wiggles",
                "found by integrating f against each wave",
            ],
        ),
    ], [anim("write", "general", 0, 2.0), anim("fade_in", "parts", 1, 2.0)]


def _fou_example(ctx: Context) -> Visual:
    return [_fourier_axes((_SQUARE_5, "yellow", "S_5")),
            TextElement(id="note", text="Five terms already look like a square wave",
                        size="small")
            ], [anim("create", "axes", 0, 2.5), anim("fade_in", "note", 1),
                anim("indicate", "axes", 2)]  # fmt: skip


def _fou_recap(ctx: Context) -> Visual:
    return [BulletsElement(id="recap", items=["periodic signals = sums of sine waves",
                                              "more terms, better approximation",
                                              "coefficients say how much of each wave"])
            ], [anim("fade_in", "recap", 0, 2.0)]  # fmt: skip


FOURIER = Topic(
    key="fourier",
    name="Fourier series",
    title="Fourier Series",
    keywords=(
        "fourier",
        "fourier series",
        "fourier transform",
        "harmonics",
        "square wave",
        "frequency spectrum",
        "sum of sines",
    ),
    scenes=(
        Core(
            3,
            "Building shapes from waves",
            (
                "Welcome! Today we build complicated shapes out of simple sine waves.",
                "This idea, the Fourier series, powers music, images and much more.",
            ),
            _fou_intro,
        ),
        Core(
            5,
            "Sine waves of different speeds",
            (
                "Start with a plain sine wave.",
                "Add a wave that wiggles three times as fast, with one third the height.",
                "Each extra wave is called a harmonic.",
            ),
            _fou_waves,
        ),
        Core(
            1,
            "Partial sums approach a square wave",
            (
                "Add the harmonics one by one and watch the sum change.",
                "One term is a smooth wave, two terms look boxier, and three boxier still.",
                "The sum is approaching a square wave.",
            ),
            _fou_partial,
        ),
        Core(
            6,
            "The general formula",
            (
                "In general, a Fourier series adds sines and cosines of every speed n.",
                "The coefficients a n and b n say how much of each wave to use.",
                "We find them by integrating the function against each wave.",
            ),
            _fou_formula,
        ),
        Core(
            4,
            "Worked example: five terms",
            (
                "Let us add five odd harmonics of the square wave.",
                "The result is already flat on top with steep sides.",
                "Small ripples remain near the jumps, a famous effect called Gibbs phenomenon.",
            ),
            _fou_example,
        ),
        Core(
            2,
            "Recap",
            (
                "A Fourier series writes a repeating function as a sum of sine waves.",
                "More terms give a closer match.",
                "The coefficients tell us the recipe of frequencies.",
            ),
            _fou_recap,
        ),
    ),
    applications=(
        "Compressing music into MP3 files",
        "Removing noise from signals",
        "Analysing vibrations in bridges",
    ),
    mistake=(
        "A common mistake is thinking a few terms give an exact match.",
        "A finite sum is only an approximation, and it wiggles near sudden jumps.",
    ),
    practice=(
        "Which harmonics appear in the square wave series?",
        "Only the odd ones: one, three, five and so on, each divided by its number.",
        "\\sin x + \\tfrac{1}{3}\\sin 3x + \\tfrac{1}{5}\\sin 5x",
    ),
    terms=(
        ("harmonic", "a wave at a multiple speed"),
        ("coefficient", "amount of each wave"),
        ("periodic", "repeats after a fixed length"),
    ),
    questions=(
        "What series gives a sawtooth wave?",
        "How does the ear hear harmonics?",
        "What is the Fourier transform of a non-repeating signal?",
    ),
)

TOPICS = (PYTHAGORAS, DERIVATIVE, INTEGRAL, UNIT_CIRCLE, LIMITS, QUADRATIC, CIRCLE_AREA,
          FOURIER)  # fmt: skip
