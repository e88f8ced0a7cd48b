"""`tutor render`: exit 0 with a chunk, 3 when the policy refuses, 4 when the render fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tutor_render_manim.cli import EXIT_FAILED, EXIT_REFUSED, add_render_command

GOOD = """from manim import *

class One(Scene):
    def construct(self):
        self.play(Create(Square()), run_time=0.3)

class Two(Scene):
    def construct(self):
        self.play(Create(Circle()), run_time=0.4)
"""


@pytest.fixture
def app() -> typer.Typer:
    cli = typer.Typer()
    add_render_command(cli)

    @cli.command("noop")
    def noop() -> None:  # a second command keeps `render` a subcommand
        """Nothing."""

    return cli


def test_refusal_exit_code_and_json(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import subprocess\nfrom manim import *\nclass A(Scene): pass\n")
    out = tmp_path / "out.mp4"
    result = CliRunner().invoke(app, ["render", str(bad), "--out", str(out), "--json"])
    assert result.exit_code == EXIT_REFUSED, result.output
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and doc["error"] == "policy"
    assert doc["problems"][0]["code"] == "forbidden-import"
    assert doc["problems"][0]["line"] == 1
    assert not out.exists()


def test_usage_errors(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["render", "--out", str(tmp_path / "x.mp4")])
    assert result.exit_code == 2
    result = CliRunner().invoke(
        app, ["render", str(tmp_path / "missing.py"), "--out", str(tmp_path / "x.mp4")]
    )
    assert result.exit_code == 2


@pytest.mark.slow
def test_render_success_and_failure(app: typer.Typer, tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(GOOD)
    out = tmp_path / "two.mp4"
    args = ["render", str(good), "--scene", "Two", "--out", str(out), "-q", "draft", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ok"] is True and doc["info"]["frames"] == 12
    assert Path(doc["path"]) == out and out.is_file()

    # two scenes and no --scene: refused before rendering
    result = CliRunner().invoke(app, ["render", str(good), "--out", str(out), "--json"])
    assert result.exit_code == EXIT_REFUSED
    assert json.loads(result.stdout)["problems"][0]["code"] == "many-scenes"

    broken = tmp_path / "broken.py"
    broken.write_text(GOOD.replace("Create(Circle())", "Create(Circle(radius=undefined))"))
    args = ["render", str(broken), "--scene", "Two", "--out", str(tmp_path / "b.mp4"), "--json"]
    result = CliRunner().invoke(app, [*args, "-q", "draft", "--timeout", "60"])
    assert result.exit_code == EXIT_FAILED
    doc = json.loads(result.stdout)
    assert doc["exception_type"] == "NameError" and doc["line"] == 9


def test_render_is_a_tutor_command() -> None:
    from tutor_core.cli import create_app

    result = CliRunner().invoke(create_app(), ["render", "--help"])
    assert result.exit_code == 0, result.output
    assert "--spec" in result.output and "--quality" in result.output


def test_doctor_checks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tutor_render_manim import plugin

    checks = {c.name: c for c in plugin.doctor_checks()}
    assert checks["manim"].ok and "0." in checks["manim"].detail
    assert {"latex", "render boundary", "render limits", "render rlimits"} <= set(checks)
    # without latex/dvisvgm on PATH, doctor says equations fall back to text
    monkeypatch.setenv("PATH", str(tmp_path))
    latex = plugin._tex_check()
    assert latex.status == "warning"
    assert "text fallback" in latex.detail
    assert latex.fix == "apt-get install texlive-latex-base dvisvgm"
