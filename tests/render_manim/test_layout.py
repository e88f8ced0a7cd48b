"""Layout engine: boxes are disjoint and inside the frame, by construction."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.render_manim.conftest import scene_specs
from tutor_core.errors import InvalidInput
from tutor_core.spec import SceneSpec
from tutor_render_manim.layout import TITLE_KEY, Box, layout_groups, plan_layout


def _spec(**kw: object) -> SceneSpec:
    return SceneSpec.model_validate(kw)


def _check(spec: SceneSpec, width: float, height: float) -> dict[str, Box]:
    boxes = plan_layout(spec, width, height)
    owner = layout_groups(spec)
    assert set(boxes) == {el.id for el in spec.elements} | ({TITLE_KEY} if spec.title else set())
    for key, box in boxes.items():
        assert box.width > 0 and box.height > 0, key
        assert box.inside(width, height), (key, box)
    # Distinct slots (and the title) never overlap; transform targets share the source's box.
    slots = {k: b for k, b in boxes.items() if k == TITLE_KEY or owner[k] == k}
    for (ka, a), (kb, b) in itertools.combinations(slots.items(), 2):
        assert not a.overlaps(b), (ka, a, kb, b)
    for eid, root in owner.items():
        assert boxes[eid] == boxes[root]
    return boxes


@settings(max_examples=150, deadline=None)
@given(
    spec=scene_specs(),
    width=st.floats(0.5, 40, allow_nan=False),
    height=st.floats(0.5, 40, allow_nan=False),
)
def test_boxes_are_disjoint_and_inside_any_frame(
    spec: SceneSpec, width: float, height: float
) -> None:
    _check(spec, width, height)


def test_single_element_takes_the_body_below_the_title() -> None:
    spec = _spec(title="T", elements=[{"kind": "equation", "latex": "x"}])
    boxes = _check(spec, 14.222, 8.0)
    body, title = boxes["e0"], boxes[TITLE_KEY]
    assert body.top < title.bottom
    assert body.width == pytest.approx(title.width)
    assert title.top == pytest.approx(4.0 - 0.04 * 8.0)


def test_two_elements_become_columns_in_reading_order() -> None:
    spec = _spec(elements=[{"kind": "text", "text": "a"}, {"kind": "axes"}])
    boxes = _check(spec, 14.222, 8.0)
    assert boxes["e0"].right < boxes["e1"].left
    assert boxes["e0"].y == pytest.approx(boxes["e1"].y)


def test_explicit_regions_are_honoured() -> None:
    spec = _spec(
        elements=[
            {"kind": "text", "text": "wide", "region": "body"},
            {"kind": "text", "text": "r", "region": "right"},
            {"kind": "text", "text": "l", "region": "left"},
        ]
    )
    boxes = _check(spec, 14.222, 8.0)
    assert boxes["e0"].width > boxes["e1"].width * 1.9
    assert boxes["e0"].bottom > boxes["e1"].top  # the body row comes first (spec order)
    assert boxes["e2"].right < boxes["e1"].left


def test_portrait_frames_stack_rows() -> None:
    spec = _spec(elements=[{"kind": "text", "text": "a"}, {"kind": "text", "text": "b"}])
    boxes = _check(spec, 4.5, 8.0)
    assert boxes["e0"].bottom > boxes["e1"].top
    assert boxes["e0"].width == pytest.approx(boxes["e1"].width)


def test_transform_chain_shares_one_box() -> None:
    spec = _spec(
        elements=[{"kind": "equation", "latex": "a"}, {"kind": "equation", "latex": "b"},
                  {"kind": "equation", "latex": "c"}, {"kind": "text", "text": "d"}],
        animations=[{"action": "transform", "target": "e0", "to": "e1"},
                    {"action": "transform", "target": "e1", "to": "e2"},
                    {"action": "transform", "target": "e2", "to": "e0"}],
    )  # fmt: skip
    boxes = _check(spec, 14.222, 8.0)
    assert boxes["e0"] == boxes["e1"] == boxes["e2"] != boxes["e3"]


def test_graphics_get_more_height_than_text() -> None:
    spec = _spec(
        elements=[{"kind": "text", "text": "a", "region": "left"},
                  {"kind": "axes", "region": "left"}]
    )  # fmt: skip
    boxes = _check(spec, 14.222, 8.0)
    assert boxes["e1"].height == pytest.approx(2 * boxes["e0"].height)


@pytest.mark.parametrize("size", [(0.0, 8.0), (14.0, -1.0), (math.inf, 8.0), (math.nan, 1.0)])
def test_bad_frame_sizes_are_refused(size: tuple[float, float]) -> None:
    spec = _spec(title="T")
    with pytest.raises(InvalidInput, match="cannot lay out") as info:
        plan_layout(spec, *size)
    assert info.value.hint


def test_box_geometry_helpers() -> None:
    a = Box(0, 0, 2, 2)
    assert a.overlaps(Box(1.5, 0, 2, 2))
    assert not a.overlaps(Box(2, 0, 2, 2))  # touching edges do not overlap
    assert a.inside(2, 2) and not a.inside(1.9, 2)


def test_a_bigger_title_gets_a_bigger_font_and_a_taller_band() -> None:
    from tutor_render_manim.compiler.build import compile_spec

    base = {"title": "The rule", "elements": [{"kind": "text", "id": "t", "text": "hello"}]}
    bands, fonts = [], []
    for size in ("small", "normal", "large"):
        spec = SceneSpec.model_validate(base | {"title_size": size})
        boxes = plan_layout(spec)
        bands.append(boxes[TITLE_KEY].height)
        # The rest of the frame gives way: the body starts below the band.
        assert boxes["t"].y + boxes["t"].height / 2 < boxes[TITLE_KEY].y - bands[-1] / 2
        code = compile_spec(spec, tex=False)
        fonts.append(int(code.split("title = Text(")[1].split("font_size=")[1].split(",")[0]))
    assert bands == sorted(bands) and len(set(bands)) == 3
    assert fonts == sorted(fonts) and len(set(fonts)) == 3
