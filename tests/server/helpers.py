"""Helpers for the server tests: processes on loopback, tokens, SSE parsing."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tutor_server.tokens import create_token

SECRET = "test-secret-key-" + "k" * 40
WEBHOOK_SECRET = "test-webhook-secret-" + "w" * 30
READY_SECONDS = 60.0
STOP_SECONDS = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def token(user: str, *, ttl: int = 3600, secret: str = SECRET, now: float | None = None) -> str:
    return create_token(secret, user, ttl=ttl, now=now)


def auth(user: str, **kwargs: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(user, **kwargs)}"}


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process we started: SIGTERM, then SIGKILL after a bounded wait."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_SECONDS)


def tutor_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "tutor_core.cli", *args]


@dataclass
class Proc:
    """A process we started, with its log file."""

    proc: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def json_lines(self) -> list[dict[str, Any]]:
        out = []
        for line in self.text().splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return out


def start(cmd: list[str], env: dict[str, str], log: Path) -> Proc:
    log.parent.mkdir(parents=True, exist_ok=True)
    out = log.open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    return Proc(proc, log)


@dataclass
class Live:
    """A real `tutor serve` on loopback."""

    base: str
    proc: Proc
    env: dict[str, str]
    workers: list[Proc] = field(default_factory=list)
    worker_metrics: dict[int, str] = field(default_factory=dict)
    """Each worker's metrics URL, by pid."""

    def client(self, user: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = auth(user) if user else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=30.0, **kwargs)


def start_server(env: dict[str, str], log: Path) -> Live:
    port = free_port()
    proc = start(tutor_cmd("serve", "--no-local", "--port", str(port)), env, log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError(f"tutor serve exited: {proc.text()[-3000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                return Live(base, proc, env)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(proc.proc)
    raise RuntimeError(f"tutor serve not ready: {proc.text()[-3000:]}")


def base_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    env.update(
        TUTOR_HOME=str(home),
        TUTOR_SECRET_KEY=SECRET,
        TUTOR_WEBHOOK_SECRET=WEBHOOK_SECRET,
        TUTOR_NARRATOR="silent",
        TUTOR_QUALITY="draft",
        TUTOR_LOG_FORMAT="json",
        TUTOR_JOBS_PER_MINUTE="1000",
        TUTOR_MAX_ACTIVE_JOBS="50",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class SseEvent:
    id: str | None
    event: str | None
    data: dict[str, Any]


def iter_sse(response: httpx.Response) -> Iterator[SseEvent]:
    """Parse a text/event-stream response into events (comments skipped)."""
    ev_id: str | None = None
    ev_name: str | None = None
    data: list[str] = []
    for line in response.iter_lines():
        if line == "":
            if data:
                yield SseEvent(ev_id, ev_name, json.loads("\n".join(data)))
            ev_id, ev_name, data = None, None, []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "id":
            ev_id = value
        elif name == "event":
            ev_name = value
        elif name == "data":
            data.append(value)


def follow_until(
    client: httpx.Client,
    session_id: str,
    done: Any,
    *,
    last_event_id: str | None = None,
    timeout: float = 300.0,
) -> list[SseEvent]:
    """Collect the session's events until `done(events)` is true."""
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    events: list[SseEvent] = []
    deadline = time.monotonic() + timeout
    with client.stream(
        "GET",
        f"/api/sessions/{session_id}/events",
        headers=headers,
        timeout=httpx.Timeout(timeout, read=timeout),
    ) as response:
        assert response.status_code == 200, response.read()
        for event in iter_sse(response):
            events.append(event)
            if done(events) or time.monotonic() > deadline:
                break
    return events


def session_settled(events: list[SseEvent]) -> bool:
    return bool(events) and any(
        e.event == "session" and e.data["status"] in ("ready", "error") for e in events[-1:]
    )
