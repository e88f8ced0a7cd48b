"""Celery on a Redis broker: the app, its tasks, and each worker process's runtime.

Tasks carry ids only (never objects) and re-read the store. Generation is split per
scene: `tutor.generate` plans and sends one `tutor.scene` task per scene, so scenes of
one lesson render on different workers at once. Delivery is at least once (acks late,
prefetch 1, reject on worker lost, redelivery of a dead worker's task after the
visibility timeout); the store's lease on each scene (renewed by the pipeline while a
worker makes it) makes a second delivery wait while the first worker is alive and take
the scene over when it is not, and a done-marker per edit job makes a delivery after
completion a no-op.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from celery import Celery, Task
from celery.signals import worker_process_shutdown

from tutor_core.errors import Busy, StorageError
from tutor_core.logs import correlated
from tutor_core.models import Job, JobKind
from tutor_core.settings import Settings
from tutor_core.tutor import Tutor
from tutor_server import events
from tutor_server.settings import ServerSettings

log = logging.getLogger("tutor.server.worker")

QUEUE = "tutor"
DONE_TTL = 7 * 24 * 3600
T = TypeVar("T")


def make_celery(settings: ServerSettings) -> Celery:
    """The Celery app for a Redis URL (TUTOR_REDIS_URL)."""
    if not settings.redis_url:
        from tutor_core.errors import ConfigurationError

        raise ConfigurationError(
            "the celery queue needs TUTOR_REDIS_URL",
            hint="e.g. TUTOR_REDIS_URL=redis://host:6379/0",
        )
    app = Celery("tutor", broker=settings.redis_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.celery_visibility_timeout,
            "unacked_restore_interval": settings.celery_restore_interval,
            "unacked_restore_throttle": 1,
        },
    )
    _register_tasks(app, settings)
    return app


def scene_job(job_id: str, index: int) -> str:
    """The job id of one scene's task (the same on every delivery)."""
    return f"{job_id}.s{index}"


# ------------------------------------------------------------------ runtime


class _Runtime:
    """One event loop (a blocking portal thread) and one `Tutor` per worker process."""

    def __init__(self, settings: ServerSettings) -> None:
        import redis
        from anyio.from_thread import start_blocking_portal

        self.settings = settings
        self._portal_cm = start_blocking_portal()
        self.portal = self._portal_cm.__enter__()
        self.tutor: Tutor = self.portal.call(self._make_tutor)
        self.redis = redis.Redis.from_url(settings.redis_url or "")
        self.sink = events.RedisEventLog(
            settings.redis_url or "", retention=settings.event_retention
        )
        events.add_sink(self.sink)
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    async def _make_tutor(self) -> Tutor:
        return Tutor(Settings())

    def run(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        return self.portal.call(fn, *args)

    def done(self, marker: str) -> bool:
        return bool(self.redis.exists(f"tutor:done:{marker}"))

    def mark_done(self, marker: str) -> None:
        self.redis.set(f"tutor:done:{marker}", b"1", ex=DONE_TTL)

    def close(self) -> None:
        events.remove_sink(self.sink)
        self.portal.call(self.tutor.aclose)
        self._portal_cm.__exit__(None, None, None)


_runtime: _Runtime | None = None
_runtime_lock = threading.Lock()


def runtime(settings: ServerSettings) -> _Runtime:
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            _runtime = _Runtime(settings)
        return _runtime


@worker_process_shutdown.connect  # type: ignore[untyped-decorator]
def _shutdown(**_: Any) -> None:
    global _runtime
    if _runtime is not None:
        _runtime.close()
        _runtime = None


# -------------------------------------------------------------------- tasks


PLAN_WAITS = 60
"""How many lease periods a redelivered planning task waits for its first delivery."""


def _transient() -> tuple[type[BaseException], ...]:
    """Errors worth retrying: storage, network and broker connections (not bad input)."""
    import redis.exceptions

    return (
        StorageError,
        OSError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
    )


def _register_tasks(app: Celery, settings: ServerSettings) -> None:
    retry_policy: dict[str, Any] = {
        "bind": True,
        # Tasks belong to this app only (not Celery's process-wide shared registry), so
        # several apps in one process (a server, tests) do not register them twice.
        "shared": False,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": _transient(),
        "retry_backoff": 2,
        "retry_backoff_max": 60,
        "retry_jitter": True,
        "max_retries": 3,
    }
    core = Settings()
    lease_wait = max(1, int(core.lease_seconds))
    # Planned scenes wait in the queue under the planner's lease for this long.
    wait_seconds = 2.0 * settings.celery_visibility_timeout + 600
    # A hard limit per scene above the pipeline's own timeouts (render 5 min, scene
    # TUTOR_SCENE_TIMEOUT), for prefork pools; the solo pool relies on those timeouts.
    scene_limit = core.scene_timeout + 120

    @app.task(name="tutor.generate", **retry_policy)  # type: ignore[untyped-decorator]
    def generate(self: Task, job_data: dict[str, Any]) -> None:
        rt = runtime(settings)
        job = Job.model_validate(job_data)
        with correlated(job.id):
            try:
                scenes = rt.run(
                    functools.partial(
                        rt.tutor.pipeline.plan_session,
                        job.session_id,
                        int(job.prompt or 4),
                        job_id=job.id,
                        wait_seconds=wait_seconds,
                    )
                )
            except Busy:
                # Delivered again while the first delivery still plans: look again once
                # its lease could run out (if that worker died, this one plans it).
                raise self.retry(countdown=lease_wait, max_retries=PLAN_WAITS) from None
            for scene in scenes:
                app.send_task(
                    "tutor.scene",
                    args=[job_data, scene.id, scene_job(job.id, scene.index)],
                    queue=QUEUE,
                )
            log.info("job %s: %d scene tasks sent by %s", job.id, len(scenes), rt.name)

    @app.task(  # type: ignore[untyped-decorator]
        name="tutor.scene", time_limit=scene_limit, soft_time_limit=scene_limit - 30, **retry_policy
    )
    def scene(self: Task, job_data: dict[str, Any], scene_id: str, job_id: str) -> None:
        rt = runtime(settings)
        with correlated(job_id):
            log.info("scene %s taken by worker %s", scene_id, rt.name)
            try:
                rt.run(functools.partial(rt.tutor.pipeline.make_scene, scene_id, job_id=job_id))
            except Busy:
                # Another live worker holds it: look again once its lease could run out.
                raise self.retry(countdown=lease_wait, max_retries=None) from None
            log.info("scene %s released by worker %s", scene_id, rt.name)

    @app.task(  # type: ignore[untyped-decorator]
        name="tutor.edit", time_limit=scene_limit, soft_time_limit=scene_limit - 30, **retry_policy
    )
    def edit(self: Task, job_data: dict[str, Any]) -> None:
        rt = runtime(settings)
        job = Job.model_validate(job_data)
        with correlated(job.id):
            if rt.done(job.id):
                return  # delivered again after it finished: an edit is applied once
            try:
                rt.run(rt.tutor.run_job, job)
            except Busy:
                raise self.retry(countdown=lease_wait, max_retries=None) from None
            rt.mark_done(job.id)


TASK_FOR_KIND = {
    JobKind.GENERATE: "tutor.generate",
    JobKind.EDIT: "tutor.edit",
    JobKind.RETRY: "tutor.edit",
}
