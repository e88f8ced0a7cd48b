"""A small client for OpenAI-compatible chat completions, with errors that say what to fix.

Plain HTTP (httpx) rather than the `openai` SDK: the agent needs one endpoint, full
control over retries (Retry-After, bounded waits) and over how every failure maps to
the one setting that fixes it; and local servers (Ollama, vLLM, llama.cpp) differ in
small ways the SDK's typed responses would reject.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from tutor_core import usage
from tutor_core.errors import AgentError

log = logging.getLogger("tutor.agent.openai")

MAX_RETRY_WAIT = 60.0
"""Longest wait the client accepts from a Retry-After header before giving up."""
BACKOFF = 1.0
"""First wait (seconds) before retrying a server error; doubled after each attempt."""
ERROR_BODY_CHARS = 300


class EndpointError(AgentError):
    """The endpoint refused or failed a request; `setting` names what to fix."""

    def __init__(self, message: str, *, setting: str, hint: str, status: int | None = None):
        self.setting = setting
        self.status = status
        # The setting is in the message itself: a failed lesson stores only the message.
        super().__init__(f"{message} (check {setting})", hint=hint)


@dataclass
class ChatReply:
    """One assistant message and what it cost."""

    message: dict[str, Any]
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def content(self) -> str | None:
        value = self.message.get("content")
        return value if isinstance(value, str) else None

    @property
    def tool_calls(self) -> list[dict[str, Any]]:
        calls = self.message.get("tool_calls")
        return [c for c in calls if isinstance(c, dict)] if isinstance(calls, list) else []


@dataclass
class ChatClient:
    """POSTs to `{base_url}/chat/completions` and returns the first choice.

    Attributes:
        base_url: the endpoint with its API prefix, e.g. `http://127.0.0.1:11434/v1`.
        model: the model name sent with every request.
        api_key: sent as `Authorization: Bearer ...` when set.
        timeout: seconds one request may take.
        max_attempts: attempts for rate limits and server errors.
        input_price, output_price: USD per million tokens (None: cost unknown).
    """

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 120.0
    max_attempts: int = 3
    input_price: float | None = None
    output_price: float | None = None
    requests: int = field(default=0, init=False)

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        """Estimated USD for one request (None when a price is not configured)."""
        if self.input_price is None or self.output_price is None:
            return None
        return (prompt_tokens * self.input_price + completion_tokens * self.output_price) / 1e6

    async def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        response_format: dict[str, Any] | None = None,
    ) -> ChatReply:
        """One chat completion (retrying rate limits and server errors, within bounds).

        Raises:
            EndpointError: the endpoint could not be reached, refused the request, timed
                out, or answered with something that is not a chat completion.
        """
        body: dict[str, Any] = {"model": self.model, "messages": messages}
        if tools:
            body["tools"] = tools
        if response_format is not None:
            body["response_format"] = response_format
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        async with httpx.AsyncClient(timeout=self.timeout, headers=headers) as http:
            for attempt in range(1, self.max_attempts + 1):
                response = await self._post(http, body)
                self.requests += 1
                if response.status_code == 200:
                    reply = self._reply(response)
                    usage.record(
                        reply.prompt_tokens,
                        reply.completion_tokens,
                        self.cost(reply.prompt_tokens, reply.completion_tokens),
                    )
                    return reply
                wait = self._retry_wait(response, attempt)
                if wait is None or attempt == self.max_attempts:
                    raise self._failure(response, attempt)
                log.info(
                    "endpoint answered %d; retrying in %.1f s (attempt %d of %d)",
                    response.status_code,
                    wait,
                    attempt + 1,
                    self.max_attempts,
                )
                await anyio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _post(self, http: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
        try:
            return await http.post(self.url, json=body)
        except httpx.TimeoutException:
            raise EndpointError(
                f"the model endpoint did not answer within {self.timeout:g} s ({self.url})",
                setting="TUTOR_OPENAI_TIMEOUT",
                hint="raise TUTOR_OPENAI_TIMEOUT (slow local models need minutes), or use a "
                "smaller or faster TUTOR_OPENAI_MODEL",
            ) from None
        except httpx.HTTPError as exc:
            raise EndpointError(
                f"cannot reach the model endpoint {self.url}: {type(exc).__name__}: {exc}",
                setting="TUTOR_OPENAI_BASE_URL",
                hint="check TUTOR_OPENAI_BASE_URL (scheme, host, port and the /v1 prefix) and "
                "that the server is running",
            ) from None

    def _reply(self, response: httpx.Response) -> ChatReply:
        try:
            data = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = None
        choices = data.get("choices") if isinstance(data, dict) else None
        first = choices[0] if isinstance(choices, list) and choices else None
        message = first.get("message") if isinstance(first, dict) else None
        if not isinstance(message, dict):
            raise EndpointError(
                f"the endpoint {self.url} did not answer with a chat completion: "
                f"{_excerpt(response.text)!r}",
                setting="TUTOR_OPENAI_BASE_URL",
                hint="TUTOR_OPENAI_BASE_URL must point at an OpenAI-compatible API "
                "(usually ending in /v1), not at a web page or another service",
                status=response.status_code,
            )
        used = data.get("usage") if isinstance(data, dict) else None
        used = used if isinstance(used, dict) else {}
        finish = first.get("finish_reason") if isinstance(first, dict) else None
        return ChatReply(
            message=message,
            finish_reason=finish if isinstance(finish, str) else None,
            prompt_tokens=_count(used.get("prompt_tokens")),
            completion_tokens=_count(used.get("completion_tokens")),
        )

    def _retry_wait(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None when retrying cannot help."""
        status = response.status_code
        if status == 429:
            told = _retry_after(response.headers)
            if told is None:
                return float(BACKOFF * 2 ** (attempt - 1))
            return told if told <= MAX_RETRY_WAIT else None
        if status in (408, 409) or status >= 500:
            told = _retry_after(response.headers)
            return (
                min(told, MAX_RETRY_WAIT)
                if told is not None
                else float(BACKOFF * 2 ** (attempt - 1))
            )
        return None

    def _failure(self, response: httpx.Response, attempts: int) -> EndpointError:
        status = response.status_code
        detail = _error_message(response)
        where = f"{self.url} answered {status}"
        if status in (401, 403):
            return EndpointError(
                f"the model endpoint refused the API key: {where}: {detail}",
                setting="TUTOR_OPENAI_API_KEY",
                hint="set TUTOR_OPENAI_API_KEY to a valid key for this endpoint",
                status=status,
            )
        if status == 404:
            if "model" in detail.lower():
                return EndpointError(
                    f"the endpoint has no model {self.model!r}: {where}: {detail}",
                    setting="TUTOR_OPENAI_MODEL",
                    hint="set TUTOR_OPENAI_MODEL to a model this endpoint serves (Ollama: "
                    "`ollama list`; OpenAI-compatible servers: GET /v1/models)",
                    status=status,
                )
            return EndpointError(
                f"no chat completions API at this address: {where}: {detail}",
                setting="TUTOR_OPENAI_BASE_URL",
                hint="TUTOR_OPENAI_BASE_URL usually ends in /v1 (e.g. http://127.0.0.1:11434/v1)",
                status=status,
            )
        if status == 429:
            told = _retry_after(response.headers)
            wait = f"; it asked to wait {told:.0f} s" if told is not None else ""
            return EndpointError(
                f"the model endpoint is rate limiting requests ({attempts} attempts{wait}): "
                f"{detail}",
                setting="TUTOR_OPENAI_MAX_ATTEMPTS",
                hint="try again later, lower TUTOR_CONCURRENCY (fewer scenes at once), raise "
                "TUTOR_OPENAI_MAX_ATTEMPTS, or raise your endpoint's rate limit",
                status=status,
            )
        if status == 400 or status == 422:
            return EndpointError(
                f"the model endpoint refused the request: {where}: {detail}",
                setting="TUTOR_OPENAI_MODEL",
                hint="TUTOR_OPENAI_MODEL must support tool calls and JSON-schema structured "
                "output (response_format); pick a model that does",
                status=status,
            )
        return EndpointError(
            f"the model endpoint failed ({attempts} attempts): {where}: {detail}",
            setting="TUTOR_OPENAI_BASE_URL",
            hint="the server at TUTOR_OPENAI_BASE_URL has a problem: look at its logs, or try "
            "again later (TUTOR_OPENAI_MAX_ATTEMPTS sets how often a request is tried)",
            status=status,
        )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ERROR_BODY_CHARS else text[:ERROR_BODY_CHARS] + "..."


def _error_message(response: httpx.Response) -> str:
    """The `error.message` of an OpenAI-style error body, else the body's start."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _excerpt(response.text) or "(empty body)"
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return _excerpt(error["message"])
    if isinstance(error, str):
        return _excerpt(error)
    return _excerpt(response.text)


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            value = float(ms) / 1000.0
        except ValueError:
            value = math.nan
        if math.isfinite(value) and value >= 0:
            return float(value)
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        value = when.timestamp() - time.time()
    if not math.isfinite(value):
        return None
    return max(0.0, value)
