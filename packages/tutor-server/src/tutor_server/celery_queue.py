"""The `celery` job queue: jobs go to Celery workers (`tutor worker`) over Redis."""

from __future__ import annotations

import anyio

from tutor_core.errors import NotFound
from tutor_core.interfaces import JobRunner
from tutor_core.models import Job, JobInfo, JobState
from tutor_server.celery_app import QUEUE, TASK_FOR_KIND, make_celery
from tutor_server.settings import ServerSettings


class CeleryQueue:
    """A `JobQueue` that sends jobs to Celery workers; the server itself runs none."""

    name = "celery"

    def __init__(self, settings: ServerSettings) -> None:
        import redis

        self.settings = settings
        self.app = make_celery(settings)
        self._redis = redis.Redis.from_url(settings.redis_url or "")

    def bind(self, runner: JobRunner) -> None:
        """Workers run the jobs; nothing runs in this process."""

    def _send(self, job: Job) -> None:
        self.app.send_task(TASK_FOR_KIND[job.kind], args=[job.model_dump(mode="json")], queue=QUEUE)

    async def submit(self, job: Job) -> str:
        await anyio.to_thread.run_sync(self._send, job)
        return job.id

    async def status(self, job_id: str) -> JobInfo:
        done = await anyio.to_thread.run_sync(self._redis.exists, f"tutor:done:{job_id}")
        if done:
            return JobInfo(id=job_id, state=JobState.DONE)
        raise NotFound(
            f"job {job_id} is not finished or not known",
            hint="follow the session's status instead (GET /api/sessions/{id})",
        )

    async def cancel(self, job_id: str) -> bool:
        return False

    async def ping(self) -> None:
        await anyio.to_thread.run_sync(self._redis.ping)

    async def depth(self) -> int:
        return int(await anyio.to_thread.run_sync(self._redis.llen, QUEUE))

    async def close(self) -> None:
        self._redis.close()
