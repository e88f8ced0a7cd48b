"""The code template: the module around a compiled scene (imports, helpers, the class).

The emitted module imports only `manim`, `numpy` and (when needed) `math`, defines
the helpers `fit` and `shift_inside` (and `formula` with LaTeX), then one `Scene`
subclass whose `construct` holds the body the emitters wrote.
"""

from __future__ import annotations

from collections.abc import Iterator

from tutor_render_manim.tex import TEX_DOCUMENTCLASS, TEX_PREAMBLE

_HELPERS_TEX = '''
TEX_TEMPLATE = TexTemplate(
    documentclass={documentclass!r},
    preamble={preamble!r},
)
# Manim's stock template needs standalone.cls; matrices and axis numbers use the
# global template, so set it for the whole scene.
config.tex_template = TEX_TEMPLATE


def formula(latex, fallback, **style):
    """MathTex, or the text fallback if this LaTeX does not compile (a formula always shows)."""
    try:
        return MathTex(latex, **style)
    except Exception:  # LaTeX errors surface as various exceptions
        return Text(fallback, **style)
'''

_HELPERS = '''

def fit(mob, box):
    """Shrink mob to fit box = (centre x, centre y, width, height), then centre it there.

    Never enlarges: text is made at a readable size, graphics at their box size.
    """
    x, y, width, height = box
    factor = 1.0
    if mob.width > width:
        factor = min(factor, width / mob.width)
    if mob.height > height:
        factor = min(factor, height / mob.height)
    if factor < 1.0:
        mob.scale(factor)
    mob.move_to([x, y, 0])
    return mob


def shift_inside(mob, shift):
    """The shift, shortened so that mob stays inside the frame."""
    # Keep a small margin so that nothing touches the frame edge.
    half_w, half_h = config.frame_width / 2 - 0.1, config.frame_height / 2 - 0.1
    dx = min(max(shift[0], -half_w - mob.get_left()[0]), half_w - mob.get_right()[0])
    dy = min(max(shift[1], -half_h - mob.get_bottom()[1]), half_h - mob.get_top()[1])
    return np.array([dx, dy, 0.0])
'''


def _iter_header(tex: bool, uses_math: bool) -> Iterator[str]:
    yield '"""Manim scene compiled from a SceneSpec by tutor. Edit freely."""'
    yield ""
    if uses_math:
        yield "import math"
        yield ""
    yield "import numpy as np"
    yield "from manim import *"
    if tex:
        yield _HELPERS_TEX.format(documentclass=TEX_DOCUMENTCLASS, preamble=TEX_PREAMBLE)
    yield _HELPERS


def module(
    *, class_name: str, title: str | None, summary: str, body: list[str], tex: bool, uses_math: bool
) -> str:
    """The whole module: header, helpers, then `class_name(Scene)` with `body` in `construct`."""
    header = "\n".join(_iter_header(tex, uses_math))
    cls = (
        f"\n\nclass {class_name}(Scene):\n"
        f'    """{_doc_text(title)}({summary})."""\n\n'
        "    def construct(self):\n"
    )
    return header.rstrip("\n") + "\n" + cls + "\n".join(body).rstrip() + "\n"


def _doc_text(title: str | None) -> str:
    if not title:
        return ""
    safe = title.replace("\\", "/").replace('"""', "'''").replace("\n", " ")
    return f"{safe.rstrip(chr(34))} "
