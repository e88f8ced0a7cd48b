"""Token and cost metering: what a model-backed agent spent on one piece of work.

The pipeline opens a meter around each scene (and around planning); an agent that
pays for tokens calls `record(...)` after each request. The meter lives in a context
variable, so concurrent scenes (each in its own task) never mix their counts, and an
agent needs no extra argument in the `Agent` protocol.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Meter:
    """Tokens and estimated cost counted so far.

    `cost_usd` stays None while no request had a known price (an unknown cost is not
    zero).
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    requests: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, prompt_tokens: int, completion_tokens: int, cost_usd: float | None) -> None:
        self.prompt_tokens += max(0, prompt_tokens)
        self.completion_tokens += max(0, completion_tokens)
        self.requests += 1
        if cost_usd is not None:
            self.cost_usd = (self.cost_usd or 0.0) + cost_usd


_current: ContextVar[tuple[Meter, ...]] = ContextVar("tutor_usage_meters", default=())


@contextmanager
def metering() -> Iterator[Meter]:
    """Count what is recorded inside the block (nested meters all count it)."""
    meter = Meter()
    token = _current.set((*_current.get(), meter))
    try:
        yield meter
    finally:
        _current.reset(token)


def record(prompt_tokens: int, completion_tokens: int, cost_usd: float | None = None) -> None:
    """Add one request's usage to every open meter (nothing happens outside a meter)."""
    for meter in _current.get():
        meter.add(prompt_tokens, completion_tokens, cost_usd)


def add_cost(a: float | None, b: float | None) -> float | None:
    """Sum of two costs where None means unknown (unknown + known = known part)."""
    if a is None:
        return b
    if b is None:
        return a
    return a + b
