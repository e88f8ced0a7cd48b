"""The `tutor` CLI skeleton: plugins, doctor, error handling, plugin commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tutor_core import plugins
from tutor_core.cli import app, create_app, main
from tutor_core.cli.doctor_cmd import core_checks, plugin_checks
from tutor_core.doctor import Check
from tutor_core.errors import NotFound
from tutor_core.testing import fake_plugin

runner = CliRunner()
VENV_BIN = Path(sys.executable).parent


def test_help_teaches_with_examples() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "Examples" in result.output and "tutor doctor" in result.output


def test_plugins_json_lists_defaults() -> None:
    result = runner.invoke(app, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    registered = {(k, n) for p in data for k, names in p["registers"].items() for n in names}
    assert {("store", "sqlite"), ("storage", "local"), ("queue", "inprocess")} <= registered
    core = [p for p in data if p["name"].startswith("tutor_core.default_plugins")]
    assert core and all(p["package"] == "tutor-core" and p["version"] for p in core)


def test_plugins_table() -> None:
    result = runner.invoke(app, ["plugins"])
    assert result.exit_code == 0
    assert "sqlite" in result.output and "inprocess" in result.output


def test_doctor_json_ok_and_missing() -> None:
    result = runner.invoke(app, ["doctor", "--json"])
    names = [c["name"] for c in json.loads(result.stdout)["checks"]]
    assert {"python", "disk", "narrator: silent"} <= set(names)
    broken = fake_plugin(checks=[Check("latex", "missing", "no latex", "apt-get install texlive")])
    with plugins.registered(broken, name="broken-doctor"):
        result = runner.invoke(app, ["doctor", "--json"])
        table = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert {
        "name": "latex",
        "status": "missing",
        "detail": "no latex",
        "fix": "apt-get install texlive",
    } in data["checks"]
    assert table.exit_code == 1 and "texlive" in table.output


def test_core_checks_name_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")  # no espeak-ng on an empty PATH
    checks = {c.name: c for c in core_checks()}
    espeak = checks["narrator: espeak-ng"]
    assert espeak.status == "warning" and "espeak-ng" in (espeak.fix or "")
    assert checks["python"].ok and checks["narrator: silent"].ok


def test_a_crashing_plugin_check_becomes_missing() -> None:
    class Crashy:
        @plugins.hookspecs.hookimpl
        def doctor_checks(self) -> list[Check]:
            raise RuntimeError("kaput")

    with plugins.registered(Crashy(), name="crashy"):
        checks = plugin_checks()
    crash = next(c for c in checks if c.name == "plugin crashy")
    assert crash.status == "missing" and "kaput" in crash.detail


def test_register_commands_hook_adds_commands_and_errors_are_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def add(cli: typer.Typer) -> None:
        @cli.command("hello")
        def hello(name: str) -> None:
            print(f"hello {name}")

        @cli.command("fail")
        def fail() -> None:
            raise NotFound("no session 'ses_x'", hint="list them with `tutor sessions`")

    with plugins.registered(fake_plugin(commands=add), name="cmds"):
        cli = create_app()
    assert runner.invoke(cli, ["hello", "ada"]).output == "hello ada\n"

    with pytest.raises(SystemExit) as info:
        main(["fail"], cli=cli)
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "error: no session 'ses_x'" in err and "hint: list them" in err
    assert "Traceback" not in err

    with pytest.raises(SystemExit) as info:
        main(["no-such-command"], cli=cli)
    assert info.value.code == 2


@pytest.mark.slow
def test_installed_tutor_script_lists_default_kinds(tutor_home: Path) -> None:
    exe = VENV_BIN / "tutor"
    assert exe.exists(), f"console script missing at {exe}"
    env = {**os.environ, "TUTOR_HOME": str(tutor_home)}
    proc = subprocess.run(
        [str(exe), "plugins", "--json"], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    kinds = {}
    for plugin in data:
        for kind, names in plugin["registers"].items():
            kinds.setdefault(kind, set()).update(names)
    assert "sqlite" in kinds["store"]
    assert "local" in kinds["storage"]
    assert "inprocess" in kinds["queue"]


def test_python_dash_m_runs_the_cli(tutor_home: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tutor_core.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TUTOR_HOME": str(tutor_home)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "Usage" in proc.stdout


def test_show_prints_one_line_for_an_outline_lesson(tutor_home: Path) -> None:
    import anyio

    from tutor_core import Settings, Tutor
    from tutor_core.models import LessonPlan, PlannedScene
    from tutor_core.narration.silent import SilentNarrator
    from tutor_core.testing import FakeRenderer, ScriptedAgent

    plan = LessonPlan(
        title="Tides",
        scenes=[PlannedScene(title="What tides are", narration="Tides rise and fall.")],
        outline=True,
    )

    async def make() -> None:
        settings = Settings(home=tutor_home, quality="draft")
        agent, renderer = ScriptedAgent(plan=plan), FakeRenderer()
        async with Tutor(settings, agent=agent, renderer=renderer, narrator=SilentNarrator()) as t:
            await t.generate("explain tides", scenes=1)

    anyio.run(make)
    shown = runner.invoke(app, ["show"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.output.splitlines() if "outline" in line]
    assert len(lines) == 1 and "TUTOR_AGENT=" in lines[0], shown.output
    as_json = json.loads(runner.invoke(app, ["show", "--json"]).output)
    assert as_json["outline"] is True


def test_retry_takes_a_scene_as_session_id_and_number(tutor_home: Path) -> None:
    """`SESSION_ID:NUMBER` (as `--help` says) names a scene, not a session."""
    import anyio

    from tutor_core import Settings, Tutor
    from tutor_core.narration.silent import SilentNarrator
    from tutor_core.testing import FakeRenderer, ScriptedAgent

    async def make() -> str:
        settings = Settings(home=tutor_home, quality="draft")
        agent, renderer = ScriptedAgent(), FakeRenderer()
        async with Tutor(settings, agent=agent, renderer=renderer, narrator=SilentNarrator()) as t:
            return (await t.generate("explain tides", scenes=2)).session.id

    session_id = anyio.run(make)
    result = runner.invoke(app, ["retry", f"{session_id}:2"], env={"COLUMNS": "200"})
    # Scene 2 is ready: retrying it is refused as a scene that did not fail.
    said = f"{result.output} {result.exception}"
    assert result.exit_code != 0
    assert "no session" not in said and "not error" in said, said


def test_hint_commands_are_rewritten_as_tutor_was_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from tutor_core.cli import invocation

    monkeypatch.setattr(sys, "argv", [".venv/bin/tutor", "show"])
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("TUTOR_HOME", "out/my home")
    assert invocation.command("show") == "TUTOR_HOME='out/my home' .venv/bin/tutor show"
    assert (
        invocation.rewrite("run `tutor retry scn_1` or `tutor`; tutoring stays")
        == "run `TUTOR_HOME='out/my home' .venv/bin/tutor retry scn_1` or "
        "`TUTOR_HOME='out/my home' .venv/bin/tutor`; tutoring stays"
    )
    monkeypatch.delenv("TUTOR_HOME")
    monkeypatch.setattr(sys, "argv", ["tutor"])
    assert invocation.command("show") == "./tutor show"  # not on PATH: as typed, runnable
    monkeypatch.setattr(sys, "argv", ["/usr/lib/python3/x/__main__.py"])
    assert invocation.command("show") == "tutor show"
