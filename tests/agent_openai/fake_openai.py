"""A scripted OpenAI-compatible chat completions server on loopback.

It speaks the wire protocol the way the real API does and checks what it is sent:
`POST /v1/chat/completions` with a bearer key, a known model, well-formed messages
(every tool call answered by a `tool` message with its id), tools in the function
format, and `response_format` JSON schemas; with `strict` it refuses schemas that
OpenAI's strict mode refuses and only ever answers JSON that matches the schema. It
answers `chat.completion` objects with `usage`, errors as `{"error": {...}}`.

What the "model" says is scripted per conversation: `route(request)` names the
conversation (plan, write of scene N, edit, repair of scene N), and each conversation
has a queue of steps that its requests consume in order. Conversations of scenes
written concurrently therefore stay deterministic.

Protocol violations are recorded in `errors` (and answered with 400): tests assert
there are none.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jsonschema

API_KEY = "sk-test-key"
MODEL = "tutor-test-model"


@dataclass
class Step:
    """One scripted answer to one request."""

    content: Any = None
    """A dict/list is sent as JSON text; a str as is."""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    status: int = 200
    body: str | None = None
    """Raw response body (overrides everything else)."""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def answer(obj: Any) -> Step:
    return Step(content=obj)


def call(tool: str, /, **arguments: Any) -> Step:
    return Step(tool_calls=[(tool, arguments)])


def status(code: int, message: str, *, kind: str = "invalid_request_error", **headers: str) -> Step:
    body = json.dumps({"error": {"message": message, "type": kind, "code": None}})
    return Step(status=code, body=body, headers=headers)


def route_by_prompt(request: dict[str, Any]) -> str:
    """`plan`, `write N`, `edit`, `repair N` (N from 'Write scene N' or '# scene N')."""
    messages = request.get("messages", [])
    system = str(messages[0].get("content", "")) if messages else ""
    user = next((str(m.get("content")) for m in messages if m.get("role") == "user"), "")
    if system.startswith("You plan"):
        return "plan"
    if system.startswith("You edit"):
        return "edit"
    if system.startswith("You write"):
        match = re.search(r"Write scene (\d+)", user)
        return f"write {match.group(1) if match else '?'}"
    if system.startswith("A scene failed"):
        match = re.search(r"# scene (\d+)", user)
        return f"repair {match.group(1) if match else '?'}"
    return "other"


class FakeOpenAI:
    """The server; use as a context manager. `base_url` ends in /v1."""

    def __init__(
        self,
        *,
        models: Iterable[str] = (MODEL,),
        api_key: str | None = API_KEY,
        route: Callable[[dict[str, Any]], str] = route_by_prompt,
        port: int = 0,
    ) -> None:
        self.models = set(models)
        self.api_key = api_key
        self.route = route
        self.scripts: dict[str, deque[Step]] = defaultdict(deque)
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.errors: list[str] = []
        self.default: Callable[[str, dict[str, Any]], Step] | None = None
        self._lock = threading.Lock()
        self._ids = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, key: str, *steps: Step) -> None:
        with self._lock:
            self.scripts[key].extend(steps)

    def conversation(self, key: str) -> list[dict[str, Any]]:
        """Requests of one conversation, in order."""
        with self._lock:
            return [r for k, r in self.requests if k == key]

    def unused(self) -> dict[str, int]:
        with self._lock:
            return {k: len(v) for k, v in self.scripts.items() if v}

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # ---------------------------------------------------------------- protocol

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            self._ids += 1
            return f"{prefix}{self._ids:06d}"

    def _violation(self, message: str) -> Step:
        with self._lock:
            self.errors.append(message)
        return status(400, message)

    def respond(
        self, method: str, path: str, headers: Any, raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        if method == "GET" and path == "/v1/models":
            data = {
                "object": "list",
                "data": [{"id": m, "object": "model"} for m in sorted(self.models)],
            }
            return 200, {}, json.dumps(data).encode()
        if method != "POST" or path != "/v1/chat/completions":
            return (
                404,
                {},
                json.dumps(
                    {
                        "error": {
                            "message": f"Unknown request URL: {method} {path}",
                            "type": "invalid_request_error",
                        }
                    }
                ).encode(),
            )
        if self.api_key is not None and headers.get("Authorization") != f"Bearer {self.api_key}":
            step = status(401, "Incorrect API key provided.", kind="invalid_request_error")
            return step.status, {}, (step.body or "").encode()
        try:
            request = json.loads(raw)
        except json.JSONDecodeError:
            step = self._violation("request body is not JSON")
            return step.status, {}, (step.body or "").encode()
        problem = self._check(request)
        if problem is not None:
            step = self._violation(problem)
            return step.status, {}, (step.body or "").encode()
        if request["model"] not in self.models:
            step = status(
                404,
                f"The model `{request['model']}` does not exist or you do not have access to it.",
                kind="invalid_request_error",
            )
            return step.status, {}, (step.body or "").encode()
        key = self.route(request)
        with self._lock:
            self.requests.append((key, request))
            queue = self.scripts.get(key)
            step = queue.popleft() if queue else None
        if step is None:
            step = self.default(key, request) if self.default else None
        if step is None:
            step = self._violation(f"no scripted answer left for conversation {key!r}")
        if step.delay:
            time.sleep(step.delay)
        if step.body is not None:
            return step.status, step.headers, step.body.encode()
        return step.status, step.headers, json.dumps(self._completion(request, step)).encode()

    def _completion(self, request: dict[str, Any], step: Step) -> dict[str, Any]:
        offered = {t["function"]["name"] for t in request.get("tools", [])}
        message: dict[str, Any] = {"role": "assistant", "content": None}
        if step.tool_calls:
            for name, _ in step.tool_calls:
                if name not in offered:
                    self._violation(
                        f"script calls tool {name!r} that was not offered ({sorted(offered)})"
                    )
            message["tool_calls"] = [
                {
                    "id": self._next_id("call_"),
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
                for name, args in step.tool_calls
            ]
            finish = "tool_calls"
        else:
            content = step.content
            text = content if isinstance(content, str) else json.dumps(content)
            fmt = request.get("response_format")
            if (
                isinstance(fmt, dict)
                and fmt.get("json_schema", {}).get("strict")
                and not isinstance(content, str)
            ):
                # Strict structured outputs never break the schema.
                try:
                    jsonschema.validate(content, fmt["json_schema"]["schema"])
                except jsonschema.ValidationError as exc:
                    self._violation(f"scripted answer breaks the strict schema: {exc.message}")
            message["content"] = text
            finish = "stop"
        prompt_tokens = len(json.dumps(request["messages"])) // 4
        completion_tokens = max(1, len(json.dumps(message)) // 4)
        return {
            "id": self._next_id("chatcmpl-"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request["model"],
            "choices": [
                {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def _check(self, request: Any) -> str | None:
        """What the real API would refuse with a 400 (None when the request is fine)."""
        if not isinstance(request, dict) or not isinstance(request.get("model"), str):
            return "`model` is required"
        messages = request.get("messages")
        if not isinstance(messages, list) or not messages:
            return "`messages` must be a non-empty array"
        pending: set[str] = set()
        for i, m in enumerate(messages):
            role = m.get("role") if isinstance(m, dict) else None
            if role not in ("system", "user", "assistant", "tool"):
                return f"messages[{i}].role is invalid: {role!r}"
            if pending and role != "tool":
                return (
                    "an assistant message with tool_calls must be followed by tool messages "
                    f"answering {sorted(pending)}"
                )
            if role == "tool":
                if m.get("tool_call_id") not in pending:
                    return f"messages[{i}]: tool message answers no pending tool call"
                pending.discard(m["tool_call_id"])
                if not isinstance(m.get("content"), str):
                    return f"messages[{i}].content must be a string"
            elif role == "assistant":
                for c in m.get("tool_calls") or []:
                    if c.get("type") != "function" or not isinstance(
                        c.get("function", {}).get("arguments"), str
                    ):
                        return f"messages[{i}].tool_calls is malformed"
                    pending.add(c["id"])
                if m.get("content") is None and not m.get("tool_calls"):
                    return f"messages[{i}]: assistant message needs content or tool_calls"
            elif not isinstance(m.get("content"), str):
                return f"messages[{i}].content must be a string"
        if pending:
            return f"tool calls {sorted(pending)} were not answered"
        for tool in request.get("tools", []):
            fn = tool.get("function") if isinstance(tool, dict) else None
            if tool.get("type") != "function" or not isinstance(fn, dict) or not fn.get("name"):
                return "tools must be {type: function, function: {name, parameters}}"
            if not isinstance(fn.get("parameters", {}), dict):
                return f"tool {fn['name']}: parameters must be a JSON schema object"
        fmt = request.get("response_format")
        if fmt is not None:
            if fmt.get("type") != "json_schema" or not isinstance(fmt.get("json_schema"), dict):
                return "response_format must be {type: json_schema, json_schema: {...}}"
            spec = fmt["json_schema"]
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", str(spec.get("name", ""))):
                return "response_format.json_schema.name is invalid"
            if not isinstance(spec.get("schema"), dict):
                return "response_format.json_schema.schema must be an object"
            if spec.get("strict"):
                problem = _strict_problem(spec["schema"])
                if problem:
                    return f"Invalid schema for response_format '{spec['name']}': {problem}"
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                code, headers, body = fake.respond(method, self.path, self.headers, raw)
                try:
                    self.send_response(code)
                    self.send_header(
                        "Content-Type", headers.pop("Content-Type", "application/json")
                    )
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def do_POST(self) -> None:
                self._serve("POST")

            def do_GET(self) -> None:
                self._serve("GET")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def _strict_problem(node: Any, path: str = "") -> str | None:
    """OpenAI strict mode: objects list every property as required, no extras, no $ref."""
    if isinstance(node, list):
        for i, n in enumerate(node):
            p = _strict_problem(n, f"{path}[{i}]")
            if p:
                return p
        return None
    if not isinstance(node, dict):
        return None
    if node.get("type") == "object" and "properties" in node:
        if node.get("additionalProperties") is not False:
            return (
                "'additionalProperties' is required to be supplied and to be false at "
                f"{path or '/'}"
            )
        if set(node.get("required", [])) != set(node["properties"]):
            return f"'required' must list every property at {path or '/'}"
    for k, v in node.items():
        p = _strict_problem(v, f"{path}/{k}")
        if p:
            return p
    return None
