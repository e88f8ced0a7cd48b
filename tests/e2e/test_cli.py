"""The `tutor` lesson commands as a person runs them: a real process, real renders."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import av
import pytest

from tutor_core.media import probe

TUTOR = str(Path(sys.executable).with_name("tutor"))


def run(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUTOR_HOME": str(home), "TUTOR_QUALITY": "draft", "NO_COLOR": "1"}
    return subprocess.run(
        [TUTOR, *args], input=stdin, capture_output=True, text=True, env=env, timeout=600
    )


def sessions_in(home: Path) -> int:
    db = home / "tutor.db"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        table = next((t for t in tables if "session" in t), None)
        return (
            0 if table is None else int(conn.execute(f"select count(*) from {table}").fetchone()[0])
        )


@pytest.mark.slow
def test_generate_show_edit_export_json(tmp_path: Path, tutor_home: Path) -> None:
    out = tmp_path / "vectors.mp4"
    done = run(
        "generate",
        "explain vectors",
        "--scenes",
        "2",
        "--no-narration",
        "--out",
        str(out),
        "--json",
        home=tutor_home,
    )
    assert done.returncode == 0, done.stderr
    view = json.loads(done.stdout)
    assert view["status"] == "ready" and view["output"] == str(out.resolve())
    assert len(view["scenes"]) == 2
    for key in (
        "id",
        "index",
        "title",
        "status",
        "version",
        "checksum",
        "startFrame",
        "endFrame",
        "durationInFrames",
        "errorMessage",
    ):
        assert key in view["scenes"][0]
    assert probe(out).frames == sum(s["durationInFrames"] for s in view["scenes"])
    assert out.with_suffix(".vtt").read_text().startswith("WEBVTT")
    assert probe(out).has_audio, "a silent track keeps every chunk's streams alike"
    assert not list((tutor_home / "cache").glob("audio/**/*.wav")), "--no-narration speaks nothing"

    shown = json.loads(run("show", "--json", home=tutor_home).stdout)  # the newest session
    assert shown["scenes"] == view["scenes"]

    first = view["scenes"][0]
    edited = run(
        "edit", "1", "change the title to Arrows with direction", "--json", home=tutor_home
    )
    assert edited.returncode == 0, edited.stderr
    after = json.loads(edited.stdout)
    assert after["scenes"][0]["version"] == 2
    assert after["scenes"][0]["checksum"] != first["checksum"]
    assert after["scenes"][1] == view["scenes"][1] | {
        "startFrame": after["scenes"][1]["startFrame"],
        "endFrame": after["scenes"][1]["endFrame"],
    }

    listed = json.loads(run("sessions", "--json", home=tutor_home).stdout)
    assert [s["id"] for s in listed] == [view["sessionId"]]

    # A refused edit: one short answer, the scene untouched, commands that work as printed.
    refused = run("edit", "2", "make it sparkle like a diamond", home=tutor_home)
    assert refused.returncode == 1
    printed = refused.stdout + refused.stderr
    assert "not changed" in printed and "Traceback" not in printed
    commands = [line.strip() for line in printed.splitlines() if " edit 2 " in line]
    assert 2 <= len(commands) <= 3, printed
    assert all(c.startswith(f"TUTOR_HOME={tutor_home} {TUTOR} edit 2 ") for c in commands)
    assert len(printed) < 1200, "one concise message, not a catalogue"
    unchanged = json.loads(run("show", "--json", home=tutor_home).stdout)["scenes"][1]
    assert unchanged == after["scenes"][1]
    suggested = subprocess.run(
        ["bash", "-c", commands[0]], capture_output=True, text=True, timeout=600
    )
    assert suggested.returncode == 0, suggested.stderr
    slower = run("edit", "2", "make it slower", "--json", home=tutor_home)
    assert slower.returncode == 0, slower.stderr
    after = json.loads(slower.stdout)
    assert after["scenes"][1]["version"] == 3

    out2 = tmp_path / "again.mp4"
    exported = run("export", "--out", str(out2), home=tutor_home)  # the newest session
    assert exported.returncode == 0, exported.stderr
    assert probe(out2).frames == sum(s["durationInFrames"] for s in after["scenes"])
    with av.open(str(out2)) as container:
        assert [t.codec_context.name for t in container.streams.subtitles] == ["mov_text"]
    shown = json.loads(run("show", "--json", home=tutor_home).stdout)
    assert shown["output"] == str(out2.resolve()), "show reports the last export"

    # Versions and rollback: version 1 comes back as version 4, nothing is rendered.
    listed = json.loads(run("versions", "2", "--json", home=tutor_home).stdout)
    assert [(v["version"], v["current"]) for v in listed] == [(1, False), (2, False), (3, True)]
    assert all(v["title"] for v in listed)
    table = run("versions", "2", home=tutor_home)
    assert table.returncode == 0 and "current" in table.stdout
    back_cmd = next(line for line in table.stdout.splitlines() if " rollback 2 " in line)
    assert back_cmd.split(": ", 1)[1] == f"TUTOR_HOME={tutor_home} {TUTOR} rollback 2 2"
    rolled = run("rollback", "2", "1", home=tutor_home)
    assert rolled.returncode == 0, rolled.stderr
    again = rolled.stderr.split("join the video again: ", 1)[1].strip()
    assert (
        again
        == f"TUTOR_HOME={tutor_home} {TUTOR} export {view['sessionId']} --out {out2.resolve()}"
    )
    now = json.loads(run("show", "--json", home=tutor_home).stdout)["scenes"][1]
    assert now["version"] == 4 and now["checksum"] == view["scenes"][1]["checksum"]
    assert now["durationInFrames"] == view["scenes"][1]["durationInFrames"]
    rejoined = subprocess.run(["bash", "-c", again], capture_output=True, text=True, timeout=600)
    assert rejoined.returncode == 0, rejoined.stderr
    assert probe(out2).frames == sum(
        s["durationInFrames"]
        for s in json.loads(run("show", "--json", home=tutor_home).stdout)["scenes"]
    )
    for bad, expected in ((["rollback", "2", "4"], "pick an older version from 1 to 3"),
                          (["rollback", "2", "0"], "pick an older version")):  # fmt: skip
        refused = run(*bad, home=tutor_home)
        assert refused.returncode == 1 and expected in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("kind", ["a file", "under a file", "/proc"])
def test_a_bad_tutor_home_is_a_two_line_error(kind: str, tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a directory")
    home = {"a file": afile, "under a file": afile / "home", "/proc": Path("/proc")}[kind]
    for args in (["sessions"], ["show"], ["generate", "explain limits"]):
        done = run(*args, home=home)
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 2, done.stderr
        assert "TUTOR_HOME" in lines[0] and lines[1].startswith("hint:")
    assert afile.read_text() == "not a directory"


def test_hints_are_commands_that_work_as_printed(tutor_home: Path) -> None:
    done = run("show", "ses_doesnotexist", home=tutor_home)
    assert done.returncode == 1
    assert f"`TUTOR_HOME={tutor_home} {TUTOR} sessions`" in done.stderr, done.stderr
    assert "list_" not in done.stderr
    listed = subprocess.run(
        ["bash", "-c", f"TUTOR_HOME={tutor_home} {TUTOR} sessions"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0 and "no sessions yet" in listed.stdout
    assert f"TUTOR_HOME={tutor_home} {TUTOR} generate" in listed.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (["generate", ""], None, "prompt is empty"),
        (["generate", "   "], None, "prompt is empty"),
        (["generate", "-"], "x" * 10_000_000, "limit is 2,000"),
        (["generate", "explain limits", "--scenes", "0"], None, "between 1 and 12"),
        (["generate", "explain limits", "--scenes", "1000"], None, "between 1 and 12"),
        (["generate", "explain limits", "--agent", "gpt-nope"], None, "unknown agent 'gpt-nope'"),
        (["generate", "explain limits", "--quality", "ultra"], None, "draft or final"),
        (["edit", "scn_doesnotexist", "make it blue"], None, "scn_doesnotexist"),
        (["retry", "scn_doesnotexist"], None, "scn_doesnotexist"),
        (["versions", "scn_doesnotexist"], None, "scn_doesnotexist"),
        (["rollback", "scn_doesnotexist", "1"], None, "scn_doesnotexist"),
        (["rollback", "2", "one"], None, "Invalid value for 'version'"),
        (["edit", "2", "make it blue"], None, "no session yet"),
        (["show", "ses_doesnotexist"], None, "ses_doesnotexist"),
        (["export", "ses_doesnotexist", "--out", "x.mp4"], None, "ses_doesnotexist"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(
    args: list[str], stdin: str | None, expected: str, tutor_home: Path, tmp_path: Path
) -> None:
    done = run(*args, home=tutor_home, stdin=stdin)
    assert done.returncode != 0
    assert expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert sessions_in(tutor_home) == 0
    assert not (tutor_home / "storage").exists() or not any((tutor_home / "storage").rglob("*.mp4"))
    assert not (tmp_path / "x.mp4").exists()


def test_help_teaches() -> None:
    done = subprocess.run(
        [TUTOR, "generate", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "120"},
    )
    assert done.returncode == 0
    for word in (
        "--scenes",
        "--out",
        "--quality",
        "--no-narration",
        "--agent",
        "--json",
        "Example",
    ):
        assert word in done.stdout


def test_core_alone_works_and_names_the_missing_package(tutor_home: Path) -> None:
    env = {**os.environ, "TUTOR_HOME": str(tutor_home), "TUTOR_LOAD_PLUGINS": ""}
    listed = subprocess.run(
        [TUTOR, "plugins", "--json"], capture_output=True, text=True, env=env, timeout=120
    )
    assert listed.returncode == 0, listed.stderr
    kinds = {
        (kind, name)
        for plugin in json.loads(listed.stdout)
        for kind, names in plugin["registers"].items()
        for name in names
    }
    assert ("store", "sqlite") in kinds and ("agent", "lesson") in kinds
    assert ("renderer", "manim") not in kinds and ("storage", "s3") not in kinds

    done = subprocess.run(
        [TUTOR, "generate", "explain limits"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode != 0
    assert "unknown renderer 'manim'" in done.stderr
    assert "pip install tutor-render-manim" in done.stderr
    assert sessions_in(tutor_home) == 0
