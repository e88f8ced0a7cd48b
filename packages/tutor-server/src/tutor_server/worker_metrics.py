"""Prometheus metrics of a `tutor worker`: its jobs by state, render seconds, errors by kind.

`tutor worker --metrics-port N` serves them at `http://127.0.0.1:N/metrics`. They are
counted from Celery's task signals in the process that runs the tasks, so the worker
pool must be `solo` or `threads` (a `prefork` child counts in its own memory, which
this endpoint cannot see). Render seconds come from the scene status hook
(`tutor_scene_render_seconds`, as in the server); errors by exception class
(`tutor_errors_total{kind}`: failed and retried tasks, and `SceneFailed` for each scene
that ended `error`, counted by the same hook).
"""

from __future__ import annotations

from typing import Any

from celery import signals
from prometheus_client import CollectorRegistry, Counter, Gauge, ProcessCollector, start_http_server

from tutor_core.errors import Busy
from tutor_server.observability import ERRORS, RENDER_SECONDS

JOBS = Counter(
    "tutor_worker_jobs_total",
    "Tasks this worker finished, by task and final state (succeeded, retried, failed).",
    ["task", "state"],
    registry=None,
)
RUNNING = Gauge(
    "tutor_worker_jobs_running", "Tasks running in this worker now.", ["task"], registry=None
)
TASKS = ("tutor.generate", "tutor.scene", "tutor.edit")

_STATES = {"SUCCESS": "succeeded", "RETRY": "retried", "FAILURE": "failed"}


def _name(sender: Any) -> str:
    return str(getattr(sender, "name", None) or "unknown")


def _started(sender: Any = None, **_: Any) -> None:
    RUNNING.labels(task=_name(sender)).inc()


def _ended(sender: Any = None, state: str | None = None, **_: Any) -> None:
    task = _name(sender)
    RUNNING.labels(task=task).dec()
    JOBS.labels(task=task, state=_STATES.get(state or "", (state or "unknown").lower())).inc()


def _failed(exception: BaseException | None = None, **_: Any) -> None:
    ERRORS.labels(kind=type(exception).__name__ if exception else "unknown").inc()


def _retried(reason: Any = None, **_: Any) -> None:
    # `reason` is Celery's Retry; its `exc` is what went wrong (None when the task
    # chose to wait for a scene that another live worker holds: not an error).
    exc = getattr(reason, "exc", None)
    if isinstance(exc, BaseException) and not isinstance(exc, Busy):
        ERRORS.labels(kind=type(exc).__name__).inc()


def serve(port: int, host: str = "127.0.0.1") -> int:
    """Count this process's tasks and serve `/metrics` on host:port; returns the port."""
    signals.task_prerun.connect(_started, weak=False)
    signals.task_postrun.connect(_ended, weak=False)
    signals.task_failure.connect(_failed, weak=False)
    signals.task_retry.connect(_retried, weak=False)
    # Only what a worker measures (not the server's request and SSE metrics), with
    # every task's series present from the start (a dashboard sees zeros, not gaps).
    registry = CollectorRegistry()
    for collector in (JOBS, RUNNING, ERRORS, RENDER_SECONDS):
        registry.register(collector)
    ProcessCollector(registry=registry)
    for task in TASKS:
        RUNNING.labels(task=task)
        for state in _STATES.values():
            JOBS.labels(task=task, state=state)
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return int(server.server_port)
