"""contracts/states.json is exactly what tutor_core.states declares (Convex reads it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts import gen_states
from tutor_core import states
from tutor_core.models import SceneStatus, SessionStatus


def test_committed_file_is_current() -> None:
    committed = gen_states.PATH.read_text("utf-8")
    assert committed == gen_states.render(), "run: python scripts/gen_states.py"


def test_every_pair_agrees_with_the_python_machines() -> None:
    doc = json.loads(gen_states.PATH.read_text("utf-8"))
    for key, machine, enum in (
        ("session", states.SESSION, SessionStatus),
        ("scene", states.SCENE, SceneStatus),
    ):
        assert doc[key]["statuses"] == [s.value for s in enum]
        table = doc[key]["transitions"]
        for source in enum:
            for target in enum:
                assert (target.value in table[source.value]) == machine.can(source, target), (
                    f"{key}: {source.value} -> {target.value}"
                )


def test_check_mode_detects_drift(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "states.json"
    stale.write_text(gen_states.render().replace('"error"', '"failed"', 1), "utf-8")
    monkeypatch.setattr(gen_states, "PATH", stale)
    assert gen_states.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert gen_states.main([]) == 0
    assert gen_states.main(["--check"]) == 0
