"""Request ids, structured logs and Prometheus metrics.

Every request gets an `X-Request-ID` (the client's, when it sends a sane one); it is the
correlation id of the request's log lines and of the jobs the request starts, so one id
follows a click through the server and the workers.
"""

from __future__ import annotations

import re
import time
import uuid

from prometheus_client import Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tutor_core.logs import correlation_id

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

REQUEST_SECONDS = Histogram(
    "tutor_http_request_seconds",
    "Time to answer an HTTP request (to the first byte of a streamed one).",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ERRORS = Counter(
    "tutor_errors_total", "Errors by kind: answered, failed tasks, failed scenes.", ["kind"]
)
JOBS_SUBMITTED = Counter("tutor_jobs_submitted_total", "Jobs queued, by kind.", ["kind"])
SESSIONS_BY_STATE = Gauge("tutor_sessions", "Sessions by status (at the last scrape).", ["status"])
SCENES_BY_STATE = Gauge("tutor_scenes", "Scenes by status (at the last scrape).", ["status"])
QUEUE_DEPTH = Gauge("tutor_queue_depth", "Jobs waiting in the queue (at the last scrape).")
RENDER_SECONDS = Histogram(
    "tutor_scene_render_seconds",
    "Seconds a scene spent rendering (rendering to uploading), in this process.",
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300),
)
SSE_CLIENTS = Gauge("tutor_sse_clients", "Open Server-Sent Event streams.")


def request_id_from(raw: str | None) -> str:
    """The client's request id when it is short and plain, else a new one."""
    if raw and _SANE_ID.match(raw):
        return raw
    return uuid.uuid4().hex[:16]


class RequestContext:
    """ASGI middleware: request id (header + log correlation) and latency metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = None
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                raw = value.decode("latin-1")
                break
        rid = request_id_from(raw)
        token = correlation_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                message = {**message, "headers": headers}
                _observe(scope, status, started)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)


def _observe(scope: Scope, status: int, started: float) -> None:
    route = scope.get("route")
    template = getattr(route, "path", None) or "unmatched"
    REQUEST_SECONDS.labels(scope.get("method", "?"), template, str(status)).observe(
        time.perf_counter() - started
    )
