"""The examples of docs/edit-grammar.md do what the page says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tutor_core.agents.lesson import build_plan, edit_scene
from tutor_core.errors import EditNotUnderstood
from tutor_core.models import PlannedScene

DOC = Path(__file__).resolve().parents[2] / "docs" / "edit-grammar.md"


@dataclass(frozen=True)
class Example:
    prompt: str
    title: str
    instruction: str
    refused: bool
    expected: str


def _examples() -> list[Example]:
    out: list[Example] = []
    for block in re.findall(r"```edits\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        lines = [line for line in block.splitlines() if line.strip()]
        assert lines[0].startswith("on: "), f"an edits block starts with 'on:': {lines[0]!r}"
        prompt, title = (part.strip() for part in lines[0][4:].split("|"))
        for line in lines[1:]:
            if " → " in line:
                instruction, expected = line.split(" → ", 1)
                out.append(Example(prompt, title, instruction.strip(), False, expected.strip()))
            else:
                instruction, expected = line.split(" ✗ ", 1)
                out.append(Example(prompt, title, instruction.strip(), True, expected.strip()))
    return out


@cache
def _scene(prompt: str, title: str) -> PlannedScene:
    for scene in build_plan(prompt, 12).scenes:
        if scene.title == title:
            return scene
    raise AssertionError(f"the docs name a scene {title!r} that {prompt!r} does not have")


def test_the_page_has_examples_for_every_section() -> None:
    examples = _examples()
    assert len(examples) >= 50
    assert any(e.refused for e in examples) and any(not e.refused for e in examples)


@pytest.mark.parametrize("example", _examples(), ids=lambda e: e.instruction[:40])
def test_documented_example(example: Example) -> None:
    scene = _scene(example.prompt, example.title)
    if example.refused:
        with pytest.raises(EditNotUnderstood) as info:
            edit_scene(scene, example.instruction)
        assert info.value.message.startswith(example.expected), info.value.message
        assert info.value.suggestions, "every refusal offers edits that work"
    else:
        assert edit_scene(scene, example.instruction).summary == example.expected
