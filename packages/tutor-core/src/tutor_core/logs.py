"""Structured logging with a correlation id carried through every step of a job."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

correlation_id: ContextVar[str] = ContextVar("tutor_correlation_id", default="-")

logger = logging.getLogger("tutor")
# A library stays quiet unless the application configures logging (the CLI does).
logger.addHandler(logging.NullHandler())


def new_correlation_id() -> str:
    return uuid.uuid4().hex[:12]


@contextmanager
def correlated(cid: str | None = None) -> Iterator[str]:
    """Run a block with a correlation id (a new one unless given)."""
    value = cid or new_correlation_id()
    token = correlation_id.set(value)
    try:
        yield value
    finally:
        correlation_id.reset(token)


class CorrelationFilter(logging.Filter):
    """Adds `correlation_id` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, correlation id, message, extras."""

    _skip = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
        "message",
        "correlation_id",
    }

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "time": self.formatTime(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "correlationId": getattr(record, "correlation_id", "-"),
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in self._skip and not key.startswith("_"):
                out[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time (rich's live display redirects it)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(level: str = "WARNING", *, json_lines: bool = False) -> None:
    """Send tutor's logs to stderr, each line tagged with the job's correlation id."""
    handler = _StderrHandler()
    handler.addFilter(CorrelationFilter())
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter(
            "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"
        )
    )
    logger.handlers[:] = [handler]  # replaces the NullHandler (and any earlier call's)
    logger.setLevel(level.upper())
    logger.propagate = False
