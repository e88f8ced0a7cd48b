"""The openai agent against a scripted OpenAI-compatible endpoint on loopback (no renders)."""

from __future__ import annotations

import inspect
import json
import socket
from typing import Any

import manim
import pytest

from tests.agent_openai import scenes
from tests.agent_openai.fake_openai import MODEL, FakeOpenAI, Step, answer, call, status
from tutor_agent_openai import AgentConfig, EndpointError, OpenAIAgent
from tutor_core import plugins, usage
from tutor_core.errors import AgentError, ConfigurationError, EditNotUnderstood
from tutor_core.models import (
    CodeSource,
    LessonPlan,
    PlannedScene,
    RenderError,
    SpecSource,
)
from tutor_core.settings import Settings

pytestmark = pytest.mark.anyio


def _agent(settings: Settings, **changes: Any) -> OpenAIAgent:
    return OpenAIAgent(AgentConfig.from_settings(Settings(**(settings.model_dump() | changes))))


def _lesson(count: int = 2) -> LessonPlan:
    return LessonPlan.model_validate(scenes.plan(count))


def _user_texts(request: dict[str, Any]) -> list[str]:
    return [m["content"] for m in request["messages"] if m["role"] in ("user", "tool")]


# ------------------------------------------------------------------------ plan


async def test_plan_is_structured_output_and_its_tokens_are_metered(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("plan", answer(scenes.plan(3, "Pythagoras")))
    agent = plugins.get_agent("openai", settings)
    assert isinstance(agent, OpenAIAgent)
    with usage.metering() as meter:
        plan = await agent.plan("explain the Pythagorean theorem", 3)
    assert plan.title == "Pythagoras" and [s.title for s in plan.scenes] == [
        "Part 1",
        "Part 2",
        "Part 3",
    ]
    assert plan.scenes[0].goal == "understand idea 1"
    [request] = fake.conversation("plan")
    assert request["model"] == MODEL
    fmt = request["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert set(fmt["json_schema"]["schema"]["properties"]) == {"title", "scenes"}
    assert "exactly 3 scenes" in request["messages"][0]["content"]
    assert "tools" not in request, "planning needs no documentation"
    assert meter.requests == 1 and meter.tokens > 0
    expected = (meter.prompt_tokens * 2.0 + meter.completion_tokens * 8.0) / 1e6
    assert meter.cost_usd == pytest.approx(expected)


async def test_a_plan_with_the_wrong_number_of_scenes_is_asked_for_again(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("plan", answer(scenes.plan(2)), answer(scenes.plan(4)))
    plan = await _agent(settings).plan("explain sine", 4)
    assert len(plan.scenes) == 4
    second = fake.conversation("plan")[1]
    assert "has 2 scenes; it must have exactly 4" in second["messages"][-1]["content"]


# ----------------------------------------------------------------------- write


async def test_write_looks_up_the_installed_api_then_answers_a_spec(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script(
        "write 1",
        call("search_docs", query="equation", limit=3),
        call("get_api", name="Circle"),
        answer(scenes.spec()),
    )
    source = await _agent(settings).write(_lesson(), 0, narration_seconds=7.5)
    assert isinstance(source, SpecSource) and source.spec.title == "Pythagoras"
    first, second, third = fake.conversation("write 1")
    assert {t["function"]["name"] for t in first["tools"]} == {
        "search_docs",
        "get_api",
        "validate_scene",
        "list_examples",
    }
    assert "7.5 seconds" in first["messages"][1]["content"]
    page = json.loads(third["messages"][-1]["content"])
    assert third["messages"][-1]["role"] == "tool"
    assert [p["name"] for p in page["params"]] == list(
        inspect.signature(manim.Circle).parameters
    ), "get_api answers from the installed Manim"
    assert third["response_format"]["json_schema"]["strict"] is False


async def test_a_made_up_name_is_caught_by_validate_scene_and_fixed_before_any_render(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script(
        "write 2",
        answer(scenes.code(scenes.MADE_UP_NAME_BODY, 2)),
        answer(scenes.code(scenes.WRONG_KEYWORD_BODY, 2)),
        answer(scenes.code(scenes.GOOD_BODY, 2)),
    )
    agent = _agent(settings)
    source = await agent.write(_lesson(), 1, narration_seconds=3)
    assert isinstance(source, CodeSource) and "Square(side_length=2" in source.code
    _, second, third = fake.conversation("write 2")
    made_up = second["messages"][-1]["content"]
    assert "validate_scene refused" in made_up and "Circel" in made_up and "Circle" in made_up
    wrong_kw = third["messages"][-1]["content"]
    assert "radus" in wrong_kw and "radius" in wrong_kw
    assert (agent.validations, agent.rejected) == (3, 2)


async def test_code_that_never_passes_validate_scene_is_never_returned(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("write 1", *[answer(scenes.code(scenes.MADE_UP_NAME_BODY, 1))] * 3)
    with pytest.raises(AgentError) as caught:
        await _agent(settings).write(_lesson(), 0, narration_seconds=3)
    assert "no usable source for scene 1 in 3 attempts" in caught.value.message
    assert "Circel" in caught.value.message
    assert "TUTOR_OPENAI_MAX_ATTEMPTS" in (caught.value.hint or "")


async def test_a_spec_that_breaks_the_spec_schema_is_sent_back(
    fake: FakeOpenAI, settings: Settings
) -> None:
    broken = scenes.spec()
    broken["spec"]["elements"][0]["kind"] = "hologram"
    fake.script("write 1", answer(broken), answer(scenes.spec("Fixed")))
    source = await _agent(settings).write(_lesson(), 0, narration_seconds=3)
    assert isinstance(source, SpecSource) and source.spec.title == "Fixed"
    feedback = fake.conversation("write 1")[1]["messages"][-1]["content"]
    assert "does not match the schema" in feedback and "elements" in feedback


async def test_tool_calls_are_bounded(fake: FakeOpenAI, settings: Settings) -> None:
    fake.script(
        "write 1",
        *[call("search_docs", query="circle", limit=1)] * 3,
        answer(scenes.spec()),
    )
    await _agent(settings, openai_max_tool_calls=3).write(_lesson(), 0, narration_seconds=3)
    requests = fake.conversation("write 1")
    assert ["tools" in r for r in requests] == [True, True, True, False]


async def test_tool_errors_go_back_to_the_model(fake: FakeOpenAI, settings: Settings) -> None:
    fake.script("write 1", call("get_api", name="NoSuchThing"), answer(scenes.spec()))
    await _agent(settings).write(_lesson(), 0, narration_seconds=3)
    reply = fake.conversation("write 1")[1]["messages"][-1]
    assert reply["role"] == "tool" and reply["content"].startswith("error:")
    assert "NoSuchThing" in reply["content"]


# -------------------------------------------------------------- edit, repair


async def test_edit_sends_the_current_scene_and_keeps_what_is_not_mentioned(
    fake: FakeOpenAI, settings: Settings
) -> None:
    current = SpecSource(spec=scenes.spec(color="blue")["spec"])
    edited = scenes.spec(color="red") | {
        "understood": True,
        "reason": "",
        "suggestions": [],
        "title": "",
        "narration": "",
        "summary": "the equation is red",
    }
    fake.script("edit", answer(edited))
    scene = PlannedScene(title="Pythagoras", narration="Look at this.", source=current)
    result = await _agent(settings).edit(scene, "make the equation red")
    [request] = fake.conversation("edit")
    sent = request["messages"][1]["content"]
    assert "make the equation red" in sent and '"latex": "a^2 + b^2 = c^2"' in sent
    assert isinstance(result.source, SpecSource)
    assert result.source.spec.elements[0].color == "red"
    assert result.source.spec.elements[1] == current.spec.elements[1]
    assert (result.title, result.narration) == ("Pythagoras", "Look at this.")
    assert result.summary == "the equation is red"


async def test_an_edit_the_model_cannot_apply_is_refused_with_suggestions(
    fake: FakeOpenAI, settings: Settings
) -> None:
    refusal = scenes.spec() | {
        "understood": False,
        "reason": "there is no triangle in this scene",
        "suggestions": ["make the equation red", "add a note"],
        "title": "",
        "narration": "",
        "summary": "",
    }
    fake.script("edit", answer(refusal))
    scene = PlannedScene(title="T", narration="N.", source=SpecSource(spec=scenes.spec()["spec"]))
    with pytest.raises(EditNotUnderstood) as caught:
        await _agent(settings).edit(scene, "make the triangle spin")
    assert "no triangle" in caught.value.message
    assert caught.value.suggestions == ["make the equation red", "add a note"]


async def test_repair_gets_the_structured_render_error(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("repair 1", answer(scenes.code(scenes.GOOD_BODY, 1)))
    broken = CodeSource(code=scenes.code(scenes.RUNTIME_ERROR_BODY, 1)["code"])
    error = RenderError(
        kind="exception",
        message="list index out of range",
        exception_type="IndexError",
        line=11,
        traceback="Traceback ...\nIndexError: list index out of range",
    )
    fixed = await _agent(settings).repair(broken, error)
    assert isinstance(fixed, CodeSource) and "steps[7]" not in fixed.code
    sent = fake.conversation("repair 1")[0]["messages"][1]["content"]
    assert "steps[7]" in sent
    assert '"exception_type": "IndexError"' in sent and '"line": 11' in sent


# ------------------------------------------------------------ endpoint errors


async def test_garbage_json_is_sent_back_once_then_accepted(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("plan", answer("Sure! Here is your plan: {title: oops"), answer(scenes.plan(2)))
    plan = await _agent(settings).plan("explain sine", 2)
    assert len(plan.scenes) == 2
    retry = fake.conversation("plan")[1]["messages"][-1]["content"]
    assert "not valid JSON" in retry


async def test_garbage_json_every_time_is_a_clear_agent_error(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("plan", *[answer("<html>not json</html>")] * 3)
    with pytest.raises(AgentError) as caught:
        await _agent(settings).plan("explain sine", 2)
    assert "not the JSON asked for" in caught.value.message
    assert "TUTOR_OPENAI_MODEL" in (caught.value.hint or "")


async def test_a_body_that_is_not_a_chat_completion_names_the_base_url(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("plan", Step(body="<html><body>Welcome to nginx!</body></html>"))
    with pytest.raises(EndpointError) as caught:
        await _agent(settings).plan("explain sine", 2)
    assert caught.value.setting == "TUTOR_OPENAI_BASE_URL"
    assert "Welcome to nginx" in caught.value.message and "/v1" in (caught.value.hint or "")


async def test_a_timeout_names_the_timeout_setting(fake: FakeOpenAI, settings: Settings) -> None:
    fake.script("plan", Step(content=scenes.plan(2), delay=3))
    with pytest.raises(EndpointError) as caught:
        await _agent(settings, openai_timeout=0.5).plan("explain sine", 2)
    assert caught.value.setting == "TUTOR_OPENAI_TIMEOUT"
    assert "did not answer within 0.5 s" in caught.value.message


async def test_429_waits_for_retry_after_then_succeeds(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script(
        "plan",
        status(429, "Rate limit reached", kind="rate_limit_exceeded", **{"Retry-After": "1"}),
        answer(scenes.plan(2)),
    )
    with usage.metering() as meter:
        plan = await _agent(settings).plan("explain sine", 2)
    assert len(plan.scenes) == 2
    assert len(fake.conversation("plan")) == 2
    assert meter.requests == 1, "a refused request costs no tokens"


async def test_429_asking_for_a_long_wait_gives_up_at_once(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("plan", status(429, "Quota exceeded", **{"Retry-After": "3600"}))
    with pytest.raises(EndpointError) as caught:
        await _agent(settings).plan("explain sine", 2)
    assert caught.value.setting == "TUTOR_OPENAI_MAX_ATTEMPTS" and caught.value.status == 429
    assert "asked to wait 3600 s" in caught.value.message and "Quota exceeded" in str(caught.value)
    assert len(fake.conversation("plan")) == 1


async def test_server_errors_are_retried_within_max_attempts(
    fake: FakeOpenAI, settings: Settings
) -> None:
    fake.script("plan", *[status(503, "overloaded", **{"retry-after-ms": "10"})] * 2)
    with pytest.raises(EndpointError) as caught:
        await _agent(settings, openai_max_attempts=2).plan("explain sine", 2)
    assert caught.value.status == 503 and "2 attempts" in caught.value.message
    assert len(fake.conversation("plan")) == 2


async def test_a_wrong_api_key_names_the_key_setting(fake: FakeOpenAI, settings: Settings) -> None:
    with pytest.raises(EndpointError) as caught:
        await _agent(settings, openai_api_key="sk-wrong").plan("explain sine", 2)
    assert caught.value.setting == "TUTOR_OPENAI_API_KEY" and caught.value.status == 401
    assert "Incorrect API key" in caught.value.message
    assert "sk-wrong" not in str(caught.value), "the key is never shown"


async def test_an_unknown_model_names_the_model_setting(
    fake: FakeOpenAI, settings: Settings
) -> None:
    with pytest.raises(EndpointError) as caught:
        await _agent(settings, openai_model="gpt-nope").plan("explain sine", 2)
    assert caught.value.setting == "TUTOR_OPENAI_MODEL" and "gpt-nope" in caught.value.message


async def test_a_base_url_without_the_api_prefix_names_the_base_url(
    fake: FakeOpenAI, settings: Settings
) -> None:
    root = fake.base_url.removesuffix("/v1")
    with pytest.raises(EndpointError) as caught:
        await _agent(settings, openai_base_url=root).plan("explain sine", 2)
    assert caught.value.setting == "TUTOR_OPENAI_BASE_URL" and caught.value.status == 404
    assert "/v1" in (caught.value.hint or "")


async def test_an_unreachable_endpoint_names_the_base_url(settings: Settings) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(EndpointError) as caught:
        await _agent(settings, openai_base_url=f"http://127.0.0.1:{port}/v1").plan("x", 1)
    assert caught.value.setting == "TUTOR_OPENAI_BASE_URL"
    assert "cannot reach" in caught.value.message


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"openai_base_url": None}, "TUTOR_OPENAI_BASE_URL"),
        ({"openai_model": None}, "TUTOR_OPENAI_MODEL"),
        ({"openai_base_url": "127.0.0.1:11434/v1"}, "TUTOR_OPENAI_BASE_URL"),
    ],
)
async def test_missing_settings_are_named(
    settings: Settings, changes: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        plugins.get_agent("openai", Settings(**(settings.model_dump() | changes)))
    assert named in str(caught.value)


async def test_without_a_validate_scene_server_code_is_never_written(
    fake: FakeOpenAI, settings: Settings
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        await _agent(settings, openai_mcp_servers=[]).write(_lesson(), 0, narration_seconds=3)
    assert "validate_scene" in caught.value.message and fake.requests == []


# ------------------------------------------------------ the bundled MCP server


async def test_the_bundled_docs_server_is_consulted_over_stdio_by_default(
    fake: FakeOpenAI, settings: Settings
) -> None:
    default = Settings().openai_mcp_servers
    assert default == ["tutor-manim-mcp"]
    fake.script(
        "write 1",
        call("get_api", name="Circle"),
        call("validate_scene", code=scenes.code(scenes.WRONG_KEYWORD_BODY, 1)["code"]),
        answer(scenes.code(scenes.MADE_UP_NAME_BODY, 1)),
        answer(scenes.code(scenes.GOOD_BODY, 1)),
    )
    agent = _agent(settings, openai_mcp_servers=default)
    source = await agent.write(_lesson(), 0, narration_seconds=3)
    assert isinstance(source, CodeSource)
    requests = fake.conversation("write 1")
    page = json.loads(requests[1]["messages"][-1]["content"])
    assert page["signature"].startswith("Circle(") and page["manim_version"] == manim.__version__
    report = json.loads(requests[2]["messages"][-1]["content"])
    assert report["ok"] is False and "radius" in json.dumps(report["problems"])
    assert "Circel" in requests[3]["messages"][-1]["content"], "the agent's own check, via MCP"


@pytest.mark.parametrize(
    ("value", "servers"),
    [
        ('["tutor-manim-mcp", "inprocess"]', ["tutor-manim-mcp", "inprocess"]),
        ("inprocess", ["inprocess"]),
        ("tutor-manim-mcp --cache-dir /srv/docs", ["tutor-manim-mcp --cache-dir /srv/docs"]),
        ("[]", []),
    ],
)
def test_mcp_servers_setting_takes_a_json_list_or_one_command(
    monkeypatch: pytest.MonkeyPatch, value: str, servers: list[str]
) -> None:
    monkeypatch.setenv("TUTOR_OPENAI_MCP_SERVERS", value)
    assert Settings().openai_mcp_servers == servers


def test_a_broken_mcp_servers_list_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from tutor_core.settings import settings_error

    monkeypatch.setenv("TUTOR_OPENAI_MCP_SERVERS", '["tutor-manim-mcp"')
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert "TUTOR_OPENAI_MCP_SERVERS" in str(settings_error(caught.value))


# ------------------------------------------------- code lasts its narration


async def test_written_code_is_padded_before_it_is_validated(
    fake: FakeOpenAI, settings: Settings
) -> None:
    from tutor_core.code_timing import MARKER

    fake.script("write 1", answer(scenes.code(scenes.GOOD_BODY, 1)))
    source = await _agent(settings).write(_lesson(), 0, narration_seconds=9.5)
    assert isinstance(source, CodeSource)
    assert f"self.wait(max(0.01, 9.50 - self.time))  {MARKER}" in source.code


async def test_a_repair_keeps_the_length_the_code_was_written_for(
    fake: FakeOpenAI, settings: Settings
) -> None:
    from tutor_core.code_timing import pad_to_narration, padded_seconds

    fake.script("repair 1", answer(scenes.code(scenes.GOOD_BODY, 1)))
    broken = pad_to_narration(scenes.code(scenes.RUNTIME_ERROR_BODY, 1)["code"], 6.4)
    assert padded_seconds(broken) == 6.4
    error = RenderError(kind="exception", message="list index out of range")
    fixed = await _agent(settings).repair(CodeSource(code=broken), error)
    assert isinstance(fixed, CodeSource) and padded_seconds(fixed.code) == 6.4


@pytest.mark.parametrize(
    "body",
    [
        "import os\nos.system('touch /tmp/owned')",
        "self.add(Text(open('/etc/passwd').read()))",
        "m = __import__('subprocess')",
        "self.add(Text(str(self.__class__.__mro__)))",
        "exec('print(1)')",
    ],
)
async def test_hostile_code_from_the_model_is_never_returned(
    fake: FakeOpenAI, settings: Settings, body: str
) -> None:
    fake.script("write 1", *[answer(scenes.code(body, 1))] * 3)
    with pytest.raises(AgentError) as caught:
        await _agent(settings).write(_lesson(), 0, narration_seconds=3)
    assert "code policy" in caught.value.message or "refused" in caught.value.message
    feedback = fake.conversation("write 1")[1]["messages"][-1]["content"]
    assert "validate_scene refused the code" in feedback


async def test_an_oversized_answer_is_refused_and_sent_back(
    fake: FakeOpenAI, settings: Settings
) -> None:
    huge = scenes.code("self.wait(1)\n" + "# " + "x" * 250_000, 1)
    fake.script("write 1", answer(huge), answer(scenes.spec()))
    source = await _agent(settings).write(_lesson(), 0, narration_seconds=3)
    assert isinstance(source, SpecSource)
    feedback = fake.conversation("write 1")[1]["messages"][-1]["content"]
    assert "200000" in feedback or "at most" in feedback
