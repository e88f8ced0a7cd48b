"""Every hook is documented (with an example that runs) and used by at least one test.

After datasette's `test_plugin_hooks_are_documented` / `test_plugin_hooks_have_tests`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tutor_core import hookspecs

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "plugin-hooks.md"
HOOKS = sorted(
    name
    for name in dir(hookspecs)
    if hasattr(getattr(hookspecs, name), "tutor_spec")  # set by HookspecMarker("tutor")
)


def _sections() -> dict[str, str]:
    text = DOCS.read_text()
    parts = re.split(r"^## (\S+)\s*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_there_are_hooks() -> None:
    assert "register_renderers" in HOOKS and "doctor_checks" in HOOKS
    assert len(HOOKS) >= 10


@pytest.mark.parametrize("hook", HOOKS)
def test_plugin_hooks_are_documented(hook: str) -> None:
    sections = _sections()
    assert hook in sections, f"docs/plugin-hooks.md has no '## {hook}' section"
    body = sections[hook]
    assert f"{hook}(" in body, f"the {hook} section does not show its signature"
    assert "```python" in body, f"the {hook} section has no example"


@pytest.mark.parametrize("hook", HOOKS)
def test_plugin_hooks_have_tests(hook: str) -> None:
    here = Path(__file__).resolve()
    tests = [p for p in (ROOT / "tests").rglob("test_*.py") if p.resolve() != here]
    assert any(hook in p.read_text() for p in tests), f"no test mentions the {hook} hook"


@pytest.mark.parametrize("hook", HOOKS)
def test_documented_examples_run(hook: str) -> None:
    body = _sections()[hook]
    for block in re.findall(r"```python\n(.*?)```", body, flags=re.S):
        exec(compile(block, f"plugin-hooks.md#{hook}", "exec"), {"__name__": f"doc_{hook}"})
