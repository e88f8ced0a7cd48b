"""A scripted "model" for any prompt, served by the fake endpoint: for trying the agent,
`bench/agent_eval.py` and `tutor mcp` end to end without a real model.

    .venv/bin/python -m tests.agent_openai.scripted_model [--port 8777]

It is not a model: every answer comes from the rules below, the same for any topic.
Scenes cycle through four behaviours: (1) a SceneSpec after a docs search; (2) code
with a made-up Manim name that validate_scene catches, then the fixed code; (3) code
that passes validate_scene but fails to render, then a repair; (4) a SceneSpec. A
prompt containing "never valid" gets code that never passes validate_scene in its
last scene (the fallback path).
"""

from __future__ import annotations

import argparse
import re
import time
from typing import Any

from tests.agent_openai import scenes
from tests.agent_openai.fake_openai import FakeOpenAI, Step, answer, call


def _turn(request: dict[str, Any]) -> int:
    return sum(m.get("role") == "assistant" for m in request["messages"])


def _user(request: dict[str, Any]) -> str:
    return next(str(m["content"]) for m in request["messages"] if m["role"] == "user")


def respond(key: str, request: dict[str, Any]) -> Step:
    """The scripted answer to one request of conversation `key`."""
    user = _user(request)
    if key == "plan":
        count = int(re.search(r"Exactly (\d+) scenes", user).group(1))  # type: ignore[union-attr]
        topic = user.split("\n", 1)[0].strip()[:60]
        return answer(scenes.plan(count, topic.capitalize()))
    if key.startswith("write"):
        number = int(key.split()[1])
        total = len(re.findall(r"^\d+\. ", user, flags=re.MULTILINE))
        turn = _turn(request)
        if "never valid" in user.lower() and number == total:
            return answer(scenes.code(scenes.MADE_UP_NAME_BODY, number))
        kind = (number - 1) % 4
        if kind in (0, 3):
            if turn == 0 and not any(m["role"] == "tool" for m in request["messages"]):
                return call("search_docs", query="equation", limit=3)
            return answer(scenes.spec(title=f"Scene {number}"))
        if kind == 1:
            if turn == 0:
                return call("get_api", name="Square")
            body = scenes.MADE_UP_NAME_BODY if turn == 1 else scenes.GOOD_BODY
            return answer(scenes.code(body, number))
        return answer(scenes.code(scenes.RUNTIME_ERROR_BODY, number))
    if key.startswith("repair"):
        number = int(key.split()[1]) if key.split()[1].isdigit() else 0
        return answer(scenes.code(scenes.GOOD_BODY, number))
    if key == "edit":
        return answer(
            scenes.spec(color="red")
            | {
                "understood": True,
                "reason": "",
                "suggestions": [],
                "title": "",
                "narration": "",
                "summary": "made it red",
            }
        )
    return Step(status=400, body='{"error": {"message": "unexpected conversation"}}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with FakeOpenAI(api_key=None, port=args.port) as fake:
        fake.default = respond
        print(f"scripted endpoint: TUTOR_OPENAI_BASE_URL={fake.base_url}", flush=True)
        print(f"model name: TUTOR_OPENAI_MODEL={next(iter(fake.models))}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
