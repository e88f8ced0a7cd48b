"""`create_app(settings)`: the FastAPI app; its lifespan owns the `Tutor`.

Example::

    import uvicorn
    from tutor_server import ServerSettings, create_app

    uvicorn.run(create_app(ServerSettings(secret_key="...")), host="127.0.0.1", port=8000)
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.routing import APIRoute

from tutor_core import signing
from tutor_core.settings import Settings
from tutor_core.tutor import Tutor
from tutor_server import errors, events
from tutor_server.deps import RedisReplayGuard
from tutor_server.idempotency import MemoryIdempotency, RedisIdempotency
from tutor_server.limits import BodyLimit, MemoryRateLimiter, RateLimiter, RedisRateLimiter
from tutor_server.observability import RequestContext
from tutor_server.routes import files, health, home, jobs, projects, scenes, sessions, users
from tutor_server.service import Service
from tutor_server.settings import ServerSettings
from tutor_server.tokens import VerifiedTokens

log = logging.getLogger("tutor.server")

API_VERSION = "1.0.0"


def operation_id(route: APIRoute) -> str:
    """Stable operation ids: `{tag}-{name}`, e.g. `projects-create`."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def create_app(
    settings: ServerSettings | None = None,
    *,
    core: Settings | None = None,
    tutor: Tutor | None = None,
) -> FastAPI:
    """Build the app.

    Args:
        settings: server settings (default: from the environment).
        core: tutor-core settings for the `Tutor` the lifespan makes (default: environment).
        tutor: a ready `Tutor` to use instead (its plugins are used as they are).

    Raises:
        ConfigurationError: no real TUTOR_SECRET_KEY outside local mode.
    """
    settings = settings or ServerSettings()
    secret = settings.require_secret()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        the_tutor = tutor or Tutor(core or Settings())
        log_: events.EventLog
        limiter: RateLimiter
        if settings.redis_url:
            log_ = events.RedisEventLog(settings.redis_url, retention=settings.event_retention)
            limiter = RedisRateLimiter(settings.redis_url)
            app.state.replay_guard = RedisReplayGuard(settings.redis_url)
            app.state.idempotency = RedisIdempotency(settings.redis_url)
        else:
            log_ = events.MemoryEventLog()
            limiter = MemoryRateLimiter()
            app.state.replay_guard = signing.ReplayGuard()
            app.state.idempotency = MemoryIdempotency()
        events.add_sink(log_)
        app.state.events = log_
        app.state.service = Service(the_tutor, settings, log_, limiter)
        try:
            await the_tutor.start_queue()
            async with anyio.create_task_group() as tg:
                if isinstance(log_, events.RedisEventLog):
                    tg.start_soon(log_.run)
                log.info("server ready (queue %s)", the_tutor.queue.name)
                yield {}
                tg.cancel_scope.cancel()
        finally:
            events.remove_sink(log_)
            await log_.close()
            if isinstance(app.state.idempotency, RedisIdempotency):
                await app.state.idempotency.close()
            if tutor is None:
                await the_tutor.aclose()

    app = FastAPI(
        title="tutor",
        version=API_VERSION,
        summary="Prompt to narrated explainer video, scene by scene.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        separate_input_output_schemas=False,
    )
    app.state.settings = settings
    app.state.secret = secret
    app.state.tokens = VerifiedTokens(secret)
    errors.install(app)
    for router in (
        users.router,
        projects.router,
        sessions.router,
        scenes.router,
        files.router,
        jobs.router,
        health.router,
        home.router,
    ):
        app.include_router(router)
    # Outermost first: the request id must wrap everything, including a 413.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContext)
    return app


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, including routes of included routers."""
    out: list[tuple[str, str]] = []

    def add(route: Any, path: str) -> None:
        for method in sorted(getattr(route, "methods", None) or ()):
            out.append((method, path))

    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is None:
            add(route, getattr(route, "path", ""))
            continue
        for context in contexts():
            add(context.original_route, context.path or context.original_route.path)
    return out
