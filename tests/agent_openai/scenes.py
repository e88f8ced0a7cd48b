"""What the scripted model says in the tests: plans, specs and Manim code."""

from __future__ import annotations

from typing import Any


def plan(count: int, topic: str = "Right triangles") -> dict[str, Any]:
    return {
        "title": topic,
        "scenes": [
            {
                "title": f"Part {i + 1}",
                "narration": f"This is part {i + 1} of the lesson. It shows one idea clearly.",
                "goal": f"understand idea {i + 1}",
            }
            for i in range(count)
        ],
    }


def spec(title: str = "Pythagoras", color: str = "blue") -> dict[str, Any]:
    return {
        "kind": "spec",
        "code": None,
        "spec": {
            "title": title,
            "elements": [
                {"kind": "equation", "id": "eq", "latex": "a^2 + b^2 = c^2", "color": color},
                {"kind": "text", "id": "note", "text": "for every right triangle"},
            ],
            "animations": [
                {"action": "write", "target": "eq"},
                {"action": "fade_in", "target": "note"},
            ],
        },
    }


def code(body: str, scene: int, name: str = "Lesson") -> dict[str, Any]:
    """A Manim file whose construct is `body` (marked `# scene N` for the fake's routing)."""
    lines = "\n".join("        " + line for line in body.strip().splitlines())
    source = (
        f"# scene {scene}\nfrom manim import *\n\n\nclass {name}(Scene):\n"
        f"    def construct(self):\n{lines}\n"
    )
    return {"kind": "code", "spec": None, "code": source}


GOOD_BODY = """
square = Square(side_length=2, color=BLUE, fill_opacity=0.4)
self.play(Create(square), run_time=0.5)
self.play(square.animate.rotate(PI / 4).set_fill(GREEN, opacity=0.6), run_time=0.5)
self.wait(0.5)
"""

MADE_UP_NAME_BODY = """
shape = Circel(radius=1)
self.play(Create(shape), run_time=0.5)
"""

WRONG_KEYWORD_BODY = """
shape = Circle(radus=1)
self.play(Create(shape), run_time=0.5)
"""

RUNTIME_ERROR_BODY = """
dot = Dot(color=YELLOW)
self.play(FadeIn(dot), run_time=0.5)
steps = [1, 2, 3]
self.play(dot.animate.shift(RIGHT * steps[7]), run_time=0.5)
"""
